#pragma once
// UdpWorker: one worker's SO_REUSEPORT UDP socket on one listen address, and
// the thread that serves it: a blocking recvmmsg of up to kBatchSize
// datagrams (returning as soon as one has arrived), an answer for each from
// the thread's own engine, one sendmmsg for the answers, again and again.
// Every buffer is made in the constructor; from receive to send nothing
// allocates and nothing locks.
//
// Why a thread blocked in recvmmsg and not the Asio reactor: a wake-up then
// costs two system calls, not four (epoll_wait, recvmmsg, sendmmsg, and the
// epoll_ctl re-arm of every async_wait), and no scheduler work; about 10 %
// of the CPU per query at saturation (bench/README.md, docs/DECISIONS.md).
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "server/network/socket_util.hpp"
#include "server/network/worker_context.hpp"
#include "zone/qsbr.hpp"

namespace zoned::server {

class UdpWorker {
 public:
  // Datagrams per recvmmsg/sendmmsg call.
  static constexpr std::size_t kBatchSize = 32;
  // Each slot holds a query and then its answer (at most kMaxResponseSize).
  static constexpr std::size_t kSlotSize = kMaxResponseSize;

  // Takes ownership of `fd` (from open_listen_socket, SocketKind::Udp).
  // `destination_control`: the socket reports each datagram's destination
  // (wildcard address), which the reply must then name as its source.
  // `context` is this socket's alone (its thread's engine and counters).
  // `name` ("127.0.0.1@53") is for logs.
  UdpWorker(UniqueFd fd, std::string name, bool destination_control, WorkerContext& context);
  UdpWorker(const UdpWorker&) = delete;
  UdpWorker& operator=(const UdpWorker&) = delete;
  ~UdpWorker();  // stop()

  // Registers context.reader on `domain` and starts the thread serving the
  // socket, which alone uses the context from then on. Throws
  // std::system_error if the thread cannot start.
  void start(zone::ReclaimDomain& domain);
  // Wakes the thread, joins it, closes the socket. Idempotent.
  void stop() noexcept;

  // One batch without waiting: receive what is waiting (up to kBatchSize),
  // answer, send. Returns how many datagrams were received (0 when none
  // was waiting). For tests, which drive the worker from their own thread,
  // online on context.reader; not to be mixed with start().
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

  // The thread: receive, answer, send, until stop().
  void serve() noexcept;
  // Up to kBatchSize datagrams (recvmmsg `flags`); how many (0 after EAGAIN
  // or an error).
  [[nodiscard]] std::size_t receive(int flags) noexcept;
  // Answers the `count` datagrams received and sends the answers. Online.
  void answer(std::size_t count) noexcept;
  // Logs a failed blocking receive, at most once per kErrorReportInterval.
  void report_receive_error(int error) noexcept;
  // Re-points the receive headers at their buffers (the kernel overwrites
  // the lengths); only the `dirty_slots_` the last batch used.
  void prepare_receive() noexcept;
  // Turns the query's destination into the reply's source address, in
  // place; false when the datagram carried none.
  [[nodiscard]] bool reply_source_from_destination(msghdr& received) noexcept;
  void send_replies(std::size_t count) noexcept;

  UniqueFd fd_;
  std::string name_;
  std::chrono::steady_clock::time_point next_error_report_{};
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

  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace zoned::server
