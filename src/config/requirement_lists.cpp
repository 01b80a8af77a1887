#include "ptinstall/config/requirement_lists.hpp"

#include <toml++/toml.h>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

namespace ptinstall::config {

std::vector<spec::Requirement> read_requirement_list(const std::filesystem::path& path, std::string_view key) {
  std::vector<spec::Requirement> out;
  auto text = util::try_read_file(path);
  if (!text) return out;
  toml::table doc;
  try {
    doc = toml::parse(*text, path.string());
  } catch (const toml::parse_error&) {
    return out;  // the config reader reports invalid TOML
  }
  const bool pyproject = path.filename() == "pyproject.toml";
  const toml::node* node = pyproject ? doc["tool"]["uv"][key].node() : doc.get(key);
  if (!node) return out;
  const std::string where = path.string() + ": `" + (pyproject ? "tool.uv." : "") + std::string(key) + "`";
  const toml::array* list = node->as_array();
  if (!list) throw util::Error(util::ErrorKind::Usage, where + " must be a list of requirements", "write e.g. [\"numpy<2\"]");
  for (const auto& item : *list) {
    auto s = item.value<std::string>();
    if (!s) throw util::Error(util::ErrorKind::Usage, where + " must be a list of requirements", "write e.g. [\"numpy<2\"]");
    try {
      out.push_back(spec::Requirement::parse(*s));
    } catch (const util::Error& e) {
      throw util::Error(util::ErrorKind::Usage, where + ": " + e.what(), e.hint());
    }
  }
  return out;
}

}  // namespace ptinstall::config
