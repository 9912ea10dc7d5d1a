"""EDNS, transports and bad packets against the real server (DNS_TEST_SUBJECT,
see server_under_test.py) serving tests/data/server/.

EDNS (RFC 6891): OPT echoed, BADVERS for version 1, buffer sizes below 512
treated as 512, responses never larger than min(client buffer, our 1232),
DO echoed (RFC 3225), NSID (RFC 5001) only when an identity is configured,
server cookies (RFC 7873, RFC 9018).
Truncation: TC=1 with no partial RRset, the TCP retry returns the whole
answer (~1.5 KB and ~10 KB TXT RRsets; a referral whose in-bailiwick glue does
not fit, RFC 9471), with real clients (dig, kdig) too. TCP (RFC 7766):
pipelined queries on one connection.
Opcodes and classes: unknown opcode NOTIMP, CH TXT version.bind / id.server
answered only when configured, qtype ANY minimal (RFC 8482).
Bad packets (docs/robustness.md cases 1-14): each gets FORMERR or silence as listed,
and the server is alive afterwards (a follow-up SOA query is answered).
"""
import os
import random
import socket
import struct
import subprocess
import shutil
import threading
import time

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import pytest

from server_under_test import (OUR_UDP_LIMIT, SUBJECT, TIMEOUT, ask, describe, query, records,
                               section, send, start_server)
from tcp_wire import read_message

PORT_CONFIGURED = 20610  # identity, version and cookies configured
PORT_PLAIN = 20611       # none of them
IDENTITY = "ns1.h6-systest"
VERSION = "zoned-under-test 1"
SILENCE = 0.3  # seconds to wait for a reply that must not come
MID = "mid.big.test."    # 6 TXT strings of 230 octets: about 1.5 KB
HUGE = "huge.big.test."  # 40 of them: about 10 KB
MANY = "many.big.test."  # delegation with 20 NS and 40 in-bailiwick glue RRsets
HEADER = struct.Struct("!HHHHHH")
MANY_NAMES = 3000  # distinct owner names in one 64 KB message


def beyond_knotd(reason: str):
    """A rule zoned keeps (docs/robustness.md) that knotd 3.2 does not: skipped when
    knotd is the subject. `reason` says why the rule is right."""
    return pytest.mark.skipif(SUBJECT == "knotd", reason=f"knotd 3.2 differs: {reason}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("edns"), PORT_CONFIGURED,
                           identity=IDENTITY, version=VERSION, cookies=True)
    yield running
    running.stop_cleanly()


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("plain"), PORT_PLAIN, cookies=False)
    yield running
    running.stop_cleanly()


# ---- raw wire helpers ---------------------------------------------------------

