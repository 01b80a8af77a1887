// The pipeline without a server: wheels in a find-links directory on disk stand in for an index,
// /usr/bin/python3 for the target interpreter, a --target directory for the environment. Covers
// settings typed at the edge, inputs, the resolver's Resolution value, the build seam (a fake build
// context answering for a source distribution), plan, install, report and compile.
#include <catch2/catch.hpp>

#include <fstream>

#include "ptinstall/dist/build_context.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/ops/build_dispatch.hpp"
#include "ptinstall/ops/compile.hpp"
#include "ptinstall/ops/environment.hpp"
#include "ptinstall/ops/inputs.hpp"
#include "ptinstall/ops/installer.hpp"
#include "ptinstall/ops/resolver.hpp"
#include "ptinstall/python/interpreter.hpp"
#include "ptinstall/spec/record.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "unit/install/wheel_builder.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;

namespace {

void set(config::Settings& s, const std::string& key, std::vector<std::string> values) {
  config::SettingValue v;
  v.values = std::move(values);
  v.source = config::Source::CommandLine;
  s.set(key, v);
}

// A wheel whose METADATA carries Requires-Dist, and a module `<name>` with VALUE = "<version>".
fs::path make_wheel(const fs::path& dir, const std::string& name, const std::string& version,
                    const std::vector<std::string>& requires_dist = {}) {
  std::string md = "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n";
  for (const auto& r : requires_dist) md += "Requires-Dist: " + r + "\n";
  std::vector<test::ZipItem> items = {{name + "/__init__.py", "VALUE = \"" + version + "\"\n"}};
  std::string di = name + "-" + version + ".dist-info";
  items.push_back({di + "/METADATA", md + "\n"});
  items.push_back({di + "/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"});
  std::vector<spec::RecordEntry> rows;
  for (const auto& it : items) rows.push_back({it.path, spec::record_hash(it.content), it.content.size()});
  rows.push_back({di + "/RECORD", "", std::nullopt});
  items.push_back({di + "/RECORD", spec::write_record(rows)});
  fs::create_directories(dir);
  auto path = dir / (name + "-" + version + "-py3-none-any.whl");
  test::write_zip(path, items);
  return path;
}

// A build context that knows one source distribution's metadata and builds nothing else: proves
// that the resolver asks the seam for sources and takes its answer.
class FakeBuild : public dist::BuildContext {
 public:
  FakeBuild() { options_.can_build = true; }
  const dist::BuildOptions& build_options() const override { return options_; }
  std::string metadata(const dist::Dist& source) override {
    asked.push_back(source.kind_name() + " " + source.url());
    return "Metadata-Version: 2.2\nName: srcpkg\nVersion: 3.0\nRequires-Dist: alpha>=1\n\n";
  }
  dist::BuiltWheel build_wheel(const dist::Dist& source) override {
    built.push_back(source.url());
    dist::BuiltWheel w;
    w.path = make_wheel(out_dir, "srcpkg", "3.0", {"alpha>=1"});
    w.filename = w.path.filename().string();
    return w;
  }
  dist::BuildOptions options_;
  std::vector<std::string> asked, built;
  fs::path out_dir;
};

struct Fixture {
  util::TempDir tmp;
  config::Settings settings;
  fs::path links = tmp.path() / "links";
  Fixture() {
    make_wheel(links, "alpha", "1.0", {"beta>=2"});
    make_wheel(links, "alpha", "1.1", {"beta>=2"});
    make_wheel(links, "beta", "2.0");
    make_wheel(links, "beta", "1.0");
    set(settings, "no-index", {"true"});
    set(settings, "find-links", {links.string()});
    set(settings, "no-config", {"true"});
  }
  ops::PipOptions options() { return ops::pip_options(settings, {}); }
};

python::InterpreterInfo python3() { return python::query_interpreter("/usr/bin/python3"); }

python::Environment target_dir(const fs::path& dir) {
  python::EnvironmentOptions eo;
  eo.target = dir;
  return python::Environment::open(python3(), eo);
}

}  // namespace

