#include "dns/wire.hpp"

namespace zoned::dns {

std::string_view to_string(WireError e) noexcept {
  switch (e) {
    case WireError::Ok: return "ok";
    case WireError::Truncated: return "truncated";
    case WireError::BadPointer: return "bad compression pointer";
    case WireError::BadLabelType: return "bad label type";
    case WireError::NameTooLong: return "name longer than 255 octets";
    case WireError::BadRdata: return "malformed rdata";
    case WireError::TrailingData: return "trailing data";
    case WireError::CountMismatch: return "section counts do not match the message";
    case WireError::BadOpt: return "malformed or misplaced OPT record";
    case WireError::TooLarge: return "exceeds a size limit";
  }
  return "unknown error";
}

}  // namespace zoned::dns
