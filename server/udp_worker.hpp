#pragma once
// UdpWorker: one worker's SO_REUSEPORT UDP socket on one listen address.
// When the Asio reactor reports the socket readable, it drains it in batches:
// recvmmsg up to kBatchSize datagrams, answer each with the worker's engine,
// sendmmsg the answers, until the socket would block. Every buffer is made in
// the constructor; from receive to send nothing allocates and nothing locks.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "server/socket_util.hpp"
#include "server/worker_context.hpp"

namespace zoned::server {

class UdpWorker {
 public:
  // Datagrams per recvmmsg/sendmmsg call.
  static constexpr std::size_t kBatchSize = 32;
  // Batches drained per wake-up before yielding to the worker's other sockets.
  static constexpr std::size_t kMaxBatchesPerWakeup = 16;
  // Each slot holds a query and then its answer (at most kMaxResponseSize).
  static constexpr std::size_t kSlotSize = kMaxResponseSize;

  // Takes ownership of `fd` (from open_listen_socket, SocketKind::Udp).
  // Throws boost::system::system_error if the reactor cannot take it.
  // `destination_control`: the socket reports each datagram's destination
  // (wildcard address), which the reply must then name as its source.
  UdpWorker(boost::asio::io_context& io, UniqueFd fd, bool destination_control,
            WorkerContext& context);
  UdpWorker(const UdpWorker&) = delete;
  UdpWorker& operator=(const UdpWorker&) = delete;

  // Waits for the socket to become readable and drains it, again and again,
  // until close().
  void start();
  void close() noexcept;

  // One batch: receive what is waiting (up to kBatchSize), answer, send.
  // Returns how many datagrams were received (0 when none was waiting). The
  // caller must be online on context.reader.
  [[nodiscard]] std::size_t drain_once() noexcept;

 private:
  // Room for one IP_PKTINFO or IPV6_PKTINFO control message.
  static constexpr std::size_t kControlSize =
      CMSG_SPACE(sizeof(in6_pktinfo)) > CMSG_SPACE(sizeof(in_pktinfo))
          ? CMSG_SPACE(sizeof(in6_pktinfo))
          : CMSG_SPACE(sizeof(in_pktinfo));
  struct alignas(cmsghdr) ControlBuffer {
    std::array<std::uint8_t, kControlSize> bytes;
  };

  void wait_readable();
  void on_readable(const boost::system::error_code& error);
  // Re-points the receive headers at their buffers (the kernel overwrites
  // the lengths); only the `dirty_slots_` the last batch used.
  void prepare_receive() noexcept;
  // Turns the query's destination into the reply's source address, in
  // place; false when the datagram carried none.
  [[nodiscard]] bool reply_source_from_destination(msghdr& received) noexcept;
  void send_replies(std::size_t count) noexcept;

  boost::asio::ip::udp::socket socket_;
  bool destination_control_;
  WorkerContext& context_;

  std::unique_ptr<std::uint8_t[]> slots_;  // kBatchSize × kSlotSize, not zeroed
  // Receive headers [0, dirty_slots_) may differ from what prepare_receive()
  // sets: one query per wake-up then costs one header reset, not kBatchSize.
  std::size_t dirty_slots_ = kBatchSize;
  std::array<mmsghdr, kBatchSize> received_{};
  std::array<iovec, kBatchSize> received_data_{};
  std::array<sockaddr_storage, kBatchSize> peers_{};
  std::array<ControlBuffer, kBatchSize> control_{};
  std::array<mmsghdr, kBatchSize> replies_{};
  std::array<iovec, kBatchSize> reply_data_{};
};

}  // namespace zoned::server
