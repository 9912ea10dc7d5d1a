#pragma once
// TcpConnection: one client's DNS-over-TCP stream (RFC 1035 §4.2.2, RFC 7766).
// Messages are read with their 2-byte length; complete ones are answered in
// order as they arrive (pipelining, §6.2.1.1) while up to max_in_flight
// answers wait to be written. At that cap reading stops until the client
// takes its answers, so a client that never reads cannot make us buffer
// without bound (CVE-2024-0760). Answers are appended, each behind its
// length, to one buffer that is written whole by one async_write.
//
// Deadlines: idle_timeout while nothing is pending between queries (RFC 7766
// §6.2.3, RFC 7828), io_timeout once a message is partly read or an answer
// is being written. A length below a DNS header closes the connection. When
// the client shuts its write side, the queries already read are answered,
// then we shut ours and close (no CLOSE_WAIT left: CVE-2022-0396).
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "server/config/config.hpp"
#include "server/network/byte_buffer.hpp"
#include "server/network/connection_limiter.hpp"
#include "server/network/worker_context.hpp"

namespace zoned::server {

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  // A message shorter than the DNS header cannot be a query (RFC 1035 §4.1.1).
  static constexpr std::size_t kMinMessageSize = 12;
  static constexpr std::size_t kLengthPrefixSize = 2;
  // Read buffer at accept: a few ordinary queries; grows to a whole
  // 64 KiB message only when a client announces one.
  static constexpr std::size_t kInitialReadBuffer = 4096;
  // Answer buffers at accept: a handful of ordinary answers.
  static constexpr std::size_t kInitialWriteBuffer = 4096;

  TcpConnection(boost::asio::ip::tcp::socket socket, WorkerContext& context,
                const TcpLimits& limits, ConnectionLimiter::Ticket ticket,
                std::span<const std::uint8_t> client_address);
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  void start();

 private:
  using Clock = std::chrono::steady_clock;

  // Moves the connection on after any event: answer what is complete, write,
  // read more or close, and set the deadline for what we now wait on.
  void advance();
  // Answers the complete messages read so far, up to the in-flight cap.
  // False when the stream is broken (length below a header).
  [[nodiscard]] bool answer_complete_messages();
  void answer_one(std::span<const std::uint8_t> message, std::uint32_t now);
  [[nodiscard]] bool has_complete_message() const noexcept;
  [[nodiscard]] std::size_t in_flight() const noexcept { return queued_ + being_written_; }

  void read_more();
  void on_read(const boost::system::error_code& error, std::size_t bytes);
  void write_queued();
  void on_write(const boost::system::error_code& error);

  void set_deadline();
  void wait_for_deadline();
  void on_deadline(const boost::system::error_code& error, std::uint64_t generation);

  // After the client's end of stream with everything answered (RFC 7766 §6.2.4).
  void finish();
  void close() noexcept;

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  WorkerContext& context_;
  const TcpLimits& limits_;
  ConnectionLimiter::Ticket ticket_;
  std::array<std::uint8_t, 16> client_address_{};
  std::size_t client_address_size_ = 0;

  ByteBuffer received_;
  ByteBuffer queued_answers_;    // framed answers not yet handed to a write
  ByteBuffer written_answers_;   // framed answers of the write in progress
  std::size_t queued_ = 0;
  std::size_t being_written_ = 0;

  bool reading_ = false;
  bool writing_ = false;
  bool client_done_ = false;     // end of stream read
  bool closed_ = false;

  Clock::time_point deadline_{};
  std::uint64_t timer_generation_ = 0;  // only the newest wait acts
};

}  // namespace zoned::server
