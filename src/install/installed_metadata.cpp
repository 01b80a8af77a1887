#include "ptinstall/install/installed_metadata.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "ptinstall/python/environment.hpp"
#include "ptinstall/python/venv.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/record.hpp"
#include "ptinstall/spec/version.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::install {
namespace {

std::vector<std::string> path_parts(std::string_view p) {
  // pathlib.PurePosixPath parts: empty and "." components dropped, a leading "/" kept as a part.
  std::vector<std::string> parts;
  if (!p.empty() && p.front() == '/') parts.emplace_back("/");
  for (auto part : util::split(p, '/')) {
    if (part.empty() || part == ".") continue;
    parts.emplace_back(part);
  }
  return parts;
}

std::string join_parts(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty() && out.back() != '/') out += '/';
    out += part;
  }
  return out.empty() ? "." : out;
}

std::string normalize_path_string(std::string_view p) { return join_parts(path_parts(p)); }

}  // namespace

std::vector<fs::path> inspection_dirs(const python::Environment& env) {
  std::vector<fs::path> dirs;
  auto add = [&](const fs::path& p) {
    if (p.empty()) return;
    if (std::find(dirs.begin(), dirs.end(), p) == dirs.end()) dirs.push_back(p);
  };
  if (env.kind() == python::SchemeKind::Interpreter) {
    const auto& info = env.interpreter();
    // The user site, where site.py puts it: after the environment's own site-packages and before
    // the base's (a venv), or before the first site directory (a system interpreter).
    fs::path user = python::user_site_enabled(info) ? python::user_site_packages(info) : fs::path();
    std::error_code ec;
    if (!user.empty() && !fs::is_directory(user, ec)) user.clear();
    auto is_site_dir = [&](const fs::path& p) {
      std::string name = p.filename().string();
      if (name != "site-packages" && name != "dist-packages") return false;
      if (!info.is_venv) return true;
      auto rel = p.lexically_relative(info.prefix);
      return rel.empty() || *rel.begin() == "..";  // the base's, not the environment's
    };
    for (const auto& entry : info.sys_path) {
      if (!user.empty() && is_site_dir(entry)) {
        add(user);
        user.clear();
      }
      if (!entry.empty() && fs::is_directory(entry, ec)) add(entry);
    }
    if (!user.empty()) add(user);
  }
  add(env.scheme().purelib);
  add(env.scheme().platlib);
  return dirs;
}

std::string canonical_name_of(const InstalledDist& dist) {
  std::string fname = dist.metadata_dir.filename().string();
  auto dot = fname.rfind('.');
  std::string stem = fname.substr(0, dot), suffix = dot == std::string::npos ? "" : fname.substr(dot);
  auto dash = stem.find('-');
  if (suffix == ".dist-info" && dash != std::string::npos && dash > 0) return spec::normalize_name(stem.substr(0, dash));
  if (suffix == ".egg-info" && dash != 0 && !stem.empty()) return spec::normalize_name(stem.substr(0, dash));
  return spec::normalize_name(dist.name);
}

std::vector<InstalledDist> scan_visible(const std::vector<fs::path>& dirs) {
  std::vector<InstalledDist> out;
  std::set<std::string> seen;
  for (const auto& dir : dirs) {
    auto found = scan_installed({dir});
    for (auto& d : found) d.normalized = canonical_name_of(d);
    // dist-info before egg-info for the same name (scan_installed sorts by name, stably).
    std::stable_sort(found.begin(), found.end(), [](const InstalledDist& a, const InstalledDist& b) {
      if (a.normalized != b.normalized) return a.normalized < b.normalized;
      return !a.egg_info && b.egg_info;
    });
    for (auto& d : found)
      if (seen.insert(d.normalized).second) out.push_back(std::move(d));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const InstalledDist& a, const InstalledDist& b) { return a.normalized < b.normalized; });
  return out;
}

