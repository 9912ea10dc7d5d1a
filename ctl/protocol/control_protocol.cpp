#include "ctl/protocol/control_protocol.hpp"

#include <algorithm>

namespace zoned::ctl {
namespace {

using nlohmann::json;

// Invalid UTF-8 in a string (a zone file's raw bytes) must not throw: it is
// replaced by U+FFFD, which zone text writes as \DDD escapes anyway.
std::string to_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The deepest nesting of arrays and objects in `text`, counted before parsing
// so that "[[[[..." a megabyte deep never becomes a megabyte of json nodes.
std::size_t nesting_depth(std::string_view text) noexcept {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Result<json> parse_object(std::string_view payload) {
  json value = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Error{"malformed message (not JSON)"};
  if (!value.is_object()) return Error{"malformed message (not a JSON object)"};
  return value;
}

}  // namespace

Reply Reply::success(json body) { return Reply{true, {}, std::move(body)}; }

Reply Reply::failure(std::string error) { return Reply{false, std::move(error), json::object()}; }

FrameHeader parse_frame_header(std::span<const std::uint8_t, kFrameHeaderSize> bytes,
                               std::size_t max_payload) noexcept {
  FrameHeader header;
  if (!std::equal(kFrameMagic.begin(), kFrameMagic.end(), bytes.begin())) {
    header.status = FrameHeader::Status::BadMagic;
    return header;
  }
  header.version = static_cast<std::uint16_t>(bytes[4] << 8 | bytes[5]);
  header.length = std::uint32_t{bytes[6]} << 24 | std::uint32_t{bytes[7]} << 16 |
                  std::uint32_t{bytes[8]} << 8 | std::uint32_t{bytes[9]};
  if (header.version != kProtocolVersion) header.status = FrameHeader::Status::BadVersion;
  else if (header.length > max_payload) header.status = FrameHeader::Status::TooLarge;
  return header;
}

std::string describe_refusal(const FrameHeader& header) {
  switch (header.status) {
    case FrameHeader::Status::Ok: return "no error";
    case FrameHeader::Status::BadMagic: return "not a zoned control message";
    case FrameHeader::Status::BadVersion:
      return "control protocol version " + std::to_string(header.version) +
             " is not supported (this end speaks version " + std::to_string(kProtocolVersion) +
             "; use the zonectl that came with this zoned)";
    case FrameHeader::Status::TooLarge:
      return "message of " + std::to_string(header.length) + " bytes is too large";
  }
  return "unknown frame status";
}

std::string make_frame(std::string_view payload) {
  const auto length = static_cast<std::uint32_t>(payload.size());
  std::string frame(kFrameMagic.begin(), kFrameMagic.end());
  frame += static_cast<char>(kProtocolVersion >> 8);
  frame += static_cast<char>(kProtocolVersion & 0xff);
  for (int shift = 24; shift >= 0; shift -= 8) frame += static_cast<char>((length >> shift) & 0xff);
  frame += payload;
  return frame;
}

std::string encode_request(const Request& request) {
  return make_frame(to_text(json{{"command", request.command}, {"args", request.args}}));
}

std::string encode_reply(const Reply& reply) {
  return make_frame(to_text(json{{"ok", reply.ok}, {"error", reply.error}, {"body", reply.body}}));
}

Result<Request> decode_request(std::string_view payload) {
  if (nesting_depth(payload) > kMaxRequestDepth) return Error{"malformed request (nested too deep)"};
  auto object = parse_object(payload);
  if (!object) return Error{object.error()};
  const json& value = *object;
  const auto command = value.find("command");
  if (command == value.end() || !command->is_string())
    return Error{"malformed request (no command name)"};
  Request request{command->get<std::string>(), {}};
  if (const auto args = value.find("args"); args != value.end()) {
    if (!args->is_array()) return Error{"malformed request (args is not a list)"};
    for (const json& arg : *args) {
      if (!arg.is_string()) return Error{"malformed request (an argument is not a string)"};
      request.args.push_back(arg.get<std::string>());
    }
  }
  return request;
}

Result<Reply> decode_reply(std::string_view payload) {
  auto object = parse_object(payload);
  if (!object) return Error{object.error()};
  json& value = *object;
  const auto ok = value.find("ok");
  if (ok == value.end() || !ok->is_boolean()) return Error{"malformed reply (no status)"};
  Reply reply;
  reply.ok = ok->get<bool>();
  if (const auto error = value.find("error"); error != value.end() && error->is_string())
    reply.error = error->get<std::string>();
  if (!reply.ok && reply.error.empty()) reply.error = "the daemon gave no reason";
  if (const auto body = value.find("body"); body != value.end()) reply.body = std::move(*body);
  return reply;
}

}  // namespace zoned::ctl
