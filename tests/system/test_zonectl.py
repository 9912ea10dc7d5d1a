"""zonectl against a running zoned: every daemon command, human and --json
output, and the effect checked through DNS; the offline tsig-keygen; the
control channel's errors and its robustness (docs/robustness.md case 38).

- status, zone-status, zone-read, stats: what they print matches what the
  server answers (serials, records, query counts).
- zone-reload: an edited zone file is served at once with its new serial; a
  broken one is refused with file:line and the old serial stays served.
- reload: a zone added to the config is served, a removed one is not; a zone
  that does not load fails the command and keeps its old serial; a broken
  config is refused.
- stop: zoned replies, exits 0 and removes its control socket.
- errors: no daemon (one line, exit 1), permission denied, unknown zone,
  unknown command, usage errors (exit 2); 1 MB of garbage, a deeply nested
  request, an oversized or wrong-version frame: an error or a close, and the
  daemon keeps answering.
- start-up: a stale socket file is replaced; a second zoned with the same
  socket refuses to start.

Binaries: ZONED and ZONECTL (see zoned_process.py). Ports 21500-21599.
"""
import base64
import json
import os
import socket
import struct
import subprocess
import textwrap
import time

import dns.rcode
import pytest

from zoned_process import ZONECTL, ZoneEntry
from zonectl_util import control_config, socket_of, zonectl

BASE_PORT = 21500
HELP_SECTIONS = ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "EXAMPLES")
DAEMON_COMMANDS = ("status", "reload", "stop", "zone-status", "zone-reload", "zone-read", "stats")


def zone_text(serial, extra=""):
    return textwrap.dedent(f"""\
        $TTL 3600
        @    SOA ns1 hostmaster {serial} 7200 3600 1209600 300
        @    NS  ns1
        ns1  A   192.0.2.1
        www  A   192.0.2.10
        www  AAAA 2001:db8::10
        """) + extra


@pytest.fixture
def served(tmp_path, zoned_factory):
    """A zoned serving example.com. and example.net. with a control socket."""
    def make(port):
        com = tmp_path / "example.com.zone"
        com.write_text(zone_text(1))
        net = tmp_path / "example.net.zone"
        net.write_text(zone_text(7).replace("192.0.2.10", "198.51.100.10"))
        workdir = tmp_path / f"zoned-{port}"
        server = zoned_factory(port, zones=[ZoneEntry("example.com.", file=com),
                                            ZoneEntry("example.net.", file=net)],
                               extra_config=control_config(workdir))
        server.start()
        return server, socket_of(server), com
    return make


def one_line_error(result):
    assert result.rc == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("zonectl: "), result.stderr
    return lines[0]