def udp_exchange(server, wire: bytes, wait: float = TIMEOUT) -> bytes | None:
    """Sends raw bytes over UDP; the reply's bytes, or None when none came in `wait`."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(wait)
        sock.sendto(wire, (server.address, server.port))
        try:
            return sock.recv(65535)
        except socket.timeout:
            return None


def question_wire(qname: str = "www.lookup.test.", qtype: int = dns.rdatatype.A,
                  qclass: int = dns.rdataclass.IN) -> bytes:
    return dns.name.from_text(qname).to_wire() + struct.pack("!HH", qtype, qclass)


def message_wire(question: bytes = b"", *, msg_id: int = 0x4242, flags: int = 0, qdcount: int = 1,
                 ancount: int = 0, nscount: int = 0, arcount: int = 0, rest: bytes = b"") -> bytes:
    return HEADER.pack(msg_id, flags, qdcount, ancount, nscount, arcount) + question + rest


def opt_wire(owner: bytes = b"\x00", payload: int = 1232, options: bytes = b"") -> bytes:
    return owner + struct.pack("!HHIH", dns.rdatatype.OPT, payload, 0, len(options)) + options


def rcode_of(wire: bytes) -> int:
    """The rcode from the header alone (for replies dnspython may refuse to parse)."""
    return struct.unpack("!H", wire[2:4])[0] & 0xF


def assert_formerr_or_silent(server, wire: bytes) -> None:
    reply = udp_exchange(server, wire, SILENCE)
    if reply is not None:
        assert len(reply) >= HEADER.size
        assert rcode_of(reply) == dns.rcode.FORMERR, reply.hex()
    assert server.alive()


def assert_formerr(server, wire: bytes) -> None:
    reply = udp_exchange(server, wire)
    assert reply is not None, "no reply"
    assert rcode_of(reply) == dns.rcode.FORMERR, reply.hex()
    assert reply[:2] == wire[:2], "the reply keeps the query's ID"
    assert server.alive()


def option(reply: dns.message.Message, code: int):
    return next((o for o in reply.options if o.otype == code), None)


# ---- EDNS ------------------------------------------------------------------------

def test_opt_echoed_with_our_buffer_size(server):
    reply = ask(server, "www.lookup.test.", "A", payload=4096)
    assert reply.edns == 0, describe(reply)
    assert 512 <= reply.payload <= OUR_UDP_LIMIT


def test_no_opt_without_edns(server):
    reply = ask(server, "www.lookup.test.", "A", edns=None)
    assert reply.edns == -1 and reply.rcode() == dns.rcode.NOERROR, describe(reply)


def test_do_bit_echoed(server):
    reply = ask(server, "www.lookup.test.", "A", want_dnssec=True)
    assert reply.ednsflags & dns.flags.DO, describe(reply)
    plain = ask(server, "www.lookup.test.", "A")
    assert not plain.ednsflags & dns.flags.DO


def test_badvers_for_version_1(server):
    """RFC 6891 6.1.3: BADVERS (16: 1 in OPT's extended rcode), our version 0, no answer."""
    reply = ask(server, "www.lookup.test.", "A", edns=1)
    assert reply.rcode() == dns.rcode.BADVERS, describe(reply)
    assert reply.edns == 0
    assert not reply.answer


def test_fifty_duplicate_options_answered(server):
    """docs/robustness.md case 9: repeated unknown options are ignored (RFC 6891 6.1.2)."""
    options = [dns.edns.GenericOption(65001, b"x" * 4) for _ in range(50)]
    reply = ask(server, "www.lookup.test.", "A", options=options)
    assert reply.rcode() == dns.rcode.NOERROR, describe(reply)
    assert section(reply.answer) == records("www.lookup.test. 3600 IN A 192.0.2.10")


RSS_GROWTH_LIMIT_KIB = 1024  # what 3000 more queries may add to the server RSS (a leak of 350 octets each)


def test_duplicate_options_keep_memory_flat(server):
    """docs/robustness.md case 9: thousands of queries with 50 options each leave RSS flat."""
    options = [dns.edns.GenericOption(65001, b"x" * 4) for _ in range(50)]
    wire = query("www.lookup.test.", "A", options=options).to_wire()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT)

        def exchange(count):
            for _ in range(count):
                sock.sendto(wire, (server.address, server.port))
                sock.recv(65535)

        exchange(300)
        before = server.rss_kib()
        exchange(3000)
    growth = server.rss_kib() - before
    assert growth <= RSS_GROWTH_LIMIT_KIB, f"RSS grew by {growth} KiB"
    assert server.alive()


@pytest.mark.parametrize("payload, limit", [(None, 512), (0, 512), (511, 512), (512, 512),
                                            (1232, 1232), (4096, OUR_UDP_LIMIT)])
def test_buffer_sizes(server, payload, limit):
    """RFC 6891 6.2.3 / 6.2.5: below 512 counts as 512; the response never
    exceeds min(client buffer, ours), 512 without EDNS (RFC 1035 4.2.1).
    The ~1.5 KB answer never fits."""
    edns = {"edns": None} if payload is None else {"payload": payload}
    wire = query(MID, "TXT", **edns).to_wire()
    reply_wire = udp_exchange(server, wire)
    assert reply_wire is not None
    assert len(reply_wire) <= limit
    reply = dns.message.from_wire(reply_wire)
    assert reply.flags & dns.flags.TC, describe(reply)
    small = udp_exchange(server, query("www.lookup.test.", "A", **edns).to_wire())
    assert small is not None and not dns.message.from_wire(small).flags & dns.flags.TC


