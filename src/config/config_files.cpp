#include "ptinstall/config/config_files.hpp"

#include <toml++/toml.h>

#include <mutex>
#include <set>
#include <sstream>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "util/toml_type_name.hpp"

namespace ptinstall::config {
namespace fs = std::filesystem;
namespace {

// Registry keys that only make sense on the command line.
const std::set<std::string_view> kCommandLineOnly = {"requirement", "format", "files", "yes", "json",
                                                     "target-os", "quiet", "verbose", "dry-run", "report",
                                                     "seed", "clear", "prompt", "config-file", "no-config"};

// Keys of [tool.uv] / uv.toml that are not settings but data read elsewhere (indexes, sources,
// conflicts, build configuration), or that the lock engineer's reader takes (exclude-newer).
const std::set<std::string_view> kReadElsewhere = {
    "index", "sources", "conflicts", "workspace", "package", "dependency-groups", "extra-build-dependencies",
    "dependency-metadata", "override-dependencies", "constraint-dependencies", "build-constraint-dependencies",
    "config-settings", "config-settings-package", "extra-build-variables", "pip", "exclude-newer", "torch-backend-index", "index-url-env", "system-certs"};

// uv keys for its project and Python-management commands, which uv's own pip interface ignores too.
const std::set<std::string_view> kNotForPipCommands = {
    "dev-dependencies", "managed", "default-groups", "cache-keys",
    "build-backend", "publish-url", "trusted-publishing", "check-url", "add-bounds", "preview", "python-downloads",
    "python-install-mirror", "pypy-install-mirror", "python-downloads-json-url"};

// uv keys that change what uv's pip commands do and that ptinstall does not implement yet: a warning
// naming the key (once per run), never silence (docs/configuration.md).
const std::set<std::string_view> kUvNotImplemented = {
    "required-version", "python-preference"};

void warn_not_implemented_once(const std::string& key, const fs::path& path, std::size_t line) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  std::lock_guard lock(mutex);
  if (!warned.insert(key).second) return;
  util::log::warn("`" + key + "` (" + path.string() + ":" + std::to_string(line) +
                  ") is a uv setting ptinstall does not implement yet; ignored");
}

// Every key a config file may hold, for "did you mean" (file keys of the registry and uv's others).
std::vector<std::string> known_file_keys() {
  std::vector<std::string> out;
  for (const auto& spec : all_settings())
    if (!(spec.traits & kNoFileKey) && !kCommandLineOnly.count(spec.key)) out.emplace_back(spec.key);
  for (const auto* set : {&kReadElsewhere, &kNotForPipCommands, &kUvNotImplemented})
    for (auto k : *set) out.emplace_back(k);
  return out;
}

[[noreturn]] void type_error(const fs::path& path, const toml::node& node, std::string_view key, std::string_view expected) {
  auto line = node.source().begin.line;
  throw util::Error(path.string() + ":" + std::to_string(line) + ": `" + std::string(key) + "` must be " +
                        std::string(expected) + ", not " + util::detail::toml_type_name(node),
                    "see docs/configuration.md for the keys ptinstall reads");
}

void read_table(const toml::table& table, const fs::path& path, Source source, std::string_view where,
                std::vector<std::pair<std::string, SettingValue>>& out) {
  for (const auto& [k, node] : table) {
    std::string key(k.str());
    // `index` is both the --index NAME=URL setting and the [[index]] tables of project data: the
    // tables are read by the project reader, not here.
    if (key == "index" && node.is_array_of_tables()) continue;
    const SettingSpec* spec = find_setting(key);
    if (!spec || kCommandLineOnly.count(key) || (spec->traits & kNoFileKey)) {
      if (kReadElsewhere.count(key) || kNotForPipCommands.count(key)) continue;
      std::size_t line = node.source().begin.line;
      if (kUvNotImplemented.count(key)) {
        warn_not_implemented_once(key, path, line);
        continue;
      }
      // A key neither uv nor ptinstall knows is a mistake (a typo, a setting of another tool): an
      // error with the file and line, as uv gives, rather than a setting silently not applied.
      std::string close = util::closest_match(key, known_file_keys());
      throw util::Error(util::ErrorKind::Usage,
                        path.string() + ":" + std::to_string(line) + ": unknown key `" + key + "` in " +
                            std::string(where),
                        close.empty() ? "see docs/configuration.md for the keys ptinstall reads"
                                      : "did you mean `" + close + "`?");
    }
    SettingValue value{{}, source, path.string()};
    switch (spec->kind) {
      case Kind::Flag:
        if (!node.is_boolean()) type_error(path, node, key, "a boolean");
        value.values.push_back(node.as_boolean()->get() ? "true" : "false");
        break;
      case Kind::Value:
      case Kind::Count:
        if ((spec->traits & kNumber) && node.is_integer()) {
          value.values.push_back(std::to_string(node.as_integer()->get()));
          break;
        }
        if ((spec->traits & kNumber) && node.is_floating_point()) {
          std::ostringstream out;
          out << node.as_floating_point()->get();
          value.values.push_back(out.str());
          break;
        }
        if (!node.is_string()) type_error(path, node, key, (spec->traits & kNumber) ? "a number" : "a string");
        value.values.push_back(node.as_string()->get());
        if (!spec->choices.empty()) {
          bool ok = false;
          for (auto c : spec->choices) ok = ok || c == value.values.front();
          if (!ok) {
            std::string allowed;
            for (auto c : spec->choices) allowed += (allowed.empty() ? "" : ", ") + std::string(c);
            throw util::Error(path.string() + ":" + std::to_string(node.source().begin.line) + ": invalid value `" +
                                  value.values.front() + "` for `" + key + "`",
                              "possible values: " + allowed);
          }
        }
        break;
      case Kind::List:
        if ((key == "environments" || key == "required-environments") && node.is_string()) {
          value.values.push_back(node.as_string()->get());  // uv: a marker or a list of them
          break;
        }
        if (key == "exclude-newer-package" && node.is_table()) {
          // uv's form: `exclude-newer-package = { tqdm = "2022-04-04T12:00:00Z" }`; as NAME=DATE values.
          for (const auto& [name, date] : *node.as_table()) {
            if (!date.is_string()) type_error(path, date, key, "a table of package names to dates or durations");
            value.values.push_back(std::string(name.str()) + "=" + date.as_string()->get());
          }
          break;
        }
        if (!node.is_array()) type_error(path, node, key, "an array of strings");
        for (const auto& item : *node.as_array()) {
          if (!item.is_string()) type_error(path, item, key, "an array of strings");
          value.values.push_back(item.as_string()->get());
        }
        break;
    }
    out.emplace_back(key, std::move(value));
  }
}

const toml::table* subtable(const toml::table* t, std::string_view key) {
  if (!t) return nullptr;
  const toml::node* n = t->get(key);
  return n ? n->as_table() : nullptr;
}

bool is_pyproject(const fs::path& path) { return path.filename() == "pyproject.toml"; }

toml::table parse_toml(const fs::path& path) {
  try {
    return toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw util::Error(path.string() + ":" + std::to_string(e.source().begin.line) + ": invalid TOML: " +
                      std::string(e.description()));
  }
}

bool has_tool_config(const fs::path& pyproject) {
  toml::table doc = parse_toml(pyproject);
  const toml::table* tool = subtable(&doc, "tool");
  return subtable(tool, "uv") || subtable(tool, "ptinstall");
}

}  // namespace

