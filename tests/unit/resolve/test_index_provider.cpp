// IndexProvider over real index sets: find-links directories of generated wheels, and PEP 503
// pages served on 127.0.0.1 (tests/support/index_test_server.py).
#include <catch2/catch.hpp>

#include "unit/index/index_fixture.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/index/index_set.hpp"
#include "ptinstall/index/metadata_fetch.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/resolve/index_provider.hpp"
#include "ptinstall/resolve/solver.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/util/fs.hpp"
#include "support/marker_envs.hpp"
#include "unit/install/wheel_builder.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;

namespace {

struct W {
  std::string name, version;
  std::vector<std::string> requires_dist{};
  std::string requires_python{};
  std::string tag = "py3-none-any";
  std::vector<std::string> extras{};
};

std::string wheel_name(const W& w) {
  std::string n = w.name;
  for (char& c : n)
    if (c == '-') c = '_';
  return n + "-" + w.version + "-" + w.tag + ".whl";
}

fs::path make_wheel(const fs::path& dir, const W& w) {
  std::string n = w.name;
  for (char& c : n)
    if (c == '-') c = '_';
  std::string di = n + "-" + w.version + ".dist-info";
  std::string md = "Metadata-Version: 2.1\nName: " + w.name + "\nVersion: " + w.version + "\n";
  if (!w.requires_python.empty()) md += "Requires-Python: " + w.requires_python + "\n";
  for (const auto& e : w.extras) md += "Provides-Extra: " + e + "\n";
  for (const auto& r : w.requires_dist) md += "Requires-Dist: " + r + "\n";
  md += "\n";
  std::vector<test::ZipItem> items;
  items.push_back({n + "/__init__.py", "x = 1\n"});
  items.push_back({di + "/METADATA", md});
  items.push_back({di + "/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: " + w.tag + "\n"});
  items.push_back({di + "/RECORD", ""});
  fs::create_directories(dir);
  fs::path p = dir / wheel_name(w);
  test::write_zip(p, items);
  return p;
}

spec::MarkerEnvironment linux_env() { return test::linux_cpython("3.12.3"); }

spec::SupportedTags cp312_linux() {
  spec::TagEnvironment t;
  t.py_major = 3;
  t.py_minor = 12;
  t.os = "linux";
  t.arch = "x86_64";
  t.glibc = std::make_pair(2, 35);
  return spec::SupportedTags::for_environment(t);
}

std::vector<spec::Requirement> reqs(std::initializer_list<const char*> texts) {
  std::vector<spec::Requirement> out;
  for (const char* t : texts) out.push_back(spec::Requirement::parse(t));
  return out;
}

struct Setup {
  util::TempDir tmp;
  net::HttpClient client{test::fast_client_options()};
  index::IndexSetOptions iopts;
  std::unique_ptr<index::IndexSet> set;
  std::unique_ptr<index::MetadataFetcher> fetcher;
  resolve::IndexProviderOptions popts;

  Setup() {
    popts.markers = linux_env();
    popts.python_version = spec::Version::from_string("3.12.3");
  }
  fs::path links() const { return tmp.path() / "links"; }
  void find_links_only() {
    iopts.no_index = true;
    iopts.find_links = {links().string()};
  }
  resolve::Resolution solve(std::unique_ptr<resolve::IndexProvider>* keep = nullptr) {
    index::TargetFilter filter;
    filter.tags = cp312_linux();
    filter.python_version = popts.python_version;
    filter.allow_sdists = false;
    set = std::make_unique<index::IndexSet>(iopts, client, nullptr, filter);
    index::MetadataOptions mo;
    mo.download_dir = tmp.path() / "dl";
    fetcher = std::make_unique<index::MetadataFetcher>(client, nullptr, mo);
    auto provider = std::make_unique<resolve::IndexProvider>(*set, *fetcher, popts);
    resolve::Solver solver(*provider);
    auto r = solver.solve(std::string(resolve::kRootPackage));
    if (keep) *keep = std::move(provider);
    return r;
  }
};

std::string version_of(const resolve::Resolution& r, const std::string& name) {
  const auto* p = r.find(name);
  return p ? p->version.to_string() : "<none>";
}

void basic_tree(const fs::path& dir) {
  make_wheel(dir, {"app", "1.0", {"lib>=1.0", "fastdep; extra == 'fast'", "winonly; sys_platform == 'win32'"}, "", "py3-none-any", {"fast"}});
  make_wheel(dir, {"lib", "1.0", {}, ""});
  make_wheel(dir, {"lib", "2.0", {}, ""});
  make_wheel(dir, {"lib", "3.0", {}, ">=3.13"});       // Requires-Python only in METADATA
  make_wheel(dir, {"lib", "4.0", {}, "", "cp27-cp27m-win32"});  // not for this platform
  make_wheel(dir, {"fastdep", "0.5", {}, ""});
  make_wheel(dir, {"winonly", "1.0", {}, ""});
}

}  // namespace

