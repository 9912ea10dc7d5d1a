#include "server/zones/zone_manager.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <utility>

#include "dns/encoding.hpp"
#include "dns/serial.hpp"
#include "zone/diff.hpp"
#include "zone/nsec3.hpp"

namespace zoned::server {
namespace {

[[nodiscard]] Result<LoadedZone> load_guarded(const ZoneConfig& config) {
  try {
    return load_zone_source(config);
  } catch (const std::exception& e) {  // bad_alloc on a huge zone must not end the daemon
    return Error{describe_source(config) + ": " + e.what()};
  }
}

[[nodiscard]] bool same_source(const ZoneConfig& a, const ZoneConfig& b) {
  return a.file == b.file && a.sqlite == b.sqlite;
}

// How the zone is signed, for the load line: "unsigned", "signed with NSEC",
// "signed with NSEC3 (iterations 0, salt -, opt-out)". Signed means a DNSKEY
// RRset at the apex (RFC 4035 §2.1).
[[nodiscard]] std::string describe_signing(const zone::ZoneVersion& version) {
  const zone::Node& apex = version.apex();
  if (apex.find(dns::RRType::DNSKEY) == nullptr) return "unsigned";
  if (const zone::Nsec3Chain* chain = version.nsec3_chain()) {
    const auto& params = chain->params();
    std::string salt;
    dns::hex_encode(params.salt_bytes(), salt);
    return "signed with NSEC3 (iterations " + std::to_string(params.iterations) + ", salt " +
           (salt.empty() ? "-" : salt) + (chain->has_opt_out() ? ", opt-out)" : ", no opt-out)");
  }
  if (apex.find(dns::RRType::NSEC) != nullptr) return "signed with NSEC";
  return "signed, without an NSEC or NSEC3 chain";
}

// What a validator may stumble on; the zone is served anyway.
void warn_about_signing(const std::string& name, const zone::ZoneVersion& version) {
  const zone::Node& apex = version.apex();
  if (apex.find(dns::RRType::DNSKEY) == nullptr) return;
  if (const zone::Nsec3Chain* chain = version.nsec3_chain()) {
    // RFC 9276 §3.1: extra iterations add no strength; §3.2: validators may
    // treat more than 100 as insecure, or answer SERVFAIL.
    if (const auto iterations = chain->params().iterations; iterations > 0)
      spdlog::warn("zone {}: NSEC3 uses {} extra iterations; RFC 9276 recommends 0 (validators "
                   "may treat more than 100 as insecure); served anyway",
                   name, iterations);
  } else if (apex.find(dns::RRType::NSEC) == nullptr) {
    spdlog::warn("zone {}: has a DNSKEY but no NSEC chain and no usable NSEC3 chain (NSEC3PARAM "
                 "at the apex with matching NSEC3 records); negative answers cannot be proven",
                 name);
  }
}

}  // namespace

std::vector<Result<LoadedZone>> load_in_parallel(std::span<const ZoneConfig* const> configs) {
  std::vector<std::optional<Result<LoadedZone>>> slots(configs.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < configs.size(); i = next++) slots[i] = load_guarded(*configs[i]);
  };
  const std::size_t threads =
      std::min<std::size_t>(configs.size(), std::max(1u, std::thread::hardware_concurrency()));
  {
    std::vector<std::jthread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
  }  // joins
  std::vector<Result<LoadedZone>> results;
  results.reserve(slots.size());
  for (auto& slot : slots) results.push_back(std::move(*slot));
  return results;
}

