#include "ptinstall/config/pyproject.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <set>

#include "ptinstall/config/settings.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "util/toml_type_name.hpp"

namespace ptinstall::config {
namespace fs = std::filesystem;

std::string_view to_string(Authenticate value) {
  switch (value) {
    case Authenticate::Always: return "always";
    case Authenticate::Never: return "never";
    case Authenticate::Auto: break;
  }
  return "auto";
}

namespace {

const char* kHint = "see docs/configuration.md for the pyproject.toml keys ptinstall reads";

// Reads one parsed document, remembering the file for messages.
struct Reader {
  fs::path path;

  std::string where(const toml::node& node) const {
    return path.string() + ":" + std::to_string(node.source().begin.line);
  }
  [[noreturn]] void fail(const toml::node& node, const std::string& message, std::string hint = kHint) const {
    throw util::Error(where(node) + ": " + message, std::move(hint));
  }
  [[noreturn]] void type_error(const toml::node& node, std::string_view key, std::string_view expected) const {
    fail(node, "`" + std::string(key) + "` must be " + std::string(expected) + ", not " + util::detail::toml_type_name(node));
  }

  const toml::table* table(const toml::table* parent, std::string_view key, std::string_view full) const {
    if (!parent) return nullptr;
    const toml::node* n = parent->get(key);
    if (!n) return nullptr;
    if (!n->is_table()) type_error(*n, full, "a table");
    return n->as_table();
  }
  std::string string(const toml::node& node, std::string_view key) const {
    if (!node.is_string()) type_error(node, key, "a string");
    return node.as_string()->get();
  }
  bool boolean(const toml::node& node, std::string_view key) const {
    if (!node.is_boolean()) type_error(node, key, "a boolean");
    return node.as_boolean()->get();
  }

  spec::Requirement requirement(const toml::node& node, std::string_view key) const {
    std::string text = string(node, key);
    try {
      return spec::Requirement::parse(text);
    } catch (const util::Error& e) {
      fail(node, std::string(e.what()) + " in `" + std::string(key) + "`", e.hint());
    }
  }

  std::vector<spec::Requirement> requirement_list(const toml::node& node, std::string_view key) const {
    if (!node.is_array()) type_error(node, key, "an array of strings");
    std::vector<spec::Requirement> out;
    for (const auto& item : *node.as_array()) {
      if (!item.is_string()) type_error(item, key, "an array of strings");
      out.push_back(requirement(item, key));
    }
    return out;
  }

  std::vector<IndexDefinition> indexes(const toml::node& node, std::string_view key) const {
    if (!node.is_array()) type_error(node, key, "an array of tables");
    std::vector<IndexDefinition> out;
    std::set<std::string> names;
    for (const auto& item : *node.as_array()) {
      if (!item.is_table()) type_error(item, key, "an array of tables");
      const auto& t = *item.as_table();
      IndexDefinition def;
      def.origin = where(item);
      bool has_url = false;
      for (const auto& [k, v] : t) {
        std::string name(k.str());
        std::string full = std::string(key) + "." + name;
        if (name == "name") {
          def.name = string(v, full);
          if (def.name.empty() || !std::all_of(def.name.begin(), def.name.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
              }))
            fail(v, "invalid index name `" + def.name + "`", "index names use ASCII letters, digits, `-`, `_` and `.`");
        } else if (name == "url") {
          def.url = string(v, full);
          has_url = true;
        } else if (name == "explicit") {
          def.explicit_only = boolean(v, full);
        } else if (name == "default") {
          def.is_default = boolean(v, full);
        } else if (name == "format") {
          std::string f = string(v, full);
          if (f == "flat") def.flat = true;
          else if (f != "simple") fail(v, "invalid value `" + f + "` for `" + full + "`", "possible values: simple, flat");
        } else if (name == "authenticate") {
          std::string a = string(v, full);
          if (a == "always") def.authenticate = Authenticate::Always;
          else if (a == "never") def.authenticate = Authenticate::Never;
          else if (a != "auto") fail(v, "invalid value `" + a + "` for `" + full + "`", "possible values: auto, always, never");
        } else if (name == "ignore-error-codes" || name == "cache-control" || name == "publish-url") {
          util::log::debug(where(v) + ": `" + full + "` is read by uv but ignored by ptinstall");
        } else {
          util::log::warn("unknown key `" + full + "` in " + where(v) + ", ignored");
        }
      }
      if (!has_url) fail(item, "an entry of `" + std::string(key) + "` has no `url`", "add url = \"https://...\"");
      if (def.name.empty())
        fail(item, "an entry of `" + std::string(key) + "` has no `name`", "add name = \"...\" (sources refer to it)");
      if (!names.insert(def.name).second)
        fail(item, "the index `" + def.name + "` is defined twice in `" + std::string(key) + "`",
             "give each [[" + std::string(key) + "]] entry its own name");
      out.push_back(std::move(def));
    }
    return out;
  }

