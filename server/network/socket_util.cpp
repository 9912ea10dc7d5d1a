#include "server/network/socket_util.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace zoned::server {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::release() noexcept {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

std::string describe(const ListenAddress& address) {
  return address.address + "@" + std::to_string(address.port);
}

Result<SocketAddress> resolve(const ListenAddress& address) {
  SocketAddress out;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
  if (inet_pton(AF_INET, address.address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(address.port);
    out.length = sizeof(sockaddr_in);
    return out;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  if (inet_pton(AF_INET6, address.address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(address.port);
    out.length = sizeof(sockaddr_in6);
    return out;
  }
  return Error{describe(address) + ": not a numeric IPv4 or IPv6 address"};
}

bool is_wildcard(const SocketAddress& address) noexcept {
  if (address.family() == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(&address.storage)->sin_addr.s_addr ==
           htonl(INADDR_ANY);
  }
  const auto& v6 = reinterpret_cast<const sockaddr_in6*>(&address.storage)->sin6_addr;
  return IN6_IS_ADDR_UNSPECIFIED(&v6);
}

namespace {

Error system_error(const ListenAddress& address, std::string_view what, int error) {
  std::string message = describe(address) + ": ";
  if (!what.empty()) message.append(what).append(": ");
  return Error{message + std::system_category().message(error)};
}

[[nodiscard]] bool set_int_option(int fd, int level, int option, int value) noexcept {
  return ::setsockopt(fd, level, option, &value, sizeof value) == 0;
}

// A socket of the right family and type, not yet bound: UDP blocking (its
// UdpWorker thread waits in recvmmsg), TCP non-blocking (the Asio reactor).
Result<UniqueFd> make_socket(const ListenAddress& address, const SocketAddress& where,
                             SocketKind kind) {
  const int type = kind == SocketKind::Udp ? SOCK_DGRAM : SOCK_STREAM | SOCK_NONBLOCK;
  UniqueFd fd(::socket(where.family(), type | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return system_error(address, "socket", errno);
  // A wildcard :: must not also take IPv4: 0.0.0.0 is its own listen entry.
  if (where.family() == AF_INET6 && !set_int_option(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, 1)) {
    return system_error(address, "IPV6_V6ONLY", errno);
  }
  return fd;
}

Result<bool> bind_to(const ListenAddress& address, const SocketAddress& where, int fd) {
  if (::bind(fd, where.get(), where.length) != 0) return system_error(address, "", errno);
  return true;
}

// Replies from a wildcard socket must leave from the address the query came
// to; the kernel tells it with each datagram when asked.
Result<bool> ask_for_destination(const ListenAddress& address, const SocketAddress& where,
                                 int fd) {
  const bool ok = where.family() == AF_INET
                      ? set_int_option(fd, IPPROTO_IP, IP_PKTINFO, 1)
                      : set_int_option(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
  if (!ok) return system_error(address, "PKTINFO", errno);
  return true;
}

}  // namespace

Result<bool> probe_exclusive(const ListenAddress& address, SocketKind kind) {
  auto where = resolve(address);
  if (!where) return Error{where.error()};
  auto fd = make_socket(address, *where, kind);
  if (!fd) return Error{fd.error()};
  // TCP: SO_REUSEADDR only lets us past TIME_WAIT leftovers of an earlier
  // run; a live listener still conflicts.
  if (kind == SocketKind::Tcp && !set_int_option(fd->get(), SOL_SOCKET, SO_REUSEADDR, 1)) {
    return system_error(address, "SO_REUSEADDR", errno);
  }
  return bind_to(address, *where, fd->get());
}

Result<UniqueFd> open_listen_socket(const ListenAddress& address, SocketKind kind) {
  auto where = resolve(address);
  if (!where) return Error{where.error()};
  auto made = make_socket(address, *where, kind);
  if (!made) return Error{made.error()};
  UniqueFd fd = std::move(*made);
  if (!set_int_option(fd.get(), SOL_SOCKET, SO_REUSEPORT, 1)) {
    return system_error(address, "SO_REUSEPORT", errno);
  }
  if (kind == SocketKind::Udp) {
    // Best effort: a smaller buffer than asked for is not an error.
    (void)set_int_option(fd.get(), SOL_SOCKET, SO_RCVBUF, kUdpReceiveBuffer);
    if (is_wildcard(*where)) {
      if (auto asked = ask_for_destination(address, *where, fd.get()); !asked) {
        return Error{asked.error()};
      }
    }
  } else if (!set_int_option(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1)) {
    return system_error(address, "SO_REUSEADDR", errno);
  }
  if (auto bound = bind_to(address, *where, fd.get()); !bound) return Error{bound.error()};
  if (kind == SocketKind::Tcp && ::listen(fd.get(), kTcpBacklog) != 0) {
    return system_error(address, "listen", errno);
  }
  return fd;
}

std::size_t client_address(const sockaddr* from, std::span<std::uint8_t, 16> out) noexcept {
  if (from->sa_family == AF_INET) {
    std::memcpy(out.data(), &reinterpret_cast<const sockaddr_in*>(from)->sin_addr, 4);
    return 4;
  }
  if (from->sa_family == AF_INET6) {
    std::memcpy(out.data(), &reinterpret_cast<const sockaddr_in6*>(from)->sin6_addr, 16);
    return 16;
  }
  return 0;
}

}  // namespace zoned::server