std::size_t ZoneManager::apply(std::span<const ZoneConfig> configs) {
  const auto now = Clock::now();
  std::vector<Managed> next;
  next.reserve(configs.size());
  for (const auto& config : configs) {
    auto old = std::find_if(managed_.begin(), managed_.end(),
                            [&](const Managed& m) { return m.config.domain == config.domain; });
    if (old == managed_.end()) {
      if (!zones_.add_zone(config.domain)) {  // load_config rejects this; never serve one zone twice
        spdlog::error("zone {}: configured twice, the first entry wins", config.domain.to_text());
        continue;
      }
      next.push_back(Managed{config, {}, std::nullopt, {}, now + config.sqlite_poll, std::nullopt,
                             ++incarnations_});
      continue;
    }
    Managed kept = std::move(*old);
    if (!same_source(kept.config, config)) {
      spdlog::info("zone {}: source is now {}", config.domain.to_text(), describe_source(config));
      kept.stamp = {};  // load from the new source; the old version serves until it does
    }
    if (kept.config.sqlite_poll != config.sqlite_poll) kept.next_poll = now + config.sqlite_poll;
    kept.config = config;
    next.push_back(std::move(kept));
    managed_.erase(old);
  }
  for (const auto& gone : managed_) {
    if (zones_.remove_zone(gone.config.domain))
      spdlog::info("zone {}: removed from the config, no longer served", gone.config.domain.to_text());
  }
  managed_ = std::move(next);

  std::vector<std::size_t> to_load;
  for (std::size_t i = 0; i < managed_.size(); ++i)
    if (needs_load(managed_[i])) to_load.push_back(i);
  load_and_publish(to_load);
  return to_load.size();
}

Result<bool> ZoneManager::reload_zone(const dns::Name& domain) {
  Managed* zone = find(domain);
  if (zone == nullptr) return Error{"zone " + domain.to_text() + " is not configured"};
  const auto index = static_cast<std::size_t>(zone - managed_.data());
  load_and_publish(std::span<const std::size_t>(&index, 1));
  if (zone->error) return Error{*zone->error};
  return true;
}

ZoneManager::Managed* ZoneManager::find(const dns::Name& domain) {
  const auto it = std::find_if(managed_.begin(), managed_.end(),
                               [&](const Managed& m) { return m.config.domain == domain; });
  return it == managed_.end() ? nullptr : &*it;
}

const ZoneManager::Managed* ZoneManager::find(const dns::Name& domain) const {
  return const_cast<ZoneManager*>(this)->find(domain);
}

std::optional<std::uint64_t> ZoneManager::incarnation(const dns::Name& domain) const {
  const Managed* zone = find(domain);
  if (zone == nullptr) return std::nullopt;
  return zone->incarnation;
}

Result<ZoneManager::Editable> ZoneManager::editable(const dns::Name& domain) const {
  const std::string name = domain.to_text();
  const Managed* zone = find(domain);
  if (zone == nullptr) return Error{"zone " + name + " is not configured"};
  const zone::ZoneVersion* version = served(domain);
  if (version == nullptr)
    return Error{"zone " + name + " is not loaded" + (zone->error ? ": " + *zone->error : "")};
  if (zone->error)
    return Error{"zone " + name + ": the last load of " + describe_source(zone->config) +
                 " failed; fix it and reload before editing (an edit would overwrite it): " +
                 *zone->error};
  if (current_stamp(zone->config, zone->stamp) != zone->stamp)
    return Error{"zone " + name + ": " + describe_source(zone->config) +
                 " changed since it was loaded; reload the zone before editing (an edit would "
                 "overwrite the change)"};
  return Editable{&zone->config, version, zone->stamp.files.size()};
}

void ZoneManager::publish_edit(const dns::Name& domain,
                               std::unique_ptr<const zone::ZoneVersion> version,
                               const zone::Diff& diff) {
  Managed* zone = find(domain);
  if (zone == nullptr) return;  // editable() said it was configured; nothing runs in between
  const zone::ZoneVersion* old = served(domain);
  spdlog::info("zone {}: zonectl commit written to {}: +{} -{} records, serial {} -> {}",
               domain.to_text(), describe_source(zone->config), diff.added.size(),
               diff.removed.size(), old == nullptr ? 0 : old->serial(), version->serial());
  if (!zones_.publish(domain, std::move(version)))
    spdlog::error("zone {}: not in the zone set, version dropped", domain.to_text());
  zone->stamp = current_stamp(zone->config, zone->stamp);
  zone->loaded_at = std::chrono::system_clock::now();
}

