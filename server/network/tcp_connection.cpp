#include "server/network/tcp_connection.hpp"

#include <algorithm>
#include <boost/asio/write.hpp>
#include <ctime>
#include <optional>

namespace zoned::server {

namespace {

[[nodiscard]] std::size_t read_length(const std::uint8_t* p) noexcept {
  return static_cast<std::size_t>(p[0]) << 8 | p[1];
}

}  // namespace

TcpConnection::TcpConnection(boost::asio::ip::tcp::socket socket, WorkerContext& context,
                             const TcpLimits& limits, ConnectionLimiter::Ticket ticket,
                             std::span<const std::uint8_t> client_address)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      context_(context),
      limits_(limits),
      ticket_(std::move(ticket)),
      client_address_size_(std::min(client_address.size(), client_address_.size())),
      received_(kInitialReadBuffer),
      queued_answers_(kInitialWriteBuffer),
      written_answers_(kInitialWriteBuffer) {
  std::copy_n(client_address.begin(), client_address_size_, client_address_.begin());
}

void TcpConnection::start() { advance(); }

void TcpConnection::advance() {
  if (closed_) return;
  if (!answer_complete_messages()) {
    close();
    return;
  }
  if (!writing_ && queued_ > 0) write_queued();
  if (client_done_) {
    if (!writing_ && in_flight() == 0 && !has_complete_message()) {
      finish();
      return;
    }
  } else if (!reading_ && in_flight() < limits_.max_in_flight) {
    // Below the cap every complete message has been answered: read on.
    read_more();
  }
  set_deadline();
}

bool TcpConnection::has_complete_message() const noexcept {
  if (received_.size() < kLengthPrefixSize) return false;
  return received_.size() - kLengthPrefixSize >= read_length(received_.data());
}

bool TcpConnection::answer_complete_messages() {
  std::size_t offset = 0;
  std::optional<OnlineSection> online;
  std::uint32_t now = 0;
  while (in_flight() < limits_.max_in_flight &&
         received_.size() - offset >= kLengthPrefixSize) {
    const std::size_t length = read_length(received_.data() + offset);
    if (length < kMinMessageSize) return false;
    if (received_.size() - offset - kLengthPrefixSize < length) break;
    if (!online) {
      online.emplace(context_.reader);
      now = static_cast<std::uint32_t>(std::time(nullptr));
    }
    answer_one({received_.data() + offset + kLengthPrefixSize, length}, now);
    offset += kLengthPrefixSize + length;
  }
  received_.consume(offset);
  // Room for the whole of a message whose length is known.
  if (received_.size() >= kLengthPrefixSize) {
    received_.reserve(kLengthPrefixSize + read_length(received_.data()));
  }
  return true;
}

void TcpConnection::answer_one(std::span<const std::uint8_t> message, std::uint32_t now) {
  const Request request{
      .message = message,
      .transport = Transport::Tcp,
      .client_address = {client_address_.data(), client_address_size_},
      .now = now,
  };
  const Outcome outcome = context_.engine.answer(request, context_.response_buffer());
  context_.counters.record(Transport::Tcp, outcome, RrlAction::Pass);  // TCP is never rate limited
  if (outcome.size == 0) return;  // dropped: nothing to send, the stream goes on
  const auto frame = queued_answers_.prepare(kLengthPrefixSize + outcome.size);
  frame[0] = static_cast<std::uint8_t>(outcome.size >> 8);
  frame[1] = static_cast<std::uint8_t>(outcome.size);
  std::copy_n(context_.response.get(), outcome.size, frame.begin() + kLengthPrefixSize);
  queued_answers_.commit(frame.size());
  ++queued_;
}

void TcpConnection::read_more() {
  reading_ = true;
  const auto space = received_.free_space();
  socket_.async_read_some(boost::asio::buffer(space.data(), space.size()),
                          [self = shared_from_this()](const boost::system::error_code& error,
                                                      std::size_t bytes) {
                            self->on_read(error, bytes);
                          });
}

void TcpConnection::on_read(const boost::system::error_code& error, std::size_t bytes) {
  reading_ = false;
  if (closed_) return;
  if (error == boost::asio::error::eof) {
    client_done_ = true;
  } else if (error) {
    close();
    return;
  } else {
    received_.commit(bytes);
  }
  advance();
}

void TcpConnection::write_queued() {
  swap(queued_answers_, written_answers_);
  being_written_ = queued_;
  queued_ = 0;
  writing_ = true;
  boost::asio::async_write(
      socket_, boost::asio::buffer(written_answers_.data(), written_answers_.size()),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
        self->on_write(error);
      });
}

void TcpConnection::on_write(const boost::system::error_code& error) {
  writing_ = false;
  being_written_ = 0;
  written_answers_.clear();
  if (closed_) return;
  if (error) {
    close();
    return;
  }
  advance();
}

void TcpConnection::set_deadline() {
  const bool busy = writing_ || !received_.empty();
  const auto wanted = Clock::now() + (busy ? limits_.io_timeout : limits_.idle_timeout);
  const bool waiting = timer_generation_ != 0;
  const bool sooner = wanted < deadline_;
  deadline_ = wanted;
  // A later deadline is picked up when the current wait ends; a sooner one
  // needs a new wait.
  if (!waiting || sooner) wait_for_deadline();
}

void TcpConnection::wait_for_deadline() {
  const std::uint64_t generation = ++timer_generation_;
  timer_.expires_at(deadline_);
  timer_.async_wait([self = shared_from_this(), generation](const boost::system::error_code& error) {
    self->on_deadline(error, generation);
  });
}

void TcpConnection::on_deadline(const boost::system::error_code& error, std::uint64_t generation) {
  if (closed_ || error || generation != timer_generation_) return;  // closed or replaced
  if (Clock::now() >= deadline_) {
    close();
    return;
  }
  wait_for_deadline();
}

void TcpConnection::finish() {
  boost::system::error_code ignored;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  close();
}

void TcpConnection::close() noexcept {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
}

}  // namespace zoned::server