  PackageSource source(const toml::node& node, const std::string& package, std::string_view key) const {
    if (!node.is_table()) type_error(node, key, "a table or an array of tables");
    PackageSource s;
    s.package = package;
    s.origin = where(node);
    int kinds = 0;
    std::string git;
    std::optional<std::string> revision, subdirectory;
    for (const auto& [k, v] : *node.as_table()) {
      std::string name(k.str());
      std::string full = std::string(key) + "." + name;
      if (name == "index") {
        s.kind = PackageSource::Kind::Index;
        s.index = string(v, full);
        ++kinds;
      } else if (name == "url") {
        s.kind = PackageSource::Kind::Url;
        s.url = string(v, full);
        ++kinds;
      } else if (name == "path") {
        s.kind = PackageSource::Kind::Path;
        fs::path p = string(v, full);
        s.path = p.is_absolute() ? p : (fs::absolute(path).parent_path() / p).lexically_normal();
        ++kinds;
      } else if (name == "git") {
        s.kind = PackageSource::Kind::Url;  // made a git+ URL below, with its revision and subdirectory
        git = string(v, full);
        ++kinds;
      } else if (name == "workspace") {
        s.kind = PackageSource::Kind::Unsupported;
        s.unsupported = name;
        ++kinds;
      } else if (name == "marker") {
        std::string text = string(v, full);
        try {
          s.marker = spec::Marker::parse(text);
        } catch (const util::Error& e) {
          fail(v, std::string(e.what()) + " in `" + full + "`", e.hint());
        }
      } else if (name == "extra") {
        s.extra = spec::normalize_extra(string(v, full));
      } else if (name == "group") {
        s.group = spec::normalize_name(string(v, full));
      } else if (name == "rev" || name == "tag" || name == "branch") {
        if (revision) fail(v, "the source of `" + package + "` names more than one of rev, tag, branch", "give one");
        revision = string(v, full);
      } else if (name == "subdirectory") {
        subdirectory = string(v, full);
      } else if (name == "editable" || name == "lfs" || name == "package") {
        if (name == "editable") s.editable = boolean(v, full);
      } else {
        util::log::warn("unknown key `" + full + "` in " + where(v) + ", ignored");
      }
    }
    if (kinds == 0)
      fail(node, "the source of `" + package + "` in `" + std::string(key) + "` names no index, url or path",
           "write e.g. " + package + " = { index = \"pytorch-cpu\" }");
    if (kinds > 1)
      fail(node, "the source of `" + package + "` in `" + std::string(key) + "` names more than one of index, url, path, git, workspace",
           "give one kind of source per entry; use a list of entries with markers for several");
    if (s.extra && s.group)
      fail(node, "the source of `" + package + "` names both an extra and a group", "a source applies to one or the other");
    if (s.editable && s.kind != PackageSource::Kind::Path)
      fail(node, "the source of `" + package + "` is editable, but only path sources can be", "drop `editable` or give a path");
    if (!s.unsupported.empty()) s.kind = PackageSource::Kind::Unsupported;
    if (revision && git.empty())
      fail(node, "the source of `" + package + "` names a revision, but only git sources have one", "add git = \"https://...\"");
    if (!git.empty()) {
      // uv's git source as the requirement URL pip would take: git+URL@rev#subdirectory=sub.
      s.url = (git.rfind("git+", 0) == 0 ? "" : "git+") + git + (revision ? "@" + *revision : "");
    }
    if (subdirectory) {
      if (s.kind != PackageSource::Kind::Url)
        fail(node, "the source of `" + package + "` names a subdirectory, but only git and url sources have one");
      s.url += "#subdirectory=" + *subdirectory;
    }
    return s;
  }
};

toml::table parse_document(std::string_view text, const fs::path& path) {
  try {
    return toml::parse(text, path.string());
  } catch (const toml::parse_error& e) {
    throw util::Error(path.string() + ":" + std::to_string(e.source().begin.line) + ": invalid TOML: " +
                      std::string(e.description()));
  }
}

bool is_pyproject_name(const fs::path& path) { return path.filename() == "pyproject.toml"; }

// PEP 735: resolves include-group entries, with cycle and unknown-group errors.
std::map<std::string, std::vector<spec::Requirement>> read_groups(const Reader& r, const toml::table& groups) {
  struct Raw {
    std::string written;
    const toml::node* node;
  };
  std::map<std::string, Raw> raw;
  for (const auto& [k, v] : groups) {
    std::string written(k.str());
    std::string key = "dependency-groups." + written;
    if (!spec::is_valid_name(written)) r.fail(v, "invalid dependency group name `" + written + "`",
                                              "group names follow the package name rules (PEP 735)");
    std::string norm = spec::normalize_name(written);
    if (raw.count(norm))
      r.fail(v, "dependency groups `" + raw.at(norm).written + "` and `" + written + "` have the same normalised name",
             "PEP 735 compares group names after normalisation; keep one");
    if (!v.is_array()) r.type_error(v, key, "an array of strings and {include-group = \"...\"} tables");
    raw.emplace(norm, Raw{written, &v});
  }
  std::map<std::string, std::vector<spec::Requirement>> done;
  std::vector<std::string> stack;
  std::function<const std::vector<spec::Requirement>&(const std::string&)> resolve = [&](const std::string& norm)
      -> const std::vector<spec::Requirement>& {
    if (auto it = done.find(norm); it != done.end()) return it->second;
    stack.push_back(norm);
    const Raw& g = raw.at(norm);
    std::string key = "dependency-groups." + g.written;
    std::vector<spec::Requirement> out;
    for (const auto& item : *g.node->as_array()) {
      if (item.is_string()) {
        out.push_back(r.requirement(item, key));
        continue;
      }
      if (!item.is_table()) r.type_error(item, key, "an array of strings and {include-group = \"...\"} tables");
      const auto& t = *item.as_table();
      const toml::node* inc = t.get("include-group");
      if (!inc || t.size() != 1)
        r.fail(item, "a table in `" + key + "` must hold exactly one key, `include-group`",
               "write {include-group = \"other-group\"}");
      std::string target = spec::normalize_name(r.string(*inc, key + ".include-group"));
      if (!raw.count(target)) {
        std::vector<std::string> names;
        for (const auto& [n, _] : raw) names.push_back(n);
        r.fail(*inc, "dependency group `" + g.written + "` includes `" + inc->as_string()->get() + "`, which is not defined",
               "defined groups: " + util::join(names, ", "));
      }
      if (std::find(stack.begin(), stack.end(), target) != stack.end()) {
        std::vector<std::string> cycle(std::find(stack.begin(), stack.end(), target), stack.end());
        cycle.push_back(target);
        r.fail(*inc, "dependency groups include each other in a cycle: " + util::join(cycle, " -> "),
               "remove one of the include-group entries");
      }
      const auto& included = resolve(target);
      out.insert(out.end(), included.begin(), included.end());
    }
    stack.pop_back();
    return done.emplace(norm, std::move(out)).first->second;
  };
  for (const auto& [norm, _] : raw) resolve(norm);
  return done;
}

std::string available(const std::vector<std::string>& names, std::string_view what) {
  if (names.empty()) return "the project defines no " + std::string(what);
  return "available " + std::string(what) + ": " + util::join(names, ", ");
}

std::string describe(const ConflictItem& item) {
  return std::string(item.kind == ConflictItem::Kind::Extra ? "extra" : "group") + " `" + item.name + "`";
}

}  // namespace

