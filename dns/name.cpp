#include "dns/name.hpp"

#include <algorithm>
#include <cstring>

#include "dns/header.hpp"

namespace zoned::dns {

namespace {

constexpr std::uint8_t kPointerMask = 0xC0;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Offsets of each label's length byte, leftmost first; returns the count.
std::size_t label_offsets(std::span<const std::uint8_t> wire,
                          std::array<std::uint8_t, Name::kMaxLabels + 1>& offsets) {
  std::size_t n = 0;
  std::size_t pos = 0;
  while (wire[pos] != 0) {
    offsets[n++] = static_cast<std::uint8_t>(pos);
    pos += wire[pos] + 1u;
  }
  return n;
}

}  // namespace

Result<Name> Name::parse(std::string_view text, const Name* origin) {
  if (text.empty()) return Error{"empty name"};
  if (text == "@") {
    if (origin == nullptr) return Error{"'@' used but no origin is known"};
    return *origin;
  }
  if (text == ".") return Name{};

  Name name;
  std::size_t out = 0;        // write position in name.wire_
  std::size_t label_start = 0;  // position of the current label's length byte
  std::size_t labels = 0;
  bool absolute = false;
  out = 1;  // reserve the first length byte

  auto close_label = [&]() -> const char* {
    std::size_t len = out - label_start - 1;
    if (len == 0) return "empty label (two dots in a row, or a leading dot)";
    if (len > kMaxLabelLength) return "label longer than 63 octets";
    name.wire_[label_start] = static_cast<std::uint8_t>(len);
    ++labels;
    label_start = out;
    if (out + 1 > kMaxWireLength) return "name longer than 255 octets";
    ++out;  // next length byte
    return nullptr;
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    std::uint8_t byte = 0;
    if (c == '.') {
      if (const char* err = close_label()) return Error{err};
      if (i + 1 == text.size()) absolute = true;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= text.size()) return Error{"name ends with a lone backslash"};
      if (is_digit(text[i + 1])) {
        if (i + 3 >= text.size() || !is_digit(text[i + 2]) || !is_digit(text[i + 3])) {
          return Error{"\\DDD escape needs three digits"};
        }
        int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
        if (v > 255) return Error{"\\DDD escape above 255"};
        byte = static_cast<std::uint8_t>(v);
        i += 3;
      } else {
        byte = static_cast<std::uint8_t>(text[i + 1]);
        ++i;
      }
    } else {
      byte = static_cast<std::uint8_t>(c);
    }
    if (out - label_start - 1 >= kMaxLabelLength) return Error{"label longer than 63 octets"};
    if (out >= kMaxWireLength) return Error{"name longer than 255 octets"};
    name.wire_[out++] = byte;
  }

  if (!absolute) {
    if (const char* err = close_label()) return Error{err};
    // `out` now points one past a reserved length byte; drop it and append origin.
    --out;
    if (origin == nullptr) return Error{"relative name '" + std::string(text) + "' but no origin is known"};
    if (out + origin->length_ > kMaxWireLength) return Error{"name longer than 255 octets"};
    std::memcpy(name.wire_.data() + out, origin->wire_.data(), origin->length_);
    name.length_ = static_cast<std::uint8_t>(out + origin->length_);
    name.labels_ = static_cast<std::uint8_t>(labels + origin->labels_);
    return name;
  }
  // Absolute: the reserved length byte becomes the root label.
  name.wire_[out - 1] = 0;
  name.length_ = static_cast<std::uint8_t>(out);
  name.labels_ = static_cast<std::uint8_t>(labels);
  return name;
}

