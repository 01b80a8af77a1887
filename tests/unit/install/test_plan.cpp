#include <catch2/catch.hpp>

#include "ptinstall/install/plan.hpp"
#include "ptinstall/spec/direct_url.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;
using install::PlanAction;

namespace {

install::InstalledDist dist(const std::string& name, const std::string& version, const std::filesystem::path& site = "/nowhere") {
  install::InstalledDist d;
  d.name = name;
  d.normalized = name;
  d.version = version;
  d.site_dir = site;
  d.metadata_dir = site / (name + "-" + version + ".dist-info");
  return d;
}

install::WantedPackage want(const std::string& name, const std::string& version,
                            std::optional<std::string> url = std::nullopt) {
  return {name, spec::Version::from_string(version), std::move(url)};
}

const install::PlanItem* find(const std::vector<install::PlanItem>& items, const std::string& name) {
  for (const auto& i : items)
    if (i.wanted.name == name) return &i;
  return nullptr;
}

}  // namespace

TEST_CASE("plan: unchanged, install, upgrade, downgrade", "[plan]") {
  std::vector<install::InstalledDist> installed{dist("same", "1.0"), dist("old", "1.0"), dist("new", "3.0"),
                                                dist("other", "0.1")};
  auto plan = install::make_plan({want("zeta", "1.0"), want("same", "1.0.0"), want("old", "2.0"), want("new", "2.0")},
                                 installed);
  REQUIRE(plan.unchanged.size() == 1);
  CHECK(plan.unchanged[0].wanted.name == "same");
  CHECK(plan.unchanged[0].replaces.empty());
  REQUIRE(plan.changes.size() == 3);
  CHECK(plan.changes[0].wanted.name == "new");  // sorted by name
  CHECK(plan.changes[0].action == PlanAction::Downgrade);
  CHECK(find(plan.changes, "old")->action == PlanAction::Upgrade);
  CHECK(find(plan.changes, "old")->replaces.size() == 1);
  CHECK(find(plan.changes, "zeta")->action == PlanAction::Install);
  CHECK(find(plan.changes, "zeta")->replaces.empty());
  CHECK(plan.extraneous.empty());  // not sync
  CHECK(plan.removals().size() == 2);
  CHECK_FALSE(plan.empty());
}

TEST_CASE("plan: reinstall, local labels, broken versions, duplicates", "[plan]") {
  std::vector<install::InstalledDist> installed{dist("a", "1.0"), dist("torch", "2.9.1+cpu"), dist("weird", "not a version"),
                                                dist("dup", "1.0"), dist("dup", "1.1")};
  auto plan = install::make_plan({want("a", "1.0"), want("torch", "2.9.1+cu128"), want("weird", "1.0"), want("dup", "1.1")},
                                 installed);
  CHECK(find(plan.unchanged, "a"));
  CHECK(find(plan.changes, "torch")->action != PlanAction::Unchanged);
  CHECK(find(plan.changes, "weird")->action == PlanAction::Reinstall);
  CHECK(find(plan.changes, "dup")->replaces.size() == 2);

  install::PlanOptions all;
  all.reinstall = true;
  auto forced = install::make_plan({want("a", "1.0")}, installed, all);
  REQUIRE(forced.changes.size() == 1);
  CHECK(forced.changes[0].action == PlanAction::Reinstall);

  install::PlanOptions one;
  one.reinstall_packages = {"a"};
  CHECK(install::make_plan({want("a", "1.0")}, installed, one).changes.size() == 1);
}

TEST_CASE("plan: direct URLs are compared with direct_url.json", "[plan]") {
  util::TempDir tmp;
  auto d = dist("pkg", "1.0", tmp.path());
  std::filesystem::create_directories(d.metadata_dir);
  spec::DirectUrl du;
  du.url = "file:///wheels/pkg-1.0-py3-none-any.whl";
  util::write_file_atomic(d.metadata_dir / "direct_url.json", du.to_json());
  CHECK(install::installed_direct_url(d) == du.url);
  CHECK(install::make_plan({want("pkg", "1.0", du.url)}, {d}).changes.empty());
  auto moved = install::make_plan({want("pkg", "1.0", std::string("file:///elsewhere/pkg-1.0-py3-none-any.whl"))}, {d});
  REQUIRE(moved.changes.size() == 1);
  CHECK(moved.changes[0].action == PlanAction::Reinstall);
  // Installed from an index (no direct_url.json), now wanted from a URL: reinstalled.
  auto plain = dist("plain", "1.0", tmp.path());
  CHECK(install::make_plan({want("plain", "1.0", du.url)}, {plain}).changes.size() == 1);
  CHECK(install::make_plan({want("plain", "1.0")}, {plain}).changes.empty());
}

TEST_CASE("plan: sync removes extraneous distributions", "[plan]") {
  std::vector<install::InstalledDist> installed{dist("keep", "1.0"), dist("extra", "2.0"), dist("pip", "24.0")};
  install::PlanOptions sync;
  sync.remove_extraneous = true;
  sync.keep_extraneous = {"pip"};
  auto plan = install::make_plan({want("keep", "1.0")}, installed, sync);
  REQUIRE(plan.extraneous.size() == 1);
  CHECK(plan.extraneous[0].normalized == "extra");
  CHECK(plan.changes.empty());
  CHECK_FALSE(plan.empty());
  CHECK(plan.removals().size() == 1);
  CHECK(install::to_string(PlanAction::Downgrade) == "downgrade");
}
