#include "server/stats/stats_report.hpp"

#include <initializer_list>
#include <span>
#include <string_view>
#include <utility>

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
  for_each_bucket(values, name,
                  [&](const std::string& label, std::uint64_t v) { object[label] = v; });
  return object;
}

}  // namespace

nlohmann::json stats_json(const StatsReport& report) {
  const StatsSnapshot& t = report.totals;
  nlohmann::json zones = nlohmann::json::array();
  for (const ZoneReport& zone : report.zones) {
    nlohmann::json rcodes = nlohmann::json::object();
    for (const auto& [counter, name] : kZoneRcodes) {
      rcodes[std::string(name)] = zone.counts[counter];
    }
    zones.push_back({
        {"zone", zone.zone},
        {"queries", zone.counts[Counter::Queries]},
        {"rcodes", std::move(rcodes)},
        {"serial", zone.serial ? nlohmann::json(*zone.serial) : nlohmann::json()},
        {"records", zone.records},
        {"loaded_at",
         zone.loaded_at ? nlohmann::json(unix_seconds(*zone.loaded_at)) : nlohmann::json()},
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
      {"rrl",
       {{"dropped", t.event(StatsEvent::RrlDropped)},
        {"slipped", t.event(StatsEvent::RrlSlipped)}}},
      {"tcp_connections",
       {{"accepted", t.event(StatsEvent::TcpAccepted)},
        {"refused", t.event(StatsEvent::TcpRefused)},
        {"refused_over_max_connections",
         t.event(StatsEvent::TcpRefused) - t.event(StatsEvent::TcpRefusedPerClient)},
        {"refused_over_max_connections_per_client", t.event(StatsEvent::TcpRefusedPerClient)}}},
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
  void counter(std::string_view name, std::string_view help) { family(name, "counter", help); }
  void gauge(std::string_view name, std::string_view help) { family(name, "gauge", help); }
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
  // One sample per bucket shown (for_each_bucket), labelled `label`.
  template <class Name>
  void buckets(std::string_view label, std::span<const std::uint64_t> values, Name name) {
    for_each_bucket(values, name,
                    [&](const std::string& text, std::uint64_t v) { sample({{label, text}}, v); });
  }
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    name_ = name;
    out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }

  std::string out_;
  std::string_view name_;
};

}  // namespace

std::string prometheus_text(const StatsReport& report) {
  const StatsSnapshot& t = report.totals;
  PrometheusWriter w;
  w.gauge("zoned_start_time_seconds", "Start time of the server since the Unix epoch.");
  w.sample({}, unix_seconds(report.started_at));
  w.gauge("zoned_workers", "Workers answering queries (server.workers).");
  w.sample({}, report.workers);

  w.counter("zoned_queries_total", "Queries received, by transport.");
  w.sample({{"transport", "udp"}}, t.queries(Transport::Udp));
  w.sample({{"transport", "tcp"}}, t.queries(Transport::Tcp));
  w.counter("zoned_query_types_total", "Queries received, by QTYPE (other: any type not listed).");
  w.buckets("qtype", t.qtypes(), qtype_name);
  w.counter("zoned_query_opcodes_total", "Queries received, by OPCODE.");
  w.buckets("opcode", t.opcodes(), opcode_name);
  w.counter("zoned_query_edns_total", "Queries with an EDNS OPT record.");
  w.sample({}, t.event(StatsEvent::Edns));
  w.counter("zoned_query_do_total", "Queries with the DNSSEC OK (DO) bit.");
  w.sample({}, t.event(StatsEvent::DoBit));
  w.counter("zoned_malformed_queries_total", "Queries answered FORMERR or dropped as unparseable.");
  w.sample({}, t.event(StatsEvent::Malformed));
  w.counter("zoned_unanswered_queries_total",
            "Queries dropped without a response because they could not be parsed.");
  w.sample({}, t.event(StatsEvent::NoResponse));

  w.counter("zoned_responses_total", "Responses sent, by RCODE.");
  w.buckets("rcode", t.rcodes(), rcode_name);
  w.counter("zoned_truncated_responses_total",
            "Responses sent with TC because the answer did not fit.");
  w.sample({}, t.event(StatsEvent::Truncated));
  w.counter("zoned_rrl_responses_total",
            "UDP responses Response Rate Limiting dropped or slipped (sent truncated).");
  w.sample({{"action", "dropped"}}, t.event(StatsEvent::RrlDropped));
  w.sample({{"action", "slipped"}}, t.event(StatsEvent::RrlSlipped));
  w.counter("zoned_tcp_connections_total",
            "TCP connections accepted, or refused over a connection limit.");
  w.sample({{"result", "accepted"}}, t.event(StatsEvent::TcpAccepted));
  w.sample({{"result", "refused"}}, t.event(StatsEvent::TcpRefused));
  w.counter("zoned_tcp_refused_total", "TCP connections refused, by the connection limit that was reached.");
  w.sample({{"limit", "max-connections"}},
           t.event(StatsEvent::TcpRefused) - t.event(StatsEvent::TcpRefusedPerClient));
  w.sample({{"limit", "max-connections-per-client"}}, t.event(StatsEvent::TcpRefusedPerClient));

  w.counter("zoned_zone_queries_total",
            "Queries a served zone was asked, since the zone was added.");
  for (const ZoneReport& z : report.zones) {
    w.sample({{"zone", z.zone}}, z.counts[Counter::Queries]);
  }
  w.counter("zoned_zone_responses_total", "Responses sent for a served zone, by RCODE.");
  for (const ZoneReport& z : report.zones) {
    for (const auto& [counter, name] : kZoneRcodes) {
      w.sample({{"zone", z.zone}, {"rcode", name}}, z.counts[counter]);
    }
  }
  w.gauge("zoned_zone_serial", "SOA serial of the version served (absent when none is).");
  for (const ZoneReport& z : report.zones) {
    if (z.serial) w.sample({{"zone", z.zone}}, *z.serial);
  }
  w.gauge("zoned_zone_records", "Records in the version served.");
  for (const ZoneReport& z : report.zones) w.sample({{"zone", z.zone}}, z.records);
  w.gauge("zoned_zone_last_load_timestamp_seconds",
          "When the version served was loaded, since the Unix epoch (absent when none is).");
  for (const ZoneReport& z : report.zones) {
    if (z.loaded_at) w.sample({{"zone", z.zone}}, unix_seconds(*z.loaded_at));
  }
  w.gauge("zoned_zone_load_failed", "1 when the last load of the zone failed, else 0.");
  for (const ZoneReport& z : report.zones) w.sample({{"zone", z.zone}}, z.error ? 1 : 0);
  return w.take();
}

}  // namespace zoned::server