Pyproject Pyproject::read(const fs::path& path) { return parse(util::read_file(path), path); }

Pyproject Pyproject::parse(std::string_view text, const fs::path& path) {
  Reader r{path};
  toml::table doc = parse_document(text, path);
  Pyproject p;
  p.path = path;

  if (const toml::table* project = r.table(&doc, "project", "project")) {
    if (const toml::node* n = project->get("name")) p.name = r.string(*n, "project.name");
    if (const toml::node* n = project->get("dynamic")) {
      if (!n->is_array()) r.type_error(*n, "project.dynamic", "an array of strings");
      for (const auto& item : *n->as_array()) {
        std::string field = r.string(item, "project.dynamic");
        if (field == "dependencies" || field == "optional-dependencies") p.dynamic_dependencies = true;
      }
    }
    if (const toml::node* n = project->get("requires-python")) {
      p.requires_python_text = r.string(*n, "project.requires-python");
      try {
        p.requires_python = spec::SpecifierSet::parse(*p.requires_python_text);
      } catch (const util::Error& e) {
        r.fail(*n, std::string(e.what()) + " in `project.requires-python`", e.hint());
      }
    }
    if (const toml::node* n = project->get("dependencies"))
      p.dependencies = r.requirement_list(*n, "project.dependencies");
    if (const toml::table* extras = r.table(project, "optional-dependencies", "project.optional-dependencies")) {
      std::map<std::string, std::string> written;
      for (const auto& [k, v] : *extras) {
        std::string name(k.str());
        std::string key = "project.optional-dependencies." + name;
        if (!spec::is_valid_name(name)) r.fail(v, "invalid extra name `" + name + "`", "extra names follow the package name rules");
        std::string norm = spec::normalize_extra(name);
        if (auto [it, fresh] = written.emplace(norm, name); !fresh)
          r.fail(v, "extras `" + it->second + "` and `" + name + "` have the same normalised name", "keep one of them");
        p.optional_dependencies[norm] = r.requirement_list(v, key);
      }
    }
  }

  if (const toml::table* groups = r.table(&doc, "dependency-groups", "dependency-groups"))
    p.dependency_groups = read_groups(r, *groups);

  const toml::table* tool = r.table(&doc, "tool", "tool");
  const toml::table* uv = r.table(tool, "uv", "tool.uv");
  if (uv) {
    // `index = ["name=url"]` is the --index setting (config_files.hpp), not index tables.
    const toml::node* n = uv->get("index");
    if (n && !(n->is_array() && !n->as_array()->empty() && n->as_array()->front().is_string()))
      p.indexes = r.indexes(*n, "tool.uv.index");
    if (const toml::table* sources = r.table(uv, "sources", "tool.uv.sources")) {
      for (const auto& [k, v] : *sources) {
        std::string written(k.str());
        std::string key = "tool.uv.sources." + written;
        if (!spec::is_valid_name(written)) r.fail(v, "invalid package name `" + written + "` in `tool.uv.sources`", kHint);
        std::string pkg = spec::normalize_name(written);
        auto& list = p.sources[pkg];
        if (!list.empty()) r.fail(v, "`" + written + "` has two entries in `tool.uv.sources`", "merge them into one list");
        if (v.is_array()) {
          if (v.as_array()->empty()) r.fail(v, "`" + key + "` is an empty list", "remove it or add a source");
          for (const auto& item : *v.as_array()) list.push_back(r.source(item, pkg, key));
        } else {
          list.push_back(r.source(v, pkg, key));
        }
      }
    }
    for (const char* key : {"environments", "required-environments"}) {
      const toml::node* n = uv->get(key);
      if (!n) continue;
      const std::string where = std::string("tool.uv.") + key;
      auto& out = std::string_view(key) == "environments" ? p.environments : p.required_environments;
      const char* expected = "a marker string or an array of them";
      std::vector<const toml::node*> items;
      if (n->is_string()) items.push_back(n);
      else if (n->is_array())
        for (const auto& item : *n->as_array()) items.push_back(&item);
      else r.type_error(*n, where, expected);
      for (const auto* item : items) {
        std::string text = r.string(*item, where);
        try {
          out.push_back(spec::Marker::parse(text));
        } catch (const util::Error& e) {
          r.fail(*item, std::string(e.what()) + " in `" + where + "`", "give PEP 508 markers, like \"sys_platform == 'linux'\"");
        }
      }
    }
    if (const toml::node* n = uv->get("default-groups")) {
      std::vector<std::string> groups;
      if (n->is_string() && n->as_string()->get() == "all") groups.push_back("all");
      else if (n->is_array())
        for (const auto& item : *n->as_array()) groups.push_back(spec::normalize_name(r.string(item, "tool.uv.default-groups")));
      else r.type_error(*n, "tool.uv.default-groups", "an array of group names or \"all\"");
      p.default_groups = std::move(groups);
    }
    if (const toml::node* n = uv->get("conflicts")) {
      const char* expected = "an array of arrays of {extra = \"...\"} or {group = \"...\"} tables";
      if (!n->is_array()) r.type_error(*n, "tool.uv.conflicts", expected);
      for (const auto& set : *n->as_array()) {
        if (!set.is_array()) r.type_error(set, "tool.uv.conflicts", expected);
        std::vector<ConflictItem> items;
        for (const auto& item : *set.as_array()) {
          if (!item.is_table()) r.type_error(item, "tool.uv.conflicts", expected);
          const auto& t = *item.as_table();
          const toml::node* extra = t.get("extra");
          const toml::node* group = t.get("group");
          if (t.get("package") && !extra && !group)
            r.fail(item, "conflicts between workspace packages are not supported yet", "declare conflicts between extras or groups");
          if ((extra != nullptr) == (group != nullptr))
            r.fail(item, "an entry of `tool.uv.conflicts` needs exactly one of `extra` and `group`", expected);
          ConflictItem ci;
          if (extra) {
            ci.kind = ConflictItem::Kind::Extra;
            ci.name = spec::normalize_extra(r.string(*extra, "tool.uv.conflicts.extra"));
          } else {
            ci.kind = ConflictItem::Kind::Group;
            ci.name = spec::normalize_name(r.string(*group, "tool.uv.conflicts.group"));
          }
          items.push_back(std::move(ci));
        }
        if (items.size() < 2)
          r.fail(set, "a set in `tool.uv.conflicts` must name at least two extras or groups", "remove it or add the other member");
        p.conflicts.push_back(std::move(items));
      }
    }
  }

  // Sources and conflicts that name extras or groups the project lacks are almost always typos.
  for (const auto& [pkg, list] : p.sources)
    for (const auto& s : list) {
      if (s.extra && !p.optional_dependencies.count(*s.extra))
        util::log::warn(s.origin + ": the source of `" + pkg + "` names the extra `" + *s.extra +
                        "`, which [project.optional-dependencies] does not define");
      if (s.group && !p.dependency_groups.count(*s.group))
        util::log::warn(s.origin + ": the source of `" + pkg + "` names the group `" + *s.group +
                        "`, which [dependency-groups] does not define");
    }
  return p;
}

