#pragma once
// The SQLite zone backend: one database holds many zones; other programs may
// write it. import_zone() replaces a zone's records in one transaction;
// load_zone() reads them back, checking every row (a database is untrusted
// input), so the caller can run check_zone() as for a master file.
//
// Schema (PRAGMA user_version = kSqliteSchemaVersion), documented for the
// programs that write it:
//   zones(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)
//       name: absolute, lowercased presentation form ("example.com.")
//   records(id INTEGER PRIMARY KEY, zone_id INTEGER NOT NULL REFERENCES zones,
//           owner BLOB NOT NULL, type INTEGER NOT NULL, class INTEGER NOT NULL,
//           ttl INTEGER NOT NULL, rdata BLOB NOT NULL)
//       owner: uncompressed wire form, lowercased; rdata: uncompressed wire
//       form (RFC 3597 layout); class 1 (IN); ttl 0..2^31-1 (RFC 2181 §8).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dns/name.hpp"
#include "dns/result.hpp"
#include "zone/diff.hpp"
#include "zone/master_file.hpp"
#include "zone/record_list.hpp"

namespace zoned::zone {

inline constexpr int kSqliteSchemaVersion = 1;
// How long a statement waits for another writer's lock before failing.
inline constexpr int kSqliteBusyTimeoutMs = 5000;
// Bad rows reported one by one; past this, one line counts the rest.
inline constexpr std::size_t kMaxBadRowsReported = 20;

// Creates the database and schema when absent, then replaces every record of
// `origin` with `records` in one transaction (all or nothing, durable once it
// returns: WAL with synchronous=FULL). Returns the number of rows written.
[[nodiscard]] Result<std::size_t> import_zone(const std::filesystem::path& db_path,
                                              const dns::Name& origin, const RecordList& records);

// Applies one change (zone/diff.hpp) to the zone's rows in one transaction,
// durable once it returns like import_zone(): swaps the apex SOA, deletes the
// rows of each removed RR, inserts each added RR (as DiffRecords are: owner
// lowercased, rdata canonical). Rows match on owner, type and rdata in canonical form. All or
// nothing: fails, writing nothing, when the database's SOA is not
// diff.old_soa or a removed RR has no row (another program changed the zone
// since the diff's base was loaded).
[[nodiscard]] Result<bool> apply_diff_rows(const std::filesystem::path& db_path,
                                           const dns::Name& origin, const Diff& diff);

// Appends the zone's rows to `out` (unsorted; check_zone() sorts). Each bad row
// (owner not a name inside the zone, class not IN, TTL out of range, meta type,
// rdata not valid for its type) becomes an Error in `diags` naming zone, owner
// and type, with `file` = db_path; the caller must not use `out` then.
// Errors of the database itself (cannot open, not a zoned database, zone
// absent: "zone example.com. is not in DATABASE") are the returned Error.
// Returns the number of rows read.
[[nodiscard]] Result<std::size_t> load_zone(const std::filesystem::path& db_path,
                                            const dns::Name& origin, RecordList& out,
                                            std::vector<Diagnostic>& diags);

// The serial of the zone's apex SOA (for polling a database other programs
// write); an error when the zone is absent or has not exactly one valid SOA.
[[nodiscard]] Result<std::uint32_t> read_serial(const std::filesystem::path& db_path,
                                                const dns::Name& origin);

// The zones in the database, in canonical order.
[[nodiscard]] Result<std::vector<dns::Name>> list_zones(const std::filesystem::path& db_path);

}  // namespace zoned::zone
