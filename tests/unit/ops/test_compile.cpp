#include <catch2/catch.hpp>

#include "ptinstall/ops/compile.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "support/marker_envs.hpp"

using namespace ptinstall;

TEST_CASE("emitted locations: the default index, the non-explicit others, find-links", "[ops][compile]") {
  config::IndexConfig cfg;
  cfg.options.indexes = {
      {"torch", "https://download.pytorch.org/whl/cpu", true, false},
      {"", "https://extra.example.org/simple", false, false},
      {"named", "https://extra.example.org/simple", false, false},
      {"internal", "https://internal.example.org/simple", false, false},
      {"pypi", "https://pypi.org/simple", false, true},
  };
  cfg.options.find_links = {"/srv/wheels", "https://example.org/links.html"};
  ops::EmittedLocations e = ops::emitted_locations(cfg);
  CHECK(e.index_url == "https://pypi.org/simple");
  CHECK(e.extra_index_urls ==
        std::vector<std::string>{"https://extra.example.org/simple", "https://internal.example.org/simple"});
  CHECK(e.find_links == cfg.options.find_links);
  cfg.options.no_index = true;
  e = ops::emitted_locations(cfg);
  CHECK(!e.index_url);
  CHECK(e.extra_index_urls.empty());
  CHECK(e.find_links.size() == 2);
}

TEST_CASE("marker expression: every variable a requirement compares, with the target's values", "[ops][compile]") {
  ops::ResolveInputs in;
  in.requirements = {spec::Requirement::parse("a ; python_version >= '3.8' and extra == 'x'"),
                     spec::Requirement::parse("b")};
  in.constraints = {spec::Requirement::parse("c<2 ; platform_machine == 'arm64'")};
  dist::Resolution res;
  dist::ResolvedDist a;
  a.dist.name = "a";
  a.metadata_raw = "Metadata-Version: 2.1\nName: a\nVersion: 1.0\n"
                   "Requires-Dist: pywin32 ; sys_platform == 'win32'\n"
                   "Requires-Dist: uvloop ; implementation_name == 'cpython' and os_name != 'nt'\n";
  res.packages.push_back(a);
  spec::MarkerEnvironment env = test::linux_cpython("3.12.4");
  CHECK(ops::marker_expression(in, res, env) ==
        "python_full_version == '3.12.4' and implementation_name == 'cpython' and os_name == 'posix' and "
        "platform_machine == 'x86_64' and sys_platform == 'linux'");
  ops::ResolveInputs plain;
  plain.requirements = {spec::Requirement::parse("b")};
  CHECK(ops::marker_expression(plain, dist::Resolution{}, env).empty());
}

TEST_CASE("pin markers: or over paths of the and along each, extras decided, cycles cut", "[ops][compile]") {
  ops::ResolveInputs in;
  in.requirements = {spec::Requirement::parse("a[x] ; python_version >= '3.8'"), spec::Requirement::parse("c")};
  auto dist_of = [](std::string name, std::string requires_dist) {
    dist::ResolvedDist d;
    d.dist.name = name;
    d.metadata_raw = "Metadata-Version: 2.1\nName: " + name + "\nVersion: 1.0\n" + requires_dist;
    return d;
  };
  dist::Resolution res;
  res.packages = {dist_of("a", "Requires-Dist: b ; sys_platform == 'win32'\nRequires-Dist: x1 ; extra == 'x'\n"),
                  dist_of("b", "Requires-Dist: a\nRequires-Dist: d ; os_name == 'nt'\n"),
                  dist_of("c", "Requires-Dist: d\n"),
                  dist_of("d", ""),
                  dist_of("x1", "")};
  res.graph = {{"a", {"b"}}, {"a[x]", {"a", "x1"}}, {"b", {"a", "d"}}, {"c", {"d"}}, {"d", {}}, {"x1", {}}};
  spec::MarkerEnvironment env;
  env.set("python_version", "3.12");
  env.set("python_full_version", "3.12.0");
  env.set("sys_platform", "win32");
  env.set("os_name", "nt");
  auto m = ops::pin_markers(in, res, env);
  CHECK(m == std::map<std::string, std::string>{
                 {"a", "python_version >= \"3.8\""},
                 {"b", "python_version >= \"3.8\" and sys_platform == \"win32\""},
                 {"x1", "python_version >= \"3.8\""},
             });  // c and d (through c) unconditional
}
