#pragma once
// Listening sockets for the workers: resolving "ADDR@PORT", opening bound
// SO_REUSEPORT sockets (IPv6 ones IPV6_V6ONLY), and reading a
// client's address bytes. Start-up code only, except client_address().
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "dns/result.hpp"
#include "server/config/config.hpp"

namespace zoned::server {

// Kernel receive buffer asked for on UDP sockets: room for a burst of queries
// while a worker is busy (the kernel caps it at net.core.rmem_max).
inline constexpr int kUdpReceiveBuffer = 4 * 1024 * 1024;
// Pending connections queued by the kernel per TCP listening socket.
inline constexpr int kTcpBacklog = 1024;

enum class SocketKind : std::uint8_t { Udp, Tcp };

// An owned file descriptor (closed on destruction).
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  [[nodiscard]] int get() const noexcept { return fd_; }
  // Gives up ownership (to an Asio socket).
  [[nodiscard]] int release() noexcept;

 private:
  int fd_ = -1;
};

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  [[nodiscard]] int family() const noexcept { return storage.ss_family; }
  [[nodiscard]] const sockaddr* get() const noexcept {
    return reinterpret_cast<const sockaddr*>(&storage);
  }
};

// "127.0.0.1@53", "::1@53": how addresses are named in logs and errors.
[[nodiscard]] std::string describe(const ListenAddress& address);

// Numeric IPv4 or IPv6 address and port → sockaddr.
[[nodiscard]] Result<SocketAddress> resolve(const ListenAddress& address);

// True for 0.0.0.0 and ::, where replies must carry the query's destination
// address explicitly (IP_PKTINFO / IPV6_PKTINFO).
[[nodiscard]] bool is_wildcard(const SocketAddress& address) noexcept;

// Binds `address` once without SO_REUSEPORT and closes the socket again: with
// SO_REUSEPORT alone, a second server of the same user would bind the same
// port silently and steal half of the queries; this makes it an error.
[[nodiscard]] Result<bool> probe_exclusive(const ListenAddress& address, SocketKind kind);

// A bound SO_REUSEPORT socket: UDP blocking, TCP listening and
// non-blocking. Errors
// name the address: "127.0.0.1@53: Address already in use".
[[nodiscard]] Result<UniqueFd> open_listen_socket(const ListenAddress& address, SocketKind kind);

// The client's address bytes (4 for IPv4, 16 for IPv6) written to `out`;
// returns how many (0 for other families). No allocation.
[[nodiscard]] std::size_t client_address(const sockaddr* from,
                                         std::span<std::uint8_t, 16> out) noexcept;

}  // namespace zoned::server