# ---- truncation and TCP -----------------------------------------------------------

def assert_no_partial_rrset(truncated: dns.message.Message, full: dns.message.Message) -> None:
    """Every RRset in a TC answer is complete: the same RRset as in the full answer."""
    complete = section(full.answer) | section(full.authority) | section(full.additional)
    for name, part in (("answer", truncated.answer), ("authority", truncated.authority),
                       ("additional", truncated.additional)):
        partial = section(part) - complete
        assert not partial, f"partial RRset in the {name} section: {partial}"


@pytest.mark.parametrize("qname, qtype, rdata_count", [(MID, "TXT", 6), (HUGE, "TXT", 40)])
@pytest.mark.parametrize("edns, do", [(None, False), (0, False), (0, True)],
                         ids=["no-edns", "edns", "edns-do"])
def test_truncated_then_tcp_retry_gets_all(server, qname, qtype, rdata_count, edns, do):
    message = query(qname, qtype, edns=edns, want_dnssec=do)
    truncated = send(server, message)
    assert truncated.flags & dns.flags.TC and truncated.flags & dns.flags.AA, describe(truncated)
    assert truncated.question == message.question
    full = send(server, message, tcp=True)
    assert not full.flags & dns.flags.TC, describe(full)
    assert len(full.answer) == 1 and len(full.answer[0]) == rdata_count, describe(full)
    assert_no_partial_rrset(truncated, full)


def test_referral_glue_that_does_not_fit_sets_tc(server):
    """RFC 9471 3: in-bailiwick glue that does not fit sets TC; TCP gets it all."""
    truncated = ask(server, "www." + MANY, "A", edns=None)
    assert truncated.flags & dns.flags.TC, describe(truncated)
    full = ask(server, "www." + MANY, "A", edns=None, tcp=True)
    assert not full.flags & dns.flags.TC and not full.flags & dns.flags.AA, describe(full)
    assert len(full.authority) == 1 and len(full.authority[0]) == 20
    assert len(full.additional) == 40
    assert_no_partial_rrset(truncated, full)


