#include <catch2/catch.hpp>

#include <fstream>

#include "ptinstall/install/local_wheels.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;
using namespace ptinstall::install;

namespace {
spec::SupportedTags linux_cp311() {
  return spec::SupportedTags::from_ordered({{"cp311", "cp311", "manylinux_2_17_x86_64"},
                                            {"cp311", "abi3", "manylinux_2_17_x86_64"},
                                            {"py3", "none", "manylinux_2_17_x86_64"},
                                            {"py3", "none", "any"}});
}
std::vector<LocalWheel> make(const std::vector<std::string>& names, const fs::path& dir) {
  for (const auto& n : names) std::ofstream(dir / n) << "x";
  std::ofstream(dir / "README.txt") << "x";
  std::ofstream(dir / "broken.whl") << "x";
  return scan_wheel_dirs({dir});
}
std::string pick(const std::vector<LocalWheel>& wheels, const std::string& req, bool pre = false) {
  auto w = best_wheel(wheels, spec::Requirement::parse(req), linux_cp311(), pre);
  return w ? w->path.filename().string() : "";
}
}  // namespace

TEST_CASE("scan_wheel_dirs and best_wheel", "[install][local_wheels]") {
  util::TempDir tmp;
  auto wheels = make({"demo-1.0-py3-none-any.whl", "demo-1.5-py3-none-any.whl", "demo-1.5-cp311-cp311-manylinux_2_17_x86_64.whl",
                      "demo-1.5-1-py3-none-any.whl", "demo-2.0rc1-py3-none-any.whl", "demo-3.0-cp27-cp27m-win32.whl",
                      "Other_Pkg-0.1-py3-none-any.whl"},
                     tmp.path());
  CHECK(wheels.size() == 7);  // README.txt and broken.whl are skipped
  // Highest version, then the best tag.
  CHECK(pick(wheels, "demo") == "demo-1.5-cp311-cp311-manylinux_2_17_x86_64.whl");
  CHECK(pick(wheels, "demo<1.5") == "demo-1.0-py3-none-any.whl");
  CHECK(pick(wheels, "DEMO==1.0") == "demo-1.0-py3-none-any.whl");
  // Pre-releases only when asked for, mentioned, or nothing else matches.
  CHECK(pick(wheels, "demo", true) == "demo-2.0rc1-py3-none-any.whl");
  CHECK(pick(wheels, "demo>=2.0rc1") == "demo-2.0rc1-py3-none-any.whl");
  CHECK(pick(wheels, "demo>1.5") == "demo-2.0rc1-py3-none-any.whl");
  // Unsupported tags never win, whatever the version.
  CHECK(pick(wheels, "demo>=3") == "");
  CHECK(pick(wheels, "other-pkg") == "Other_Pkg-0.1-py3-none-any.whl");
  CHECK(pick(wheels, "missing") == "");
  CHECK_THROWS_WITH(scan_wheel_dirs({tmp.path() / "nope"}), Catch::Contains("is not a directory"));
}

TEST_CASE("best_wheel prefers a build tag among equal versions and tags", "[install][local_wheels]") {
  util::TempDir tmp;
  auto wheels = make({"demo-1.0-py3-none-any.whl", "demo-1.0-2-py3-none-any.whl", "demo-1.0-1-py3-none-any.whl"}, tmp.path());
  CHECK(pick(wheels, "demo") == "demo-1.0-2-py3-none-any.whl");
}
