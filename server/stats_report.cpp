#include "server/stats_report.hpp"

#include <initializer_list>
#include <span>
#include <utility>
#include <string_view>

#include "dns/header.hpp"

namespace zoned::server {

StatsReport collect_stats(const ServerStats& stats, const ZoneManager& zones) {
  StatsReport report{
      .workers = stats.workers(),
      .started_at = stats.started_at(),
      .totals = stats.snapshot(),
      .zones = {},
  };
  for (auto& status : zones.status()) {
    ZoneReport zone{
        .zone = status.domain.to_text(),
        .counts = {},
        .serial = status.serial,
        .records = status.records,
        .loaded_at = status.loaded_at,
        .error = std::move(status.error),
    };
    // Control thread: the zone set changes only on this thread, so the zone
    // found stays valid while it is read.
    if (const auto* served = zones.zone_set().find_exact(status.domain)) {
      zone.counts = zone_counts(*served);
    }
    report.zones.push_back(std::move(zone));
  }
  return report;
}

namespace {

using Counter = zone::ZoneCounterSlot::Counter;

// A bucket's name, or empty when the value has none (it is shown by number).
[[nodiscard]] std::string_view qtype_name(std::size_t bucket) {
  return bucket < kCountedQtypes.size() ? dns::type_mnemonic(kCountedQtypes[bucket]) : "other";
}
[[nodiscard]] std::string_view rcode_name(std::size_t bucket) {
  return bucket + 1 == StatsLayout::kRcodes ? "other"
                                            : dns::rcode_mnemonic(static_cast<dns::Rcode>(bucket));
}
[[nodiscard]] std::string_view opcode_name(std::size_t bucket) {
  return dns::opcode_mnemonic(static_cast<dns::Opcode>(bucket));
}

// Calls visit(label, value) for each bucket shown: named ones always (so a
// series exists before its first count), unnamed ones by number when not 0.
template <class Name, class Visit>
void for_each_bucket(std::span<const std::uint64_t> values, Name name, Visit visit) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string_view named = name(i);
    if (!named.empty()) {
      visit(std::string(named), values[i]);
    } else if (values[i] != 0) {
      visit(std::to_string(i), values[i]);
    }
  }
}

// The per-zone rcode counters, in ZoneCounterSlot order.
constexpr std::array<std::pair<Counter, std::string_view>, 7> kZoneRcodes{{
    {Counter::NoError, "NOERROR"},
    {Counter::FormErr, "FORMERR"},
    {Counter::ServFail, "SERVFAIL"},
    {Counter::NxDomain, "NXDOMAIN"},
    {Counter::NotImp, "NOTIMP"},
    {Counter::Refused, "REFUSED"},
    {Counter::OtherRcode, "other"},
}};

[[nodiscard]] std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

template <class Name>
[[nodiscard]] nlohmann::json bucket_object(std::span<const std::uint64_t> values, Name name) {
  nlohmann::json object = nlohmann::json::object();
  for_each_bucket(values, name, [&](const std::string& label, std::uint64_t v) { object[label] = v; });
  return object;
}

}  // namespace

nlohmann::json stats_json(const StatsReport& report) {
  const StatsSnapshot& t = report.totals;
  nlohmann::json zones = nlohmann::json::array();
  for (const ZoneReport& zone : report.zones) {
    nlohmann::json rcodes = nlohmann::json::object();
    for (const auto& [counter, name] : kZoneRcodes) rcodes[std::string(name)] = zone.counts[counter];
    zones.push_back({
        {"zone", zone.zone},
        {"queries", zone.counts[Counter::Queries]},
        {"rcodes", std::move(rcodes)},
        {"serial", zone.serial ? nlohmann::json(*zone.serial) : nlohmann::json()},
        {"records", zone.records},
        {"loaded_at", zone.loaded_at ? nlohmann::json(unix_seconds(*zone.loaded_at)) : nlohmann::json()},
        {"error", zone.error ? nlohmann::json(*zone.error) : nlohmann::json()},
    });
  }
  return {
      {"workers", report.workers},
      {"started_at", unix_seconds(report.started_at)},
      {"queries", {{"udp", t.queries(Transport::Udp)}, {"tcp", t.queries(Transport::Tcp)}}},
      {"qtypes", bucket_object(t.qtypes(), qtype_name)},
      {"opcodes", bucket_object(t.opcodes(), opcode_name)},
      {"rcodes", bucket_object(t.rcodes(), rcode_name)},
      {"edns", t.event(StatsEvent::Edns)},
      {"do", t.event(StatsEvent::DoBit)},
      {"truncated", t.event(StatsEvent::Truncated)},
      {"malformed", t.event(StatsEvent::Malformed)},
      {"no_response", t.event(StatsEvent::NoResponse)},
      {"rrl", {{"dropped", t.event(StatsEvent::RrlDropped)}, {"slipped", t.event(StatsEvent::RrlSlipped)}}},
      {"tcp_connections",
       {{"accepted", t.event(StatsEvent::TcpAccepted)}, {"refused", t.event(StatsEvent::TcpRefused)}}},
      {"zones", std::move(zones)},
  };
}

