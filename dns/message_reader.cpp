#include "dns/message_reader.hpp"


#include "dns/rdata.hpp"
#include "dns/rdata_layout.hpp"

namespace zoned::dns {

namespace {

ParseError from_wire_error(WireError e) noexcept {
  switch (e) {
    case WireError::Ok: return ParseError::Ok;
    case WireError::Truncated: return ParseError::Truncated;
    case WireError::BadPointer:
    case WireError::BadLabelType:
    case WireError::NameTooLong: return ParseError::BadName;
    default: return ParseError::BadRdata;
  }
}

std::uint16_t rd16(std::span<const std::uint8_t> m, std::size_t p) noexcept {
  return static_cast<std::uint16_t>(m[p] << 8 | m[p + 1]);
}
std::uint32_t rd32(std::span<const std::uint8_t> m, std::size_t p) noexcept {
  return std::uint32_t{rd16(m, p)} << 16 | rd16(m, p + 2);
}

// RFC 6891 §6.1.2: OPT rdata is a sequence of {code, length, data}.
bool check_opt_options(std::span<const std::uint8_t> rdata) noexcept {
  std::size_t p = 0;
  while (p < rdata.size()) {
    if (rdata.size() - p < 4) return false;
    const std::size_t len = rd16(rdata, p + 2);
    p += 4;
    if (rdata.size() - p < len) return false;
    p += len;
  }
  return true;
}

// RFC 8945 §4.2: algorithm name (uncompressed), time 48 bits, fudge, MAC size,
// MAC, original ID, error, other len, other data.
bool check_tsig_rdata(std::span<const std::uint8_t> rdata) noexcept {
  Name alg;
  std::size_t p = 0;
  // Decoding from the rdata alone makes any compression pointer fail.
  if (Name::from_wire(rdata, p, alg) != WireError::Ok) return false;
  if (rdata.size() - p < 10) return false;
  const std::size_t mac_len = rd16(rdata, p + 8);
  p += 10;
  if (rdata.size() - p < mac_len + 6) return false;
  p += mac_len + 4;
  const std::size_t other_len = rd16(rdata, p);
  p += 2;
  return rdata.size() - p == other_len;
}

}  // namespace

const char* to_string(ParseError e) noexcept {
  switch (e) {
    case ParseError::Ok: return "ok";
    case ParseError::ShortHeader: return "message shorter than the 12-byte header";
    case ParseError::Truncated: return "truncated message";
    case ParseError::BadName: return "malformed name";
    case ParseError::BadRdata: return "malformed rdata";
    case ParseError::TrailingData: return "trailing data after the last record";
    case ParseError::BadQuestion: return "more than one question";
    case ParseError::BadOpt: return "misplaced, duplicated or malformed OPT";
    case ParseError::BadTsig: return "misplaced or duplicated TSIG";
  }
  return "unknown";
}

bool skip_name(std::span<const std::uint8_t> message, std::size_t& pos) noexcept {
  std::size_t p = pos;
  while (p < message.size()) {
    const std::uint8_t len = message[p];
    if (len == 0) { pos = p + 1; return true; }
    if ((len & 0xc0) == 0xc0) {
      if (p + 2 > message.size()) return false;
      pos = p + 2;
      return true;
    }
    if ((len & 0xc0) != 0) return false;
    p += 1 + std::size_t{len};
  }
  return false;
}


WireError MessageReader::question_name(Name& out) const noexcept {
  if (!has_question()) return WireError::CountMismatch;
  std::size_t p = question_pos_;
  return Name::from_wire(msg_, p, out);
}

WireError MessageReader::owner_name(const RRView& rr, Name& out) const noexcept {
  std::size_t p = rr.owner_pos;
  return Name::from_wire(msg_, p, out);
}

RRView MessageReader::rr_at(std::size_t pos, std::size_t* next) const noexcept {
  RRView rr;
  rr.owner_pos = pos;
  std::size_t p = pos;
  // Only called on records parse() validated, so these cannot fail.
  if (!skip_name(msg_, p) || msg_.size() - p < 10) return rr;
  rr.type = static_cast<RRType>(rd16(msg_, p));
  rr.rclass = static_cast<RRClass>(rd16(msg_, p + 2));
  rr.ttl = rd32(msg_, p + 4);
  const std::uint16_t rdlength = rd16(msg_, p + 8);
  rr.rdata_pos = p + 10;
  rr.rdata = msg_.subspan(rr.rdata_pos, rdlength);
  if (next != nullptr) *next = rr.rdata_pos + rdlength;
  return rr;
}

ParseError MessageReader::parse_rr(std::size_t& pos, Section s, bool last_in_message) noexcept {
  const std::size_t owner_pos = pos;
  Name owner;  // on the stack: validating a name does not allocate
  if (const WireError e = Name::from_wire(msg_, pos, owner); e != WireError::Ok) {
    return from_wire_error(e);
  }
  if (msg_.size() - pos < 10) return ParseError::Truncated;
  const auto type = static_cast<RRType>(rd16(msg_, pos));
  const auto rclass = static_cast<RRClass>(rd16(msg_, pos + 2));
  const std::uint16_t rdlength = rd16(msg_, pos + 8);
  pos += 10;
  if (msg_.size() - pos < rdlength) return ParseError::Truncated;
  const auto rdata = msg_.subspan(pos, rdlength);

  if (type == RRType::OPT) {
    // RFC 6891 §6.1.1: at most one OPT, in the additional section, owner root.
    if (s != Section::Additional || opt_pos_ != kNoPosition || !owner.is_root()) {
      return ParseError::BadOpt;
    }
    if (!check_opt_options(rdata)) return ParseError::BadOpt;
    opt_pos_ = owner_pos;
  } else if (type == RRType::TSIG) {
    // RFC 8945 §5.1: TSIG must be the last record of the additional section.
    if (s != Section::Additional || !last_in_message || tsig_pos_ != kNoPosition) {
      return ParseError::BadTsig;
    }
    if (!check_tsig_rdata(rdata)) return ParseError::BadRdata;
    tsig_pos_ = owner_pos;
  } else if (rdlength == 0 && (rclass == RRClass::ANY || rclass == RRClass::NONE)) {
    // RFC 2136 §2.4, §2.5: UPDATE prerequisites and deletions carry no rdata.
  } else if (const WireError e = rdata_check_in_message(type, msg_, pos, rdlength); e != WireError::Ok) {
    return e == WireError::Truncated ? ParseError::Truncated : ParseError::BadRdata;
  }
  pos += rdlength;
  return ParseError::Ok;
}

ParseError MessageReader::parse(ParseOptions options) noexcept {
  parsed_ = false;
  question_pos_ = opt_pos_ = tsig_pos_ = kNoPosition;
  if (msg_.size() < kHeaderSize) return ParseError::ShortHeader;

  // RFC 9619: a message carries at most one question.
  if (qdcount() > 1) return ParseError::BadQuestion;
  // Reject impossible counts before any work (miekg/dns): each question needs
  // at least 5 bytes and each RR at least 11.
  const std::size_t rr_total = std::size_t{ancount()} + nscount() + arcount();
  if (std::size_t{qdcount()} * kMinQuestionSize + rr_total * kMinRRSize > msg_.size() - kHeaderSize) {
    return ParseError::Truncated;
  }

  std::size_t pos = kHeaderSize;
  section_pos_[0] = pos;
  if (qdcount() == 1) {
    Name qname;
    if (const WireError e = Name::from_wire(msg_, pos, qname); e != WireError::Ok) {
      return from_wire_error(e);
    }
    if (msg_.size() - pos < 4) return ParseError::Truncated;
    question_pos_ = section_pos_[0];
    qtype_ = static_cast<RRType>(rd16(msg_, pos));
    qclass_ = static_cast<RRClass>(rd16(msg_, pos + 2));
    pos += 4;
  }
  std::size_t seen = 0;
  for (std::size_t s = 1; s < 4; ++s) {
    section_pos_[s] = pos;
    const auto sec = static_cast<Section>(s);
    for (std::uint16_t i = 0; i < count(sec); ++i) {
      ++seen;
      if (const ParseError e = parse_rr(pos, sec, seen == rr_total); e != ParseError::Ok) return e;
    }
  }
  end_pos_ = pos;
  if (pos != msg_.size() && !options.allow_trailing) return ParseError::TrailingData;
  parsed_ = true;
  return ParseError::Ok;
}

MessageReader::Iterator::Iterator(const MessageReader* r, std::size_t pos, std::uint16_t left) noexcept
    : reader_(r), next_pos_(pos), left_(left) {
  if (left_ > 0) rr_ = reader_->rr_at(pos, &next_pos_);
}

MessageReader::Iterator& MessageReader::Iterator::operator++() noexcept {
  if (left_ == 0) return *this;
  --left_;
  if (left_ > 0) rr_ = reader_->rr_at(next_pos_, &next_pos_);
  return *this;
}

MessageReader::Range MessageReader::section(Section s) const noexcept {
  if (!parsed_ || s == Section::Question) return {};
  const auto i = static_cast<std::size_t>(s);
  return {Iterator(this, section_pos_[i], count(s)), Iterator(this, section_pos_[i], 0)};
}

}  // namespace zoned::dns
