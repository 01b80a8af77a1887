// Private to ops: the builds a thread is in the middle of, outermost first, to tell a build
// dependency cycle from a wait (a build whose environment needs a wheel that the same chain is
// already making would wait for itself) and to name the whole cycle in the error.
// Nested builds that run on a worker thread (a build environment with several sources to build)
// take their parent's chain with them (InheritBuildChain).
#pragma once
#include <string>
#include <vector>

namespace ptinstall::ops::detail {

struct BuildLink {
  std::string key;                        // the build environment (or built wheel) being made
  std::string what;                       // the source it is made for: "cyc-a==1.0"
  std::vector<std::string> requirements;  // what that source's build needs
};

// This thread's chain.
std::vector<BuildLink>& build_chain();

// Pushes a link for the life of the scope.
class BuildChainScope {
 public:
  explicit BuildChainScope(BuildLink link) { build_chain().push_back(std::move(link)); }
  ~BuildChainScope() { build_chain().pop_back(); }
  BuildChainScope(const BuildChainScope&) = delete;
  BuildChainScope& operator=(const BuildChainScope&) = delete;
};

// Makes `chain` this thread's chain for the life of the scope (a worker running a nested build).
class InheritBuildChain {
 public:
  explicit InheritBuildChain(std::vector<BuildLink> chain) : saved_(std::move(build_chain())) {
    build_chain() = std::move(chain);
  }
  ~InheritBuildChain() { build_chain() = std::move(saved_); }
  InheritBuildChain(const InheritBuildChain&) = delete;
  InheritBuildChain& operator=(const InheritBuildChain&) = delete;

 private:
  std::vector<BuildLink> saved_;
};

// The cycle's words when `key` is already in this thread's chain ("top needs cyc-a; cyc-a==1.0
// needs cyc-b; cyc-b==1.0 needs cyc-a"), else "".
std::string describe_cycle(const std::string& key, const std::string& what, const std::vector<std::string>& requirements);

}  // namespace ptinstall::ops::detail
