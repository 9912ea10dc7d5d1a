"""The repository stands alone: no tracked text file points at design notes
kept outside it (a sibling `shared` folder, or the design, style and
reliability notes by file name) or at issue numbers of a tracker its readers
do not have (a number over a count in square brackets). Files cite the
repository's own docs (docs/ARCHITECTURE.md, docs/robustness.md,
docs/DECISIONS.md) and RFCs instead.

Needs git, not the zoned binary; skipped outside a git checkout."""
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Assembled from pieces so that this file does not match its own patterns.
_MD = r"\.md"
FORBIDDEN = re.compile("|".join([
    r"\.\./" + "shared",                 # a path out of the repository
    "shared/" + "DESIGN",
    "DESIGN" + _MD,
    "STYLE" + _MD,
    "RELIABILITY" + _MD,
    r"\[\d+/\d+\]",                      # an issue number such as 3 of 6 in brackets
]))


def tracked_files() -> list[pathlib.Path]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if listed.returncode != 0:
        pytest.skip(f"{ROOT} is not a git checkout")
    names = [n for n in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    return [ROOT / n for n in names]


def text_of(path: pathlib.Path) -> str | None:
    """The file's text, or None for a binary file or one missing from the tree."""
    if path.is_symlink() or not path.is_file():
        return None
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def test_no_references_outside_the_repository():
    bad = []
    for path in tracked_files():
        text = text_of(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if FORBIDDEN.search(line):
                bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert not bad, ("files point outside the repository; cite docs/ARCHITECTURE.md, "
                     "docs/robustness.md or docs/DECISIONS.md, or say it in words:\n"
                     + "\n".join(bad))


def test_rule_is_live():
    """The scan must see the files it guards, and its patterns must catch what
    they are for, or a pass proves nothing."""
    files = {p.relative_to(ROOT).as_posix() for p in tracked_files()}
    assert {"README.md", "docs/DECISIONS.md"} <= files
    assert text_of(ROOT / "README.md")
    caught = ["see ../" + "shared/notes", "the DESIGN" + ".md plan", "STYLE" + ".md", "RELIABILITY" + ".md 27",
              "issue [" + "4/6]", "([3" + "/6])", "[12/" + "40]"]
    for sample in caught:
        assert FORBIDDEN.search(sample), sample
    for sample in ["std::shared_ptr", "docs/ARCHITECTURE.md", "docs/robustness.md case 27",
                   "a[i/2]", "RFC 1035 4.1.1", "shared/"]:
        assert not FORBIDDEN.search(sample), sample


# doctest_discover_tests hands each test name to CMake, whose lists split at
# ';': such a name becomes two ctest tests that match no test case, and ctest
# then runs neither and reports no failure.
TEST_NAME_WITH_SEMICOLON = re.compile(r'TEST_CASE[A-Z_]*\((?:[^")]*,\s*)?"[^"\n]*;[^"\n]*"')


def test_no_unit_test_name_holds_a_semicolon():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in tracked_files() if path.suffix == ".cpp" and "tests" in path.parts
             for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
             if TEST_NAME_WITH_SEMICOLON.search(line)]
    assert not found, "\n".join(found)


def test_the_semicolon_check_sees_one():
    assert TEST_NAME_WITH_SEMICOLON.search('TEST_CASE("a; b") {')
    assert TEST_NAME_WITH_SEMICOLON.search('TEST_CASE_FIXTURE(Fixture, "a; b") {')
    assert not TEST_NAME_WITH_SEMICOLON.search('TEST_CASE("a, and b") {')
