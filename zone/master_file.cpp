// Master-file parser: tokenizer entries -> directives or RRs -> RecordSink.
#include "zone/master_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "dns/rdata.hpp"
#include "zone/generate.hpp"
#include "zone/tokenizer.hpp"

namespace zoned::zone {

std::string Diagnostic::to_string() const {
  std::string s = file;
  if (line != 0) {
    s += ':' + std::to_string(line);
    if (column != 0) s += ':' + std::to_string(column);
  }
  s += severity == Severity::Error ? ": error: " : ": warning: ";
  s += message;
  return s;
}

Diagnostic Diagnostic::at(Severity severity, SourcePos pos, std::span<const std::string> files,
                          std::string message) {
  Diagnostic d;
  d.severity = severity;
  if (pos.file < files.size()) d.file = files[pos.file];
  d.line = pos.line;
  d.column = pos.column;
  d.message = std::move(message);
  return d;
}

bool ParseOutcome::ok() const {
  for (const auto& d : diagnostics)
    if (d.severity == Severity::Error) return false;
  return true;
}

namespace {

// RFC 2181 §8: TTLs are 31-bit; BIND loads larger values as 0 with a warning.
constexpr std::uint64_t kMaxTtl = 0x7fffffffu;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "3600", "1h30m", "1W2d" (BIND units s m h d w, any case). Nullopt if malformed
// or above 32 bits.
std::optional<std::uint64_t> parse_ttl(std::string_view s) {
  if (s.empty() || !is_digit(s[0])) return std::nullopt;
  std::uint64_t total = 0, cur = 0;
  bool have_digits = false, had_unit = false;
  for (char c : s) {
    if (is_digit(c)) {
      cur = cur * 10 + static_cast<unsigned>(c - '0');
      if (cur > 0xffffffffu) return std::nullopt;
      have_digits = true;
      continue;
    }
    if (!have_digits) return std::nullopt;
    std::uint64_t mult = 0;
    switch (c) {
      case 's': case 'S': mult = 1; break;
      case 'm': case 'M': mult = 60; break;
      case 'h': case 'H': mult = 3600; break;
      case 'd': case 'D': mult = 86400; break;
      case 'w': case 'W': mult = 604800; break;
      default: return std::nullopt;
    }
    total += cur * mult;
    if (total > 0xffffffffu) return std::nullopt;
    cur = 0;
    have_digits = false;
    had_unit = true;
  }
  // A bare number is seconds; once units are used every number needs one
  // ("1h30" is an error, as in BIND).
  if (have_digits) {
    if (had_unit) return std::nullopt;
    total += cur;
  }
  if (total > 0xffffffffu) return std::nullopt;
  return total;
}

bool looks_like_type_word(std::string_view s) {
  if (s.empty() || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'))
      return false;
  return true;
}

std::string quote(std::string_view s) {
  constexpr std::size_t kShown = 60;  // long tokens are cut in messages
  std::string r = "'";
  r.append(s.substr(0, kShown));
  if (s.size() > kShown) r += "...";
  r += "'";
  return r;
}

bool read_whole_file(const std::filesystem::path& path, std::string& out, std::string& err) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    err = "cannot open: " + std::string(std::strerror(errno));
    return false;
  }
  out.clear();
  char chunk[1 << 16];
  std::size_t n;
  if (std::fseek(f.get(), 0, SEEK_END) == 0) {
    long size = std::ftell(f.get());
    if (size > 0) out.reserve(static_cast<std::size_t>(size));
    std::rewind(f.get());
  }
  while ((n = std::fread(chunk, 1, sizeof chunk, f.get())) > 0) out.append(chunk, n);
  if (std::ferror(f.get())) {
    err = "read error";
    return false;
  }
  return true;
}

class Parser {
 public:
  Parser(const ParseOptions& options, RecordSink& sink, ParseOutcome& outcome)
      : opt_(options), sink_(sink), out_(outcome), origin_(options.origin) {}

  void parse_file(const std::filesystem::path& path, std::uint32_t from_file,
                  std::uint32_t from_line, std::uint32_t from_col, std::size_t depth) {
    std::error_code ec;
    auto canon = std::filesystem::weakly_canonical(path, ec);
    if (ec) canon = path;
    for (const auto& p : stack_) {
      if (p == canon) {
        diag(Severity::Error, from_file, from_line, from_col,
             "$INCLUDE loop: " + path.string() + " is already being read");
        return;
      }
    }
    std::string text, err;
    if (!read_whole_file(path, text, err)) {
      if (out_.files.empty()) {  // the top file: the diagnostic names it already
        out_.files.push_back(path.string());
        diag(Severity::Error, 0, 0, 0, err);
      } else {
        diag(Severity::Error, from_file, from_line, from_col,
             "$INCLUDE " + path.string() + ": " + err);
      }
      return;
    }
    const auto index = static_cast<std::uint32_t>(out_.files.size());
    out_.files.push_back(path.string());
    stack_.push_back(canon);
    parse_text(text, index, path.parent_path(), depth);
    stack_.pop_back();
  }

