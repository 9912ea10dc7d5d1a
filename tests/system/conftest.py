"""Fixtures for system tests that run the zoned binary (see zoned_process.py).

`zoned_factory(port, zones=..., **options)` builds a ZonedProcess in the
test's tmp_path (not yet started: call start() or use it as a context
manager); every process it made is stopped by PID when the test ends, and
the test fails if its log holds a sanitizer report (ZONED built with
ZONED_SANITIZE=ON; ZonedProcess.stop() checks). Tests are skipped, not
failed, when the zoned binary has not been built.
"""
import pytest

from zoned_process import ZONECTL, ZONED, ZonedProcess


@pytest.fixture
def zoned_factory(tmp_path):
    if not ZONED.exists():
        pytest.skip(f"{ZONED} not built (set ZONED)")
    made = []

    def make(port, zones=None, **options):
        workdir = tmp_path / f"zoned-{port}"
        workdir.mkdir(exist_ok=True)
        process = ZonedProcess(workdir, port, zones, **options)
        made.append(process)
        return process

    yield make
    reports = []
    for process in made:
        try:
            process.stop()
        except AssertionError as report:
            reports.append(str(report))
    if reports:
        pytest.fail("sanitizer report in zoned's log:\n" + "\n".join(reports))


@pytest.fixture
def zonectl_built():
    """Skips the test when zonectl has not been built (set ZONECTL)."""
    if not ZONECTL.exists():
        pytest.skip(f"{ZONECTL} not built (set ZONECTL)")
