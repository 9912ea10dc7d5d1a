"""The SQLite zone backend through zonectl: master file -> SQLite -> master file.

good/*.zone  `zonectl import` then `zonectl export` prints exactly what
             `zonectl check-zone --dump` prints for the file (lossless round
             trip). A file check-zone rejects is refused by import as well,
             with the same findings, and the database does not get the zone.
Other programs may write the database: an A record changed with Python's
sqlite3 is exported with the change, and bad rows (malformed rdata, CNAME
beside data, no SOA) make export fail naming the zone, owner and type.

Binary: ZONECTL, located as in test_zone_corpus.py (whose helpers are reused).
"""
import json
import sqlite3
import textwrap

import dns.name
import pytest

from test_zone_corpus import ZONES, ZONECTL, origin_of, require_zonectl, run, zonectl_check

SMALL_ZONE = textwrap.dedent("""\
    $TTL 3600
    @    SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
    @    NS  ns1
    ns1  A   192.0.2.1
    www  A   192.0.2.10
    www  TXT "hello"
    """)


def files(kind):
    return [pytest.param(p, id=p.name) for p in sorted((ZONES / kind).glob("*.zone"))]


def good_files():
    return files("good")


def zonectl(*args, cwd):
    return run([ZONECTL, *args], cwd)


def owner_wire(text):
    return dns.name.from_text(text).canonicalize().to_wire()


def import_small(tmp_path, text=SMALL_ZONE):
    zone_file = tmp_path / "example.com.zone"
    zone_file.write_text(text)
    db = tmp_path / "zones.db"
    r = zonectl("import", "example.com", zone_file.name, db.name, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return db


def dump_of(tmp_path, text):
    f = tmp_path / "expected.zone"
    f.write_text(text)
    r = zonectl("check-zone", "--dump", "example.com", f.name, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_corpus_is_not_empty():
    assert len(good_files()) >= 10


@pytest.mark.parametrize("path", good_files())
def test_good_roundtrip_is_lossless(path, tmp_path):
    require_zonectl()
    db = tmp_path / "zones.db"
    origin = origin_of(path)
    expected = zonectl_check(path, "--dump")
    imported = zonectl("import", origin, path.name, db, cwd=path.parent)
    if expected.returncode != 0:
        # check-zone rejects the file: import refuses it with the same findings.
        assert imported.returncode == 1
        assert expected.stderr.splitlines()[:-1] == imported.stderr.splitlines()[:-1]
        assert "not imported" in imported.stderr
        if db.exists():
            gone = zonectl("export", origin, db, cwd=tmp_path)
            assert "is not in" in gone.stderr
        return
    assert imported.returncode == 0, imported.stderr
    n = len([line for line in expected.stdout.splitlines() if line.strip()])
    assert imported.stdout == f"imported {n} records into {db}\n"
    exported = zonectl("export", origin, db, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == expected.stdout


@pytest.mark.parametrize("path", files("bad"))
def test_import_refuses_what_check_zone_refuses(path, tmp_path):
    require_zonectl()
    db = tmp_path / "zones.db"
    checked = zonectl_check(path)
    imported = zonectl("import", origin_of(path), path.name, db, cwd=path.parent)
    assert imported.returncode == checked.returncode
    if checked.returncode != 0:
        # Same findings, printed the same way; the last line is the verdict.
        assert imported.stderr.splitlines()[:-1] == checked.stderr.splitlines()[:-1]
        assert imported.stderr.splitlines()[-1].endswith("error(s), not imported")
        assert imported.stdout == ""
        assert not db.exists()


def test_import_json(tmp_path):
    require_zonectl()
    (tmp_path / "z.zone").write_text(SMALL_ZONE)
    r = zonectl("import", "--json", "example.com", "z.zone", "zones.db", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["imported"] is True and out["valid"] is True
    assert out["records"] == 5 and out["errors"] == 0
    (tmp_path / "bad.zone").write_text(SMALL_ZONE + "www CNAME ns1\n")
    r = zonectl("import", "--json", "example.com", "bad.zone", "zones.db", cwd=tmp_path)
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["imported"] is False and out["errors"] >= 1
    assert any("CNAME" in d["message"] for d in out["diagnostics"])
    r = zonectl("export", "--json", "example.com", "zones.db", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["valid"] is True and out["records"] == 5
    assert out["master_file"] == dump_of(tmp_path, SMALL_ZONE)


def test_reimport_replaces_the_zone(tmp_path):
    require_zonectl()
    db = import_small(tmp_path)
    second = SMALL_ZONE.replace("www  TXT \"hello\"\n", "new  AAAA 2001:db8::1\n")
    db2 = import_small(tmp_path, second)
    assert db2 == db
    r = zonectl("export", "example.com.", db.name, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == dump_of(tmp_path, second)
    assert "TXT" not in r.stdout


def test_export_sees_an_edit_by_another_program(tmp_path):
    require_zonectl()
    db = import_small(tmp_path)
    con = sqlite3.connect(db)
    with con:
        cur = con.execute(
            "UPDATE records SET rdata = ? WHERE type = 1 AND owner = ? AND zone_id = "
            "(SELECT id FROM zones WHERE name = 'example.com.')",
            (bytes([198, 51, 100, 99]), owner_wire("www.example.com.")))
        assert cur.rowcount == 1
    con.close()
    r = zonectl("export", "example.com", db.name, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == dump_of(tmp_path, SMALL_ZONE.replace("192.0.2.10", "198.51.100.99"))


def edit(db, sql, *params):
    con = sqlite3.connect(db)
    with con:
        con.execute(sql, params)
    con.close()


def test_export_rejects_malformed_rdata(tmp_path):
    require_zonectl()
    db = import_small(tmp_path)
    edit(db, "UPDATE records SET rdata = ? WHERE type = 1 AND owner = ?",
         b"\xc6\x33\x64", owner_wire("www.example.com."))
    r = zonectl("export", "example.com", db.name, cwd=tmp_path)
    assert r.returncode == 1
    assert r.stdout == ""
    assert "error: example.com.: www.example.com. A: malformed rdata" in r.stderr
    assert "not exported" in r.stderr


def test_export_rejects_cname_beside_data(tmp_path):
    require_zonectl()
    db = import_small(tmp_path)
    edit(db, "INSERT INTO records(zone_id, owner, type, class, ttl, rdata) "
         "SELECT id, ?, 5, 1, 3600, ? FROM zones WHERE name = 'example.com.'",
         owner_wire("www.example.com."), owner_wire("ns1.example.com."))
    r = zonectl("export", "example.com", db.name, cwd=tmp_path)
    assert r.returncode == 1
    assert r.stdout == ""
    assert "www.example.com." in r.stderr and "CNAME" in r.stderr


def test_export_rejects_a_zone_without_soa(tmp_path):
    require_zonectl()
    db = import_small(tmp_path)
    edit(db, "DELETE FROM records WHERE type = 6")
    r = zonectl("export", "--json", "example.com", db.name, cwd=tmp_path)
    assert r.returncode == 1
    assert '"valid":false' in r.stdout
    assert "no SOA record at the zone apex example.com." in r.stdout


def test_export_unknown_zone_and_missing_database(tmp_path):
    require_zonectl()
    db = import_small(tmp_path)
    r = zonectl("export", "example.org", db.name, cwd=tmp_path)
    assert r.returncode == 1
    assert f"zone example.org. is not in {db.name}" in r.stderr
    r = zonectl("export", "example.com", "absent.db", cwd=tmp_path)
    assert r.returncode == 1
    assert "absent.db" in r.stderr
    assert not (tmp_path / "absent.db").exists()
