#include <catch2/catch.hpp>

#include <map>

#include "memory_provider.hpp"
#include "ptinstall/resolve/dependencies.hpp"
#include "ptinstall/resolve/preferences.hpp"
#include "ptinstall/resolve/solver.hpp"

using namespace ptinstall::resolve;
using ptinstall::resolve::test::format;
using ptinstall::spec::MarkerEnvironment;
using ptinstall::spec::Requirement;
using ptinstall::spec::Version;

namespace {

std::vector<Requirement> reqs(std::initializer_list<const char*> lines) {
  std::vector<Requirement> out;
  for (const char* l : lines) out.push_back(Requirement::parse(l));
  return out;
}

MarkerEnvironment env(const char* python = "3.11", const char* platform = "linux") {
  MarkerEnvironment e;
  e.set("python_version", python);
  e.set("python_full_version", std::string(python) + ".4");
  e.set("sys_platform", platform);
  e.set("os_name", "posix");
  e.set("platform_system", "Linux");
  return e;
}

std::string text(const DependencyList& deps) {
  std::string out;
  for (const auto& [name, range] : deps) out += (out.empty() ? "" : "; ") + name + " " + range.to_string();
  return out;
}

// A provider the way the real one is meant to be built: Requires-Dist strings per version, the
// preference helpers for the candidate order, the extras helper for the dependencies.
class MetadataProvider : public Provider {
 public:
  CandidatePreferences prefs;
  MarkerEnvironment marker_env = env();
  std::vector<Requirement> root_requirements;
  std::map<std::string, std::map<std::string, std::vector<std::string>>> dists;  // name -> version -> requires-dist
  std::map<std::string, std::string> requires_python;                             // "name==version" -> spec

  std::vector<Version> all(const std::string& base) const {
    std::vector<Version> out;
    auto it = dists.find(base);
    if (it != dists.end())
      for (const auto& [v, r] : it->second) out.push_back(Version::from_string(v));
    return out;
  }
  std::vector<Version> versions(const std::string& package) override {
    return prefs.order(package, all(std::string(split_package(package).base)));
  }
  Dependencies dependencies(const std::string& package, const Version& version) override {
    if (package == "root") return Dependencies::of(requirements_to_dependencies(root_requirements, marker_env));
    std::string base(split_package(package).base);
    auto rp = requires_python.find(base + "==" + version.to_string());
    Version python = Version::from_string(marker_env.get("python_full_version"));
    if (rp != requires_python.end()) {
      auto spec = ptinstall::spec::SpecifierSet::parse(rp->second);
      if (!spec.contains(python, true)) return requires_python_unavailable(spec, python);
    }
    std::vector<Requirement> rd;
    for (const auto& line : dists.at(base).at(version.to_string())) rd.push_back(Requirement::parse(line));
    return Dependencies::of(package_dependencies(package, version, rd, marker_env));
  }
  std::string no_versions_hint(const std::string& package, const Range& range) override {
    return prefs.no_versions_hint(package, range, all(std::string(split_package(package).base)));
  }
};

}  // namespace

TEST_CASE("dependencies: markers and extras of the root") {
  auto r = reqs({"requests>=2.31", "tomli; python_version < '3.11'", "colorama; sys_platform == 'win32'",
                 "pytest[testing]>=8; extra == 'test'", "Flask[Async,dotenv]<4", "requests<3",
                 "local @ file:///tmp/local.whl"});
  CHECK(text(requirements_to_dependencies(r, env())) ==
        "requests >=2.31, <3; flask <4; flask[async] <4; flask[dotenv] <4; local *");
  CHECK(text(requirements_to_dependencies(r, env("3.10"))) ==
        "requests >=2.31, <3; tomli *; flask <4; flask[async] <4; flask[dotenv] <4; local *");
  CHECK(text(requirements_to_dependencies(r, env(), {"test"})) ==
        "requests >=2.31, <3; pytest >=8; pytest[testing] >=8; flask <4; flask[async] <4; flask[dotenv] <4; local *");
}

TEST_CASE("dependencies: a package and its extras") {
  auto rd = reqs({"werkzeug>=3.0", "asgiref>=3.2; extra == 'async'", "python-dotenv; extra == 'dotenv'",
                  "flask[async]; extra == 'all'", "uvloop; extra == 'async' and sys_platform != 'win32'",
                  "typing-extensions; python_version < '3.8' or extra == 'async'"});
  Version v = Version::from_string("3.0.3");
  CHECK(text(package_dependencies("flask", v, rd, env())) == "werkzeug >=3.0");
  CHECK(text(package_dependencies("flask[async]", v, rd, env())) ==
        "flask ==3.0.3; asgiref >=3.2; uvloop *; typing-extensions *");
  CHECK(text(package_dependencies("flask[async]", v, rd, env("3.11", "win32"))) ==
        "flask ==3.0.3; asgiref >=3.2; typing-extensions *");
  // typing-extensions is a base dependency on 3.7, so the extra does not repeat it.
  CHECK(text(package_dependencies("flask[async]", v, rd, env("3.7"))) == "flask ==3.0.3; asgiref >=3.2; uvloop *");
  CHECK(text(package_dependencies("flask[dotenv]", v, rd, env())) == "flask ==3.0.3; python-dotenv *");
  CHECK(text(package_dependencies("flask[all]", v, rd, env())) == "flask ==3.0.3; flask[async] *");
  CHECK(text(package_dependencies("flask[nothing]", v, rd, env())) == "flask ==3.0.3");
  // The extra's base is pinned exactly, local label included.
  Version local = Version::from_string("2.3.0+cu121");
  auto deps = package_dependencies("torch[opt]", local, {}, env());
  REQUIRE(deps.size() == 1);
  CHECK(deps[0].second.contains(local));
  CHECK(!deps[0].second.contains(Version::from_string("2.3.0+cu118")));
}

