// The statistics report (stats_report.hpp) as JSON and Prometheus text, and
// the metrics endpoint's routing (MetricsServer::respond). The HTTP limits
// are exercised against the real daemon in tests/system/test_metrics.py.
#include <doctest/doctest.h>

#include <boost/beast/http/verb.hpp>
#include <string>

#include "server/stats/metrics_server.hpp"
#include "server/stats/stats_report.hpp"
#include "zone/qsbr.hpp"
#include "zone/zone_set.hpp"

using namespace zoned;
using namespace zoned::server;
using Counter = zone::ZoneCounterSlot::Counter;
namespace http = boost::beast::http;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

StatsReport sample_report() {
  StatsReport report;
  report.workers = 2;
  report.started_at = std::chrono::system_clock::time_point{std::chrono::seconds{1700000000}};
  report.totals.values[StatsLayout::kTransportBase] = 7;  // udp
  report.totals.values[StatsLayout::kRcodeBase + StatsLayout::rcode_bucket(dns::Rcode::NXDOMAIN)] = 3;
  report.totals.values[StatsLayout::kRcodeBase + 12] = 4;  // unassigned: shown by number
  report.totals.values[StatsLayout::kEventBase + static_cast<std::size_t>(StatsEvent::RrlSlipped)] = 5;
  ZoneReport loaded;
  loaded.zone = "example.com.";
  loaded.serial = 42;
  loaded.records = 9;
  loaded.loaded_at = std::chrono::system_clock::time_point{std::chrono::seconds{1700000100}};
  loaded.counts[Counter::Queries] = 11;
  loaded.counts[Counter::NxDomain] = 6;
  ZoneReport failed;
  failed.zone = R"(odd\"na\\me.)";
  failed.error = "no such file";
  report.zones = {loaded, failed};
  return report;
}

}  // namespace

TEST_CASE("metrics: Prometheus text has every family described and the counts") {
  const std::string text = "\n" + prometheus_text(sample_report());
  CHECK(has_line(text, "# TYPE zoned_queries_total counter"));
  CHECK(has_line(text, R"(zoned_queries_total{transport="udp"} 7)"));
  CHECK(has_line(text, R"(zoned_queries_total{transport="tcp"} 0)"));
  CHECK(has_line(text, R"(zoned_responses_total{rcode="NXDOMAIN"} 3)"));
  CHECK(has_line(text, R"(zoned_responses_total{rcode="REFUSED"} 0)"));  // named: always there
  CHECK(has_line(text, R"(zoned_responses_total{rcode="12"} 4)"));
  CHECK(text.find(R"(rcode="13")") == std::string::npos);  // unnamed and 0: left out
  CHECK(has_line(text, R"(zoned_rrl_responses_total{action="slipped"} 5)"));
  CHECK(has_line(text, "zoned_start_time_seconds 1700000000"));
  CHECK(has_line(text, "zoned_workers 2"));
  CHECK(has_line(text, R"(zoned_zone_queries_total{zone="example.com."} 11)"));
  CHECK(has_line(text, R"(zoned_zone_responses_total{zone="example.com.",rcode="NXDOMAIN"} 6)"));
  CHECK(has_line(text, R"(zoned_zone_serial{zone="example.com."} 42)"));
  CHECK(has_line(text, R"(zoned_zone_last_load_timestamp_seconds{zone="example.com."} 1700000100)"));
  CHECK(has_line(text, R"(zoned_zone_load_failed{zone="example.com."} 0)"));
  // Label values escape backslash and double quote.
  CHECK(has_line(text, R"(zoned_zone_load_failed{zone="odd\\\"na\\\\me."} 1)"));
  CHECK(text.find(R"(zoned_zone_serial{zone="odd)") == std::string::npos);  // none served

  // Every sample belongs to a family with HELP and TYPE lines.
  std::size_t at = 1;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const std::string family = line.substr(0, line.find_first_of("{ "));
    CHECK_MESSAGE(text.find("# HELP " + family + " ") != std::string::npos, line);
    CHECK_MESSAGE(text.find("# TYPE " + family + " ") != std::string::npos, line);
  }
}