namespace {

// Label values escape backslash, double quote and newline (exposition format).
[[nodiscard]] std::string label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class PrometheusWriter {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    name_ = name;
    out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  // One sample of the current family.
  template <class Integer>
  void sample(Labels labels, Integer value) {
    out_.append(name_);
    const char* separator = "{";
    for (const auto& [label, text] : labels) {
      out_.append(separator).append(label).append("=\"").append(label_value(text)).append("\"");
      separator = ",";
    }
    if (labels.size() != 0) out_.append("}");
    out_.append(" ").append(std::to_string(value)).append("\n");
  }
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  std::string out_;
  std::string_view name_;
};

}  // namespace

std::string prometheus_text(const StatsReport& report) {
  const StatsSnapshot& t = report.totals;
  PrometheusWriter w;
  w.family("zoned_start_time_seconds", "gauge", "Start time of the server since the Unix epoch.");
  w.sample({}, unix_seconds(report.started_at));
  w.family("zoned_workers", "gauge", "Worker threads answering queries.");
  w.sample({}, report.workers);

  w.family("zoned_queries_total", "counter", "Queries received, by transport.");
  w.sample({{"transport", "udp"}}, t.queries(Transport::Udp));
  w.sample({{"transport", "tcp"}}, t.queries(Transport::Tcp));
  w.family("zoned_query_types_total", "counter", "Queries received, by QTYPE (other: any type not listed).");
  for_each_bucket(t.qtypes(), qtype_name, [&](const std::string& l, std::uint64_t v) { w.sample({{"qtype", l}}, v); });
  w.family("zoned_query_opcodes_total", "counter", "Queries received, by OPCODE.");
  for_each_bucket(t.opcodes(), opcode_name, [&](const std::string& l, std::uint64_t v) { w.sample({{"opcode", l}}, v); });
  w.family("zoned_query_edns_total", "counter", "Queries with an EDNS OPT record.");
  w.sample({}, t.event(StatsEvent::Edns));
  w.family("zoned_query_do_total", "counter", "Queries with the DNSSEC OK (DO) bit.");
  w.sample({}, t.event(StatsEvent::DoBit));
  w.family("zoned_malformed_queries_total", "counter", "Queries answered FORMERR or dropped as unparseable.");
  w.sample({}, t.event(StatsEvent::Malformed));
  w.family("zoned_unanswered_queries_total", "counter", "Queries dropped without a response because they could not be parsed.");
  w.sample({}, t.event(StatsEvent::NoResponse));

  w.family("zoned_responses_total", "counter", "Responses sent, by RCODE.");
  for_each_bucket(t.rcodes(), rcode_name, [&](const std::string& l, std::uint64_t v) { w.sample({{"rcode", l}}, v); });
  w.family("zoned_truncated_responses_total", "counter", "Responses sent with TC because the answer did not fit.");
  w.sample({}, t.event(StatsEvent::Truncated));
  w.family("zoned_rrl_responses_total", "counter", "UDP responses Response Rate Limiting dropped or slipped (sent truncated).");
  w.sample({{"action", "dropped"}}, t.event(StatsEvent::RrlDropped));
  w.sample({{"action", "slipped"}}, t.event(StatsEvent::RrlSlipped));
  w.family("zoned_tcp_connections_total", "counter", "TCP connections accepted, or refused over a connection limit.");
  w.sample({{"result", "accepted"}}, t.event(StatsEvent::TcpAccepted));
  w.sample({{"result", "refused"}}, t.event(StatsEvent::TcpRefused));

  w.family("zoned_zone_queries_total", "counter", "Queries a served zone was asked, since the zone was added.");
  for (const ZoneReport& z : report.zones) w.sample({{"zone", z.zone}}, z.counts[Counter::Queries]);
  w.family("zoned_zone_responses_total", "counter", "Responses sent for a served zone, by RCODE.");
  for (const ZoneReport& z : report.zones) {
    for (const auto& [counter, name] : kZoneRcodes) {
      w.sample({{"zone", z.zone}, {"rcode", name}}, z.counts[counter]);
    }
  }
  w.family("zoned_zone_serial", "gauge", "SOA serial of the version served (absent when none is).");
  for (const ZoneReport& z : report.zones) {
    if (z.serial) w.sample({{"zone", z.zone}}, *z.serial);
  }
  w.family("zoned_zone_records", "gauge", "Records in the version served.");
  for (const ZoneReport& z : report.zones) w.sample({{"zone", z.zone}}, z.records);
  w.family("zoned_zone_last_load_timestamp_seconds", "gauge",
           "When the version served was loaded, since the Unix epoch (absent when none is).");
  for (const ZoneReport& z : report.zones) {
    if (z.loaded_at) w.sample({{"zone", z.zone}}, unix_seconds(*z.loaded_at));
  }
  w.family("zoned_zone_load_failed", "gauge", "1 when the last load of the zone failed, else 0.");
  for (const ZoneReport& z : report.zones) w.sample({{"zone", z.zone}}, z.error ? 1 : 0);
  return w.take();
}

}  // namespace zoned::server
