"""Run Debian's `unbound` as a validating resolver in front of the server
under test, for the end-to-end DNSSEC tests (test_unbound_validation.py):
what a real validator makes of the signatures and denial proofs served.

Usage:

    from unbound_process import StubZone, UnboundProcess

    stubs = [StubZone("nsec.dnssec.test.", "127.0.0.1", 21101)]
    anchors = ['nsec.dnssec.test. DS 8104 13 2 83DA...']
    with UnboundProcess(tmp_path, 21100, stubs, anchors) as unbound:
        reply = unbound.query("www.nsec.dnssec.test.", "A")   # AD when secure

What it does:
- writes `unbound.conf` into `workdir`: listens on 127.0.0.1:PORT only, no
  chroot, no user switch, no remote control, no syslog; modules "validator
  iterator"; one `stub-zone` per served zone pointing at the authoritative
  server on loopback (`do-not-query-localhost: no`), so no query leaves the
  machine for a name below a stub; trust anchors given as DS texts
  (`trust-anchor: "<origin> DS ..."`); `val-log-level: 2` so every bogus
  answer is explained in the log; source ports kept above 32767, clear of
  the ports the tests listen on;
- starts `unbound -d -c unbound.conf` (env UNBOUND, default from PATH),
  output going to WORKDIR/unbound.log;
- `start()` returns once unbound answers `localhost.` (its built-in local
  zone, so readiness asks nothing upstream), and raises with the log if it
  exits or is not ready in `start_timeout`;
- `stop()` sends SIGTERM to the PID it started (never by name), SIGKILL
  only if it did not exit in `stop_timeout`.
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rcode

from server_process import POLL_INTERVAL, ServerProcess

UNBOUND = os.environ.get("UNBOUND") or shutil.which("unbound") or "/usr/sbin/unbound"
LOOPBACK = "127.0.0.1"
READY_NAME = "localhost."
# Ephemeral source ports for upstream queries stay in 32768-65535, away from
# the fixed ports the system tests bind.
AVOIDED_SOURCE_PORTS = "0-32767"
# Bounds how long one client query can keep unbound busy with an upstream
# that does not answer (ms); the tests' own query timeout is longer.
UPSTREAM_TIME_LIMIT_MS = 1000


class UnboundError(RuntimeError):
    """unbound did not start or answer; carries its log."""


@dataclass(frozen=True)
class StubZone:
    """Queries for `name` and below go to the authoritative server at address@port."""
    name: str
    address: str
    port: int


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class UnboundProcess(ServerProcess):
    """One validating unbound on `address`:`port`."""

    def __init__(self, workdir: Path, port: int, stubs: list[StubZone], trust_anchors: list[str], *,
                 address: str = LOOPBACK, start_timeout: float = 15.0, stop_timeout: float = 10.0):
        workdir = Path(workdir)
        super().__init__(workdir, address, port, workdir / "unbound.log", start_timeout, stop_timeout)
        self.config_path = self.workdir / "unbound.conf"
        self.config_path.write_text(self._config_text(stubs, trust_anchors))

    def _config_text(self, stubs: list[StubZone], trust_anchors: list[str]) -> str:
        lines = [
            "server:",
            f"    interface: {self.address}",
            f"    port: {self.port}",
            "    do-ip6: no",
            f"    access-control: {self.address}/32 allow",
            f"    directory: {_quoted(str(self.workdir))}",
            f"    pidfile: {_quoted(str(self.workdir / 'unbound.pid'))}",
            '    chroot: ""',
            '    username: ""',
            '    logfile: ""',
            "    use-syslog: no",
            "    log-time-ascii: yes",
            "    verbosity: 1",
            "    val-log-level: 2",
            "    num-threads: 1",
            '    module-config: "validator iterator"',
            "    do-not-query-localhost: no",
            f"    outgoing-port-avoid: {AVOIDED_SOURCE_PORTS}",
            f"    unknown-server-time-limit: {UPSTREAM_TIME_LIMIT_MS}",
            # Ask the server for the query name itself, as a stub client would:
            # the tests check the answers to those queries, not to minimised ones.
            "    qname-minimisation: no",
            "    ede: yes",
        ]
        lines += [f"    trust-anchor: {_quoted(anchor)}" for anchor in trust_anchors]
        # unbound answers names below test., invalid. etc. itself (RFC 6761
        # default local zones): a transparent local zone lets each stub's
        # names through to resolution.
        lines += [f"    local-zone: {_quoted(stub.name)} transparent" for stub in stubs]
        lines += ["remote-control:", "    control-enable: no"]
        for stub in stubs:
            lines += ["stub-zone:", f"    name: {_quoted(stub.name)}",
                      f"    stub-addr: {stub.address}@{stub.port}"]
        return "\n".join(lines) + "\n"

    # ---- process ------------------------------------------------------------

    def start(self) -> "UnboundProcess":
        self._launch([UNBOUND, "-d", "-c", str(self.config_path)])
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise UnboundError(f"unbound exited with {self.process.returncode}:\n{self.log_text()}")
            if self._answers_locally():
                return self
            time.sleep(POLL_INTERVAL)
        self.stop()
        raise UnboundError(f"unbound not answering on port {self.port} after "
                           f"{self.start_timeout}s:\n{self.log_text()}")

    def _answers_locally(self) -> bool:
        try:
            message = dns.message.make_query(READY_NAME, "A")
            reply = dns.query.udp(message, self.address, port=self.port, timeout=0.2)
            return reply.rcode() == dns.rcode.NOERROR
        except (dns.exception.Timeout, OSError):
            return False