TEST_CASE("metrics: the JSON report holds the same numbers") {
  const nlohmann::json json = stats_json(sample_report());
  CHECK(json["workers"] == 2);
  CHECK(json["started_at"] == 1700000000);
  CHECK(json["queries"]["udp"] == 7);
  CHECK(json["rcodes"]["NXDOMAIN"] == 3);
  CHECK(json["rcodes"]["12"] == 4);
  CHECK(!json["rcodes"].contains("13"));
  CHECK(json["qtypes"]["A"] == 0);
  CHECK(json["opcodes"]["QUERY"] == 0);
  CHECK(json["rrl"]["slipped"] == 5);
  CHECK(json["tcp_connections"]["accepted"] == 0);
  REQUIRE(json["zones"].size() == 2);
  CHECK(json["zones"][0]["zone"] == "example.com.");
  CHECK(json["zones"][0]["queries"] == 11);
  CHECK(json["zones"][0]["rcodes"]["NXDOMAIN"] == 6);
  CHECK(json["zones"][0]["serial"] == 42);
  CHECK(json["zones"][0]["loaded_at"] == 1700000100);
  CHECK(json["zones"][0]["error"].is_null());
  CHECK(json["zones"][1]["serial"].is_null());
  CHECK(json["zones"][1]["loaded_at"].is_null());
  CHECK(json["zones"][1]["error"] == "no such file");
}

TEST_CASE("metrics: collect_stats reads the workers and every configured zone") {
  zone::ReclaimDomain domain;
  zone::ZoneSet zones(domain, 2);
  ZoneManager manager(zones);
  ZoneConfig missing;
  missing.domain = dns::Name::parse("example.net.").value();
  missing.file = "/nonexistent/zoned-test/example.net.zone";
  manager.apply(std::vector<ZoneConfig>{missing});
  const auto* net = zones.find_exact(missing.domain);
  REQUIRE(net != nullptr);

  ServerStats stats(2);
  Outcome servfail;
  servfail.size = 50;
  servfail.rcode = dns::Rcode::SERVFAIL;
  servfail.qtype = dns::RRType::A;
  servfail.zone = net;
  stats.thread(0).record(Transport::Udp, servfail, RrlAction::Pass);
  stats.thread(1).record(Transport::Tcp, servfail, RrlAction::Pass);

  const StatsReport report = collect_stats(stats, manager);
  CHECK(report.workers == 2);
  CHECK(report.totals.queries(Transport::Udp) == 1);
  CHECK(report.totals.queries(Transport::Tcp) == 1);
  REQUIRE(report.zones.size() == 1);
  CHECK(report.zones[0].zone == "example.net.");
  CHECK(report.zones[0].counts[Counter::Queries] == 2);
  CHECK(report.zones[0].counts[Counter::ServFail] == 2);
  CHECK(!report.zones[0].serial);
  CHECK(report.zones[0].error.has_value());

  // A removed zone is no longer reported.
  manager.apply({});
  CHECK(collect_stats(stats, manager).zones.empty());
  domain.reclaim();
}

TEST_CASE("metrics: GET /metrics answers the text format, other paths 404, other methods 405") {
  boost::asio::io_context io;
  zone::ReclaimDomain domain;
  zone::ZoneSet zones(domain);
  ZoneManager manager(zones);
  ServerStats stats(1);
  const MetricsServer server(io, stats, manager);

  HttpRequest get{http::verb::get, "/metrics", 11};
  const HttpResponse ok = server.respond(get);
  CHECK(ok.result() == http::status::ok);
  CHECK(std::string(ok[http::field::content_type]).starts_with("text/plain; version=0.0.4"));
  CHECK(ok.body().find("zoned_queries_total{transport=\"udp\"} 0\n") != std::string::npos);

  get.target("/metrics?name[]=x");
  CHECK(server.respond(get).result() == http::status::ok);
  get.target("/");
  CHECK(server.respond(get).result() == http::status::not_found);
  get.target("/metricsx");
  CHECK(server.respond(get).result() == http::status::not_found);

  const HttpRequest post{http::verb::post, "/metrics", 11};
  const HttpResponse refused = server.respond(post);
  CHECK(refused.result() == http::status::method_not_allowed);
  CHECK(refused[http::field::allow] == "GET");
}

TEST_CASE("metrics: off without a listen address, and a bad address is an error naming it") {
  boost::asio::io_context io;
  zone::ReclaimDomain domain;
  zone::ZoneSet zones(domain);
  ZoneManager manager(zones);
  ServerStats stats(1);
  MetricsServer server(io, stats, manager);
  CHECK(server.start(MetricsConfig{}).ok());
  CHECK(server.describe().empty());
  const auto bad = server.start(MetricsConfig{.listen = ListenAddress{"192.0.2.300", 21499}});
  REQUIRE(!bad.ok());
  CHECK(bad.error().find("192.0.2.300@21499") != std::string::npos);
}
