#pragma once
// ZoneManager: the control thread's view of the configured zones. It keeps the
// ZoneSet in step with the config (zones added and removed), loads each zone's
// source, reloads the ones whose source changed, and publishes new versions
// (logging the diff: "+N -M records, serial A -> B"). A zone whose load fails
// keeps serving its previous version; a zone that never loaded is listed in
// the ZoneSet with no version (the query engine answers SERVFAIL for it, so
// it does not look like a zone we do not serve; docs/ARCHITECTURE.md, "Rules
// the code keeps").
//
// Not thread-safe: one control thread drives it. Loads run on short-lived
// loader threads (docs/ARCHITECTURE.md, "Threads") so that many zones load in
// parallel; publishing stays on the calling thread.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "server/config/config.hpp"
#include "server/zones/zone_loader.hpp"
#include "zone/diff.hpp"
#include "zone/zone_set.hpp"

namespace zoned::server {

class ZoneManager {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ZoneManager(zone::ZoneSet& zones) : zones_(zones) {}

  // Makes the served zones those of `configs`: removes zones no longer
  // configured, adds new ones, and (re)loads every zone that is new, whose
  // source setting changed, whose source changed on disk or in the database,
  // or whose last load failed. Returns how many zones were (re)loaded.
  std::size_t apply(std::span<const ZoneConfig> configs);

  // Reloads one configured zone from its source now, whether or not the
  // source changed. An error when the zone is not configured or does not
  // load (the served version stays).
  [[nodiscard]] Result<bool> reload_zone(const dns::Name& domain);

  // For SQLite zones with sqlite_poll > 0 whose interval has elapsed: reload
  // if the serial in the database changed. Returns how many were reloaded.
  std::size_t poll(Clock::time_point now);

  // A zone as a zonectl transaction starts from (server/zones/zone_editor.hpp).
  struct Editable {
    const ZoneConfig* config = nullptr;
    const zone::ZoneVersion* version = nullptr;  // served now; valid until the next publish
    std::size_t files_read = 0;  // master files the version came from (more than one: $INCLUDE)
  };
  // The zone's config and served version, or why it cannot be edited now: not
  // configured, never loaded, its last load failed, or its source changed
  // since that load (an edit written there would overwrite the change).
  [[nodiscard]] Result<Editable> editable(const dns::Name& domain) const;
  // Which configuration of the zone this is: a new number each time the zone
  // is added to the config (so a zone removed and added again by reloads is
  // another one); nothing when the zone is not configured.
  [[nodiscard]] std::optional<std::uint64_t> incarnation(const dns::Name& domain) const;

  // Publishes `version`, the served version plus `diff`, after the change was
  // written to the zone's source (zonectl zone-commit). The source is stamped
  // again, so the next reload or poll does not load the same data again.
  void publish_edit(const dns::Name& domain, std::unique_ptr<const zone::ZoneVersion> version,
                    const zone::Diff& diff);

  struct Status {
    dns::Name domain;
    std::string source;                 // describe_source()
    std::optional<std::uint32_t> serial;  // of the version served, if any
    std::size_t records = 0;
    std::optional<std::string> error;   // why the last load failed
    std::optional<std::chrono::system_clock::time_point> loaded_at;  // of the version served
  };
  [[nodiscard]] std::vector<Status> status() const;
  // The served zones (statistics read each zone's counters).
  [[nodiscard]] const zone::ZoneSet& zone_set() const noexcept { return zones_; }

 private:
  struct Managed {
    ZoneConfig config;
    SourceStamp stamp;                  // of the version served (empty: none)
    std::optional<std::string> error;   // of the last load attempt
    SourceStamp failed_stamp;           // the source as it was when that load failed
    Clock::time_point next_poll{};
    std::optional<std::chrono::system_clock::time_point> loaded_at;  // of the version served
    std::uint64_t incarnation = 0;
  };

  // Loads every zone in `which` (indexes into managed_) in parallel and publishes the results.
  void load_and_publish(std::span<const std::size_t> which);
  void publish(Managed& zone, Result<LoadedZone> loaded);
  [[nodiscard]] Managed* find(const dns::Name& domain);
  [[nodiscard]] const Managed* find(const dns::Name& domain) const;
  [[nodiscard]] bool needs_load(const Managed& zone) const;
  [[nodiscard]] const zone::ZoneVersion* served(const dns::Name& domain) const;

  zone::ZoneSet& zones_;
  std::vector<Managed> managed_;
  std::uint64_t incarnations_ = 0;
};

// Loads each config in parallel (at most one thread per core); result i is configs[i]'s.
[[nodiscard]] std::vector<Result<LoadedZone>> load_in_parallel(
    std::span<const ZoneConfig* const> configs);

}  // namespace zoned::server
