#include "ptinstall/build/build_system.hpp"

#include <toml++/toml.h>

#include <set>

#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::build {
namespace {

namespace fs = std::filesystem;

std::optional<toml::table> read_pyproject(const fs::path& tree) {
  auto text = util::try_read_file(tree / "pyproject.toml");
  if (!text) return std::nullopt;
  try {
    return toml::parse(*text, (tree / "pyproject.toml").string());
  } catch (const toml::parse_error& e) {
    throw util::Error(util::ErrorKind::Build, "invalid " + (tree / "pyproject.toml").string() + ": " +
                                                  std::string(e.description()));
  }
}

std::vector<std::string> string_list(const toml::node* node, const std::string& what, const fs::path& tree) {
  std::vector<std::string> out;
  const auto* arr = node ? node->as_array() : nullptr;
  if (!arr) throw util::Error(util::ErrorKind::Build, what + " in " + (tree / "pyproject.toml").string() + " is not a list of strings");
  for (const auto& v : *arr) {
    auto s = v.value<std::string>();
    if (!s) throw util::Error(util::ErrorKind::Build, what + " in " + (tree / "pyproject.toml").string() + " is not a list of strings");
    out.push_back(*s);
  }
  return out;
}

// A PEP 508 requirement of an optional-dependencies group: its marker and-ed with `extra == "x"`.
std::string with_extra(const std::string& raw, const std::string& extra) {
  auto req = spec::Requirement::parse(raw);
  std::string marker = req.marker.to_string();
  req.marker = spec::Marker();
  std::string base = req.to_string();
  std::string cond = "extra == \"" + extra + "\"";
  return base + "; " + (marker.empty() ? cond : "(" + marker + ") and " + cond);
}

}  // namespace

BuildSystem read_build_system(const fs::path& tree) {
  BuildSystem bs;
  auto doc = read_pyproject(tree);
  const toml::table* table = doc ? (*doc)["build-system"].as_table() : nullptr;
  if (!table) {
    // PEP 518: no [build-system] means setuptools, run the way pip runs setup.py projects.
    bs.requirements = {"setuptools>=40.8.0"};
    bs.backend = "setuptools.build_meta:__legacy__";
    bs.is_default = true;
    return bs;
  }
  if (!table->contains("requires"))
    throw util::Error(util::ErrorKind::Build, "[build-system] in " + (tree / "pyproject.toml").string() + " has no `requires`",
                      "PEP 518 asks for requires = [...], e.g. requires = [\"setuptools>=61\"]");
  bs.requirements = string_list(table->get("requires"), "[build-system].requires", tree);
  if (auto backend = (*table)["build-backend"].value<std::string>()) {
    bs.backend = *backend;
  } else {
    bs.backend = "setuptools.build_meta:__legacy__";  // pip's rule for requires without a backend
  }
  if (table->contains("backend-path")) {
    bs.backend_path = string_list(table->get("backend-path"), "[build-system].backend-path", tree);
    fs::path root = fs::weakly_canonical(tree);
    for (const auto& p : bs.backend_path) {
      fs::path full = fs::weakly_canonical(tree / p);
      auto rel = full.lexically_relative(root);
      if (rel.empty() || *rel.begin() == "..")
        throw util::Error(util::ErrorKind::Build, "backend-path `" + p + "` leaves the source tree " + tree.string(),
                          "PEP 517: backend-path entries are directories inside the project");
    }
  }
  return bs;
}

std::optional<ProjectName> static_project_name(const fs::path& tree) {
  auto doc = read_pyproject(tree);
  if (!doc) return std::nullopt;
  const toml::table* project = (*doc)["project"].as_table();
  if (!project) return std::nullopt;
  auto name = (*project)["name"].value<std::string>();
  auto version = (*project)["version"].value<std::string>();
  if (!name || !version) return std::nullopt;
  return ProjectName{*name, *version};
}

