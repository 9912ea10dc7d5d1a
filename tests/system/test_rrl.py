"""Response Rate Limiting (`server: rrl:`), calibrated against BIND's.

One checker, `rrl_problems()`, floods a server from 127.0.0.2 with identical
queries (200 a second for 3 s) while a client in another /24 (127.0.1.2)
asks the same at 10 a second, an exempt client (127.0.2.2) asks it at 60 a
second, and the flooding address asks once over TCP. It lists what is wrong
for a server limiting to RATE responses a second with slip 2:
- the flooder gets no more than RATE full answers a second on average (the
  first second may see up to two buckets' worth: the clock's second and the
  flood's need not start together; once in debt it gets fewer, as in BIND);
- about every second limited answer slips: TC=1 and no answer records;
- the other prefix, the exempt prefix and TCP get every answer in full.
It must pass against `named` (Debian's BIND 9, rate-limit { responses-per-
second 20; slip 2; window 2; }) and zoned with the same settings, and fail
against zoned without RRL (which shows that it can fail).

Then zoned alone: it logs a summary of what it limited, not a line per
query; reloads that add, change and remove RRL take effect; log-only
answers everything and logs what it would have limited; a flood of one
NXDOMAIN gets drops and TC+AA slips while another query from the same /24
is answered, and large responses slip down to their question without harm
(docs/robustness.md case 39). Over the floods zoned's RSS grows by at most
FLOOD_RSS_LIMIT_KIB.

Binaries: ZONED, NAMED (default from PATH). Ports 21300-21399. Sources
127.0.0.2 (flooder), 127.0.0.3 (its /24), 127.0.1.2 (another /24),
127.0.2.2 (exempt /24).
"""
from __future__ import annotations

import select
import socket
import textwrap
import threading
import time
from dataclasses import dataclass, field

import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from named_process import NamedProcess
from zoned_process import LOOPBACK, ZoneEntry

BASE_PORT = 21300
RATE = 20
WINDOW = 2
FLOODER = "127.0.0.2"
FLOODER_NEIGHBOUR = "127.0.0.3"
OTHER_PREFIX = "127.0.1.2"
EXEMPT = "127.0.2.2"
EXEMPT_PREFIX = "127.0.2.0/24"
DRAIN = 0.5  # seconds to wait for late replies after the last query
# RSS growth zoned may show over an RRL flood (docs/robustness.md, "memory stays
# bounded"): a handful of buckets and counters, so this is slack for the allocator.
FLOOD_RSS_LIMIT_KIB = 2 * 1024

ZONE = textwrap.dedent("""\
    $TTL 300
    @    SOA ns1 hostmaster 1 7200 3600 1209600 300
    @    NS  ns1
    ns1  A   192.0.2.1
    www  A   192.0.2.10
    mail A   192.0.2.11
    """) + "".join(f'big TXT "{i:02d}{"x" * 240}"\n' for i in range(12))  # about 3 KB

ZONED_RRL = {"rate": RATE, "slip": 2, "window": WINDOW, "exempt": [EXEMPT_PREFIX]}
NAMED_RRL = (f"rate-limit {{ responses-per-second {RATE}; slip 2; window {WINDOW}; "
             f"exempt-clients {{ {EXEMPT_PREFIX}; }}; }};")


@dataclass
class Flood:
    """What one client sent and got back (replies with their arrival time)."""
    sent: int = 0
    replies: list[tuple[float, dns.message.Message]] = field(default_factory=list)

    def full(self) -> list[float]:
        """Arrival times of complete answers (TC clear, answer records)."""
        return [t for t, m in self.replies if not m.flags & dns.flags.TC and m.answer]

    def slips(self) -> list[dns.message.Message]:
        return [m for _, m in self.replies if m.flags & dns.flags.TC]


