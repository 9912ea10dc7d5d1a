"""DNS over TCP by hand (RFC 1035 4.2.2, RFC 7766): the two-octet length
prefix, for tests that need the raw stream (pipelining, half-closes, odd
lengths) rather than dnspython's one-query exchange."""
from __future__ import annotations

import socket
import struct


def framed(wire: bytes) -> bytes:
    """`wire` with its length prefix."""
    return struct.pack("!H", len(wire)) + wire


def recv_exactly(sock: socket.socket, count: int) -> bytes:
    """`count` octets; ConnectionError when the peer closes first."""
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} of {count} octets")
        data += chunk
    return bytes(data)


def read_message(sock: socket.socket) -> bytes:
    """One length-prefixed message."""
    (length,) = struct.unpack("!H", recv_exactly(sock, 2))
    return recv_exactly(sock, length)
