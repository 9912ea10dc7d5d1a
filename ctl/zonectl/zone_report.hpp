#pragma once
// What the zone commands (check-zone, import, export) share: reading the ZONE
// argument and reporting parser/checker findings to people and to scripts.
#include <cstddef>
#include <string_view>
#include <vector>

#include "ctl/zonectl/json.hpp"
#include "dns/name.hpp"
#include "dns/result.hpp"
#include "zone/master_file.hpp"

namespace zoned::ctl {

// ZONE as typed by an operator: the trailing dot is optional.
[[nodiscard]] Result<dns::Name> zone_argument(std::string_view text);

void count_diagnostics(const std::vector<zone::Diagnostic>& diags, std::size_t& errors,
                       std::size_t& warnings);

// One "file:line:column: severity: message" line each, on standard error.
void print_diagnostics(const std::vector<zone::Diagnostic>& diags);

// "diagnostics": [{"severity", "file", "line", "column", "message"}, ...]
void write_json_diagnostics(JsonWriter& w, const std::vector<zone::Diagnostic>& diags);

}  // namespace zoned::ctl