std::optional<std::string> declared_project_name(const fs::path& tree) {
  if (auto doc = read_pyproject(tree))
    if (const toml::table* project = (*doc)["project"].as_table())
      if (auto name = (*project)["name"].value<std::string>()) return *name;
  if (auto pkg_info = util::try_read_file(tree / "PKG-INFO")) {
    try {
      auto md = spec::CoreMetadata::parse(*pkg_info);
      if (!md.name.empty()) return md.name;
    } catch (const util::Error&) {
    }
  }
  if (auto cfg = util::try_read_file(tree / "setup.cfg")) {
    // INI: the `name` key of the [metadata] section.
    bool in_metadata = false;
    for (auto line : util::split(*cfg, '\n')) {
      auto t = util::trim(line);
      if (t.empty() || t[0] == '#' || t[0] == ';') continue;
      if (t[0] == '[') {
        in_metadata = t == "[metadata]";
        continue;
      }
      if (!in_metadata) continue;
      auto eq = t.find_first_of("=:");
      if (eq != std::string_view::npos && util::trim(t.substr(0, eq)) == "name") {
        auto value = std::string(util::trim(t.substr(eq + 1)));
        if (!value.empty() && value.find_first_of("%{") == std::string::npos) return value;
      }
    }
  }
  if (auto py = util::try_read_file(tree / "setup.py")) {
    // setup(name="flash_attn", ...): a literal, and only one distinct one in the file.
    std::optional<std::string> found;
    const std::string& text = *py;
    for (std::size_t pos = text.find("name"); pos != std::string::npos; pos = text.find("name", pos + 4)) {
      bool word_start = pos == 0 || !(std::isalnum(static_cast<unsigned char>(text[pos - 1])) || text[pos - 1] == '_');
      std::size_t i = pos + 4;
      if (!word_start || (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')))
        continue;
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
      if (i >= text.size() || text[i] != '=' || (i + 1 < text.size() && text[i + 1] == '=')) continue;
      ++i;
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
      if (i >= text.size() || (text[i] != '"' && text[i] != '\'')) continue;
      char quote = text[i];
      std::size_t end = text.find(quote, i + 1);
      if (end == std::string::npos) continue;
      std::string value = text.substr(i + 1, end - i - 1);
      if (value.empty() || !spec::is_valid_name(value)) continue;
      if (found && spec::normalize_name(*found) != spec::normalize_name(value)) return std::nullopt;
      if (!found) found = value;
    }
    return found;
  }
  return std::nullopt;
}

std::optional<std::string> static_metadata(const fs::path& tree) {
  // An sdist: PKG-INFO, Metadata-Version 2.2 or later, nothing that resolution needs is Dynamic.
  if (auto pkg_info = util::try_read_file(tree / "PKG-INFO")) {
    try {
      auto md = spec::CoreMetadata::parse(*pkg_info);
      auto v = spec::Version::parse(md.metadata_version);
      if (v && *v >= spec::Version::from_string("2.2")) {
        std::set<std::string> dynamic;
        for (const auto& d : md.get_all("Dynamic")) dynamic.insert(util::to_lower(std::string(util::trim(d))));
        bool is_static = true;
        for (const char* field : {"name", "version", "requires-dist", "requires-python", "provides-extra"})
          is_static = is_static && !dynamic.count(field);
        if (is_static) return *pkg_info;
      }
    } catch (const util::Error&) {
    }
  }
  // A tree: [project] with static name, version and dependencies (PEP 621).
  auto doc = read_pyproject(tree);
  if (!doc) return std::nullopt;
  const toml::table* project = (*doc)["project"].as_table();
  if (!project) return std::nullopt;
  std::set<std::string> dynamic;
  if (const auto* d = (*project)["dynamic"].as_array())
    for (const auto& v : *d)
      if (auto s = v.value<std::string>()) dynamic.insert(*s);
  for (const char* field : {"version", "dependencies", "optional-dependencies", "requires-python"})
    if (dynamic.count(field)) return std::nullopt;
  auto name = (*project)["name"].value<std::string>();
  auto version = (*project)["version"].value<std::string>();
  if (!name || !version || !spec::Version::parse(*version)) return std::nullopt;
  try {
    std::string md = "Metadata-Version: 2.1\nName: " + *name + "\nVersion: " + *version + "\n";
    if (auto rp = (*project)["requires-python"].value<std::string>()) md += "Requires-Python: " + *rp + "\n";
    if (project->contains("dependencies"))
      for (const auto& dep : string_list(project->get("dependencies"), "project.dependencies", tree))
        md += "Requires-Dist: " + spec::Requirement::parse(dep).to_string() + "\n";
    if (const auto* opt = (*project)["optional-dependencies"].as_table()) {
      for (const auto& [extra, deps] : *opt) {
        std::string e = spec::normalize_name(std::string(extra.str()));
        md += "Provides-Extra: " + e + "\n";
        for (const auto& dep : string_list(&deps, "project.optional-dependencies", tree))
          md += "Requires-Dist: " + with_extra(dep, e) + "\n";
      }
    }
    spec::CoreMetadata::parse(md);  // what we made must read back
    return md + "\n";
  } catch (const util::Error&) {
    return std::nullopt;  // the backend will say what is wrong
  }
}

}  // namespace ptinstall::build