def test_pipelined_tcp_queries_all_answered(server):
    """RFC 7766 6.2.1.1: many queries sent back to back on one connection,
    all answered (in any order), each matching its query."""
    names = [f"q{i}.wild.lookup.test." for i in range(100)] + [MID, HUGE, "nothing.lookup.test."]
    messages = {}
    for index, name in enumerate(names):
        message = query(name, "TXT" if "big" in name else "A")
        message.id = 1000 + index
        messages[message.id] = message
    with socket.create_connection((server.address, server.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"".join(struct.pack("!H", len(w)) + w
                              for w in (m.to_wire() for m in messages.values())))
        replies = [dns.message.from_wire(read_message(sock)) for _ in messages]
    by_id = {reply.id: reply for reply in replies}
    assert sorted(by_id) == sorted(messages)
    for msg_id, reply in by_id.items():
        assert messages[msg_id].is_response(reply), describe(reply)
        assert not reply.flags & dns.flags.TC
    assert len(by_id[1000 + names.index(HUGE)].answer[0]) == 40
    assert by_id[1000 + names.index("nothing.lookup.test.")].rcode() == dns.rcode.NXDOMAIN
    assert section(by_id[1007].answer) == records("q7.wild.lookup.test. 3600 IN A 192.0.2.100")


needs_dig = pytest.mark.skipif(shutil.which("dig") is None or shutil.which("kdig") is None,
                               reason="dig and kdig (bind9-dnsutils, knot-dnsutils) are needed")


@needs_dig
def test_dig_retries_over_tcp_and_gets_all(server):
    """A real resolver-side client: dig sees TC and retries over TCP by itself."""
    out = subprocess.run(["dig", "@" + server.address, "-p", str(server.port), "+norecurse",
                          "+bufsize=1232", "+time=2", "+tries=1", HUGE, "TXT"],
                         capture_output=True, text=True, timeout=10).stdout
    assert "status: NOERROR" in out and "Truncated, retrying in TCP mode" in out, out
    assert out.count("\tTXT\t") == 40, out


@needs_dig
def test_kdig_tcp_and_udp(server):
    tcp = subprocess.run(["kdig", "@" + server.address, "-p", str(server.port), "+tcp", "+norec",
                          "+time=2", "+retry=0", HUGE, "TXT"], capture_output=True, text=True,
                         timeout=10).stdout
    assert "status: NOERROR" in tcp and tcp.count("\tTXT\t") == 40, tcp
    udp = subprocess.run(["kdig", "@" + server.address, "-p", str(server.port), "+notcp", "+norec",
                          "+time=2", "+retry=0", "+ignore", "+edns=0", "+bufsize=1232",
                          "www.lookup.test.", "AAAA"], capture_output=True, text=True,
                         timeout=10).stdout
    assert "status: NOERROR" in udp and "2001:db8::10" in udp and " aa" in udp, udp


# ---- NSID, cookies, CH -------------------------------------------------------------

def test_nsid_when_identity_configured(server, plain_server):
    nsid = [dns.edns.GenericOption(dns.edns.NSID, b"")]
    reply = ask(server, "www.lookup.test.", "A", options=nsid)
    returned = option(reply, dns.edns.NSID)
    assert returned is not None, describe(reply)
    assert returned.to_wire() == IDENTITY.encode()
    plain = ask(plain_server, "www.lookup.test.", "A", options=nsid)
    assert option(plain, dns.edns.NSID) is None, describe(plain)


CLIENT_COOKIE = bytes.fromhex("0123456789abcdef")


def cookie_reply(server, cookie: bytes) -> tuple[dns.message.Message, bytes | None]:
    reply = ask(server, "www.lookup.test.", "A",
                options=[dns.edns.GenericOption(dns.edns.COOKIE, cookie)])
    returned = option(reply, dns.edns.COOKIE)
    return reply, None if returned is None else returned.to_wire()


def test_server_cookie_for_client_cookie(server):
    """RFC 7873 5.2.3: a client cookie alone gets our server cookie, with the
    answer or (server policy) BADCOOKIE asking the client to retry with it."""
    reply, cookie = cookie_reply(server, CLIENT_COOKIE)
    if reply.rcode() == dns.rcode.NOERROR:
        assert reply.answer, describe(reply)
    else:
        assert reply.rcode() == dns.rcode.BADCOOKIE and not reply.answer, describe(reply)
    assert cookie is not None and cookie[:8] == CLIENT_COOKIE
    assert 16 <= len(cookie) <= 40


def test_server_cookie_consistent_and_accepted(server):
    """RFC 9018: the server cookie is a function of client cookie, address and
    time; sent back it is accepted and answered with a cookie again."""
    for _ in range(3):  # a second boundary may separate two replies; not three in a row
        _, first = cookie_reply(server, CLIENT_COOKIE)
        _, second = cookie_reply(server, CLIENT_COOKIE)
        if first[8:16] == second[8:16]:  # version, reserved, same timestamp
            break
    assert first == second
    reply, again = cookie_reply(server, first)
    assert reply.rcode() == dns.rcode.NOERROR and reply.answer, describe(reply)
    assert again is not None and again[:8] == CLIENT_COOKIE
    other_reply, other = cookie_reply(server, bytes(8))
    assert other[8:] != first[8:] or other_reply.rcode() != dns.rcode.NOERROR


def test_malformed_cookie_is_formerr(server):
    """RFC 7873 5.2.2: a COOKIE option of a bad length is FORMERR."""
    reply, _ = cookie_reply(server, b"\x01\x02\x03\x04\x05")
    assert reply.rcode() == dns.rcode.FORMERR, describe(reply)


def chaos(server, qname: str) -> dns.message.Message:
    message = dns.message.make_query(qname, "TXT", "CH")
    return send(server, message)


@pytest.mark.parametrize("qname, text", [("version.bind.", VERSION), ("id.server.", IDENTITY),
                                         ("hostname.bind.", IDENTITY)])
def test_chaos_txt_when_configured(server, plain_server, qname, text):
    """Answered with the configured text; REFUSED when nothing is configured."""
    reply = chaos(server, qname)
    assert reply.rcode() == dns.rcode.NOERROR, describe(reply)
    assert len(reply.answer) == 1, describe(reply)
    rrset = reply.answer[0]
    assert (rrset.name.to_text().lower(), rrset.rdclass, rrset.rdtype) == \
        (qname, dns.rdataclass.CH, dns.rdatatype.TXT), describe(reply)
    assert [b"".join(rdata.strings) for rdata in rrset] == [text.encode()]
    assert chaos(plain_server, qname).rcode() == dns.rcode.REFUSED


def test_chaos_other_names_refused(server):
    assert chaos(server, "lookup.test.").rcode() == dns.rcode.REFUSED


# ---- opcodes, flags, qtypes ---------------------------------------------------------

@pytest.mark.parametrize("opcode", [3, 6, 7, 15])
def test_unknown_opcode_notimp(server, opcode):
    """RFC 1035 4.1.1; opcode 6 is DSO (RFC 8490), not supported either."""
    wire = message_wire(question_wire(), flags=opcode << 11)
    reply = udp_exchange(server, wire)
    assert reply is not None and rcode_of(reply) == dns.rcode.NOTIMP, reply
    assert (struct.unpack("!H", reply[2:4])[0] >> 11) & 0xF == opcode


def test_update_without_support(server):
    """RFC 2136 3.1: a server without UPDATE answers NOTIMP; knotd supports it
    and refuses a zone with no update ACL."""
    wire = message_wire(question_wire("lookup.test.", dns.rdatatype.SOA), flags=5 << 11)
    reply = udp_exchange(server, wire)
    assert reply is not None
    allowed = {dns.rcode.NOTIMP} if server.name == "zoned" else {dns.rcode.REFUSED, dns.rcode.NOTAUTH}
    assert rcode_of(reply) in allowed, reply.hex()


def test_z_bit_cleared(server):
    """RFC 1035 4.1.1: Z is zero in all responses (docs/robustness.md case 13)."""
    wire = message_wire(question_wire(), flags=0x0040)
    reply = udp_exchange(server, wire)
    assert reply is not None and rcode_of(reply) == dns.rcode.NOERROR
    assert not struct.unpack("!H", reply[2:4])[0] & 0x0040


def test_response_dropped(server):
    """docs/robustness.md case 2: QR=1 is never answered (no reflection loops)."""
    assert udp_exchange(server, message_wire(question_wire(), flags=0x8000), SILENCE) is None
    assert server.alive()


@pytest.mark.parametrize("qdcount", [0, pytest.param(2, marks=beyond_knotd(
    "it drops QDCOUNT 2; RFC 9619 (2024, after knotd 3.2) makes it FORMERR"))])
def test_question_count_not_one_formerr(server, qdcount):
    """docs/robustness.md case 3 (RFC 9619 4: QDCOUNT > 1 is FORMERR)."""
    question = question_wire() * qdcount
    assert_formerr(server, message_wire(question, qdcount=qdcount))


@pytest.mark.parametrize("qtype", ["ANY"])
def test_any_is_minimal(server, qtype):
    """RFC 8482 4: one RRset of the name (or a synthesized HINFO), not all four."""
    reply = ask(server, "www.lookup.test.", qtype)
    assert reply.rcode() == dns.rcode.NOERROR and reply.flags & dns.flags.AA, describe(reply)
    assert 1 <= len(reply.answer) < 4, describe(reply)
    for rrset in reply.answer:
        assert rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA, dns.rdatatype.TXT,
                                dns.rdatatype.MX, dns.rdatatype.HINFO), describe(reply)


