#pragma once
// A zone's records read from its source and put through the zone checks: the
// one sequence a load, `zonectl check-zone`, `import` and `export` share.
// Records that do not all read (parse errors, bad rows) are not checked.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dns/name.hpp"
#include "zone/master_file.hpp"
#include "zone/record_list.hpp"
#include "zone/zone_limits.hpp"

namespace zoned::zone {

struct CheckedZone {
  RecordList records;                     // sorted once checked (check_zone sorts)
  std::vector<std::string> files;         // the master file and its $INCLUDEs, or the database
  std::vector<Diagnostic> diagnostics;    // the reader's, then check_zone's
  bool checked = false;                   // every record read, and check_zone ran
  std::optional<std::string> read_error;  // SQLite: the database itself could not be read
  [[nodiscard]] bool ok() const;          // read, and no Error diagnostic
};

// Parses the master file `path` (options.origin is the apex) and, when it
// parses without errors, runs check_zone with `limits`.
[[nodiscard]] CheckedZone load_master_file(const std::filesystem::path& path, const ParseOptions& options,
                                           const ZoneLimits& limits);

// Reads zone `origin` from the SQLite database (load_zone) and, when every row
// is valid, runs check_zone with `limits`.
[[nodiscard]] CheckedZone load_sqlite_zone(const std::filesystem::path& db_path, const dns::Name& origin,
                                           const ZoneLimits& limits);

}  // namespace zoned::zone
