#include "ptinstall/install/inspect.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <set>

#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/version.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::install {
namespace {

// pip's stdlib_pkgs: never listed.
bool is_stdlib_name(std::string_view normalized) {
  return normalized == "python" || normalized == "wsgiref" || normalized == "argparse";
}

// Python's str.lower() for the ASCII range (names are ASCII in practice).
std::string lower(std::string_view s) { return util::to_lower(s); }

// tabulate() of pip's utils/misc.py: left-justified columns joined by one space, right-stripped.
std::vector<std::string> tabulate(const std::vector<std::vector<std::string>>& rows, std::vector<std::size_t>& sizes) {
  sizes.clear();
  for (const auto& row : rows) {
    if (row.size() > sizes.size()) sizes.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) sizes[i] = std::max(sizes[i], row[i].size());
  }
  std::vector<std::string> out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      if (i) line += ' ';
      std::string cell = i < row.size() ? row[i] : "";
      line += cell;
      line.append(sizes[i] - std::min(sizes[i], cell.size()), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out.push_back(std::move(line));
  }
  return out;
}

// Decodes one UTF-8 sequence at s[i]; invalid bytes come back as themselves (U+0080..U+00FF).
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
  if (len <= 1 || i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return b;
  }
  std::uint32_t cp = b & (0xff >> (len + 1));
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((c & 0xc0) != 0x80) {
      ++i;
      return b;
    }
    cp = (cp << 6) | (c & 0x3f);
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

std::string hex4(std::uint32_t v) {
  static const char* digits = "0123456789abcdef";
  std::string out = "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += digits[(v >> shift) & 0xf];
  return out;
}

std::string site_string(const InstalledDist& d) { return d.site_dir.string(); }

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = next_code_point(text, i);
    switch (cp) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp < 0x10000)) {
      if (cp == 0x7f) out += static_cast<char>(cp);  // DEL is ASCII: json.dumps keeps it
      else out += hex4(cp);
    } else if (cp >= 0x10000) {
      cp -= 0x10000;
      out += hex4(0xd800 + (cp >> 10));
      out += hex4(0xdc00 + (cp & 0x3ff));
    } else {
      out += static_cast<char>(cp);
    }
  }
  out += '"';
  return out;
}

// --- list -----------------------------------------------------------------------------------------

ListFormat parse_list_format(std::string_view text) {
  if (text == "columns") return ListFormat::Columns;
  if (text == "freeze") return ListFormat::Freeze;
  if (text == "json") return ListFormat::Json;
  throw util::Error(util::ErrorKind::Usage, "invalid --format `" + std::string(text) + "`",
                    "use columns, freeze or json");
}

std::vector<ListEntry> list_entries(const std::vector<InstalledDist>& dists, const ListOptions& options,
                                    const spec::MarkerEnvironment& env) {
  std::set<std::string> skip;
  for (const auto& x : options.excludes) skip.insert(spec::normalize_name(x));
  std::vector<const InstalledDist*> kept;
  for (const auto& d : dists)
    if (!is_stdlib_name(d.normalized) && !skip.count(d.normalized)) kept.push_back(&d);
  if (options.not_required) {
    // pip's get_not_required: drop every package that a listed package depends on.
    std::set<std::string> required;
    for (const auto* d : kept) {
      try {
        for (const auto& r : active_requirements(read_metadata(*d), env)) required.insert(r.package.str());
      } catch (const util::Error& e) {
        util::log::warn(std::string(e.what()));
      }
    }
    std::erase_if(kept, [&](const InstalledDist* d) { return required.count(d->normalized) > 0; });
  }
  std::vector<ListEntry> out;
  for (const auto* dp : kept) {
    const InstalledDist& d = *dp;
    ListEntry e;
    e.name = d.name;
    e.version = display_version(d.version);
    e.raw_version = d.version;
    e.location = site_string(d);
    e.installer = d.installer;
    if (auto loc = editable_project_location(d, read_direct_url(d), options.search_dirs))
      e.editable_location = loc->string();
    if (options.exclude_editable && e.editable_location) continue;
    if (options.only_editable && !e.editable_location) continue;
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), [](const ListEntry& a, const ListEntry& b) {
    return spec::normalize_name(a.name) < spec::normalize_name(b.name);
  });
  return out;
}

