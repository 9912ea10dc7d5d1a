#pragma once
// Master-file tokenizer (RFC 1035 §5.1): splits a whole in-memory file into
// entries (one logical line, parentheses joining physical lines) of tokens
// that are views into the buffer. Escapes are kept raw; nothing is allocated
// per token (the caller's vector is reused entry after entry).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zoned::zone {

struct Token {
  std::string_view text;     // raw; for a quoted token the quotes are stripped
  std::uint32_t line = 0;    // 1-based
  std::uint32_t column = 0;  // 1-based, in bytes
  bool quoted = false;
};

struct TokenizerError {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;
};

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view buffer) noexcept : buf_(buffer) {}

  enum class Status : std::uint8_t { Entry, End, Error };

  // Reads the next non-empty entry into `out` (cleared first). `leading_blank`
  // is true when the entry's line starts with a space or tab (RFC 1035: the
  // owner is the previous one). After an Error, the tokenizer has skipped to
  // the next line so that parsing can resume there.
  [[nodiscard]] Status next(std::vector<Token>& out, bool& leading_blank, TokenizerError& err);

 private:
  [[nodiscard]] char peek() const noexcept { return pos_ < buf_.size() ? buf_[pos_] : '\0'; }
  void skip_to_line_end() noexcept;

  std::string_view buf_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  std::uint32_t line_ = 1;
};

}  // namespace zoned::zone
