"""Run a real `zoned` for a system test: config in a temp dir, loopback only.

Usage (any system test may use it; conftest.py also offers the `zoned`
fixture factory that stops every process it started):

    from zoned_process import ZonedProcess, ZoneEntry

    def test_something(tmp_path):
        zone_file = tmp_path / "example.com.zone"
        zone_file.write_text(ZONE_TEXT)
        with ZonedProcess(tmp_path, port=20500,
                          zones=[ZoneEntry("example.com.", file=zone_file)]) as server:
            reply = server.query("www.example.com.", "A")           # UDP
            reply = server.query("example.com.", "SOA", tcp=True)   # TCP
            server.reload()                                         # SIGHUP
            assert server.wait_for_serial("example.com.", 2) == 2
            server.wait_for_log("reloaded")
        # leaving the block sends SIGTERM and waits for the exit

What it does:
- writes `zoned.yaml` into `workdir` (listen 127.0.0.1@PORT, one worker
  unless told otherwise, pid file and log target inside `workdir`; the
  `server`, `log` and top-level sections can be extended with
  `server_options`, `log_options` and `extra_config`), or uses
  `config_text` verbatim when given (then `{port}` and `{workdir}` in it are
  substituted);
- starts the binary (env ZONED, default <repo>/build/release/server/zoned)
  as `zoned -c WORKDIR/zoned.yaml`, stdout and stderr going to
  WORKDIR/zoned.log (read it with `log_text()`);
- `start()` returns once the server answers an SOA query over UDP for
  `ready_name` (default: the first zone, else the root; any answer counts,
  REFUSED included) and, when the config names WORKDIR/zoned.pid, the pid
  file exists (start-up is then complete but for the switch to
  `server.user`); it raises with the log if zoned exits or is not ready in
  `start_timeout` seconds;
- `stop()` sends SIGTERM to the PID it started (never by name) and returns
  the exit status; SIGKILL only if it did not exit in `stop_timeout`.

Needs dnspython and PyYAML: run pytest with /usr/bin/python3.
"""
from __future__ import annotations

import functools
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import yaml

from server_process import POLL_INTERVAL, ServerProcess

REPO = Path(__file__).resolve().parents[2]
ZONED = Path(os.environ.get("ZONED", REPO / "build" / "release" / "server" / "zoned")).resolve()
ZONECTL = Path(os.environ.get("ZONECTL", REPO / "build" / "release" / "ctl" / "zonectl")).resolve()
LOOPBACK = "127.0.0.1"
# What ASan, LeakSanitizer and UBSan print (docs/robustness.md case 40).
SANITIZER_MARKERS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")


@functools.cache
def built_with_asan(binary: Path = ZONED) -> bool:
    """True when `binary` links ASan's runtime. ASan keeps freed memory in a
    quarantine (256 MB by default) instead of reusing it, to catch uses after
    free: a bound on RSS growth that relies on reuse holds only without it."""
    try:
        linked = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "libasan" in linked


@dataclass
class ZoneEntry:
    """One `zones:` entry: exactly one of `file` (master file) or `sqlite`."""
    domain: str
    file: Path | None = None
    sqlite: Path | None = None
    sqlite_poll: int | None = None  # seconds; None leaves the config default

    def to_config(self) -> dict:
        entry: dict = {"domain": self.domain}
        if self.file is not None:
            entry["file"] = str(self.file)
        if self.sqlite is not None:
            entry["sqlite"] = str(self.sqlite)
        if self.sqlite_poll is not None:
            entry["sqlite-poll"] = self.sqlite_poll
        return entry


class ZonedError(RuntimeError):
    """zoned did not start, or did not do what a wait asked for; carries the log."""


