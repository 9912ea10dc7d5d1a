#include "zone/zone_check.hpp"

#include <algorithm>
#include <cstring>

#include "dns/bytes.hpp"

namespace zoned::zone {

namespace {

using Bytes = std::span<const std::uint8_t>;

// Keys are label-terminated (RecordList::make_key), so a key prefix is exactly
// an ancestor name: a.b is below b iff key(b) is a prefix of key(a.b).
bool key_is_below_or_at(Bytes key, Bytes ancestor) {
  return key.size() >= ancestor.size() &&
         (ancestor.empty() || std::memcmp(key.data(), ancestor.data(), ancestor.size()) == 0);
}
bool key_less(Bytes a, Bytes b) { return dns::compare_bytes(a, b) < 0; }
bool key_equal(Bytes a, Bytes b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

struct OwnerInfo {
  Bytes key;
  std::size_t first = 0;  // record range [first, last)
  std::size_t last = 0;
  bool has_ns = false;
  bool has_address = false;
  bool has_dname = false;
};

class Checker {
 public:
  Checker(const RecordList& rl, const dns::Name& origin, std::span<const std::string> files,
          std::vector<Diagnostic>& out)
      : rl_(rl), files_(files), out_(out) {
    RecordList::make_key(origin.wire(), origin_key_);
    origin_text_ = origin.to_text();
  }

  void run() {
    index_owners();
    std::size_t soa_at_apex = 0;
    bool apex_seen = false, ns_at_apex = false;
    Bytes cut, dname_cut;
    bool in_cut = false, in_dname = false;
    std::string cut_text, dname_text;
    for (const OwnerInfo& o : owners_) {
      const auto& first = rl_[o.first];
      if (!key_is_below_or_at(o.key, origin_key_)) {
        report(Severity::Error, first,
               name_of(first) + " is outside the zone " + origin_text_ + " (" +
                   dns::type_to_text(first.type) + ")");
        continue;
      }
      const bool apex = o.key.size() == origin_key_.size();
      // Occlusion: canonical order keeps each subtree contiguous after its root.
      if (in_cut && !key_is_below_or_at(o.key, cut)) in_cut = false;
      if (in_dname && !key_is_below_or_at(o.key, dname_cut)) in_dname = false;
      const bool below_cut = in_cut && o.key.size() > cut.size();
      const bool below_dname = in_dname && o.key.size() > dname_cut.size();
      std::size_t cnames = 0;
      bool other = false;
      dns::RRType other_type{};
      const RecordList::Record* first_cname = nullptr;
      const RecordList::Record* first_other = nullptr;
      const RecordList::Record* last_soa = nullptr;
      for (std::size_t i = o.first; i < o.last; ++i) {
        const auto& r = rl_[i];
        if (r.type == dns::RRType::SOA) {
          if (apex) {
            ++soa_at_apex;
            if (last_soa == nullptr || later(r, *last_soa)) last_soa = &r;
          }
          else
            report(Severity::Error, r, "SOA record at " + name_of(r) + ", not at the zone apex " +
                                           origin_text_);
        }
        if (r.type == dns::RRType::CNAME) {
          ++cnames;
          if (first_cname == nullptr || later(*first_cname, r)) first_cname = &r;
        } else if (!dns::is_dnssec_type(r.type)) {
          if (first_other == nullptr || later(*first_other, r)) {
            first_other = &r;
            other_type = r.type;
          }
          other = true;
        }
        if (below_cut) {
          const bool glue = (r.type == dns::RRType::A || r.type == dns::RRType::AAAA) &&
                            is_ns_target(o.key);
          if (!glue)
            report(Severity::Warning, r,
                   name_of(r) + " " + dns::type_to_text(r.type) +
                       " is occluded by the delegation at " + cut_text);
        } else if (below_dname) {
          report(Severity::Warning, r,
                 name_of(r) + " " + dns::type_to_text(r.type) + " is occluded by the DNAME at " +
                     dname_text);
        }
      }
      if (apex) {
        apex_seen = true;
        ns_at_apex = o.has_ns;
      }
      if (apex && soa_at_apex > 1 && last_soa != nullptr)
        report(Severity::Error, *last_soa, "more than one SOA record at the zone apex " + origin_text_);
      if (cnames > 1)
        report(Severity::Error, rl_[o.first],
               name_of(rl_[o.first]) + " has more than one CNAME record");
      if (cnames > 0 && other) {
        // Reported where the conflict appears: the later of the first CNAME
        // and the first other record (file order), as named-compilezone does.
        const auto& r = later(*first_cname, *first_other) ? *first_cname : *first_other;
        report(Severity::Error, r,
               name_of(r) + " has a CNAME and other data (" + dns::type_to_text(other_type) +
                   "); RFC 2181 §10.1");
      }
      if (!in_cut && !apex && o.has_ns) {
        in_cut = true;
        cut = o.key;
        cut_text = name_of(first);
      }
      if (!in_dname && o.has_dname) {
        in_dname = true;
        dname_cut = o.key;
        dname_text = name_of(first);
      }
    }
    if (!apex_seen || soa_at_apex == 0)
      report_zone(Severity::Error, "no SOA record at the zone apex " + origin_text_);
    if (apex_seen && !ns_at_apex)
      report_zone(Severity::Error, "no NS records at the zone apex " + origin_text_);
    check_glue();
  }

 private:
  void index_owners() {
    for (std::size_t i = 0; i < rl_.size();) {
      OwnerInfo o;
      o.key = rl_.owner_key(rl_[i]);
      o.first = i;
      std::size_t j = i;
      for (; j < rl_.size() && rl_[j].owner == rl_[i].owner; ++j) {
        const auto t = rl_[j].type;
        if (t == dns::RRType::NS) {
          o.has_ns = true;
          ns_records_.push_back(j);
        }
        if (t == dns::RRType::A || t == dns::RRType::AAAA) o.has_address = true;
        if (t == dns::RRType::DNAME) o.has_dname = true;
      }
      o.last = j;
      owners_.push_back(o);
      i = j;
    }
    std::vector<std::uint8_t> key;
    for (std::size_t idx : ns_records_) {
      RecordList::make_key(rl_.rdata(rl_[idx]), key);
      ns_targets_.push_back({ns_arena_.size(), key.size()});
      ns_arena_.insert(ns_arena_.end(), key.begin(), key.end());
    }
    std::sort(ns_targets_.begin(), ns_targets_.end(), [&](const Slice& a, const Slice& b) {
      return key_less(target(a), target(b));
    });
  }

  bool is_ns_target(Bytes key) const {
    auto it = std::lower_bound(ns_targets_.begin(), ns_targets_.end(), key,
                               [&](const Slice& a, Bytes b) { return key_less(target(a), b); });
    return it != ns_targets_.end() && key_equal(target(*it), key);
  }

  const OwnerInfo* find_owner(Bytes key) const {
    auto it = std::lower_bound(owners_.begin(), owners_.end(), key,
                               [](const OwnerInfo& a, Bytes b) { return key_less(a.key, b); });
    return it != owners_.end() && key_equal(it->key, key) ? &*it : nullptr;
  }

  // The highest owner with `flag` among the names from `from_len` octets of
  // key down to `to_len` (prefixes ending at a label terminator, 0x00, are
  // the key's ancestors).
  const OwnerInfo* ancestor_with(Bytes key, bool OwnerInfo::*flag, std::size_t from_len,
                                 std::size_t to_len) const {
    for (std::size_t len = from_len; len <= to_len; ++len) {
      if (len == 0 || key[len - 1] != 0) continue;
      if (const OwnerInfo* o = find_owner(key.first(len)); o != nullptr && o->*flag) return o;
    }
    return nullptr;
  }

  // The closest delegation at or above `key` (below the apex), if any.
  const OwnerInfo* delegation_above(Bytes key) const {
    return ancestor_with(key, &OwnerInfo::has_ns, origin_key_.size() + 1, key.size());
  }

  // A DNAME strictly above `key` (the apex included): names below it can
  // never be reached, since resolvers follow the DNAME (RFC 6672 §2.3).
  const OwnerInfo* dname_above(Bytes key) const {
    return ancestor_with(key, &OwnerInfo::has_dname, origin_key_.size(), key.size() - 1);
  }

  void check_glue() {
    for (std::size_t n = 0; n < ns_records_.size(); ++n) {
      const auto& r = rl_[ns_records_[n]];
      std::vector<std::uint8_t> key;
      RecordList::make_key(rl_.rdata(r), key);
      if (!key_is_below_or_at(key, origin_key_)) continue;
      if (const OwnerInfo* dname = dname_above(key)) {
        dns::Name target_name;
        (void)dns::Name::from_uncompressed(rl_.rdata(r), target_name);
        // An error, as BIND has it: the delegation could never resolve.
        report(Severity::Error, r,
               name_of(r) + " NS " + target_name.to_text() + " is below the DNAME at " +
                   name_of(rl_[dname->first]));
        continue;
      }
      const OwnerInfo* target = find_owner(key);
      if (target != nullptr && target->has_address) continue;
      dns::Name target_name;
      (void)dns::Name::from_uncompressed(rl_.rdata(r), target_name);
      if (delegation_above(key) != nullptr)
        report(Severity::Warning, r,
               name_of(r) + " NS " + target_name.to_text() +
                   ": missing glue (no A or AAAA record for the in-zone target)");
      else
        report(Severity::Warning, r,
               name_of(r) + " NS " + target_name.to_text() + ": the target has no A or AAAA record");
    }
  }

  // File order of two records (include files count after their includer's
  // earlier lines only approximately: by file index).
  static bool later(const RecordList::Record& a, const RecordList::Record& b) {
    if (a.pos.file != b.pos.file) return a.pos.file > b.pos.file;
    if (a.pos.line != b.pos.line) return a.pos.line > b.pos.line;
    return a.pos.column > b.pos.column;
  }

  std::string name_of(const RecordList::Record& r) const { return rl_.owner_name(r).to_text(); }

  void report(Severity sev, const RecordList::Record& r, std::string msg) {
    out_.push_back(Diagnostic::at(sev, r.pos, files_, std::move(msg)));
  }
  void report_zone(Severity sev, std::string msg) {
    Diagnostic d;
    d.severity = sev;
    if (!files_.empty()) d.file = files_[0];
    d.message = std::move(msg);
    out_.push_back(std::move(d));
  }

  const RecordList& rl_;
  std::span<const std::string> files_;
  std::vector<Diagnostic>& out_;
  std::vector<std::uint8_t> origin_key_;
  std::string origin_text_;
  std::vector<OwnerInfo> owners_;
  std::vector<std::size_t> ns_records_;
  struct Slice {
    std::size_t offset;
    std::size_t length;
  };
  Bytes target(const Slice& s) const { return Bytes(ns_arena_.data() + s.offset, s.length); }
  std::vector<std::uint8_t> ns_arena_;  // NS target keys, one after another
  std::vector<Slice> ns_targets_;       // sorted by key
};

}  // namespace

void check_zone(RecordList& records, const dns::Name& origin, const ZoneLimits& limits,
                std::span<const std::string> files, std::vector<Diagnostic>& out) {
  std::vector<RecordList::TtlConflict> conflicts;
  records.sort(&conflicts);
  for (const auto& c : conflicts) {
    const auto& r = records[c.set_index];
    Diagnostic d;
    d.severity = Severity::Warning;
    if (c.differing.file < files.size()) d.file = files[c.differing.file];
    d.line = c.differing.line;
    d.column = c.differing.column;
    d.message = records.owner_name(r).to_text() + " " + dns::type_to_text(r.type) + ": TTL " +
                std::to_string(c.differing_ttl) + " differs from the RRset's TTL; using " +
                std::to_string(r.ttl) + " (the first one, as BIND does)";
    out.push_back(std::move(d));
  }
  Checker(records, origin, files, out).run();
  check_limits(records, limits, files, out);
}

ZoneSummary summarize(const RecordList& records) {
  ZoneSummary s;
  s.records = records.size();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const bool new_owner = i == 0 || records[i - 1].owner != r.owner;
    if (new_owner) ++s.names;
    if (new_owner || records[i - 1].type != r.type ||
        (r.type == dns::RRType::RRSIG && !records.same_covered(records[i - 1], r)))
      ++s.rrsets;  // RRSIGs count once per covered type, as sort() groups them
    switch (r.type) {
      case dns::RRType::DNSKEY: s.has_dnskey = true; break;
      case dns::RRType::RRSIG: s.has_rrsig = true; break;
      case dns::RRType::NSEC: s.has_nsec = true; break;
      case dns::RRType::NSEC3: s.has_nsec3 = true; break;
      default: break;
    }
  }
  return s;
}

}  // namespace zoned::zone