std::vector<std::string> Pyproject::extra_names() const {
  std::vector<std::string> out;
  for (const auto& [n, _] : optional_dependencies) out.push_back(n);
  return out;
}

std::vector<std::string> Pyproject::group_names() const {
  std::vector<std::string> out;
  for (const auto& [n, _] : dependency_groups) out.push_back(n);
  return out;
}

ProjectSelection Pyproject::select(const std::vector<std::string>& extras, bool all_extras,
                                   const std::vector<std::string>& groups) const {
  std::set<std::string> ex, gr;
  const std::string file = path.filename().string();
  for (const auto& e : extras) {
    std::string n = spec::normalize_extra(e);
    if (!optional_dependencies.count(n))
      throw util::Error("extra `" + e + "` is not defined in " + path.string(), available(extra_names(), "extras"));
    ex.insert(n);
  }
  if (all_extras)
    for (const auto& [n, _] : optional_dependencies) ex.insert(n);
  for (const auto& g : groups) {
    std::string n = spec::normalize_name(g);
    if (!dependency_groups.count(n))
      throw util::Error("dependency group `" + g + "` is not defined in " + path.string(), available(group_names(), "groups"));
    gr.insert(n);
  }
  // Extras pulled in by self-references (`project[extra]`) in what is selected, transitively.
  if (name) {
    std::string self = spec::normalize_name(*name);
    std::vector<const std::vector<spec::Requirement>*> todo = {&dependencies};
    for (const auto& e : ex) todo.push_back(&optional_dependencies.at(e));
    for (const auto& g : gr) todo.push_back(&dependency_groups.at(g));
    while (!todo.empty()) {
      const auto* list = todo.back();
      todo.pop_back();
      for (const auto& req : *list) {
        if (req.package.str() != self) continue;
        for (const auto& e : req.extras) {
          if (!optional_dependencies.count(e))
            throw util::Error("`" + req.to_string() + "` in " + path.string() + " names the extra `" + e +
                                  "`, which is not defined",
                              available(extra_names(), "extras"));
          if (ex.insert(e).second) todo.push_back(&optional_dependencies.at(e));
        }
      }
    }
  }
  for (const auto& set : conflicts) {
    std::vector<const ConflictItem*> active;
    for (const auto& item : set)
      if ((item.kind == ConflictItem::Kind::Extra ? ex : gr).count(item.name)) active.push_back(&item);
    if (active.size() < 2) continue;
    const auto& a = *active[0];
    const auto& b = *active[1];
    std::string what = a.kind == b.kind ? std::string(a.kind == ConflictItem::Kind::Extra ? "extras" : "groups") + " `" +
                                              a.name + "` and `" + b.name + "`"
                                        : describe(a) + " and " + describe(b);
    auto flag = [](const ConflictItem& i) {
      return std::string(i.kind == ConflictItem::Kind::Extra ? "--extra " : "--group ") + i.name;
    };
    throw util::Error(what + " are declared as conflicting in " + file,
                      "request only one of them (" + flag(a) + " or " + flag(b) + "); see [tool.uv] conflicts in " +
                          path.string() + (all_extras ? "; --all-extras selects every extra" : ""));
  }
  return ProjectSelection{{ex.begin(), ex.end()}, {gr.begin(), gr.end()}};
}

