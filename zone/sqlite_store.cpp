// SQLite zone backend (see sqlite_store.hpp for the schema). Every row read is
// checked like a parsed record would be: the database may have been written
// by any program, so it is untrusted input.
#include "zone/sqlite_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <span>
#include <string_view>
#include <utility>

#include "dns/rdata.hpp"
#include "dns/rrtype.hpp"
#include "dns/soa.hpp"
#include "dns/wire.hpp"

namespace zoned::zone {
namespace {

// RFC 2181 §8: a TTL is 0..2^31-1.
constexpr std::int64_t kMaxTtl = 0x7fffffff;
constexpr std::int64_t kMaxType = 0xffff;
constexpr std::int64_t kMaxRdataLength = 0xffff;

constexpr const char* kCreateSchema =
    "CREATE TABLE IF NOT EXISTS zones("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE IF NOT EXISTS records("
    "  id INTEGER PRIMARY KEY,"
    "  zone_id INTEGER NOT NULL REFERENCES zones(id),"
    "  owner BLOB NOT NULL,"
    "  type INTEGER NOT NULL,"
    "  class INTEGER NOT NULL,"
    "  ttl INTEGER NOT NULL,"
    "  rdata BLOB NOT NULL);"
    // Loading reads one zone in rowid (= import) order through (zone_id,
    // rowid): table pages in sequence, no sort; canonical order is made in
    // memory. Polling the serial and other programs' edits find an RRset by
    // (zone_id, owner, type).
    "CREATE INDEX IF NOT EXISTS records_by_zone ON records(zone_id);"
    "CREATE INDEX IF NOT EXISTS records_by_owner ON records(zone_id, owner, type);";

class Db {
 public:
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() { sqlite3_close_v2(db_); }
  sqlite3** out() noexcept { return &db_; }
  sqlite3* get() const noexcept { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(st_); }
  sqlite3_stmt** out() noexcept { return &st_; }
  sqlite3_stmt* get() const noexcept { return st_; }

 private:
  sqlite3_stmt* st_ = nullptr;
};

std::string db_error(const std::filesystem::path& path, sqlite3* db, std::string_view what) {
  std::string s = path.string();
  s += ": ";
  s += what;
  s += ": ";
  s += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  return s;
}

// Opens `path`; read-only callers never create a file.
Result<bool> open_db(const std::filesystem::path& path, bool writable, Db& db) {
  const int flags = writable ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY;
  if (sqlite3_open_v2(path.c_str(), db.out(), flags, nullptr) != SQLITE_OK)
    return Error{db_error(path, db.get(), "cannot open database")};
  sqlite3_busy_timeout(db.get(), kSqliteBusyTimeoutMs);
  return true;
}

Result<bool> exec(const std::filesystem::path& path, Db& db, const char* sql) {
  if (sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    return Error{db_error(path, db.get(), sql)};
  return true;
}

Result<bool> prepare(const std::filesystem::path& path, Db& db, const char* sql, Stmt& st) {
  if (sqlite3_prepare_v2(db.get(), sql, -1, st.out(), nullptr) != SQLITE_OK)
    return Error{db_error(path, db.get(), "cannot prepare statement")};
  return true;
}

Result<int> user_version(const std::filesystem::path& path, Db& db) {
  Stmt st;
  if (auto r = prepare(path, db, "PRAGMA user_version", st); !r) return Error{r.error()};
  if (sqlite3_step(st.get()) != SQLITE_ROW) return Error{db_error(path, db.get(), "cannot read")};
  return sqlite3_column_int(st.get(), 0);
}

// Inside a read transaction: the schema must be ours, in a version we know.
Result<bool> check_schema(const std::filesystem::path& path, Db& db) {
  auto v = user_version(path, db);
  if (!v) return Error{v.error()};
  if (*v == 0) return Error{path.string() + ": not a zoned database (no schema)"};
  if (*v != kSqliteSchemaVersion)
    return Error{path.string() + ": schema version " + std::to_string(*v) +
                 " is not supported (this zoned reads version " +
                 std::to_string(kSqliteSchemaVersion) + ")"};
  return true;
}

std::string zone_key(const dns::Name& origin) { return origin.lowercased().to_text(); }

Result<bool> bind_text(const std::filesystem::path& path, Db& db, Stmt& st, int i,
                       const std::string& s) {
  if (sqlite3_bind_text(st.get(), i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK)
    return Error{db_error(path, db.get(), "cannot bind")};
  return true;
}

// The zone's id, or nothing when the zone is not in the database.
Result<std::int64_t> find_zone(const std::filesystem::path& path, Db& db,
                               const dns::Name& origin) {
  Stmt st;
  if (auto r = prepare(path, db, "SELECT id FROM zones WHERE name = ?1", st); !r)
    return Error{r.error()};
  if (auto r = bind_text(path, db, st, 1, zone_key(origin)); !r) return Error{r.error()};
  const int rc = sqlite3_step(st.get());
  if (rc == SQLITE_ROW) return static_cast<std::int64_t>(sqlite3_column_int64(st.get(), 0));
  if (rc == SQLITE_DONE)
    return Error{"zone " + origin.to_text() + " is not in " + path.string()};
  return Error{db_error(path, db.get(), "cannot read zones")};
}

// A read transaction: the zone id and its rows come from one snapshot even
// while another program writes (WAL readers never block writers).
class ReadTxn {
 public:
  explicit ReadTxn(Db& db) : db_(db) {}
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;
  ~ReadTxn() {
    if (open_) sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr);
  }
  Result<bool> begin(const std::filesystem::path& path) {
    auto r = exec(path, db_, "BEGIN");
    open_ = r.ok();
    return r;
  }

 private:
  Db& db_;
  bool open_ = false;
};

// Rolls back unless commit() succeeded: an import is all or nothing.
class WriteTxn {
 public:
  explicit WriteTxn(Db& db) : db_(db) {}
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;
  ~WriteTxn() {
    if (open_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Result<bool> begin(const std::filesystem::path& path) {
    // IMMEDIATE takes the write lock now, so the schema check below cannot
    // race another importer creating it.
    auto r = exec(path, db_, "BEGIN IMMEDIATE");
    open_ = r.ok();
    return r;
  }
  Result<bool> commit(const std::filesystem::path& path) {
    auto r = exec(path, db_, "COMMIT");
    if (r) open_ = false;
    return r;
  }

 private:
  Db& db_;
  bool open_ = false;
};

// WAL: readers (zoned loading or polling) never block a writer and see the
// zone either before or after a write, never between. FULL: a committed write
// survives a power loss. journal_mode cannot change inside a transaction.
Result<bool> open_for_writing(const std::filesystem::path& path, Db& db) {
  if (auto r = open_db(path, true, db); !r) return r;
  if (auto r = exec(path, db, "PRAGMA journal_mode=WAL"); !r) return r;
  return exec(path, db, "PRAGMA synchronous=FULL");
}

Result<std::int64_t> create_zone(const std::filesystem::path& path, Db& db,
                                 const dns::Name& origin) {
  {
    Stmt st;
    if (auto r = prepare(path, db, "INSERT OR IGNORE INTO zones(name) VALUES(?1)", st); !r)
      return Error{r.error()};
    if (auto r = bind_text(path, db, st, 1, zone_key(origin)); !r) return Error{r.error()};
    if (sqlite3_step(st.get()) != SQLITE_DONE)
      return Error{db_error(path, db.get(), "cannot add zone")};
  }
  return find_zone(path, db, origin);
}

// Describes one row for a diagnostic: "example.com.: www.example.com. A".
std::string row_label(const dns::Name& origin, const dns::Name* owner, std::int64_t type) {
  std::string s = origin.to_text();
  s += ": ";
  s += owner != nullptr ? owner->to_text() : std::string("<bad owner>");
  s += ' ';
  if (type >= 0 && type <= kMaxType)
    s += dns::type_to_text(static_cast<dns::RRType>(type));
  else
    s += "TYPE?" + std::to_string(type);
  return s;
}

// Checks one row; returns an empty string when it is good.
std::string check_row(sqlite3_stmt* st, const dns::Name& origin, dns::Name& owner,
                      bool& owner_ok) {
  // Columns: id, owner, type, class, ttl, rdata.
  const auto type = sqlite3_column_int64(st, 2);
  owner_ok = false;
  if (sqlite3_column_type(st, 1) != SQLITE_BLOB) return "owner is not a wire-format blob";
  const auto* owner_bytes = static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 1));
  const auto owner_len = static_cast<std::size_t>(sqlite3_column_bytes(st, 1));
  if (owner_bytes == nullptr ||
      !dns::Name::from_uncompressed({owner_bytes, owner_len}, owner))
    return "owner is not a valid wire-format name";
  owner_ok = true;
  if (!owner.is_subdomain_of(origin)) return "owner is outside the zone";
  if (sqlite3_column_type(st, 2) != SQLITE_INTEGER || type <= 0 || type > kMaxType)
    return "type is not an integer in 1..65535";
  if (dns::is_meta_type(static_cast<dns::RRType>(type)))
    return "meta type cannot be zone data";
  if (sqlite3_column_type(st, 3) != SQLITE_INTEGER ||
      sqlite3_column_int64(st, 3) != static_cast<std::int64_t>(dns::RRClass::IN))
    return "class is not IN (1)";
  const auto ttl = sqlite3_column_int64(st, 4);
  if (sqlite3_column_type(st, 4) != SQLITE_INTEGER || ttl < 0 || ttl > kMaxTtl)
    return "TTL is not an integer in 0..2147483647";
  if (sqlite3_column_type(st, 5) != SQLITE_BLOB) return "rdata is not a blob";
  const auto rdata_len = sqlite3_column_bytes(st, 5);
  if (rdata_len > kMaxRdataLength) return "rdata longer than 65535 octets";
  const auto* rdata = static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 5));
  const std::span<const std::uint8_t> rd =
      rdata == nullptr ? std::span<const std::uint8_t>{}
                       : std::span<const std::uint8_t>{rdata, static_cast<std::size_t>(rdata_len)};
  if (const auto e = dns::rdata_check(static_cast<dns::RRType>(type), rd); e != dns::WireError::Ok)
    return "malformed rdata (" + std::string(dns::to_string(e)) + ")";
  return {};
}

std::vector<std::uint8_t> canonical_rdata(dns::RRType type, std::span<const std::uint8_t> rdata) {
  std::vector<std::uint8_t> out(rdata.begin(), rdata.end());
  dns::rdata_to_canonical(type, out);
  return out;
}

// The ids of the zone's rows holding `rr` (owner, type, and rdata compared in
// canonical form: another program may have written names in any case). Rows
// with malformed rdata match nothing.
Result<std::vector<std::int64_t>> rows_holding(const std::filesystem::path& path, Db& db,
                                               std::int64_t zone_id, const DiffRecord& rr) {
  Stmt st;
  if (auto r = prepare(path, db,
                       "SELECT id, rdata FROM records WHERE zone_id = ?1 AND owner = ?2 AND type = ?3",
                       st);
      !r)
    return Error{r.error()};
  sqlite3_bind_int64(st.get(), 1, zone_id);
  sqlite3_bind_blob(st.get(), 2, rr.owner.data(), static_cast<int>(rr.owner.size()), SQLITE_STATIC);
  sqlite3_bind_int(st.get(), 3, static_cast<int>(rr.type));
  const auto wanted = canonical_rdata(rr.type, rr.rdata);
  std::vector<std::int64_t> ids;
  int rc = 0;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(st.get(), 1));
    const auto len = static_cast<std::size_t>(sqlite3_column_bytes(st.get(), 1));
    const std::span<const std::uint8_t> rd =
        p == nullptr ? std::span<const std::uint8_t>{} : std::span<const std::uint8_t>{p, len};
    if (dns::rdata_check(rr.type, rd) != dns::WireError::Ok) continue;
    if (canonical_rdata(rr.type, rd) == wanted) ids.push_back(sqlite3_column_int64(st.get(), 0));
  }
  if (rc != SQLITE_DONE) return Error{db_error(path, db.get(), "cannot read records")};
  return ids;
}

