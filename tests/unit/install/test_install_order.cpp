#include <catch2/catch.hpp>

#include "ptinstall/install/install_order.hpp"

using ptinstall::install::installation_order;
using Graph = std::map<std::string, std::vector<std::string>>;
using Names = std::vector<std::string>;

// Expected orders worked out by hand from pip's get_topological_weights (and checked against pip
// 23.0's function): the first name is installed first, the last one keeps a shared path.

TEST_CASE("install order: a chain installs its deepest dependency first", "[install][install_order]") {
  // Leaves pruned round after round: c weighs 3, b 2, a 1.
  CHECK(installation_order({{"a", {"b"}}, {"b", {"c"}}, {"c", {}}}, {"a"}, {"a", "b", "c"}) == Names{"c", "b", "a"});
  // Names that sort the other way round change nothing.
  CHECK(installation_order({{"z", {"y"}}, {"y", {"x"}}, {"x", {}}}, {"z"}, {"x", "y", "z"}) == Names{"x", "y", "z"});
}

TEST_CASE("install order: a diamond, ties broken by name descending", "[install][install_order]") {
  Graph g{{"a", {"b", "c"}}, {"b", {"d"}}, {"c", {"d"}}, {"d", {}}};
  // d 4; b and c 3 (the same round: c, the greater name, first); a 1.
  CHECK(installation_order(g, {"a"}, {"a", "b", "c", "d"}) == Names{"d", "c", "b", "a"});
}

TEST_CASE("install order: independent packages by name descending", "[install][install_order]") {
  // Every nvidia-* wheel ships nvidia/__init__.py: the smallest name is installed last and keeps it.
  CHECK(installation_order({{"nvidia-a", {}}, {"nvidia-b", {}}, {"nvidia-c", {}}}, {"nvidia-c", "nvidia-a", "nvidia-b"},
                           {"nvidia-b", "nvidia-a", "nvidia-c"}) == Names{"nvidia-c", "nvidia-b", "nvidia-a"});
}

TEST_CASE("install order: cycles are cut where they close", "[install][install_order]") {
  // c is a leaf (3); a and b depend on each other: longest simple paths from the root, b 2, a 1.
  CHECK(installation_order({{"a", {"b"}}, {"b", {"a", "c"}}, {"c", {}}}, {"a"}, {"a", "b", "c"}) == Names{"c", "b", "a"});
  // Two ways into one cycle: a and b both reach depth 3 (root x a b / root y b a), x and y 1.
  Graph g{{"x", {"a"}}, {"y", {"b"}}, {"a", {"b"}}, {"b", {"a"}}};
  CHECK(installation_order(g, {"x", "y"}, {"x", "y", "a", "b"}) == Names{"b", "a", "y", "x"});
  // A package that depends on itself is no leaf.
  CHECK(installation_order({{"a", {"a", "b"}}, {"b", {}}}, {"a"}, {"a", "b"}) == Names{"b", "a"});
}

TEST_CASE("install order: only the packages to install are ordered", "[install][install_order]") {
  // b is installed already: it still counts in the graph.
  CHECK(installation_order({{"a", {"b"}}, {"b", {}}}, {"a"}, {"a"}) == Names{"a"});
  Graph g{{"a", {"b"}}, {"b", {"c"}}, {"c", {}}, {"d", {}}};
  // c and d 4 (pruned first, four nodes besides the root), b 2; a (1) is not installed.
  CHECK(installation_order(g, {"a", "d"}, {"b", "d", "c"}) == Names{"d", "c", "b"});
  // A name the graph does not know weighs nothing: installed last.
  CHECK(installation_order({{"a", {}}}, {"a"}, {"zz", "a"}) == Names{"a", "zz"});
  CHECK(installation_order({}, {}, {}).empty());
}

TEST_CASE("install order: extras are nodes of their own", "[install][install_order]") {
  // root -> a[x] -> a -> b, a[x] -> c: b and c 4, a 2 (a[x] is a node, never installed).
  Graph g{{"a[x]", {"a", "c"}}, {"a", {"b"}}, {"b", {}}, {"c", {}}};
  CHECK(installation_order(g, {"a[x]", "a"}, {"a", "b", "c"}) == Names{"c", "b", "a"});
  // Children that are no nodes (system:cuda) are ignored.
  CHECK(installation_order({{"a", {"system:cuda"}}, {"b", {}}}, {"a", "b"}, {"a", "b"}) == Names{"b", "a"});
}

TEST_CASE("install order: a densely connected cycle is ordered quickly", "[install][install_order]") {
  // Every package depends on every other: without pip's bound of five walks per package the search
  // would try every simple path (14! of them).
  Graph g;
  Names all;
  for (char c = 'a'; c < 'a' + 14; ++c) all.push_back(std::string(1, c));
  for (const auto& x : all)
    for (const auto& y : all)
      if (x != y) g[x].push_back(y);
  auto order = installation_order(g, {"a"}, all);
  CHECK(order.size() == all.size());
  CHECK(order.back() == "a");  // the only package at depth 1
}
