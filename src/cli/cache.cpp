// `ptinstall cache dir|clean [PACKAGE...]|prune [--ci] [--max-size SIZE]|size [-H]` (uv's commands; the
// size cap is ours). The work is install/cache_maintenance.hpp's; this file prints what uv prints.
#include <cstdio>

#include "command.hpp"
#include "environment.hpp"
#include "install_support.hpp"
#include "ptinstall/install/cache_maintenance.hpp"
#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::cli {
namespace {

std::filesystem::path cache_root(const Invocation& inv) {
  auto dir = cache_dir(inv);
  return dir ? *dir : install::default_cache_dir(std::nullopt);
}

std::string files_text(const install::Removed& r) {
  return "Removed " + std::to_string(r.files) + (r.files == 1 ? " file" : " files") + " (" +
         install::format_size(r.bytes) + ")";
}

// --force: no waiting for the processes using the cache (and no protection from them).
std::optional<util::FileLock> maintenance_lock(const Invocation& inv, const std::filesystem::path& root) {
  if (inv.settings.flag("force")) return std::nullopt;
  return install::lock_cache_for_maintenance(root);
}

}  // namespace

int run_cache_dir(Invocation& inv) {
  std::printf("%s\n", cache_root(inv).string().c_str());
  return 0;
}

int run_cache_size(Invocation& inv) {
  auto usage = install::cache_usage(cache_root(inv));
  if (inv.settings.flag("human")) std::printf("%s\n", install::format_size(usage.bytes).c_str());
  else std::printf("%llu\n", static_cast<unsigned long long>(usage.bytes));
  return 0;
}

int run_cache_clean(Invocation& inv) {
  auto root = cache_root(inv);
  std::error_code ec;
  if (!std::filesystem::exists(root, ec)) {
    util::log::info("No cache found at: " + root.string());
    return 0;
  }
  auto lock = maintenance_lock(inv, root);
  if (inv.args.empty()) {
    util::log::info("Clearing cache at: " + root.string());
    util::log::info(files_text(install::clean_cache(root, {})));
    return 0;
  }
  for (const auto& package : inv.args) {
    auto removed = install::clean_cache(root, {package});
    if (removed.entries == 0) util::log::info("No cache entries found for " + package);
    else util::log::info(files_text(removed) + " for " + package);
  }
  return 0;
}

int run_cache_prune(Invocation& inv) {
  auto root = cache_root(inv);
  std::error_code ec;
  if (!std::filesystem::exists(root, ec)) {
    util::log::info("No cache found at: " + root.string());
    return 0;
  }
  install::PruneOptions options;
  options.ci = inv.settings.flag("ci");
  if (auto size = inv.settings.get("max-size"); size && !size->empty()) {
    options.max_size = install::parse_size(*size);
    if (!options.max_size)
      throw util::Error(util::ErrorKind::Usage, "invalid value `" + *size + "` for --max-size",
                        "a size in bytes, or with a unit: 500M, 20G, 1.5T (powers of 1024)");
  }
  auto lock = maintenance_lock(inv, root);
  util::log::info("Pruning cache at: " + root.string());
  auto removed = install::prune_cache(root, options);
  util::log::info(removed.files == 0 && removed.entries == 0 ? std::string("No unused entries found") : files_text(removed));
  return 0;
}

}  // namespace ptinstall::cli
