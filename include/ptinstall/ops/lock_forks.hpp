// One pylock.toml for several extras and dependency groups of a project (`pip compile pyproject.toml
// --all-extras --group dev -o pylock.toml`): each package gets a PEP 751 marker saying for which
// selections it is installed (`'cu128' in extras`, `'dev' in dependency_groups`). Extras or groups that
// [tool.uv] conflicts declares incompatible are resolved apart (one fork per choice, and one with none of
// them) and their packages merged, so a project whose `cpu` and `cu128` extras take torch from different
// indexes locks torch twice under disjoint markers. docs/locks.md describes the result.
#pragma once
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ptinstall/dist/build_context.hpp"
#include "ptinstall/install/compile_output.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/ops/compile.hpp"
#include "ptinstall/ops/inputs.hpp"
#include "ptinstall/ops/lock_file.hpp"
#include "ptinstall/ops/options.hpp"
#include "ptinstall/ops/services.hpp"
#include "ptinstall/ops/target.hpp"
#include "ptinstall/python/interpreter.hpp"

namespace ptinstall::ops {

struct SelectionLockRequest {
  const config::Settings* settings = nullptr;
  std::vector<std::string> config_files;
  std::vector<std::string> args;              // compile's positionals
  Positionals positionals = Positionals::Files;
  const Target* target = nullptr;
  std::string lock_path;
  std::vector<install::InstalledDist> preferred;  // versions of an existing lock
  // --universal: resolve over a grid of platforms (universal_platforms(), or --python-platform's one,
  // narrowed by [tool.uv] environments) and Python ranges (requires-python, split where markers in the
  // resolution compare Python versions), merged with markers (ops/universal_space.hpp).
  bool universal = false;
  // Collect hashes (a lock always; requirements.txt output with --generate-hashes).
  bool hashes = true;
  // Read the files' provenance for attestation-identities (a lock).
  bool attestations = false;
  std::function<void(std::size_t, std::size_t, std::uint64_t)> on_hash_progress;  // see ResolveRequest
  const python::InterpreterInfo* interpreter = nullptr;
  std::set<std::string> no_emit;  // pip compile --no-emit-package: left out of the lock (normalised)
};

// The --python-platform values --universal locks for.
const std::vector<std::string>& universal_platforms();

struct SelectionLock {
  LockText lock;
  std::size_t packages = 0;   // entries in the lock
  std::size_t forks = 0;      // resolutions made
  // The same as requirements.txt pins, each with its marker (`pip compile --universal`).
  std::vector<install::CompiledPin> pins;
  std::vector<std::string> routed_pages;    // see CompiledResolution
  EmittedLocations locations;               // the indexes and find-links of the (first) resolution
  std::vector<std::string> missing_hashes;
};

// nullopt when neither --universal nor a pyproject.toml with --extra/--all-extras/--group was given (a
// plain lock then). Throws what resolving throws.
std::optional<SelectionLock> lock_selections(Services& services, dist::BuildContext& build,
                                             const SelectionLockRequest& request);

}  // namespace ptinstall::ops
