#pragma once
// Master-file (zone file) parser, RFC 1035 §5 plus the directives operators
// use: $ORIGIN, $TTL (RFC 2308), $INCLUDE, and BIND's $GENERATE. Records are
// handed to a sink one at a time, so a caller stores them in whatever form it
// needs (a zone version, a checker's list, a database) without copies here.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/name.hpp"
#include "dns/rrtype.hpp"

namespace zoned::zone {

struct SourcePos {
  std::uint32_t file = 0;  // index into ParseOutcome::files
  std::uint32_t line = 0;  // 1-based
  std::uint32_t column = 0;  // 1-based
};

// One parsed RR. Views are valid only during the sink call.
struct ParsedRecord {
  const dns::Name& owner;
  dns::RRType type;
  dns::RRClass rclass;
  std::uint32_t ttl;
  std::span<const std::uint8_t> rdata;  // uncompressed wire form
  SourcePos pos;                        // where the record starts
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void on_record(const ParsedRecord& rr) = 0;
};

enum class Severity : std::uint8_t { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;
  // "file:line:column: error: message" (line/column omitted when 0).
  [[nodiscard]] std::string to_string() const;
  // A finding at `pos`, whose file index names one of `files` (ParseOutcome::files).
  [[nodiscard]] static Diagnostic at(Severity severity, SourcePos pos, std::span<const std::string> files,
                                     std::string message);
};

struct ParseOptions {
  dns::Name origin;                         // initial $ORIGIN (the zone apex)
  dns::RRClass rclass = dns::RRClass::IN;   // records of another class are errors
  std::optional<std::uint32_t> default_ttl; // used before any $TTL / explicit TTL
  std::size_t max_include_depth = 10;
  std::size_t max_errors = 20;              // stop reporting (and parsing) after this many
  bool allow_include = true;
  // Cap on the records all $GENERATE lines of one parse may produce (BIND has
  // none; an accidental 0-4294967295 range must not exhaust memory).
  std::uint64_t max_generated_records = 1'000'000;
};

struct ParseOutcome {
  std::vector<std::string> files;  // every file read, [0] is the top one
  std::vector<Diagnostic> diagnostics;
  std::size_t records = 0;
  [[nodiscard]] bool ok() const;   // no Error diagnostics
};

// Contract: a caller publishes what the sink received only if outcome.ok();
// a zone file with errors never replaces the version already serving.
[[nodiscard]] ParseOutcome parse_master_file(const std::filesystem::path& path,
                                             const ParseOptions& options, RecordSink& sink);
// `display_name` stands for the file name in diagnostics; $INCLUDE paths are
// relative to the current directory.
[[nodiscard]] ParseOutcome parse_master_text(std::string_view text, std::string_view display_name,
                                             const ParseOptions& options, RecordSink& sink);

}  // namespace zoned::zone