TEST_CASE("ops: settings are typed once at the edge", "[ops]") {
  config::Settings s;
  set(s, "prerelease", {"allow"});
  set(s, "resolution", {"lowest-direct"});
  set(s, "upgrade-package", {"Foo_Bar"});
  set(s, "link-mode", {"copy"});
  auto o = ops::pip_options(s, {"uv.toml"});
  CHECK(o.prerelease == resolve::PrereleaseMode::Allow);
  CHECK(o.resolution == resolve::ResolutionMode::LowestDirect);
  CHECK(o.upgrade_packages.count("foo-bar"));
  CHECK(o.link_mode == util::LinkMode::Copy);
  CHECK(o.may_change_installed());
  CHECK(o.config_files == std::vector<std::string>{"uv.toml"});
  config::Settings bad;
  set(bad, "prerelease", {"sometimes"});
  try {
    ops::pip_options(bad, {});
    FAIL("accepted");
  } catch (const util::Error& e) {
    CHECK(e.kind() == util::ErrorKind::Usage);
    CHECK(std::string(e.what()) == "invalid value `sometimes` for --prerelease");
  }
}

TEST_CASE("ops: a wheel file becomes a name @ file:// requirement; an sdist meets the one rule", "[ops]") {
  Fixture f;
  auto o = f.options();
  auto target = ops::make_target(o, python3());
  auto whl = (f.links / "beta-2.0-py3-none-any.whl").string();
  auto in = ops::read_inputs(o, {whl, "alpha>=1"}, ops::Positionals::Requirements, target.markers);
  REQUIRE(in.requirements.size() == 2);
  CHECK(in.requirements[0].name == "beta");
  REQUIRE(in.requirements[0].url);
  CHECK(in.requirements[0].url->rfind("file://", 0) == 0);
  CHECK(in.requirement_origins[0].empty());
  util::write_file_atomic(f.tmp.path() / "demo-1.0.tar.gz", "");
  try {
    ops::read_inputs(o, {index::file_url(f.tmp.path() / "demo-1.0.tar.gz")}, ops::Positionals::Requirements, target.markers);
    FAIL("accepted");
  } catch (const util::Error& e) {
    CHECK(std::string(e.what()) == "demo-1.0.tar.gz is a source distribution");
    CHECK(e.hint() == std::string(dist::no_builder_hint()));
    CHECK(e.kind() == util::ErrorKind::Build);
  }
}

TEST_CASE("ops: resolve gives a Resolution value; compile and plan take it", "[ops]") {
  Fixture f;
  auto o = f.options();
  auto target = ops::make_target(o, python3());
  auto in = ops::read_inputs(o, {"alpha"}, ops::Positionals::Requirements, target.markers);
  ops::Services services(o, install::Cache::temporary());
  ops::BuildDispatch build(o);
  ops::ResolveRequest rq;
  rq.inputs = &in;
  rq.target = &target;
  rq.collect_hashes = true;
  ops::ResolveStats stats;
  dist::Resolution r = ops::resolve(services, o, rq, build, &stats);
  REQUIRE(r.packages.size() == 2);
  CHECK(r.packages[0].name() == "alpha");
  CHECK(r.packages[0].version.to_string() == "1.1");
  CHECK(r.packages[0].requested);
  CHECK(r.packages[0].dist.kind_name() == "registry wheel");
  CHECK(r.packages[0].metadata_raw.find("Requires-Dist: beta>=2") != std::string::npos);
  CHECK(r.packages[1].name() == "beta");
  CHECK(r.packages[1].version.to_string() == "2.0");
  CHECK(!r.packages[1].requested);
  CHECK(r.graph.at("alpha") == std::vector<std::string>{"beta"});
  REQUIRE(r.packages[1].all_hashes.size() == 1);  // find-links gives no hash: the chosen file is hashed
  CHECK(r.packages[1].all_hashes[0].rfind("sha256:", 0) == 0);
  CHECK(stats.http_requests == 0);

  auto compiled = ops::compile_pins(in, r, true);
  REQUIRE(compiled.pins.size() == 2);
  CHECK(compiled.pins[1].via == std::vector<std::string>{"alpha"});
  CHECK(compiled.pins[1].hashes == r.packages[1].all_hashes);

  // Planned against an environment that has beta 1.0: beta is upgraded, alpha new.
  install::InstalledDist old;
  old.name = old.normalized = "beta";
  old.version = "1.0";
  auto plan = ops::plan_install(r, {old}, o, false);
  auto changes = ops::plan_changes(plan, r);
  CHECK(changes.removed == ops::ChangeList{{"beta", "1.0"}});
  CHECK(changes.added == ops::ChangeList{{"alpha", "1.1"}, {"beta", "2.0"}});

  // --require-hashes: alpha is not pinned.
  config::Settings hs = f.settings;
  set(hs, "require-hashes", {"true"});
  auto ho = ops::pip_options(hs, {});
  CHECK_THROWS_WITH(ops::check_required_hashes(in, r, ho), Catch::Contains("`alpha` is not pinned with =="));
}

