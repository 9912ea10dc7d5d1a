// libFuzzer target: arbitrary bytes as a control request, read as the
// daemon's control server reads them (server/control/control_server.cpp): a frame
// header checked against kMaxRequestSize, then the payload decoded. Neither
// may crash or hang, a refused frame must say why, and a request that decodes
// must survive encode → decode unchanged (so what zonectl sends is what the
// daemon runs).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

#include "ctl/protocol/control_protocol.hpp"

using namespace zoned::ctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < kFrameHeaderSize) return 0;
  const FrameHeader header = parse_frame_header(
      std::span<const std::uint8_t, kFrameHeaderSize>(data, kFrameHeaderSize), kMaxRequestSize);
  if (header.status != FrameHeader::Status::Ok) {
    if (describe_refusal(header).empty()) std::abort();
    return 0;
  }
  // The rest of the input is the payload, whatever length the header claims.
  const std::string_view payload(reinterpret_cast<const char*>(data) + kFrameHeaderSize,
                                 size - kFrameHeaderSize);
  const auto request = decode_request(payload);
  if (!request) {
    if (request.error().empty()) std::abort();
    return 0;
  }
  const std::string frame = encode_request(*request);
  const auto again = decode_request(std::string_view(frame).substr(kFrameHeaderSize));
  if (!again || !(*again == *request)) {
    // Only invalid UTF-8 may change (replaced by U+FFFD on encoding).
    bool valid_utf8 = true;
    for (const auto& arg : request->args)
      for (unsigned char c : arg) valid_utf8 = valid_utf8 && c < 0x80;
    for (unsigned char c : request->command) valid_utf8 = valid_utf8 && c < 0x80;
    if (valid_utf8) {
      std::fprintf(stderr, "fuzz_control: an ASCII request changed in a round trip\n");
      std::abort();
    }
  }
  // The reply side too: whatever the payload, decoding must not throw.
  (void)decode_reply(payload);
  return 0;
}
