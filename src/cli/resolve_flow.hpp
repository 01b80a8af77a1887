// The part of `pip install`, `pip compile` and `pip sync` that ends with a resolution: settings ->
// requirements (with where each came from) -> target (interpreter, --python-version,
// --python-platform) -> index set with --torch-backend routing -> PubGrub resolution -> the file
// chosen for each resolved package.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "ptinstall/config/index_config.hpp"
#include "ptinstall/config/pyproject.hpp"
#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/index/index_set.hpp"
#include "ptinstall/index/metadata_fetch.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/python/interpreter.hpp"
#include "ptinstall/resolve/index_provider.hpp"
#include "ptinstall/resolve/solver.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/torch/index_list.hpp"

namespace ptinstall::cli {

// What the positional arguments are: requirements (`pip install NAME`) or requirement files
// (`pip compile requirements.in`, `pip sync requirements.txt`, SRC_FILE).
enum class Positionals { Requirements, Files };

struct ResolveInputs {
  std::vector<spec::Requirement> requirements, constraints, overrides;
  // Where each entry came from, parallel to the lists above, in pip-tools' annotation form:
  // "-r requirements.in", "-c constraints.txt", "--override overrides.txt", "demo (pyproject.toml)";
  // "" for the command line.
  std::vector<std::string> requirement_origins, constraint_origins, override_origins;
  std::map<std::string, std::vector<std::string>> hashes;  // normalised name -> "sha256:hex"
  config::RequirementsFile file;                          // options of the -r files
  std::optional<config::ProjectRequest> project;          // a pyproject.toml source (the first one)
};

// Reads the positional arguments, -r, -c and --overrides. A `.toml` file is read as a pyproject.toml
// (--extra, --all-extras, --group select from it); its requirements' markers are evaluated against
// `markers` with the selected extras, the others are dropped.
ResolveInputs read_resolve_inputs(const Invocation& inv, Positionals positionals, const spec::MarkerEnvironment& markers);

// The target: the interpreter's markers and tags, changed by --python-version / --python-platform.
struct Target {
  spec::MarkerEnvironment markers;
  spec::TagEnvironment tags;
  spec::Version python;  // full version
  torch::TargetOs os = torch::TargetOs::Linux;
  std::string machine;
};
Target make_target(const config::Settings& settings, const python::InterpreterInfo& interpreter);

// --torch-backend: the PyTorch indexes of the routed packages and the CUDA consistency rule.
struct TorchRouting {
  bool active = false;
  std::vector<std::string> urls;
  std::map<std::string, std::string, std::less<>> cuda_of_index;
  bool cuda_consistency = false;
};
TorchRouting torch_routing(const config::Settings& settings, const Target& target);

// The indexes, pins and sources in effect: settings, -r file options, the project's
// [tool.uv.sources] / [[tool.uv.index]] and those of the config files. Asks no index.
config::IndexConfig index_config_for(const Invocation& inv, const ResolveInputs& in, const Target& target);

// Everything a resolution needs to stay alive (the provider answers chosen() afterwards).
struct ResolveSession {
  TorchRouting routing;
  std::unique_ptr<net::HttpClient> client;
  std::unique_ptr<net::HttpCache> http_cache;
  std::unique_ptr<index::IndexSet> indexes;
  std::unique_ptr<index::MetadataFetcher> metadata;
  std::unique_ptr<resolve::IndexProvider> provider;
  resolve::Resolution resolution;
  std::vector<std::string> real;                   // resolved packages that are not virtual, sorted
  std::map<std::string, resolve::ChosenFile> chosen;  // by normalised name
};

struct ResolveOptions {
  bool no_deps = false;
  // Installed distributions whose versions are preferred (unless --upgrade / --upgrade-package).
  std::vector<install::InstalledDist> installed;
};

// Builds the index set (with torch routing) and resolves `in` for `target`. Logs "Resolved N
// packages in T" (T from `start`). Throws resolve::NoSolutionError or util::Error.
ResolveSession resolve_requirements(const Invocation& inv, const ResolveInputs& in, const Target& target,
                                    const install::Cache& cache, const ResolveOptions& options,
                                    std::chrono::steady_clock::time_point start);

}  // namespace ptinstall::cli
