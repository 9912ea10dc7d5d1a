"""Dependencies point one way (docs/ARCHITECTURE.md, "Modules and
dependencies"): dns <- zone <- {signer, xfr} <- server <- ctl/zonectl. The
query path (server/query) and the zone store never include signer/, xfr/ or
ctl/; dns/ includes nothing above it."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)

# folder -> project folders it must not include
FORBIDDEN = {
    "dns": {"zone", "signer", "xfr", "server", "ctl"},
    "zone": {"signer", "xfr", "server", "ctl"},
    "server/query": {"signer", "xfr", "ctl"},
}


def sources(folder):
    base = ROOT / folder
    return sorted(p for p in base.rglob("*") if p.suffix in (".hpp", ".cpp", ".h"))


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_no_upward_includes(folder):
    bad = []
    for path in sources(folder):
        for target in INCLUDE.findall(path.read_text(errors="replace")):
            if target in FORBIDDEN[folder]:
                bad.append(f"{path.relative_to(ROOT)} includes {target}/")
    assert not bad, "layering violated:\n" + "\n".join(bad)


def test_rule_is_live():
    """The scan must see the sources it guards, or it proves nothing."""
    assert sources("dns") and sources("zone")