  void parse_text(std::string_view text, std::uint32_t file, const std::filesystem::path& dir,
                  std::size_t depth) {
    Tokenizer tz(text);
    std::vector<Token> tokens;
    bool leading_blank = false;
    TokenizerError terr;
    while (!stopped_) {
      auto st = tz.next(tokens, leading_blank, terr);
      if (st == Tokenizer::Status::End) break;
      if (st == Tokenizer::Status::Error) {
        diag(Severity::Error, file, terr.line, terr.column, terr.message);
        continue;
      }
      entry(tokens, leading_blank, file, dir, depth);
    }
  }

  [[nodiscard]] bool stopped() const { return stopped_; }

 private:
  void diag(Severity sev, std::uint32_t file, std::uint32_t line, std::uint32_t col,
            std::string msg) {
    if (stopped_) return;
    Diagnostic d;
    d.severity = sev;
    d.file = file < out_.files.size() ? out_.files[file] : std::string();
    d.line = line;
    d.column = col;
    d.message = std::move(msg);
    out_.diagnostics.push_back(std::move(d));
    if (sev == Severity::Error && ++errors_ >= opt_.max_errors) stopped_ = true;
  }
  void error_at(std::uint32_t file, const Token& t, std::string msg) {
    diag(Severity::Error, file, t.line, t.column, std::move(msg));
  }

  // TTL above 2^31-1: loaded as 0 (BIND), with a warning.
  std::uint32_t clamp_ttl(std::uint64_t v, std::uint32_t file, const Token& t) {
    if (v > kMaxTtl) {
      diag(Severity::Warning, file, t.line, t.column,
           "TTL " + std::to_string(v) + " is above 2^31-1 (RFC 2181 §8); using 0");
      return 0;
    }
    return static_cast<std::uint32_t>(v);
  }

  void entry(const std::vector<Token>& t, bool leading_blank, std::uint32_t file,
             const std::filesystem::path& dir, std::size_t depth) {
    if (!leading_blank && !t[0].quoted && !t[0].text.empty() && t[0].text[0] == '$') {
      directive(t, file, dir, depth);
      return;
    }
    std::size_t i = 0;
    if (leading_blank) {
      if (!have_owner_) {
        error_at(file, t[0], "no owner name: the first record must name its owner in column 1");
        return;
      }
    } else {
      auto name = dns::Name::parse(t[0].text, &origin_);
      if (!name) {
        error_at(file, t[0], "bad owner name " + quote(t[0].text) + ": " + name.error());
        return;
      }
      owner_ = *name;
      have_owner_ = true;
      i = 1;
    }
    record(t, i, file, owner_);
  }

