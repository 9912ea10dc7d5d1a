// libFuzzer target: arbitrary bytes as zone-file text ($INCLUDE disabled) ->
// RecordList -> zone checks -> canonical dump. Must never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zone/master_file.hpp"
#include "zone/record_list.hpp"
#include "zone/zone_check.hpp"
#include "zone/zone_dump.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zoned;
  static const dns::Name origin = dns::Name::parse("example.com.").value();
  zone::ParseOptions options;
  options.origin = origin;
  options.allow_include = false;
  options.default_ttl = 3600;
  options.max_generated_records = 1000;  // keep each run fast
  zone::RecordList records;
  auto outcome = zone::parse_master_text(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz", options, records);
  for (const auto& d : outcome.diagnostics) (void)d.to_string();
  std::vector<zone::Diagnostic> findings;
  zone::check_zone(records, origin, zone::ZoneLimits{}, outcome.files, findings);
  (void)zone::summarize(records);
  std::string dump;
  zone::dump_zone(records, dump);
  return 0;
}
