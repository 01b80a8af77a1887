// The requirements of a command, with where each came from: positional arguments (requirements for
// `pip install`, requirements files for `pip compile` / `pip sync`), -r, -c and --overrides files,
// and pyproject.toml projects. Wheel files given by path or URL become `name @ file://...`
// requirements, so they flow through the same resolution as names.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ptinstall/config/pyproject.hpp"
#include "ptinstall/dist/build_context.hpp"
#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/ops/options.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/requirement.hpp"

namespace ptinstall::ops {

class Services;

// What the positional arguments are.
enum class Positionals { Requirements, Files };

struct ResolveInputs {
  std::vector<spec::Requirement> requirements, constraints, overrides;
  // Where each entry came from, parallel to the lists above, in pip-tools' annotation form:
  // "-r requirements.in", "-c constraints.txt", "--override overrides.txt", "demo (pyproject.toml)";
  // "" for the command line.
  std::vector<std::string> requirement_origins, constraint_origins, override_origins;
  // --excludes (uv): normalised names left out of the resolution wherever they are required, with the
  // dependencies only they bring (specifiers and markers of the file are ignored, as uv does).
  std::set<std::string, std::less<>> excludes;
  std::map<std::string, std::vector<std::string>> hashes;  // normalised name -> "sha256:hex"
  config::RequirementsFile file;                          // options of the -r files
  std::optional<config::ProjectRequest> project;          // a pyproject.toml source (the first one)
  std::set<std::string> editable_urls;                    // file:// URLs of the requirements given with -e
  // A PEP 751 lock given as a requirements file (pylock.toml): installed as it is, without resolving
  // (ops/lock_install.hpp); nothing else may be given with it.
  std::optional<std::string> pylock;
  std::optional<std::string> pylock_text;  // its text, when it was fetched from a URL
};

// Reads the positional arguments, -r, -c and --overrides. A `.toml` file is a pyproject.toml (--extra,
// --all-extras, --group select from it) or a pylock.toml (its path is kept in `pylock`), anything else
// an error (config::classify_toml_input); its requirements' markers are evaluated against
// `markers` with the selected extras, the others are dropped.
// Paths and URLs of source distributions (project directories, sdists) get their project name from
// `build` (static metadata, else the backend); without a build context they are refused.
// Requirement and constraint files named by http(s) URLs are fetched through `services` (its HTTP
// client and cache: credentials, proxies, --offline); without services they are refused.
ResolveInputs read_inputs(const PipOptions& options, const std::vector<std::string>& args, Positionals positionals,
                          const spec::MarkerEnvironment& markers, dist::BuildContext* build = nullptr,
                          Services* services = nullptr);

// `name[extras] @ file:///...` for a path or URL given instead of a requirement.
spec::Requirement location_requirement(const config::RequirementLine& line, dist::BuildContext* build);

}  // namespace ptinstall::ops
