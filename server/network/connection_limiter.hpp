#pragma once
// ConnectionLimiter: the TCP connection caps shared by all workers (RFC 7766
// §6.2.2 asks servers to limit connections per client and in total). Taken at
// accept and given back when the connection closes; never on the query path,
// so a mutex is fine here.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>

namespace zoned::server {

// The cap that refused a connection.
enum class TcpCap : std::uint8_t { Total, PerClient };

// Connections refused since the last take_refusals(), for the log.
struct TcpRefusals {
  std::uint64_t over_total = 0;       // max-connections
  std::uint64_t over_per_client = 0;  // max-connections-per-client
  std::string busiest_client;         // the address refused most often ("" if none)
  std::uint64_t busiest_count = 0;
  [[nodiscard]] std::uint64_t count() const noexcept { return over_total + over_per_client; }
};

class ConnectionLimiter {
 public:
  ConnectionLimiter(std::size_t max_total, std::size_t max_per_client) noexcept
      : max_total_(max_total), max_per_client_(max_per_client) {}
  ConnectionLimiter(const ConnectionLimiter&) = delete;
  ConnectionLimiter& operator=(const ConnectionLimiter&) = delete;

  // Client key: address length, then up to 16 address bytes.
  using ClientKey = std::array<std::uint8_t, 17>;

  // One admitted connection; gives its place back when destroyed. The
  // limiter must outlive it.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept : limiter_(other.limiter_), client_(other.client_) {
      other.limiter_ = nullptr;
    }
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() {
      if (limiter_ != nullptr) limiter_->release(client_);
    }

   private:
    friend class ConnectionLimiter;
    Ticket(ConnectionLimiter* limiter, const ClientKey& client) noexcept
        : limiter_(limiter), client_(client) {}
    ConnectionLimiter* limiter_;
    ClientKey client_;
  };

  // A ticket, or nothing when the total or this client's cap is reached
  // (then *refused_by, if given, says which).
  [[nodiscard]] std::optional<Ticket> admit(std::span<const std::uint8_t> client_address,
                                            TcpCap* refused_by = nullptr);

  [[nodiscard]] std::size_t total() const;

  // The refusals since the last call, and starts counting afresh.
  [[nodiscard]] TcpRefusals take_refusals();

  // Clients whose refusals are told apart between two take_refusals(): a
  // flood from more addresses still counts, without more memory.
  static constexpr std::size_t kTrackedRefusedClients = 256;

 private:
  void release(const ClientKey& client) noexcept;
  void note_refusal(const ClientKey& client, TcpCap cap);

  const std::size_t max_total_;
  const std::size_t max_per_client_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::map<ClientKey, std::size_t> per_client_;  // only clients with connections
  TcpRefusals refusals_;
  std::map<ClientKey, std::uint64_t> refused_clients_;  // at most kTrackedRefusedClients
};

}  // namespace zoned::server