  // Parses `[ttl] [class] type rdata...` from t[i] on, for `owner`.
  void record(const std::vector<Token>& t, std::size_t i, std::uint32_t file,
              const dns::Name& owner) {
    std::optional<std::uint32_t> ttl;
    std::optional<dns::RRClass> cls;
    for (int k = 0; k < 2 && i < t.size(); ++k) {
      const Token& tok = t[i];
      if (tok.quoted) break;
      if (!ttl && is_digit(tok.text[0])) {
        auto v = parse_ttl(tok.text);
        if (!v) {
          error_at(file, tok, "bad TTL " + quote(tok.text));
          return;
        }
        ttl = clamp_ttl(*v, file, tok);
        ++i;
        continue;
      }
      if (!cls) {
        if (auto c = dns::class_from_text(tok.text)) {
          cls = *c;
          ++i;
          continue;
        }
      }
      break;
    }
    if (i >= t.size()) {
      const Token& last = t.back();
      diag(Severity::Error, file, last.line,
           static_cast<std::uint32_t>(last.column + last.text.size() + (last.quoted ? 2 : 0)),
           "expected a TTL or class or type after " + quote(last.text));
      return;
    }
    const Token& type_tok = t[i];
    auto type = type_tok.quoted ? std::nullopt : dns::type_from_text(type_tok.text);
    if (!type) {
      if (!type_tok.quoted && looks_like_type_word(type_tok.text))
        error_at(file, type_tok, "unknown RR type " + quote(type_tok.text));
      else
        error_at(file, type_tok, "expected a TTL or class or type, found " + quote(type_tok.text));
      return;
    }
    ++i;
    if (dns::is_meta_type(*type)) {
      error_at(file, type_tok, "type " + dns::type_to_text(*type) + " cannot appear in a zone");
      return;
    }
    if (cls && *cls != opt_.rclass) {
      error_at(file, t[0], "class " + dns::class_to_text(*cls) + " differs from the zone's class " +
                               dns::class_to_text(opt_.rclass));
      return;
    }
    rtokens_.clear();
    for (std::size_t k = i; k < t.size(); ++k) rtokens_.push_back({t[k].text, t[k].quoted});
    rdata_.clear();
    if (auto err = dns::rdata_from_text(*type, rtokens_, origin_, rdata_)) {
      std::uint32_t line, col;
      if (err->token < rtokens_.size()) {
        line = t[i + err->token].line;
        col = t[i + err->token].column;
      } else {
        const Token& last = t.back();
        line = last.line;
        col = static_cast<std::uint32_t>(last.column + last.text.size() + (last.quoted ? 2 : 0));
      }
      diag(Severity::Error, file, line, col,
           dns::type_to_text(*type) + " rdata: " + err->message);
      return;
    }
    if (rdata_.size() > 65535) {
      error_at(file, type_tok, "rdata longer than 65535 octets");
      return;
    }
    std::uint32_t final_ttl = 0;
    if (ttl) {
      final_ttl = *ttl;
      if (!default_ttl_) last_ttl_ = *ttl;  // RFC 1035 §5.1: the last explicit TTL
    } else if (default_ttl_) {
      final_ttl = *default_ttl_;
    } else if (last_ttl_) {
      final_ttl = *last_ttl_;
    } else if (opt_.default_ttl) {
      final_ttl = *opt_.default_ttl;
    } else if (*type == dns::RRType::SOA && rdata_.size() >= 4) {
      // As BIND: the SOA MINIMUM becomes the default TTL (RFC 2308 §4 wording
      // of the pre-$TTL practice), and the operator is told.
      const std::size_t p = rdata_.size() - 4;
      final_ttl = static_cast<std::uint32_t>(rdata_[p]) << 24 |
                  static_cast<std::uint32_t>(rdata_[p + 1]) << 16 |
                  static_cast<std::uint32_t>(rdata_[p + 2]) << 8 | rdata_[p + 3];
      if (final_ttl > kMaxTtl) final_ttl = 0;
      default_ttl_ = final_ttl;
      diag(Severity::Warning, file, type_tok.line, type_tok.column,
           "no TTL specified; using the SOA MINIMUM (" + std::to_string(final_ttl) +
               ") as the default TTL");
    } else {
      error_at(file, type_tok, "no TTL specified and no $TTL before this record");
      return;
    }
    ParsedRecord rr{owner, *type, cls.value_or(opt_.rclass), final_ttl,
                    std::span<const std::uint8_t>(rdata_), {file, t[0].line, t[0].column}};
    sink_.on_record(rr);
    ++out_.records;
  }

  void directive(const std::vector<Token>& t, std::uint32_t file,
                 const std::filesystem::path& dir, std::size_t depth) {
    const std::string_view d = t[0].text;
    auto ieq = [](std::string_view a, std::string_view b) {
      if (a.size() != b.size()) return false;
      for (std::size_t k = 0; k < a.size(); ++k)
        if (dns::ascii_lower(static_cast<std::uint8_t>(a[k])) !=
            dns::ascii_lower(static_cast<std::uint8_t>(b[k])))
          return false;
      return true;
    };
    auto want_args = [&](std::size_t lo, std::size_t hi, const char* usage) {
      if (t.size() - 1 < lo || t.size() - 1 > hi) {
        const Token& at = t.size() - 1 > hi ? t[hi + 1] : t[0];
        error_at(file, at, std::string("usage: ") + usage);
        return false;
      }
      return true;
    };
    if (ieq(d, "$ORIGIN")) {
      if (!want_args(1, 1, "$ORIGIN name")) return;
      auto name = dns::Name::parse(t[1].text, &origin_);
      if (!name) {
        error_at(file, t[1], "bad $ORIGIN " + quote(t[1].text) + ": " + name.error());
        return;
      }
      origin_ = *name;
    } else if (ieq(d, "$TTL")) {
      if (!want_args(1, 1, "$TTL ttl")) return;
      auto v = parse_ttl(t[1].text);
      if (!v) {
        error_at(file, t[1], "bad TTL " + quote(t[1].text));
        return;
      }
      default_ttl_ = clamp_ttl(*v, file, t[1]);
    } else if (ieq(d, "$INCLUDE")) {
      if (!want_args(1, 2, "$INCLUDE file [origin]")) return;
      if (!opt_.allow_include) {
        error_at(file, t[0], "$INCLUDE is not allowed here");
        return;
      }
      if (depth + 1 > opt_.max_include_depth) {
        error_at(file, t[0],
                 "$INCLUDE nested deeper than " + std::to_string(opt_.max_include_depth));
        return;
      }
      std::optional<dns::Name> new_origin;
      if (t.size() == 3) {
        auto name = dns::Name::parse(t[2].text, &origin_);
        if (!name) {
          error_at(file, t[2], "bad origin " + quote(t[2].text) + ": " + name.error());
          return;
        }
        new_origin = *name;
      }
      std::filesystem::path p{std::string(t[1].text)};
      if (p.is_relative()) p = dir / p;
      // RFC 1035 §5.1: the included file does not change the includer's
      // origin; zoned also restores $TTL and the current owner.
      const dns::Name saved_origin = origin_, saved_owner = owner_;
      const auto saved_ttl = default_ttl_;
      const bool saved_have_owner = have_owner_;
      if (new_origin) origin_ = *new_origin;
      parse_file(p, file, t[1].line, t[1].column, depth + 1);
      origin_ = saved_origin;
      owner_ = saved_owner;
      have_owner_ = saved_have_owner;
      default_ttl_ = saved_ttl;
    } else if (ieq(d, "$GENERATE")) {
      generate(t, file);
    } else {
      error_at(file, t[0], "unknown directive " + quote(d));
    }
  }

