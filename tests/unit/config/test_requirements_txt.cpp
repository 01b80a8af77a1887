#include <catch2/catch.hpp>

#include <cstring>

#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;
using namespace ptinstall::config;
namespace fs = std::filesystem;

namespace {
RequirementsFile parse(std::string_view text, const EnvLookup& env = nullptr) {
  RequirementsFile out;
  parse_requirements_text(text, "/proj/requirements.txt", out, false, env);
  return out;
}
std::string error_of(std::string_view text) {
  try {
    parse(text);
  } catch (const util::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("plain requirements, comments and blank lines") {
  auto r = parse("# a comment\nflask>=3\n\n  requests[socks] ==2.31 ; python_version >= '3.8'  # trailing\n");
  REQUIRE(r.requirements.size() == 2);
  CHECK(r.requirements[0].requirement->package.str() == "flask");
  CHECK(r.requirements[0].line == 2);
  CHECK(r.requirements[1].requirement->extras == std::vector<std::string>{"socks"});
  CHECK(r.requirements[1].line == 4);
  CHECK(r.requirements[1].requirement->specifier.to_string() == "==2.31");
}

TEST_CASE("a fragment in a URL is not a comment") {
  auto r = parse("pkg @ https://host/pkg-1.0-py3-none-any.whl#sha256=abc\n");
  REQUIRE(r.requirements.size() == 1);
  CHECK(r.requirements[0].requirement->url == "https://host/pkg-1.0-py3-none-any.whl#sha256=abc");
}

TEST_CASE("line continuations join lines and keep the first line number") {
  auto r = parse("one\ntorch \\\n  >=2.0 \\\n  --hash=sha256:AA\nthree\n");
  REQUIRE(r.requirements.size() == 3);
  CHECK(r.requirements[1].line == 2);
  CHECK(r.requirements[1].hashes == std::vector<std::string>{"sha256:aa"});
  CHECK(r.require_hashes);
  CHECK(r.requirements[2].line == 5);
}

TEST_CASE("option lines") {
  auto r = parse("--index-url https://i/simple\n--extra-index-url=https://e/simple\n-f ./wheels\n--no-index\n--pre\n"
                 "--trusted-host h\n--only-binary :all:\n");
  CHECK(r.index_url == "https://i/simple");
  CHECK(r.extra_index_urls == std::vector<std::string>{"https://e/simple"});
  CHECK(r.find_links == std::vector<std::string>{"/proj/./wheels"});
  CHECK(r.no_index);
  CHECK(r.pre);
  CHECK(r.trusted_hosts == std::vector<std::string>{"h"});
  CHECK(r.only_binary == std::vector<std::string>{":all:"});
  CHECK_FALSE(r.require_hashes);
}

TEST_CASE("${VAR} expansion follows pip: upper-case names only, unset left as written") {
  EnvLookup env = [](const char* n) -> const char* { return std::strcmp(n, "IDX") == 0 ? "https://x/simple" : nullptr; };
  auto r = parse("-i ${IDX}\npkg @ https://h/${MISSING}/p-1.0-py3-none-any.whl\n", env);
  CHECK(r.index_url == "https://x/simple");
  CHECK(r.requirements[0].requirement->url == "https://h/${MISSING}/p-1.0-py3-none-any.whl");
}

TEST_CASE("wheel paths and URLs in place of a requirement") {
  auto r = parse("./dist/pkg-1.0-py3-none-any.whl\nhttps://h/pkg-2.0-py3-none-any.whl\n");
  REQUIRE(r.requirements.size() == 2);
  CHECK_FALSE(r.requirements[0].requirement);
  CHECK(r.requirements[0].location == "/proj/dist/pkg-1.0-py3-none-any.whl");
  CHECK(r.requirements[1].location == "https://h/pkg-2.0-py3-none-any.whl");
}

TEST_CASE("project directories, sdists and -e lines in place of a requirement") {
  auto r = parse("-e .\n--editable ./sub/proj\n./proj[fast, gpu]\n../demo-1.0.tar.gz\n.\n");
  REQUIRE(r.requirements.size() == 5);
  CHECK(r.requirements[0].location == "/proj");
  CHECK(r.requirements[0].editable);
  CHECK(r.requirements[1].location == "/proj/sub/proj");
  CHECK(r.requirements[1].editable);
  CHECK(r.requirements[2].location == "/proj/proj");
  CHECK(r.requirements[2].extras == std::vector<std::string>{"fast", "gpu"});
  CHECK_FALSE(r.requirements[2].editable);
  CHECK(r.requirements[3].location == "/demo-1.0.tar.gz");
  CHECK(r.requirements[4].location == "/proj");
  CHECK_FALSE(r.requirements[4].requirement);
}

TEST_CASE("errors name the file and the line") {
  CHECK_THAT(error_of("ok\nflask>=>3\n"), Catch::Contains("/proj/requirements.txt line 2"));
  CHECK_THAT(error_of("--bogus\n"), Catch::Contains("unknown option `--bogus`"));
  CHECK_THAT(error_of("-e flask\n"), Catch::Contains("-e needs a path or a URL"));
  CHECK_THAT(error_of("pkg --hash=md5\n"), Catch::Contains("invalid --hash"));
  CHECK_THAT(error_of("--index-url\n"), Catch::Contains("needs a value"));
}

TEST_CASE("nested -r and -c files are relative to the including file") {
  util::TempDir dir;
  fs::create_directories(dir.path() / "sub");
  util::write_file_atomic(dir.path() / "requirements.txt", "-r sub/base.txt\n-c constraints.txt\ntop\n");
  util::write_file_atomic(dir.path() / "sub" / "base.txt", "base1\n-r more.txt\n");
  util::write_file_atomic(dir.path() / "sub" / "more.txt", "base2\n");
  util::write_file_atomic(dir.path() / "constraints.txt", "base1<2\n");
  RequirementsFile out;
  read_requirements_file(dir.path() / "requirements.txt", out);
  REQUIRE(out.requirements.size() == 3);
  CHECK(out.requirements[0].requirement->name == "base1");
  CHECK(out.requirements[1].requirement->name == "base2");
  CHECK(out.requirements[2].requirement->name == "top");
  REQUIRE(out.constraints.size() == 1);
  CHECK(out.constraints[0].requirement->specifier.to_string() == "<2");
}

TEST_CASE("a missing nested file and a cycle are errors") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "a.txt", "-r b.txt\n");
  util::write_file_atomic(dir.path() / "b.txt", "-r a.txt\n");
  RequirementsFile out;
  CHECK_THROWS_WITH(read_requirements_file(dir.path() / "a.txt", out), Catch::Contains("includes itself"));
  util::write_file_atomic(dir.path() / "c.txt", "-r missing.txt\n");
  CHECK_THROWS_WITH(read_requirements_file(dir.path() / "c.txt", out), Catch::Contains("cannot read requirements file"));
}

TEST_CASE("a line longer than kMaxRequirementsLine is an error naming the line, continuations joined") {
  std::string big(kMaxRequirementsLine + 1, 'a');
  CHECK(error_of("ok\n" + big + "\n") == "/proj/requirements.txt line 2: line is longer than the 1048576 bytes a "
                                         "requirements file line may have");
  // A long comment counts too (the line is refused before it is copied or read further).
  CHECK(!error_of("# " + big).empty());
  // Pieces under the bound that join past it: the first line of the joined line is named.
  std::string half(kMaxRequirementsLine / 2 + 1, 'b');
  CHECK(error_of("x\n" + half + "\\\n" + half + "\n").starts_with("/proj/requirements.txt line 2: line is longer"));
  // At the bound, hashes and all, a line is read.
  std::string hashes = "foo==1.0";
  const std::string hash = " --hash=sha256:" + std::string(64, 'f');
  while (hashes.size() + hash.size() <= kMaxRequirementsLine) hashes += hash;
  auto r = parse(hashes + "\n");
  REQUIRE(r.requirements.size() == 1);
  CHECK(r.requirements[0].hashes.size() > 10000);
}

TEST_CASE("a requirement over spec's bound is refused on a line, as a path too, and a path's extras are kept once") {
  std::string req(spec::Requirement::kMaxLength + 1, 'a');
  CHECK(error_of(req).starts_with("/proj/requirements.txt line 1: invalid requirement `aaaa"));
  CHECK(error_of(req).ends_with("longer than the 65536 bytes a requirement may have"));
  std::string path = "./proj[" + std::string(spec::Requirement::kMaxLength, 'x') + "]";
  CHECK(error_of(path).find("longer than the 65536 bytes") != std::string::npos);
  auto r = parse("./proj[b,a,b,a, a]\n");
  REQUIRE(r.requirements.size() == 1);
  CHECK(r.requirements[0].extras == std::vector<std::string>{"b", "a"});
}

TEST_CASE("many lines are read one at a time, up to kMaxRequirementsLines requirements") {
  // Empty lines, comments and continued requirements by the hundred thousand, each numbered by its
  // first line.
  std::string text;
  for (size_t i = 0; i < kMaxRequirementsLines; ++i) text += "\n# c\nfoo\\\n>=1\n";
  auto r = parse(text);
  REQUIRE(r.requirements.size() == kMaxRequirementsLines);
  CHECK(r.requirements.back().line == 4 * static_cast<int>(kMaxRequirementsLines) - 1);
  // One more is an error naming its line.
  CHECK(error_of(text + "bar\n") == "/proj/requirements.txt line " + std::to_string(4 * kMaxRequirementsLines + 1) +
                                        ": more than 100000 requirements and constraints");
}
