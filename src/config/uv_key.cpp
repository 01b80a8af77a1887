#include "uv_key.hpp"

#include <map>
#include <mutex>
#include <utility>

#include "ptinstall/util/fs.hpp"

namespace ptinstall::config::detail {

namespace {

// The parsed document of `path` whose text is `text`, null when it is not valid TOML. Every command
// asks several keys of each config file (extra-build-dependencies, dependency-metadata, the
// requirement lists, ...): one parse serves them all.
std::shared_ptr<const toml::table> parsed(const std::filesystem::path& path, const std::string& text) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::pair<std::string, std::shared_ptr<const toml::table>>> memo;
  std::lock_guard lock(mutex);
  if (auto it = memo.find(path); it != memo.end() && it->second.first == text) return it->second.second;
  std::shared_ptr<const toml::table> doc;
  try {
    doc = std::make_shared<const toml::table>(toml::parse(text, path.string()));
  } catch (const toml::parse_error&) {
  }
  memo[path] = {text, doc};
  return doc;
}

}  // namespace

std::optional<UvKey> read_uv_key(const std::filesystem::path& path, std::string_view key) {
  auto text = util::try_read_file(path);
  if (!text) return std::nullopt;
  UvKey out;
  out.doc = parsed(path, *text);
  if (!out.doc) return std::nullopt;
  const bool pyproject = path.filename() == "pyproject.toml";
  out.node = pyproject ? (*out.doc)["tool"]["uv"][key].node() : out.doc->get(key);
  if (!out.node) return std::nullopt;
  out.where = path.string() + ": " + (pyproject ? "tool.uv." : "") + std::string(key);
  return out;
}

}  // namespace ptinstall::config::detail
