#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "zone/tokenizer.hpp"

using zoned::zone::Token;
using zoned::zone::Tokenizer;
using zoned::zone::TokenizerError;

namespace {
struct Entry {
  std::vector<Token> tokens;
  bool blank = false;
};
std::vector<Entry> entries(std::string_view text, TokenizerError* err = nullptr) {
  Tokenizer tz(text);
  std::vector<Entry> out;
  std::vector<Token> toks;
  bool blank = false;
  TokenizerError e;
  while (true) {
    auto st = tz.next(toks, blank, e);
    if (st == Tokenizer::Status::End) break;
    if (st == Tokenizer::Status::Error) {
      if (err) *err = e;
      break;
    }
    out.push_back({toks, blank});
  }
  return out;
}
}  // namespace

TEST_CASE("tokenizer: tokens, comments, line and column") {
  auto e = entries("www  A 1.2.3.4 ; comment\n\n; only comment\n\tMX 10 mx\n");
  REQUIRE(e.size() == 2);
  REQUIRE(e[0].tokens.size() == 3);
  CHECK(e[0].tokens[0].text == "www");
  CHECK(e[0].tokens[1].column == 6);
  CHECK(e[0].tokens[2].text == "1.2.3.4");
  CHECK_FALSE(e[0].blank);
  CHECK(e[1].blank);
  CHECK(e[1].tokens[0].line == 4);
  CHECK(e[1].tokens[0].column == 2);
}

TEST_CASE("tokenizer: parentheses join lines") {
  auto e = entries("@ SOA ns host (\n  1 ; serial\n  2 3 4\n  5 )\nnext A 1.1.1.1\n");
  REQUIRE(e.size() == 2);
  CHECK(e[0].tokens.size() == 9);
  CHECK(e[0].tokens[4].text == "1");
  CHECK(e[0].tokens[4].line == 2);
  CHECK(e[0].tokens[8].text == "5");
  CHECK(e[0].tokens[8].line == 4);
  CHECK(e[1].tokens[0].line == 5);
}

TEST_CASE("tokenizer: unclosed parenthesis names where it opened") {
  TokenizerError err;
  auto e = entries("a A 1.1.1.1\n@ SOA ns host (\n 1 2 3 4 5\n", &err);
  CHECK(e.size() == 1);
  CHECK(err.line == 2);
  CHECK(err.column == 15);
  CHECK(err.message.find("unclosed") != std::string::npos);
}

TEST_CASE("tokenizer: quoted strings keep escapes raw") {
  auto e = entries(R"X(t TXT "a \"b\" ; c" plain\ space "x(y)")X" "\n");
  REQUIRE(e.size() == 1);
  REQUIRE(e[0].tokens.size() == 5);
  CHECK(e[0].tokens[2].quoted);
  CHECK(e[0].tokens[2].text == R"(a \"b\" ; c)");
  CHECK(e[0].tokens[2].column == 7);
  CHECK_FALSE(e[0].tokens[3].quoted);
  CHECK(e[0].tokens[3].text == R"(plain\ space)");
  CHECK(e[0].tokens[4].text == "x(y)");
}

TEST_CASE("tokenizer: embedded quotes inside an unquoted token") {
  auto e = entries("s SVCB 1 . alpn=\"h2, h3\" port=443\n");
  REQUIRE(e.size() == 1);
  REQUIRE(e[0].tokens.size() == 6);
  CHECK(e[0].tokens[4].text == "alpn=\"h2, h3\"");
  CHECK_FALSE(e[0].tokens[4].quoted);
  CHECK(e[0].tokens[5].text == "port=443");
  CHECK(e[0].tokens[5].column == 26);
}

TEST_CASE("tokenizer: unterminated quote and stray ')'") {
  TokenizerError err;
  entries("a TXT \"abc\n", &err);
  CHECK(err.line == 1);
  CHECK(err.column == 7);
  TokenizerError err2;
  entries("a A 1.1.1.1 )\n", &err2);
  CHECK(err2.column == 13);
}

TEST_CASE("tokenizer: CRLF line ends") {
  auto e = entries("a A 1.1.1.1\r\nb A 2.2.2.2\r\n");
  REQUIRE(e.size() == 2);
  CHECK(e[0].tokens[2].text == "1.1.1.1");
  CHECK(e[1].tokens[0].line == 2);
}

TEST_CASE("tokenizer: escaped specials stay inside unquoted tokens") {
  auto e = entries("a\\;b TXT x\\(y\\) \\\"z\n");
  REQUIRE(e.size() == 1);
  REQUIRE(e[0].tokens.size() == 4);
  CHECK(e[0].tokens[0].text == "a\\;b");
  CHECK(e[0].tokens[2].text == "x\\(y\\)");
  CHECK(e[0].tokens[3].text == "\\\"z");
}

TEST_CASE("tokenizer: a newline inside quotes is an error at the opening quote") {
  // named-compilezone, kzonecheck and ldns all reject it ("unbalanced quotes").
  TokenizerError err;
  auto e = entries("a A 1.1.1.1\nw IN TXT \"multi\nline\"\n", &err);
  REQUIRE(e.size() == 1);
  CHECK(err.line == 2);
  CHECK(err.column == 10);
  CHECK(err.message == "unterminated quoted string (newline inside quotes)");

  // Parentheses do not change that.
  TokenizerError err2;
  entries("w TXT ( \"a\nb\" )\n", &err2);
  CHECK(err2.line == 1);
  CHECK(err2.column == 9);
  CHECK(err2.message == "unterminated quoted string (newline inside quotes)");

  TokenizerError err3;
  entries("w TXT \"abc", &err3);
  CHECK(err3.line == 1);
  CHECK(err3.column == 7);
  CHECK(err3.message == "unterminated quoted string (end of file inside quotes)");
}

TEST_CASE("tokenizer: after a newline inside quotes, reading resumes on the next line") {
  Tokenizer tz("w TXT \"multi\nnext A 1.1.1.1\n");
  std::vector<Token> toks;
  bool blank = false;
  TokenizerError err;
  REQUIRE(tz.next(toks, blank, err) == Tokenizer::Status::Error);
  REQUIRE(tz.next(toks, blank, err) == Tokenizer::Status::Entry);
  REQUIRE(toks.size() == 3);
  CHECK(toks[0].text == "next");
  CHECK(toks[0].line == 2);
  CHECK(toks[0].column == 1);
  CHECK(tz.next(toks, blank, err) == Tokenizer::Status::End);
}

TEST_CASE("tokenizer: an escaped newline inside quotes is kept, and later columns stay exact") {
  // named-compilezone accepts "multi\<newline>line" as TXT "multi\010line".
  auto e = entries("t TXT \"one\\\ntwo\" after\nnext A 1.1.1.1\n");
  REQUIRE(e.size() == 2);
  REQUIRE(e[0].tokens.size() == 4);
  CHECK(e[0].tokens[2].quoted);
  CHECK(e[0].tokens[2].text == "one\\\ntwo");
  CHECK(e[0].tokens[3].text == "after");
  CHECK(e[0].tokens[3].line == 2);
  CHECK(e[0].tokens[3].column == 6);
  CHECK(e[1].tokens[0].line == 3);

  // An escaped backslash before the newline does not escape the newline.
  TokenizerError err;
  entries("t TXT \"a\\\\\nb\"\n", &err);
  CHECK(err.line == 1);
  CHECK(err.column == 7);
  CHECK(err.message == "unterminated quoted string (newline inside quotes)");
}