std::vector<std::string> requires_txt_to_requires_dist(std::string_view text) {
  std::vector<std::string> out;
  std::string extra, marker;
  for (auto raw : util::split(text, '\n')) {
    auto line = util::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      auto section = std::string(util::trim(line.substr(1, line.size() - 2)));
      auto colon = section.find(':');
      extra = std::string(util::trim(std::string_view(section).substr(0, colon)));
      marker = colon == std::string::npos ? "" : std::string(util::trim(std::string_view(section).substr(colon + 1)));
      continue;
    }
    std::string req(line);
    std::string m;
    // pip 24 writes the extra canonicalized (PEP 503 rules, as for names).
    std::string safe = spec::normalize_name(extra);
    if (!extra.empty() && !marker.empty()) m = "(" + marker + ") and extra == \"" + safe + "\"";
    else if (!extra.empty()) m = "extra == \"" + safe + "\"";
    else m = marker;
    out.push_back(m.empty() ? req : req + " ; " + m);
  }
  return out;
}

std::optional<std::string> read_metadata_text(const InstalledDist& dist) {
  if (!dist.egg_info) return util::try_read_file(dist.metadata_dir / "METADATA");
  std::error_code ec;
  if (fs::is_directory(dist.metadata_dir, ec)) return util::try_read_file(dist.metadata_dir / "PKG-INFO");
  return util::try_read_file(dist.metadata_dir);
}

spec::CoreMetadata read_metadata(const InstalledDist& dist) {
  auto text = read_metadata_text(dist);
  if (!text) throw util::Error(util::ErrorKind::Environment, "no metadata in " + dist.metadata_dir.string());
  std::string combined = *text;
  if (dist.egg_info) {
    std::error_code ec;
    auto req = fs::is_directory(dist.metadata_dir, ec) ? util::try_read_file(dist.metadata_dir / "requires.txt")
                                                       : std::nullopt;
    if (req) {
      // Only when PKG-INFO carries no Requires-Dist of its own (pip's rule): append the converted
      // lines to the header block.
      bool has_requires_dist = false;
      for (auto line : util::split(*text, '\n')) {
        if (util::trim(line).empty()) break;
        if (util::starts_with_icase(line, "Requires-Dist:")) has_requires_dist = true;
      }
      if (!has_requires_dist) {
        auto end = combined.find("\n\n");
        std::string body = end == std::string::npos ? "" : combined.substr(end + 1);
        std::string head = end == std::string::npos ? combined : combined.substr(0, end + 1);
        if (!head.empty() && head.back() != '\n') head += '\n';
        for (const auto& r : requires_txt_to_requires_dist(*req)) head += "Requires-Dist: " + r + "\n";
        combined = head + body;
      }
    }
  }
  try {
    return spec::CoreMetadata::parse(combined);
  } catch (const util::Error& e) {
    // Installed metadata is read as pip reads it: a Name that is not a valid project name or a
    // Version that is not PEP 440 does not hide the other fields. Parse a copy with placeholders
    // and put the name back (callers print the version from the scan).
    std::string patched;
    bool changed = false, in_headers = true;
    for (auto line : util::split(combined, '\n')) {
      std::string l(line);
      if (in_headers && util::trim(l).empty()) in_headers = false;
      if (in_headers && util::starts_with_icase(l, "Name:") && !spec::is_valid_name(util::trim(l.substr(5)))) {
        l = "Name: unknown";
        changed = true;
      } else if (in_headers && util::starts_with_icase(l, "Version:") && !spec::Version::parse(util::trim(l.substr(8)))) {
        l = "Version: 0";
        changed = true;
      }
      patched += l + "\n";
    }
    if (changed) {
      try {
        auto md = spec::CoreMetadata::parse(patched);
        md.name = dist.name;
        return md;
      } catch (const util::Error&) {
      }
    }
    throw util::Error(util::ErrorKind::Environment, std::string(e.what()) + " (in " + dist.metadata_dir.string() + ")",
                      e.hint());
  }
}

