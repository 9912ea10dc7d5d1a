"""Configs for the reference servers the benchmarks start (knotd, nsd): each
serves one zone file on 127.0.0.1:PORT with every state file inside its own
directory `d`. Shared by load_bench.py and query_bench.py."""
import os


def write_knot_conf(d, port, origin, zone, *, log_level="info", one_worker=False):
    """knot.conf in `d`; `one_worker` limits knotd to one UDP, TCP and background worker."""
    workers = ("    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n"
               if one_worker else "")
    conf = os.path.join(d, "knot.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
    rundir: "{d}"
    pidfile: "{d}/knot.pid"
    listen: 127.0.0.1@{port}
{workers}control:
    listen: "{d}/knot.sock"
database:
    storage: "{d}"
log:
  - target: stderr
    any: {log_level}
template:
  - id: default
    storage: "{d}"
    journal-content: none
    zonefile-sync: -1
zone:
  - domain: {origin}
    file: "{zone}"
""")
    return conf


def write_nsd_conf(d, port, origin, zone, *, verbosity=1):
    """nsd.conf in `d`: one server process, no database, no control channel."""
    conf = os.path.join(d, "nsd.conf")
    # Debian's nsd rate-limits responses by default: rrl-ratelimit 0 turns it off.
    with open(conf, "w") as f:
        f.write(f"""server:
    ip-address: 127.0.0.1
    port: {port}
    server-count: 1
    zonesdir: "{d}"
    pidfile: "{d}/nsd.pid"
    database: ""
    zonelistfile: "{d}/zone.list"
    xfrdfile: "{d}/xfrd.state"
    xfrdir: "{d}"
    username: ""
    chroot: ""
    logfile: "{d}/nsd.log"
    verbosity: {verbosity}
    rrl-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: {origin}
    zonefile: "{zone}"
""")
    return conf
