#pragma once
// AcceptLoop: a listening socket that accepts connections one after another
// and hands each to a callback, for DNS over TCP, the metrics endpoint and
// the control channel. After a failed accept (out of descriptors, ...) it
// waits kAcceptRetryDelay before the next one: the cause usually lasts, and
// retrying at once would spin the thread that also serves the connections.
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <utility>

namespace zoned::server {

inline constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

template <class Protocol>
class AcceptLoop {
 public:
  using Acceptor = boost::asio::basic_socket_acceptor<Protocol>;
  using Socket = typename Protocol::socket;
  using Serve = std::function<void(Socket)>;

  explicit AcceptLoop(boost::asio::io_context& io) : io_(io), acceptor_(io), retry_timer_(io) {}
  AcceptLoop(const AcceptLoop&) = delete;
  AcceptLoop& operator=(const AcceptLoop&) = delete;

  // Opened, bound and listening by the owner before start().
  [[nodiscard]] Acceptor& acceptor() noexcept { return acceptor_; }

  // Calls serve(socket) for every accepted connection until close().
  void start(Serve serve) {
    serve_ = std::move(serve);
    accept_next();
  }
  void close() noexcept {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
  }

 private:
  void accept_next() {
    acceptor_.async_accept(io_, [this](const boost::system::error_code& error, Socket socket) {
      if (error == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;  // closed
      if (error) {
        retry_timer_.expires_after(kAcceptRetryDelay);
        retry_timer_.async_wait([this](const boost::system::error_code& cancelled) {
          if (!cancelled) accept_next();
        });
        return;
      }
      serve_(std::move(socket));
      accept_next();
    });
  }

  boost::asio::io_context& io_;
  Acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  Serve serve_;
};

}  // namespace zoned::server