std::vector<spec::Requirement> Pyproject::requirements(const ProjectSelection& selection) const {
  std::vector<spec::Requirement> out;
  std::set<std::string> seen;
  const std::string self = name ? spec::normalize_name(*name) : std::string();
  // Self-references are expanded; `visiting` stops an extra that (indirectly) includes itself.
  std::set<std::string> visiting;
  std::function<void(const std::vector<spec::Requirement>&, const spec::Marker&)> add =
      [&](const std::vector<spec::Requirement>& list, const spec::Marker& outer) {
        for (const auto& req : list) {
          if (!self.empty() && req.package.str() == self) {
            spec::Marker m = spec::Marker::conjunction(outer, req.marker);
            for (const auto& e : req.extras) {
              auto it = optional_dependencies.find(e);
              if (it == optional_dependencies.end() || !visiting.insert(e).second) continue;
              add(it->second, m);
              visiting.erase(e);
            }
            continue;
          }
          spec::Requirement r = req;
          r.marker = spec::Marker::conjunction(outer, req.marker);
          if (seen.insert(r.to_string()).second) out.push_back(std::move(r));
        }
      };
  add(dependencies, {});
  for (const auto& e : selection.extras) {
    auto it = optional_dependencies.find(e);
    if (it == optional_dependencies.end())
      throw util::Error("extra `" + e + "` is not defined in " + path.string(), available(extra_names(), "extras"));
    visiting.insert(e);
    add(it->second, {});
    visiting.erase(e);
  }
  for (const auto& g : selection.groups) {
    auto it = dependency_groups.find(g);
    if (it == dependency_groups.end())
      throw util::Error("dependency group `" + g + "` is not defined in " + path.string(), available(group_names(), "groups"));
    add(it->second, {});
  }
  return out;
}

