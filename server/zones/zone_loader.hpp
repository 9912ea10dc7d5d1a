#pragma once
// Loading one zone from its source (a master file or a SQLite database) into
// a ZoneVersion ready to publish, and remembering what the source looked like
// so that a reload can tell whether there is anything new to load.
//
// A source with errors never yields a version: the caller keeps serving the
// version it has. Errors name the place: FILE:LINE:COLUMN for master files,
// zone, owner and type for SQLite rows.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dns/result.hpp"
#include "server/config/config.hpp"
#include "zone/master_file.hpp"
#include "zone/zone_version.hpp"

namespace zoned::server {

// What a master file looked like when it was read (every $INCLUDEd file too).
struct FileStamp {
  std::filesystem::path path;
  std::filesystem::file_time_type modified{};
  std::uintmax_t size = 0;
  bool operator==(const FileStamp&) const = default;
};

// The state of a zone's source at load time: file stamps for master files,
// the SOA serial in the database for SQLite zones (other programs may write
// the database; a reload or a poll sees their change once they bump the
// serial).
struct SourceStamp {
  std::vector<FileStamp> files;
  std::optional<std::uint32_t> sqlite_serial;
  bool operator==(const SourceStamp&) const = default;
};

struct LoadedZone {
  std::unique_ptr<const zone::ZoneVersion> version;
  SourceStamp stamp;
  std::vector<zone::Diagnostic> warnings;  // the zone loaded; the operator should know
  std::chrono::milliseconds elapsed{0};
};

// Most error lines one failed load reports (the rest are counted).
inline constexpr std::size_t kMaxErrorLinesReported = 10;

// Parses, checks and builds the zone `config` names. The error lists each
// finding on its own line ("FILE:LINE:COLUMN: error: ...").
[[nodiscard]] Result<LoadedZone> load_zone_source(const ZoneConfig& config);

// The source's state now, cheaply (stat calls, or one serial query): equal to
// the loaded stamp means a reload has nothing new. A source that cannot be
// read gives an empty stamp, which differs from any loaded one, so the reload
// runs and reports why.
[[nodiscard]] SourceStamp current_stamp(const ZoneConfig& config, const SourceStamp& loaded);

// "master file /etc/zones/example.com.zone" or "sqlite /var/lib/zoned/zones.db".
[[nodiscard]] std::string describe_source(const ZoneConfig& config);

}  // namespace zoned::server