def test_any_at_nonexistent_name_nxdomain(server):
    reply = ask(server, "nothing.lookup.test.", "ANY")
    assert reply.rcode() == dns.rcode.NXDOMAIN, describe(reply)


@pytest.mark.parametrize("qtype, allowed", [
    (0, {dns.rcode.NOERROR, dns.rcode.FORMERR, dns.rcode.NOTIMP}),  # reserved type
    (65535, {dns.rcode.NOERROR}),                                   # reserved: NODATA
    (dns.rdatatype.AXFR, {dns.rcode.REFUSED, dns.rcode.NOTIMP, dns.rcode.FORMERR, dns.rcode.NOTAUTH}),
    (dns.rdatatype.IXFR, {dns.rcode.REFUSED, dns.rcode.NOTIMP, dns.rcode.FORMERR, dns.rcode.NOTAUTH,
                          dns.rcode.NOERROR}),
])
def test_special_qtypes_over_udp(server, qtype, allowed):
    """docs/robustness.md case 11: every special qtype gets an answer, never a crash.
    AXFR is TCP only (RFC 5936 4.2); IXFR over UDP may carry the SOA (RFC 1995 2);
    a transfer not allowed to this client may be NOTAUTH (RFC 5936 2.2.1)."""
    reply = udp_exchange(server, message_wire(question_wire("lookup.test.", qtype)))
    assert reply is not None and rcode_of(reply) in allowed, reply
    if qtype == dns.rdatatype.AXFR:
        assert HEADER.unpack(reply[:12])[3] == 0, "no zone data over UDP"
    assert server.alive()


