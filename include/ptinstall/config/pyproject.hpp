// A project's pyproject.toml as `ptinstall pip install -r pyproject.toml` reads it (see
// docs/configuration.md):
// - [project]: name, requires-python, dependencies, optional-dependencies (extras, PEP 685 names);
// - [dependency-groups] (PEP 735), with {include-group = "..."} entries resolved;
// - [[tool.uv.index]]: named index definitions (name, url, explicit, default, format, authenticate);
// - [tool.uv.sources]: per package one source or a list of them (index / url / path, each with an
//   optional marker, extra or group); git, workspace and editable sources are recorded and refused
//   with "not supported yet" when one of them would decide a package;
// - [tool.uv] conflicts: sets of extras/groups that must not be requested together.
// Errors name the file and the line, and for a wrong type the expected one.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/spec/specifier.hpp"

namespace ptinstall::config {

// `authenticate` of an index: auto (credentials when found), always, never (credentials are an error).
enum class Authenticate { Auto, Always, Never };
std::string_view to_string(Authenticate value);

// One index definition: a [[tool.uv.index]] table (or uv.toml [[index]]), or a --index value.
struct IndexDefinition {
  std::string name;              // "" for an unnamed --index URL
  std::string url;               // as written (may hold credentials: print only redacted)
  bool explicit_only = false;    // `explicit = true`: only for packages pinned to it by a source
  bool is_default = false;       // `default = true`: replaces PyPI
  bool flat = false;             // `format = "flat"`: a find-links page, not a Simple API index
  Authenticate authenticate = Authenticate::Auto;
  std::string origin;            // "path:line", "--index", or the environment variable
};

// Where one package comes from, per [tool.uv.sources].
struct PackageSource {
  enum class Kind { Index, Url, Path, Unsupported };
  Kind kind = Kind::Index;
  std::string package;               // normalised
  std::string index;                 // Kind::Index: the index name
  std::string url;                   // Kind::Url: a wheel or archive URL, or for a `git` source git+URL@rev#subdirectory=..
  std::filesystem::path path;        // Kind::Path: absolute (relative ones resolved against the project)
  bool editable = false;             // Kind::Path: `editable = true` (installed with -e)
  std::string unsupported;           // Kind::Unsupported: the key ("git", "workspace", ...)
  spec::Marker marker;               // empty: always
  std::optional<std::string> extra;  // normalised: only when this extra of the project is requested
  std::optional<std::string> group;  // normalised: only when this dependency group is requested
  std::string origin;                // "path:line"
};

// One member of a [tool.uv] conflicts set.
struct ConflictItem {
  enum class Kind { Extra, Group };
  Kind kind = Kind::Extra;
  std::string name;  // normalised
};

// What is asked of the project: validated, normalised, sorted, without duplicates. Extras that a
// self-reference (`project[extra]` inside the project's own lists) pulls in are included.
struct ProjectSelection {
  std::vector<std::string> extras;
  std::vector<std::string> groups;
};

class Pyproject {
 public:
  std::filesystem::path path;  // the file (messages, relative path sources)
  std::optional<std::string> name;
  std::optional<std::string> requires_python_text;
  std::optional<spec::SpecifierSet> requires_python;
  std::vector<spec::Requirement> dependencies;
  std::map<std::string, std::vector<spec::Requirement>> optional_dependencies;  // by normalised extra
  // PEP 735 groups by normalised name, include-group entries already replaced by what they include.
  std::map<std::string, std::vector<spec::Requirement>> dependency_groups;
  std::vector<IndexDefinition> indexes;                        // [[tool.uv.index]], in file order
  std::map<std::string, std::vector<PackageSource>> sources;   // by normalised package, in file order
  std::vector<std::vector<ConflictItem>> conflicts;
  // [tool.uv] environments: the markers a universal lock is limited to (a string or a list of them).
  std::vector<spec::Marker> environments;
  // [tool.uv] required-environments: markers a universal lock must resolve for (uv: wheels must exist).
  std::vector<spec::Marker> required_environments;
  // [tool.uv] default-groups: the groups an install selects when it names none (normalised); "all"
  // as the single entry when the key is the string "all".
  std::optional<std::vector<std::string>> default_groups;
  // `dynamic = ["dependencies"]` / `["optional-dependencies"]`: the lists above are not the project's;
  // its build backend's metadata is (the caller fills them, ops::read_inputs through the build seam).
  bool dynamic_dependencies = false;

  // Reads and validates a file. Throws util::Error naming the file and line.
  static Pyproject read(const std::filesystem::path& path);
  // The same from text, as if read from `path`.
  static Pyproject parse(std::string_view text, const std::filesystem::path& path);

  // Checks a request: unknown extras or groups are errors listing the available ones; extras/groups
  // declared as conflicting that are requested together are an error naming them.
  ProjectSelection select(const std::vector<std::string>& extras, bool all_extras,
                          const std::vector<std::string>& groups) const;

  // The requirements for a selection: [project] dependencies, then each selected extra's, then each
  // selected group's, without exact duplicates; self-references are expanded (their marker joined
  // to the included requirements'). Markers are left for the caller to evaluate (with the selected
  // extras as the `extra` values).
  std::vector<spec::Requirement> requirements(const ProjectSelection& selection) const;

  // The source deciding `package` for this install: the first of its sources whose marker holds in
  // `env` and whose extra/group (if any) is selected. nullopt: the normal indexes. Throws util::Error
  // ("... not supported yet") when the deciding source is a git/workspace/editable one.
  std::optional<PackageSource> source_for(std::string_view package, const spec::MarkerEnvironment& env,
                                          const std::vector<std::string>& active_extras,
                                          const std::vector<std::string>& active_groups = {}) const;
  std::optional<PackageSource> source_for(std::string_view package, const spec::MarkerEnvironment& env,
                                          const ProjectSelection& selection) const {
    return source_for(package, env, selection.extras, selection.groups);
  }

  // Sorted normalised names, for messages.
  std::vector<std::string> extra_names() const;
  std::vector<std::string> group_names() const;
};

class Settings;

// A `-r pyproject.toml` ready for an install: the file, the selection made by the `extra`,
// `all-extras` and `group` settings (validated: unknown or conflicting ones are errors), and the
// requirements of that selection.
struct ProjectRequest {
  Pyproject project;
  ProjectSelection selection;
  std::vector<spec::Requirement> requirements;
};
// `--group PATH:NAME` naming another file than `path` is refused ("not supported yet").
ProjectRequest load_project(const std::filesystem::path& path, const Settings& settings);
// The same for a project already read (and completed, for dynamic dependencies).
ProjectRequest select_project(Pyproject project, const Settings& settings);

// The index tables of a config file: [[tool.uv.index]] in a pyproject.toml, [[index]] in a uv.toml
// or ptinstall.toml. Same validation as Pyproject::read.
std::vector<IndexDefinition> read_index_definitions(const std::filesystem::path& path);

// A --group value: "NAME" or "PATH:NAME" (uv's form for a group of another pyproject.toml).
struct GroupArgument {
  std::optional<std::filesystem::path> path;
  std::string name;
};
GroupArgument parse_group_argument(std::string_view text);

}  // namespace ptinstall::config
