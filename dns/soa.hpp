#pragma once
// The fields of SOA rdata (RFC 1035 §3.3.13): MNAME, RNAME, then five 32-bit
// numbers. Reads rdata as zone data holds it, names uncompressed (a message
// may compress them; decompress before calling). No allocation, no lock.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace zoned::dns {

struct SoaFields {
  std::span<const std::uint8_t> mname;  // uncompressed wire names, views into the rdata
  std::span<const std::uint8_t> rname;
  std::uint32_t serial = 0;
  std::uint32_t refresh = 0;
  std::uint32_t retry = 0;
  std::uint32_t expire = 0;
  std::uint32_t minimum = 0;
};

// Octets of SERIAL .. MINIMUM: the last 20 of any SOA rdata.
inline constexpr std::size_t kSoaNumbersLength = 20;

// The fields of uncompressed SOA rdata; nullopt unless it is two names and
// exactly 20 octets after them.
[[nodiscard]] std::optional<SoaFields> read_soa(std::span<const std::uint8_t> rdata) noexcept;

// Overwrites SERIAL in SOA rdata (the 4 octets 20 from the end); false (rdata
// untouched) when it is shorter than 20 octets.
bool write_soa_serial(std::span<std::uint8_t> rdata, std::uint32_t serial) noexcept;

}  // namespace zoned::dns
