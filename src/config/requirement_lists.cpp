#include "ptinstall/config/requirement_lists.hpp"

#include <toml++/toml.h>

#include "ptinstall/util/error.hpp"
#include "uv_key.hpp"

namespace ptinstall::config {

std::vector<spec::Requirement> read_requirement_list(const std::filesystem::path& path, std::string_view key) {
  std::vector<spec::Requirement> out;
  auto uv = detail::read_uv_key(path, key);
  if (!uv) return out;
  const std::string where = path.string() + ": `" + uv->where.substr(path.string().size() + 2) + "`";
  const toml::array* list = uv->node->as_array();
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