std::string format_list(const std::vector<ListEntry>& entries, ListFormat format, bool verbose) {
  std::string out;
  bool editables = std::any_of(entries.begin(), entries.end(), [](const auto& e) { return e.editable_location.has_value(); });
  switch (format) {
    case ListFormat::Columns: {
      if (entries.empty()) return out;
      std::vector<std::vector<std::string>> rows;
      std::vector<std::string> header = {"Package", "Version"};
      if (editables) header.push_back("Editable project location");
      if (verbose) {
        header.push_back("Location");
        header.push_back("Installer");
      }
      rows.push_back(header);
      for (const auto& e : entries) {
        std::vector<std::string> row = {e.name, e.raw_version.empty() ? e.version : e.raw_version};
        if (editables) row.push_back(e.editable_location.value_or(""));
        if (verbose) {
          row.push_back(e.location);
          row.push_back(e.installer);
        }
        rows.push_back(std::move(row));
      }
      std::vector<std::size_t> sizes;
      auto lines = tabulate(rows, sizes);
      std::string sep;
      for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (i) sep += ' ';
        sep.append(sizes[i], '-');
      }
      lines.insert(lines.begin() + 1, sep);
      for (const auto& l : lines) out += l + "\n";
      return out;
    }
    case ListFormat::Freeze:
      for (const auto& e : entries) {
        out += e.name + "==" + e.version;
        if (verbose) out += " (" + e.location + ")";
        out += "\n";
      }
      return out;
    case ListFormat::Json: {
      out += "[";
      bool first = true;
      for (const auto& e : entries) {
        if (!first) out += ", ";
        first = false;
        out += "{\"name\": " + json_quote(e.name) + ", \"version\": " + json_quote(e.version);
        if (verbose) out += ", \"location\": " + json_quote(e.location) + ", \"installer\": " + json_quote(e.installer);
        if (e.editable_location) out += ", \"editable_project_location\": " + json_quote(*e.editable_location);
        out += "}";
      }
      out += "]\n";
      return out;
    }
  }
  return out;
}

// --- freeze ---------------------------------------------------------------------------------------

namespace {

std::string pinned_requirement(std::string_view name, std::string_view version) {
  return std::string(name) + (spec::Version::parse(version) ? "==" : "===") + display_version(version);
}

std::string editable_requirement(std::string_view name, std::string_view version, const fs::path& location) {
  // pip asks the VCS of the directory for a URL; without one it writes the directory.
  return "# Editable install with no version control (" + pinned_requirement(name, version) + ")\n-e " +
         location.string();
}

}  // namespace

std::string freeze_requirement(std::string_view name, std::string_view version,
                               const std::optional<spec::DirectUrl>& direct_url) {
  std::string pinned = pinned_requirement(name, version);
  if (!direct_url) return pinned;
  if (auto loc = editable_location(direct_url)) {
    return editable_requirement(name, version, *loc);
  }
  std::string req = std::string(name) + " @ ";
  std::vector<std::string> fragments;
  if (direct_url->vcs) {
    req += direct_url->vcs->vcs + "+" + direct_url->url + "@" + direct_url->vcs->commit_id;
  } else {
    req += direct_url->url;
    if (!direct_url->is_dir && direct_url->archive_hash) fragments.push_back(*direct_url->archive_hash);
  }
  if (direct_url->subdirectory) fragments.push_back("subdirectory=" + *direct_url->subdirectory);
  if (!fragments.empty()) req += "#" + util::join(fragments, "&");
  return req;
}

std::set<std::string> freeze_skipped_names(bool all, bool suppress_build_backends,
                                           const std::vector<std::string>& excludes) {
  std::set<std::string> skip = {"python", "wsgiref", "argparse"};
  for (const auto& x : excludes) skip.insert(spec::normalize_name(x));
  if (!all) {
    skip.insert("pip");
    if (suppress_build_backends) skip.insert({"setuptools", "distribute", "wheel"});
  }
  return skip;
}