std::size_t ZoneManager::poll(Clock::time_point now) {
  std::vector<std::size_t> to_load;
  for (std::size_t i = 0; i < managed_.size(); ++i) {
    Managed& zone = managed_[i];
    if (zone.config.sqlite.empty() || zone.config.sqlite_poll.count() == 0 || now < zone.next_poll)
      continue;
    zone.next_poll = now + zone.config.sqlite_poll;
    // A database that cannot be read now, or whose bad data we already
    // reported, is tried again only once its serial moves.
    const SourceStamp seen = current_stamp(zone.config, zone.stamp);
    if (seen.sqlite_serial && seen != zone.stamp && seen != zone.failed_stamp) to_load.push_back(i);
  }
  load_and_publish(to_load);
  return to_load.size();
}

bool ZoneManager::needs_load(const Managed& zone) const {
  if (zone.error || zone.stamp == SourceStamp{}) return true;
  const bool changed = current_stamp(zone.config, zone.stamp) != zone.stamp;
  if (!changed)
    spdlog::debug("zone {}: {} unchanged", zone.config.domain.to_text(), describe_source(zone.config));
  return changed;
}

void ZoneManager::load_and_publish(std::span<const std::size_t> which) {
  if (which.empty()) return;
  // Big zones take seconds; say what is going on before it starts.
  spdlog::info("loading {} zone(s)", which.size());
  std::vector<const ZoneConfig*> configs;
  for (std::size_t i : which) configs.push_back(&managed_[i].config);
  auto results = load_in_parallel(configs);
  for (std::size_t k = 0; k < which.size(); ++k) publish(managed_[which[k]], std::move(results[k]));
}

const zone::ZoneVersion* ZoneManager::served(const dns::Name& domain) const {
  // Only this (writer) thread publishes, so the version stays alive while we use it.
  const auto* zone = zones_.find_exact(domain);
  return zone == nullptr ? nullptr : zone->current();
}

void ZoneManager::publish(Managed& zone, Result<LoadedZone> loaded) {
  const std::string name = zone.config.domain.to_text();
  const std::string source = describe_source(zone.config);
  const zone::ZoneVersion* old = served(zone.config.domain);
  if (!loaded) {
    zone.error = loaded.error();
    zone.failed_stamp = current_stamp(zone.config, zone.stamp);
    if (old != nullptr)
      spdlog::error("zone {}: cannot reload {}; still serving serial {}:\n{}", name, source,
                    old->serial(), loaded.error());
    else
      spdlog::error("zone {}: cannot load {}; answering SERVFAIL until it loads:\n{}", name, source,
                    loaded.error());
    return;
  }
  for (const auto& warning : loaded->warnings) spdlog::warn("zone {}: {}", name, warning.to_string());

  const auto& fresh = *loaded->version;
  if (old == nullptr) {
    spdlog::info("zone {}: loaded serial {}, {} records from {} in {} ms, {}", name, fresh.serial(),
                 fresh.record_count(), source, loaded->elapsed.count(), describe_signing(fresh));
  } else {
    const auto diff = zone::compute_diff(*old, fresh);
    spdlog::info("zone {}: reloaded from {}: +{} -{} records, serial {} -> {} ({} ms), {}", name,
                 source, diff.added.size(), diff.removed.size(), old->serial(), fresh.serial(),
                 loaded->elapsed.count(), describe_signing(fresh));
    // RFC 1982: secondaries only transfer a zone whose serial grew.
    if (diff.changes_records() && !dns::serial_gt(fresh.serial(), old->serial()))
      spdlog::warn("zone {}: records changed but serial {} is not greater than {}; secondaries "
                   "will not see the change",
                   name, fresh.serial(), old->serial());
  }
  warn_about_signing(name, fresh);
  if (!zones_.publish(zone.config.domain, std::move(loaded->version)))
    spdlog::error("zone {}: not in the zone set, version dropped", name);
  zone.stamp = std::move(loaded->stamp);
  zone.loaded_at = std::chrono::system_clock::now();
  zone.error.reset();
  zone.failed_stamp = {};
}

std::vector<ZoneManager::Status> ZoneManager::status() const {
  std::vector<Status> out;
  for (const auto& zone : managed_) {
    Status s{zone.config.domain, describe_source(zone.config), std::nullopt, 0, zone.error,
             zone.loaded_at};
    if (const auto* version = served(zone.config.domain)) {
      s.serial = version->serial();
      s.records = version->record_count();
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace zoned::server
