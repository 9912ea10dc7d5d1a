"""Run a real `named` (Debian's BIND 9) for a system test: the reference that
zoned's Response Rate Limiting is calibrated against.

Usage:

    from named_process import NamedProcess

    with NamedProcess(tmp_path, port=21302,
                      zones=[("example.com.", tmp_path / "example.com.zone")],
                      options=["rate-limit { responses-per-second 20; slip 2; window 2; };"]) as named:
        reply = named.query("www.example.com.", "A")

What it does:
- writes `named.conf` into `workdir` (listen 127.0.0.1 port PORT only, no
  IPv6, no recursion, no control channel, every file it writes inside
  `workdir`), with the `options` statements given added to its options
  block and each zone a primary read from its master file;
- starts `named -g -n 1 -c named.conf` (foreground, one worker; env NAMED,
  default from PATH), output going to WORKDIR/named.log;
- `start()` returns once every zone answers an SOA query with NOERROR, and
  raises with the log if named exits or is not ready in `start_timeout`;
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

NAMED = os.environ.get("NAMED") or shutil.which("named") or "/usr/sbin/named"
LOOPBACK = "127.0.0.1"


class NamedError(RuntimeError):
    """named did not start or answer; carries its log."""


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class NamedProcess(ServerProcess):
    """One named on 127.0.0.1:`port` serving `zones` ((domain, master file) pairs)."""

    def __init__(self, workdir: Path, port: int, zones: list[tuple[str, Path]], *,
                 options: list[str] | None = None, start_timeout: float = 15.0,
                 stop_timeout: float = 10.0):
        workdir = Path(workdir)
        super().__init__(workdir, LOOPBACK, port, workdir / "named.log", start_timeout, stop_timeout)
        self.zones = [(domain.rstrip(".") or ".", Path(file)) for domain, file in zones]
        self.config_path = self.workdir / "named.conf"
        self.config_path.write_text(self._config_text(options or []))

    def _config_text(self, options: list[str]) -> str:
        workdir = str(self.workdir.resolve())
        lines = [
            "options {",
            f"    directory {_quoted(workdir)};",
            f"    pid-file {_quoted(workdir + '/named.pid')};",
            f"    session-keyfile {_quoted(workdir + '/session.key')};",
            f"    managed-keys-directory {_quoted(workdir)};",
            f"    listen-on port {self.port} {{ {self.address}; }};",
            "    listen-on-v6 { none; };",
            "    recursion no;",
            "    dnssec-validation no;",
            "    notify no;",
            *(f"    {option}" for option in options),
            "};",
            "controls { };",
        ]
        for domain, file in self.zones:
            lines.append(f"zone {_quoted(domain)} {{ type primary; file {_quoted(str(file.resolve()))}; }};")
        return "\n".join(lines) + "\n"

    # ---- process ------------------------------------------------------------

    def start(self) -> "NamedProcess":
        self._launch([NAMED, "-g", "-n", "1", "-c", str(self.config_path)])
        deadline = time.monotonic() + self.start_timeout
        pending = [domain for domain, _ in self.zones]
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NamedError(f"named exited with {self.process.returncode}:\n{self.log_text()}")
            pending = [domain for domain in pending if not self._serves(domain)]
            if not pending:
                return self
            time.sleep(POLL_INTERVAL)
        self.stop()
        raise NamedError(f"named not serving {pending} on port {self.port} after "
                         f"{self.start_timeout}s:\n{self.log_text()}")

    def _serves(self, domain: str) -> bool:
        try:
            message = dns.message.make_query(domain + ".", "SOA")
            reply = dns.query.udp(message, self.address, port=self.port, timeout=0.2)
            return reply.rcode() == dns.rcode.NOERROR and bool(reply.answer)
        except (dns.exception.Timeout, OSError):
            return False