TEST_CASE("dependencies: resolving with extras, markers and preferences") {
  MetadataProvider p;
  p.root_requirements = reqs({"flask[async]>=2.0"});
  p.dists["flask"]["2.0.0"] = {"werkzeug>=2.0", "asgiref>=3.2; extra == 'async'"};
  p.dists["flask"]["3.0.0"] = {"werkzeug>=3.0", "asgiref>=3.9.0b1; extra == 'async'"};
  p.dists["werkzeug"]["2.3.7"] = {};
  p.dists["werkzeug"]["3.0.1"] = {"markupsafe>=2.1.1"};
  p.dists["markupsafe"]["2.1.5"] = {};
  p.dists["asgiref"]["3.7.2"] = {"typing-extensions>=4; python_version < '3.11'"};
  p.dists["asgiref"]["3.9.0b1"] = {};
  p.dists["typing-extensions"]["4.9.0"] = {};
  // asgiref 3.9 exists only as a pre-release: flask 3.0.0[async] is out, 2.0.0 is chosen.
  Solver s(p);
  CHECK(format(s.solve("root")) == "asgiref==3.7.2 flask==2.0.0 flask[async]==2.0.0 markupsafe==2.1.5 werkzeug==3.0.1");
  p.marker_env = env("3.10");
  CHECK(format(Solver(p).solve("root")) ==
        "asgiref==3.7.2 flask==2.0.0 flask[async]==2.0.0 markupsafe==2.1.5 typing-extensions==4.9.0 werkzeug==3.0.1");
  p.prefs.prerelease = PrereleaseMode::Allow;
  p.marker_env = env();
  CHECK(format(Solver(p).solve("root")) ==
        "asgiref==3.9.0b1 flask==3.0.0 flask[async]==3.0.0 markupsafe==2.1.5 werkzeug==3.0.1");
  p.prefs.prerelease = PrereleaseMode::IfNecessaryOrExplicit;
  p.prefs.resolution = ResolutionMode::Lowest;
  CHECK(format(Solver(p).solve("root")) == "asgiref==3.7.2 flask==2.0.0 flask[async]==2.0.0 werkzeug==2.3.7");
}

TEST_CASE("dependencies: errors explain pre-releases and Requires-Python") {
  MetadataProvider p;
  p.root_requirements = reqs({"flask[async]>=3.0"});
  p.dists["flask"]["3.0.0"] = {"asgiref>=3.9.0b1; extra == 'async'"};
  p.dists["asgiref"]["3.7.2"] = {};
  p.dists["asgiref"]["3.9.0b1"] = {};
  Solver s(p);
  try {
    s.solve("root");
    FAIL("expected no solution");
  } catch (const NoSolutionError& e) {
    CHECK(e.explanation() ==
          "Because flask[async]==3.0.0 depends on asgiref>=3.9.0b1 and there is no version of asgiref>=3.9.0b1, "
          "we can conclude that flask[async]==3.0.0 cannot be used.\n"
          "And because you require flask[async]>=3.0, your requirements are unsatisfiable.");
    CHECK(e.hint() ==
          "pre-releases are available for asgiref in the requested range (e.g. 3.9.0b1), but pre-releases weren't "
          "enabled (try `--prerelease allow` or `--pre`)");
  }

  MetadataProvider q;
  q.root_requirements = reqs({"numpy>=2"});
  q.dists["numpy"]["1.26.4"] = {};
  q.dists["numpy"]["2.0.0"] = {};
  q.dists["numpy"]["2.1.0"] = {};
  q.requires_python["numpy==2.0.0"] = ">=3.12";
  q.requires_python["numpy==2.1.0"] = ">=3.12";
  try {
    Solver(q).solve("root");
    FAIL("expected no solution");
  } catch (const NoSolutionError& e) {
    CHECK(e.explanation() ==
          "Because numpy>=2.0.0 requires Python >=3.12 and you require numpy>=2, your requirements are unsatisfiable.");
    CHECK(e.hint() ==
          "the target Python is 3.11.4: choose another interpreter with `--python`, or resolve for another version "
          "with `--python-version`");
  }
}

TEST_CASE("dependencies: two hundred thousand extras resolve in time linear in their number") {
  // `foo[e0,...,e199999]` makes 200,000 virtual packages (issue 18's pathological input). The
  // solver used to scan every package per decision and the dependency list per edge: 20 s at
  // 30,000 extras and some 15 minutes at this size, past ctest's timeout; now a few seconds.
  // (More than a requirement's 64 KiB of text can name: the extras are set directly.)
  Requirement foo = Requirement::parse("foo");
  for (int i = 0; i < 200000; ++i) foo.extras.push_back("e" + std::to_string(i));
  MetadataProvider p;
  p.root_requirements = {foo};
  p.dists["foo"]["1.0"] = {"bar; extra == 'e199999'"};
  p.dists["bar"]["2.0"] = {};
  Resolution r = Solver(p).solve("root");
  CHECK(r.packages.size() == 200002);
  CHECK(r.find("bar"));
  CHECK(r.find("foo[e12345]"));
}
