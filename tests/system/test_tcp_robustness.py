"""Hostile TCP clients against a zoned with small, known TCP limits
(docs/robustness.md cases 23, 24, 25 and the TCP floods of "memory stays
bounded"), checked from outside: the kernel's socket queues as `ss` shows
them, zoned's RSS, and answers on other connections.

zoned only: the limits under test are zoned's `server.tcp` settings
(docs/CONFIG.md), so DNS_TEST_SUBJECT=knotd skips this file.
"""
import select
import socket
import struct
import subprocess
import threading
import time

import dns.edns
import dns.message
import dns.rcode
import pytest

from server_under_test import (LOOPBACK, SUBJECT, TIMEOUT, Server, ask, query, served_zones)
from tcp_wire import framed, read_message
from zoned_process import ZONED, ZonedProcess, ZoneEntry, built_with_asan

pytestmark = pytest.mark.skipif(SUBJECT != "zoned", reason="zoned's server.tcp limits")

PORT = 21800
CLOSE_WAIT_PORT = 21801  # a Python listener that leaves CLOSE-WAIT, for the checker's own test
MAX_IN_FLIGHT = 4
IO_TIMEOUT = "10s"       # longer than any stall below: zoned must not close during a measurement
# zoned's read buffer for a connection that only sends ordinary queries
# (TcpConnection::kInitialReadBuffer): whole queries read but not yet answered fit in it.
READ_BUFFER = 4096
HUGE = "huge.big.test."  # a TXT RRset of about 10 KB
STALL = 0.5              # seconds without progress on a send: the peer stopped reading

# RSS growth zoned may show over a flood of pipelined queries nobody reads. The
# cap keeps MAX_IN_FLIGHT answers of ~10 KB in memory; without it (max-in-flight
# 1024, the config ceiling) zoned holds ~1,000 of them, about 10 MiB.
PIPELINE_RSS_LIMIT_KIB = 4 * 1024
# RSS growth over 2,000 connections, one query each, plus a burst over the
# per-client cap: connection state is freed, so this is slack for the allocator.
CONNECTION_FLOOD_RSS_LIMIT_KIB = 4 * 1024


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    """zoned serving tests/data/server/ with max-in-flight 4."""
    if not ZONED.exists():
        pytest.skip(f"{ZONED} not built (set ZONED)")
    zones = served_zones()
    workdir = tmp_path_factory.mktemp("tcp-capped")
    process = ZonedProcess(workdir, PORT, [ZoneEntry(origin, file=file) for origin, file in zones],
                           server_options={"cookies": False, "udp-max-payload": 1232,
                                           "tcp": {"max-in-flight": MAX_IN_FLIGHT,
                                                   "io-timeout": IO_TIMEOUT}},
                           ready_name=zones[0][0])
    process.start()
    running = Server("zoned", LOOPBACK, PORT, process)
    yield running
    running.stop_cleanly()


# ---- helpers --------------------------------------------------------------------

