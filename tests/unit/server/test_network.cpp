// Network start-up and shutdown, and UDP: answers over IPv4 and IPv6, several
// workers on one SO_REUSEPORT address, bind errors, and an allocation-free
// drain from recvmmsg to sendmmsg, a UDP thread's start, stop and receive
// errors. Loopback, ports 20400-20409.
#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "alloc_counter.hpp"
#include "log_capture.hpp"
#include "network_test_util.hpp"
#include "server/network/udp_worker.hpp"
#include "server/network/worker_context.hpp"

using namespace zoned;
using namespace zoned::server;
using namespace zoned::server::test;
using dns::RRType;

TEST_CASE("network: UDP queries are answered by every worker of a SO_REUSEPORT address") {
  ServedZones served;
  Network network(network_settings("127.0.0.1", 20400, 2), served.zones, served.domain,
                  served.settings_ptr, served.rrl, served.stats);
  REQUIRE(network.start().ok());
  const SocketAddress server = socket_address("127.0.0.1", 20400);
  // The kernel spreads clients over the two sockets by address and port:
  // with 24 clients, a worker that did not answer would leave some unanswered.
  constexpr std::uint16_t kClients = 24;
  for (std::uint16_t i = 0; i < kClients; ++i) {
    UniqueFd client = udp_client();
    udp_send(client.get(), server, make_query("www.example.com.", RRType::A, {.id = i}));
    const auto reply = udp_receive(client.get());
    REQUIRE(reply.has_value());
    const Response response = read_response(*reply);
    CHECK(response.id == i);
    CHECK(response.rcode == dns::Rcode::NOERROR);
    CHECK(response.aa());
    CHECK(response.answer == Lines{"www.example.com. 3600 IN A 192.0.2.2"});
  }
}

TEST_CASE("network: IPv6 listen address over UDP and TCP") {
  ServedZones served;
  Network network(network_settings("::1", 20401), served.zones, served.domain,
                  served.settings_ptr, served.rrl, served.stats);
  REQUIRE(network.start().ok());
  const SocketAddress server = socket_address("::1", 20401);

  UniqueFd udp = udp_client("::1");
  udp_send(udp.get(), server, make_query("www.example.com.", RRType::A, {.id = 6}));
  const auto udp_reply = udp_receive(udp.get());
  REQUIRE(udp_reply.has_value());
  CHECK(read_response(*udp_reply).id == 6);

  UniqueFd tcp = tcp_connect("::1", server);
  tcp_send(tcp.get(), framed(make_query("www.example.com.", RRType::A, {.id = 7})));
  const auto tcp_reply = tcp_receive(tcp.get());
  REQUIRE(tcp_reply.has_value());
  CHECK(read_response(*tcp_reply).id == 7);
}

TEST_CASE("network: a busy address is an error naming it, and nothing stays open") {
  ServedZones served;
  // Another program holds 127.0.0.1@20402 for UDP, the ordinary way.
  UniqueFd squatter(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  const SocketAddress taken = socket_address("127.0.0.1", 20402);
  REQUIRE(::bind(squatter.get(), taken.get(), taken.length) == 0);
  NetworkSettings settings = network_settings("127.0.0.1", 20403, 2);
  settings.listen.push_back({"127.0.0.1", 20402});
  Network network(settings, served.zones, served.domain, served.settings_ptr, served.rrl,
                  served.stats);
  const auto started = network.start();
  REQUIRE_FALSE(started.ok());
  CHECK(started.error() == "127.0.0.1@20402: Address already in use");
  // The first address was free: it must have been released again.
  for (const SocketKind kind : {SocketKind::Udp, SocketKind::Tcp}) {
    CHECK(probe_exclusive({"127.0.0.1", 20403}, kind).ok());
  }
  squatter = UniqueFd();
  CHECK(network.start().ok());
}

// How many of this process's threads are named `name` (/proc/self/task/*/comm).
std::size_t threads_named(const std::string& name) {
  std::size_t count = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string line;
    if (std::getline(comm, line) && line == name) ++count;
  }
  return count;
}

TEST_CASE("network: a thread per UDP socket and one for TCP per worker, named for top -H") {
  ServedZones served;
  NetworkSettings settings = network_settings("127.0.0.1", 20404, 3);
  settings.listen.push_back({"::1", 20404});
  Network network(settings, served.zones, served.domain, served.settings_ptr, served.rrl,
                  served.stats);
  REQUIRE(network.start().ok());
  CHECK(threads_named("zoned-udp") == 6);
  CHECK(threads_named("zoned-tcp") == 3);
  network.stop();
  CHECK(threads_named("zoned-udp") == 0);
  CHECK(threads_named("zoned-tcp") == 0);
}