TEST_CASE("index provider: extras, markers, Requires-Python from metadata, tags", "[index_provider]") {
  Setup s;
  basic_tree(s.links());
  s.find_links_only();
  s.popts.requirements = reqs({"app[fast]"});
  std::unique_ptr<resolve::IndexProvider> p;
  auto r = s.solve(&p);
  CHECK(version_of(r, "app") == "1.0");
  CHECK(version_of(r, "app[fast]") == "1.0");
  CHECK(version_of(r, "fastdep") == "0.5");
  CHECK(version_of(r, "lib") == "2.0");  // 4.0 has no wheel here, 3.0 requires Python >=3.13
  CHECK(r.find("winonly") == nullptr);
  CHECK(p->is_requested("app"));
  CHECK_FALSE(p->is_requested("lib"));
  CHECK(p->requested_extras("app") == std::vector<std::string>{"fast"});
  auto chosen = p->chosen("lib", spec::Version::from_string("2.0"));
  CHECK(chosen.file.filename == "lib-2.0-py3-none-any.whl");
  CHECK(chosen.metadata_raw.find("Version: 2.0") != std::string::npos);
  CHECK(p->stats().metadata_fetches >= 3);
}

TEST_CASE("index provider: without the extra, its dependencies stay out", "[index_provider]") {
  Setup s;
  basic_tree(s.links());
  s.find_links_only();
  s.popts.requirements = reqs({"app"});
  auto r = s.solve();
  CHECK(r.find("fastdep") == nullptr);
  CHECK(r.find("app[fast]") == nullptr);
}

TEST_CASE("index provider: markers follow the target environment", "[index_provider]") {
  Setup s;
  basic_tree(s.links());
  s.find_links_only();
  s.popts.markers.set("sys_platform", "win32");
  s.popts.requirements = reqs({"app"});
  auto r = s.solve();
  CHECK(version_of(r, "winonly") == "1.0");
}

TEST_CASE("index provider: constraints narrow edges, overrides replace them", "[index_provider]") {
  Setup s;
  basic_tree(s.links());
  s.find_links_only();
  s.popts.requirements = reqs({"app"});
  s.popts.constraints = reqs({"lib<2", "fastdep>9"});  // fastdep is not needed: no effect
  CHECK(version_of(s.solve(), "lib") == "1.0");

  Setup o;
  make_wheel(o.links(), {"app", "1.0", {"lib>=2.0"}, ""});
  make_wheel(o.links(), {"lib", "1.0", {}, ""});
  make_wheel(o.links(), {"lib", "2.0", {}, ""});
  o.find_links_only();
  o.popts.requirements = reqs({"app"});
  o.popts.overrides = reqs({"lib==1.0"});
  CHECK(version_of(o.solve(), "lib") == "1.0");

  Setup c;
  make_wheel(c.links(), {"app", "1.0", {"lib>=2.0"}, ""});
  make_wheel(c.links(), {"lib", "1.0", {}, ""});
  c.find_links_only();
  c.popts.requirements = reqs({"app"});
  CHECK_THROWS_AS(c.solve(), resolve::NoSolutionError);
}

TEST_CASE("index provider: local versions match a plain == pin", "[index_provider]") {
  Setup s;
  make_wheel(s.links(), {"torch", "2.9.1+cu128", {}, ""});
  make_wheel(s.links(), {"torch", "2.8.0+cu128", {}, ""});
  s.find_links_only();
  s.popts.requirements = reqs({"torch==2.9.1"});
  CHECK(version_of(s.solve(), "torch") == "2.9.1+cu128");
}

TEST_CASE("index provider: installed versions are preferred", "[index_provider]") {
  Setup s;
  basic_tree(s.links());
  s.find_links_only();
  s.popts.requirements = reqs({"lib"});
  s.popts.preferences.preferred.emplace("lib", spec::Version::from_string("1.0"));
  CHECK(version_of(s.solve(), "lib") == "1.0");
}

TEST_CASE("index provider: resolution lowest", "[index_provider]") {
  Setup s;
  basic_tree(s.links());
  s.find_links_only();
  s.popts.requirements = reqs({"app"});
  s.popts.preferences.resolution = resolve::ResolutionMode::Lowest;
  CHECK(version_of(s.solve(), "lib") == "1.0");
}

TEST_CASE("index provider: --no-deps keeps only the requested packages", "[index_provider]") {
  Setup s;
  basic_tree(s.links());
  s.find_links_only();
  s.popts.no_deps = true;
  s.popts.requirements = reqs({"app[fast]"});
  auto r = s.solve();
  CHECK(version_of(r, "app") == "1.0");
  CHECK(r.find("lib") == nullptr);
  CHECK(r.find("fastdep") == nullptr);
}

