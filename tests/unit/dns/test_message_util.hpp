#pragma once
// Helpers for the message tests: a tiny big-endian byte builder.
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace zoned::dns::test {

struct Bytes {
  std::vector<std::uint8_t> b;
  Bytes& u8(unsigned v) { b.push_back(static_cast<std::uint8_t>(v)); return *this; }
  Bytes& u16(unsigned v) { u8(v >> 8); return u8(v); }
  Bytes& u32(std::uint32_t v) { u16(v >> 16); return u16(v & 0xffff); }
  Bytes& raw(std::initializer_list<unsigned> v) { for (unsigned x : v) u8(x); return *this; }
  // Uncompressed name from dotted text without escapes; "." is the root.
  Bytes& name(std::string_view dotted) {
    while (!dotted.empty() && dotted != ".") {
      auto dot = dotted.find('.');
      auto label = dotted.substr(0, dot);
      u8(static_cast<unsigned>(label.size()));
      for (char c : label) u8(static_cast<unsigned char>(c));
      dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
    }
    return u8(0);
  }
  Bytes& ptr(unsigned offset) { return u16(0xc000 | offset); }
  Bytes& header(unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar) {
    return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  std::size_t size() const { return b.size(); }
};

}  // namespace zoned::dns::test
