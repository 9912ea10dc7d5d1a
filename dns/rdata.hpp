#pragma once
// Rdata codecs: presentation <-> wire <-> canonical form for every RR type,
// driven by one layout description per type. Unknown types use RFC 3597
// (`\# len hex`), which is also accepted for known types.
//
// Stored rdata is always uncompressed wire form. Only the message layer sees
// compression: rdata_from_message() decompresses where RFC 3597 §4 allows it,
// and rdata_embedded_names() tells the message writer which names it may
// compress (RFC 1035 types only).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dns/name.hpp"
#include "dns/rrtype.hpp"
#include "dns/wire.hpp"

namespace zoned::dns {

// A token of presentation-format rdata as the master-file tokenizer saw it.
// `text` is raw: escapes are not yet processed (names and strings interpret
// them differently). For a quoted token, `text` excludes the quotes.
// An unquoted token may contain a quoted part, as in SVCB `alpn="h2,h3"`.
struct TextToken {
  std::string_view text;
  bool quoted = false;
};

struct RdataTextError {
  std::size_t token = 0;  // index of the offending token; == tokens.size() when one is missing
  std::string message;    // what was expected, e.g. "expected an IPv4 address"
};

// Parses rdata tokens, appending uncompressed wire rdata to `out`. Relative
// names are completed with `origin`. On error `out` holds partial data the
// caller must discard.
[[nodiscard]] std::optional<RdataTextError> rdata_from_text(RRType type,
                                                            std::span<const TextToken> tokens,
                                                            const Name& origin,
                                                            std::vector<std::uint8_t>& out);

// Presentation form of valid rdata (as accepted by rdata_check()).
void rdata_to_text(RRType type, std::span<const std::uint8_t> rdata, std::string& out);

// RFC 3597 generic form: "\# <len> <hex>".
void rdata_to_generic_text(std::span<const std::uint8_t> rdata, std::string& out);

// Presentation form when rdata_check() accepts the rdata, else the generic
// form: for showing data that may be malformed (a database row, a diff).
void rdata_to_display_text(RRType type, std::span<const std::uint8_t> rdata, std::string& out);

// Checks uncompressed rdata against its type's layout.
[[nodiscard]] WireError rdata_check(RRType type, std::span<const std::uint8_t> rdata);

// Reads `rdlength` bytes of rdata at `pos` in `message`, decompressing the
// names this type may carry compressed, and appends uncompressed, checked
// rdata to `out`.
[[nodiscard]] WireError rdata_from_message(RRType type, std::span<const std::uint8_t> message,
                                           std::size_t pos, std::uint16_t rdlength,
                                           std::vector<std::uint8_t>& out);

// RFC 4034 §6.2 canonical form as amended by RFC 6840 §5.1 (NSEC names keep
// their case, RRSIG's signer is lowercased): lowercases, in place, the names of
// the types that require it. `rdata` must be valid.
void rdata_to_canonical(RRType type, std::span<std::uint8_t> rdata) noexcept;

// Where the names that are compressed when written (the RFC 1035 types,
// RFC 3597 §4) sit in rdata of `type`: `names` names in a row after `skip`
// fixed octets (MX's preference), then fixed fields to the end. Read from
// the layouts once; no names for every other type.
struct CompressibleNames {
  std::uint8_t skip = 0;
  std::uint8_t names = 0;
};
[[nodiscard]] CompressibleNames compressible_names(RRType type) noexcept;

}  // namespace zoned::dns
