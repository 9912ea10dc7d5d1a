"""The zoned daemon as operators run it: start-up, --check-config, signals.

- start: SOA answered over UDP and TCP; a zone that fails to load answers
  SERVFAIL (the others are served) and the log names file:line:column.
- command line: --check-config exit codes and messages (config errors and
  zone errors with file:line), --help, --version, bad usage (exit 2).
- SIGHUP: an edited zone file is served with its new serial; a broken one
  keeps the old serial and the log says why (file:line); a broken config
  keeps the running one; zones added to / removed from the config.
- SIGTERM: exit 0 within a second or two, pid file removed.
- SQLite zones (written by `zonectl import`): a new serial in the database
  is served after SIGHUP, and without a signal with sqlite-poll.

Binaries: ZONED and ZONECTL (see zoned_process.py). Ports 20500-20599.
"""
import os
import pwd
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import dns.edns
import dns.rcode
import pytest

from zoned_process import ZONECTL, ZONED, ZoneEntry

BASE_PORT = 20500


def zone_text(serial, extra=""):
    return textwrap.dedent(f"""\
        $TTL 3600
        @    SOA ns1 hostmaster {serial} 7200 3600 1209600 300
        @    NS  ns1
        ns1  A   192.0.2.1
        www  A   192.0.2.10
        """) + extra


@pytest.fixture
def example_zone(tmp_path):
    path = tmp_path / "example.com.zone"
    path.write_text(zone_text(1))
    return path


