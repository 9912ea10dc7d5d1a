// NSEC3 hashing and the hash-ordered chain (nsec3.hpp).
#include "zone/nsec3.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "dns/encoding.hpp"
#include "dns/sha1.hpp"

namespace zoned::zone {

namespace {

// RFC 5155 §3.3: the owner label of an NSEC3 RR is the base32hex form of a
// SHA-1 hash, 32 characters.
constexpr std::size_t kHashLabelLength = 32;
// RFC 5155 §3.2 / §4.2: algorithm, flags, iterations (2), salt length.
constexpr std::size_t kParamsFixedLength = 5;

// The hash parameters at the start of NSEC3 and NSEC3PARAM rdata (the two
// share them, RFC 5155 §3.2 and §4.2), and the offset just past the salt.
struct RdataParams {
  Nsec3Params params;
  std::uint8_t flags = 0;
  std::size_t end = 0;
};

std::optional<RdataParams> read_params(std::span<const std::uint8_t> rdata) noexcept {
  if (rdata.size() < kParamsFixedLength) return std::nullopt;
  RdataParams out;
  out.params.algorithm = rdata[0];
  out.flags = rdata[1];
  out.params.iterations = static_cast<std::uint16_t>(rdata[2] << 8 | rdata[3]);
  out.params.salt_length = rdata[4];
  out.end = kParamsFixedLength + out.params.salt_length;
  if (rdata.size() < out.end) return std::nullopt;
  std::memcpy(out.params.salt.data(), rdata.data() + kParamsFixedLength, out.params.salt_length);
  return out;
}

bool same_params(const Nsec3Params& a, const Nsec3Params& b) noexcept {
  return a.algorithm == b.algorithm && a.iterations == b.iterations &&
         std::ranges::equal(a.salt_bytes(), b.salt_bytes());
}

// RFC 5155 §4: the first NSEC3PARAM with a known algorithm and flags 0 (a
// non-zero flags field marks a chain still being built, §4.1.2).
std::optional<Nsec3Params> apex_params(const Node& apex) noexcept {
  const RRset* set = apex.find(dns::RRType::NSEC3PARAM);
  if (set == nullptr) return std::nullopt;
  std::optional<Nsec3Params> found;
  set->for_each_rdata([&](std::span<const std::uint8_t> rdata) {
    if (found) return;
    const auto p = read_params(rdata);
    if (p && p->params.algorithm == kNsec3Sha1 && p->flags == 0) found = p->params;
  });
  return found;
}

// The hash named by `owner` when it is <base32hex hash>.<origin>; `scratch`
// is reused across calls.
std::optional<Nsec3Hash> owner_hash(std::span<const std::uint8_t> owner, std::span<const std::uint8_t> origin,
                                    std::vector<std::uint8_t>& scratch) {
  if (owner.size() != 1 + kHashLabelLength + origin.size() || owner[0] != kHashLabelLength) return std::nullopt;
  if (!std::ranges::equal(owner.subspan(1 + kHashLabelLength), origin)) return std::nullopt;
  const std::string_view label(reinterpret_cast<const char*>(owner.data() + 1), kHashLabelLength);
  scratch.clear();
  if (!dns::base32hex_decode(label, scratch) || scratch.size() != kNsec3HashLength) return std::nullopt;
  Nsec3Hash hash;
  std::ranges::copy(scratch, hash.begin());
  return hash;
}

bool hash_less(const Nsec3Entry& e, const Nsec3Hash& h) noexcept { return e.hash < h; }

thread_local std::uint64_t hashes_on_this_thread = 0;

}  // namespace

std::uint64_t nsec3_hashes_on_this_thread() noexcept { return hashes_on_this_thread; }

Nsec3Hash nsec3_hash(std::span<const std::uint8_t> name, const Nsec3Params& params) noexcept {
  std::array<std::uint8_t, dns::Name::kMaxWireLength> lower;
  const std::size_t length = std::min(name.size(), lower.size());
  for (std::size_t i = 0; i < length; ++i) lower[i] = dns::ascii_lower(name[i]);
  ++hashes_on_this_thread;
  // IH(salt, x, 0) = H(x || salt); IH(salt, x, k) = H(IH(salt, x, k-1) || salt).
  dns::Sha1 sha;
  sha.update({lower.data(), length});
  sha.update(params.salt_bytes());
  dns::Sha1Digest digest = sha.finish();
  for (std::uint16_t i = 0; i < params.iterations; ++i) {
    sha.reset();
    sha.update(digest);
    sha.update(params.salt_bytes());
    digest = sha.finish();
  }
  return digest;
}

std::unique_ptr<const Nsec3Chain> Nsec3Chain::build(const ZoneVersion& version) {
  if (version.node_count() == 0) return nullptr;
  const auto params = apex_params(version.apex());
  if (!params) return nullptr;
  const std::span<const std::uint8_t> origin = version.apex().owner;  // lowercased wire

  auto chain = std::make_unique<Nsec3Chain>();
  chain->params_ = *params;
  std::vector<std::uint8_t> scratch;
  version.for_each_node([&](const Node& node) {
    const RRset* set = node.find(dns::RRType::NSEC3);
    if (set == nullptr) return;
    const auto hash = owner_hash(node.owner, origin, scratch);
    if (!hash) return;
    // An owner may hold NSEC3 records of several chains (RFC 5155 §7.3);
    // this chain is the one with the NSEC3PARAM's parameters.
    std::optional<bool> opt_out;
    set->for_each_rdata([&](std::span<const std::uint8_t> rdata) {
      const auto p = read_params(rdata);
      if (!opt_out && p && same_params(p->params, *params)) opt_out = (p->flags & kNsec3OptOut) != 0;
    });
    if (opt_out) chain->entries_.push_back({*hash, &node, set, *opt_out});
  });
  if (chain->entries_.empty()) return nullptr;
  chain->origin_hash_ = nsec3_hash(origin, *params);
  std::vector<std::uint8_t> wildcard{1, '*'};
  wildcard.insert(wildcard.end(), origin.begin(), origin.end());
  chain->origin_wildcard_hash_ = nsec3_hash(wildcard, *params);
  std::ranges::sort(chain->entries_, [](const Nsec3Entry& a, const Nsec3Entry& b) { return a.hash < b.hash; });
  return chain;
}

const Nsec3Entry* Nsec3Chain::matching(const Nsec3Hash& hash) const noexcept {
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), hash, hash_less);
  return it != entries_.end() && it->hash == hash ? &*it : nullptr;
}

const Nsec3Entry* Nsec3Chain::covering(const Nsec3Hash& hash) const noexcept {
  if (entries_.empty()) return nullptr;
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), hash, hash_less);
  if (it != entries_.end() && it->hash == hash) return nullptr;
  // The last entry before `hash`; before the first entry, the last one (its
  // next hash wraps around to the first, RFC 5155 §3.1.7).
  return it == entries_.begin() ? &entries_.back() : &*(it - 1);
}

}  // namespace zoned::zone