std::optional<PackageSource> Pyproject::source_for(std::string_view package, const spec::MarkerEnvironment& env,
                                                   const std::vector<std::string>& active_extras,
                                                   const std::vector<std::string>& active_groups) const {
  auto it = sources.find(spec::normalize_name(package));
  if (it == sources.end()) return std::nullopt;
  std::set<std::string> extras, groups;
  for (const auto& e : active_extras) extras.insert(spec::normalize_extra(e));
  for (const auto& g : active_groups) groups.insert(spec::normalize_name(g));
  for (const auto& s : it->second) {
    if (s.extra && !extras.count(*s.extra)) continue;
    if (s.group && !groups.count(*s.group)) continue;
    // The marker sees the selected extras too, so `marker = "extra == 'cpu'"` works like `extra = "cpu"`.
    if (!s.marker.evaluate(env, {extras.begin(), extras.end()})) continue;
    if (s.kind == PackageSource::Kind::Unsupported)
      throw util::Error(s.origin + ": " + s.unsupported + " sources (for `" + s.package + "`) are not supported yet",
                        "pass --no-sources to install `" + s.package + "` from the indexes");
    return s;
  }
  return std::nullopt;
}

std::vector<IndexDefinition> read_index_definitions(const fs::path& path) {
  Reader r{path};
  toml::table doc = parse_document(util::read_file(path), path);
  if (is_pyproject_name(path)) {
    const toml::table* uv = r.table(r.table(&doc, "tool", "tool"), "uv", "tool.uv");
    const toml::node* n = uv ? uv->get("index") : nullptr;
    return n ? r.indexes(*n, "tool.uv.index") : std::vector<IndexDefinition>{};
  }
  const toml::node* n = doc.get("index");
  // `index = ["name=url"]` is the --index setting (config_files.hpp), not index tables.
  if (!n || (n->is_array() && !n->as_array()->empty() && !n->as_array()->front().is_table())) return {};
  return r.indexes(*n, "index");
}