TEST_CASE("index provider: direct URL requirements", "[index_provider]") {
  Setup s;
  basic_tree(s.links());
  util::TempDir other;
  fs::path direct = make_wheel(other.path(), {"lib", "1.5", {}, ""});
  s.find_links_only();
  s.popts.requirements = reqs({"app"});
  s.popts.requirements.push_back(spec::Requirement::parse("lib @ " + index::file_url(direct)));
  std::unique_ptr<resolve::IndexProvider> p;
  auto r = s.solve(&p);
  CHECK(version_of(r, "lib") == "1.5");
  CHECK(p->is_url("lib"));
  CHECK(p->chosen("lib", spec::Version::from_string("1.5")).direct);

  Setup sd;
  sd.find_links_only();
  fs::create_directories(sd.links());
  sd.popts.requirements = reqs({"lib @ https://example.invalid/lib-1.0.tar.gz"});
  CHECK_THROWS_WITH(sd.solve(), Catch::Contains("source distribution"));
}

TEST_CASE("index provider: hints for empty choices", "[index_provider]") {
  Setup s;
  make_wheel(s.links(), {"onlypre", "2.0b1", {}, ""});
  make_wheel(s.links(), {"winpkg", "1.0", {}, "", "cp312-cp312-win_amd64"});
  s.find_links_only();
  s.popts.requirements = reqs({"onlypre>=3"});
  try {
    s.solve();
    FAIL("expected no solution");
  } catch (const resolve::NoSolutionError& e) {
    CHECK(std::string(e.what()).find("onlypre") != std::string::npos);
  }
  Setup t;
  make_wheel(t.links(), {"winpkg", "1.0", {}, "", "cp312-cp312-win_amd64"});
  t.find_links_only();
  t.popts.requirements = reqs({"winpkg"});
  try {
    t.solve();
    FAIL("expected no solution");
  } catch (const resolve::NoSolutionError& e) {
    // The project exists, so the explanation names the version and why it cannot be used.
    CHECK(std::string(e.what()).find("has no wheel with a supported platform tag") != std::string::npos);
    CHECK(std::string(e.what()).find("not found") == std::string::npos);
  }
  Setup t2;  // a usable version exists, but not in the range: the hint explains the skipped one
  make_wheel(t2.links(), {"winpkg", "1.0", {}, "", "cp312-cp312-win_amd64"});
  make_wheel(t2.links(), {"winpkg", "0.5"});
  t2.find_links_only();
  t2.popts.requirements = reqs({"winpkg>=1"});
  try {
    t2.solve();
    FAIL("expected no solution");
  } catch (const resolve::NoSolutionError& e) {
    CHECK(e.hint().find("winpkg==1.0 has no wheel with a supported platform tag") != std::string::npos);
  }
  Setup u;
  fs::create_directories(u.links());
  u.find_links_only();
  u.popts.requirements = reqs({"missing-pkg"});
  try {
    u.solve();
    FAIL("expected no solution");
  } catch (const resolve::NoSolutionError& e) {
    CHECK(e.hint().find("`missing-pkg` was not found") != std::string::npos);
  }
}

TEST_CASE("index provider: Requires-Python unavailability explains the failure", "[index_provider]") {
  Setup s;
  make_wheel(s.links(), {"newpy", "1.0", {}, ">=3.13"});
  s.find_links_only();
  s.popts.requirements = reqs({"newpy"});
  try {
    s.solve();
    FAIL("expected no solution");
  } catch (const resolve::NoSolutionError& e) {
    CHECK(e.explanation().find("requires Python >=3.13") != std::string::npos);
    CHECK(e.hint().find("3.12.3") != std::string::npos);
  }
}

// Served indexes: yanked files, and PyTorch-like CUDA indexes with the consistency rule.
namespace {

std::string page(const std::vector<std::pair<std::string, std::string>>& links) {
  std::string html = "<!DOCTYPE html><html><body>\n";
  for (const auto& [href, attrs] : links) html += "<a href=\"" + href + "\"" + attrs + ">" + href.substr(href.rfind('/') + 1) + "</a><br/>\n";
  return html + "</body></html>\n";
}

}  // namespace

TEST_CASE("index provider: yanked versions are skipped unless pinned (HTTP index)", "[index_provider]") {
  test::IndexServer server;
  fs::path files = server.root() / "files";
  make_wheel(files, {"pkg", "1.0", {}, ""});
  make_wheel(files, {"pkg", "2.0", {}, ""});
  server.write("simple/pkg/index.html", page({{"/files/pkg-1.0-py3-none-any.whl", ""},
                                             {"/files/pkg-2.0-py3-none-any.whl", " data-yanked=\"broken\""}}));
  Setup s;
  s.iopts.indexes = {{"", server.url("/simple"), false, false}};
  s.popts.requirements = reqs({"pkg"});
  CHECK(version_of(s.solve(), "pkg") == "1.0");
  Setup pinned;
  pinned.iopts.indexes = {{"", server.url("/simple"), false, false}};
  pinned.popts.requirements = reqs({"pkg==2.0"});
  CHECK(version_of(pinned.solve(), "pkg") == "2.0");
}

