// read_soa and write_soa_serial (soa.hpp).
#include "dns/soa.hpp"

#include "dns/rdata_fields.hpp"

namespace zoned::dns {

namespace {

std::uint32_t u32_at(std::span<const std::uint8_t> b, std::size_t at) noexcept {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 |
         std::uint32_t{b[at + 3]};
}

}  // namespace

std::optional<SoaFields> read_soa(std::span<const std::uint8_t> rdata) noexcept {
  using rdata_internal::kBad;
  const std::size_t m = rdata_internal::name_length(rdata);
  if (m == kBad) return std::nullopt;
  const std::size_t r = rdata_internal::name_length(rdata.subspan(m));
  if (r == kBad || rdata.size() - m - r != kSoaNumbersLength) return std::nullopt;
  SoaFields f;
  f.mname = rdata.first(m);
  f.rname = rdata.subspan(m, r);
  const std::size_t at = m + r;
  f.serial = u32_at(rdata, at);
  f.refresh = u32_at(rdata, at + 4);
  f.retry = u32_at(rdata, at + 8);
  f.expire = u32_at(rdata, at + 12);
  f.minimum = u32_at(rdata, at + 16);
  return f;
}

bool write_soa_serial(std::span<std::uint8_t> rdata, std::uint32_t serial) noexcept {
  if (rdata.size() < kSoaNumbersLength) return false;
  const std::size_t at = rdata.size() - kSoaNumbersLength;
  for (std::size_t i = 0; i < 4; ++i) rdata[at + i] = static_cast<std::uint8_t>(serial >> (24 - 8 * i));
  return true;
}

}  // namespace zoned::dns
