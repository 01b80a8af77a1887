#include "ptinstall/install/freeze_files.hpp"

#include <catch2/catch.hpp>

#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

using namespace ptinstall;
using install::FreezeFileLine;

namespace {

// A classifier for the tests: lines starting with '-' are options, "?" lines are unnamed, "!" lines
// are invalid, every other line is a name (before any space).
FreezeFileLine classify(std::string_view line, const std::string&, int line_no) {
  std::string_view t = util::trim(line);
  FreezeFileLine out;
  if (t.front() == '-') return out;
  if (t.front() == '!') throw util::Error("line " + std::to_string(line_no) + " is no requirement");
  out.shown = std::string(t);
  if (t.front() == '?') {
    out.kind = FreezeFileLine::Kind::Unnamed;
    return out;
  }
  out.kind = FreezeFileLine::Kind::Named;
  out.written_name = std::string(t.substr(0, t.find(' ')));
  out.name = spec::normalize_name(out.written_name);
  return out;
}

const std::vector<install::FreezeItem> kItems = {
    {"alpha", "alpha==1.0"}, {"beta-pkg", "Beta.Pkg==2.0"}, {"pip", "pip==24.2"}, {"zeta", "zeta==3"}};

}  // namespace

TEST_CASE("freeze -r prints the files' lines in order, then the rest after pip's header") {
  std::vector<install::FreezeFile> files = {{"a.txt", "# c\n--index-url X\n\nZETA\r\nbeta_pkg >=1\n"},
                                            {"b.txt", "-r a.txt\nalpha\n"}};
  auto out = install::format_freeze_with_files(kItems, {"pip"}, files, classify);
  CHECK(out ==
        "# c\n--index-url X\n\nzeta==3\nBeta.Pkg==2.0\n-r a.txt\nalpha==1.0\n"
        "## The following requirements were added by pip freeze:\n");
}

TEST_CASE("freeze -r: the skip set applies only to packages no file named") {
  auto named = install::format_freeze_with_files(kItems, {"pip"}, {{"a.txt", "pip\n"}}, classify);
  CHECK(named == "pip==24.2\n## The following requirements were added by pip freeze:\nalpha==1.0\nBeta.Pkg==2.0\nzeta==3\n");
}

TEST_CASE("freeze -r: a package named twice is printed once; unnamed and missing lines print nothing") {
  auto out = install::format_freeze_with_files(kItems, {}, {{"a.txt", "alpha\n?./proj\nmissing\nALPHA\n"}}, classify);
  CHECK(out ==
        "alpha==1.0\n## The following requirements were added by pip freeze:\nBeta.Pkg==2.0\npip==24.2\nzeta==3\n");
}

TEST_CASE("freeze -r: an invalid line is the classifier's error") {
  CHECK_THROWS_AS(install::format_freeze_with_files(kItems, {}, {{"a.txt", "alpha\n!\n"}}, classify), util::Error);
}

TEST_CASE("freeze -r: an empty file still prints the header") {
  CHECK(install::format_freeze_with_files({}, {}, {{"a.txt", ""}}, classify) ==
        "## The following requirements were added by pip freeze:\n");
}
