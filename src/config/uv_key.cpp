#include "uv_key.hpp"

#include "ptinstall/util/fs.hpp"

namespace ptinstall::config::detail {

std::optional<UvKey> read_uv_key(const std::filesystem::path& path, std::string_view key) {
  auto text = util::try_read_file(path);
  if (!text) return std::nullopt;
  UvKey out;
  try {
    out.doc = std::make_unique<toml::table>(toml::parse(*text, path.string()));
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
  const bool pyproject = path.filename() == "pyproject.toml";
  out.node = pyproject ? (*out.doc)["tool"]["uv"][key].node() : out.doc->get(key);
  if (!out.node) return std::nullopt;
  out.where = path.string() + ": " + (pyproject ? "tool.uv." : "") + std::string(key);
  return out;
}

}  // namespace ptinstall::config::detail