def flood(port: int, source: str, qname: str, qps: float, seconds: float, *, rdtype: str = "A",
          payload: int | None = None) -> Flood:
    """`qps` identical queries (but for the ID) a second from `source`, paced,
    for `seconds`; collects the replies until DRAIN after the last."""
    query = dns.message.make_query(qname, rdtype, use_edns=payload is not None,
                                   payload=payload or 512)
    wire = query.to_wire()
    result = Flood()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((source, 0))
        sock.setblocking(False)
        start = time.monotonic()
        end = start + seconds
        next_send = start
        while (now := time.monotonic()) < end + DRAIN:
            if now < end and now >= next_send:
                sock.sendto(result.sent.to_bytes(2, "big") + wire[2:], (LOOPBACK, port))
                result.sent += 1
                next_send += 1 / qps
                continue
            wait = (next_send if now < end else end + DRAIN) - now
            if select.select([sock], [], [], max(wait, 0))[0]:
                while True:
                    try:
                        data = sock.recv(65535)
                    except BlockingIOError:
                        break
                    result.replies.append((time.monotonic() - start, dns.message.from_wire(data)))
    return result


def in_background(fn, *args, **kwargs):
    """Runs fn in a thread; the returned callable joins it and gives its result."""
    box = {}
    thread = threading.Thread(target=lambda: box.setdefault("result", fn(*args, **kwargs)))
    thread.start()
    return lambda: (thread.join(), box["result"])[1]


def rrl_problems(port: int) -> list[str]:
    """The checker: what is wrong with the server on `port` as a rate limiter
    (RATE a second, slip 2, EXEMPT_PREFIX exempt); empty when nothing."""
    qname = "www.example.com."
    seconds = 3.0
    flooder = in_background(flood, port, FLOODER, qname, 200, seconds)
    other = in_background(flood, port, OTHER_PREFIX, qname, 10, seconds)
    exempt = in_background(flood, port, EXEMPT, qname, 60, 2.0)
    time.sleep(1.5)
    tcp = dns.query.tcp(dns.message.make_query(qname, "A"), LOOPBACK, port=port, timeout=2,
                        source=FLOODER)
    flooder, other, exempt = flooder(), other(), exempt()

    problems = []
    full = flooder.full()
    per_second = [sum(1 for t in full if s <= t < s + 1) for s in range(int(seconds))]
    if len(full) > RATE * seconds or max(per_second) > 2 * RATE:
        problems.append(f"flooder got {len(full)} full answers of {flooder.sent} in {seconds} s "
                        f"({per_second} a second), more than {RATE} a second")
    if len(full) < RATE // 2:
        problems.append(f"flooder got only {len(full)} full answers: not even the first second's")
    limited = flooder.sent - len(full)
    slips = flooder.slips()
    if not 0.35 * limited <= len(slips) <= 0.65 * limited:
        problems.append(f"{len(slips)} of {limited} limited responses slipped, not about half")
    odd = [m for m in slips if m.answer or m.rcode() != dns.rcode.NOERROR]
    odd += [m for _, m in flooder.replies if not m.flags & dns.flags.TC and not m.answer]
    if odd:
        problems.append(f"{len(odd)} replies neither full answers nor empty slips, e.g.\n{odd[0]}")
    for name, client in (("other prefix", other), ("exempt prefix", exempt)):
        if len(client.full()) != client.sent:
            problems.append(f"{name}: {len(client.full())} full answers of {client.sent}")
    if tcp.flags & dns.flags.TC or not tcp.answer:
        problems.append(f"TCP from the flooder not answered in full:\n{tcp}")
    return problems


@pytest.fixture
def zone_file(tmp_path):
    path = tmp_path / "example.com.zone"
    path.write_text(ZONE)
    return path


def rss_kib(process) -> int:
    """VmRSS of a running server process, in KiB."""
    with open(f"/proc/{process.pid}/status") as status:
        return int(next(line.split()[1] for line in status if line.startswith("VmRSS:")))


def zoned_with(zoned_factory, port, zone_file, rrl=None, **server_options):
    if rrl is not None:
        server_options["rrl"] = rrl
    return zoned_factory(port, [ZoneEntry("example.com.", file=zone_file)],
                         server_options=server_options)


def test_checker_passes_against_named(tmp_path, zone_file):
    workdir = tmp_path / "named"
    workdir.mkdir()
    with NamedProcess(workdir, BASE_PORT + 2, [("example.com.", zone_file)], options=[NAMED_RRL]) as named:
        assert rrl_problems(named.port) == []


