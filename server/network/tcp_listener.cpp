#include "server/network/tcp_listener.hpp"

#include <boost/system/system_error.hpp>
#include <memory>

#include "server/network/tcp_connection.hpp"

namespace zoned::server {

namespace {

boost::asio::ip::tcp protocol_of(int fd) {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0 &&
      local.ss_family == AF_INET6) {
    return boost::asio::ip::tcp::v6();
  }
  return boost::asio::ip::tcp::v4();
}

}  // namespace

TcpListener::TcpListener(boost::asio::io_context& io, UniqueFd fd, WorkerContext& context,
                         const TcpLimits& limits, ConnectionLimiter& limiter)
    : listener_(io),
      context_(context),
      limits_(limits),
      limiter_(limiter) {
  const auto protocol = protocol_of(fd.get());
  // Registering with the reactor can fail (start-up only); `fd` stays ours
  // until it has succeeded, so nothing leaks.
  boost::system::error_code error;
  listener_.acceptor().assign(protocol, fd.get(), error);
  if (error) throw boost::system::system_error(error);
  (void)fd.release();
}

void TcpListener::start() {
  listener_.start([this](boost::asio::ip::tcp::socket socket) { serve(std::move(socket)); });
}

void TcpListener::close() noexcept { listener_.close(); }

void TcpListener::serve(boost::asio::ip::tcp::socket socket) {
  boost::system::error_code error;
  const auto peer = socket.remote_endpoint(error);
  if (error) return;  // already gone; the socket closes here
  std::array<std::uint8_t, 16> address{};
  const std::size_t address_size = client_address(peer.data(), address);
  TcpCap refused_by = TcpCap::Total;
  auto ticket = limiter_.admit({address.data(), address_size}, &refused_by);
  if (!ticket) {  // over a cap: closed as `socket` goes out of scope
    if (refused_by == TcpCap::PerClient) {
      context_.counters.tcp_refused_per_client();
    } else {
      context_.counters.tcp_refused();
    }
    return;
  }
  context_.counters.tcp_accepted();
  // Answers are written whole; Nagle would hold back the next one.
  socket.set_option(boost::asio::ip::tcp::no_delay(true), error);
  std::make_shared<TcpConnection>(std::move(socket), context_, limits_, std::move(*ticket),
                                  std::span<const std::uint8_t>(address.data(), address_size))
      ->start();
}

}  // namespace zoned::server
