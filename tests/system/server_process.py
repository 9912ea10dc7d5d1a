"""The process side shared by the system tests' server launchers
(zoned_process.ZonedProcess, knot_process.KnotProcess): start a binary with
its output in a log file, stop it by the PID we started (SIGTERM, SIGKILL
only after `stop_timeout`), query it over UDP or TCP, read its log."""
from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import dns.message
import dns.query

QUERY_TIMEOUT = 2.0
POLL_INTERVAL = 0.05


class ServerProcess:
    """A server on `address`:`port` whose output goes to `log_path`."""

    def __init__(self, workdir: Path, address: str, port: int, log_path: Path,
                 start_timeout: float, stop_timeout: float):
        self.workdir = Path(workdir)
        self.address = address
        self.port = port
        self.log_path = log_path
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.process: subprocess.Popen | None = None
        self._log_file = None

    def start(self):
        raise NotImplementedError

    def _launch(self, argv: list[str]) -> None:
        self._log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen(argv, stdout=self._log_file, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, cwd=self.workdir)

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send_signal(self, signum: int) -> None:
        assert self.process is not None, "not started"
        os.kill(self.process.pid, signum)

    def stop(self) -> int | None:
        """SIGTERM, wait; returns the exit status (negative: killed by a signal)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        return self.process.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def query(self, name: str, rdtype: str = "A", *, tcp: bool = False,
              **make_query_args) -> dns.message.Message:
        """One query to this server (UDP unless tcp=True); raises on timeout."""
        message = dns.message.make_query(name, rdtype, **make_query_args)
        send = dns.query.tcp if tcp else dns.query.udp
        return send(message, self.address, port=self.port, timeout=QUERY_TIMEOUT)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