std::optional<spec::DirectUrl> read_direct_url(const InstalledDist& dist) {
  if (dist.egg_info) return std::nullopt;
  auto text = util::try_read_file(dist.metadata_dir / "direct_url.json");
  if (!text) return std::nullopt;
  try {
    return spec::DirectUrl::from_json(*text);
  } catch (const util::Error& e) {
    util::log::debug("ignoring " + (dist.metadata_dir / "direct_url.json").string() + ": " + e.what());
    return std::nullopt;
  }
}

std::optional<fs::path> file_url_to_path(std::string_view url) {
  if (!util::starts_with_icase(url, "file:")) return std::nullopt;
  std::string_view rest = url.substr(5);
  if (rest.rfind("//", 0) == 0) {
    rest.remove_prefix(2);
    auto slash = rest.find('/');
    std::string_view host = rest.substr(0, slash);
    if (!host.empty() && host != "localhost") return std::nullopt;
    rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  }
  return fs::path(util::percent_decode(rest));
}

std::optional<fs::path> editable_location(const std::optional<spec::DirectUrl>& direct_url) {
  if (!direct_url || !direct_url->is_dir || !direct_url->editable) return std::nullopt;
  return file_url_to_path(direct_url->url);
}

std::optional<fs::path> editable_project_location(const InstalledDist& dist,
                                                  const std::optional<spec::DirectUrl>& direct_url,
                                                  const std::vector<fs::path>& search_dirs) {
  if (direct_url) return editable_location(direct_url);
  // pkg_resources' safe_name (runs of other characters become "-"), then the name as written.
  std::string safe;
  for (char c : dist.name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.';
    if (ok) safe += c;
    else if (safe.empty() || safe.back() != '-') safe += '-';
  }
  for (const auto& dir : search_dirs) {
    for (const auto& file : {safe + ".egg-link", dist.name + ".egg-link"}) {
      std::error_code ec;
      if (fs::is_regular_file(dir / file, ec)) return dist.site_dir;
    }
  }
  return std::nullopt;
}

std::string convert_installed_files_path(std::string_view entry, std::string_view info) {
  auto e = path_parts(entry);
  auto i = path_parts(info);
  std::size_t drop = 0;
  while (drop < e.size() && e[drop] == ".." && !i.empty() && i.back() != "..") {
    ++drop;
    i.pop_back();
  }
  std::vector<std::string> all = i;
  all.insert(all.end(), e.begin() + static_cast<std::ptrdiff_t>(drop), e.end());
  return join_parts(all);
}

std::optional<std::vector<std::string>> declared_files(const InstalledDist& dist) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!dist.egg_info) {
    auto text = util::try_read_file(dist.metadata_dir / "RECORD");
    if (text) {
      for (const auto& row : spec::parse_record(*text)) out.push_back(normalize_path_string(row.path));
      std::sort(out.begin(), out.end());
      return out;
    }
  }
  if (!fs::is_directory(dist.metadata_dir, ec)) return std::nullopt;
  auto text = util::try_read_file(dist.metadata_dir / "installed-files.txt");
  if (!text) return std::nullopt;
  std::string info = dist.metadata_dir.lexically_relative(dist.site_dir).generic_string();
  for (auto line : util::split(*text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (info.empty() || info == "." || info.rfind("..", 0) == 0) out.push_back(std::string(line));
    else out.push_back(convert_installed_files_path(line, info));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string display_version(std::string_view version) {
  if (auto v = spec::Version::parse(version)) return v->to_string();
  return std::string(version);
}

std::vector<spec::Requirement> active_requirements(const spec::CoreMetadata& metadata,
                                                   const spec::MarkerEnvironment& env) {
  std::vector<spec::Requirement> out;
  for (const auto& text : metadata.get_all("Requires-Dist")) {
    auto req = spec::Requirement::parse(text);
    if (req.applies(env)) out.push_back(std::move(req));
  }
  return out;
}

}  // namespace ptinstall::install
