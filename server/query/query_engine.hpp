#pragma once
// QueryEngine (zoned_query, the hot path; links only dns and zone): one
// query's bytes in, one response's bytes out. Parses the query, picks the
// zone, runs zone::lookup / follow_chain and writes the response (answer,
// authority, additional, EDNS) into a caller's buffer.
//
// The hot path: answer() allocates nothing and takes no lock. One engine per
// worker thread (it owns scratch space); many engines share one ZoneSet and
// read the current EngineSettings through an atomic pointer whose old values
// are retired through the ReclaimDomain, like zone versions. The caller
// (worker) passes quiescent points on its ReaderHandle between batches.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "dns/header.hpp"
#include "dns/message_reader.hpp"
#include "dns/message_writer.hpp"
#include "server/query/edns_reply.hpp"
#include "zone/lookup.hpp"
#include "zone/zone_set.hpp"

namespace zoned::server {

// What answering needs from the config; immutable once published.
struct EngineSettings {
  std::string identity;                 // empty: no NSID, id.server REFUSED
  std::string version;                  // empty: version.bind REFUSED
  std::uint16_t udp_max_payload = 1232; // our EDNS buffer limit
  std::uint16_t tcp_keepalive_100ms = 100;  // edns-tcp-keepalive timeout we advertise (RFC 7828)
  bool cookies = true;                  // RFC 7873 / RFC 9018 server cookies
  // Server cookie secrets (RFC 9018 §4.3): answers are made with `current`,
  // cookies made with `previous` are still accepted during a rotation.
  std::array<std::uint8_t, 16> cookie_secret{};
  std::array<std::uint8_t, 16> previous_cookie_secret{};
  bool has_previous_cookie_secret = false;
};

enum class Transport : std::uint8_t { Udp, Tcp };

struct Request {
  std::span<const std::uint8_t> message;
  Transport transport = Transport::Udp;
  // Client address bytes (4 for IPv4, 16 for IPv6), for server cookies
  // and (later) RRL.
  std::span<const std::uint8_t> client_address;
  std::uint32_t now = 0;  // seconds since the epoch (cookie timestamps)
};

// The response classes RRL keeps apart (BIND/Knot): each has its own buckets.
enum class ResponseKind : std::uint8_t {
  Answer,    // positive answer (also CNAME/DNAME chains, wildcards): keyed by qname + qtype
  Nodata,    // NOERROR, no answer: keyed by qname
  Nxdomain,  // keyed by the zone apex
  Referral,  // keyed by the delegation point
  Error,     // REFUSED, SERVFAIL, FORMERR, NOTIMP...: keyed by the zone apex or nothing
};

// What happened, for statistics, RRL and logs; `size` 0 means "send nothing".
struct Outcome {
  std::size_t size = 0;
  dns::Rcode rcode = dns::Rcode::NOERROR;
  dns::RRType qtype{};           // 0 when there was no question
  std::uint8_t opcode = 0;       // RFC 1035 §4.1.1 OPCODE
  // The served zone that answered (per-zone statistics), null when none did.
  // Valid until the worker's next quiescent point.
  const zone::ZoneSet::Zone* zone = nullptr;
  ResponseKind kind = ResponseKind::Error;
  // The name RRL keys `kind` on (uncompressed wire form, possibly mixed case),
  // pointing into the query or the zone: valid until the next answer().
  std::span<const std::uint8_t> rrl_name;
  bool truncated = false;
  bool malformed = false;  // FORMERR or dropped as unparseable
  bool edns = false;
  bool do_bit = false;
  bool cookie_valid = false;  // a server cookie we made (RRL exemption, RFC 7873 §5.2.5)
};

// Largest response we ever build: TCP's 16-bit length.
inline constexpr std::size_t kMaxResponseSize = 65535;

class QueryEngine {
 public:
  QueryEngine(const zone::ZoneSet& zones, const std::atomic<const EngineSettings*>& settings) noexcept;

  // Writes the response to `request` into `out` (at least kMaxResponseSize
  // bytes) and says what it was. UDP responses respect the client's EDNS
  // buffer size (512 without EDNS) capped by udp_max_payload, setting TC
  // when the answer does not fit; TCP responses may use all of `out`.
  Outcome answer(const Request& request, std::span<std::uint8_t> out) noexcept;

 private:
  // Keeps room for the response's OPT (the EDNS is read); returns its size.
  [[nodiscard]] std::size_t reserve_opt(dns::MessageWriter& writer) noexcept;
  // Appends the OPT after the sections, when the query had EDNS.
  void finish_opt(dns::MessageWriter& writer, const EngineSettings& settings) noexcept;
  // The rcode of a parsed, well-formed query; writes its sections.
  [[nodiscard]] dns::Rcode dispatch(const dns::MessageReader& reader, const dns::Name& qname,
                                    Transport transport, const EngineSettings& settings,
                                    dns::MessageWriter& writer) noexcept;
  // Fills outcome.kind and rrl_name from what this query found (no hashing:
  // RRL does that, and only for UDP).
  void classify(dns::Rcode rcode, Outcome& outcome) const noexcept;
  [[nodiscard]] dns::Rcode answer_from_zone(const dns::Name& qname, dns::RRType qtype,
                                            dns::MessageWriter& writer) noexcept;

  const zone::ZoneSet& zones_;
  const std::atomic<const EngineSettings*>& settings_;
  // Per-engine scratch, reused by every query (no allocation on the hot path).
  dns::Name qname_;  // the current query's (Outcome::rrl_name may point into it)
  zone::Chain chain_;
  EdnsReply edns_;
  const zone::ZoneSet::Zone* zone_ = nullptr;  // the zone answering the current query
};

}  // namespace zoned::server
