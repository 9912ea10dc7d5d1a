#include "zone/tokenizer.hpp"

namespace zoned::zone {

void Tokenizer::skip_to_line_end() noexcept {
  while (pos_ < buf_.size() && buf_[pos_] != '\n') ++pos_;
}

Tokenizer::Status Tokenizer::next(std::vector<Token>& out, bool& leading_blank,
                                  TokenizerError& err) {
  out.clear();
  const std::size_t n = buf_.size();
  const char* d = buf_.data();
  while (true) {
    if (pos_ >= n) return Status::End;
    // At a line start.
    leading_blank = d[pos_] == ' ' || d[pos_] == '\t';
    int depth = 0;
    std::uint32_t open_line = 0, open_col = 0;
    bool entry_done = false;
    while (!entry_done) {
      if (pos_ >= n) {
        if (depth > 0) {
          err = {open_line, open_col, "unclosed '(' (opened here) at end of file"};
          return Status::Error;
        }
        break;
      }
      const char c = d[pos_];
      if (c == ' ' || c == '\t' || c == '\r') { ++pos_; continue; }
      if (c == '\n') {
        ++pos_;
        ++line_;
        line_start_ = pos_;
        if (depth == 0) entry_done = true;
        continue;
      }
      if (c == ';') { skip_to_line_end(); continue; }
      const auto col = static_cast<std::uint32_t>(pos_ - line_start_ + 1);
      if (c == '(') {
        if (depth == 0) { open_line = line_; open_col = col; }
        ++depth;
        ++pos_;
        continue;
      }
      if (c == ')') {
        if (depth == 0) {
          err = {line_, col, "')' without a matching '('"};
          skip_to_line_end();
          return Status::Error;
        }
        --depth;
        ++pos_;
        continue;
      }
      if (c == '"') {
        // Quoted string; `\x` escapes kept raw. A bare newline inside quotes
        // is an error, as in BIND, Knot and ldns: it almost always means a
        // missing closing quote. An escaped newline (backslash, newline) is
        // accepted like BIND does and stands for a newline byte.
        const std::uint32_t tline = line_;
        std::size_t start = ++pos_;
        while (pos_ < n && d[pos_] != '"' && d[pos_] != '\n') {
          if (d[pos_] == '\\' && pos_ + 1 < n) {
            ++pos_;
            if (d[pos_] == '\n') { ++line_; line_start_ = pos_ + 1; }
          }
          ++pos_;
        }
        if (pos_ >= n || d[pos_] == '\n') {
          err = {tline, col,
                 pos_ >= n ? "unterminated quoted string (end of file inside quotes)"
                           : "unterminated quoted string (newline inside quotes)"};
          skip_to_line_end();
          return Status::Error;
        }
        out.push_back({std::string_view(d + start, pos_ - start), tline, col, true});
        ++pos_;
        continue;
      }
      // Unquoted token; may embed a quoted part (SVCB `alpn="h2,h3"`).
      const std::size_t start = pos_;
      const std::uint32_t tline = line_;
      while (pos_ < n) {
        const char t = d[pos_];
        if (t == ' ' || t == '\t' || t == '\n' || t == '\r' || t == ';' || t == '(' || t == ')')
          break;
        if (t == '\\') {
          pos_ += (pos_ + 1 < n && d[pos_ + 1] != '\n') ? 2 : 1;
          continue;
        }
        if (t == '"') {
          ++pos_;
          while (pos_ < n && d[pos_] != '"' && d[pos_] != '\n') {
            if (d[pos_] == '\\' && pos_ + 1 < n && d[pos_ + 1] != '\n') ++pos_;
            ++pos_;
          }
          if (pos_ >= n || d[pos_] != '"') {
            err = {tline, col, "unterminated quoted part in token"};
            skip_to_line_end();
            return Status::Error;
          }
          ++pos_;
          continue;
        }
        ++pos_;
      }
      out.push_back({std::string_view(d + start, pos_ - start), tline, col, false});
    }
    if (!out.empty()) return Status::Entry;
  }
}

}  // namespace zoned::zone
