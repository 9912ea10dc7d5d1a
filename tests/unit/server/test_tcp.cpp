// DNS over TCP (RFC 7766): pipelining, partial reads, framing errors,
// timeouts, connection caps, large answers, half-closed clients and clients
// that never read; no allocation once warmed up. Loopback, ports 20410-20429.
#include <doctest/doctest.h>

#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <thread>

#include "alloc_counter.hpp"
#include "network_test_util.hpp"
#include "server/network/connection_limiter.hpp"
#include "server/network/tcp_listener.hpp"
#include "server/network/worker_context.hpp"

using namespace zoned;
using namespace zoned::server;
using namespace zoned::server::test;
using dns::RRType;
using namespace std::chrono_literals;

namespace {

// A started Network on one address with the given TCP limits.
struct TcpServer {
  TcpServer(std::uint16_t port, const TcpLimits& limits = {})
      : address(socket_address("127.0.0.1", port)),
        network(
            [&] {
              NetworkSettings s = network_settings("127.0.0.1", port);
              s.tcp = limits;
              return s;
            }(),
            served.zones, served.domain, served.settings_ptr, served.rrl,
                  served.stats) {
    REQUIRE(network.start().ok());
  }
  ServedZones served;
  SocketAddress address;
  Network network;
};

// Asks one query on a fresh connection from `source`.
std::optional<Response> ask_tcp(const std::string& source, const SocketAddress& server,
                                std::uint16_t id) {
  UniqueFd fd = tcp_connect(source, server);
  tcp_send(fd.get(), framed(make_query("www.example.com.", RRType::A, {.id = id})));
  const auto reply = tcp_receive(fd.get());
  if (!reply) return std::nullopt;
  return read_response(*reply);
}

// True when the server has closed or reset the connection within `wait`,
// whether or not answers are still unread on our side.
[[nodiscard]] bool peer_gone(int fd, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLRDHUP, 0};
    if (::poll(&p, 1, 50) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("tcp: ten pipelined queries in one write get ten answers in order") {
  TcpServer server(20410);
  UniqueFd fd = tcp_connect("127.0.0.1", server.address);
  std::vector<std::uint8_t> all;
  for (std::uint16_t id = 1; id <= 10; ++id) {
    const auto type = id % 2 == 0 ? RRType::A : RRType::SOA;
    const auto one = framed(make_query("www.example.com.", type, {.id = id}));
    all.insert(all.end(), one.begin(), one.end());
  }
  tcp_send(fd.get(), all);
  for (std::uint16_t id = 1; id <= 10; ++id) {
    const auto reply = tcp_receive(fd.get());
    REQUIRE(reply.has_value());
    const Response response = read_response(*reply);
    CHECK(response.id == id);
    CHECK(response.rcode == dns::Rcode::NOERROR);
  }
}

TEST_CASE("tcp: a query sent one byte at a time is answered") {
  TcpServer server(20411);
  UniqueFd fd = tcp_connect("127.0.0.1", server.address);
  const auto query = framed(make_query("www.example.com.", RRType::A, {.id = 42}));
  for (const std::uint8_t byte : query) {
    tcp_send(fd.get(), std::span(&byte, 1));
    std::this_thread::sleep_for(1ms);
  }
  const auto reply = tcp_receive(fd.get());
  REQUIRE(reply.has_value());
  const Response response = read_response(*reply);
  CHECK(response.id == 42);
  CHECK(response.answer == Lines{"www.example.com. 3600 IN A 192.0.2.2"});
}

TEST_CASE("tcp: a length below a DNS header closes the connection, and the next one works") {
  TcpServer server(20412);
  UniqueFd fd = tcp_connect("127.0.0.1", server.address);
  std::vector<std::uint8_t> short_message{0, 11};
  short_message.resize(2 + 11, 0);
  tcp_send(fd.get(), short_message);
  CHECK(closed_by_server(fd.get()));
  const auto next = ask_tcp("127.0.0.1", server.address, 5);
  REQUIRE(next.has_value());
  CHECK(next->id == 5);
}

TEST_CASE("tcp: idle connections close after idle_timeout, stalled messages after io_timeout") {
  TcpLimits limits;
  limits.idle_timeout = 300ms;
  limits.io_timeout = 150ms;
  TcpServer server(20413, limits);

  SUBCASE("nothing sent") {
    UniqueFd fd = tcp_connect("127.0.0.1", server.address);
    const auto before = std::chrono::steady_clock::now();
    CHECK(closed_by_server(fd.get()));
    CHECK(std::chrono::steady_clock::now() - before >= 250ms);
  }
  SUBCASE("idle after an answer") {
    UniqueFd fd = tcp_connect("127.0.0.1", server.address);
    tcp_send(fd.get(), framed(make_query("www.example.com.", RRType::A)));
    REQUIRE(tcp_receive(fd.get()).has_value());
    CHECK(closed_by_server(fd.get()));
  }
  SUBCASE("one byte of the length prefix: the shorter io_timeout applies") {
    limits.idle_timeout = 10s;
    TcpServer patient(20414, limits);
    UniqueFd fd = tcp_connect("127.0.0.1", patient.address);
    tcp_send(fd.get(), std::vector<std::uint8_t>{0});
    CHECK(closed_by_server(fd.get(), 2s));
  }
}

TEST_CASE("tcp: connections over the per-client cap are closed, and other clients are served") {
  TcpLimits limits;
  limits.max_connections_per_client = 2;
  TcpServer server(20415, limits);

  UniqueFd first = tcp_connect("127.0.0.2", server.address);
  UniqueFd second = tcp_connect("127.0.0.2", server.address);
  // Make sure both are accepted before the extra one arrives.
  for (const int fd : {first.get(), second.get()}) {
    tcp_send(fd, framed(make_query("www.example.com.", RRType::A, {.id = 1})));
    REQUIRE(tcp_receive(fd).has_value());
  }
  UniqueFd extra = tcp_connect("127.0.0.2", server.address);
  CHECK(closed_by_server(extra.get()));

  const auto other = ask_tcp("127.0.0.3", server.address, 3);
  REQUIRE(other.has_value());
  CHECK(other->id == 3);
  UniqueFd udp = udp_client("127.0.0.3");
  udp_send(udp.get(), server.address, make_query("www.example.com.", RRType::A, {.id = 4}));
  const auto udp_reply = udp_receive(udp.get());
  REQUIRE(udp_reply.has_value());
  CHECK(read_response(*udp_reply).id == 4);

  // The capped client's own connections still work, and a freed place is reusable.
  tcp_send(first.get(), framed(make_query("www.example.com.", RRType::A, {.id = 2})));
  REQUIRE(tcp_receive(first.get()).has_value());
  second = UniqueFd();
  std::optional<Response> again;
  for (int attempt = 0; attempt < 20 && !again; ++attempt) {
    std::this_thread::sleep_for(20ms);  // the server notices the close
    UniqueFd fd = tcp_connect("127.0.0.2", server.address);
    tcp_send(fd.get(), framed(make_query("www.example.com.", RRType::A, {.id = 9})));
    if (const auto reply = tcp_receive(fd.get())) again = read_response(*reply);
  }
  REQUIRE(again.has_value());
  CHECK(again->id == 9);
}

TEST_CASE("tcp: a 10 KB answer arrives complete") {
  TcpServer server(20416);
  UniqueFd fd = tcp_connect("127.0.0.1", server.address);
  tcp_send(fd.get(), framed(make_query("big.example.com.", RRType::TXT, {.id = 10})));
  const auto reply = tcp_receive(fd.get());
  REQUIRE(reply.has_value());
  CHECK(reply->size() > kBigTxtRecords * kBigTxtLength);
  const Response response = read_response(*reply);
  CHECK(response.id == 10);
  CHECK_FALSE(response.tc());
  CHECK(response.answer.size() == kBigTxtRecords);

  // Over UDP without EDNS the same answer is truncated (RFC 1035 §4.2.1).
  UniqueFd udp = udp_client();
  udp_send(udp.get(), server.address, make_query("big.example.com.", RRType::TXT, {.id = 11}));
  const auto udp_reply = udp_receive(udp.get());
  REQUIRE(udp_reply.has_value());
  CHECK(udp_reply->size() <= 512);
  CHECK(read_response(*udp_reply).tc());
}

TEST_CASE("tcp: a client that shuts its write side after its queries gets every answer, then EOF") {
  TcpServer server(20417);
  for (std::uint16_t round = 0; round < 50; ++round) {
    UniqueFd fd = tcp_connect("127.0.0.1", server.address);
    auto queries = framed(make_query("www.example.com.", RRType::A, {.id = round}));
    const auto second = framed(make_query("big.example.com.", RRType::TXT, {.id = 1000}));
    queries.insert(queries.end(), second.begin(), second.end());
    tcp_send(fd.get(), queries);
    REQUIRE(::shutdown(fd.get(), SHUT_WR) == 0);
    const auto first_reply = tcp_receive(fd.get());
    const auto second_reply = tcp_receive(fd.get());
    REQUIRE(first_reply.has_value());
    REQUIRE(second_reply.has_value());
    CHECK(read_response(*first_reply).id == round);
    CHECK(read_response(*second_reply).id == 1000);
    CHECK(closed_by_server(fd.get()));
  }
}

TEST_CASE("tcp: a client that never reads is cut off after io_timeout, and others are unaffected") {
  TcpLimits limits;
  limits.io_timeout = 300ms;
  limits.max_in_flight = 4;
  TcpServer server(20418, limits);
  UniqueFd hog = tcp_connect("127.0.0.1", server.address);
  // About 1000 × 10 KB of answers: far more than the socket buffers hold.
  const auto one = framed(make_query("big.example.com.", RRType::TXT));
  std::vector<std::uint8_t> queries;
  for (int i = 0; i < 1000; ++i) queries.insert(queries.end(), one.begin(), one.end());
  tcp_send(hog.get(), queries);

  const auto other = ask_tcp("127.0.0.1", server.address, 8);
  REQUIRE(other.has_value());
  CHECK(other->id == 8);
  CHECK(peer_gone(hog.get(), 5s));
}

TEST_CASE("connection limiter: total and per-client caps, places given back") {
  ConnectionLimiter limiter(3, 2);
  const std::array<std::uint8_t, 4> a{127, 0, 0, 2};
  const std::array<std::uint8_t, 4> b{127, 0, 0, 3};
  const std::array<std::uint8_t, 16> v6{0xfe, 0x80};
  auto a1 = limiter.admit(a);
  auto a2 = limiter.admit(a);
  CHECK(a1.has_value());
  CHECK(a2.has_value());
  CHECK_FALSE(limiter.admit(a).has_value());
  auto b1 = limiter.admit(b);
  CHECK(b1.has_value());
  CHECK_FALSE(limiter.admit(v6).has_value());  // total reached
  CHECK(limiter.total() == 3);
  a1.reset();
  CHECK(limiter.total() == 2);
  CHECK(limiter.admit(v6).has_value());        // a temporary: given back at once
  CHECK(limiter.admit(a).has_value());
  CHECK(limiter.total() == 2);
}

TEST_CASE("connection limiter: says which cap refused, and tells the refusals once, busiest client first") {
  ConnectionLimiter limiter(3, 1);
  const std::array<std::uint8_t, 4> a{127, 0, 0, 2};
  const std::array<std::uint8_t, 4> b{127, 0, 0, 3};
  const std::array<std::uint8_t, 16> v6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const std::array<std::uint8_t, 4> c{127, 0, 0, 4};
  CHECK(limiter.take_refusals().count() == 0);
  auto a1 = limiter.admit(a);
  REQUIRE(a1.has_value());
  TcpCap cap = TcpCap::Total;
  for (int i = 0; i < 5; ++i) {
    CHECK_FALSE(limiter.admit(a, &cap).has_value());
    CHECK(cap == TcpCap::PerClient);
  }
  auto b1 = limiter.admit(b);
  auto v1 = limiter.admit(v6);
  REQUIRE(b1.has_value());
  REQUIRE(v1.has_value());
  CHECK_FALSE(limiter.admit(c, &cap).has_value());  // 3 of 3: the total, though c has none
  CHECK(cap == TcpCap::Total);
  CHECK_FALSE(limiter.admit(v6, &cap).has_value());
  CHECK(cap == TcpCap::Total);
  const TcpRefusals refused = limiter.take_refusals();
  CHECK(refused.over_per_client == 5);
  CHECK(refused.over_total == 2);
  CHECK(refused.count() == 7);
  CHECK(refused.busiest_client == "127.0.0.2");
  CHECK(refused.busiest_count == 5);
  CHECK(limiter.take_refusals().count() == 0);  // told once
  // IPv6 clients are named in their usual form.
  b1.reset();
  CHECK_FALSE(limiter.admit(v6, &cap).has_value());
  CHECK(cap == TcpCap::PerClient);
  const TcpRefusals v6_refused = limiter.take_refusals();
  CHECK(v6_refused.busiest_client == "2001:db8::1");
  CHECK(v6_refused.over_per_client == 1);
}

TEST_CASE("tcp: a warmed-up connection allocates nothing per query") {
  // The worker's io_context runs on this thread so that the allocation
  // counter sees the whole path: read completion, answers, write. Asio 1.74
  // recycles one handler block per thread, so the round's three operations
  // (read, write, deadline) may allocate their handler memory; the queries
  // themselves must add nothing.
  constexpr std::size_t kAsioOperationsPerRound = 3;
  constexpr std::uint16_t kQueries = 16;
  ServedZones served;
  WorkerContext context(served.zones, served.settings_ptr, served.rrl, served.stats.thread(0));
  context.reader = served.domain.register_reader();
  context.reader.offline();  // as in a worker between wake-ups
  const TcpLimits limits;
  ConnectionLimiter limiter(limits.max_connections, limits.max_connections_per_client);
  boost::asio::io_context io;
  auto fd = open_listen_socket({"127.0.0.1", 20419}, SocketKind::Tcp);
  REQUIRE(fd.ok());
  TcpListener listener(io, std::move(*fd), context, limits, limiter);
  listener.start();
  UniqueFd client = tcp_connect("127.0.0.1", socket_address("127.0.0.1", 20419));

  std::vector<std::uint8_t> queries;
  for (std::uint16_t id = 0; id < kQueries; ++id) {
    const auto one = framed(make_query("www.example.com.", RRType::A, {.id = id}));
    queries.insert(queries.end(), one.begin(), one.end());
  }
  const auto round = [&] {
    tcp_send(client.get(), queries);
    // Until the answers are written (the handlers then go idle).
    for (int i = 0; i < 200 && !wait_readable(client.get(), 0ms); ++i) io.run_for(5ms);
    io.run_for(20ms);
  };
  const auto receive_all = [&] {
    for (std::uint16_t id = 0; id < kQueries; ++id) {
      const auto reply = tcp_receive(client.get());
      REQUIRE(reply.has_value());
      CHECK(read_response(*reply).id == id);
    }
  };
  round();  // warm-up: accept, buffers, Asio's handler memory
  receive_all();
  {
    const zoned::test::AllocationCounter counter;
    round();
    CHECK(counter.count() <= kAsioOperationsPerRound);
  }
  receive_all();
  listener.close();
}