Result<bool> run_on_row(const std::filesystem::path& path, Db& db, const char* sql,
                        std::int64_t id, const DiffRecord* rr) {
  Stmt st;
  if (auto r = prepare(path, db, sql, st); !r) return r;
  sqlite3_bind_int64(st.get(), 1, id);
  if (rr != nullptr) {
    sqlite3_bind_int64(st.get(), 2, static_cast<sqlite3_int64>(rr->ttl));
    sqlite3_bind_blob(st.get(), 3, rr->rdata.data(), static_cast<int>(rr->rdata.size()),
                      SQLITE_STATIC);
  }
  if (sqlite3_step(st.get()) != SQLITE_DONE)
    return Error{db_error(path, db.get(), "cannot change records")};
  return true;
}

}  // namespace

Result<std::size_t> import_zone(const std::filesystem::path& db_path, const dns::Name& origin,
                                const RecordList& records) {
  Db db;
  if (auto r = open_for_writing(db_path, db); !r) return Error{r.error()};

  WriteTxn txn(db);
  if (auto r = txn.begin(db_path); !r) return Error{r.error()};
  auto version = user_version(db_path, db);
  if (!version) return Error{version.error()};
  if (*version == 0) {
    if (auto r = exec(db_path, db, kCreateSchema); !r) return Error{r.error()};
    const std::string set_version =
        "PRAGMA user_version=" + std::to_string(kSqliteSchemaVersion);
    if (auto r = exec(db_path, db, set_version.c_str()); !r) return Error{r.error()};
  } else if (auto r = check_schema(db_path, db); !r) {
    return Error{r.error()};
  }

  auto zone_id = create_zone(db_path, db, origin);
  if (!zone_id) return Error{zone_id.error()};
  {
    Stmt del;
    if (auto r = prepare(db_path, db, "DELETE FROM records WHERE zone_id = ?1", del); !r)
      return Error{r.error()};
    sqlite3_bind_int64(del.get(), 1, *zone_id);
    if (sqlite3_step(del.get()) != SQLITE_DONE)
      return Error{db_error(db_path, db.get(), "cannot delete old records")};
  }

  Stmt ins;
  if (auto r = prepare(db_path, db,
                       "INSERT INTO records(zone_id, owner, type, class, ttl, rdata) "
                       "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                       ins);
      !r)
    return Error{r.error()};
  static constexpr std::uint8_t kEmpty = 0;  // a non-null pointer for empty rdata
  for (const auto& rec : records.records()) {
    const auto owner = records.owner_wire(rec);
    const auto rdata = records.rdata(rec);
    sqlite3_reset(ins.get());
    // SQLITE_STATIC: the arenas outlive the step below.
    sqlite3_bind_int64(ins.get(), 1, *zone_id);
    sqlite3_bind_blob(ins.get(), 2, owner.data(), static_cast<int>(owner.size()), SQLITE_STATIC);
    sqlite3_bind_int(ins.get(), 3, static_cast<int>(rec.type));
    sqlite3_bind_int(ins.get(), 4, static_cast<int>(rec.rclass));
    sqlite3_bind_int64(ins.get(), 5, static_cast<sqlite3_int64>(rec.ttl));
    sqlite3_bind_blob(ins.get(), 6, rdata.empty() ? &kEmpty : rdata.data(),
                      static_cast<int>(rdata.size()), SQLITE_STATIC);
    if (sqlite3_step(ins.get()) != SQLITE_DONE)
      return Error{db_error(db_path, db.get(), "cannot insert record")};
  }
  if (auto r = txn.commit(db_path); !r) return Error{r.error()};
  return records.size();
}

Result<bool> apply_diff_rows(const std::filesystem::path& db_path, const dns::Name& origin,
                             const Diff& diff) {
  Db db;
  if (auto r = open_for_writing(db_path, db); !r) return r;
  WriteTxn txn(db);
  if (auto r = txn.begin(db_path); !r) return r;
  if (auto r = check_schema(db_path, db); !r) return r;
  auto zone_id = find_zone(db_path, db, origin);
  if (!zone_id) return Error{zone_id.error()};

  // The diff was made against the version loaded from this database; if its
  // SOA moved since, another program changed the zone and the diff may not fit.
  auto soa_rows = rows_holding(db_path, db, *zone_id, diff.old_soa);
  if (!soa_rows) return Error{soa_rows.error()};
  if (soa_rows->size() != 1)
    return Error{db_path.string() + ": zone " + origin.to_text() +
                 ": the SOA is no longer " + describe(diff.old_soa) +
                 " (changed by another program since it was loaded); nothing written"};
  if (auto r = run_on_row(db_path, db, "UPDATE records SET ttl = ?2, rdata = ?3 WHERE id = ?1",
                          soa_rows->front(), &diff.new_soa);
      !r)
    return r;

  for (const DiffRecord& rr : diff.removed) {
    auto ids = rows_holding(db_path, db, *zone_id, rr);
    if (!ids) return Error{ids.error()};
    if (ids->empty())
      return Error{db_path.string() + ": zone " + origin.to_text() + ": no row holds " +
                   describe(rr) + " (changed by another program?); nothing written"};
    for (const std::int64_t id : *ids)  // duplicate rows are one RR
      if (auto r = run_on_row(db_path, db, "DELETE FROM records WHERE id = ?1", id, nullptr); !r)
        return r;
  }

  Stmt ins;
  if (auto r = prepare(db_path, db,
                       "INSERT INTO records(zone_id, owner, type, class, ttl, rdata) "
                       "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                       ins);
      !r)
    return r;
  static constexpr std::uint8_t kEmpty = 0;  // a non-null pointer for empty rdata
  for (const DiffRecord& rr : diff.added) {
    sqlite3_reset(ins.get());
    sqlite3_bind_int64(ins.get(), 1, *zone_id);
    sqlite3_bind_blob(ins.get(), 2, rr.owner.data(), static_cast<int>(rr.owner.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int(ins.get(), 3, static_cast<int>(rr.type));
    sqlite3_bind_int(ins.get(), 4, static_cast<int>(rr.rclass));
    sqlite3_bind_int64(ins.get(), 5, static_cast<sqlite3_int64>(rr.ttl));
    sqlite3_bind_blob(ins.get(), 6, rr.rdata.empty() ? &kEmpty : rr.rdata.data(),
                      static_cast<int>(rr.rdata.size()), SQLITE_STATIC);
    if (sqlite3_step(ins.get()) != SQLITE_DONE)
      return Error{db_error(db_path, db.get(), "cannot insert record")};
  }
  return txn.commit(db_path);
}

Result<std::size_t> load_zone(const std::filesystem::path& db_path, const dns::Name& origin,
                              RecordList& out, std::vector<Diagnostic>& diags) {
  Db db;
  if (auto r = open_db(db_path, false, db); !r) return Error{r.error()};
  ReadTxn txn(db);
  if (auto r = txn.begin(db_path); !r) return Error{r.error()};
  if (auto r = check_schema(db_path, db); !r) return Error{r.error()};
  auto zone_id = find_zone(db_path, db, origin);
  if (!zone_id) return Error{zone_id.error()};

  Stmt st;
  if (auto r = prepare(db_path, db,
                       "SELECT id, owner, type, class, ttl, rdata FROM records "
                       "WHERE zone_id = ?1 ORDER BY id",
                       st);
      !r)
    return Error{r.error()};
  sqlite3_bind_int64(st.get(), 1, *zone_id);

  std::size_t rows = 0, bad = 0;
  dns::Name owner;
  int rc = 0;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    ++rows;
    bool owner_ok = false;
    const std::string problem = check_row(st.get(), origin, owner, owner_ok);
    if (problem.empty()) {
      const auto* rdata = static_cast<const std::uint8_t*>(sqlite3_column_blob(st.get(), 5));
      const auto len = static_cast<std::size_t>(sqlite3_column_bytes(st.get(), 5));
      out.add(owner, static_cast<dns::RRType>(sqlite3_column_int(st.get(), 2)),
              dns::RRClass::IN, static_cast<std::uint32_t>(sqlite3_column_int64(st.get(), 4)),
              rdata == nullptr ? std::span<const std::uint8_t>{}
                               : std::span<const std::uint8_t>{rdata, len});
      continue;
    }
    if (++bad > kMaxBadRowsReported) continue;
    Diagnostic d;
    d.file = db_path.string();
    d.message = row_label(origin, owner_ok ? &owner : nullptr, sqlite3_column_int64(st.get(), 2)) +
                ": " + problem + " (row " + std::to_string(sqlite3_column_int64(st.get(), 0)) +
                ")";
    diags.push_back(std::move(d));
  }
  if (rc != SQLITE_DONE) return Error{db_error(db_path, db.get(), "cannot read records")};
  if (bad > kMaxBadRowsReported) {
    Diagnostic d;
    d.file = db_path.string();
    d.message = origin.to_text() + ": " + std::to_string(bad - kMaxBadRowsReported) +
                " more bad rows not shown";
    diags.push_back(std::move(d));
  }
  return rows;
}

Result<std::uint32_t> read_serial(const std::filesystem::path& db_path, const dns::Name& origin) {
  Db db;
  if (auto r = open_db(db_path, false, db); !r) return Error{r.error()};
  ReadTxn txn(db);
  if (auto r = txn.begin(db_path); !r) return Error{r.error()};
  if (auto r = check_schema(db_path, db); !r) return Error{r.error()};
  auto zone_id = find_zone(db_path, db, origin);
  if (!zone_id) return Error{zone_id.error()};

  Stmt st;
  if (auto r = prepare(db_path, db,
                       "SELECT rdata FROM records WHERE zone_id = ?1 AND owner = ?2 AND type = ?3",
                       st);
      !r)
    return Error{r.error()};
  const dns::Name apex = origin.lowercased();
  const auto apex_wire = apex.wire();
  sqlite3_bind_int64(st.get(), 1, *zone_id);
  sqlite3_bind_blob(st.get(), 2, apex_wire.data(), static_cast<int>(apex_wire.size()),
                    SQLITE_STATIC);
  sqlite3_bind_int(st.get(), 3, static_cast<int>(dns::RRType::SOA));

  std::size_t found = 0;
  std::uint32_t serial = 0;
  int rc = 0;
  const std::string label = origin.to_text() + ": " + origin.to_text() + " SOA: ";
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    if (++found > 1) return Error{label + "more than one SOA record in " + db_path.string()};
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(st.get(), 0));
    const auto len = static_cast<std::size_t>(sqlite3_column_bytes(st.get(), 0));
    const std::span<const std::uint8_t> rd =
        p == nullptr ? std::span<const std::uint8_t>{} : std::span<const std::uint8_t>{p, len};
    if (dns::rdata_check(dns::RRType::SOA, rd) != dns::WireError::Ok)
      return Error{label + "malformed rdata in " + db_path.string()};
    const auto soa = dns::read_soa(rd);
    if (!soa) return Error{label + "malformed rdata in " + db_path.string()};
    serial = soa->serial;
  }
  if (rc != SQLITE_DONE) return Error{db_error(db_path, db.get(), "cannot read records")};
  if (found == 0) return Error{label + "no SOA record at the apex in " + db_path.string()};
  return serial;
}

Result<std::vector<dns::Name>> list_zones(const std::filesystem::path& db_path) {
  Db db;
  if (auto r = open_db(db_path, false, db); !r) return Error{r.error()};
  ReadTxn txn(db);
  if (auto r = txn.begin(db_path); !r) return Error{r.error()};
  if (auto r = check_schema(db_path, db); !r) return Error{r.error()};
  Stmt st;
  if (auto r = prepare(db_path, db, "SELECT name FROM zones", st); !r) return Error{r.error()};
  std::vector<dns::Name> zones;
  int rc = 0;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
    const std::string_view name =
        text == nullptr ? std::string_view{}
                        : std::string_view{text, static_cast<std::size_t>(
                                                     sqlite3_column_bytes(st.get(), 0))};
    auto parsed = dns::Name::parse(name);
    if (!parsed || name.empty() || name.back() != '.')
      return Error{db_path.string() + ": bad zone name '" + std::string(name) +
                   "' in table zones"};
    zones.push_back(*parsed);
  }
  if (rc != SQLITE_DONE) return Error{db_error(db_path, db.get(), "cannot read zones")};
  std::sort(zones.begin(), zones.end());
  return zones;
}

}  // namespace zoned::zone