def test_zoned_limits_like_named(zoned_factory, zone_file):
    with zoned_with(zoned_factory, BASE_PORT + 1, zone_file, ZONED_RRL) as server:
        before = rss_kib(server)
        assert rrl_problems(server.port) == []
        growth = rss_kib(server) - before
        assert growth <= FLOOD_RSS_LIMIT_KIB, f"RSS grew by {growth} KiB over the flood"
        # One summary line a second at most, none per query.
        server.wait_for_log(r"rrl: limited \d+ responses \(\d+ slipped with TC=1, \d+ dropped\) "
                            r"in the last \d s\n")
        assert server.log_text().count("rrl: limited") <= 5


def test_checker_fails_against_zoned_without_rrl(zoned_factory, zone_file):
    with zoned_with(zoned_factory, BASE_PORT + 3, zone_file) as server:
        problems = rrl_problems(server.port)
    assert any("more than 20 a second" in p for p in problems), problems


def test_reload_adds_changes_and_removes_rrl(zoned_factory, zone_file):
    server = zoned_with(zoned_factory, BASE_PORT + 4, zone_file)

    def reload_with(rrl):
        server.write_config(server_options={"rrl": rrl} if rrl else None)
        start = server.log_size()
        server.reload()
        server.wait_for_log("reload done", start=start)

    with server:
        # Each phase asks a name of its own, so no bucket carries debt over.
        assert len(flood(server.port, FLOODER, "www.example.com.", 60, 1.5).full()) >= 85
        reload_with({"rate": RATE, "window": WINDOW})
        assert len(flood(server.port, FLOODER, "mail.example.com.", 60, 1.5).full()) <= 2 * RATE
        reload_with({"rate": 100, "window": WINDOW})
        assert len(flood(server.port, FLOODER, "ns1.example.com.", 60, 1.5).full()) >= 85
        reload_with(None)
        assert "rrl: off" in server.log_text()
        assert len(flood(server.port, FLOODER, "mail.example.com.", 60, 1.5).full()) >= 85


def test_log_only_answers_everything(zoned_factory, zone_file):
    with zoned_with(zoned_factory, BASE_PORT + 5, zone_file, {"rate": RATE, "log-only": True}) as server:
        result = flood(server.port, FLOODER, "www.example.com.", 100, 2.0)
        assert len(result.full()) >= result.sent - 5  # loopback may lose one now and then
        assert not result.slips()
        assert "log-only: nothing is limited" in server.log_text()
        server.wait_for_log(r"rrl: log-only: would have limited [1-9]\d* responses")


def test_nxdomain_flood_and_large_responses(zoned_factory, zone_file):
    """docs/robustness.md case 39: 200 qps of one NXDOMAIN from 127.0.0.2 gets a mix of
    drops and TC+AA slips, another query from its /24 is answered; a flood
    of a 3 KB answer slips down to its question, and zoned carries on."""
    with zoned_with(zoned_factory, BASE_PORT + 6, zone_file, ZONED_RRL, **{"udp-max-payload": 4096}) as server:
        before = rss_kib(server)
        nxdomain = in_background(flood, server.port, FLOODER, "nope.example.com.", 200, 2.0)
        time.sleep(1.0)
        neighbour = dns.query.udp(dns.message.make_query("www.example.com.", "A"), LOOPBACK,
                                  port=server.port, timeout=2, source=FLOODER_NEIGHBOUR)
        nxdomain = nxdomain()
        assert neighbour.answer and not neighbour.flags & dns.flags.TC
        slips = nxdomain.slips()
        answered = [m for _, m in nxdomain.replies if not m.flags & dns.flags.TC]
        assert len(answered) <= 2 * RATE
        assert all(m.rcode() == dns.rcode.NXDOMAIN and m.authority for m in answered)
        dropped = nxdomain.sent - len(nxdomain.replies)
        assert slips and dropped > 0.3 * nxdomain.sent
        assert all(m.flags & dns.flags.AA and m.rcode() == dns.rcode.NXDOMAIN and not m.authority
                   for m in slips)

        big = flood(server.port, FLOODER, "big.example.com.", 200, 1.0, rdtype="TXT", payload=4096)
        full = [m for _, m in big.replies if not m.flags & dns.flags.TC]
        assert full and all(len(m.to_wire()) > 2500 for m in full)
        assert big.slips() and all(not m.answer and not m.additional for m in big.slips())
        assert server.query("www.example.com.", "A").answer
        growth = rss_kib(server) - before
        assert growth <= FLOOD_RSS_LIMIT_KIB, f"RSS grew by {growth} KiB over the floods"
