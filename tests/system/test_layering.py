"""Dependencies point one way (docs/ARCHITECTURE.md, "Modules and
dependencies"): dns <- zone <- {signer, xfr} <- server <- ctl/zonectl. dns/
includes nothing above it, zone/ nothing above zone/; inside server/, each
sub-folder (one job each) includes only the sub-folders SERVER_DEPS allows,
and the query path (server/query) nothing of server/ but itself."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)
INCLUDE_PATH = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

# folder -> project folders it must not include
FORBIDDEN = {
    "dns": {"zone", "signer", "xfr", "server", "ctl"},
    "zone": {"signer", "xfr", "server", "ctl"},
}

# What every sub-folder of server/ may include besides itself: always dns/
# and zone/, and the modules below (a module is a server/ or ctl/ sub-folder,
# or a top-level folder). Derived from the includes; bottom to top, each row
# names only rows above it, so there is no cycle (test_server_deps_acyclic).
# Adding a row or an arrow is a design change: update docs/ARCHITECTURE.md.
SERVER_BELOW = {"dns", "zone"}
SERVER_DEPS = {
    # the query path: bytes in, bytes out; reads zone versions, nothing else
    "server/query": set(),
    # header-only pieces with no server dependency: AcceptLoop, format_utc,
    # kZonedVersion (shared by network, stats, zones, control and daemon)
    "server/base": set(),
    # the config file: parsing, checking, the Config structs
    "server/config": set(),
    # response rate limiting: keys, token buckets, the shared table
    "server/rrl": {"server/config", "server/query"},
    # the served zones: load, reload, zonectl transactions, write-back
    "server/zones": {"server/base", "server/config"},
    # counters, the stats report and the metrics endpoint
    "server/stats": {"server/base", "server/config", "server/query", "server/rrl", "server/zones"},
    # workers, their UDP and TCP sockets, connection caps
    "server/network": {"server/base", "server/config", "server/query", "server/rrl", "server/stats"},
    # the control channel and its command handlers
    "server/control": {"ctl/protocol", "server/base", "server/config", "server/network",
                       "server/stats", "server/zones"},
    # the process: main, Daemon, settings publication, logging, pid file,
    # privileges; wires everything above
    "server/daemon": {"server/base", "server/config", "server/control", "server/network",
                      "server/query", "server/rrl", "server/stats", "server/zones"},
}


def sources(folder):
    base = ROOT / folder
    return sorted(p for p in base.rglob("*") if p.suffix in (".hpp", ".cpp", ".h"))


def module_of(include):
    """"server/zones/zone_manager.hpp" -> "server/zones", "dns/name.hpp" -> "dns"."""
    parts = include.split("/")
    if parts[0] in ("server", "ctl") and len(parts) > 2:
        return "/".join(parts[:2])
    return parts[0]


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_no_upward_includes(folder):
    bad = []
    for path in sources(folder):
        for target in INCLUDE.findall(path.read_text(errors="replace")):
            if target in FORBIDDEN[folder]:
                bad.append(f"{path.relative_to(ROOT)} includes {target}/")
    assert not bad, "layering violated:\n" + "\n".join(bad)


@pytest.mark.parametrize("folder", sorted(SERVER_DEPS))
def test_server_subfolder_includes(folder):
    allowed = SERVER_BELOW | SERVER_DEPS[folder] | {folder}
    bad = []
    for path in sources(folder):
        for include in INCLUDE_PATH.findall(path.read_text(errors="replace")):
            if "/" in include and module_of(include) not in allowed:
                bad.append(f"{path.relative_to(ROOT)} includes {include}")
    assert not bad, (f"{folder} may include only {sorted(allowed)} (SERVER_DEPS):\n"
                     + "\n".join(bad))


def test_server_has_only_listed_subfolders():
    """No source directly in server/, and no sub-folder the table does not know."""
    server = ROOT / "server"
    loose = [p.name for p in server.iterdir() if p.is_file() and p.name != "CMakeLists.txt"]
    assert not loose, f"files directly in server/ (put them in a sub-folder): {loose}"
    folders = {f"server/{p.name}" for p in server.iterdir() if p.is_dir()}
    assert folders == set(SERVER_DEPS), (
        f"not in SERVER_DEPS: {sorted(folders - set(SERVER_DEPS))}; "
        f"gone: {sorted(set(SERVER_DEPS) - folders)}")


def test_server_deps_acyclic():
    done = set()
    pending = dict(SERVER_DEPS)
    while pending:
        ready = [f for f, deps in pending.items() if {d for d in deps if d.startswith("server/")} <= done]
        assert ready, f"cycle among {sorted(pending)}"
        for f in sorted(ready):
            done.add(f)
            del pending[f]


def test_rule_is_live():
    """The scan must see the sources it guards, or it proves nothing."""
    assert sources("dns") and sources("zone")
    for folder in SERVER_DEPS:
        assert sources(folder), f"{folder} has no sources"
    # the include scan understands the includes it meets
    assert module_of("server/zones/zone_manager.hpp") == "server/zones"
    assert module_of("ctl/protocol/control_protocol.hpp") == "ctl/protocol"
    assert INCLUDE_PATH.findall((ROOT / "server/daemon/daemon.hpp").read_text())
