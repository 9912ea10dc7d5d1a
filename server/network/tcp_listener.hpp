#pragma once
// TcpListener: one worker's SO_REUSEPORT listening socket on one address.
// Every worker has its own, so the kernel spreads new connections over the
// workers and a connection stays on the worker that accepted it. A
// connection over the total or per-client cap (ConnectionLimiter) is
// accepted and closed at once: the kernel has already completed the
// handshake, and leaving it in the backlog would only make the client wait.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "server/base/accept_loop.hpp"
#include "server/config/config.hpp"
#include "server/network/connection_limiter.hpp"
#include "server/network/socket_util.hpp"
#include "server/network/worker_context.hpp"

namespace zoned::server {

class TcpListener {
 public:
  // Takes ownership of `fd` (from open_listen_socket, SocketKind::Tcp).
  // Throws boost::system::system_error if the reactor cannot take it.
  TcpListener(boost::asio::io_context& io, UniqueFd fd, WorkerContext& context,
              const TcpLimits& limits, ConnectionLimiter& limiter);
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  void start();
  void close() noexcept;

 private:
  void serve(boost::asio::ip::tcp::socket socket);

  AcceptLoop<boost::asio::ip::tcp> listener_;
  WorkerContext& context_;
  const TcpLimits& limits_;
  ConnectionLimiter& limiter_;
};

}  // namespace zoned::server
