#include "server/zones/zone_editor.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "dns/serial.hpp"
#include "dns/soa.hpp"
#include "server/base/utc_time.hpp"
#include "server/zones/zone_edit_record.hpp"
#include "server/zones/zone_edit_write.hpp"
#include "zone/record_list.hpp"
#include "zone/sqlite_store.hpp"
#include "zone/version_records.hpp"
#include "zone/zone_check.hpp"

namespace zoned::server {
namespace {

using zone::DiffRecord;

[[nodiscard]] std::uint32_t serial_of(const DiffRecord& soa) {
  return dns::read_soa(soa.rdata).value_or(dns::SoaFields{}).serial;
}

void set_serial(DiffRecord& soa, std::uint32_t serial) { (void)dns::write_soa_serial(soa.rdata, serial); }

// "HH:MM:SS UTC"
[[nodiscard]] std::string clock_time(std::chrono::system_clock::time_point at) { return format_utc(at, "%H:%M:%S UTC"); }

[[nodiscard]] std::string timestamp(std::chrono::system_clock::time_point at) {
  return format_utc(at, "%Y-%m-%d %H:%M:%S UTC");
}

// Same RR: owner, type and rdata (both in canonical form); the TTL aside.
[[nodiscard]] bool same_rr(const DiffRecord& a, const DiffRecord& b) {
  return a.type == b.type && a.owner == b.owner && a.rdata == b.rdata;
}

// Same RRset: same owner and type, and for RRSIG the same covered type.
[[nodiscard]] bool same_set(const DiffRecord& a, const DiffRecord& b) {
  if (a.type != b.type || a.owner != b.owner) return false;
  if (a.type != dns::RRType::RRSIG) return true;
  return a.rdata.size() >= 2 && b.rdata.size() >= 2 && a.rdata[0] == b.rdata[0] &&
         a.rdata[1] == b.rdata[1];
}

[[nodiscard]] DiffRecord make_record(std::span<const std::uint8_t> owner, dns::RRType type,
                                     std::uint32_t ttl, std::span<const std::uint8_t> rdata) {
  DiffRecord r;
  r.owner.assign(owner.begin(), owner.end());
  r.type = type;
  r.ttl = ttl;
  r.rdata.assign(rdata.begin(), rdata.end());
  return r;
}

[[nodiscard]] DiffRecord served_soa(const zone::ZoneVersion& version) {
  const zone::Node& apex = version.apex();
  const zone::RRset* soa = apex.find(dns::RRType::SOA);  // every loaded version has one
  DiffRecord r;
  soa->for_each_rdata([&](std::span<const std::uint8_t> rdata) {
    r = make_record(apex.owner, dns::RRType::SOA, soa->ttl, rdata);
  });
  return r;
}

// The records at `owner` in `version`, the apex SOA left out.
[[nodiscard]] std::vector<DiffRecord> served_records_at(const zone::ZoneVersion& version,
                                                        std::span<const std::uint8_t> owner) {
  std::vector<std::uint8_t> key;
  zone::RecordList::make_key(owner, key);
  std::vector<DiffRecord> out;
  const zone::Node* node = version.find(key);
  if (node == nullptr) return out;
  const bool apex = node->has(zone::node_flag::kApex);
  zone::for_each_record(*node, [&](dns::RRType type, std::uint32_t ttl, std::span<const std::uint8_t> rdata) {
    if (!(apex && type == dns::RRType::SOA)) out.push_back(make_record(node->owner, type, ttl, rdata));
  });
  return out;
}

// Canonical order (RFC 4034 §6.1, §6.3): owner, type, rdata.
void sort_canonical(std::vector<DiffRecord>& records) {
  std::vector<std::uint8_t> ka, kb;
  std::stable_sort(records.begin(), records.end(), [&](const DiffRecord& a, const DiffRecord& b) {
    if (a.owner != b.owner) {
      zone::RecordList::make_key(a.owner, ka);
      zone::RecordList::make_key(b.owner, kb);
      return ka < kb;
    }
    if (a.type != b.type) return a.type < b.type;
    return a.rdata < b.rdata;
  });
}

[[nodiscard]] std::string owner_text(std::span<const std::uint8_t> wire) {
  dns::Name name;
  return dns::Name::from_uncompressed(wire, name) ? name.to_text() : std::string("?");
}

// The error lines of a check, joined for a one-message reply.
[[nodiscard]] std::optional<std::string> check_errors(zone::RecordList& records, const dns::Name& origin,
                                                      const zone::ZoneLimits& limits) {
  std::vector<zone::Diagnostic> diags;
  const std::vector<std::string> files{origin.to_text()};
  zone::check_zone(records, origin, limits, files, diags);
  std::string text;
  for (const auto& d : diags) {
    if (d.severity != zone::Severity::Error) continue;
    if (!text.empty()) text += "; ";
    text += d.message;
  }
  if (text.empty()) return std::nullopt;
  return text;
}

// Records `rr` in `into` (the transaction's removals or additions), unless
// it is pending in `undone` (the other list): then that change is undone.
void note_change(std::vector<DiffRecord>& into, std::vector<DiffRecord>& undone, const DiffRecord& rr) {
  const auto it = std::find(undone.begin(), undone.end(), rr);
  if (it != undone.end()) {
    undone.erase(it);
    return;
  }
  into.push_back(rr);
}

// Removes `rr` from the transaction's view: undoes its addition, or removes
// it from the served version.
void remove_record(std::vector<DiffRecord>& removed, std::vector<DiffRecord>& added, const DiffRecord& rr) {
  note_change(removed, added, rr);
}

// Adds `rr` to the transaction's view: undoes its removal, or adds it.
void add_record(std::vector<DiffRecord>& removed, std::vector<DiffRecord>& added, const DiffRecord& rr) {
  note_change(added, removed, rr);
}

}  // namespace

void ZoneEditor::drop_removed() {
  std::erase_if(transactions_,
                [&](const Transaction& t) { return manager_.incarnation(t.zone) != t.incarnation; });
}

bool ZoneEditor::in_transaction(const dns::Name& zone) {
  drop_removed();
  return std::any_of(transactions_.begin(), transactions_.end(),
                     [&](const Transaction& t) { return t.zone == zone; });
}

Result<ZoneEditor::Transaction*> ZoneEditor::open(const dns::Name& zone) {
  drop_removed();
  for (auto& t : transactions_)
    if (t.zone == zone) return &t;
  return Error{"zone " + zone.to_text() + " has no open transaction; start one with zone-begin"};
}

Result<ZoneEditor::Change> ZoneEditor::begin(const dns::Name& zone) {
  drop_removed();
  for (const auto& t : transactions_)
    if (t.zone == zone)
      return Error{"zone " + t.zone.to_text() + " already has a transaction open (begun at " +
                   clock_time(t.begun_at) + "); commit or abort it first"};
  auto target = manager_.editable(zone);
  if (!target) return Error{target.error()};
  if (target->config->role == ZoneRole::Secondary)
    return Error{"zone " + zone.to_text() + " is a secondary zone; edit it on its primary"};
  if (target->config->sqlite.empty() && target->files_read > 1)
    return Error{"zone " + zone.to_text() + " is loaded from several files ($INCLUDE); a commit "
                 "rewrites one file, so edit the files and reload instead"};
  Transaction txn{zone.lowercased(), manager_.incarnation(zone).value_or(0),
                  std::chrono::system_clock::now(), {}, {}, std::nullopt};
  Change begun = change_of(txn, *target->version);
  transactions_.push_back(std::move(txn));
  return begun;
}

Result<ZoneEditor::Edit> ZoneEditor::set(const dns::Name& zone, std::string_view owner,
                                         std::string_view ttl, std::string_view type,
                                         std::string_view rdata) {
  auto txn = open(zone);
  if (!txn) return Error{txn.error()};
  auto target = manager_.editable(zone);
  if (!target) return Error{target.error()};
  auto rr = parse_edit_record(zone, owner, ttl, type, rdata);
  if (!rr) return Error{rr.error()};
  Transaction& t = **txn;
  Edit edit;

  if (rr->type == dns::RRType::SOA) {
    const auto apex = target->version->apex().owner;
    if (!std::equal(rr->owner.begin(), rr->owner.end(), apex.begin(), apex.end()))
      return Error{"an SOA record belongs at the zone apex " + zone.to_text() + ", not at " +
                   owner_text(rr->owner)};
    edit.removed.push_back(t.soa ? *t.soa : served_soa(*target->version));
    edit.added.push_back(*rr);
    t.soa = std::move(*rr);
    return edit;
  }

  // The owner's records as the transaction sees them.
  auto records = served_records_at(*target->version, rr->owner);
  std::erase_if(records, [&](const DiffRecord& r) {
    return std::find(t.removed.begin(), t.removed.end(), r) != t.removed.end();
  });
  for (const auto& r : t.added)
    if (r.owner == rr->owner) records.push_back(r);

  for (const auto& r : records)
    if (same_rr(r, *rr) && r.ttl == rr->ttl)
      return Error{zone::describe(*rr) + " is already in the zone"};
  for (const auto& r : records) {
    if (!same_set(r, *rr) || r.ttl == rr->ttl) continue;
    // RFC 2181 §5.2: one TTL per RRset, so the new TTL is the whole set's.
    remove_record(t.removed, t.added, r);
    edit.removed.push_back(r);
    if (same_rr(r, *rr)) continue;  // re-added below
    DiffRecord moved = r;
    moved.ttl = rr->ttl;
    add_record(t.removed, t.added, moved);
    edit.added.push_back(std::move(moved));
  }
  add_record(t.removed, t.added, *rr);
  edit.added.push_back(std::move(*rr));
  return edit;
}

Result<ZoneEditor::Edit> ZoneEditor::unset(const dns::Name& zone, std::string_view owner,
                                           std::string_view type, std::string_view rdata) {
  auto txn = open(zone);
  if (!txn) return Error{txn.error()};
  auto target = manager_.editable(zone);
  if (!target) return Error{target.error()};
  auto name = parse_edit_owner(zone, owner);
  if (!name) return Error{name.error()};
  std::optional<dns::RRType> rrtype;
  if (!type.empty()) {
    auto parsed = parse_edit_type(type);
    if (!parsed) return Error{parsed.error()};
    if (*parsed == dns::RRType::SOA)
      return Error{"the SOA cannot be removed; zone-set a new SOA to change it"};
    rrtype = *parsed;
  }
  std::optional<DiffRecord> exact;
  if (!rdata.empty()) {
    if (!rrtype) return Error{"rdata needs a type before it"};
    auto parsed = parse_edit_record(zone, owner, "0", type, rdata);
    if (!parsed) return Error{parsed.error()};
    exact = std::move(*parsed);
  }
  Transaction& t = **txn;

  const auto wire = name->wire();
  auto records = served_records_at(*target->version, wire);
  std::erase_if(records, [&](const DiffRecord& r) {
    return std::find(t.removed.begin(), t.removed.end(), r) != t.removed.end();
  });
  for (const auto& r : t.added)
    if (std::equal(r.owner.begin(), r.owner.end(), wire.begin(), wire.end())) records.push_back(r);
  std::erase_if(records, [&](const DiffRecord& r) {
    return (rrtype && r.type != *rrtype) || (exact && !same_rr(r, *exact));
  });
  if (records.empty()) {
    if (exact) return Error{zone::describe(*exact) + " is not in the zone"};
    if (rrtype)
      return Error{"no " + dns::type_to_text(*rrtype) + " records at " + name->to_text()};
    return Error{"no records at " + name->to_text()};
  }
  Edit edit;
  for (const auto& r : records) {
    remove_record(t.removed, t.added, r);
    edit.removed.push_back(r);
  }
  return edit;
}

ZoneEditor::Change ZoneEditor::change_of(const Transaction& txn,
                                         const zone::ZoneVersion& version) {
  Change c;
  c.zone = txn.zone;
  c.begun_at = txn.begun_at;
  const DiffRecord old_soa = served_soa(version);
  DiffRecord new_soa = txn.soa ? *txn.soa : old_soa;
  c.old_serial = serial_of(old_soa);
  c.new_serial = serial_of(new_soa);
  if (c.new_serial == c.old_serial) {
    // The user left the serial alone: one more (RFC 1982 §3.1, wrapping).
    c.new_serial = *dns::serial_add(c.old_serial, 1);
    set_serial(new_soa, c.new_serial);
  }
  c.removed.push_back(old_soa);
  c.added.push_back(std::move(new_soa));
  auto removed = txn.removed;
  auto added = txn.added;
  sort_canonical(removed);
  sort_canonical(added);
  c.removed.insert(c.removed.end(), removed.begin(), removed.end());
  c.added.insert(c.added.end(), added.begin(), added.end());
  return c;
}

Result<ZoneEditor::Change> ZoneEditor::diff(const dns::Name& zone) {
  auto txn = open(zone);
  if (!txn) return Error{txn.error()};
  auto target = manager_.editable(zone);
  if (!target) return Error{target.error()};
  return change_of(**txn, *target->version);
}

Result<ZoneEditor::Change> ZoneEditor::commit(const dns::Name& zone) {
  auto txn = open(zone);
  if (!txn) return Error{txn.error()};
  const Transaction& t = **txn;
  const std::string failed = "commit of zone " + t.zone.to_text() + " failed, nothing changed: ";
  auto target = manager_.editable(zone);
  if (!target) return Error{failed + target.error()};
  if (t.removed.empty() && t.added.empty() && !t.soa)
    return Error{"zone " + t.zone.to_text() +
                 ": the transaction changes nothing; zone-set or zone-unset first, or zone-abort"};
  Change change = change_of(t, *target->version);

  // The SOA swap leads removed/added (change_of()).
  zone::Diff diff;
  diff.old_soa = change.removed.front();
  diff.new_soa = change.added.front();
  diff.removed.assign(change.removed.begin() + 1, change.removed.end());
  diff.added.assign(change.added.begin() + 1, change.added.end());
  auto next = zone::apply_diff(*target->version, diff);
  if (!next) return Error{failed + next.error()};

  // The same checks as a load: CNAME beside other data, SOA and NS at the
  // apex, occluded data, glue, the zone's caps...
  const ZoneConfig& config = *target->config;
  zone::RecordList records = zone::records_of(**next);
  if (auto errors = check_errors(records, t.zone, config.limits)) return Error{failed + *errors};

  if (!config.sqlite.empty()) {
    if (auto r = zone::apply_diff_rows(config.sqlite, t.zone, diff); !r)
      return Error{failed + r.error()};
  } else {
    const std::string header = "; zone " + t.zone.to_text() + " serial " +
                               std::to_string(change.new_serial) +
                               ", written by zoned for zonectl zone-commit at " +
                               timestamp(std::chrono::system_clock::now()) +
                               "\n; (comments and layout of the edited file are not kept)\n";
    if (auto r = rewrite_zone_file(config.file, header, records); !r)
      return Error{failed + r.error()};
  }
  manager_.publish_edit(t.zone, std::move(*next), diff);
  std::erase_if(transactions_, [&](const Transaction& x) { return &x == &t; });
  return change;
}

Result<ZoneEditor::Change> ZoneEditor::abort(const dns::Name& zone) {
  auto txn = open(zone);
  if (!txn) return Error{txn.error()};
  Change dropped;
  if (auto target = manager_.editable(zone)) dropped = change_of(**txn, *target->version);
  dropped.zone = (*txn)->zone;
  dropped.begun_at = (*txn)->begun_at;
  const Transaction* t = *txn;
  std::erase_if(transactions_, [&](const Transaction& x) { return &x == t; });
  return dropped;
}

}  // namespace zoned::server
