#include <catch2/catch.hpp>

#include <thread>

#include "ops/build_chain.hpp"

using namespace ptinstall::ops::detail;

TEST_CASE("build chain: no cycle while the key is not in the chain", "[ops][build]") {
  BuildChainScope top({"k-top", "top", {"cyc-a"}});
  CHECK(describe_cycle("k-other", "cyc-a==1.0", {"cyc-b"}).empty());
}

TEST_CASE("build chain: a cycle names every source from where it closes, each once", "[ops][build]") {
  BuildChainScope outer({"k-outer", "outer", {"x"}});
  BuildChainScope top_resolving({"requires:cyc-a", "top", {"cyc-a"}});
  BuildChainScope top_making({"k1", "top", {"cyc-a"}});
  BuildChainScope a({"requires:cyc-b", "cyc-a==1.0", {"cyc-b"}});
  CHECK(describe_cycle("k1", "cyc-b==1.0", {"cyc-a"}) ==
        "top needs cyc-a; cyc-a==1.0 needs cyc-b; cyc-b==1.0 needs cyc-a");
  // the current source's own link is not said twice
  BuildChainScope b({"requires:cyc-a2", "cyc-b==1.0", {"cyc-a", "y"}});
  CHECK(describe_cycle("requires:cyc-b", "cyc-b==1.0", {"cyc-a", "y"}) ==
        "cyc-a==1.0 needs cyc-b; cyc-b==1.0 needs cyc-a, y");
}

TEST_CASE("build chain: scopes pop, and a worker thread inherits its parent's chain", "[ops][build]") {
  {
    BuildChainScope s({"k", "p", {"r"}});
    CHECK(build_chain().size() == 1);
  }
  CHECK(build_chain().empty());
  BuildChainScope s({"k", "p", {"r"}});
  const auto chain = build_chain();
  std::string seen_fresh, seen_inherited;
  std::thread worker([&] {
    seen_fresh = describe_cycle("k", "q", {"p"});
    InheritBuildChain inherit(chain);
    seen_inherited = describe_cycle("k", "q", {"p"});
  });
  worker.join();
  CHECK(seen_fresh.empty());
  CHECK(seen_inherited == "p needs r; q needs p");
}
