#include "dns/message_writer.hpp"

#include <algorithm>
#include <cstring>

#include "dns/rdata.hpp"

namespace zoned::dns {

namespace {
constexpr std::size_t kRRFixedSize = 10;  // type, class, TTL, rdlength
}

MessageWriter::MessageWriter(std::span<std::uint8_t> buffer, std::size_t limit) noexcept
    : buf_(buffer), limit_(std::min({limit, buffer.size(), kMaxMessageSize})) {
  reset();
}

void MessageWriter::reset() noexcept {
  counts_ = {};
  section_ = Section::Question;
  reserved_ = 0;
  ext_rcode_ = 0;
  table_.clear();
  question_name_size_ = 0;
  for (RecentName& r : recent_) r.size = 0;
  if (buf_.size() < kHeaderSize || limit_ < kHeaderSize) {
    size_ = 0;
    limit_ = 0;
    return;
  }
  std::memset(buf_.data(), 0, kHeaderSize);
  size_ = kHeaderSize;
}

void MessageWriter::set_flag(std::uint16_t bit, bool on) noexcept {
  set_flags(on ? static_cast<std::uint16_t>(flags() | bit)
               : static_cast<std::uint16_t>(flags() & ~bit));
}

void MessageWriter::set_rcode(Rcode rcode) noexcept {
  set_flags(static_cast<std::uint16_t>((flags() & ~flag::kRcodeMask) | rcode_low_bits(rcode)));
  ext_rcode_ = rcode_ext_bits(rcode);
}

bool MessageWriter::set_limit(std::size_t limit) noexcept {
  limit = std::min({limit, buf_.size(), kMaxMessageSize});
  if (size_ == 0 || limit < size_ + reserved_) return false;
  limit_ = limit;
  return true;
}

std::size_t MessageWriter::room() const noexcept {
  const std::size_t used = size_ + reserved_;
  return used < limit_ ? limit_ - used : 0;
}

std::size_t MessageWriter::available() const noexcept { return room(); }

bool MessageWriter::reserve(std::size_t n) noexcept {
  if (n > room()) return false;
  reserved_ += n;
  return true;
}

MessageWriter::Mark MessageWriter::mark() const noexcept {
  return Mark{size_, counts_, table_.size(), section_};
}

void MessageWriter::rollback(const Mark& m) noexcept {
  if (m.size > size_ || size_ == 0) return;  // a mark from the future: ignore
  size_ = m.size;
  counts_ = m.counts;
  for (std::size_t i = 0; i < 4; ++i) put16(4 + 2 * i, counts_[i]);
  table_.truncate(m.table_size);
  section_ = m.section;
  if (counts_[0] == 0) question_name_size_ = 0;
  for (RecentName& r : recent_) {
    if (r.offset >= m.size) r.size = 0;  // its bytes are gone
  }
}

bool MessageWriter::write_bytes(std::span<const std::uint8_t> bytes) noexcept {
  if (bytes.size() > room()) return false;
  if (!bytes.empty()) std::memcpy(buf_.data() + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
  return true;
}

MessageWriter::NameShape MessageWriter::shape_of(std::span<const std::uint8_t> name) noexcept {
  NameShape shape;
  std::size_t labels = 0;  // a local, not shape.labels: stores to `starts` could alias it
  for (std::size_t p = 0; p < name.size() && p < Name::kMaxWireLength;) {
    const std::uint8_t len = name[p];
    if (len == 0) {
      shape.size = p + 1;
      break;
    }
    if (labels >= Name::kMaxLabels || (len & 0xc0) != 0) break;
    shape.starts[labels++] = static_cast<std::uint8_t>(p);
    p += 1 + std::size_t{len};
  }
  shape.labels = labels;
  return shape;
}

bool MessageWriter::write_name(std::span<const std::uint8_t> name, bool compress) noexcept {
  // The common repeats (an RRset's owner, glue owned by the NS target just
  // written) need neither the label walk nor a search.
  if (compress && name.size() > 1) {
    if (const std::size_t whole = known_name(name); whole != 0) return write_pointer(whole);
  }
  const NameShape shape = shape_of(name);
  return shape.size != 0 && write_new_name(name.first(shape.size), shape, compress);
}

bool MessageWriter::write_name(std::span<const std::uint8_t> name, const NameShape& shape, bool compress) noexcept {
  if (compress && shape.labels > 0) {
    if (const std::size_t whole = known_name(name); whole != 0) return write_pointer(whole);
  }
  return write_new_name(name, shape, compress);
}

bool MessageWriter::write_new_name(std::span<const std::uint8_t> name, const NameShape& shape, bool compress) noexcept {
  const std::size_t labels = shape.labels;
  const auto& starts = shape.starts;
  // Longest already-written suffix: labels before it are written, then a pointer.
  std::size_t keep = labels;  // labels written literally
  std::size_t target = 0;
  std::array<CompressionTable::SuffixHash, Name::kMaxLabels> hashes;  // filled below when compressing
  const std::span<const std::uint8_t> label_starts(starts.data(), labels);
  if (compress && labels > 0) {
    CompressionTable::suffix_hashes(name, label_starts, hashes);
    const auto match = table_.find_longest(message(), name, label_starts, hashes);
    if (match.offset != 0) {
      target = match.offset;
      keep = labels - match.labels;
    }
  }
  const std::size_t literal = keep < labels ? starts[keep] : name.size();
  const std::size_t need = literal + (target != 0 ? 2 : 0);
  if (need > room()) return false;
  const std::size_t at = size_;
  std::memcpy(buf_.data() + size_, name.data(), literal);
  size_ += literal;
  if (target != 0) (void)write_pointer(target);
  if (compress) {
    for (std::size_t i = 0; i < keep; ++i) table_.add(at + starts[i], labels - i, hashes[i]);
  }
  if (compress && labels > 0) remember(name, keep > 0 ? at : target);
  return true;
}

std::size_t MessageWriter::known_name(std::span<const std::uint8_t> name) const noexcept {
  if (name.size() == question_name_size_ && std::memcmp(name.data(), buf_.data() + kHeaderSize, name.size()) == 0) {
    return kHeaderSize;
  }
  for (const RecentName& r : recent_) {
    if (r.size == name.size() && std::memcmp(name.data(), r.bytes.data(), name.size()) == 0) return r.offset;
  }
  return 0;
}

void MessageWriter::remember(std::span<const std::uint8_t> name, std::size_t offset) noexcept {
  // The question's name (at kHeaderSize) has a check of its own.
  if (offset == kHeaderSize || offset > CompressionTable::kMaxPointerOffset || name.size() > Name::kMaxWireLength) {
    return;
  }
  RecentName& r = recent_[next_recent_];
  next_recent_ = (next_recent_ + 1) % kRecentNames;
  std::memcpy(r.bytes.data(), name.data(), name.size());
  r.size = name.size();
  r.offset = offset;
}

bool MessageWriter::write_pointer(std::size_t target) noexcept {
  if (room() < 2 || target > CompressionTable::kMaxPointerOffset) return false;
  buf_[size_] = static_cast<std::uint8_t>(0xc0 | (target >> 8));
  buf_[size_ + 1] = static_cast<std::uint8_t>(target);
  size_ += 2;
  return true;
}

bool MessageWriter::add_question(const Name& qname, RRType qtype, RRClass qclass) noexcept {
  if (size_ == 0 || section_ != Section::Question || counts_[0] == 0xffff) return false;
  const Mark m = mark();
  const std::array<std::uint8_t, 4> tail{
      static_cast<std::uint8_t>(static_cast<std::uint16_t>(qtype) >> 8),
      static_cast<std::uint8_t>(static_cast<std::uint16_t>(qtype)),
      static_cast<std::uint8_t>(static_cast<std::uint16_t>(qclass) >> 8),
      static_cast<std::uint8_t>(static_cast<std::uint16_t>(qclass))};
  const bool first = counts_[0] == 0;
  if (!write_name(qname.wire(), true) || !write_bytes(tail)) {
    rollback(m);
    return false;
  }
  // The first question's name is written whole right after the header.
  if (first) question_name_size_ = qname.wire().size();
  put16(4, ++counts_[0]);
  return true;
}

bool MessageWriter::begin_rr(Section s, std::span<const std::uint8_t> owner, RRType type,
                             RRClass rclass, std::uint32_t ttl) noexcept {
  if (size_ == 0 || s == Section::Question || s < section_) return false;
  if (counts_[static_cast<std::size_t>(s)] == 0xffff) return false;
  if (!write_name(owner, true)) return false;
  const auto t = static_cast<std::uint16_t>(type);
  const auto c = static_cast<std::uint16_t>(rclass);
  const std::array<std::uint8_t, kRRFixedSize> fixed{
      static_cast<std::uint8_t>(t >> 8), static_cast<std::uint8_t>(t),
      static_cast<std::uint8_t>(c >> 8), static_cast<std::uint8_t>(c),
      static_cast<std::uint8_t>(ttl >> 24), static_cast<std::uint8_t>(ttl >> 16),
      static_cast<std::uint8_t>(ttl >> 8), static_cast<std::uint8_t>(ttl),
      0, 0};  // rdlength, patched by finish_rr()
  return write_bytes(fixed);
}

bool MessageWriter::finish_rr(Section s, std::size_t rdlength_pos) noexcept {
  const std::size_t rdlength = size_ - (rdlength_pos + 2);
  if (rdlength > 0xffff) return false;
  put16(rdlength_pos, static_cast<std::uint16_t>(rdlength));
  section_ = s;
  const auto i = static_cast<std::size_t>(s);
  put16(4 + 2 * i, ++counts_[i]);
  return true;
}

bool MessageWriter::add_rr(Section s, std::span<const std::uint8_t> owner, RRType type,
                           RRClass rclass, std::uint32_t ttl,
                           std::span<const std::uint8_t> rdata) noexcept {
  const Mark m = mark();
  if (!begin_rr(s, owner, type, rclass, ttl)) {
    rollback(m);
    return false;
  }
  const std::size_t rdlength_pos = size_ - 2;
  // The names to compress, all checked before any is written: rdata that
  // does not have them where its type says is copied as it is.
  const CompressibleNames where = rdata.empty() ? CompressibleNames{} : compressible_names(type);
  std::array<NameShape, kMaxCompressibleNames> shapes;  // [0, names) filled below
  std::size_t names = 0;
  for (std::size_t pos = where.skip; names < where.names && names < shapes.size() && pos < rdata.size(); ++names) {
    shapes[names] = shape_of(rdata.subspan(pos));
    if (shapes[names].size == 0) break;
    pos += shapes[names].size;
  }
  std::size_t copied = 0;
  bool ok = true;
  if (names == where.names && names > 0) {
    ok = write_bytes(rdata.first(where.skip));
    copied = where.skip;
    for (std::size_t i = 0; i < names && ok; ++i) {
      ok = write_name(rdata.subspan(copied, shapes[i].size), shapes[i], true);
      copied += shapes[i].size;
    }
  }
  ok = ok && write_bytes(rdata.subspan(copied)) && finish_rr(s, rdlength_pos);
  if (!ok) rollback(m);
  return ok;
}

bool MessageWriter::add_rr_parts(Section s, std::span<const std::uint8_t> owner, RRType type,
                                 RRClass rclass, std::uint32_t ttl,
                                 std::span<const std::span<const std::uint8_t>> parts) noexcept {
  const Mark m = mark();
  bool ok = begin_rr(s, owner, type, rclass, ttl);
  const std::size_t rdlength_pos = size_ - 2;
  for (const auto& part : parts) ok = ok && write_bytes(part);
  ok = ok && finish_rr(s, rdlength_pos);
  if (!ok) rollback(m);
  return ok;
}

}  // namespace zoned::dns
