#pragma once
// Typed, checked access to the nodes of a YAML config document. Each accessor
// either returns a valid value or throws ConfigError carrying
// "FILE:LINE:COLUMN: message (hint)"; parse_config turns that into a Result.
// Exceptions are fine here: this runs at startup and reload, never per query.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace zoned::server {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One `key: value` of a mapping.
struct ConfigField {
  std::string_view name;  // the key's text (owned by `key`)
  YAML::Node key;
  YAML::Node value;
  // Where errors about the value point: the value, or the key when the value
  // is empty (yaml-cpp places an empty value at the start of the next line).
  [[nodiscard]] YAML::Mark mark() const;
};

// What to do with one allowed key of a mapping.
struct KeyHandler {
  std::string_view key;
  std::function<void(const ConfigField&)> read;
};

class ConfigReader {
 public:
  // `file_label` names the file in errors; `base_dir` anchors relative paths.
  ConfigReader(std::string file_label, std::filesystem::path base_dir);

  [[noreturn]] void fail(const YAML::Mark& at, std::string_view message,
                         std::string_view hint = {}) const;

  // `text` parsed as exactly one YAML document: a null node when it holds only
  // comments. Syntax errors and a second document are errors.
  [[nodiscard]] YAML::Node load_document(std::string_view text) const;

  // Calls the handler of each key of `mapping` in document order. Unknown and
  // repeated keys are errors; an empty value (`server:` with nothing below)
  // counts as an empty mapping. `where` names the mapping in messages.
  void read_mapping(const YAML::Node& mapping, const YAML::Mark& at, std::string_view where,
                    std::initializer_list<KeyHandler> handlers) const;

  // A list value; a single scalar counts as a list of one.
  [[nodiscard]] std::vector<YAML::Node> list(const ConfigField& field) const;

  [[nodiscard]] std::string text(const ConfigField& field) const;  // non-empty scalar
  [[nodiscard]] std::string text(const YAML::Node& node, const YAML::Mark& at,
                                 std::string_view what) const;
  [[nodiscard]] std::uint64_t integer(const ConfigField& field, std::uint64_t min,
                                      std::uint64_t max) const;
  [[nodiscard]] bool boolean(const ConfigField& field) const;
  [[nodiscard]] std::chrono::milliseconds duration(const ConfigField& field,
                                                   std::chrono::milliseconds min,
                                                   std::chrono::milliseconds max) const;
  // One of `choices`, exactly as written there.
  [[nodiscard]] std::string one_of(const ConfigField& field,
                                   std::span<const std::string_view> choices) const;
  // A file name made absolute against the config file's directory.
  [[nodiscard]] std::filesystem::path path(const ConfigField& field) const;
  [[nodiscard]] std::filesystem::path resolve(const std::filesystem::path& path) const;

 private:
  void reject_stray_token(const YAML::Node& root, std::string_view text) const;

  std::string file_label_;
  std::filesystem::path base_dir_;
};

}  // namespace zoned::server