class ZonedProcess(ServerProcess):
    """One zoned process on 127.0.0.1:`port` with its config in `workdir`."""

    def __init__(self, workdir: Path, port: int, zones: list[ZoneEntry] | None = None, *,
                 config_text: str | None = None, server_options: dict | None = None,
                 log_options: dict | None = None, extra_config: dict | None = None,
                 ready_name: str | None = None, start_timeout: float = 15.0,
                 stop_timeout: float = 10.0, binary: Path = ZONED):
        workdir = Path(workdir)
        super().__init__(workdir, LOOPBACK, port, workdir / "zoned.log", start_timeout, stop_timeout)
        self.zones = list(zones or [])
        self.binary = Path(binary)
        self.config_path = self.workdir / "zoned.yaml"
        self.pid_file = self.workdir / "zoned.pid"
        self.ready_name = ready_name or (self.zones[0].domain if self.zones else ".")
        self._expects_pid_file = False
        if config_text is not None:
            self.config_path.write_text(config_text.format(port=port, workdir=self.workdir))
        else:
            self.write_config(server_options, log_options, extra_config)

    # ---- config -------------------------------------------------------------

    def config(self, server_options: dict | None = None, log_options: dict | None = None,
               extra_config: dict | None = None) -> dict:
        """The config this helper writes, as a dict (tests may edit and rewrite it)."""
        server = {"listen": [f"{LOOPBACK}@{self.port}"], "workers": 1,
                  "pid-file": str(self.pid_file)}
        server.update(server_options or {})
        log = {"level": "info", "target": "stderr"}
        log.update(log_options or {})
        config = {"server": server, "log": log,
                  "zones": [zone.to_config() for zone in self.zones]}
        config.update(extra_config or {})
        return config

    def write_config(self, server_options: dict | None = None, log_options: dict | None = None,
                     extra_config: dict | None = None) -> None:
        self.write_config_dict(self.config(server_options, log_options, extra_config))

    def write_config_dict(self, config: dict) -> None:
        self._expects_pid_file = config.get("server", {}).get("pid-file") == str(self.pid_file)
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=False))

    # ---- process ------------------------------------------------------------

    def start(self) -> "ZonedProcess":
        if not self.binary.exists():
            raise ZonedError(f"{self.binary} not built (set ZONED)")
        self.pid_file.unlink(missing_ok=True)  # left by an earlier run: not proof of start-up
        self._launch([str(self.binary), "-c", str(self.config_path)])
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ZonedError(f"zoned exited with {self.process.returncode}:\n{self.log_text()}")
            # The pid file is written right after the sockets are bound.
            if self._answers_soa() and (not self._expects_pid_file or self.pid_file.exists()):
                return self
            time.sleep(POLL_INTERVAL)
        self.stop()
        raise ZonedError(f"zoned not answering on port {self.port} after "
                         f"{self.start_timeout}s:\n{self.log_text()}")

    def stop(self) -> int | None:
        """As ServerProcess.stop(), then fails (AssertionError, the process
        stopped) when the log holds a sanitizer report: every zoned a system
        test runs is checked, however the test stops it."""
        status = super().stop()
        log = self.log_text()
        if any(marker in log for marker in SANITIZER_MARKERS):
            raise AssertionError(f"sanitizer report in {self.log_path}:\n{log[-8000:]}")
        return status

    def reload(self) -> None:
        """SIGHUP: reload the config and every changed zone."""
        self.send_signal(signal.SIGHUP)

    def serial(self, zone: str, *, tcp: bool = False) -> int | None:
        """The SOA serial served for `zone`, or None when not answered with one."""
        reply = self.query(zone, "SOA", tcp=tcp)
        for rrset in reply.answer:
            if rrset.rdtype == dns.rdatatype.SOA:
                return rrset[0].serial
        return None

    def wait_for_serial(self, zone: str, serial: int, timeout: float = 10.0) -> int | None:
        """Polls until `zone` serves `serial`; returns the last serial seen."""
        deadline = time.monotonic() + timeout
        seen = None
        while time.monotonic() < deadline:
            seen = self.serial(zone)
            if seen == serial:
                break
            time.sleep(POLL_INTERVAL)
        return seen

    def _answers_soa(self) -> bool:
        try:
            message = dns.message.make_query(self.ready_name, "SOA")
            dns.query.udp(message, LOOPBACK, port=self.port, timeout=0.2)
            return True
        except (dns.exception.Timeout, OSError):
            return False

    # ---- log ----------------------------------------------------------------

    def wait_for_log(self, pattern: str, timeout: float = 10.0, *, start: int = 0) -> re.Match:
        """Waits until the regex `pattern` matches the log past offset `start`."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern, self.log_text()[start:])
            if match:
                return match
            if time.monotonic() >= deadline:
                raise ZonedError(f"log never matched {pattern!r}:\n{self.log_text()}")
            time.sleep(POLL_INTERVAL)

    def log_size(self) -> int:
        """The log's length now: pass as `start` to wait for lines after this."""
        return len(self.log_text())