TEST_CASE("network: describe_sockets names each address and how many workers serve it") {
  ServedZones served;
  NetworkSettings settings = network_settings("127.0.0.1", 20404, 3);
  settings.listen.push_back({"::1", 20404});
  const Network network(settings, served.zones, served.domain, served.settings_ptr, served.rrl,
                  served.stats);
  CHECK(network.describe_sockets() == std::vector<std::string>{"udp 127.0.0.1@20404 x3",
                                                               "tcp 127.0.0.1@20404 x3",
                                                               "udp ::1@20404 x3",
                                                               "tcp ::1@20404 x3"});
}

TEST_CASE("network: stop() with clients connected returns promptly and closes them") {
  ServedZones served;
  Network network(network_settings("127.0.0.1", 20405, 2), served.zones, served.domain,
                  served.settings_ptr, served.rrl, served.stats);
  REQUIRE(network.start().ok());
  const SocketAddress server = socket_address("127.0.0.1", 20405);
  std::vector<UniqueFd> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(tcp_connect("127.0.0.1", server));
  // One client half way through a message.
  tcp_send(clients[0].get(), std::vector<std::uint8_t>{0, 40, 1, 2});
  tcp_send(clients[1].get(), framed(make_query("www.example.com.", RRType::A)));
  REQUIRE(tcp_receive(clients[1].get()).has_value());

  const auto before = std::chrono::steady_clock::now();
  network.stop();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::milliseconds(500));
  for (const UniqueFd& client : clients) CHECK(closed_by_server(client.get()));
  network.stop();  // idempotent
}

TEST_CASE("udp worker: its thread answers until stop(), which returns at once while it waits") {
  ServedZones served;
  WorkerContext context(served.zones, served.settings_ptr, served.rrl, served.stats.thread(5));
  auto fd = open_listen_socket({"127.0.0.1", 20409}, SocketKind::Udp);
  REQUIRE(fd.ok());
  UdpWorker worker(std::move(*fd), "127.0.0.1@20409", false, context);
  worker.start(served.domain);
  const SocketAddress server = socket_address("127.0.0.1", 20409);
  UniqueFd client = udp_client();

  constexpr std::uint16_t kBurst = 2 * UdpWorker::kBatchSize + 3;
  for (std::uint16_t id = 0; id < kBurst; ++id) {
    udp_send(client.get(), server, make_query("www.example.com.", RRType::A, {.id = id}));
  }
  for (std::uint16_t id = 0; id < kBurst; ++id) {
    const auto reply = udp_receive(client.get());
    REQUIRE(reply.has_value());
    CHECK(read_response(*reply).id == id);
  }
  // Counted in the thread's own counters, the only ones written here.
  CHECK(served.stats.snapshot().queries(Transport::Udp) == kBurst);

  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // waiting in recvmmsg
  const auto before = std::chrono::steady_clock::now();
  worker.stop();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::milliseconds(500));
  worker.stop();  // idempotent
  udp_send(client.get(), server, make_query("www.example.com.", RRType::A, {.id = 1}));
  CHECK_FALSE(udp_receive(client.get(), std::chrono::milliseconds(200)).has_value());
}

TEST_CASE("udp worker: a receive that keeps failing is logged once, and stop() still works") {
  // recvmmsg on a pipe fails (ENOTSOCK) at every try.
  std::array<int, 2> pipe_ends{};
  REQUIRE(::pipe(pipe_ends.data()) == 0);
  const UniqueFd write_end(pipe_ends[1]);
  ServedZones served;
  WorkerContext context(served.zones, served.settings_ptr, served.rrl, served.stats.thread(0));
  LogCapture log;
  UdpWorker worker(UniqueFd{pipe_ends[0]}, "pipe@0", false, context);
  worker.start(served.domain);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // about ten tries
  const auto before = std::chrono::steady_clock::now();
  worker.stop();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::milliseconds(500));
  CHECK(log.text() == "udp pipe@0: receiving failed: Socket operation on non-socket; retrying every 10 ms\n");
}

