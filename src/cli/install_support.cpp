#include "install_support.hpp"

#include <algorithm>

#include "ptinstall/util/log.hpp"

#include <cstdio>

#include "environment.hpp"

namespace ptinstall::cli {

install::Cache open_cache(const Invocation& inv) {
  if (inv.settings.flag("no-cache")) return install::Cache::temporary();
  auto dir = cache_dir(inv);
  return install::Cache::at(dir ? *dir : install::default_cache_dir(std::nullopt));
}

std::string format_elapsed(std::chrono::steady_clock::duration d) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  char buf[32];
  if (us >= 1000000) std::snprintf(buf, sizeof buf, "%.2fs", static_cast<double>(us) / 1e6);
  else std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(us / 1000));
  return buf;
}

std::string packages(std::size_t n) { return std::to_string(n) + (n == 1 ? " package" : " packages"); }

void print_changes(const std::vector<std::pair<std::string, std::string>>& removed,
                   const std::vector<std::pair<std::string, std::string>>& added) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const auto& [n, v] : removed) lines.push_back({n + "\x01", " - " + n + "==" + v});
  for (const auto& [n, v] : added) lines.push_back({n + "\x02", " + " + n + "==" + v});
  std::sort(lines.begin(), lines.end());
  for (const auto& l : lines) util::log::info(l.second);
}

}  // namespace ptinstall::cli