TEST_CASE("ops: the resolver asks the build seam for a source distribution's metadata", "[ops]") {
  Fixture f;
  auto o = f.options();
  auto target = ops::make_target(o, python3());
  util::write_file_atomic(f.tmp.path() / "srcpkg-3.0.tar.gz", "");
  std::string url = index::file_url(f.tmp.path() / "srcpkg-3.0.tar.gz");
  ops::ResolveInputs in;
  in.requirements.push_back(spec::Requirement::parse("srcpkg @ " + url));
  in.requirement_origins.push_back("");
  ops::Services services(o, install::Cache::temporary());
  ops::ResolveRequest rq;
  rq.inputs = &in;
  rq.target = &target;

  // Today's dispatch refuses it with the one rule.
  ops::BuildDispatch dispatch(o);
  CHECK_THROWS_WITH(ops::resolve(services, o, rq, dispatch), Catch::Contains("is a source distribution"));

  // A build context that can answer: the source's dependencies are resolved like a wheel's.
  FakeBuild fake;
  fake.out_dir = f.tmp.path() / "built";
  dist::Resolution r = ops::resolve(services, o, rq, fake);
  REQUIRE(fake.asked.size() == 1);
  CHECK(fake.asked[0] == "local archive " + url);
  REQUIRE(r.packages.size() == 3);
  const auto* src = r.find("srcpkg");
  REQUIRE(src);
  CHECK(src->version.to_string() == "3.0");
  CHECK(!src->dist.is_wheel());
  CHECK(r.find("alpha"));

  // Installing it asks the seam for a wheel, and records where it came from (PEP 610).
  auto env = target_dir(f.tmp.path() / "target");
  auto plan = ops::plan_install(r, {}, o, false);
  ops::InstallRequest ir;
  ir.env = &env;
  ir.resolution = &r;
  ir.plan = &plan;
  auto outcome = ops::install(services, o, ir, fake);
  CHECK(fake.built == std::vector<std::string>{url});
  CHECK(outcome.sha256.size() == 3);
  auto site = f.tmp.path() / "target";
  CHECK(util::read_file(site / "srcpkg" / "__init__.py") == "VALUE = \"3.0\"\n");
  auto direct = util::read_file(site / "srcpkg-3.0.dist-info" / "direct_url.json");
  CHECK(direct.find("\"url\": \"" + url + "\"") != std::string::npos);
  CHECK(!fs::exists(site / "alpha-1.1.dist-info" / "direct_url.json"));
  CHECK(fs::exists(site / "alpha-1.1.dist-info" / "INSTALLER"));

  // The report names the same three distributions.
  auto report = ops::installation_report(r, plan, outcome.sha256, target.markers);
  CHECK(report.find("\"is_direct\": true") != std::string::npos);
  CHECK(report.find("srcpkg-3.0.tar.gz") != std::string::npos);
}

TEST_CASE("ops: a Resolution made without a resolver installs (wheel files given directly)", "[ops]") {
  Fixture f;
  auto o = f.options();
  dist::Resolution r;
  dist::ResolvedDist p;
  p.dist = dist::from_direct_reference("", index::file_url(f.links / "beta-2.0-py3-none-any.whl"));
  p.version = *p.dist.version;
  p.requested = true;
  r.packages.push_back(p);
  auto env = target_dir(f.tmp.path() / "t");
  install::InstalledDist none;
  auto plan = ops::plan_install(r, {}, o, false);
  REQUIRE(plan.changes.size() == 1);
  ops::Services services(o, install::Cache::temporary());
  ops::BuildDispatch build(o);
  ops::InstallRequest ir;
  ir.env = &env;
  ir.resolution = &r;
  ir.plan = &plan;
  ops::install(services, o, ir, build);
  CHECK(util::read_file(f.tmp.path() / "t" / "beta" / "__init__.py") == "VALUE = \"2.0\"\n");
  CHECK(fs::exists(f.tmp.path() / "t" / "beta-2.0.dist-info" / "REQUESTED"));
}