def test_qclass_any_answers_in(server):
    """RFC 1035 3.2.5: QCLASS * matches any class: answered from IN, or refused."""
    reply = udp_exchange(server, message_wire(question_wire("lookup.test.", dns.rdatatype.SOA,
                                                            dns.rdataclass.ANY)))
    assert reply is not None and rcode_of(reply) in {dns.rcode.NOERROR, dns.rcode.REFUSED}, reply
    assert server.alive()


@pytest.mark.parametrize("qclass", [dns.rdataclass.NONE, 1234])
def test_other_classes_refused(server, qclass):
    reply = udp_exchange(server, message_wire(question_wire("lookup.test.", dns.rdatatype.SOA, qclass)))
    assert reply is not None and rcode_of(reply) in {dns.rcode.REFUSED, dns.rcode.NOTIMP,
                                                     dns.rcode.FORMERR}, reply
    assert HEADER.unpack(reply[:12])[3] == 0
    assert server.alive()


def test_zero_byte_in_label_nxdomain(server):
    """docs/robustness.md case 12: `www\\000` is not `www`."""
    reply = ask(server, "www\\000.lookup.test.", "A")
    assert reply.rcode() == dns.rcode.NXDOMAIN, describe(reply)
    reply = ask(server, "host.ent\\000.lookup.test.", "A")
    assert reply.rcode() == dns.rcode.NXDOMAIN, describe(reply)


# ---- malformed packets (docs/robustness.md cases 1-8) ---------------------------------

@pytest.mark.parametrize("size", range(0, 17))
def test_short_zero_datagrams(server, size):
    """1: below a header no reply at all; above, FORMERR or silence."""
    reply = udp_exchange(server, bytes(size), SILENCE)
    if size < HEADER.size:
        assert reply is None
    elif reply is not None:
        assert rcode_of(reply) == dns.rcode.FORMERR
    assert server.alive()


@beyond_knotd("it drops a query whose question it cannot read; docs/robustness.md case 3 "
              "asks FORMERR (RFC 1035 4.1.1: unable to interpret the query)")
def test_question_cut_short_formerr(server):
    """3: the question ends inside QNAME, or before QTYPE/QCLASS."""
    whole = question_wire()
    for cut in (3, len(whole) - 4, len(whole) - 1):
        assert_formerr(server, message_wire(whole[:cut]))


