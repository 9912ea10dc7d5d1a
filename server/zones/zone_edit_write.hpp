#pragma once
// Writing a committed zonectl transaction to a master file: the whole zone is
// dumped in canonical form and replaces the file atomically. Comments, $TTL,
// $INCLUDE and $GENERATE layout are not kept (docs/zone-editing.md says why).
// SQLite zones are written by zone::apply_diff_rows() instead.
#include <filesystem>
#include <string_view>

#include "dns/result.hpp"
#include "zone/record_list.hpp"
#include "zone/version_records.hpp"  // zone::records_of, what a commit checks and writes

namespace zoned::server {

// Replaces the master file `path` (a symlink's target, when it is one) with
// `header` (comment lines) and `records`: a temporary file in the same
// directory is written and fsynced, keeps the old file's permission bits, is
// renamed over the file, and the directory is fsynced. A crash leaves the old
// file or the new one, and the new one once this returns. On error the file
// is untouched and the temporary file removed, except when only the final
// directory fsync fails: the new file is in place but not known durable.
[[nodiscard]] Result<bool> rewrite_zone_file(const std::filesystem::path& path,
                                             std::string_view header,
                                             const zone::RecordList& records);

}  // namespace zoned::server