std::vector<FreezeItem> freeze_items(const std::vector<InstalledDist>& dists, bool exclude_editable,
                                     const std::vector<fs::path>& search_dirs, const EditableVcsLines& editable_vcs,
                                     const std::set<std::string>& skip) {
  std::vector<std::pair<std::string, FreezeItem>> lines;  // (lower name, item)
  for (const auto& d : dists) {
    if (skip.count(d.normalized)) continue;
    auto direct_url = read_direct_url(d);
    auto editable = editable_project_location(d, direct_url, search_dirs);
    if (exclude_editable && editable) continue;
    std::optional<std::string> text;
    if (editable && editable_vcs) text = editable_vcs(*editable, d.name, d.version);
    if (!text)
      text = editable && !direct_url ? editable_requirement(d.name, d.version, *editable)
                                     : freeze_requirement(d.name, d.version, direct_url);
    lines.push_back({lower(d.name), FreezeItem{d.normalized, *text}});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<FreezeItem> out;
  out.reserve(lines.size());
  for (auto& l : lines) out.push_back(std::move(l.second));
  return out;
}

std::string format_freeze(const std::vector<InstalledDist>& dists, bool all, bool suppress_build_backends,
                          const std::vector<std::string>& excludes, bool exclude_editable,
                          const std::vector<fs::path>& search_dirs, const EditableVcsLines& editable_vcs) {
  const auto skip = freeze_skipped_names(all, suppress_build_backends, excludes);
  std::string out;
  for (const auto& item : freeze_items(dists, exclude_editable, search_dirs, editable_vcs, skip)) out += item.text + "\n";
  return out;
}

// --- show -----------------------------------------------------------------------------------------

ShowResult show_packages(const std::vector<InstalledDist>& dists, const std::vector<std::string>& queries,
                         const spec::MarkerEnvironment& env, const ShowOptions& options) {
  ShowResult result;
  std::map<std::string, const InstalledDist*> by_name;
  for (const auto& d : dists) by_name[d.normalized] = &d;

  // Metadata and dependencies of every distribution, read once (Required-by needs all of them).
  struct Info {
    std::optional<spec::CoreMetadata> metadata;
    std::vector<std::string> requires_names;  // as written
    std::set<std::string> requires_normalized;
  };
  std::map<std::string, Info> infos;
  auto info_of = [&](const InstalledDist& d) -> Info& {
    auto it = infos.find(d.normalized);
    if (it != infos.end()) return it->second;
    Info info;
    try {
      info.metadata = read_metadata(d);
      for (const auto& text : info.metadata->get_all("Requires-Dist")) {
        try {
          auto req = spec::Requirement::parse(text);
          if (!req.applies(env)) continue;
          info.requires_names.push_back(req.name);
          info.requires_normalized.insert(req.package.str());
        } catch (const util::Error& e) {
          util::log::warn("ignoring a dependency of " + d.name + ": " + e.what());
        }
      }
    } catch (const util::Error& e) {
      util::log::warn(std::string(e.what()));
    }
    return infos.emplace(d.normalized, std::move(info)).first->second;
  };
  auto by_lower = [](const std::string& a, const std::string& b) { return lower(a) < lower(b); };

  for (const auto& q : queries) {
    if (!by_name.count(spec::normalize_name(q))) result.missing.push_back(q);
  }
  std::sort(result.missing.begin(), result.missing.end());

  std::string& out = result.text;
  for (const auto& q : queries) {
    auto it = by_name.find(spec::normalize_name(q));
    if (it == by_name.end()) continue;
    const InstalledDist& d = *it->second;
    Info& info = info_of(d);
    auto header = [&](std::string_view key) -> std::string {
      if (!info.metadata) return "";
      return info.metadata->get(key).value_or("");
    };
    std::set<std::string> unique(info.requires_names.begin(), info.requires_names.end());
    std::vector<std::string> requires_names(unique.begin(), unique.end());
    std::stable_sort(requires_names.begin(), requires_names.end(), by_lower);
    std::string homepage = header("Home-page");
    if (homepage.empty() && info.metadata) {
      for (const auto& u : info.metadata->get_all("Project-URL")) {
        auto comma = u.find(',');
        if (comma == std::string::npos) continue;
        std::string label;
        for (char ch : util::trim(std::string_view(u).substr(0, comma)))
          if (ch != '-' && ch != '_') label += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (util::trim(label) == "homepage") {
          homepage = std::string(util::trim(std::string_view(u).substr(comma + 1)));
          break;
        }
      }
    }
    std::vector<std::string> required_by;
    for (const auto& other : dists) {
      Info& oi = info_of(other);
      if (oi.requires_normalized.count(d.normalized))
        required_by.push_back(oi.metadata ? oi.metadata->name : other.name);
    }
    std::stable_sort(required_by.begin(), required_by.end(), by_lower);

    if (result.shown++) out += "---\n";
    out += "Name: " + d.name + "\n";
    out += "Version: " + d.version + "\n";
    out += "Summary: " + header("Summary") + "\n";
    out += "Home-page: " + homepage + "\n";
    out += "Author: " + header("Author") + "\n";
    out += "Author-email: " + header("Author-email") + "\n";
    out += "License: " + header("License") + "\n";
    out += "Location: " + site_string(d) + "\n";
    if (auto loc = editable_project_location(d, read_direct_url(d), options.search_dirs))
      out += "Editable project location: " + loc->string() + "\n";
    out += "Requires: " + util::join(requires_names, ", ") + "\n";
    out += "Required-by: " + util::join(required_by, ", ") + "\n";
    if (options.verbose) {
      out += "Metadata-Version: " + header("Metadata-Version") + "\n";
      out += "Installer: " + d.installer + "\n";
      out += "Classifiers:\n";
      if (info.metadata)
        for (const auto& c : info.metadata->get_all("Classifier")) out += "  " + c + "\n";
      out += "Entry-points:\n";
      if (!d.egg_info || fs::is_directory(d.metadata_dir)) {
        if (auto ep = util::try_read_file(d.metadata_dir / "entry_points.txt")) {
          for (auto line : util::split(*ep, '\n')) {
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            // splitlines() drops only the final empty piece; pip prints the others stripped.
            out += "  " + std::string(util::trim(line)) + "\n";
          }
          if (!ep->empty() && ep->back() == '\n') out.erase(out.size() - 3);  // the piece after the last newline
        }
      }
      out += "Project-URLs:\n";
      if (info.metadata)
        for (const auto& u : info.metadata->get_all("Project-URL")) out += "  " + u + "\n";
    }
    if (options.files) {
      out += "Files:\n";
      std::optional<std::vector<std::string>> files;
      try {
        files = declared_files(d);
      } catch (const util::Error& e) {
        util::log::warn(std::string(e.what()));
      }
      if (!files) {
        out += "Cannot locate RECORD or installed-files.txt\n";
      } else {
        for (const auto& f : *files) out += "  " + std::string(util::trim(f)) + "\n";
      }
    }
  }
  return result;
}

// --- check ----------------------------------------------------------------------------------------

CheckResult check_packages(const std::vector<InstalledDist>& dists, const spec::MarkerEnvironment& env,
                           std::string_view python_version, const spec::SupportedTags* tags) {
  CheckResult result;
  struct Pkg {
    std::string version;  // display form
    std::optional<spec::Version> parsed;
    std::vector<spec::Requirement> deps;
    std::optional<spec::SpecifierSet> requires_python;
  };
  std::map<std::string, Pkg> set;
  for (const auto& d : dists) {
    Pkg p;
    p.version = display_version(d.version);
    p.parsed = spec::Version::parse(d.version);
    try {
      auto md = read_metadata(d);
      p.deps = active_requirements(md, env);
      p.requires_python = md.requires_python;
    } catch (const util::Error& e) {
      result.warnings.push_back("error parsing requirements for " + d.normalized + ": " + e.what());
      continue;
    }
    set.emplace(d.normalized, std::move(p));
  }
  std::vector<std::string> missing, conflicting, python;
  for (const auto& [name, pkg] : set) {
    std::vector<std::pair<std::string, std::string>> m, c;  // (sort key, line)
    for (const auto& req : pkg.deps) {
      std::string dep = req.package.str();
      auto it = set.find(dep);
      if (it == set.end()) {
        m.emplace_back(dep + " " + req.to_string(), name + " " + pkg.version + " requires " + dep + ", which is not installed.");
        continue;
      }
      const Pkg& have = it->second;
      bool ok = have.parsed ? req.specifier.contains(*have.parsed, true) : req.specifier.empty();
      if (!ok)
        c.emplace_back(dep + " " + req.to_string(), name + " " + pkg.version + " has requirement " + req.to_string() +
                                                        ", but you have " + dep + " " + have.version + ".");
    }
    for (auto* v : {&m, &c}) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    }
    for (auto& [k, line] : m) missing.push_back(line);
    for (auto& [k, line] : c) conflicting.push_back(line);
    if (pkg.requires_python) {
      auto pv = spec::Version::parse(python_version);
      if (pv && !pkg.requires_python->contains(*pv, true))
        python.push_back(name + " " + pkg.version + " requires Python " + pkg.requires_python->to_string() +
                         ", but you have Python " + std::string(python_version) + ".");
    }
  }
  std::vector<std::string> unsupported;
  if (tags) {
    for (const auto& d : dists) {
      if (d.egg_info) continue;
      auto wheel = util::try_read_file(d.metadata_dir / "WHEEL");
      if (!wheel) continue;
      std::vector<spec::Tag> wheel_tags;
      for (auto line : util::split(*wheel, '\n')) {
        if (!util::starts_with_icase(line, "Tag:")) continue;
        try {
          auto expanded = spec::parse_tag_set(util::trim(line.substr(4)));
          wheel_tags.insert(wheel_tags.end(), expanded.begin(), expanded.end());
        } catch (const util::Error&) {
        }
      }
      if (!wheel_tags.empty() && !tags->best_priority(wheel_tags))
        unsupported.push_back(d.name + " " + display_version(d.version) + " is not supported on this platform");
    }
  }
  for (auto* v : {&missing, &conflicting, &unsupported, &python})
    result.problems.insert(result.problems.end(), v->begin(), v->end());
  return result;
}

}  // namespace ptinstall::install
