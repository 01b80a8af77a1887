#include <catch2/catch.hpp>

#include "ptinstall/install/satisfied.hpp"
#include "ptinstall/util/fs.hpp"
#include "support/marker_envs.hpp"

using namespace ptinstall;

namespace {

// A site-packages directory with .dist-info directories written from name, version and Requires-Dist.
struct Site {
  util::TempDir tmp;
  std::vector<install::InstalledDist> dists;

  Site& add(const std::string& name, const std::string& version, const std::vector<std::string>& requires_dist = {},
            const std::vector<std::string>& extras = {}) {
    auto dir = tmp.path() / (name + "-" + version + ".dist-info");
    std::string md = "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n";
    for (const auto& e : extras) md += "Provides-Extra: " + e + "\n";
    for (const auto& r : requires_dist) md += "Requires-Dist: " + r + "\n";
    util::write_file_atomic(dir / "METADATA", md);
    install::InstalledDist d;
    d.name = name;
    d.normalized = name;
    d.version = version;
    d.site_dir = tmp.path();
    d.metadata_dir = dir;
    dists.push_back(d);
    return *this;
  }
};

spec::MarkerEnvironment env() { return test::linux_cpython("3.11.2"); }

std::vector<spec::Requirement> reqs(const std::vector<std::string>& texts) {
  std::vector<spec::Requirement> out;
  for (const auto& t : texts) out.push_back(spec::Requirement::parse(t));
  return out;
}

install::SatisfactionCheck check(const Site& site, const std::vector<std::string>& requirements,
                                 const std::vector<std::string>& constraints = {}, bool no_deps = false) {
  return install::check_satisfied(reqs(requirements), reqs(constraints), site.dists, env(), no_deps);
}

std::vector<std::string> names(const install::SatisfactionCheck& c) {
  std::vector<std::string> out;
  for (const auto* d : c.closure) out.push_back(d->normalized);
  return out;
}

}  // namespace

TEST_CASE("satisfied: requirements and their dependencies, recursively", "[satisfied]") {
  Site site;
  site.add("flask", "3.0.0", {"werkzeug>=3.0", "click>=8.1.3", "colorama; platform_system == 'Windows'"})
      .add("werkzeug", "3.1.3", {"markupsafe>=2.1.1"})
      .add("markupsafe", "3.0.2")
      .add("click", "8.1.7")
      .add("unrelated", "1.0");
  auto c = check(site, {"flask>=2"});
  CHECK(c.satisfied);
  CHECK(names(c) == std::vector<std::string>{"click", "flask", "markupsafe", "werkzeug"});

  SECTION("a dependency's version does not match") {
    Site s2;
    s2.add("flask", "3.0.0", {"werkzeug>=3.0"}).add("werkzeug", "2.3.0");
    auto r = check(s2, {"flask"});
    CHECK_FALSE(r.satisfied);
    CHECK(r.closure.empty());
    CHECK(r.reason == "werkzeug 2.3.0 does not match werkzeug>=3.0");
  }
  SECTION("a dependency is missing") {
    Site s2;
    s2.add("flask", "3.0.0", {"werkzeug>=3.0"});
    auto r = check(s2, {"flask"});
    CHECK_FALSE(r.satisfied);
    CHECK(r.reason == "werkzeug is not installed");
    CHECK(check(s2, {"flask"}, {}, true).satisfied);  // --no-deps: only flask itself
  }
  SECTION("the root's version does not match") {
    auto r = check(site, {"flask<3"});
    CHECK_FALSE(r.satisfied);
    CHECK(r.reason == "flask 3.0.0 does not match flask<3");
  }
}

TEST_CASE("satisfied: markers, extras, constraints, cycles", "[satisfied]") {
  Site site;
  site.add("uvicorn", "0.32.1", {"h11>=0.8", "uvloop>=0.14; extra == 'standard' and sys_platform != 'win32'",
                                 "watchfiles>=0.13; extra == \"standard\""},
           {"standard"})
      .add("h11", "0.14.0")
      .add("uvloop", "0.21.0")
      .add("a", "1.0", {"b"})
      .add("b", "1.0", {"a"})
      .add("pre", "2.0b1");

  // Without the extra, watchfiles is not needed; with it, it is (and missing).
  CHECK(check(site, {"uvicorn"}).satisfied);
  auto r = check(site, {"uvicorn[standard]"});
  CHECK_FALSE(r.satisfied);
  CHECK(r.reason == "watchfiles is not installed");
  site.add("watchfiles", "0.24.0");
  auto ok = check(site, {"uvicorn[standard]"});
  CHECK(ok.satisfied);
  CHECK(names(ok) == std::vector<std::string>{"h11", "uvicorn", "uvloop", "watchfiles"});

  // A requirement whose marker does not apply is not looked at.
  CHECK(check(site, {"missing; sys_platform == 'win32'", "h11"}).satisfied);
  // Cycles end.
  CHECK(names(check(site, {"a"})) == std::vector<std::string>{"a", "b"});
  // Constraints apply to whatever the requirements reach, when their marker applies.
  CHECK(check(site, {"uvicorn"}, {"h11<1", "nothing-installed>1"}).satisfied);
  auto rc = check(site, {"uvicorn"}, {"h11>=1"});
  CHECK_FALSE(rc.satisfied);
  CHECK(rc.reason == "h11 0.14.0 does not match the constraint h11>=1");
  CHECK(check(site, {"uvicorn"}, {"h11>=1; sys_platform == 'win32'"}).satisfied);
  // An installed pre-release counts when the specifier allows its version.
  CHECK(check(site, {"pre>=1"}).satisfied);
}

TEST_CASE("satisfied: what the environment alone cannot answer", "[satisfied]") {
  Site site;
  site.add("pkg", "1.0").add("bad", "not-a-version").add("dup", "1.0").add("dup", "2.0");
  CHECK(check(site, {"pkg @ https://example.org/pkg-1.0-py3-none-any.whl"}).reason == "pkg is requested by URL");
  CHECK(check(site, {"pkg"}, {"pkg @ https://example.org/pkg.whl"}).reason == "pkg is constrained to a URL");
  CHECK(check(site, {"bad"}).reason == "bad has the invalid version not-a-version");
  CHECK(check(site, {"dup"}).reason == "dup is installed more than once");
  // Metadata that cannot be read or parsed.
  Site broken;
  broken.add("x", "1.0", {"not a valid requirement ((("});
  auto r = check(broken, {"x"});
  CHECK_FALSE(r.satisfied);
  CHECK(r.reason.rfind("cannot read the requirement `not a valid requirement (((` of x", 0) == 0);
  CHECK(check(broken, {"x"}, {}, true).satisfied);
}