def raw_exchange(path, frame, timeout=5.0):
    """Sends `frame` on the control socket; returns the decoded reply, or None
    when the daemon closed the connection without one."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(str(path))
        try:
            s.sendall(frame)
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed while we were still writing garbage
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                if len(data) >= 10 and len(data) >= 10 + struct.unpack(">I", data[6:10])[0]:
                    break
        except ConnectionResetError:
            pass
    if len(data) < 10:
        return None
    assert data[:4] == b"ZCTL"
    return json.loads(data[10:10 + struct.unpack(">I", data[6:10])[0]])


def frame(payload, version=1, length=None):
    return b"ZCTL" + struct.pack(">HI", version, len(payload) if length is None else length) + payload


def request(command, *args):
    return frame(json.dumps({"command": command, "args": list(args)}).encode())


def test_status_and_zone_status(served):
    server, path, _ = served(BASE_PORT)
    human = zonectl(path, "status")
    assert human.rc == 0, human.stderr
    assert f"pid {server.pid}" in human.stdout
    assert f"udp 127.0.0.1@{BASE_PORT}" in human.stdout
    assert "2 configured, 2 loaded" in human.stdout
    status = zonectl(path, "status", json=True).json
    assert status["pid"] == server.pid and status["workers"] == 1
    assert status["zones"] == {"configured": 2, "loaded": 2, "not_loaded": 0, "failing": 0}
    assert any(f"tcp 127.0.0.1@{BASE_PORT}" in s for s in status["listen"])
    assert status["control"] == str(path) and status["uptime_seconds"] >= 0
    # -c finds the socket in the config; options may follow the command.
    by_config = subprocess.run([str(ZONECTL), "status", "-c", str(server.config_path), "--json"],
                               capture_output=True, text=True, timeout=30)
    assert by_config.returncode == 0 and json.loads(by_config.stdout)["pid"] == server.pid

    zones = zonectl(path, "zone-status", json=True).json["zones"]
    assert [z["zone"] for z in zones] == ["example.com.", "example.net."]
    net = zones[1]
    assert net["serial"] == server.serial("example.net.") == 7
    assert (net["role"], net["backend"], net["records"], net["error"]) == ("primary", "file", 5, None)
    assert net["loaded_at"].endswith("Z")
    one = zonectl(path, "zone-status", "example.net")  # the final dot is optional
    assert one.rc == 0 and "example.com." not in one.stdout
    assert "serial      7" in one.stdout and "last error  none" in one.stdout
    error = one_line_error(zonectl(path, "zone-status", "example.org"))
    assert "unknown zone example.org." in error
    assert zonectl(path, "zone-status", "example.org", json=True).json == {
        "error": "unknown zone example.org. (not in zoned's config)"}


def test_zone_reload_serves_the_edited_file(served):
    server, path, com = served(BASE_PORT + 1)
    com.write_text(zone_text(2, "new  A 192.0.2.99\n"))
    reloaded = zonectl(path, "zone-reload", "example.com.")
    assert reloaded.rc == 0, reloaded.stderr
    assert reloaded.stdout == "example.com. reloaded: serial 2, 6 records\n"
    # Published before the reply: no waiting.
    assert server.serial("example.com.") == 2
    assert server.query("new.example.com.", "A").answer[0][0].address == "192.0.2.99"

    com.write_text(zone_text(3, "broken  A  not-an-address\n"))
    error = one_line_error(zonectl(path, "zone-reload", "example.com"))
    assert "still serving serial 2" in error and "example.com.zone:7" in error
    assert server.serial("example.com.") == 2
    status = zonectl(path, "zone-status", "example.com", json=True).json["zones"][0]
    assert status["serial"] == 2 and "example.com.zone:7" in status["error"]
    assert "example.com.zone:7" in zonectl(path, "zone-status").stdout

    com.write_text(zone_text(4))
    as_json = zonectl(path, "zone-reload", "example.com", json=True)
    assert as_json.rc == 0 and as_json.json["serial"] == 4 and as_json.json["error"] is None
    assert server.serial("example.com.") == 4
    assert "unknown zone" in one_line_error(zonectl(path, "zone-reload", "nowhere.test"))


def test_reload_adds_a_zone_and_refuses_a_broken_config(served, tmp_path):
    server, path, _ = served(BASE_PORT + 2)
    org = tmp_path / "example.org.zone"
    org.write_text(zone_text(11))
    assert server.query("example.org.", "SOA").rcode() == dns.rcode.REFUSED
    config = server.config(extra_config={"control": {"socket": str(path)}})
    config["zones"].append({"domain": "example.org.", "file": str(org)})
    server.write_config_dict(config)
    reloaded = zonectl(path, "reload")
    assert reloaded.rc == 0, reloaded.stderr
    assert "1 zone(s) read again, 3 configured" in reloaded.stdout
    assert server.serial("example.org.") == 11

    config["zones"].pop()
    server.write_config_dict(config)
    as_json = zonectl(path, "reload", json=True)
    assert as_json.rc == 0 and as_json.json["zones_configured"] == 2
    assert server.query("example.org.", "SOA").rcode() == dns.rcode.REFUSED

    com = tmp_path / "example.com.zone"
    com.write_text(zone_text(2, "broken  A  not-an-address\n"))
    error = one_line_error(zonectl(path, "reload"))
    assert "config reloaded, but 1 zone(s) did not load: example.com.:" in error
    failed = zonectl(path, "reload", json=True)
    assert failed.rc == 1 and "did not load" in failed.json["error"]
    assert server.serial("example.com.") == 1

    server.config_path.write_text(server.config_path.read_text() + "\nbogus-key: 1\n")
    error = one_line_error(zonectl(path, "reload"))
    assert "config not reloaded" in error and "bogus-key" in error
    assert server.serial("example.com.") == 1


def test_zone_read_matches_dns(served):
    server, path, _ = served(BASE_PORT + 3)
    whole = zonectl(path, "zone-read", "example.com")
    assert whole.rc == 0, whole.stderr
    lines = whole.stdout.splitlines()
    assert len(lines) == 5 and lines[0].split("\t")[3] == "SOA"
    assert "www.example.com.\t3600\tIN\tAAAA\t2001:db8::10" in lines
    www = zonectl(path, "zone-read", "example.com", "www", "A", json=True).json
    assert www["serial"] == 1
    answer = server.query("www.example.com.", "A").answer[0]
    assert [r["rdata"] for r in www["records"]] == [r.address for r in answer]
    assert www["records"][0] == {"owner": "www.example.com.", "ttl": answer.ttl, "class": "IN",
                                 "type": "A", "rdata": "192.0.2.10"}
    assert len(zonectl(path, "zone-read", "example.com", "www").stdout.splitlines()) == 2
    apex = zonectl(path, "zone-read", "example.com.", "@", "soa")
    assert apex.rc == 0 and apex.stdout.startswith("example.com.\t3600\tIN\tSOA\tns1.example.com.")
    assert "no records at nope.example.com." in one_line_error(
        zonectl(path, "zone-read", "example.com", "nope"))
    assert "no MX records" in one_line_error(zonectl(path, "zone-read", "example.com", "www", "MX"))
    assert "unknown record type" in one_line_error(
        zonectl(path, "zone-read", "example.com", "www", "BOGUS"))
    assert "outside the zone" in one_line_error(
        zonectl(path, "zone-read", "example.com", "www.example.net."))
    assert "unknown zone" in one_line_error(zonectl(path, "zone-read", "example.org"))


def test_stats_count_queries(served):
    server, path, _ = served(BASE_PORT + 4)
    before = zonectl(path, "stats", json=True).json
    for _ in range(3):
        server.query("www.example.com.", "AAAA")
    server.query("www.example.net.", "A", tcp=True)
    after = zonectl(path, "stats", json=True).json
    assert after["queries"]["udp"] - before["queries"]["udp"] >= 3
    assert after["queries"]["tcp"] - before["queries"]["tcp"] >= 1
    assert after["qtypes"]["AAAA"] - before["qtypes"].get("AAAA", 0) >= 3
    com = next(z for z in after["zones"] if z["zone"] == "example.com.")
    assert com["queries"] >= 3
    human = zonectl(path, "stats")
    assert human.rc == 0 and "zone example.com." in human.stdout
    assert "queries" in human.stdout and "AAAA" in human.stdout


def test_stop_ends_the_daemon(served):
    server, path, _ = served(BASE_PORT + 5)
    stopped = zonectl(path, "stop")
    assert stopped.rc == 0 and stopped.stdout == f"zoned (pid {server.pid}) is stopping\n"
    assert server.process.wait(timeout=10) == 0
    assert not path.exists()
    error = one_line_error(zonectl(path, "status"))
    assert "no such socket" in error
    result = zonectl(path, "status", json=True)
    assert result.rc == 1 and "no such socket" in result.json["error"]


def test_no_daemon_and_usage_errors(tmp_path):
    stale = tmp_path / "stale.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(stale))
    listener.close()  # the file stays, nobody listens: what a crashed daemon leaves
    error = one_line_error(zonectl(stale, "status"))
    assert error == f"zonectl: cannot connect to {stale}: no zoned is running (connection refused)"
    result = zonectl(stale, "zone-status", json=True)
    assert result.rc == 1 and "connection refused" in result.json["error"]

    config = tmp_path / "zoned.yaml"
    config.write_text("server:\n  listen: [127.0.0.1@53]\n")
    no_control = subprocess.run([str(ZONECTL), "-c", str(config), "status"],
                                capture_output=True, text=True, timeout=30)
    assert no_control.returncode == 1 and "has no control: socket:" in no_control.stderr

    assert zonectl(stale, "frobnicate").rc == 2
    assert zonectl(stale, "zone-reload").rc == 2               # ZONE missing
    assert zonectl(stale, "zone-read", "a", "b", "c", "d").rc == 2
    both = subprocess.run([str(ZONECTL), "-s", str(stale), "-c", str(config), "status"],
                          capture_output=True, text=True, timeout=30)
    assert both.returncode == 2


def test_permission_denied(served):
    server, path, _ = served(BASE_PORT + 6)
    assert oct(path.stat().st_mode & 0o777) == "0o660"
    if os.geteuid() == 0:
        # root passes any mode: ask as nobody, who is neither owner nor group.
        argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                str(ZONECTL), "-s", str(path), "status"]
        path.parent.chmod(0o755)  # reach the socket, so that its own mode decides
        for parent in path.parents:
            if parent == path.parents[-1] or str(parent) == "/tmp":
                break
            parent.chmod(parent.stat().st_mode | 0o005)
    else:
        path.chmod(0)
        argv = [str(ZONECTL), "-s", str(path), "status"]
    denied = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert denied.returncode == 1
    assert denied.stderr == f"zonectl: cannot connect to {path}: permission denied " \
                            "(the socket's owner and group may control zoned)\n"
    if os.geteuid() != 0:
        path.chmod(0o660)
    assert zonectl(path, "status").rc == 0


def test_bad_input_on_the_socket_leaves_the_daemon_serving(served):
    server, path, _ = served(BASE_PORT + 7)
    garbage = os.urandom(1 << 20)
    assert raw_exchange(path, garbage) is None             # not our magic: closed
    reply = raw_exchange(path, b"ZCTL" + garbage)         # a random version and length
    assert reply is None or reply["ok"] is False
    nested = b'{"command": "status", "args": ' + b"[" * 100000 + b"]" * 100000 + b"}"
    reply = raw_exchange(path, frame(nested))
    assert reply["ok"] is False and "nested too deep" in reply["error"]
    reply = raw_exchange(path, frame(b"", length=64 << 20))
    assert reply["ok"] is False and "too large" in reply["error"]
    reply = raw_exchange(path, frame(b"{}", version=9))
    assert reply["ok"] is False and "version 9" in reply["error"]
    reply = raw_exchange(path, frame(b"not json"))
    assert reply["ok"] is False and "malformed" in reply["error"]
    reply = raw_exchange(path, request("no-such-command"))
    assert reply == {"ok": False, "error": "unknown command 'no-such-command'", "body": {}}
    reply = raw_exchange(path, request("zone-status", "a", "b"))
    assert reply["ok"] is False and "usage" in reply["error"]
    # A client that connects and says nothing does not block the others.
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as idle:
        idle.connect(str(path))
        assert zonectl(path, "status").rc == 0
    assert server.running() and server.serial("example.com.") == 1


def test_stale_socket_replaced_and_live_one_kept(tmp_path, zoned_factory):
    zone = tmp_path / "example.com.zone"
    zone.write_text(zone_text(1))
    workdir = tmp_path / f"zoned-{BASE_PORT + 8}"
    workdir.mkdir()
    control = control_config(workdir)
    path = control["control"]["socket"]
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()
    first = zoned_factory(BASE_PORT + 8, zones=[ZoneEntry("example.com.", file=zone)],
                          extra_config=control).start()
    assert zonectl(path, "status", json=True).json["pid"] == first.pid
    second = zoned_factory(BASE_PORT + 9, zones=[ZoneEntry("example.com.", file=zone)],
                           extra_config=control)
    with pytest.raises(Exception):
        second.start()
    assert "another zoned answers on the control socket" in second.log_text()
    assert zonectl(path, "status", json=True).json["pid"] == first.pid


def test_help_reads_like_a_man_page():
    usage = subprocess.run([str(ZONECTL), "--help"], capture_output=True, text=True, timeout=30)
    assert usage.returncode == 0
    commands = usage.stdout.split("DAEMON COMMANDS\n")[1].split("\nEXIT STATUS\n")[0]
    daemon, offline = commands.split("OFFLINE COMMANDS\n")
    for name in DAEMON_COMMANDS:
        assert f"\n    {name} " in "\n" + daemon
    for name in ("check-zone", "import", "export", "tsig-keygen"):
        assert f"\n    {name} " in "\n" + offline
    for option in ("-s, --socket", "-c, --config", "--json"):
        assert option in usage.stdout
    listed = [line.split()[0] for line in (daemon + offline).splitlines()
              if line.startswith("    ") and not line.startswith("     ")]
    assert len(listed) >= len(DAEMON_COMMANDS) + 4
    for name in listed:  # every command's page reads like a man page
        page = subprocess.run([str(ZONECTL), "help", name], capture_output=True, text=True,
                              timeout=30)
        assert page.returncode == 0
        positions = [page.stdout.index(section + "\n") for section in HELP_SECTIONS]
        assert positions == sorted(positions), name
        assert page.stdout == subprocess.run([str(ZONECTL), name, "--help"], capture_output=True,
                                             text=True, timeout=30).stdout
    assert subprocess.run([str(ZONECTL), "help", "nope"], capture_output=True,
                          timeout=30).returncode == 2


def test_tsig_keygen():
    out = subprocess.run([str(ZONECTL), "tsig-keygen", "xfr.example.com"], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0
    secret = out.stdout.split("secret: ")[1].split("\n")[0]
    assert len(base64.b64decode(secret, validate=True)) == 32
    assert 'key "xfr.example.com" {\n\talgorithm hmac-sha256;\n' \
           f'\tsecret "{secret}";\n}};\n' in out.stdout
    keys = [json.loads(subprocess.run(
        [str(ZONECTL), "tsig-keygen", "--algorithm", "hmac-sha512", "--json", "k"],
        capture_output=True, text=True, timeout=30).stdout) for _ in range(2)]
    assert keys[0]["algorithm"] == "hmac-sha512" and keys[0]["name"] == "k"
    assert len(base64.b64decode(keys[0]["secret"])) == 64
    assert keys[0]["secret"] != keys[1]["secret"]
    for bad in (["--algorithm", "hmac-md5", "k"], ['a"b'], []):
        assert subprocess.run([str(ZONECTL), "tsig-keygen", *bad], capture_output=True,
                              timeout=30).returncode == 2
