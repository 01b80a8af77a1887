// PubGrub version solving (Weizenbaum's algorithm as in dart pub's solver.md and pubgrub-rs):
// unit propagation, decisions, conflict resolution that learns incompatibilities, backjumping,
// and a derivation-tree explanation when there is no solution.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/resolve/provider.hpp"
#include "ptinstall/util/error.hpp"

namespace ptinstall::resolve {

struct ResolvedPackage {
  std::string name;  // as the provider named it (virtual packages included)
  spec::Version version;
  std::vector<std::string> dependencies;  // packages the chosen version depends on, in its order
};

struct Resolution {
  // Sorted by name; the root package is left out, virtual packages (`a[x]`, `system:cuda`) are kept.
  std::vector<ResolvedPackage> packages;
  // The packages the root depends on (the user's requirements), in its order.
  std::vector<std::string> root_dependencies;
  const ResolvedPackage* find(std::string_view name) const;
};

struct SolverStats {
  size_t decisions = 0;
  size_t conflicts = 0;   // conflict resolutions started
  size_t versions_calls = 0;
  size_t dependencies_calls = 0;
};

// Thrown when the requirements cannot be satisfied (kind Resolution). what(): "no solution found when
// resolving dependencies:" followed by the indented explanation; hint(): hints from the provider, one a line.
class NoSolutionError : public util::Error {
 public:
  NoSolutionError(std::string explanation, std::string hint);
  // The explanation alone, one sentence a line ("Because ... , we can conclude that ...").
  const std::string& explanation() const noexcept { return explanation_; }

 private:
  std::string explanation_;
};

class Solver {
 public:
  explicit Solver(Provider& provider);
  ~Solver();
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;

  // Resolves the dependencies of `root` (the provider answers dependencies(root, root_version); its
  // versions() is never asked). Throws NoSolutionError, or whatever the provider throws.
  Resolution solve(const std::string& root, const spec::Version& root_version = spec::Version());

  const SolverStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptinstall::resolve
