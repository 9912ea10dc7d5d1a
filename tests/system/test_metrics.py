"""The Prometheus endpoint (`metrics: listen:`): counters move by exactly the
queries sent, per zone too; the HTTP side refuses what it should and keeps
the daemon alive; it is off unless configured.

Ports 21400-21499 (DNS on even ports, metrics on the next odd one).
"""
from __future__ import annotations

import re
import socket
import time
import urllib.error
import urllib.request

import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from zoned_process import LOOPBACK, ZoneEntry, ZonedError, ZonedProcess
from zonectl_util import control_config, socket_of, zonectl

ZONE = """\
$ORIGIN example.com.
$TTL 300
@    IN SOA ns1 hostmaster 2024060701 3600 600 86400 300
@    IN NS  ns1
ns1  IN A   192.0.2.1
www  IN A   192.0.2.10
"""
SERIAL = 2024060701
TIMEOUT = 3.0
SAMPLE = re.compile(r"^([a-z_]+)(\{[^}]*\})? (\d+)$")


def metrics_config(port: int) -> dict:
    return {"metrics": {"listen": f"{LOOPBACK}@{port}"}}


def start_zoned(zoned_factory, tmp_path, dns_port: int, metrics_port: int | None,
                extra: dict | None = None, **options) -> ZonedProcess:
    zone_file = tmp_path / "example.com.zone"
    zone_file.write_text(ZONE)
    extra = dict(extra or {})
    if metrics_port:
        extra.update(metrics_config(metrics_port))
    server = zoned_factory(dns_port, zones=[ZoneEntry("example.com.", file=zone_file)],
                           extra_config=extra, **options)
    return server.start()


def http_get(port: int, path: str = "/metrics", method: str = "GET"):
    request = urllib.request.Request(f"http://{LOOPBACK}:{port}{path}", method=method)
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.status, response.headers, response.read().decode()


def scrape(port: int) -> dict[str, int]:
    """Every sample of /metrics, keyed `name{labels}`; checks HELP and TYPE."""
    status, headers, text = http_get(port)
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples: dict[str, int] = {}
    described = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            described.add(line.split()[2])
            continue
        if line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        assert match.group(1) in described, f"{match.group(1)} has no # TYPE line"
        samples[match.group(1) + (match.group(2) or "")] = int(match.group(3))
    return samples


def udp(server: ZonedProcess, name: str, qtype: str = "A", **options) -> dns.message.Message:
    query = dns.message.make_query(name, qtype, **options)
    return dns.query.udp(query, LOOPBACK, port=server.port, timeout=TIMEOUT)


def tcp(server: ZonedProcess, name: str, qtype: str = "A") -> dns.message.Message:
    query = dns.message.make_query(name, qtype)
    return dns.query.tcp(query, LOOPBACK, port=server.port, timeout=TIMEOUT)


