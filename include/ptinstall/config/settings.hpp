// The one registry of settings. Every option is declared here once: its command-line flags, its
// environment variables (PTINSTALL_* and, where uv has one, UV_*), its config-file key, its default
// and its help. cli/ builds the CLI11 options from this table, config/ reads the environment and the
// config files with the same keys, so no option is ever parsed twice.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ptinstall::config {

enum class Kind {
  Flag,    // boolean switch; env values 1/true/yes/on and 0/false/no/off
  Value,   // one string value
  List,    // repeatable; env values are split on whitespace
  Count,   // -v -v: number of occurrences
};

// Which commands accept a setting (bit set).
enum Command : std::uint32_t {
  kInstall = 1u << 0,
  kUninstall = 1u << 1,
  kList = 1u << 2,
  kFreeze = 1u << 3,
  kShow = 1u << 4,
  kCheck = 1u << 5,
  kCompile = 1u << 6,
  kSync = 1u << 7,
  kVenv = 1u << 8,
  kTorchBackend = 1u << 9,
  kCompletion = 1u << 10,  // generate-shell-completion (and the hidden generate-man-page)
  kCacheDir = 1u << 11,
  kCacheClean = 1u << 12,
  kCachePrune = 1u << 13,
  kCacheSize = 1u << 14,
  kTree = 1u << 15,        // pip tree
  kDownload = 1u << 16,    // pip download
};
constexpr std::uint32_t kCache = kCacheDir | kCacheClean | kCachePrune | kCacheSize;
constexpr std::uint32_t kResolving = kInstall | kCompile | kSync | kDownload;
constexpr std::uint32_t kAllPip = kInstall | kUninstall | kList | kFreeze | kShow | kCheck | kCompile | kSync | kTree |
                                  kDownload;
constexpr std::uint32_t kEnvironment = kAllPip | kVenv;

// Extra properties of a setting (bit set).
enum Trait : std::uint32_t {
  kNoFileKey = 1u << 0,  // not a config-file key (uv has none): only the command line and the environment set it
  kNumber = 1u << 1,     // Value kind holding a number: a config file may give it as a TOML integer or float
};

struct SettingSpec {
  std::string_view key;                     // config-file key and the internal name, kebab-case
  std::string_view flags;                   // CLI11 spec, e.g. "-i,--index-url"; empty: config/env only
  std::vector<std::string_view> env;        // environment variables, first wins
  Kind kind;
  std::uint32_t commands;                   // Command bits
  std::string_view help;
  std::vector<std::string_view> choices;    // allowed values (Value kind), empty: free text
  std::string_view default_value;           // shown in --help and used when unset
  bool implemented;                         // false: giving it is an `error: ... is not supported yet`
  std::string_view value_name = "";         // placeholder shown in help, e.g. URL
  std::uint32_t traits = 0;                 // Trait bits
};

// The whole table, in the order --help shows it.
std::span<const SettingSpec> all_settings();
const SettingSpec* find_setting(std::string_view key);

// Where a value came from, highest precedence first.
enum class Source { CommandLine, Environment, ProjectFile, UserFile, SystemFile, Default };
std::string_view to_string(Source source);

struct SettingValue {
  std::vector<std::string> values;  // one entry for Value/Flag ("true"/"false"), many for List
  Source source = Source::Default;
  std::string origin;               // env var name, file path, or the flag as given
};

// The merged result of command line > environment > config files > defaults.
class Settings {
 public:
  void set(std::string_view key, SettingValue value);
  bool has(std::string_view key) const;  // set by anything but the default
  const SettingValue* find(std::string_view key) const;

  std::optional<std::string> get(std::string_view key) const;  // Value kind, default applied
  std::string get_or(std::string_view key, std::string_view fallback) const;
  std::vector<std::string> get_list(std::string_view key) const;
  bool flag(std::string_view key) const;
  int count(std::string_view key) const;

 private:
  std::map<std::string, SettingValue, std::less<>> values_;
};

// Parses an environment flag value; throws util::Error naming the variable on anything else.
bool parse_env_flag(std::string_view variable, std::string_view value);

// Fills every setting of `command` that the command line left unset from the environment
// (`getenv` is injectable for tests). Returns the variables it used, for -v output.
using Getenv = const char* (*)(const char*);
void apply_environment(Settings& settings, std::uint32_t command, Getenv getenv_fn);

// Raises `error: --X is not supported yet` for any unimplemented setting that was given.
void reject_unimplemented(const Settings& settings, std::uint32_t command);

}  // namespace ptinstall::config
