#pragma once
// A tiny JSON writer for zonectl's --json output: strings escaped per RFC 8259 §7.
#include <cstdint>
#include <string>
#include <string_view>

namespace zoned::ctl {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(std::uint64_t n);
  JsonWriter& value(bool b);
  [[nodiscard]] const std::string& str() const noexcept { return out_; }

 private:
  void separate();
  std::string out_;
  bool need_comma_ = false;
};

void json_escape(std::string_view s, std::string& out);

}  // namespace zoned::ctl
