#pragma once
// ZoneEditor: zonectl transactions (zone-begin, zone-set, zone-unset,
// zone-diff, zone-commit, zone-abort; docs/zone-editing.md). A transaction is
// the pending change to one zone, kept in memory as records to remove from and
// add to the served version: a daemon that stops before the commit restarts
// with the zone as it was. At most one transaction per zone; the transaction
// of a zone removed from the config is dropped (checked at each command).
//
// A commit applies the change to the version served at that moment (a reload
// since zone-begin is fine unless it touched the same records), checks the
// result like a zone load (zone/zone_check.hpp), bumps the SOA serial when the
// transaction did not change it (RFC 1982), writes the change to the zone's
// source (SQLite: the rows, in one durable database transaction; master file:
// the whole file, rewritten atomically), and only then publishes the new
// version. A commit that fails changes nothing, and the transaction stays open
// to be fixed or aborted.
//
// Not thread-safe: the control thread drives it, as it drives ZoneManager.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "dns/name.hpp"
#include "dns/result.hpp"
#include "server/zones/zone_manager.hpp"
#include "zone/diff.hpp"

namespace zoned::server {

class ZoneEditor {
 public:
  explicit ZoneEditor(ZoneManager& manager) : manager_(manager) {}

  // A zone's pending change as zone-diff shows it and zone-commit reports it.
  // `removed` and `added` start with the SOA swap, then the records in
  // canonical order.
  struct Change {
    dns::Name zone;
    std::uint32_t old_serial = 0;
    std::uint32_t new_serial = 0;
    std::vector<zone::DiffRecord> removed;
    std::vector<zone::DiffRecord> added;
    std::chrono::system_clock::time_point begun_at;
  };
  // What one zone-set or zone-unset did to the pending change.
  struct Edit {
    std::vector<zone::DiffRecord> removed;
    std::vector<zone::DiffRecord> added;
  };

  // Opens a transaction on a loaded zone (serials are the served one).
  [[nodiscard]] Result<Change> begin(const dns::Name& zone);
  // Adds OWNER TTL TYPE RDATA (master-file syntax, origin = the zone). A TTL
  // that differs from the rest of the RRset changes the whole set's TTL
  // (RFC 2181 §5.2). An SOA replaces the SOA.
  [[nodiscard]] Result<Edit> set(const dns::Name& zone, std::string_view owner,
                                 std::string_view ttl, std::string_view type,
                                 std::string_view rdata);
  // Removes every record at OWNER, or of TYPE there, or the one record TYPE
  // RDATA; an error when nothing matches. The SOA cannot be removed.
  [[nodiscard]] Result<Edit> unset(const dns::Name& zone, std::string_view owner,
                                   std::string_view type = {}, std::string_view rdata = {});
  [[nodiscard]] Result<Change> diff(const dns::Name& zone);
  [[nodiscard]] Result<Change> commit(const dns::Name& zone);
  // Drops the transaction; returns what it held.
  [[nodiscard]] Result<Change> abort(const dns::Name& zone);

  [[nodiscard]] bool in_transaction(const dns::Name& zone);

 private:
  struct Transaction {
    dns::Name zone;
    std::uint64_t incarnation = 0;  // ZoneManager::incarnation() at zone-begin
    std::chrono::system_clock::time_point begun_at;
    std::vector<zone::DiffRecord> removed;  // records of the served version
    std::vector<zone::DiffRecord> added;
    std::optional<zone::DiffRecord> soa;    // set by zone-set ... SOA
  };

  // The zone's open transaction, or an error saying there is none.
  [[nodiscard]] Result<Transaction*> open(const dns::Name& zone);
  // Drops the transactions of zones removed from the config since their zone-begin.
  void drop_removed();
  // The transaction as a change to `version`, with the SOA it would commit.
  [[nodiscard]] static Change change_of(const Transaction& txn, const zone::ZoneVersion& version);

  ZoneManager& manager_;
  std::vector<Transaction> transactions_;
};

}  // namespace zoned::server
