"""Every zoned a system test starts is checked for sanitizer reports when it
stops (ZonedProcess.stop(); docs/robustness.md case 40): shown here by a log
that carries one."""
import pytest

from zoned_process import ZoneEntry

PORT = 21720


def test_a_sanitizer_report_in_the_log_fails_the_stop(zoned_factory, tmp_path):
    zone = tmp_path / "example.com.zone"
    zone.write_text("$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 192.0.2.1\n")
    server = zoned_factory(PORT, zones=[ZoneEntry("example.com.", file=zone)])
    server.start()
    clean = zoned_factory(PORT + 1, zones=[ZoneEntry("example.com.", file=zone)])
    clean.start()
    assert clean.stop() == 0  # nothing reported: the stop passes
    # As UBSan writes it (-fno-sanitize-recover makes zoned exit right after).
    with open(server.log_path, "a") as log:
        log.write("server/query/query_engine.cpp:1:1: runtime error: signed integer overflow\n")
    with pytest.raises(AssertionError, match="sanitizer report"):
        server.stop()
    server.log_path.write_text("")  # reported once: the fixture's own stop passes
