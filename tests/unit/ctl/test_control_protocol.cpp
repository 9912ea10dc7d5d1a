// The control protocol: frames and messages round-trip; truncated,
// oversized, wrong-version and malformed input is refused with a reason.
#include <doctest/doctest.h>

#include <string>

#include "ctl/protocol/control_protocol.hpp"

using namespace zoned::ctl;

namespace {

// The header of a whole frame, checked against `max_payload`.
FrameHeader header_of(const std::string& frame, std::size_t max_payload = kMaxRequestSize) {
  REQUIRE(frame.size() >= kFrameHeaderSize);
  return parse_frame_header(
      std::span<const std::uint8_t, kFrameHeaderSize>(
          reinterpret_cast<const std::uint8_t*>(frame.data()), kFrameHeaderSize),
      max_payload);
}

std::string payload_of(const std::string& frame) { return frame.substr(kFrameHeaderSize); }

}  // namespace

TEST_CASE("control protocol: a request round-trips through a frame") {
  const Request request{"zone-set", {"example.com.", "www", "3600", "TXT", "\"a b\" \"\\\"c\""}};
  const std::string frame = encode_request(request);
  const FrameHeader header = header_of(frame);
  CHECK(header.status == FrameHeader::Status::Ok);
  CHECK(header.version == kProtocolVersion);
  CHECK(header.length == frame.size() - kFrameHeaderSize);
  CHECK(frame.substr(0, 4) == "ZCTL");
  const auto decoded = decode_request(payload_of(frame));
  REQUIRE(decoded.ok());
  CHECK(*decoded == request);
}

TEST_CASE("control protocol: replies round-trip, success with a body and failure with a reason") {
  const auto ok = decode_reply(payload_of(encode_reply(Reply::success({{"serial", 7}}))));
  REQUIRE(ok.ok());
  CHECK(ok->ok);
  CHECK(ok->body.at("serial") == 7);
  const auto failed = decode_reply(payload_of(encode_reply(Reply::failure("unknown zone x."))));
  REQUIRE(failed.ok());
  CHECK_FALSE(failed->ok);
  CHECK(failed->error == "unknown zone x.");
}

TEST_CASE("control protocol: invalid UTF-8 in an argument does not throw") {
  const Request request{"zone-read", {std::string("a\xff\xfe")}};
  const auto decoded = decode_request(payload_of(encode_request(request)));
  REQUIRE(decoded.ok());
  CHECK(decoded->args.size() == 1);
}

TEST_CASE("control protocol: frame headers with bad magic, version or size are refused") {
  std::string frame = encode_request({"status", {}});
  SUBCASE("bad magic") {
    frame[0] = 'X';
    CHECK(header_of(frame).status == FrameHeader::Status::BadMagic);
  }
  SUBCASE("another version") {
    frame[5] = 9;
    const FrameHeader header = header_of(frame);
    CHECK(header.status == FrameHeader::Status::BadVersion);
    CHECK(describe_refusal(header).find("version 9") != std::string::npos);
  }
  SUBCASE("over the receiver's limit") {
    const std::string big = make_frame(std::string(kMaxRequestSize + 1, ' '));
    const FrameHeader header = header_of(big);
    CHECK(header.status == FrameHeader::Status::TooLarge);
    CHECK(header.length == kMaxRequestSize + 1);
    CHECK(header_of(big, kMaxReplySize).status == FrameHeader::Status::Ok);
  }
  SUBCASE("the largest length a header can say") {
    frame.replace(6, 4, "\xff\xff\xff\xff");
    const FrameHeader header = header_of(frame, kMaxReplySize);
    CHECK(header.status == FrameHeader::Status::TooLarge);
    CHECK(header.length == 0xffffffffu);
  }
}

TEST_CASE("control protocol: truncated and malformed payloads are refused with a reason") {
  const std::string payload = payload_of(encode_request({"zone-read", {"example.com."}}));
  for (std::size_t cut = 0; cut < payload.size(); ++cut) {
    const auto truncated = decode_request(payload.substr(0, cut));
    CHECK_FALSE(truncated.ok());
  }
  CHECK(decode_request("[]").error().find("not a JSON object") != std::string::npos);
  CHECK(decode_request("{}").error().find("no command") != std::string::npos);
  CHECK(decode_request(R"({"command": 5})").error().find("no command") != std::string::npos);
  CHECK(decode_request(R"({"command": "x", "args": "y"})").error().find("not a list") !=
        std::string::npos);
  CHECK(decode_request(R"({"command": "x", "args": [1]})").error().find("not a string") !=
        std::string::npos);
  CHECK(decode_request(R"({"command": "x"})")->args.empty());
  CHECK_FALSE(decode_reply(R"({"error": "x"})").ok());
  CHECK(decode_reply(R"({"ok": false})")->error == "the daemon gave no reason");
}

TEST_CASE("control protocol: deep nesting is refused before parsing") {
  const std::string deep = R"({"command": "x", "args": )" + std::string(100000, '[') +
                           std::string(100000, ']') + "}";
  CHECK(decode_request(deep).error().find("nested too deep") != std::string::npos);
  // Brackets inside strings do not count.
  const auto quoted = decode_request(R"({"command": "x", "args": ["[[[[[[[[\"[[["]})");
  REQUIRE(quoted.ok());
  CHECK(quoted->args.at(0) == "[[[[[[[[\"[[[");
}
