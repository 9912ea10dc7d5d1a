#include "server/query/edns_reply.hpp"

#include "server/query/query_engine.hpp"

namespace zoned::server {

void EdnsReply::add_option(std::uint16_t code, std::span<const std::uint8_t> data) noexcept {
  if (option_count_ < options_.size()) options_[option_count_++] = dns::EdnsOption{code, data};
}

void EdnsReply::read(const dns::MessageReader& reader, const Request& request,
                     const EngineSettings& settings) noexcept {
  reset();
  dns::Edns edns;
  if (!reader.has_opt() || dns::read_edns(reader, edns) != dns::WireError::Ok) return;
  present_ = true;
  requested_udp_size_ = edns.udp_size;
  dnssec_ok_ = edns.dnssec_ok();
  // RFC 6891 §6.1.3: only version 0 exists. The BADVERS answer still carries
  // NSID and COOKIE, as knotd's does (RFC 7873 §5.4).
  bad_version_ = edns.version != 0;

  dns::EdnsOption option;
  if (edns.find_option(dns::edns_option::NSID, option) && !settings.identity.empty()) {
    add_option(dns::edns_option::NSID,
               std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(settings.identity.data()),
                                             settings.identity.size()));
  }
  if (settings.cookies && edns.find_option(dns::edns_option::COOKIE, option)) {
    const CookieSecrets secrets{&settings.cookie_secret,
                                settings.has_previous_cookie_secret ? &settings.previous_cookie_secret : nullptr};
    cookie_ = check_cookie(option.data, secrets, request.client_address, request.now);
    if (cookie_ == CookieStatus::Malformed) {
      malformed_ = true;
      return;
    }
    // Always a fresh server cookie: a valid one is renewed too (RFC 9018 §4.3
    // allows reuse, knotd renews).
    make_cookie_option(option.data, settings.cookie_secret, request.client_address, request.now,
                       cookie_option_);
    add_option(dns::edns_option::COOKIE, cookie_option_);
  }
  // RFC 7828 §3.3.2: only over TCP, and only to a client that sent the option.
  if (request.transport == Transport::Tcp && edns.find_option(dns::edns_option::KEEPALIVE, option)) {
    keepalive_option_ = {static_cast<std::uint8_t>(settings.tcp_keepalive_100ms >> 8),
                         static_cast<std::uint8_t>(settings.tcp_keepalive_100ms)};
    add_option(dns::edns_option::KEEPALIVE, keepalive_option_);
  }
}

void EdnsReply::add_extended_error(std::uint16_t info_code) noexcept {
  if (!present_) return;
  extended_error_option_ = {static_cast<std::uint8_t>(info_code >> 8), static_cast<std::uint8_t>(info_code)};
  add_option(dns::edns_option::EDE, extended_error_option_);
}

dns::EdnsWrite EdnsReply::opt(std::uint8_t ext_rcode, std::uint16_t our_udp_size) const noexcept {
  dns::EdnsWrite w;
  w.udp_size = our_udp_size;
  w.ext_rcode = ext_rcode;
  w.dnssec_ok = dnssec_ok_;
  w.options = std::span<const dns::EdnsOption>(options_.data(), option_count_);
  return w;
}

}  // namespace zoned::server
