// null_server: the ceiling of the query benchmark (bench/query_bench.py).
// It answers every DNS query by echoing it back with QR set, over UDP
// (recvmmsg/sendmmsg batches, as a fast server drains its socket) and over
// TCP (RFC 1035 4.2.2 two-octet length framing, pipelined). It does no DNS
// work at all, so the rate dnsperf reaches against it is what the load
// generator and the kernel allow, and its CPU per query is the transport
// floor. One thread; standard library and POSIX only; stop it with SIGTERM.
//
// usage: null_server PORT [ADDRESS]     (ADDRESS: numeric IPv4, default 127.0.0.1)
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t kBatch = 64;                 // datagrams per recvmmsg/sendmmsg
constexpr std::size_t kMaxUdpMessage = 65535;      // largest UDP payload
constexpr std::size_t kUdpBuffer = 4096;           // a query never needs more
constexpr std::size_t kDnsHeaderSize = 12;         // RFC 1035 4.1.1
constexpr std::uint8_t kQrBit = 0x80;              // in header octet 2
constexpr std::size_t kTcpLengthPrefix = 2;        // RFC 1035 4.2.2
constexpr std::size_t kTcpReadChunk = 16384;
constexpr std::size_t kMaxPendingOutput = 1 << 20; // stop reading a client that does not read
constexpr int kListenBacklog = 128;
constexpr int kSocketBuffer = 4 << 20;             // SO_RCVBUF/SO_SNDBUF asked for
constexpr std::size_t kMaxUdpRoundsPerPoll = 16;   // keep TCP clients served under UDP load

static_assert(kUdpBuffer <= kMaxUdpMessage);

void die(const char* what) {
  std::fprintf(stderr, "null_server: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

void set_nonblocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl");
}

// Turns a query into its echo: a message shorter than a header is left alone
// (the client drops it, as it would drop garbage).
void mark_response(std::uint8_t* message, std::size_t length) {
  if (length >= kDnsHeaderSize) message[2] |= kQrBit;
}

int bound_socket(int type, const sockaddr_in& address) {
  const int fd = socket(AF_INET, type, 0);
  if (fd < 0) die("socket");
  const int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) die("SO_REUSEADDR");
  if (type == SOCK_DGRAM) {
    // Best effort: the kernel caps these at net.core.{r,w}mem_max.
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketBuffer, sizeof kSocketBuffer);
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketBuffer, sizeof kSocketBuffer);
  }
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0) die("bind");
  return fd;
}

