#include "server/zones/zone_loader.hpp"

#include <algorithm>
#include <iterator>
#include <span>
#include <system_error>
#include <utility>

#include "zone/checked_zone.hpp"
#include "zone/record_list.hpp"
#include "zone/signature_expiry.hpp"
#include "zone/sqlite_store.hpp"
#include "zone/zone_check.hpp"

namespace zoned::server {
namespace {

using Clock = std::chrono::steady_clock;

[[nodiscard]] std::optional<FileStamp> stamp_file(const std::filesystem::path& path) {
  std::error_code ec;
  FileStamp stamp{path, std::filesystem::last_write_time(path, ec), 0};
  if (ec) return std::nullopt;
  stamp.size = std::filesystem::file_size(path, ec);
  if (ec) return std::nullopt;
  return stamp;
}

// Every error line (up to kMaxErrorLinesReported, then a count), warnings left out.
[[nodiscard]] Error errors_of(std::span<const zone::Diagnostic> diags) {
  std::string text;
  std::size_t errors = 0;
  for (const auto& d : diags) {
    if (d.severity != zone::Severity::Error) continue;
    if (++errors > kMaxErrorLinesReported) continue;
    if (!text.empty()) text += '\n';
    text += d.to_string();
  }
  if (errors > kMaxErrorLinesReported)
    text += "\n(" + std::to_string(errors - kMaxErrorLinesReported) + " more errors)";
  return Error{text};
}

[[nodiscard]] std::vector<zone::Diagnostic> warnings_of(std::vector<zone::Diagnostic> diags) {
  std::erase_if(diags, [](const auto& d) { return d.severity != zone::Severity::Warning; });
  return diags;
}

// Signatures already expired or expiring soon: the zone is served anyway
// (validators will reject what they cover), and the operator gets the same
// warnings, placed at the same records, as `zonectl check-zone` gives (README.md,
// "zonectl check-zone"). One pass over the records' RRSIGs.
void add_signature_expiry_warnings(const zone::RecordList& records,
                                   std::span<const std::string> files,
                                   std::vector<zone::Diagnostic>& diags) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto expiry = zone::check_signature_expiry(records, files, now);
  std::move(expiry.warnings.begin(), expiry.warnings.end(), std::back_inserter(diags));
}

[[nodiscard]] Result<LoadedZone> load_master_file(const ZoneConfig& config) {
  zone::ParseOptions options;
  options.origin = config.domain;
  auto checked = zone::load_master_file(config.file, options, config.limits);
  if (!checked.ok()) return errors_of(checked.diagnostics);
  add_signature_expiry_warnings(checked.records, checked.files, checked.diagnostics);

  LoadedZone loaded;
  // Stamped after parsing: an edit made while we read shows up as a change
  // at the next reload rather than being lost.
  for (const auto& file : checked.files) {
    auto stamp = stamp_file(file);
    if (!stamp) return Error{file + ": cannot stat after reading it"};
    loaded.stamp.files.push_back(std::move(*stamp));
  }
  loaded.version = zone::ZoneVersion::build(checked.records, config.domain);
  loaded.warnings = warnings_of(std::move(checked.diagnostics));
  return loaded;
}

[[nodiscard]] Result<LoadedZone> load_sqlite(const ZoneConfig& config) {
  // The serial first: if another program commits while we load, the stamp is
  // older than the data and the next poll loads again (never the reverse).
  auto serial = zone::read_serial(config.sqlite, config.domain);
  if (!serial) return Error{config.sqlite.string() + ": " + serial.error()};

  auto checked = zone::load_sqlite_zone(config.sqlite, config.domain, config.limits);
  if (checked.read_error) return Error{config.sqlite.string() + ": " + *checked.read_error};
  if (!checked.ok()) return errors_of(checked.diagnostics);
  add_signature_expiry_warnings(checked.records, checked.files, checked.diagnostics);

  LoadedZone loaded;
  loaded.stamp.sqlite_serial = *serial;
  loaded.version = zone::ZoneVersion::build(checked.records, config.domain);
  loaded.warnings = warnings_of(std::move(checked.diagnostics));
  return loaded;
}

}  // namespace

Result<LoadedZone> load_zone_source(const ZoneConfig& config) {
  const auto started = Clock::now();
  auto loaded = config.sqlite.empty() ? load_master_file(config) : load_sqlite(config);
  if (loaded)
    loaded->elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return loaded;
}

SourceStamp current_stamp(const ZoneConfig& config, const SourceStamp& loaded) {
  SourceStamp now;
  if (!config.sqlite.empty()) {
    if (auto serial = zone::read_serial(config.sqlite, config.domain)) now.sqlite_serial = *serial;
    return now;
  }
  if (loaded.files.empty() || loaded.files.front().path != config.file) {
    // Another file is configured now (or nothing was loaded yet).
    return now;
  }
  for (const auto& file : loaded.files) {
    auto stamp = stamp_file(file.path);
    if (!stamp) return {};
    now.files.push_back(std::move(*stamp));
  }
  return now;
}

std::string describe_source(const ZoneConfig& config) {
  return config.sqlite.empty() ? "master file " + config.file.string()
                               : "sqlite " + config.sqlite.string();
}

}  // namespace zoned::server
