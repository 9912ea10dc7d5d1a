#include "dns/edns.hpp"

#include <array>

namespace zoned::dns {

bool EdnsOptionIterator::next(EdnsOption& out) noexcept {
  if (error_ != WireError::Ok || pos_ >= rdata_.size()) return false;
  const std::size_t left = rdata_.size() - pos_;
  if (left < kEdnsOptionHeader) {
    error_ = WireError::BadOpt;
    return false;
  }
  const auto code = static_cast<std::uint16_t>(rdata_[pos_] << 8 | rdata_[pos_ + 1]);
  const std::size_t len = static_cast<std::size_t>(rdata_[pos_ + 2] << 8 | rdata_[pos_ + 3]);
  if (left - kEdnsOptionHeader < len) {
    error_ = WireError::BadOpt;
    return false;
  }
  out.code = code;
  out.data = rdata_.subspan(pos_ + kEdnsOptionHeader, len);
  pos_ += kEdnsOptionHeader + len;
  return true;
}

bool Edns::find_option(std::uint16_t code, EdnsOption& out) const noexcept {
  EdnsOptionIterator it(options);
  EdnsOption o;
  while (it.next(o)) {
    if (o.code == code) {
      out = o;
      return true;
    }
  }
  return false;
}

WireError read_edns(const RRView& opt, Edns& out) noexcept {
  if (opt.type != RRType::OPT) return WireError::BadOpt;
  EdnsOptionIterator it(opt.rdata);
  EdnsOption o;
  while (it.next(o)) {
  }
  if (it.error() != WireError::Ok) return it.error();
  out.udp_size = static_cast<std::uint16_t>(opt.rclass);
  out.ext_rcode = static_cast<std::uint8_t>(opt.ttl >> 24);
  out.version = static_cast<std::uint8_t>(opt.ttl >> 16);
  out.flags = static_cast<std::uint16_t>(opt.ttl);
  out.options = opt.rdata;
  return WireError::Ok;
}

WireError read_edns(const MessageReader& reader, Edns& out) noexcept {
  if (!reader.has_opt()) return WireError::BadOpt;
  return read_edns(reader.opt(), out);
}

std::size_t opt_wire_size(const EdnsWrite& e) noexcept {
  std::size_t n = kOptFixedSize;
  for (const EdnsOption& o : e.options) n += kEdnsOptionHeader + o.data.size();
  return n;
}

bool write_opt(MessageWriter& writer, const EdnsWrite& e) noexcept {
  if (e.options.size() > kMaxEdnsWriteOptions) return false;
  std::array<std::array<std::uint8_t, kEdnsOptionHeader>, kMaxEdnsWriteOptions> headers{};
  std::array<std::span<const std::uint8_t>, 2 * kMaxEdnsWriteOptions> parts{};
  std::size_t n = 0;
  for (std::size_t i = 0; i < e.options.size(); ++i) {
    const EdnsOption& o = e.options[i];
    if (o.data.size() > 0xffff) return false;
    const auto len = static_cast<std::uint16_t>(o.data.size());
    headers[i] = {static_cast<std::uint8_t>(o.code >> 8), static_cast<std::uint8_t>(o.code),
                  static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len)};
    parts[n++] = headers[i];
    parts[n++] = o.data;
  }
  const std::uint32_t ttl = std::uint32_t{e.ext_rcode} << 24 | std::uint32_t{e.version} << 16 |
                            (e.dnssec_ok ? kEdnsFlagDO : 0u);
  static constexpr std::array<std::uint8_t, 1> kRoot{0};
  return writer.add_rr_parts(Section::Additional, kRoot, RRType::OPT,
                             static_cast<RRClass>(e.udp_size), ttl,
                             std::span<const std::span<const std::uint8_t>>(parts.data(), n));
}

}  // namespace zoned::dns
