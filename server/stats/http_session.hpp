#pragma once
// One HTTP/1.1 connection of the metrics endpoint (Boost.Beast): reads one
// request within bounded header size, no body and a deadline, writes the
// handler's response (or 431/400 for a request it could not take) and closes
// (Connection: close). Lives on the io_context's thread; owned by its pending
// operations (shared_from_this), so it refers to nothing that may go first.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>

namespace zoned::server {

using HttpRequest = boost::beast::http::request<boost::beast::http::empty_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct HttpLimits {
  std::uint32_t header_bytes = 8 * 1024;  // request line and fields; beyond: 431
  std::chrono::seconds deadline{10};      // to read the request and write the response
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  HttpSession(boost::asio::ip::tcp::socket socket, const HttpLimits& limits, Handler handler);

  void start();
  // Cancels whatever is pending; the session goes once its handlers have run.
  void close() noexcept;

 private:
  void on_read(const boost::system::error_code& error);
  void reply(HttpResponse response);
  void on_write(const boost::system::error_code& error);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request_parser<boost::beast::http::empty_body> parser_;
  HttpResponse response_;
  HttpLimits limits_;
  Handler handler_;
};

}  // namespace zoned::server