// recvmmsg/sendmmsg state for one batch, allocated once.
class UdpEcho {
 public:
  explicit UdpEcho(int fd) : fd_(fd) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      iov_[i] = {buffers_[i].data(), buffers_[i].size()};
      headers_[i].msg_hdr.msg_iov = &iov_[i];
      headers_[i].msg_hdr.msg_iovlen = 1;
      headers_[i].msg_hdr.msg_name = &peers_[i];
    }
  }

  // Echoes what is queued now; false once the socket is drained.
  bool echo_batch() {
    for (std::size_t i = 0; i < kBatch; ++i) {
      iov_[i].iov_len = buffers_[i].size();
      headers_[i].msg_hdr.msg_namelen = sizeof peers_[i];
    }
    const int received = recvmmsg(fd_, headers_.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (received < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return false;
      die("recvmmsg");
    }
    for (int i = 0; i < received; ++i) {
      mark_response(buffers_[i].data(), headers_[i].msg_len);
      iov_[i].iov_len = headers_[i].msg_len;
    }
    // A datagram the kernel cannot queue is dropped, as a real server's would be.
    int sent = 0;
    while (sent < received) {
      const int n = sendmmsg(fd_, headers_.data() + sent, static_cast<unsigned>(received - sent), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      sent += n;
    }
    return static_cast<std::size_t>(received) == kBatch;
  }

 private:
  int fd_;
  std::array<std::array<std::uint8_t, kUdpBuffer>, kBatch> buffers_{};
  std::array<iovec, kBatch> iov_{};
  std::array<mmsghdr, kBatch> headers_{};
  std::array<sockaddr_storage, kBatch> peers_{};
};

struct TcpClient {
  int fd = -1;
  std::vector<std::uint8_t> input;   // bytes read, not yet a whole message
  std::vector<std::uint8_t> output;  // echoes not yet written
  std::size_t output_sent = 0;
};

// Moves every whole length-prefixed message from input to output, echoed.
void echo_frames(TcpClient& client) {
  std::size_t at = 0;
  while (client.input.size() - at >= kTcpLengthPrefix) {
    const std::size_t length = (std::size_t{client.input[at]} << 8) | client.input[at + 1];
    if (client.input.size() - at - kTcpLengthPrefix < length) break;
    const std::size_t start = client.output.size();
    client.output.insert(client.output.end(), client.input.begin() + static_cast<std::ptrdiff_t>(at),
                         client.input.begin() + static_cast<std::ptrdiff_t>(at + kTcpLengthPrefix + length));
    mark_response(client.output.data() + start + kTcpLengthPrefix, length);
    at += kTcpLengthPrefix + length;
  }
  client.input.erase(client.input.begin(), client.input.begin() + static_cast<std::ptrdiff_t>(at));
}

// Reads what is there and writes what it can; false when the client is gone.
bool serve_tcp(TcpClient& client, short revents) {
  if (revents & (POLLERR | POLLNVAL)) return false;
  if ((revents & (POLLIN | POLLHUP)) && client.output.size() < kMaxPendingOutput) {
    std::array<std::uint8_t, kTcpReadChunk> chunk;
    const ssize_t n = read(client.fd, chunk.data(), chunk.size());
    if (n == 0) return false;
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    if (n > 0) {
      client.input.insert(client.input.end(), chunk.begin(), chunk.begin() + n);
      echo_frames(client);
    }
  }
  while (client.output_sent < client.output.size()) {
    const ssize_t n = send(client.fd, client.output.data() + client.output_sent,
                           client.output.size() - client.output_sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      return false;
    }
    client.output_sent += static_cast<std::size_t>(n);
  }
  if (client.output_sent == client.output.size()) {
    client.output.clear();
    client.output_sent = 0;
  }
  return true;
}

bool parse_port(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint16_t port = 0;
  if (argc < 2 || argc > 3 || !parse_port(argv[1], port)) {
    std::fprintf(stderr, "usage: null_server PORT [ADDRESS]\n  PORT: 1..65535; ADDRESS: numeric IPv4 (default 127.0.0.1)\n");
    return 2;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  const char* host = argc == 3 ? argv[2] : "127.0.0.1";
  if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
    std::fprintf(stderr, "null_server: not a numeric IPv4 address: %s\n", host);
    return 2;
  }

  const int udp = bound_socket(SOCK_DGRAM, address);
  const int listener = bound_socket(SOCK_STREAM, address);
  if (listen(listener, kListenBacklog) < 0) die("listen");
  set_nonblocking(listener);
  UdpEcho udp_echo(udp);

  std::vector<TcpClient> clients;
  std::vector<pollfd> polled;
  for (;;) {
    polled.clear();
    polled.push_back({udp, POLLIN, 0});
    polled.push_back({listener, POLLIN, 0});
    for (const TcpClient& c : clients) {
      short events = c.output.size() < kMaxPendingOutput ? POLLIN : 0;
      if (!c.output.empty()) events |= POLLOUT;
      polled.push_back({c.fd, events, 0});
    }
    if (poll(polled.data(), polled.size(), -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (polled[0].revents & POLLIN) {
      for (std::size_t round = 0; round < kMaxUdpRoundsPerPoll && udp_echo.echo_batch(); ++round) {
      }
    }
    // Clients first (their pollfd entries follow the two sockets in order),
    // then new connections, so the indexes still match.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      const short revents = polled[i + 2].revents;
      if (revents == 0 || serve_tcp(clients[i], revents)) {
        if (kept != i) clients[kept] = std::move(clients[i]);
        ++kept;
      } else {
        close(clients[i].fd);
      }
    }
    clients.resize(kept);
    if (polled[1].revents & POLLIN) {
      for (;;) {
        const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
        if (fd < 0) break;  // EAGAIN, or a client that went away: nothing to do
        clients.push_back(TcpClient{fd, {}, {}, 0});
      }
    }
  }
}