def send_malformed(server: ZonedProcess) -> bytes:
    """A header with QDCOUNT 0 (FORMERR, docs/robustness.md case 3); returns the reply."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(TIMEOUT)
        s.sendto(bytes([0x12, 0x34, 0x01, 0x00]) + bytes(8), (LOOPBACK, server.port))
        return s.recv(512)


def send_batch(server: ZonedProcess) -> None:
    for _ in range(5):
        assert udp(server, "www.example.com.").rcode() == dns.rcode.NOERROR
    for _ in range(3):
        assert udp(server, "nope.example.com.").rcode() == dns.rcode.NXDOMAIN
    for _ in range(2):
        assert udp(server, "www.example.org.").rcode() == dns.rcode.REFUSED
    for _ in range(2):
        assert udp(server, "www.example.com.", want_dnssec=True).rcode() == dns.rcode.NOERROR
    reply = send_malformed(server)
    assert reply[3] & 0x0f == dns.rcode.FORMERR
    for _ in range(2):  # one connection each
        assert tcp(server, "www.example.com.").rcode() == dns.rcode.NOERROR
    assert tcp(server, "example.com.", "SOA").rcode() == dns.rcode.NOERROR


# What send_batch moves; every other counter must stay where it was.
ZONE_LABEL = 'zone="example.com."'
EXPECTED_DELTA = {
    'zoned_queries_total{transport="udp"}': 13,
    'zoned_queries_total{transport="tcp"}': 3,
    'zoned_query_types_total{qtype="A"}': 14,
    'zoned_query_types_total{qtype="SOA"}': 1,
    'zoned_query_types_total{qtype="other"}': 1,  # the malformed one has no question
    'zoned_query_opcodes_total{opcode="QUERY"}': 16,
    'zoned_query_edns_total': 2,
    'zoned_query_do_total': 2,
    'zoned_malformed_queries_total': 1,
    'zoned_responses_total{rcode="NOERROR"}': 10,
    'zoned_responses_total{rcode="NXDOMAIN"}': 3,
    'zoned_responses_total{rcode="REFUSED"}': 2,
    'zoned_responses_total{rcode="FORMERR"}': 1,
    'zoned_tcp_connections_total{result="accepted"}': 3,
    f'zoned_zone_queries_total{{{ZONE_LABEL}}}': 13,
    f'zoned_zone_responses_total{{{ZONE_LABEL},rcode="NOERROR"}}': 10,
    f'zoned_zone_responses_total{{{ZONE_LABEL},rcode="NXDOMAIN"}}': 3,
}


def test_counters_move_by_exactly_the_batch(zoned_factory, tmp_path):
    # Two workers: the sums on read must cover both.
    server = start_zoned(zoned_factory, tmp_path, 21400, 21401,
                         extra=control_config(tmp_path), server_options={"workers": 2})
    before = scrape(21401)
    send_batch(server)
    after = scrape(21401)

    assert set(before) == set(after)
    for key in EXPECTED_DELTA:
        assert key in after, f"{key} missing from /metrics"
    moved = {key: after[key] - before[key] for key in after
             if key.endswith("_total") or "_total{" in key}
    for key, delta in moved.items():
        assert delta == EXPECTED_DELTA.get(key, 0), f"{key} moved by {delta}"

    assert after["zoned_workers"] == 2
    assert after[f"zoned_zone_serial{{{ZONE_LABEL}}}"] == SERIAL
    assert after[f"zoned_zone_records{{{ZONE_LABEL}}}"] == 4
    assert after[f"zoned_zone_load_failed{{{ZONE_LABEL}}}"] == 0
    loaded = after[f"zoned_zone_last_load_timestamp_seconds{{{ZONE_LABEL}}}"]
    assert abs(loaded - time.time()) < 600
    assert after["zoned_start_time_seconds"] <= loaded + 1

    # `zonectl stats` renders the same counters (nothing was sent since).
    stats = zonectl(socket_of(server), "stats", json=True).json
    assert stats["queries"] == {"udp": after['zoned_queries_total{transport="udp"}'],
                                "tcp": after['zoned_queries_total{transport="tcp"}']}
    assert stats["rcodes"]["NXDOMAIN"] == after['zoned_responses_total{rcode="NXDOMAIN"}']
    assert stats["do"] == after["zoned_query_do_total"]
    assert stats["tcp_connections"]["accepted"] == \
        after['zoned_tcp_connections_total{result="accepted"}']
    [zone] = stats["zones"]
    assert zone["queries"] == after[f"zoned_zone_queries_total{{{ZONE_LABEL}}}"]
    assert zone["serial"] == SERIAL


def test_http_errors_leave_the_daemon_serving(zoned_factory, tmp_path):
    server = start_zoned(zoned_factory, tmp_path, 21402, 21403)
    with pytest.raises(urllib.error.HTTPError) as not_found:
        http_get(21403, "/other")
    assert not_found.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as not_allowed:
        http_get(21403, "/metrics", method="POST")
    assert not_allowed.value.code == 405

    # docs/robustness.md case 38: a 64 KB header gets an error reply or a close.
    with socket.create_connection((LOOPBACK, 21403), timeout=TIMEOUT) as s:
        try:
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n")
            reply = s.recv(4096)
        except (ConnectionResetError, BrokenPipeError):
            reply = b""
    assert reply == b"" or reply.startswith(b"HTTP/1.1 431"), reply[:100]

    # A client that connects and says nothing does not block the others.
    with socket.create_connection((LOOPBACK, 21403), timeout=TIMEOUT):
        assert scrape(21403)['zoned_queries_total{transport="udp"}'] >= 1
    assert udp(server, "www.example.com.").rcode() == dns.rcode.NOERROR


def test_metrics_off_unless_configured(zoned_factory, tmp_path):
    server = start_zoned(zoned_factory, tmp_path, 21404, None)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((LOOPBACK, 21405), timeout=TIMEOUT).close()
    assert "metrics http" not in server.log_text()


def test_metrics_port_taken_stops_start_up_naming_it(zoned_factory, tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind((LOOPBACK, 21407))
        taken.listen(1)
        with pytest.raises(ZonedError) as failed:
            start_zoned(zoned_factory, tmp_path, 21406, 21407, start_timeout=5.0)
    assert f"{LOOPBACK}@21407" in str(failed.value)


def test_rrl_drops_and_slips_are_counted_as_the_client_saw_them(zoned_factory, tmp_path):
    server = start_zoned(zoned_factory, tmp_path, 21408, 21409,
                         server_options={"rrl": {"rate": 1, "slip": 2}})
    before = scrape(21409)
    sent = 30
    replies = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        query = dns.message.make_query("www.example.com.", "A")
        for _ in range(sent):
            s.sendto(query.to_wire(), (LOOPBACK, server.port))
        try:
            while True:
                replies.append(dns.message.from_wire(s.recv(4096)))
        except socket.timeout:
            pass
    after = scrape(21409)

    def delta(key: str) -> int:
        return after[key] - before[key]

    truncated = sum(1 for reply in replies if reply.flags & dns.flags.TC)
    dropped = delta('zoned_rrl_responses_total{action="dropped"}')
    assert delta('zoned_queries_total{transport="udp"}') == sent
    assert dropped > 0 and truncated > 0  # the limit was reached
    assert delta('zoned_rrl_responses_total{action="slipped"}') == truncated
    assert dropped == sent - len(replies)
    assert delta('zoned_responses_total{rcode="NOERROR"}') == len(replies)
    assert delta(f"zoned_zone_queries_total{{{ZONE_LABEL}}}") == sent
    assert delta(f'zoned_zone_responses_total{{{ZONE_LABEL},rcode="NOERROR"}}') == len(replies)
    assert delta("zoned_truncated_responses_total") == 0  # slips are counted apart


def connect_from(source: str, port: int) -> socket.socket:
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.bind((source, 0))
    client.connect((LOOPBACK, port))
    return client


def test_tcp_caps_hit_are_logged_once_with_the_client_and_counted(zoned_factory, tmp_path):
    """docs/robustness.md case 22: connections over a cap are refused, counted by
    the cap reached, and logged at most once per 10 s with the client refused
    most (3,000 from one address used to be closed without a word)."""
    server = start_zoned(zoned_factory, tmp_path, 21410, 21411,
                         server_options={"tcp": {"max-connections": 6, "max-connections-per-client": 4}})
    held = [connect_from("127.0.0.2", 21410) for _ in range(4)]
    refused_per_client = 3000
    for _ in range(refused_per_client):
        connect_from("127.0.0.2", 21410).close()
    held += [connect_from("127.0.0.3", 21410) for _ in range(2)]  # 6 of 6 in all
    deadline = time.monotonic() + 10
    while True:
        counts = scrape(21411)
        if counts['zoned_tcp_connections_total{result="accepted"}'] == 6 and \
                counts['zoned_tcp_connections_total{result="refused"}'] == refused_per_client:
            break
        assert time.monotonic() < deadline, counts
        time.sleep(0.05)
    connect_from("127.0.0.4", 21410).close()  # over the total, though 127.0.0.4 has none
    while scrape(21411)['zoned_tcp_refused_total{limit="max-connections"}'] != 1:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    counts = scrape(21411)
    assert counts['zoned_tcp_refused_total{limit="max-connections-per-client"}'] == refused_per_client
    assert counts['zoned_tcp_connections_total{result="refused"}'] == refused_per_client + 1

    # The first refusals are told at once; what follows waits for the interval.
    first = server.wait_for_log(r"tcp: refused (\d+) connection\(s\) in the last \d+ s: (\d+) over "
                                r"max-connections \(6\), (\d+) over max-connections-per-client \(4\); "
                                r"most from 127\.0\.0\.2 \((\d+)\)")
    assert int(first.group(1)) == int(first.group(2)) + int(first.group(3)) > 0
    assert int(first.group(4)) == int(first.group(3))  # every per-client refusal was 127.0.0.2's
    time.sleep(2.5)  # more control ticks, well inside the 10 s interval
    assert len(re.findall(r"tcp: refused", server.log_text())) == 1, server.log_text()
    assert server.query("www.example.com.", "A").rcode() == dns.rcode.NOERROR  # UDP still answered
    for client in held:
        client.close()