TEST_CASE("index provider: system:cuda keeps the PyTorch family on one CUDA version", "[index_provider]") {
  test::IndexServer server;
  fs::path files = server.root() / "whl";
  make_wheel(files / "cu128", {"torch", "2.9.1+cu128", {}, ""});
  make_wheel(files / "cu126", {"torch", "2.9.1+cu126", {}, ""});
  make_wheel(files / "cu126", {"torchvision", "0.24.1+cu126", {"torch==2.9.1"}, ""});
  server.write("whl/cu128/torch/index.html", page({{"/whl/cu128/torch-2.9.1+cu128-py3-none-any.whl", ""}}));
  server.write("whl/cu126/torch/index.html", page({{"/whl/cu126/torch-2.9.1+cu126-py3-none-any.whl", ""}}));
  server.write("whl/cu126/torchvision/index.html",
               page({{"/whl/cu126/torchvision-0.24.1+cu126-py3-none-any.whl", ""}}));
  server.status("whl/cu128/torchvision/", 403);
  std::vector<std::string> urls{server.url("/whl/cu128"), server.url("/whl/cu126")};

  auto run = [&](bool consistency) {
    Setup s;
    s.iopts.no_index = false;
    s.iopts.indexes = {};
    s.iopts.overrides = {{"torch", urls}, {"torchvision", urls}};
    s.popts.requirements = reqs({"torch", "torchvision"});
    if (consistency) {
      s.popts.cuda_packages = {"torch", "torchvision"};
      s.popts.cuda_of_index = {{urls[0], "12.8"}, {urls[1], "12.6"}};
    }
    return s.solve();
  };
  auto loose = run(false);
  CHECK(version_of(loose, "torch") == "2.9.1+cu128");
  CHECK(version_of(loose, "torchvision") == "0.24.1+cu126");
  auto strict = run(true);
  CHECK(version_of(strict, "torch") == "2.9.1+cu126");
  CHECK(version_of(strict, "torchvision") == "0.24.1+cu126");
  CHECK(version_of(strict, "system:cuda") == "12.6");
}

TEST_CASE("index provider: routed packages use up an earlier index before a later one", "[index_provider]") {
  test::IndexServer server;
  make_wheel(server.root() / "whl" / "cu128", {"torch", "2.9.1+cu128"});
  make_wheel(server.root() / "whl" / "cu126", {"torch", "2.10.0+cu126"});
  make_wheel(server.root() / "whl" / "cu126", {"torch", "2.9.1+cu126"});
  server.write("whl/cu128/torch/index.html", page({{"/whl/cu128/torch-2.9.1+cu128-py3-none-any.whl", ""}}));
  server.write("whl/cu126/torch/index.html", page({{"/whl/cu126/torch-2.10.0+cu126-py3-none-any.whl", ""},
                                                  {"/whl/cu126/torch-2.9.1+cu126-py3-none-any.whl", ""}}));
  std::vector<std::string> urls{server.url("/whl/cu128"), server.url("/whl/cu126")};
  Setup s;
  s.iopts.overrides = {{"torch", urls}};
  s.popts.requirements = reqs({"torch"});
  CHECK(version_of(s.solve(), "torch") == "2.9.1+cu128");
  Setup newer;
  newer.iopts.overrides = {{"torch", urls}};
  newer.popts.requirements = reqs({"torch>=2.10"});
  CHECK(version_of(newer.solve(), "torch") == "2.10.0+cu126");
}

TEST_CASE("apply_overrides and apply_constraints", "[index_provider]") {
  auto out = resolve::apply_overrides(reqs({"a>=1; python_version >= '3.8'", "b[x]"}), reqs({"a==0.5", "b[y]<2"}));
  REQUIRE(out.size() == 2);
  CHECK(out[0].to_string() == "a==0.5; python_version >= \"3.8\"");
  CHECK(out[1].extras == std::vector<std::string>{"x", "y"});
  resolve::DependencyList deps{{"a", resolve::Range::full()}, {"a[x]", resolve::Range::full()}, {"c", resolve::Range::full()}};
  resolve::apply_constraints(deps, reqs({"a<2", "c>1; sys_platform == 'win32'"}), linux_env());
  CHECK(deps[0].second.to_string() == "<2");
  CHECK(deps[1].second.to_string() == "<2");
  CHECK(deps[2].second.is_full());
}