def small_buffers_client(server) -> socket.socket:
    """A connected, non-blocking client with small kernel buffers (set before
    connect, so the window is small too): the stall comes early."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
    sock.settimeout(TIMEOUT)
    sock.connect((server.address, server.port))
    sock.setblocking(False)
    return sock


def send_until_stalled(sock, data: bytes, deadline: float = 10.0) -> int:
    """Sends `data` without reading until the peer stops taking it (no
    progress for STALL seconds) or all is sent; the octets sent."""
    sent = 0
    last_progress = time.monotonic()
    give_up = last_progress + deadline
    while sent < len(data) and time.monotonic() - last_progress < STALL and time.monotonic() < give_up:
        try:
            sent += sock.send(data[sent:sent + 65536])
            last_progress = time.monotonic()
        except BlockingIOError:
            select.select([], [sock], [], 0.05)
    return sent


def socket_queues(port: int) -> dict[tuple[str, str], tuple[int, int]]:
    """Established TCP sockets with `port` at either end, as `ss` reports
    them: (local, peer) -> (Recv-Q, Send-Q) in octets."""
    out = subprocess.run(["ss", "-tnH", "state", "established",
                          f"( sport = :{port} or dport = :{port} )"],
                         capture_output=True, text=True, check=True, timeout=5).stdout
    queues = {}
    for line in out.splitlines():
        recv_q, send_q, local, peer = line.split()[:4]
        queues[(local, peer)] = (int(recv_q), int(send_q))
    return queues


def settled_queues(port: int, client: str, server: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(client's, server's) (Recv-Q, Send-Q) once two looks 0.2 s apart agree."""
    previous = None
    for _ in range(25):
        queues = socket_queues(port)
        now = (queues[(client, server)], queues[(server, client)])
        if now == previous:
            return now
        previous = now
        time.sleep(0.2)
    raise AssertionError(f"socket queues never settled: {previous}")


def close_wait_sockets(port: int) -> list[str]:
    """Sockets bound to local `port` in CLOSE-WAIT (`ss -tan`)."""
    out = subprocess.run(["ss", "-tanH", "state", "close-wait", f"( sport = :{port} )"],
                         capture_output=True, text=True, check=True, timeout=5).stdout
    return [line for line in out.splitlines() if line.strip()]


