#include <catch2/catch.hpp>

#include "ptinstall/ops/compile.hpp"
#include "ptinstall/spec/requirement.hpp"

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
  spec::MarkerEnvironment env;
  env.set("python_full_version", "3.12.4");
  env.set("python_version", "3.12");
  env.set("sys_platform", "linux");
  env.set("platform_machine", "x86_64");
  env.set("implementation_name", "cpython");
  env.set("os_name", "posix");
  CHECK(ops::marker_expression(in, res, env) ==
        "python_full_version == '3.12.4' and implementation_name == 'cpython' and os_name == 'posix' and "
        "platform_machine == 'x86_64' and sys_platform == 'linux'");
  ops::ResolveInputs plain;
  plain.requirements = {spec::Requirement::parse("b")};
  CHECK(ops::marker_expression(plain, dist::Resolution{}, env).empty());
}
