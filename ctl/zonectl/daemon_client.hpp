#pragma once
// zonectl's end of the control channel: finding zoned's socket and sending
// it one request (ctl/protocol/control_protocol.hpp). Every error is one
// line for the operator ("cannot connect to /run/zoned/zoned.sock: no zoned
// is running (connection refused)").
#include <chrono>
#include <filesystem>
#include <string_view>

#include "ctl/protocol/control_protocol.hpp"
#include "dns/result.hpp"

namespace zoned::ctl {

// zoned's default config, and the socket used when that file does not exist.
inline constexpr std::string_view kDefaultConfig = "/etc/zoned/zoned.yaml";
inline constexpr std::string_view kDefaultSocket = "/run/zoned/zoned.sock";
// A reload of many large zones takes a while; a daemon that is stuck does not
// keep zonectl waiting forever.
inline constexpr std::chrono::seconds kReplyTimeout{120};

// Where the daemon listens: `socket` (-s) when given, else the `control:
// socket:` of `config` (-c), else that of kDefaultConfig when it exists,
// else kDefaultSocket.
struct SocketChoice {
  std::string_view socket;
  std::string_view config;
};
[[nodiscard]] Result<std::filesystem::path> find_socket(const SocketChoice& choice);

// `control: socket:` of a zoned config file, relative to the file's
// directory as zoned reads it; an error when absent (the channel is off).
[[nodiscard]] Result<std::filesystem::path> socket_from_config(const std::filesystem::path& config);

// Connects, sends `request` and waits up to `timeout` for the reply.
[[nodiscard]] Result<Reply> call_daemon(const std::filesystem::path& socket,
                                        const Request& request,
                                        std::chrono::seconds timeout = kReplyTimeout);

}  // namespace zoned::ctl