def pointer(offset: int) -> bytes:
    return struct.pack("!H", 0xC000 | offset)


BAD_NAMES = {
    "self_pointer": pointer(12),
    "forward_pointer": b"\x01a" + pointer(40) + bytes(30),
    "pointer_cycle": b"\x01a" + pointer(16) + pointer(12),
    "label_type_0x40": b"\x41" + b"a" * 1 + b"\x00",
    "label_type_0x80": b"\x81a\x00",
    "label_of_64": b"\x40" + b"a" * 64 + b"\x00",
    "name_of_256": (b"\x3f" + b"a" * 63) * 4 + b"\x00",
}


@pytest.mark.parametrize("kind", sorted(BAD_NAMES))
def test_bad_qname(server, kind):
    """4 and 5: pointers in QNAME that loop or point forward, reserved label
    types, a 64-octet label, a 256-octet name: FORMERR or silence, and after
    a thousand of them the server still answers."""
    wire = message_wire(BAD_NAMES[kind] + struct.pack("!HH", 1, 1))
    assert_formerr_or_silent(server, wire)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _ in range(1000):
            sock.sendto(wire, (server.address, server.port))
    assert server.alive()


POINTER_FLOOD = 10_000      # compression-pointer-abuse datagrams in case 4's flood
IDLE_CPU_LIMIT = 0.1        # seconds of CPU the server may use in the idle second after it
# RSS growth over 10,000 bad datagrams and 10,000 of random garbage: nothing
# of a dropped or FORMERR'd packet is kept, so this is slack for the allocator.
GARBAGE_RSS_LIMIT_KIB = 2 * 1024


