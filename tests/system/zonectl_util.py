"""Drive zonectl against a zoned in system tests.

    from zonectl_util import control_config, zonectl

    server = zoned_factory(PORT, zones=[...], extra_config=control_config(workdir))
    server.start()
    result = zonectl(socket_of(server), "zone-status", "example.com", json=True)
    assert result.rc == 0, result.stderr
    assert result.json["zones"][0]["serial"] == 1

- `control_socket(workdir)`: where the socket goes (WORKDIR/zoned.sock, or a
  short directory under /tmp when that path is too long for a Unix socket);
- `control_config(workdir)`: the `control:` section for `extra_config`;
- `socket_of(server)`: the socket of a ZonedProcess started with it;
- `zonectl(socket, *args, json=False)`: runs ZONECTL with `-s SOCKET` (no -s
  when socket is None) and returns (rc, stdout, stderr, json), json being the
  parsed standard output with --json (None otherwise or when not JSON).
"""
from __future__ import annotations

import json as jsonlib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from zoned_process import ZONECTL

# sockaddr_un.sun_path holds 108 bytes with the terminating NUL.
MAX_SOCKET_PATH = 107


@dataclass
class ZonectlResult:
    rc: int
    stdout: str
    stderr: str
    json: object | None

    def __iter__(self):
        return iter((self.rc, self.stdout, self.stderr, self.json))


def control_socket(workdir: Path) -> Path:
    path = Path(workdir) / "zoned.sock"
    if len(str(path)) <= MAX_SOCKET_PATH:
        return path
    return Path(tempfile.mkdtemp(prefix="zonectl-")) / "zoned.sock"


def control_config(workdir: Path) -> dict:
    return {"control": {"socket": str(control_socket(workdir))}}


def socket_of(server) -> Path:
    """The control socket named in a ZonedProcess's config."""
    import yaml
    return Path(yaml.safe_load(server.config_path.read_text())["control"]["socket"])


def zonectl(socket: Path | str | None, *args: str, json: bool = False,
            timeout: float = 30.0) -> ZonectlResult:
    argv = [str(ZONECTL)]
    if socket is not None:
        argv += ["-s", str(socket)]
    if json:
        argv.append("--json")
    argv += [str(a) for a in args]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    parsed = None
    if json and done.stdout.strip():
        try:
            parsed = jsonlib.loads(done.stdout)
        except ValueError:
            parsed = None
    return ZonectlResult(done.returncode, done.stdout, done.stderr, parsed)
