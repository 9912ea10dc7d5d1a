#include "server/network/udp_worker.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <thread>
#include <utility>

namespace zoned::server {

namespace {

// After an unexpected receive error, wait this long before the next try, so
// that a lasting error cannot spin the thread.
constexpr auto kErrorBackoff = std::chrono::milliseconds(10);
// A lasting error is logged once a minute, not at every try.
constexpr auto kErrorReportInterval = std::chrono::seconds(60);

}  // namespace

UdpWorker::UdpWorker(UniqueFd fd, std::string name, bool destination_control,
                     WorkerContext& context)
    : fd_(std::move(fd)),
      name_(std::move(name)),
      destination_control_(destination_control),
      context_(context),
      slots_(new std::uint8_t[kBatchSize * kSlotSize]) {
  for (std::size_t i = 0; i < kBatchSize; ++i) {
    msghdr& in = received_[i].msg_hdr;
    in.msg_name = &peers_[i];
    in.msg_iov = &received_data_[i];
    in.msg_iovlen = 1;
    msghdr& out = replies_[i].msg_hdr;
    out.msg_iov = &reply_data_[i];
    out.msg_iovlen = 1;
  }
}

UdpWorker::~UdpWorker() { stop(); }

void UdpWorker::start(zone::ReclaimDomain& domain) {
  // Offline while the thread waits for queries, so that an idle thread
  // never holds reclamation back.
  context_.reader = domain.register_reader();
  context_.reader.offline();
  thread_ = std::thread([this] { serve(); });
  // As `top -H` and `ps -L` show it (15 characters at most).
  (void)::pthread_setname_np(thread_.native_handle(), "zoned-udp");
}

void UdpWorker::stop() noexcept {
  if (fd_.get() < 0) return;
  stopping_.store(true, std::memory_order_release);
  // Wakes a recvmmsg blocked on the socket, and makes every later one return
  // at once (Linux does so even for an unconnected UDP socket, though the
  // call itself reports ENOTCONN).
  (void)::shutdown(fd_.get(), SHUT_RD);
  if (thread_.joinable()) {
    thread_.join();
    context_.reader = {};
  }
  fd_ = UniqueFd();
}

void UdpWorker::serve() noexcept {
  while (!stopping_.load(std::memory_order_acquire)) {
    const std::size_t got = receive(MSG_WAITFORONE);  // waits for the first datagram
    if (stopping_.load(std::memory_order_acquire)) break;
    if (got == 0) {
      report_receive_error(errno);
      std::this_thread::sleep_for(kErrorBackoff);
      continue;
    }
    OnlineSection online(context_.reader);
    answer(got);
  }
}

void UdpWorker::report_receive_error(int error) noexcept {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_error_report_) return;
  next_error_report_ = now + kErrorReportInterval;
  spdlog::warn("udp {}: receiving failed: {}; retrying every {} ms", name_, std::strerror(error),
               kErrorBackoff.count());
}

void UdpWorker::prepare_receive() noexcept {
  for (std::size_t i = 0; i < dirty_slots_; ++i) {
    received_data_[i] = {slots_.get() + i * kSlotSize, kSlotSize};
    msghdr& in = received_[i].msg_hdr;
    in.msg_namelen = sizeof(sockaddr_storage);
    in.msg_control = destination_control_ ? control_[i].bytes.data() : nullptr;
    in.msg_controllen = destination_control_ ? kControlSize : 0;
    in.msg_flags = 0;
  }
  dirty_slots_ = 0;
}

std::size_t UdpWorker::drain_once() noexcept {
  const std::size_t got = receive(MSG_DONTWAIT);
  if (got != 0) answer(got);
  return got;
}

std::size_t UdpWorker::receive(int flags) noexcept {
  prepare_receive();
  int got;
  do {
    got = ::recvmmsg(fd_.get(), received_.data(), kBatchSize, flags, nullptr);
  } while (got < 0 && errno == EINTR);
  if (got <= 0) {
    // EAGAIN writes no header; after another error, reset them all.
    if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) dirty_slots_ = kBatchSize;
    return 0;
  }
  dirty_slots_ = static_cast<std::size_t>(got);
  return dirty_slots_;
}

void UdpWorker::answer(std::size_t count) noexcept {
  const auto now = static_cast<std::uint32_t>(std::time(nullptr));
  std::size_t replies = 0;
  std::array<std::uint8_t, 16> address{};
  for (std::size_t i = 0; i < count; ++i) {
    msghdr& in = received_[i].msg_hdr;
    // MSG_TRUNC cannot happen with kSlotSize slots, but a cut query must
    // never be answered as if it were whole.
    if ((in.msg_flags & MSG_TRUNC) != 0) continue;
    const std::size_t address_size = client_address(reinterpret_cast<const sockaddr*>(&peers_[i]), address);
    const Request request{
        .message = {static_cast<const std::uint8_t*>(received_data_[i].iov_base),
                    received_[i].msg_len},
        .transport = Transport::Udp,
        .client_address = {address.data(), address_size},
        .now = now,
    };
    const Outcome outcome = context_.engine.answer(request, context_.response_buffer());
    std::size_t size = outcome.size;
    const RrlAction action =
        size == 0 ? RrlAction::Pass
                  : context_.rrl.check(request, outcome, context_.response_buffer(), size);
    context_.counters.record(Transport::Udp, outcome, action);
    if (size == 0 || action == RrlAction::Drop) continue;
    // The query is done with: its slot takes the answer.
    std::memcpy(received_data_[i].iov_base, context_.response.get(), size);
    msghdr& out = replies_[replies].msg_hdr;
    reply_data_[replies] = {received_data_[i].iov_base, size};
    out.msg_name = in.msg_name;
    out.msg_namelen = in.msg_namelen;
    if (destination_control_ && reply_source_from_destination(in)) {
      out.msg_control = in.msg_control;
      out.msg_controllen = in.msg_controllen;
    } else {
      out.msg_control = nullptr;
      out.msg_controllen = 0;
    }
    ++replies;
  }
  send_replies(replies);
}

bool UdpWorker::reply_source_from_destination(msghdr& received) noexcept {
  for (cmsghdr* c = CMSG_FIRSTHDR(&received); c != nullptr; c = CMSG_NXTHDR(&received, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      // Source = where the query went; let routing pick the interface.
      info.ipi_spec_dst = info.ipi_addr;
      info.ipi_ifindex = 0;
      std::memcpy(CMSG_DATA(c), &info, sizeof info);
      received.msg_control = c;
      received.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
      return true;
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      // Sent back as is: ipi6_addr becomes the source, and the interface
      // index keeps link-local replies on their link.
      received.msg_control = c;
      received.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
      return true;
    }
  }
  return false;
}

void UdpWorker::send_replies(std::size_t count) noexcept {
  std::size_t sent = 0;
  while (sent < count) {
    const int n = ::sendmmsg(fd_.get(), replies_.data() + sent,
                             static_cast<unsigned>(count - sent), MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;  // send buffer full: drop the rest rather than stall the worker (UDP)
    } else {
      ++sent;  // this one destination failed (e.g. unreachable): skip it
    }
  }
}

}  // namespace zoned::server