ConfigFile read_config_file(const fs::path& path, Source source) {
  ConfigFile file{path, source, {}};
  toml::table doc = parse_toml(path);
  // Tables from the highest precedence to the lowest; a key found earlier wins.
  std::vector<std::pair<const toml::table*, std::string>> tables;
  if (is_pyproject(path)) {
    const toml::table* tool = subtable(&doc, "tool");
    const toml::table* ours = subtable(tool, "ptinstall");
    const toml::table* uv = subtable(tool, "uv");
    tables = {{subtable(ours, "pip"), "[tool.ptinstall.pip]"}, {ours, "[tool.ptinstall]"},
              {subtable(uv, "pip"), "[tool.uv.pip]"}, {uv, "[tool.uv]"}};
  } else {
    tables = {{subtable(&doc, "pip"), "[pip]"}, {&doc, "the top level"}};
  }
  std::set<std::string> seen;
  for (const auto& [table, where] : tables) {
    if (!table) continue;
    std::vector<std::pair<std::string, SettingValue>> values;
    read_table(*table, path, source, where, values);
    for (auto& kv : values)
      if (seen.insert(kv.first).second) file.values.push_back(std::move(kv));
  }
  return file;
}

std::vector<ConfigFile> discover_config_files(const Settings& settings, const DiscoveryInputs& inputs) {
  std::vector<ConfigFile> files;
  if (settings.flag("no-config")) return files;
  if (auto explicit_file = settings.get("config-file")) {
    if (!fs::exists(*explicit_file))
      throw util::Error(util::ErrorKind::Io, "config file " + *explicit_file + " does not exist",
                        "check --config-file / UV_CONFIG_FILE");
    files.push_back(read_config_file(*explicit_file, Source::ProjectFile));
    return files;
  }
  // The nearest project file, from the working directory upward.
  for (fs::path dir = inputs.cwd; !dir.empty(); dir = dir.parent_path()) {
    std::optional<fs::path> found;
    for (const char* name : {"ptinstall.toml", "uv.toml"})
      if (!found && fs::is_regular_file(dir / name)) found = dir / name;
    if (!found && fs::is_regular_file(dir / "pyproject.toml") && has_tool_config(dir / "pyproject.toml"))
      found = dir / "pyproject.toml";
    if (found) {
      files.push_back(read_config_file(*found, Source::ProjectFile));
      break;
    }
    if (dir == dir.root_path()) break;
  }
  auto env = [&](const char* name) -> std::string {
    const char* v = inputs.getenv ? inputs.getenv(name) : nullptr;
    return v ? v : "";
  };
  fs::path user_dir = env("XDG_CONFIG_HOME").empty() ? fs::path(env("HOME")) / ".config" : fs::path(env("XDG_CONFIG_HOME"));
  if (!env("XDG_CONFIG_HOME").empty() || !env("HOME").empty()) {
    for (auto rel : {"ptinstall/ptinstall.toml", "uv/uv.toml"})
      if (fs::is_regular_file(user_dir / rel)) files.push_back(read_config_file(user_dir / rel, Source::UserFile));
  }
  for (auto rel : {"ptinstall/ptinstall.toml", "uv/uv.toml"})
    if (fs::is_regular_file(inputs.system_dir / rel))
      files.push_back(read_config_file(inputs.system_dir / rel, Source::SystemFile));
  return files;
}

void apply_config_files(Settings& settings, std::uint32_t command, const std::vector<ConfigFile>& files) {
  std::map<std::string, SettingValue> merged;
  for (const auto& file : files) {
    for (const auto& [key, value] : file.values) {
      const SettingSpec* spec = find_setting(key);
      if (!spec || !(spec->commands & command) || settings.has(key)) continue;
      auto it = merged.find(key);
      if (it == merged.end()) merged.emplace(key, value);
      else if (spec->kind == Kind::List)
        it->second.values.insert(it->second.values.end(), value.values.begin(), value.values.end());
    }
  }
  for (auto& [key, value] : merged) settings.set(key, std::move(value));
}

}  // namespace ptinstall::config