def no_close_wait_within(port: int, seconds: float = 2.0) -> list[str]:
    """Polls for up to `seconds`; the CLOSE-WAIT sockets still there at the end."""
    deadline = time.monotonic() + seconds
    while (left := close_wait_sockets(port)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def address(sock_name) -> str:
    return f"{sock_name[0]}:{sock_name[1]}"


# ---- case 23: pipelining to a client that never reads -----------------------------------

def test_pipelined_reading_stops_at_the_in_flight_cap(capped):
    """docs/robustness.md case 23 (CVE-2024-0760): padded ~950-octet queries for
    a ~10 KB answer, pipelined by a client that never reads, until zoned stops
    taking them. From the kernel's queues (`ss`): the queries zoned has read,
    less the answers it has handed to the kernel, are at most max-in-flight
    answers it holds, plus the whole queries its read buffer may hold
    unanswered. Then another client is served at once, and once the client
    reads, every query is answered."""
    total = 1500  # far more than the kernel buffers take: ~300 answers fill them
    padding = [dns.edns.GenericOption(dns.edns.OptionType.PADDING, bytes(900))]
    wires = []
    for index in range(total):
        message = query(HUGE, "TXT", options=padding)
        message.id = index
        wires.append(framed(message.to_wire()))
    query_frame = len(wires[0])
    data = b"".join(wires)
    with socket.create_connection((capped.address, capped.port), timeout=TIMEOUT) as probe:
        probe.sendall(wires[0])
        answer_frame = 2 + len(read_message(probe))  # every answer has this size: only IDs differ

    with small_buffers_client(capped) as sock:
        sent = send_until_stalled(sock, data)
        assert sent < len(data), "zoned read all 1,500 queries of a client that reads nothing"
        client, server = address(sock.getsockname()), address(sock.getpeername())
        (client_recv_q, client_send_q), (server_recv_q, server_send_q) = \
            settled_queues(capped.port, client, server)
        queries_read = (sent - client_send_q - server_recv_q) // query_frame
        answers_in_kernel = (server_send_q + client_recv_q) // answer_frame
        held = queries_read - answers_in_kernel
        unanswered_in_buffer = READ_BUFFER // query_frame
        assert held <= MAX_IN_FLIGHT + unanswered_in_buffer, (
            f"zoned read {queries_read} queries but the kernel holds only {answers_in_kernel} "
            f"answers: {held} answered or queued in zoned, cap {MAX_IN_FLIGHT} "
            f"(+{unanswered_in_buffer} unanswered in its read buffer); "
            f"client Recv-Q/Send-Q {client_recv_q}/{client_send_q}, "
            f"zoned {server_recv_q}/{server_send_q}")

        started = time.monotonic()
        assert ask(capped, "www.lookup.test.", "A", tcp=True).rcode() == dns.rcode.NOERROR
        assert ask(capped, "www.lookup.test.", "A").rcode() == dns.rcode.NOERROR
        assert time.monotonic() - started < 0.5, "another client waited on the stalled one"

        # Now read: zoned resumes, and every query gets its answer.
        sock.setblocking(True)
        sock.settimeout(TIMEOUT)
        rest = threading.Thread(target=sock.sendall, args=(data[sent:],))
        rest.start()
        ids = [struct.unpack("!H", read_message(sock)[:2])[0] for _ in range(total)]
        rest.join()
    assert sorted(ids) == list(range(total))


def test_unread_pipelined_queries_keep_rss_flat(capped):
    """docs/robustness.md case 23 and "memory stays bounded": 20,000 pipelined
    queries for a ~10 KB answer, never read. zoned stops reading at the cap, so
    the client cannot even send them all, and zoned's RSS stays within
    PIPELINE_RSS_LIMIT_KIB while it is stalled and after the client goes."""
    wire = query(HUGE, "TXT").to_wire()
    data = b"".join(framed(struct.pack("!H", index % 65536) + wire[2:]) for index in range(20_000))
    ask(capped, HUGE, "TXT", tcp=True)  # the answer path warmed up
    before = capped.rss_kib()
    with small_buffers_client(capped) as sock:
        send_until_stalled(sock, data)
        stalled = capped.rss_kib()
    time.sleep(0.2)
    after = capped.rss_kib()
    growth = max(stalled, after) - before
    assert growth <= PIPELINE_RSS_LIMIT_KIB, \
        f"RSS {before} KiB before, {stalled} stalled, {after} after: grew {growth} KiB"
    assert capped.alive()


# ---- case 24: half-close, over and over -------------------------------------------------

def test_close_wait_checker_sees_one():
    """The checker below is able to fail: a listener that never closes an
    accepted socket whose client has gone leaves one in CLOSE-WAIT."""
    with socket.create_server((LOOPBACK, CLOSE_WAIT_PORT)) as listener:
        client = socket.create_connection((LOOPBACK, CLOSE_WAIT_PORT), timeout=TIMEOUT)
        accepted, _ = listener.accept()
        client.close()
        time.sleep(0.1)
        try:
            assert len(close_wait_sockets(CLOSE_WAIT_PORT)) == 1
        finally:
            accepted.close()
    assert no_close_wait_within(CLOSE_WAIT_PORT) == []


def test_half_closed_clients_get_every_answer_and_leave_no_close_wait(capped):
    """docs/robustness.md case 24 (CVE-2022-0396): 200 rounds of connect, one
    query, shutdown(SHUT_WR), read the answer, close. Every answer comes,
    zoned closes its side after it, and no socket of zoned's port is left in
    CLOSE-WAIT (`ss -tan`, polled for up to 2 s)."""
    for round_ in range(200):
        message = query("www.lookup.test.", "A")
        message.id = round_
        with socket.create_connection((capped.address, capped.port), timeout=TIMEOUT) as sock:
            sock.sendall(framed(message.to_wire()))
            sock.shutdown(socket.SHUT_WR)
            reply = dns.message.from_wire(read_message(sock))
            assert reply.id == round_ and reply.rcode() == dns.rcode.NOERROR and reply.answer
            assert sock.recv(1) == b"", f"round {round_}: zoned did not close after the answer"
    assert no_close_wait_within(capped.port) == []
    assert capped.alive()


# ---- case 25: one huge rdata ------------------------------------------------------------

def huge_rdata_message(kind: str) -> bytes:
    """A 65,535-octet query for www.lookup.test. A whose additional section is
    one record with nearly all of it as rdata."""
    head = query("www.lookup.test.", "A", edns=None).to_wire()
    head = head[:10] + struct.pack("!H", 1) + head[12:]  # ARCOUNT 1
    fixed = 1 + 10                                      # root owner, type class ttl rdlength
    rdlength = 65535 - len(head) - fixed
    if kind == "unknown_type":
        record = b"\x00" + struct.pack("!HHIH", 65280, 1, 0, rdlength) + bytes(rdlength)
    elif kind == "opt_one_huge_option":
        option = struct.pack("!HH", 65001, rdlength - 4) + bytes(rdlength - 4)
        record = b"\x00" + struct.pack("!HHIH", 41, 1232, 0, rdlength) + option
    elif kind == "rdlength_past_the_end":
        record = b"\x00" + struct.pack("!HHIH", 65280, 1, 0, 65535) + bytes(rdlength)
    else:
        raise ValueError(kind)
    wire = head + record
    assert len(wire) == 65535
    return wire


@pytest.mark.parametrize("kind", ["unknown_type", "opt_one_huge_option", "rdlength_past_the_end"])
def test_one_huge_rdata_in_a_full_tcp_message(capped, kind):
    """docs/robustness.md case 25: a 65,535-octet TCP message made of one
    record's rdata gets FORMERR or an answer; the connection then answers a
    normal query or is cleanly closed, and zoned is alive."""
    follow_up = query("www.lookup.test.", "A")
    follow_up.id = 7
    with socket.create_connection((capped.address, capped.port), timeout=TIMEOUT) as sock:
        sock.sendall(framed(huge_rdata_message(kind)))
        try:
            reply = read_message(sock)
        except ConnectionError:
            reply = None  # closed without a reply: a refusal too
        if reply is not None:
            rcode = struct.unpack("!H", reply[2:4])[0] & 0xF
            assert rcode in (dns.rcode.FORMERR, dns.rcode.NOERROR), reply[:12].hex()
            if rcode == dns.rcode.NOERROR:
                assert kind != "rdlength_past_the_end", "a record running past the message answered"
            try:
                sock.sendall(framed(follow_up.to_wire()))
                answer = dns.message.from_wire(read_message(sock))
                assert answer.id == 7 and answer.rcode() == dns.rcode.NOERROR and answer.answer
            except (ConnectionError, BrokenPipeError):
                pass  # closed after its reply: clean
    assert capped.alive()


# ---- TCP connection floods: memory ------------------------------------------------------

def test_connection_flood_keeps_rss_flat(capped):
    """"Memory stays bounded" under TCP connection floods: 2,000 connections of
    one query each, then 40 held open at once from one address (over the
    per-client cap of 32, case 22); RSS grows by at most
    CONNECTION_FLOOD_RSS_LIMIT_KIB and zoned answers."""
    wire = framed(query("www.lookup.test.", "A").to_wire())
    before = capped.rss_kib()
    for _ in range(2000):
        with socket.create_connection((capped.address, capped.port), timeout=TIMEOUT) as sock:
            sock.sendall(wire)
            read_message(sock)
    held = [socket.create_connection((capped.address, capped.port), timeout=TIMEOUT)
            for _ in range(40)]
    try:
        for sock in held:
            try:
                sock.sendall(wire)
            except OSError:
                pass  # one over the cap may already be closed
        time.sleep(0.2)
        during = capped.rss_kib()
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.2)
    after = capped.rss_kib()
    growth = max(during, after) - before
    # 2,000 connections' buffers freed into ASan's quarantine are not reused:
    # under ASan only the flood itself (no crash, no report) is checked.
    if not built_with_asan():
        assert growth <= CONNECTION_FLOOD_RSS_LIMIT_KIB, \
            f"RSS {before} KiB before, {during} with 40 open, {after} after: grew {growth} KiB"
    assert capped.alive()
