// load_master_file and load_sqlite_zone (checked_zone.hpp).
#include "zone/checked_zone.hpp"

#include <algorithm>
#include <utility>

#include "zone/sqlite_store.hpp"
#include "zone/zone_check.hpp"

namespace zoned::zone {

namespace {

bool has_errors(const std::vector<Diagnostic>& diags) {
  return std::any_of(diags.begin(), diags.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

}  // namespace

bool CheckedZone::ok() const { return !read_error && !has_errors(diagnostics); }

CheckedZone load_master_file(const std::filesystem::path& path, const ParseOptions& options,
                             const ZoneLimits& limits) {
  CheckedZone z;
  auto outcome = parse_master_file(path, options, z.records);
  z.files = std::move(outcome.files);
  z.diagnostics = std::move(outcome.diagnostics);
  if (!has_errors(z.diagnostics)) {
    check_zone(z.records, options.origin, limits, z.files, z.diagnostics);
    z.checked = true;
  }
  return z;
}

CheckedZone load_sqlite_zone(const std::filesystem::path& db_path, const dns::Name& origin,
                             const ZoneLimits& limits) {
  CheckedZone z;
  z.files.push_back(db_path.string());
  auto rows = load_zone(db_path, origin, z.records, z.diagnostics);
  if (!rows) {
    z.read_error = rows.error();
    return z;
  }
  if (!has_errors(z.diagnostics)) {
    check_zone(z.records, origin, limits, z.files, z.diagnostics);
    z.checked = true;
  }
  return z;
}

}  // namespace zoned::zone
