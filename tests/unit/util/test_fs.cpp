#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "support/errors.hpp"

using namespace ptinstall::util;

TEST_CASE("list_files lists the regular files below a directory, relative, never through links", "[util][fs]") {
  TempDir dir;
  const auto& root = dir.path();
  write_file_atomic(root / "top.py", "t");
  write_file_atomic(root / "pkg/__init__.py", "");
  write_file_atomic(root / "pkg/sub/deep/x.so", "x");
  write_file_atomic(root / "pkg-1.0.dist-info/RECORD", "r");
  write_file_atomic(root / "odd name/with space.txt", "s");
  std::filesystem::create_directories(root / "empty/dir");
  write_file_atomic(dir.path().parent_path() / (root.filename().string() + "-outside.txt"), "o");
  REQUIRE(::symlink("top.py", (root / "link-to-file").c_str()) == 0);
  REQUIRE(::symlink("..", (root / "pkg/link-to-dir").c_str()) == 0);

  auto files = list_files(root);
  std::sort(files.begin(), files.end());
  CHECK(files == std::vector<std::string>{"odd name/with space.txt", "pkg-1.0.dist-info/RECORD", "pkg/__init__.py",
                                          "pkg/sub/deep/x.so", "top.py"});
  CHECK(list_files(root / "empty").empty());
  CHECK_THROWS_WITH(list_files(root / "missing"), Catch::Contains("failed to read") && Catch::Contains("missing"));
  CHECK_THROWS_AS(list_files(root / "top.py"), Error);  // not a directory
  CHECK(ptinstall::test::error_kind([&] { list_files(root / "missing"); }) == "io");
  CHECK(ptinstall::test::error_kind([&] { read_file(root / "missing"); }) == "io");
  std::filesystem::remove(dir.path().parent_path() / (root.filename().string() + "-outside.txt"));
}
