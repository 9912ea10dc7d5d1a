#include "ctl/zonectl/zone_report.hpp"

#include <cstdint>
#include <cstdio>
#include <string>

namespace zoned::ctl {

Result<dns::Name> zone_argument(std::string_view text) {
  std::string zone_text(text);
  if (zone_text.empty() || zone_text.back() != '.') zone_text += '.';
  return dns::Name::parse(zone_text);
}

void count_diagnostics(const std::vector<zone::Diagnostic>& diags, std::size_t& errors,
                       std::size_t& warnings) {
  errors = warnings = 0;
  for (const auto& d : diags) (d.severity == zone::Severity::Error ? errors : warnings)++;
}

void print_diagnostics(const std::vector<zone::Diagnostic>& diags) {
  for (const auto& d : diags) std::fprintf(stderr, "%s\n", d.to_string().c_str());
}

void write_json_diagnostics(JsonWriter& w, const std::vector<zone::Diagnostic>& diags) {
  w.key("diagnostics").begin_array();
  for (const auto& d : diags) {
    w.begin_object();
    w.key("severity").value(d.severity == zone::Severity::Error ? "error" : "warning");
    w.key("file").value(d.file);
    w.key("line").value(std::uint64_t{d.line});
    w.key("column").value(std::uint64_t{d.column});
    w.key("message").value(d.message);
    w.end_object();
  }
  w.end_array();
}

}  // namespace zoned::ctl