TEST_CASE("udp worker: a drained burst of queries allocates nothing") {
  ServedZones served;
  WorkerContext context(served.zones, served.settings_ptr, served.rrl, served.stats.thread(0));
  context.reader = served.domain.register_reader();  // online, on this thread
  auto fd = open_listen_socket({"127.0.0.1", 20406}, SocketKind::Udp);
  REQUIRE(fd.ok());
  UdpWorker worker(std::move(*fd), "127.0.0.1@20406", false, context);
  const SocketAddress server = socket_address("127.0.0.1", 20406);
  UniqueFd client = udp_client();

  const auto send_burst = [&](std::uint16_t count) {
    for (std::uint16_t i = 0; i < count; ++i) {
      const auto type = i % 3 == 0 ? RRType::A : i % 3 == 1 ? RRType::TXT : RRType::SOA;
      const char* qname = i % 2 == 0 ? "www.example.com." : "nothing.example.com.";
      udp_send(client.get(), server, make_query(qname, type, {.id = i}));
    }
  };
  const auto receive_all = [&](std::uint16_t count) {
    for (std::uint16_t i = 0; i < count; ++i) {
      const auto reply = udp_receive(client.get());
      REQUIRE(reply.has_value());
      CHECK(read_response(*reply).id == i);
    }
  };

  send_burst(UdpWorker::kBatchSize);  // warm-up
  CHECK(worker.drain_once() == UdpWorker::kBatchSize);
  receive_all(UdpWorker::kBatchSize);

  constexpr std::uint16_t kBurst = 3 * UdpWorker::kBatchSize + 5;
  send_burst(kBurst);
  std::size_t drained = 0;
  {
    const zoned::test::AllocationCounter counter;
    for (std::size_t got = 1; got > 0;) {
      got = worker.drain_once();
      drained += got;
    }
    CHECK(counter.count() == 0);
  }
  CHECK(drained == kBurst);
  receive_all(kBurst);
  worker.stop();
}

TEST_CASE("udp worker: a datagram too short to answer is dropped, the next one answered") {
  ServedZones served;
  Network network(network_settings("127.0.0.1", 20407), served.zones, served.domain,
                  served.settings_ptr, served.rrl, served.stats);
  REQUIRE(network.start().ok());
  const SocketAddress server = socket_address("127.0.0.1", 20407);
  UniqueFd client = udp_client();
  udp_send(client.get(), server, std::vector<std::uint8_t>(5, 0));
  CHECK_FALSE(udp_receive(client.get(), std::chrono::milliseconds(200)).has_value());
  udp_send(client.get(), server, make_query("www.example.com.", RRType::A, {.id = 77}));
  const auto reply = udp_receive(client.get());
  REQUIRE(reply.has_value());
  CHECK(read_response(*reply).id == 77);
}

TEST_CASE("udp worker: replies name the query's destination as their source (IP_PKTINFO)") {
  // Wildcard sockets ask for each datagram's destination; the same path is
  // driven here on 127.0.0.1 so that the test stays on loopback.
  ServedZones served;
  WorkerContext context(served.zones, served.settings_ptr, served.rrl, served.stats.thread(0));
  context.reader = served.domain.register_reader();
  auto fd = open_listen_socket({"127.0.0.1", 20408}, SocketKind::Udp);
  REQUIRE(fd.ok());
  const int enable = 1;
  REQUIRE(::setsockopt(fd->get(), IPPROTO_IP, IP_PKTINFO, &enable, sizeof enable) == 0);
  UdpWorker worker(std::move(*fd), "127.0.0.1@20408", true, context);
  const SocketAddress server = socket_address("127.0.0.1", 20408);
  UniqueFd client = udp_client();
  for (std::uint16_t id = 0; id < 3; ++id) {
    udp_send(client.get(), server, make_query("www.example.com.", RRType::A, {.id = id}));
  }
  CHECK(worker.drain_once() == 3);
  for (std::uint16_t id = 0; id < 3; ++id) {
    REQUIRE(wait_readable(client.get()));
    std::array<std::uint8_t, 512> reply{};
    sockaddr_in from{};
    socklen_t from_length = sizeof from;
    const ssize_t n = ::recvfrom(client.get(), reply.data(), reply.size(), 0,
                                 reinterpret_cast<sockaddr*>(&from), &from_length);
    REQUIRE(n > 0);
    CHECK(read_response({reply.data(), static_cast<std::size_t>(n)}).id == id);
    CHECK(from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    CHECK(ntohs(from.sin_port) == 20408);
  }
  worker.stop();
}