def run_zoned(*args, cwd):
    return subprocess.run([str(ZONED), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=30)


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


# ---- start-up ---------------------------------------------------------------

def test_serves_soa_over_udp_and_tcp(zoned_factory, example_zone):
    with zoned_factory(BASE_PORT, [ZoneEntry("example.com.", file=example_zone)]) as server:
        assert server.serial("example.com.") == 1
        assert server.serial("example.com.", tcp=True) == 1
        reply = server.query("www.example.com.", "A")
        assert [rr.address for rr in reply.answer[0]] == ["192.0.2.10"]
        log = server.log_text()
        assert "zone example.com. serial 1, 4 records" in log
        assert f"udp 127.0.0.1@{BASE_PORT}" in log


def test_zone_that_fails_to_load_answers_servfail(zoned_factory, tmp_path, example_zone):
    broken = tmp_path / "broken.zone"
    broken.write_text(zone_text(1, "bad A 192.0.2.300\n"))
    zones = [ZoneEntry("example.com.", file=example_zone), ZoneEntry("example.org.", file=broken)]
    with zoned_factory(BASE_PORT + 1, zones) as server:
        assert server.query("example.org.", "SOA").rcode() == dns.rcode.SERVFAIL
        assert server.serial("example.com.") == 1
        assert f"{broken}:6:" in server.log_text()
        assert "example.org. NOT LOADED" in server.log_text()


def test_no_zones_is_fine_and_refuses(zoned_factory):
    with zoned_factory(BASE_PORT + 2) as server:
        assert server.query("example.com.", "SOA").rcode() == dns.rcode.REFUSED


def test_address_in_use_fails_start_with_the_address(zoned_factory, example_zone):
    zones = [ZoneEntry("example.com.", file=example_zone)]
    with zoned_factory(BASE_PORT + 3, zones) as first:
        # The same config again: its sockets are taken.
        result = run_zoned("-c", str(first.config_path), cwd=first.workdir)
        assert result.returncode == 1
        assert f"127.0.0.1@{BASE_PORT + 3}" in result.stderr


# ---- command line -----------------------------------------------------------

def test_check_config_good(zoned_factory, example_zone):
    server = zoned_factory(BASE_PORT + 10, [ZoneEntry("example.com.", file=example_zone)])
    result = run_zoned("--check-config", "-c", str(server.config_path), cwd=server.workdir)
    assert result.returncode == 0, result.stderr
    assert "serial 1" in result.stdout
    assert "config OK" in result.stdout


def test_check_config_bad_config_names_file_and_line(tmp_path):
    config = tmp_path / "zoned.yaml"
    config.write_text("server:\n  worker: 2\n")
    result = run_zoned("--check-config", "-c", str(config), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{config}:2:" in result.stderr


def test_check_config_bad_zone_names_file_line_column(zoned_factory, tmp_path):
    broken = tmp_path / "example.com.zone"
    broken.write_text(zone_text(1, "bad A 192.0.2.300\n"))
    server = zoned_factory(BASE_PORT + 11, [ZoneEntry("example.com.", file=broken)])
    result = run_zoned("--check-config", "-c", str(server.config_path), cwd=server.workdir)
    assert result.returncode == 1
    assert f"{broken}:6:7:" in result.stderr


def test_start_with_bad_config_exits_1(tmp_path):
    config = tmp_path / "zoned.yaml"
    config.write_text("zones: 3\n")
    result = run_zoned("-c", str(config), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{config}:1:" in result.stderr


def test_help_version_and_bad_usage(tmp_path):
    help_text = run_zoned("--help", cwd=tmp_path)
    assert help_text.returncode == 0
    for section in ("SYNOPSIS", "OPTIONS", "SIGNALS", "FILES", "EXIT STATUS", "--check-config"):
        assert section in help_text.stdout
    version = run_zoned("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("zoned ")
    bad = run_zoned("--frobnicate", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "--frobnicate" in bad.stderr
    missing = run_zoned("-c", cwd=tmp_path)
    assert missing.returncode == 2


# ---- signals ----------------------------------------------------------------

def test_sighup_serves_edited_zone(zoned_factory, example_zone):
    with zoned_factory(BASE_PORT + 20, [ZoneEntry("example.com.", file=example_zone)]) as server:
        example_zone.write_text(zone_text(2, "mail A 192.0.2.25\n"))
        mark = server.log_size()
        server.reload()
        assert server.wait_for_serial("example.com.", 2) == 2
        assert server.query("mail.example.com.", "A").answer
        server.wait_for_log(r"\+1 -0 records, serial 1 -> 2", start=mark)


def test_sighup_broken_zone_keeps_old_serial(zoned_factory, example_zone):
    with zoned_factory(BASE_PORT + 21, [ZoneEntry("example.com.", file=example_zone)]) as server:
        example_zone.write_text(zone_text(2, "bad A 192.0.2.300\n"))
        mark = server.log_size()
        server.reload()
        server.wait_for_log(r"reload done", start=mark)
        assert server.serial("example.com.") == 1
        log = server.log_text()[mark:]
        assert "still serving serial 1" in log
        assert f"{example_zone}:6:" in log


def test_sighup_broken_config_keeps_running_config(zoned_factory, example_zone):
    server = zoned_factory(BASE_PORT + 22, [ZoneEntry("example.com.", file=example_zone)])
    with server:
        good_config = server.config_path.read_text()
        server.config_path.write_text(good_config + "bogus-section: 1\n")
        example_zone.write_text(zone_text(2))
        mark = server.log_size()
        server.reload()
        server.wait_for_log(r"config not reloaded", start=mark)
        assert f"{server.config_path}:" in server.log_text()[mark:]
        # Nothing reloaded: the running config and zones stay.
        assert server.serial("example.com.") == 1
        server.config_path.write_text(good_config)
        server.reload()
        assert server.wait_for_serial("example.com.", 2) == 2


def test_sighup_adds_and_removes_zones(zoned_factory, tmp_path, example_zone):
    other = tmp_path / "example.net.zone"
    other.write_text(zone_text(7))
    com = ZoneEntry("example.com.", file=example_zone)
    with zoned_factory(BASE_PORT + 23, [com]) as server:
        assert server.query("example.net.", "SOA").rcode() == dns.rcode.REFUSED
        server.zones = [com, ZoneEntry("example.net.", file=other)]
        server.write_config()
        server.reload()
        assert server.wait_for_serial("example.net.", 7) == 7
        server.zones = [ZoneEntry("example.net.", file=other)]
        server.write_config()
        server.reload()
        assert wait_until(lambda: server.query("example.com.", "SOA").rcode() == dns.rcode.REFUSED)
        assert server.serial("example.net.") == 7


def keepalive_advertised(server) -> int:
    """The edns-tcp-keepalive timeout (100 ms units, RFC 7828) zoned sends over TCP."""
    reply = server.query("example.com.", "SOA", tcp=True, use_edns=0,
                         options=[dns.edns.GenericOption(dns.edns.OptionType.KEEPALIVE, b"")])
    values = [o for o in reply.options if o.otype == dns.edns.OptionType.KEEPALIVE]
    assert values, f"no edns-tcp-keepalive in the reply's OPT: {reply.options}"
    return int.from_bytes(values[0].to_wire(), "big")


def test_sighup_keeps_restart_only_keys_and_says_so(zoned_factory, example_zone):
    """A reload that changes server.tcp warns and keeps the running TCP limits,
    so the keepalive zoned advertises stays the idle timeout it applies."""
    zones = [ZoneEntry("example.com.", file=example_zone)]
    with zoned_factory(BASE_PORT + 25, zones, server_options={"tcp": {"idle-timeout": "10s"}}) as server:
        assert keepalive_advertised(server) == 100
        server.write_config(server_options={"tcp": {"idle-timeout": "20s"}})
        mark = server.log_size()
        server.reload()
        server.wait_for_log(r"server\.tcp changed; it takes effect after a restart", start=mark)
        server.wait_for_log(r"reload done", start=mark)
        assert keepalive_advertised(server) == 100


def test_sigterm_exits_zero_and_removes_pid_file(zoned_factory, example_zone):
    server = zoned_factory(BASE_PORT + 24, [ZoneEntry("example.com.", file=example_zone)])
    server.start()
    assert server.pid_file.read_text().strip() == str(server.pid)
    started = time.monotonic()
    server.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=5) == 0
    assert time.monotonic() - started < 3
    assert not server.pid_file.exists()
    assert "zoned stopped" in server.log_text()


def test_sigint_exits_zero(zoned_factory, example_zone):
    server = zoned_factory(BASE_PORT + 25, [ZoneEntry("example.com.", file=example_zone)])
    server.start()
    server.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=5) == 0


def test_log_file_reopened_on_sighup(zoned_factory, tmp_path, example_zone):
    log_file = tmp_path / "zoned-file.log"
    server = zoned_factory(BASE_PORT + 26, [ZoneEntry("example.com.", file=example_zone)],
                           log_options={"target": str(log_file)})
    with server:
        assert "serving 1 zone(s)" in log_file.read_text()
        rotated = log_file.with_suffix(".log.1")
        log_file.rename(rotated)  # as logrotate does before signalling
        server.reload()
        assert wait_until(lambda: log_file.exists() and "reload done" in log_file.read_text())
        assert "reload done" not in rotated.read_text()


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping privileges needs root")
def test_user_drops_privileges_after_binding(zoned_factory, example_zone):
    nobody = pwd.getpwnam("nobody")
    server = zoned_factory(BASE_PORT + 27, [ZoneEntry("example.com.", file=example_zone)],
                           server_options={"user": "nobody"})
    def uids():
        status = (Path("/proc") / str(server.pid) / "status").read_text()
        return next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:"))

    with server:
        # Answers start right after binding; the switch follows at once.
        assert wait_until(lambda: uids() == [str(nobody.pw_uid)] * 4), uids()
        assert server.serial("example.com.") == 1


# ---- SQLite zones -----------------------------------------------------------

def zonectl_import(tmp_path, database, serial, extra=""):
    if not ZONECTL.exists():
        pytest.skip(f"{ZONECTL} not built (set ZONECTL)")
    source = tmp_path / f"import-{serial}.zone"
    source.write_text(zone_text(serial, extra))
    result = subprocess.run([str(ZONECTL), "import", "example.com.", str(source), str(database)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_sqlite_zone_reloaded_on_sighup(zoned_factory, tmp_path):
    database = tmp_path / "zones.db"
    zonectl_import(tmp_path, database, 10)
    with zoned_factory(BASE_PORT + 30, [ZoneEntry("example.com.", sqlite=database)]) as server:
        assert server.serial("example.com.") == 10
        assert server.serial("example.com.", tcp=True) == 10
        zonectl_import(tmp_path, database, 11, "new A 192.0.2.11\n")
        mark = server.log_size()
        server.reload()
        assert server.wait_for_serial("example.com.", 11) == 11
        server.wait_for_log(r"\+1 -0 records, serial 10 -> 11", start=mark)


def test_sqlite_zone_polled_without_signal(zoned_factory, tmp_path):
    database = tmp_path / "zones.db"
    zonectl_import(tmp_path, database, 20)
    zone = ZoneEntry("example.com.", sqlite=database, sqlite_poll=1)
    with zoned_factory(BASE_PORT + 31, [zone]) as server:
        assert server.serial("example.com.") == 20
        zonectl_import(tmp_path, database, 21)
        # Poll interval 1 s, checked every second: within about 2 s.
        assert server.wait_for_serial("example.com.", 21, timeout=4) == 21


def test_sqlite_missing_database_is_reported(zoned_factory, tmp_path):
    zone = ZoneEntry("example.com.", sqlite=tmp_path / "absent.db")
    with zoned_factory(BASE_PORT + 32, [zone]) as server:
        assert server.query("example.com.", "SOA").rcode() == dns.rcode.SERVFAIL
        assert "absent.db" in server.log_text()