ProjectRequest load_project(const fs::path& path, const Settings& settings) {
  return select_project(Pyproject::read(path), settings);
}

ProjectRequest select_project(Pyproject project, const Settings& settings) {
  const fs::path path = project.path;
  ProjectRequest out{std::move(project), {}, {}};
  std::vector<std::string> groups;
  std::error_code ec;
  for (const auto& text : settings.get_list("group")) {
    GroupArgument g = parse_group_argument(text);
    if (g.path && !fs::equivalent(*g.path, path, ec))
      throw util::Error("--group " + text + ": groups of another file than " + path.string() + " are not supported yet",
                        "pass that file with -r and the group as --group " + g.name);
    groups.push_back(g.name);
  }
  out.selection = out.project.select(settings.get_list("extra"), settings.flag("all-extras"), groups);
  out.requirements = out.project.requirements(out.selection);
  return out;
}

GroupArgument parse_group_argument(std::string_view text) {
  GroupArgument out;
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    out.name = std::string(text);
  } else {
    out.path = fs::path(std::string(text.substr(0, colon)));
    out.name = std::string(text.substr(colon + 1));
  }
  if (out.name.empty() || !spec::is_valid_name(out.name))
    throw util::Error(util::ErrorKind::Usage, "invalid --group value `" + std::string(text) + "`",
                      "give NAME or PATH:NAME (a dependency group)");
  return out;
}

}  // namespace ptinstall::config
