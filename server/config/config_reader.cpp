#include "server/config/config_reader.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <optional>
#include <sstream>

#include "server/config/config_values.hpp"

namespace zoned::server {
namespace {

[[nodiscard]] std::string joined(std::span<const std::string_view> words) {
  std::string out;
  for (const std::string_view word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

[[nodiscard]] const char* kind_of(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsScalar()) return "a single value";
  return "nothing";
}

// Records where each document starts and ignores the rest: enough to tell
// whether a text holds more than one document.
class DocumentStarts final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

YAML::Node ConfigReader::load_document(std::string_view text) const {
  const std::string copy(text);
  try {
    const YAML::Node root = YAML::Load(copy);
    reject_stray_token(root, copy);
    // Not YAML::LoadAll: yaml-cpp 0.7 loops forever on a stray `,` there
    // (yaml-cpp issue #1040), returning the same empty document each time.
    // Asking for two documents is bounded, and finds both a real second
    // document and the content such a stray token leaves behind.
    std::istringstream stream(copy);
    YAML::Parser parser(stream);
    DocumentStarts starts;
    if (parser.HandleNextDocument(starts) && parser.HandleNextDocument(starts)) {
      fail(starts.marks.back(), "more than one YAML document, or text after the end of one",
           "a config is one document: remove the second `---` or the stray text");
    }
    return root;
  } catch (const YAML::DeepRecursion& error) {  // its own message says "bad file"
    fail(error.mark, "YAML nested too deeply", "a config needs a few levels at most");
  } catch (const YAML::Exception& error) {
    fail(error.mark, "YAML syntax error: " + error.msg);
  }
}

void ConfigReader::reject_stray_token(const YAML::Node& root, std::string_view text) const {
  // yaml-cpp 0.7 makes a lone `,` an empty document (issue #1040). An empty
  // document has only blanks, a comment or a document marker (`---`, `...`)
  // where its root would be.
  const YAML::Mark at = root.Mark();
  if (!root.IsNull() || at.is_null() || static_cast<std::size_t>(at.pos) >= text.size()) return;
  const char found = text[static_cast<std::size_t>(at.pos)];
  if (std::string_view(" \t\r\n#-.").find(found) == std::string_view::npos) {
    fail(at, "unexpected " + backticked(std::string_view(&found, 1)),
         "a config is `key: value` lines");
  }
}

YAML::Mark ConfigField::mark() const {
  return value.IsDefined() && !value.IsNull() ? value.Mark() : key.Mark();
}

ConfigReader::ConfigReader(std::string file_label, std::filesystem::path base_dir)
    : file_label_(std::move(file_label)), base_dir_(std::move(base_dir)) {}

void ConfigReader::fail(const YAML::Mark& at, std::string_view message,
                        std::string_view hint) const {
  std::string text = file_label_;
  if (!at.is_null()) {  // yaml-cpp counts from 0; editors from 1
    text += ":" + std::to_string(at.line + 1) + ":" + std::to_string(at.column + 1);
  }
  text += ": ";
  text += message;
  if (!hint.empty()) text += " (" + std::string(hint) + ")";
  throw ConfigError(text);
}

void ConfigReader::read_mapping(const YAML::Node& mapping, const YAML::Mark& at,
                                std::string_view where,
                                std::initializer_list<KeyHandler> handlers) const {
  std::vector<std::string_view> allowed;
  for (const KeyHandler& handler : handlers) allowed.push_back(handler.key);
  if (!mapping.IsDefined() || mapping.IsNull()) return;
  if (!mapping.IsMap()) {
    fail(at, std::string(where) + " must be a mapping of keys, not " + kind_of(mapping),
         "allowed keys: " + joined(allowed));
  }
  std::vector<ConfigField> seen;
  for (const auto& entry : mapping) {
    if (!entry.first.IsScalar()) {
      fail(entry.first.Mark(), "keys in " + std::string(where) + " must be plain names");
    }
    const ConfigField field{entry.first.Scalar(), entry.first, entry.second};
    const auto handler = std::find_if(handlers.begin(), handlers.end(),
                                      [&](const KeyHandler& h) { return h.key == field.name; });
    if (handler == handlers.end()) {
      const std::string_view suggestion = closest_key(field.name, allowed);
      fail(field.key.Mark(), "unknown key " + backticked(field.name) + " in " + std::string(where),
           suggestion.empty() ? "allowed keys: " + joined(allowed)
                              : "did you mean " + backticked(suggestion) + "?");
    }
    const auto earlier = std::find_if(seen.begin(), seen.end(), [&](const ConfigField& f) {
      return f.name == field.name;
    });
    if (earlier != seen.end()) {
      fail(field.key.Mark(), backticked(field.name) + " appears twice in " + std::string(where),
           "first at line " + std::to_string(earlier->key.Mark().line + 1));
    }
    seen.push_back(field);
    handler->read(field);
  }
}

std::vector<YAML::Node> ConfigReader::list(const ConfigField& field) const {
  if (field.value.IsScalar()) return {field.value};
  if (!field.value.IsSequence()) {
    fail(field.mark(), backticked(field.name) + " must be a list, not " + kind_of(field.value));
  }
  return {field.value.begin(), field.value.end()};
}

std::string ConfigReader::text(const YAML::Node& node, const YAML::Mark& at,
                               std::string_view what) const {
  if (!node.IsScalar()) {
    fail(at, std::string(what) + " must be a single value, not " + kind_of(node));
  }
  if (node.Scalar().empty()) fail(at, std::string(what) + " must not be empty");
  return node.Scalar();
}

std::string ConfigReader::text(const ConfigField& field) const {
  return text(field.value, field.mark(), backticked(field.name));
}

std::uint64_t ConfigReader::integer(const ConfigField& field, std::uint64_t min,
                                    std::uint64_t max) const {
  const std::string value = text(field);
  const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  const bool digits_only = std::all_of(value.begin(), value.end(),
                                       [](char c) { return c >= '0' && c <= '9'; });
  if (!digits_only) {
    fail(field.mark(), backticked(field.name) + " must be a whole number, not " + backticked(value),
         range);
  }
  // Twenty digits or more may not fit in 64 bits; every limit here is far lower.
  constexpr std::size_t kMaxDigits = 19;
  const bool fits = value.size() <= kMaxDigits;
  const std::uint64_t number = fits ? std::stoull(value) : 0;
  if (!fits || number < min || number > max) {
    fail(field.mark(), backticked(field.name) + " is out of range: " + value, range);
  }
  return number;
}

bool ConfigReader::boolean(const ConfigField& field) const {
  bool flag = false;
  if (!field.value.IsScalar() || !YAML::convert<bool>::decode(field.value, flag)) {
    fail(field.mark(), backticked(field.name) + " must be true or false",
         "also accepted: yes/no, on/off");
  }
  return flag;
}

std::chrono::milliseconds ConfigReader::duration(const ConfigField& field,
                                                 std::chrono::milliseconds min,
                                                 std::chrono::milliseconds max) const {
  const std::string value = text(field);
  const std::string range = "from " + format_duration(min) + " to " + format_duration(max);
  const std::optional<std::chrono::milliseconds> parsed = parse_duration(value);
  if (!parsed) {
    fail(field.mark(), backticked(field.name) + " must be a duration, not " + backticked(value),
         "like 10s, 500ms, 2m, 1h, or a number of seconds; " + range);
  }
  if (*parsed < min || *parsed > max) {
    fail(field.mark(), backticked(field.name) + " is out of range: " + value, range);
  }
  return *parsed;
}

std::string ConfigReader::one_of(const ConfigField& field,
                                 std::span<const std::string_view> choices) const {
  const std::string value = text(field);
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    fail(field.mark(), backticked(field.name) + " cannot be " + backticked(value),
         "one of: " + joined(choices));
  }
  return value;
}

std::filesystem::path ConfigReader::path(const ConfigField& field) const {
  return resolve(text(field));
}

std::filesystem::path ConfigReader::resolve(const std::filesystem::path& path) const {
  return (base_dir_ / path).lexically_normal();
}

}  // namespace zoned::server