def cpu_seconds(pid: int) -> float:
    """utime + stime of all the process's threads (/proc/PID/stat fields 14, 15)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_pointer_flood_then_cpu_idle(server):
    """4: after 10,000 datagrams whose QNAME pointers loop, point at
    themselves, forwards or into the header, and 10,000 of seeded random
    garbage, the server is alive, uses under 0.1 s of CPU in the next idle
    second (no work left spinning), and its RSS grew by at most
    GARBAGE_RSS_LIMIT_KIB."""
    kinds = [BAD_NAMES["self_pointer"], BAD_NAMES["forward_pointer"], BAD_NAMES["pointer_cycle"],
             b"\x01a" + pointer(4)]  # into the header
    wires = [message_wire(name + struct.pack("!HH", 1, 1)) for name in kinds]
    rng = random.Random(4)
    garbage = [rng.randbytes(rng.randrange(12, 512)) for _ in range(POINTER_FLOOD)]
    assert server.alive()
    before = server.rss_kib()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for index in range(POINTER_FLOOD):
            sock.sendto(wires[index % len(wires)], (server.address, server.port))
            if index % 500 == 499:
                time.sleep(0.002)  # let the server keep up rather than the kernel drop most
        for wire in garbage:
            sock.sendto(wire, (server.address, server.port))
    assert server.alive()  # the flood is behind us: a later datagram was answered
    time.sleep(0.1)
    start = cpu_seconds(server.process.pid)
    time.sleep(1.0)
    used = cpu_seconds(server.process.pid) - start
    assert used < IDLE_CPU_LIMIT, f"{used:.2f} s of CPU in the idle second after the flood"
    growth = server.rss_kib() - before
    assert growth <= GARBAGE_RSS_LIMIT_KIB, f"RSS grew by {growth} KiB"


@pytest.mark.parametrize("counts", [dict(ancount=65535), dict(arcount=65535), dict(nscount=65535)])
def test_counts_without_data_formerr(server, counts):
    """6: counts promise records that are not there."""
    assert_formerr(server, message_wire(question_wire(), **counts))


UDP_LATENCY_LIMIT = 0.05  # seconds another client may wait for a UDP answer during case 7
BIG_MESSAGES = 300         # the 64 KB message, pipelined this many times: a window of tens of ms


def udp_latencies(server, stop: threading.Event, started: threading.Event) -> list[tuple[float, float]]:
    """Asks www.lookup.test. A over UDP, one at a time, until `stop`; when each
    was sent and how long its answer took (a lost one counts as TIMEOUT)."""
    wire = query("www.lookup.test.", "A").to_wire()
    latencies = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT)
        while not stop.is_set():
            sent = time.monotonic()
            sock.sendto(wire, (server.address, server.port))
            try:
                sock.recv(65535)
                latencies.append((sent, time.monotonic() - sent))
            except socket.timeout:
                latencies.append((sent, TIMEOUT))
            started.set()
            time.sleep(0.002)
    return latencies


def test_many_names_in_one_tcp_message(server):
    """7 (CVE-2023-4408 shape): a 64 KB query of 3,000 distinct owner names,
    sent 300 times on one connection, is answered or refused within the
    timeout each time, and a second client asking over UDP while they are
    sent and processed gets each answer within 50 ms."""
    lookup_test = pointer(HEADER.size + len(b"\x03www"))  # "lookup.test" in the question
    records_wire = b"".join(bytes([len(label)]) + label + lookup_test + struct.pack("!HHIH", 1, 1, 0, 4)
                            + bytes(4) for label in (f"n{i}".encode() for i in range(MANY_NAMES)))
    wire = message_wire(question_wire(), arcount=MANY_NAMES, rest=records_wire)
    assert len(wire) < 65535
    stop, started = threading.Event(), threading.Event()
    box = {}
    other = threading.Thread(target=lambda: box.setdefault("latencies", udp_latencies(server, stop, started)))
    other.start()
    try:
        assert started.wait(TIMEOUT)
        window_start = time.monotonic()
        with socket.create_connection((server.address, server.port), timeout=TIMEOUT) as sock:
            sender = threading.Thread(target=sock.sendall,
                                      args=((struct.pack("!H", len(wire)) + wire) * BIG_MESSAGES,))
            sender.start()
            try:
                for _ in range(BIG_MESSAGES):
                    reply = read_message(sock)
                    assert rcode_of(reply) in (dns.rcode.FORMERR, dns.rcode.NOERROR), reply[:12].hex()
            except ConnectionError:
                pass  # closing the connection is a refusal too
            finally:
                sender.join()
        window_end = time.monotonic()
    finally:
        stop.set()
        other.join()
    window = window_end - window_start
    latencies = [latency for sent, latency in box["latencies"] if window_start <= sent <= window_end]
    assert len(latencies) >= 5, f"only {len(latencies)} UDP queries in the {window:.3f} s window"
    assert max(latencies) < UDP_LATENCY_LIMIT, \
        f"slowest UDP answer {max(latencies) * 1000:.1f} ms of {len(latencies)} in {window:.3f} s"
    assert server.alive()


OPT = opt_wire()
BAD_OPT = {
    "two_opt": dict(arcount=2, rest=OPT + OPT),
    "opt_non_root_owner": dict(arcount=1, rest=opt_wire(owner=b"\x01a\x00")),
    "opt_in_answer": dict(ancount=1, rest=OPT),
    "opt_in_authority": dict(nscount=1, rest=OPT),
}


@pytest.mark.parametrize("kind", [
    "two_opt", "opt_in_answer", "opt_in_authority",
    pytest.param("opt_non_root_owner", marks=beyond_knotd(
        "it accepts an OPT with a non-root owner; RFC 6891 6.1.2 says the owner MUST be root"))])
def test_bad_opt_formerr(server, kind):
    """8: RFC 6891 6.1.1: one OPT, owner root, additional section only."""
    assert_formerr(server, message_wire(question_wire(), **BAD_OPT[kind]))


def test_refused_outside_served_zones_over_tcp(server):
    reply = ask(server, "www.example.org.", "A", tcp=True)
    assert reply.rcode() == dns.rcode.REFUSED and not reply.answer, describe(reply)
