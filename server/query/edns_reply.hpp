#pragma once
// The EDNS side of a query (RFC 6891): what the query's OPT asked for, and
// the options the response carries: NSID (RFC 5001), COOKIE (RFC 7873,
// RFC 9018), edns-tcp-keepalive (RFC 7828) and Extended DNS Errors
// (RFC 8914). Unknown options are ignored.
#include <array>
#include <cstddef>
#include <cstdint>

#include "dns/edns.hpp"
#include "dns/message_reader.hpp"
#include "server/query/server_cookie.hpp"

namespace zoned::server {

struct EngineSettings;
struct Request;

inline constexpr std::size_t kMaxReplyOptions = 4;  // NSID, COOKIE, KEEPALIVE, EDE

// Extended DNS Error INFO-CODEs we send (RFC 8914 §4).
namespace extended_error {
inline constexpr std::uint16_t kNotAuthoritative = 20;  // §4.21: no served zone holds the name
}  // namespace extended_error

class EdnsReply {
 public:
  // Forgets any earlier query: no OPT.
  void reset() noexcept { *this = EdnsReply{}; }
  // Reads the OPT of a parsed `reader` (none: present() is false).
  void read(const dns::MessageReader& reader, const Request& request,
            const EngineSettings& settings) noexcept;

  bool present() const noexcept { return present_; }
  bool bad_version() const noexcept { return bad_version_; }   // BADVERS (RFC 6891 §6.1.3)
  bool malformed() const noexcept { return malformed_; }       // FORMERR (RFC 7873 §5.2.2)
  bool dnssec_ok() const noexcept { return dnssec_ok_; }
  bool cookie_valid() const noexcept { return cookie_ == CookieStatus::Valid; }
  // The UDP payload size the response may use (RFC 6891 §6.2.5).
  std::uint16_t udp_limit(std::uint16_t our_limit) const noexcept {
    return dns::effective_udp_size(requested_udp_size_, our_limit);
  }

  // Adds an Extended DNS Error without EXTRA-TEXT (when the query had EDNS).
  void add_extended_error(std::uint16_t info_code) noexcept;
  // Drops the options: FORMERR carries a bare OPT, and so does an answer
  // with no room for them.
  void clear_options() noexcept { option_count_ = 0; }
  // The OPT to write; its spans point into this object.
  [[nodiscard]] dns::EdnsWrite opt(std::uint8_t ext_rcode, std::uint16_t our_udp_size) const noexcept;

 private:
  void add_option(std::uint16_t code, std::span<const std::uint8_t> data) noexcept;

  bool present_ = false;
  bool bad_version_ = false;
  bool malformed_ = false;
  bool dnssec_ok_ = false;
  std::uint16_t requested_udp_size_ = 0;
  CookieStatus cookie_ = CookieStatus::ClientOnly;
  std::array<dns::EdnsOption, kMaxReplyOptions> options_{};
  std::size_t option_count_ = 0;
  CookieOption cookie_option_{};
  std::array<std::uint8_t, 2> keepalive_option_{};
  std::array<std::uint8_t, 2> extended_error_option_{};
};

}  // namespace zoned::server
