// `ptinstall pip list`: the installed distributions of the target environment, as pip prints them
// (--format columns|freeze|json; -v adds location and installer; --exclude, --exclude-editable,
// --not-required; --outdated / --uptodate ask the indexes for the newest versions, with pip's
// Latest and Type columns).
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "command.hpp"
#include "environment.hpp"
#include "strict_check.hpp"
#include "inspection_scope.hpp"
#include "install_support.hpp"
#include "ptinstall/config/config_files.hpp"
#include "ptinstall/install/inspect.hpp"
#include "ptinstall/ops/options.hpp"
#include "ptinstall/ops/outdated.hpp"
#include "ptinstall/ops/services.hpp"
#include "ptinstall/ops/target.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::cli {
namespace {

std::string spec_name(const std::string& name) {
  try {
    return spec::PackageName::parse(name).str();
  } catch (const util::Error&) {
    return name;
  }
}

// A JSON string as Python's json.dumps writes it (names and versions are ASCII).
std::string json_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// pip's table: columns as wide as their widest cell, one space apart, trailing spaces stripped.
std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  std::string out;
  auto line = [&](const std::vector<std::string>& r) {
    std::string l;
    for (std::size_t i = 0; i < r.size(); ++i) l += (i ? " " : "") + r[i] + std::string(width[i] - r[i].size(), ' ');
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(rows[0]);
  std::vector<std::string> dashes;
  for (auto w : width) dashes.push_back(std::string(w, '-'));
  line(dashes);
  for (std::size_t i = 1; i < rows.size(); ++i) line(rows[i]);
  return out;
}

int list_against_indexes(Invocation& inv, install::ListFormat format, std::vector<install::ListEntry> entries,
                         const python::Environment& env) {
  const bool outdated = inv.settings.flag("outdated");
  if (outdated && inv.settings.flag("uptodate"))
    throw util::Error(util::ErrorKind::Usage, "--outdated and --uptodate cannot be used together");
  if (format == install::ListFormat::Freeze)
    throw util::Error(util::ErrorKind::Usage,
                      std::string("--format freeze cannot be used with ") + (outdated ? "--outdated" : "--uptodate"),
                      "use --format columns or --format json");
  // The network settings (timeouts, proxies, certificates) come from the environment and config
  // files as for an install: read them as install reads them.
  config::apply_environment(inv.settings, config::kInstall, [](const char* n) -> const char* { return std::getenv(n); });
  const ops::PipOptions opts = ops::pip_options(inv.settings, inv.config_files);
  const ops::Target target = ops::make_target(opts, env.interpreter());
  ops::Services services(opts, open_cache(inv));
  std::map<std::string, std::string> installed;
  for (const auto& e : entries) installed[spec_name(e.name)] = e.raw_version;
  auto latest = ops::latest_versions(services, opts, target, installed, opts.pre);
  std::vector<std::vector<std::string>> rows = {{"Package", "Version", "Latest", "Type"}};
  std::string json = "[";
  for (const auto& e : entries) {
    auto it = latest.find(spec_name(e.name));
    if (it == latest.end()) continue;
    auto have = spec::Version::parse(e.raw_version);
    auto newest = spec::Version::parse(it->second.version);
    bool is_outdated = have && newest && *have < *newest;
    if (is_outdated != outdated) continue;
    std::string type = it->second.wheel ? "wheel" : "sdist";
    rows.push_back({e.name, e.raw_version, it->second.version, type});
    json += std::string(json.size() > 1 ? ", " : "") + "{\"name\": " + json_quote(e.name) +
            ", \"version\": " + json_quote(e.version) + ", \"latest_version\": " +
            json_quote(it->second.version) + ", \"latest_filetype\": " + json_quote(type) + "}";
  }
  std::string text = format == install::ListFormat::Json ? json + "]\n" : rows.size() > 1 ? table(rows) : "";
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace

int run_pip_list(Invocation& inv) {
  auto format = install::parse_list_format(inv.settings.get_or("format", "columns"));
  python::Environment env = target_environment(inv, false);
  auto [dirs, dists] = inspection_scope(inv, env);
  install::ListOptions options;
  options.excludes = inv.settings.get_list("exclude");
  options.exclude_editable = inv.settings.flag("exclude-editable");
  options.only_editable = inv.settings.flag("list-editable");
  options.not_required = inv.settings.flag("not-required");
  options.search_dirs = dirs;
  auto entries = install::list_entries(dists, options, env.interpreter().marker_environment());
  if (inv.settings.flag("outdated") || inv.settings.flag("uptodate"))
    return list_against_indexes(inv, format, std::move(entries), env);
  std::string text = install::format_list(entries, format, inv.settings.count("verbose") > 0);
  std::fwrite(text.data(), 1, text.size(), stdout);
  warn_if_strict(inv, env, dists);
  return 0;
}

}  // namespace ptinstall::cli
