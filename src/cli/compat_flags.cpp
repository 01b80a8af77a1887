#include "compat_flags.hpp"

#include <filesystem>
#include <system_error>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::cli {
namespace {

void set_from(config::Settings& settings, std::string_view key, std::string value, const config::SettingValue& from) {
  settings.set(key, config::SettingValue{{std::move(value)}, from.source, from.origin});
}

}  // namespace

void enter_directory(const config::Settings& settings) {
  auto dir = settings.get("directory");
  if (!dir || dir->empty()) return;
  std::error_code ec;
  std::filesystem::current_path(*dir, ec);
  if (ec)
    throw util::Error(util::ErrorKind::Usage, "cannot change to the directory `" + *dir + "` (--directory): " + ec.message());
}

std::filesystem::path project_directory(const config::Settings& settings) {
  auto dir = settings.get("project");
  if (!dir || dir->empty()) return std::filesystem::current_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(*dir, ec))
    throw util::Error(util::ErrorKind::Usage, "the project directory `" + *dir + "` (--project) is not a directory",
                      "give the directory that holds the project's pyproject.toml");
  return std::filesystem::absolute(*dir).lexically_normal();
}

void apply_compat_flags(config::Settings& settings, std::uint32_t command) {
  if (auto* v = settings.find("progress-bar"); v && !v->values.empty() && v->values.back() == "off")
    set_from(settings, "no-progress", "true", *v);
  if (settings.flag("no-compile")) set_from(settings, "compile-bytecode", "false", *settings.find("no-compile"));
  if (settings.flag("no-seed")) set_from(settings, "seed", "false", *settings.find("no-seed"));
  if (settings.flag("no-pip")) set_from(settings, "seed", "false", *settings.find("no-pip"));
  if (command & config::kCompile) {
    if (settings.get_or("resolver", "") == "legacy")
      throw util::Error(util::ErrorKind::Usage, "pip-tools' legacy resolver (--resolver=legacy) is not available",
                        "ptinstall always uses a backtracking resolver: leave the option out, or pass "
                        "--resolver=backtracking");
    if (settings.flag("no-allow-unsafe"))
      util::log::warn("--no-allow-unsafe has no effect: setuptools and pip are pinned like every other package");
  }
}

}  // namespace ptinstall::cli
