#include "ptinstall/config/toml_input.hpp"

#include <toml++/toml.h>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

namespace ptinstall::config {

namespace fs = std::filesystem;

bool is_pylock_name(const fs::path& path) {
  std::string name = path.filename().string();
  if (name == "pylock.toml") return true;
  const std::string prefix = "pylock.", suffix = ".toml";
  if (name.size() <= prefix.size() + suffix.size()) return false;
  if (name.compare(0, prefix.size(), prefix) != 0 || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  std::string middle = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  return middle.find('.') == std::string::npos;
}

TomlInput classify_toml_input(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw util::Error(util::ErrorKind::Usage, "file " + path.string() + " does not exist",
                      "give requirements files (requirements.txt), a pyproject.toml or a pylock.toml");
  return classify_toml_text(util::read_file(path), path, path.string());
}

TomlInput classify_toml_text(std::string_view text, const fs::path& path, const std::string& shown) {
  toml::table doc;
  try {
    doc = toml::parse(text, shown);
  } catch (const toml::parse_error& e) {
    throw util::Error(util::ErrorKind::Usage, shown + ":" + std::to_string(e.source().begin.line) +
                                                  ": invalid TOML: " + std::string(e.description()));
  }
  if (doc.contains("lock-version") || is_pylock_name(path)) return TomlInput::Pylock;
  if (path.filename() == "pyproject.toml" || doc.contains("project") || doc.contains("dependency-groups") ||
      doc.contains("build-system"))
    return TomlInput::Pyproject;
  throw util::Error(util::ErrorKind::Usage,
                    shown + " is neither a pyproject.toml nor a pylock.toml",
                    "a project file has a [project] or [dependency-groups] table; a lock file (PEP 751) is named "
                    "pylock.toml or pylock.<name>.toml and has a lock-version key");
}

}  // namespace ptinstall::config
