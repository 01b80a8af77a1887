#include "build_chain.hpp"

#include "ptinstall/util/strings.hpp"

namespace ptinstall::ops::detail {

std::vector<BuildLink>& build_chain() {
  thread_local std::vector<BuildLink> chain;
  return chain;
}

std::string describe_cycle(const std::string& key, const std::string& what, const std::vector<std::string>& requirements) {
  const auto& chain = build_chain();
  std::size_t start = chain.size();
  for (std::size_t i = 0; i < chain.size(); ++i)
    if (chain[i].key == key) {
      start = i;
      break;
    }
  if (start == chain.size()) return "";
  std::string out;
  for (std::size_t i = start; i < chain.size(); ++i)
    if (i + 1 == chain.size() ? chain[i].what != what : chain[i + 1].what != chain[i].what)  // one source, once
      out += chain[i].what + " needs " + util::join(chain[i].requirements, ", ") + "; ";
  return out + what + " needs " + util::join(requirements, ", ");
}

}  // namespace ptinstall::ops::detail
