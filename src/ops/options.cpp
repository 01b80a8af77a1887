#include "ptinstall/ops/options.hpp"

#include <algorithm>
#include <thread>

#include "ptinstall/config/client_options.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/timestamp.hpp"

namespace ptinstall::ops {

namespace {

// A number setting (config::number_setting's checks and wording) whose bad value is a usage error.
double usage_number(const config::Settings& S, std::string_view key, bool allow_zero = false) {
  try {
    return config::number_setting(S, key, allow_zero);
  } catch (const util::Error& e) {
    throw util::Error(util::ErrorKind::Usage, e.what(), e.hint());
  }
}

// An --exclude-newer value: a timestamp, a date (midnight UTC) or a duration back from now.
std::int64_t cutoff(const std::string& text, const std::string& origin) {
  if (auto t = util::parse_rfc3339(text)) return *t;
  if (auto d = util::parse_date(text)) return *d;
  if (auto span = util::parse_duration(text)) return util::now_micros() - *span;
  throw util::Error(util::ErrorKind::Usage, "invalid value `" + text + "` for " + origin,
                    "give a timestamp (2025-06-01T00:00:00Z), a date (2025-06-01) or a duration (7 days, P1W)");
}

std::string origin_of(const config::Settings& S, std::string_view key, std::string_view flag) {
  const config::SettingValue* v = S.find(key);
  return v && !v->origin.empty() ? v->origin : std::string(flag);
}

}  // namespace

bool PipOptions::may_change_installed() const {
  return upgrade || !upgrade_packages.empty() || reinstall || !reinstall_packages.empty() || require_hashes || python_version || python_platform;
}

PipOptions pip_options(const config::Settings& S, std::vector<std::string> config_files) {
  PipOptions o;
  o.settings = &S;
  o.config_files = std::move(config_files);
  o.requirement_files = S.get_list("requirement");
  o.constraint_files = S.get_list("constraint");
  o.override_files = S.get_list("override");
  o.exclude_files = S.get_list("excludes");
  if (auto v = S.get("python-version"); v && !v->empty()) o.python_version = *v;
  if (auto v = S.get("python-platform"); v && !v->empty()) o.python_platform = *v;
  o.offline = S.flag("offline");
  o.refresh = S.flag("refresh");
  o.refresh_packages = S.get_list("refresh-package");
  if (auto p = S.get("prerelease"); p && !p->empty()) {
    auto parsed = resolve::parse_prerelease_mode(*p);
    if (!parsed)
      throw util::Error(util::ErrorKind::Usage, "invalid value `" + *p + "` for --prerelease",
                        "possible values: disallow, allow, if-necessary, explicit, if-necessary-or-explicit");
    o.prerelease = *parsed;
  }
  o.pre = S.flag("pre");
  if (auto r = S.get("resolution"); r && !r->empty()) {
    auto parsed = resolve::parse_resolution_mode(*r);
    if (!parsed)
      throw util::Error(util::ErrorKind::Usage, "invalid value `" + *r + "` for --resolution",
                        "possible values: highest, lowest, lowest-direct");
    o.resolution = *parsed;
  }
  o.upgrade = S.flag("upgrade");
  for (const auto& p : S.get_list("upgrade-package")) o.upgrade_packages.insert(spec::normalize_name(p));
  o.no_deps = S.flag("no-deps");
  if (auto v = S.get("exclude-newer"); v && !v->empty()) o.exclude_newer = cutoff(*v, origin_of(S, "exclude-newer", "--exclude-newer"));
  for (const auto& kv : S.get_list("exclude-newer-package")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw util::Error(util::ErrorKind::Usage, "invalid --exclude-newer-package `" + kv + "`", "give NAME=DATE");
    o.exclude_newer_packages[spec::normalize_name(kv.substr(0, eq))] = cutoff(kv.substr(eq + 1), "--exclude-newer-package");
  }
  o.torch_backend = !S.get_or("torch-backend", "").empty();
  o.user_indexes = S.has("index-url") || S.has("extra-index-url") || S.has("index") || S.has("default-index");
  o.no_binary = S.get_list("no-binary");
  for (auto& name : S.get_list("no-binary-package")) o.no_binary.push_back(std::move(name));
  o.only_binary = S.get_list("only-binary");
  for (auto& name : S.get_list("no-build-package")) o.only_binary.push_back(std::move(name));
  if (S.flag("no-build")) o.only_binary.push_back(":all:");
  o.prefer_binary = S.flag("prefer-binary");
  o.editables = S.get_list("editable");
  o.no_build_isolation = S.flag("no-build-isolation");
  for (const auto& p : S.get_list("no-build-isolation-package")) o.no_build_isolation_packages.insert(spec::normalize_name(p));
  for (const auto& kv : S.get_list("config-settings")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw util::Error(util::ErrorKind::Usage, "invalid --config-settings `" + kv + "`", "give KEY=VALUE");
    o.config_settings[kv.substr(0, eq)].push_back(kv.substr(eq + 1));
  }
  for (const auto& kv : S.get_list("config-settings-package")) {
    auto colon = kv.find(':');
    auto eq = kv.find('=', colon == std::string::npos ? 0 : colon);
    if (colon == std::string::npos || colon == 0 || eq == std::string::npos || eq == colon + 1)
      throw util::Error(util::ErrorKind::Usage, "invalid --config-settings-package `" + kv + "`", "give PACKAGE:KEY=VALUE");
    o.config_settings_package[spec::normalize_name(kv.substr(0, colon))][kv.substr(colon + 1, eq - colon - 1)].push_back(
        kv.substr(eq + 1));
  }
  o.build_constraint_files = S.get_list("build-constraint");
  o.concurrent_builds = std::max(1u, std::thread::hardware_concurrency());
  if (auto n = S.get("concurrent-builds"); n && !n->empty()) {
    double v = usage_number(S, "concurrent-builds");
    if (v < 1)
      throw util::Error(util::ErrorKind::Usage, "invalid value for --concurrent-builds: '" + *n + "'",
                        "give a number of builds, 1 or more");
    o.concurrent_builds = static_cast<std::size_t>(v);
  }
  if (auto n = S.get("concurrent-installs"); n && !n->empty()) {
    double v = usage_number(S, "concurrent-installs");
    if (v < 1)
      throw util::Error(util::ErrorKind::Usage, "invalid value for " + origin_of(S, "concurrent-installs", "concurrent-installs") +
                                                    ": '" + *n + "'",
                        "give a number of wheels, 1 or more");
    o.concurrent_installs = static_cast<std::size_t>(std::min(v, 64.0));
  }
  if (double v = usage_number(S, "download-ranges"); v >= 1) o.download_ranges = static_cast<unsigned>(std::min(v, 64.0));
  o.download_ranges_min_bytes = static_cast<std::uint64_t>(usage_number(S, "download-ranges-min-size") * 1048576.0);
  o.prepare_ahead = static_cast<std::size_t>(std::min(usage_number(S, "prepare-ahead", true), 64.0));
  o.build_timeout = std::chrono::seconds(static_cast<long long>(usage_number(S, "build-timeout") + 0.999));
  o.dry_run = S.flag("dry-run");
  o.reinstall = S.flag("reinstall");
  for (const auto& p : S.get_list("reinstall-package")) o.reinstall_packages.insert(spec::normalize_name(p));
  o.require_hashes = S.flag("require-hashes");
  o.exact = S.flag("exact");
  if (auto v = S.get("verify-hashes"); v && !v->empty()) o.verify_hashes = S.flag("verify-hashes");
  o.compile_bytecode = S.flag("compile-bytecode");
  o.no_progress = S.flag("no-progress");
  o.link_mode = util::parse_link_mode(S.get_or("link-mode", "clone"));
  if (auto r = S.get("report"); r) o.report = *r;
  // -C on the command line, else the config-settings table of the first config file that has one.
  if (o.config_settings.empty())
    for (const auto& file : o.config_files)
      if (auto cs = config::read_config_settings(file)) {
        o.config_settings = *cs;
        break;
      }
  // Likewise the per-package table of the first file that has one.
  if (o.config_settings_package.empty())
    for (const auto& file : o.config_files)
      if (auto cs = config::read_config_settings_package(file); !cs.empty()) {
        o.config_settings_package = std::move(cs);
        break;
      }
  // The config files in effect, highest precedence first: the first file naming a package wins.
  for (const auto& file : o.config_files)
    for (auto& [pkg, vars] : config::read_extra_build_variables(file)) o.extra_build_variables.emplace(pkg, vars);
  for (const auto& file : o.config_files)
    for (auto& [pkg, deps] : config::read_extra_build_dependencies(file)) o.extra_build_dependencies.emplace(pkg, deps);
  for (const auto& file : o.config_files)
    for (auto& m : config::read_dependency_metadata(file)) o.dependency_metadata.push_back(std::move(m));
  for (const auto& file : o.config_files)
    for (auto [key, list] : {std::pair{"override-dependencies", &o.override_dependencies},
                             std::pair{"constraint-dependencies", &o.constraint_dependencies},
                             std::pair{"build-constraint-dependencies", &o.build_constraint_dependencies}})
      for (auto& r : config::read_requirement_list(file, key)) list->emplace_back(std::move(r), std::string(key) + " (" + file + ")");
  return o;
}

}  // namespace ptinstall::ops
