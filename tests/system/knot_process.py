"""Run a real `knotd` (Debian's Knot DNS) for a system test: the reference
server that zoned's answers are compared with, and a second subject the
answering tests run against to prove they check the RFCs, not our quirks.

Usage:

    from knot_process import KnotProcess

    with KnotProcess(tmp_path, port=20700,
                     zones=[("example.com.", tmp_path / "example.com.zone")],
                     identity="ns1.test", version="1.0") as knot:
        reply = knot.query("www.example.com.", "A")

What it does:
- writes `knot.conf` into `workdir` (listen 127.0.0.1@PORT, rundir and
  database storage inside `workdir`, zone files read as they are: no zone
  file sync, no journal, no DNSSEC), with NSID/id.server, version.bind and
  server cookies (mod-cookies) only when asked for, like zoned's defaults;
- starts `knotd -c knot.conf` (env KNOTD, default from PATH), output going
  to WORKDIR/knotd.log;
- `start()` returns once every zone answers an SOA query with NOERROR, and
  raises with the log if knotd exits or is not ready in `start_timeout`;
- `stop()` sends SIGTERM to the PID it started (never by name), SIGKILL
  only if it did not exit in `stop_timeout`.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rcode

from server_process import POLL_INTERVAL, ServerProcess

KNOTD = os.environ.get("KNOTD") or shutil.which("knotd") or "/usr/sbin/knotd"
LOOPBACK = "127.0.0.1"
UDP_MAX_PAYLOAD = 1232  # zoned's default EDNS buffer limit, so both serve the same sizes


class KnotError(RuntimeError):
    """knotd did not start or answer; carries its log."""


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class KnotProcess(ServerProcess):
    """One knotd on `address`:`port` serving `zones` ((domain, master file) pairs)."""

    def __init__(self, workdir: Path, port: int, zones: list[tuple[str, Path]], *,
                 address: str = LOOPBACK, identity: str | None = None,
                 version: str | None = None, cookies: bool = False,
                 udp_max_payload: int = UDP_MAX_PAYLOAD, start_timeout: float = 15.0,
                 stop_timeout: float = 10.0):
        workdir = Path(workdir)
        super().__init__(workdir, address, port, workdir / "knotd.log", start_timeout, stop_timeout)
        self.zones = [(domain if domain.endswith(".") else domain + ".", Path(file))
                      for domain, file in zones]
        self.config_path = self.workdir / "knot.conf"
        self.config_path.write_text(self._config_text(identity, version, cookies, udp_max_payload))

    def _config_text(self, identity, version, cookies, udp_max_payload) -> str:
        rundir = self.workdir / "run"
        storage = self.workdir / "db"
        rundir.mkdir(parents=True, exist_ok=True)
        storage.mkdir(parents=True, exist_ok=True)
        # knotd answers id.server, version.bind and NSID with defaults unless
        # told otherwise; an empty value turns each one off.
        lines = [
            "server:",
            f"    rundir: {_quoted(str(rundir))}",
            f"    listen: {self.address}@{self.port}",
            f"    identity: {_quoted(identity or '')}",
            f"    version: {_quoted(version or '')}",
            f"    udp-max-payload: {udp_max_payload}",
            "    udp-workers: 1",
            "    tcp-workers: 1",
            "    background-workers: 1",
            f"    nsid: {_quoted(identity or '')}",
        ]
        lines += [
            "log:",
            "  - target: stderr",
            "    any: info",
            "database:",
            f"    storage: {_quoted(str(storage))}",
            "template:",
            "  - id: default",
            f"    storage: {_quoted(str(self.workdir))}",
            "    zonefile-sync: -1",
            "    zonefile-load: whole",
            "    journal-content: none",
            "    semantic-checks: off",
        ]
        if cookies:
            # knotd answers a client-only cookie with BADCOOKIE and our server
            # cookie (RFC 7873 5.2.3 lets the server choose), then normally.
            lines.append("    global-module: mod-cookies")
        lines.append("zone:")
        for domain, file in self.zones:
            lines.append(f"  - domain: {domain}")
            lines.append(f"    file: {_quoted(str(file.resolve()))}")
        return "\n".join(lines) + "\n"

    # ---- process ------------------------------------------------------------

    def start(self) -> "KnotProcess":
        self._launch([KNOTD, "-c", str(self.config_path)])
        deadline = time.monotonic() + self.start_timeout
        pending = [domain for domain, _ in self.zones]
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise KnotError(f"knotd exited with {self.process.returncode}:\n{self.log_text()}")
            pending = [domain for domain in pending if not self._serves(domain)]
            if not pending:
                return self
            time.sleep(POLL_INTERVAL)
        self.stop()
        raise KnotError(f"knotd not serving {pending} on port {self.port} after "
                        f"{self.start_timeout}s:\n{self.log_text()}")

    def _serves(self, domain: str) -> bool:
        try:
            message = dns.message.make_query(domain, "SOA")
            reply = dns.query.udp(message, self.address, port=self.port, timeout=0.2)
            return reply.rcode() == dns.rcode.NOERROR and bool(reply.answer)
        except (dns.exception.Timeout, OSError):
            return False