WireError Name::from_wire(std::span<const std::uint8_t> message, std::size_t& pos,
                          Name& out) noexcept {
  std::size_t cursor = pos;
  std::size_t after_name = 0;  // where the caller continues; set at the first pointer
  std::size_t len = 0;
  std::size_t labels = 0;
  // A pointer must target a position strictly before the start of the run of
  // labels it ends (`lowest`), so each jump lowers `lowest`: no loops, and at
  // most message.size() jumps.
  std::size_t lowest = pos;
  for (;;) {
    // The labels up to a pointer or the root label are copied in one go.
    const std::size_t run = cursor;
    std::uint8_t b = 0;
    for (;;) {
      if (cursor >= message.size()) return WireError::Truncated;
      b = message[cursor];
      if (b == 0 || (b & kPointerMask) != 0) break;
      if (cursor + 1 + b > message.size()) return WireError::Truncated;
      if (len + (cursor - run) + 1 + b + 1 > kMaxWireLength) return WireError::NameTooLong;
      cursor += 1u + b;
      ++labels;
    }
    std::memcpy(out.wire_.data() + len, message.data() + run, cursor - run);
    len += cursor - run;
    if ((b & kPointerMask) == kPointerMask) {
      if (cursor + 1 >= message.size()) return WireError::Truncated;
      std::size_t target = (std::size_t{b & 0x3Fu} << 8) | message[cursor + 1];
      if (after_name == 0) after_name = cursor + 2;
      // The header holds no name (RFC 1035 §4.1.1): a pointer into it is as
      // malformed as one that points forwards.
      if (target < kHeaderSize || target >= lowest) return WireError::BadPointer;
      lowest = target;
      cursor = target;
      continue;
    }
    if (b != 0) return WireError::BadLabelType;
    if (len + 1 > kMaxWireLength) return WireError::NameTooLong;
    out.wire_[len++] = 0;
    break;
  }
  out.length_ = static_cast<std::uint8_t>(len);
  out.labels_ = static_cast<std::uint8_t>(labels);
  pos = after_name != 0 ? after_name : cursor + 1;
  return WireError::Ok;
}

bool Name::from_uncompressed(std::span<const std::uint8_t> wire, Name& out) noexcept {
  std::size_t pos = 0;
  std::size_t labels = 0;
  while (pos < wire.size()) {
    std::uint8_t b = wire[pos];
    if (b == 0) {
      if (pos + 1 != wire.size() || wire.size() > kMaxWireLength) return false;
      std::memcpy(out.wire_.data(), wire.data(), wire.size());
      out.length_ = static_cast<std::uint8_t>(wire.size());
      out.labels_ = static_cast<std::uint8_t>(labels);
      return true;
    }
    if (b > kMaxLabelLength) return false;
    pos += 1u + b;
    ++labels;
  }
  return false;
}

std::span<const std::uint8_t> Name::label(std::size_t i) const noexcept {
  std::size_t pos = 0;
  for (std::size_t k = 0; k < i; ++k) pos += wire_[pos] + 1u;
  return {wire_.data() + pos + 1, wire_[pos]};
}

Name Name::parent(std::size_t n) const noexcept {
  Name p;
  std::size_t pos = 0;
  for (std::size_t k = 0; k < n && wire_[pos] != 0; ++k) pos += wire_[pos] + 1u;
  p.length_ = static_cast<std::uint8_t>(length_ - pos);
  std::memcpy(p.wire_.data(), wire_.data() + pos, p.length_);
  p.labels_ = static_cast<std::uint8_t>(labels_ - std::min<std::size_t>(n, labels_));
  return p;
}

Result<Name> Name::prepend(std::span<const std::uint8_t> relative) const {
  // `relative` is a run of labels without the terminating root byte.
  Name probe;
  std::size_t labels = 0;
  for (std::size_t pos = 0; pos < relative.size();) {
    std::uint8_t b = relative[pos];
    if (b == 0 || b > kMaxLabelLength || pos + 1 + b > relative.size()) {
      return Error{"malformed label run"};
    }
    pos += 1u + b;
    ++labels;
  }
  if (relative.size() + length_ > kMaxWireLength) return Error{"name longer than 255 octets"};
  std::memcpy(probe.wire_.data(), relative.data(), relative.size());
  std::memcpy(probe.wire_.data() + relative.size(), wire_.data(), length_);
  probe.length_ = static_cast<std::uint8_t>(relative.size() + length_);
  probe.labels_ = static_cast<std::uint8_t>(labels + labels_);
  return probe;
}

