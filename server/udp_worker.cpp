#include "server/udp_worker.hpp"

#include <boost/system/system_error.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace zoned::server {

namespace {

boost::asio::ip::udp protocol_of(int fd) {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0 &&
      local.ss_family == AF_INET6) {
    return boost::asio::ip::udp::v6();
  }
  return boost::asio::ip::udp::v4();
}

}  // namespace

UdpWorker::UdpWorker(boost::asio::io_context& io, UniqueFd fd, bool destination_control,
                     WorkerContext& context)
    : socket_(io),
      destination_control_(destination_control),
      context_(context),
      slots_(new std::uint8_t[kBatchSize * kSlotSize]) {
  const auto protocol = protocol_of(fd.get());
  // Registering with the reactor can fail (start-up only); `fd` stays ours
  // until it has succeeded, so nothing leaks.
  boost::system::error_code error;
  socket_.assign(protocol, fd.get(), error);
  if (error) throw boost::system::system_error(error);
  (void)fd.release();
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

void UdpWorker::start() { wait_readable(); }

void UdpWorker::close() noexcept {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void UdpWorker::wait_readable() {
  socket_.async_wait(boost::asio::socket_base::wait_read,
                     [this](const boost::system::error_code& error) { on_readable(error); });
}

void UdpWorker::on_readable(const boost::system::error_code& error) {
  if (error) return;  // closed
  {
    OnlineSection online(context_.reader);
    for (std::size_t batch = 0; batch < kMaxBatchesPerWakeup; ++batch) {
      const std::size_t received = drain_once();
      context_.reader.quiescent();
      if (received < kBatchSize) break;  // the socket is empty for now
    }
  }
  wait_readable();
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
  prepare_receive();
  int got;
  do {
    got = ::recvmmsg(socket_.native_handle(), received_.data(), kBatchSize, MSG_DONTWAIT, nullptr);
  } while (got < 0 && errno == EINTR);
  if (got <= 0) {
    // EAGAIN writes no header; after another error, reset them all.
    if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) dirty_slots_ = kBatchSize;
    return 0;  // the next wake-up shows a lasting error again
  }
  dirty_slots_ = static_cast<std::size_t>(got);

  const auto now = static_cast<std::uint32_t>(std::time(nullptr));
  std::size_t replies = 0;
  std::array<std::uint8_t, 16> address{};
  for (std::size_t i = 0; i < static_cast<std::size_t>(got); ++i) {
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
  return static_cast<std::size_t>(got);
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
    const int n = ::sendmmsg(socket_.native_handle(), replies_.data() + sent,
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
