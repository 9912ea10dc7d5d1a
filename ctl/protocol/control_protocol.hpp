#pragma once
// The control protocol between zonectl and zoned, over a Unix stream socket.
// Every message is one frame:
//
//   "ZCTL"  u16 version  u32 length  payload (length bytes of JSON)
//
// (integers big-endian). A request payload is {"command": NAME, "args": [...]}
// (strings only); a reply payload is {"ok": BOOL, "error": TEXT, "body": {...}}.
// One reply answers each request, in order; a client may send several
// requests on one connection. Requests are capped at kMaxRequestSize and a
// nesting depth of kMaxRequestDepth (the daemon parses untrusted bytes here);
// a frame with another version is answered with an error reply at our version
// and the connection closed, so that an old zonectl says why it failed.
//
// How to add a command: nothing here changes. The daemon registers a handler
// (server/control/control_server.hpp) and zonectl a row (ctl/zonectl/command.hpp);
// both sides agree on the command name, the argument list and the body.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/result.hpp"

namespace zoned::ctl {

inline constexpr std::array<std::uint8_t, 4> kFrameMagic = {'Z', 'C', 'T', 'L'};
inline constexpr std::uint16_t kProtocolVersion = 1;
inline constexpr std::size_t kFrameHeaderSize = 10;
// A request carries at most a zone-set's RDATA (< 64 KiB in wire form, some
// more as text): 1 MiB leaves room and bounds what a client can make us hold.
inline constexpr std::size_t kMaxRequestSize = std::size_t{1} << 20;
// Replies carry zone-read output of whole zones.
inline constexpr std::size_t kMaxReplySize = std::size_t{256} << 20;
// A request is an object holding one array: anything deeper is not ours.
inline constexpr std::size_t kMaxRequestDepth = 4;

struct Request {
  std::string command;
  std::vector<std::string> args;
  bool operator==(const Request&) const = default;
};

struct Reply {
  bool ok = true;
  std::string error;  // one line, when !ok
  nlohmann::json body = nlohmann::json::object();

  [[nodiscard]] static Reply success(nlohmann::json body = nlohmann::json::object());
  [[nodiscard]] static Reply failure(std::string error);
};

// What a frame header says, or why the frame is refused.
struct FrameHeader {
  enum class Status : std::uint8_t { Ok, BadMagic, BadVersion, TooLarge };
  Status status = Status::Ok;
  std::uint16_t version = 0;
  std::uint32_t length = 0;  // of the payload
};

// Reads the kFrameHeaderSize bytes that start a frame. `max_payload` is the
// receiver's limit (kMaxRequestSize in the daemon, kMaxReplySize in zonectl).
[[nodiscard]] FrameHeader parse_frame_header(std::span<const std::uint8_t, kFrameHeaderSize> bytes,
                                             std::size_t max_payload) noexcept;
// One line saying why `header` (not Ok) was refused.
[[nodiscard]] std::string describe_refusal(const FrameHeader& header);

// A whole frame: header at kProtocolVersion plus `payload`.
[[nodiscard]] std::string make_frame(std::string_view payload);
[[nodiscard]] std::string encode_request(const Request& request);
[[nodiscard]] std::string encode_reply(const Reply& reply);

// Payload (after the header) → message, or one line saying what is wrong.
[[nodiscard]] Result<Request> decode_request(std::string_view payload);
[[nodiscard]] Result<Reply> decode_reply(std::string_view payload);

}  // namespace zoned::ctl