Result<Name> Name::concat(const Name& suffix) const {
  return suffix.prepend({wire_.data(), length_ - 1u});
}

bool Name::is_subdomain_of(const Name& ancestor) const noexcept {
  if (ancestor.labels_ > labels_) return false;
  Name tail = parent(labels_ - ancestor.labels_);
  return tail.equals_ci(ancestor);
}

bool Name::equals_ci(const Name& other) const noexcept {
  if (length_ != other.length_ || labels_ != other.labels_) return false;
  for (std::size_t i = 0; i < length_; ++i) {
    if (ascii_lower(wire_[i]) != ascii_lower(other.wire_[i])) return false;
  }
  return true;
}

bool Name::equals_exact(const Name& other) const noexcept {
  return length_ == other.length_ && std::memcmp(wire_.data(), other.wire_.data(), length_) == 0;
}

int Name::canonical_compare(const Name& other) const noexcept {
  std::array<std::uint8_t, kMaxLabels + 1> a_off{};
  std::array<std::uint8_t, kMaxLabels + 1> b_off{};
  std::size_t na = label_offsets(wire(), a_off);
  std::size_t nb = label_offsets(other.wire(), b_off);
  // Compare from the rightmost label; labels as lowercased octet strings where
  // a shorter label sorts first when it is a prefix of the longer one.
  while (na > 0 && nb > 0) {
    --na;
    --nb;
    const std::uint8_t* la = wire_.data() + a_off[na];
    const std::uint8_t* lb = other.wire_.data() + b_off[nb];
    std::size_t len = std::min(la[0], lb[0]);
    for (std::size_t i = 1; i <= len; ++i) {
      std::uint8_t ca = ascii_lower(la[i]);
      std::uint8_t cb = ascii_lower(lb[i]);
      if (ca != cb) return ca < cb ? -1 : 1;
    }
    if (la[0] != lb[0]) return la[0] < lb[0] ? -1 : 1;
  }
  if (na == nb) return 0;
  return na < nb ? -1 : 1;
}

Name Name::lowercased() const noexcept {
  Name n = *this;
  n.lowercase();
  return n;
}

void Name::lowercase() noexcept {
  // Length bytes are <= 63 and never in 'A'..'Z' (65..90), so lowering the
  // whole buffer touches only label characters.
  for (std::size_t i = 0; i < length_; ++i) wire_[i] = ascii_lower(wire_[i]);
}

std::string Name::to_text() const {
  std::string s;
  append_text(s);
  return s;
}

void Name::append_text(std::string& out) const {
  if (labels_ == 0) {
    out.push_back('.');
    return;
  }
  std::size_t pos = 0;
  while (wire_[pos] != 0) {
    append_escaped(out, {wire_.data() + pos + 1, wire_[pos]}, true);
    out.push_back('.');
    pos += wire_[pos] + 1u;
  }
}

void append_escaped(std::string& out, std::span<const std::uint8_t> bytes, bool in_name) {
  for (std::uint8_t c : bytes) {
    bool special = c == '"' || c == '\\' || c == ';' || c == '(' || c == ')' ||
                   (in_name && (c == '.' || c == '@' || c == '$'));
    if (c < 0x21 || c > 0x7E) {
      if (c == ' ' && !in_name) {
        out.push_back(' ');
        continue;
      }
      char buf[5] = {'\\', static_cast<char>('0' + c / 100), static_cast<char>('0' + c / 10 % 10),
                     static_cast<char>('0' + c % 10), 0};
      out.append(buf, 4);
    } else if (special) {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

}  // namespace zoned::dns