  // $GENERATE range lhs [ttl] [class] type rhs
  void generate(const std::vector<Token>& t, std::uint32_t file) {
    if (t.size() < 5) {
      error_at(file, t[0], "usage: $GENERATE start-stop[/step] lhs [ttl] [class] type rhs");
      return;
    }
    GenerateRange range;
    if (auto e = parse_generate_range(t[1].text, range, opt_.max_generated_records)) {
      error_at(file, t[1], *e);
      return;
    }
    generated_total_ += (std::uint64_t{range.stop} - range.start) / range.step + 1;
    if (generated_total_ > opt_.max_generated_records) {
      error_at(file, t[1],
               "$GENERATE total above the limit of " +
                   std::to_string(opt_.max_generated_records) + " records");
      return;
    }
    // Template entry: [owner-placeholder, ttl?, class?, type, rhs]; substituted per value.
    std::vector<Token> entry_tokens(t.begin() + 2, t.end());
    const Token lhs = t[2], rhs = t.back();
    std::string owner_text, rhs_text;
    for (std::uint64_t v = range.start; v <= range.stop; v += range.step) {
      if (stopped_) return;
      if (auto e = generate_expand(lhs.text, static_cast<std::int64_t>(v), owner_text)) {
        error_at(file, lhs, *e);
        return;
      }
      if (auto e = generate_expand(rhs.text, static_cast<std::int64_t>(v), rhs_text)) {
        error_at(file, rhs, *e);
        return;
      }
      auto name = dns::Name::parse(owner_text, &origin_);
      if (!name) {
        error_at(file, lhs, "$GENERATE owner " + quote(owner_text) + ": " + name.error());
        return;
      }
      entry_tokens.back().text = rhs_text;
      const std::size_t before = errors_;
      record(entry_tokens, 1, file, *name);
      if (errors_ != before) return;  // one report per $GENERATE line
    }
  }

  const ParseOptions& opt_;
  RecordSink& sink_;
  ParseOutcome& out_;
  dns::Name origin_;
  dns::Name owner_;
  bool have_owner_ = false;
  std::optional<std::uint32_t> default_ttl_;  // $TTL (or SOA MINIMUM, see record())
  std::optional<std::uint32_t> last_ttl_;     // last explicit TTL, without $TTL
  std::vector<std::filesystem::path> stack_;
  std::vector<dns::TextToken> rtokens_;
  std::vector<std::uint8_t> rdata_;
  std::uint64_t generated_total_ = 0;
  std::size_t errors_ = 0;
  bool stopped_ = false;
};

}  // namespace

ParseOutcome parse_master_file(const std::filesystem::path& path, const ParseOptions& options,
                               RecordSink& sink) {
  ParseOutcome out;
  Parser p(options, sink, out);
  p.parse_file(path, 0, 0, 0, 0);
  return out;
}

ParseOutcome parse_master_text(std::string_view text, std::string_view display_name,
                               const ParseOptions& options, RecordSink& sink) {
  ParseOutcome out;
  out.files.emplace_back(display_name);
  Parser p(options, sink, out);
  p.parse_text(text, 0, std::filesystem::path(), 0);
  return out;
}

}  // namespace zoned::zone
