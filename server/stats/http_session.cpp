#include "server/stats/http_session.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <utility>

namespace zoned::server {

namespace http = boost::beast::http;

namespace {

HttpResponse plain_response(http::status status, std::string body) {
  HttpResponse response{status, 11};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::move(body);
  return response;
}

}  // namespace

HttpSession::HttpSession(boost::asio::ip::tcp::socket socket, const HttpLimits& limits,
                         Handler handler)
    : stream_(std::move(socket)),
      // Room for the header limit and a little more, so that the parser's
      // header_limit is what stops an oversized request.
      buffer_(limits.header_bytes + 1024),
      limits_(limits),
      handler_(std::move(handler)) {
  parser_.header_limit(limits.header_bytes);
}

void HttpSession::start() {
  stream_.expires_after(limits_.deadline);
  http::async_read(stream_, buffer_, parser_,
                   [self = shared_from_this()](const boost::system::error_code& error,
                                               std::size_t) { self->on_read(error); });
}

void HttpSession::close() noexcept {
  boost::system::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void HttpSession::on_read(const boost::system::error_code& error) {
  if (error == http::error::header_limit || error == http::error::buffer_overflow) {
    reply(plain_response(http::status::request_header_fields_too_large,
                         "request header too large\n"));
    return;
  }
  if (error == http::error::end_of_stream || error == boost::beast::error::timeout ||
      error == boost::asio::error::operation_aborted) {
    return;  // the client left, was too slow, or the server is stopping
  }
  if (error) {
    reply(plain_response(http::status::bad_request, "bad request\n"));
    return;
  }
  reply(handler_(parser_.get()));
}

void HttpSession::reply(HttpResponse response) {
  response_ = std::move(response);
  response_.keep_alive(false);
  response_.prepare_payload();
  stream_.expires_after(limits_.deadline);
  http::async_write(stream_, response_,
                    [self = shared_from_this()](const boost::system::error_code& error,
                                                std::size_t) { self->on_write(error); });
}

void HttpSession::on_write(const boost::system::error_code&) {
  // Connection: close. The request may not have been read whole (431, 400):
  // shut down sending only, so the client still gets the response.
  boost::system::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace zoned::server
