#include <catch2/catch.hpp>

#include <set>

#include "memory_provider.hpp"
#include "ptinstall/resolve/solver.hpp"

using namespace ptinstall::resolve;
using ptinstall::resolve::test::format;
using ptinstall::resolve::test::MemoryProvider;
using ptinstall::resolve::test::range_of;

namespace {

std::string solve(MemoryProvider& p) {
  Solver s(p);
  return format(s.solve("root"));
}

// The explanation of a failed resolution ("" when it succeeds).
std::string error_of(MemoryProvider& p, std::string* hint = nullptr) {
  Solver s(p);
  try {
    s.solve("root");
  } catch (const NoSolutionError& e) {
    if (hint) *hint = e.hint();
    CHECK(e.kind() == ptinstall::util::ErrorKind::Resolution);
    CHECK(e.exit_code() == 1);
    return e.explanation();
  }
  return "";
}

}  // namespace

// The examples of the PubGrub write-up (dart pub, doc/solver.md), with ^x.y.z spelled as ranges.

TEST_CASE("solver: no conflicts") {
  MemoryProvider p;
  p.add("root", "0", {{"foo", ">=1.0.0,<2.0.0"}});
  p.add("foo", "1.0.0", {{"bar", ">=1.0.0,<2.0.0"}});
  p.add("bar", "1.0.0");
  p.add("bar", "2.0.0");
  CHECK(solve(p) == "bar==1.0.0 foo==1.0.0");
}

TEST_CASE("solver: avoiding conflict during decision making") {
  MemoryProvider p;
  p.add("root", "0", {{"foo", ">=1.0.0,<2.0.0"}, {"bar", ">=1.0.0,<2.0.0"}});
  p.add("foo", "1.1.0", {{"bar", ">=2.0.0,<3.0.0"}});
  p.add("foo", "1.0.0");
  p.add("bar", "1.0.0");
  p.add("bar", "1.1.0");
  p.add("bar", "2.0.0");
  CHECK(solve(p) == "bar==1.1.0 foo==1.0.0");
}

TEST_CASE("solver: performing conflict resolution") {
  MemoryProvider p;
  p.add("root", "0", {{"foo", ">=1.0.0"}});
  p.add("foo", "2.0.0", {{"bar", ">=1.0.0,<2.0.0"}});
  p.add("foo", "1.0.0");
  p.add("bar", "1.0.0", {{"foo", ">=1.0.0,<2.0.0"}});
  CHECK(solve(p) == "foo==1.0.0");
}

TEST_CASE("solver: conflict resolution with a partial satisfier") {
  MemoryProvider p;
  p.add("root", "0", {{"foo", ">=1.0.0,<2.0.0"}, {"target", ">=2.0.0,<3.0.0"}});
  p.add("foo", "1.1.0", {{"left", ">=1.0.0,<2.0.0"}, {"right", ">=1.0.0,<2.0.0"}});
  p.add("foo", "1.0.0");
  p.add("left", "1.0.0", {{"shared", ">=1.0.0"}});
  p.add("right", "1.0.0", {{"shared", "<2.0.0"}});
  p.add("shared", "2.0.0");
  p.add("shared", "1.0.0", {{"target", ">=1.0.0,<2.0.0"}});
  p.add("target", "2.0.0");
  p.add("target", "1.0.0");
  CHECK(solve(p) == "foo==1.0.0 target==2.0.0");
}

TEST_CASE("solver: linear error reporting") {
  MemoryProvider p;
  p.add("root", "0", {{"foo", ">=1.0.0,<2.0.0"}, {"baz", ">=1.0.0,<2.0.0"}});
  p.add("foo", "1.0.0", {{"bar", ">=2.0.0,<3.0.0"}});
  p.add("bar", "2.0.0", {{"baz", ">=3.0.0,<4.0.0"}});
  p.add("baz", "1.0.0");
  p.add("baz", "3.0.0");
  CHECK(error_of(p) ==
        "Because foo==1.0.0 depends on bar>=2.0.0,<3.0.0 and bar==2.0.0 depends on baz>=3.0.0,<4.0.0, "
        "we can conclude that foo==1.0.0 depends on baz>=3.0.0,<4.0.0.\n"
        "And because you require baz>=1.0.0,<2.0.0 and foo>=1.0.0,<2.0.0, your requirements are unsatisfiable.");
}

TEST_CASE("solver: branching error reporting") {
  MemoryProvider p;
  p.add("root", "0", {{"foo", ">=1.0.0,<2.0.0"}});
  p.add("foo", "1.0.0", {{"a", ">=1.0.0,<2.0.0"}, {"b", ">=1.0.0,<2.0.0"}});
  p.add("foo", "1.1.0", {{"x", ">=1.0.0,<2.0.0"}, {"y", ">=1.0.0,<2.0.0"}});
  p.add("a", "1.0.0", {{"b", ">=2.0.0,<3.0.0"}});
  p.add("b", "1.0.0");
  p.add("b", "2.0.0");
  p.add("x", "1.0.0", {{"y", ">=2.0.0,<3.0.0"}});
  p.add("y", "1.0.0");
  p.add("y", "2.0.0");
  // Two branches; the first one's conclusion is numbered and referred to at the end.
  CHECK(error_of(p) ==
        "Because a==1.0.0 depends on b>=2.0.0,<3.0.0 and foo==1.0.0 depends on b>=1.0.0,<2.0.0, "
        "we can conclude that a==1.0.0 and foo==1.0.0 are incompatible.\n"
        "(1) And because foo==1.0.0 depends on a>=1.0.0,<2.0.0, we can conclude that foo==1.0.0 cannot be used.\n"
        "\n"
        "Because x==1.0.0 depends on y>=2.0.0,<3.0.0 and foo==1.1.0 depends on y>=1.0.0,<2.0.0, "
        "we can conclude that x==1.0.0 and foo==1.1.0 are incompatible.\n"
        "And because foo==1.1.0 depends on x>=1.0.0,<2.0.0, we can conclude that foo==1.1.0 cannot be used.\n"
        "And because foo==1.0.0 cannot be used (1), we can conclude that all versions of foo cannot be used.\n"
        "And because you require foo>=1.0.0,<2.0.0, your requirements are unsatisfiable.");
  // In the full message every line is indented, the blank separator line stays empty.
  try {
    Solver(p).solve("root");
    FAIL("expected no solution");
  } catch (const NoSolutionError& e) {
    std::string what = e.what();
    CHECK(what.rfind("no solution found when resolving dependencies:\n  Because a==1.0.0 depends on", 0) == 0);
    CHECK(what.find("cannot be used.\n\n  Because x==1.0.0 depends on") != std::string::npos);
  }
}

TEST_CASE("solver: flask and werkzeug") {
  MemoryProvider p;
  p.add("root", "0", {{"flask", ">=3.0"}, {"werkzeug", "<3.0"}});
  p.add("flask", "2.3.3", {{"werkzeug", ">=2.3.7"}});
  p.add("flask", "3.0.0", {{"werkzeug", ">=3.0"}});
  p.add("flask", "3.0.1", {{"werkzeug", ">=3.0"}});
  p.add("flask", "3.0.3", {{"werkzeug", ">=3.0"}});
  p.add("werkzeug", "2.3.7");
  p.add("werkzeug", "3.0.0");
  p.add("werkzeug", "3.0.1");
  // The per-version edges of flask 3.0.0, 3.0.1 and 3.0.3 read as one range.
  CHECK(error_of(p) ==
        "Because flask>=3.0.0 depends on werkzeug>=3.0 and you require werkzeug<3.0, "
        "we can conclude that flask>=3.0.0 cannot be used.\n"
        "And because you require flask>=3.0, your requirements are unsatisfiable.");
  // The whole message, as printed after "error: ".
  Solver s(p);
  try {
    s.solve("root");
    FAIL("expected no solution");
  } catch (const NoSolutionError& e) {
    CHECK(std::string(e.what()) ==
          "no solution found when resolving dependencies:\n"
          "  Because flask>=3.0.0 depends on werkzeug>=3.0 and you require werkzeug<3.0, "
          "we can conclude that flask>=3.0.0 cannot be used.\n"
          "  And because you require flask>=3.0, your requirements are unsatisfiable.");
    CHECK(e.hint().empty());
  }
}

TEST_CASE("solver: the chosen versions follow the provider's order") {
  MemoryProvider p;
  p.add("root", "0", {{"foo", ">=1.0"}});
  p.add("foo", "1.0");
  p.add("foo", "1.5");
  p.add("foo", "2.0");
  CHECK(solve(p) == "foo==2.0");
  p.lowest = true;
  CHECK(solve(p) == "foo==1.0");
}

TEST_CASE("solver: ties go to the package seen first, and results are deterministic") {
  auto make = [](bool a_first) {
    MemoryProvider p;
    if (a_first)
      p.add("root", "0", {{"a", ""}, {"b", ""}});
    else
      p.add("root", "0", {{"b", ""}, {"a", ""}});
    p.add("a", "1");
    p.add("a", "2", {{"b", "<2"}});
    p.add("b", "1");
    p.add("b", "2", {{"a", "<2"}});
    return p;
  };
  MemoryProvider p1 = make(true), p2 = make(false);
  CHECK(solve(p1) == "a==2 b==1");
  CHECK(solve(p2) == "a==1 b==2");
  MemoryProvider p3 = make(true);
  CHECK(solve(p3) == "a==2 b==1");
  CHECK(p1.asked == p3.asked);
}

TEST_CASE("solver: URLs, then exact pins, then ranges") {
  MemoryProvider p;
  p.add("root", "0", {{"a", ">=1"}, {"b", "==1.0"}, {"c", ""}});
  p.add("a", "2.0", {{"b", ">=2"}});
  p.add("a", "1.0");
  p.add("b", "1.0");
  p.add("b", "2.0");
  p.add("c", "1.0");
  p.urls.insert("c");
  CHECK(solve(p) == "a==1.0 b==1.0 c==1.0");
  // root, then the URL package, then the pin, then the range.
  REQUIRE(p.asked.size() == 5);
  CHECK(p.asked[1].first == "c");
  CHECK(p.asked[2].first == "b");
  CHECK(p.asked[3] == std::make_pair(std::string("a"), std::string("2.0")));
  CHECK(p.asked[4] == std::make_pair(std::string("a"), std::string("1.0")));
}

TEST_CASE("solver: prefetch as soon as a package enters the partial solution") {
  MemoryProvider p;
  p.add("root", "0", {{"foo", ">=1.0.0,<2.0.0"}, {"baz", ""}});
  p.add("foo", "1.0.0", {{"bar", ">=1.0.0"}});
  p.add("bar", "1.0.0");
  p.add("baz", "1.0.0");
  CHECK(solve(p) == "bar==1.0.0 baz==1.0.0 foo==1.0.0");
  using P = std::vector<std::pair<std::string, std::string>>;
  CHECK(p.prefetched == P{{"foo", ">=1.0.0, <2.0.0"}, {"baz", "*"}, {"bar", ">=1.0.0"}});
  // Each package was announced before its versions were asked for.
  CHECK(p.asked == P{{"root", "0"}, {"foo", "1.0.0"}, {"baz", "1.0.0"}, {"bar", "1.0.0"}});
}

TEST_CASE("solver: extras as virtual packages") {
  // `name[extra]` depends on `name` at the very same version and on the extra's requirements.
  MemoryProvider p;
  p.add("root", "0", {{"flask", ">=2.0"}, {"flask[async]", ">=2.0"}});
  for (const char* v : {"2.0", "2.1"}) {
    p.add("flask", v, {{"werkzeug", ">=2"}});
    DependencyList extra;
    add_dependency(extra, "flask", Range::exactly(ptinstall::spec::Version::from_string(v)));
    add_dependency(extra, "asgiref", range_of(std::string(v) == "2.1" ? ">=4" : ">=3.2"));
    p.add("flask[async]", v, Dependencies::of(extra));
  }
  p.add("werkzeug", "2.3");
  p.add("asgiref", "3.7");
  CHECK(solve(p) == "asgiref==3.7 flask==2.0 flask[async]==2.0 werkzeug==2.3");
  auto r = Solver(p).solve("root");
  REQUIRE(r.find("flask[async]"));
  CHECK(r.find("flask[async]")->dependencies == std::vector<std::string>{"flask", "asgiref"});
  CHECK(r.root_dependencies == std::vector<std::string>{"flask", "flask[async]"});
  CHECK(!r.find("root"));
  CHECK(!r.find("nothing"));
  CHECK(is_virtual_package("flask[async]"));
  CHECK(!is_virtual_package("flask"));
  CHECK(is_virtual_package("system:cuda"));
  CHECK(split_package("flask[async]").base == "flask");
  CHECK(split_package("flask[async]").extra == "async");
  CHECK(split_package("flask").extra.empty());
  CHECK(extra_package("flask", "async") == "flask[async]");
}

TEST_CASE("solver: an extra takes the version chosen for its package") {
  MemoryProvider p;
  p.add("root", "0", {{"flask", "<=2.0"}, {"flask[async]", ""}});
  for (const char* v : {"1.0", "2.0", "3.0", "3.1"}) {
    p.add("flask", v);
    DependencyList extra;
    add_dependency(extra, "flask", Range::exactly(ptinstall::spec::Version::from_string(v)));
    p.add("flask[async]", v, Dependencies::of(extra));
  }
  CHECK(solve(p) == "flask==2.0 flask[async]==2.0");
  CHECK(p.dependencies_calls["flask[async]"] == 1);
}

TEST_CASE("solver: torch variants agree on system:cuda") {
  auto make = [](const std::string& torch_spec) {
    MemoryProvider p;
    p.add("root", "0", {{"torch", torch_spec}, {"torchvision", ""}});
    p.add("torch", "2.3.0+cu121", {{"system:cuda", "==12.1"}, {"filelock", ""}});
    p.add("torch", "2.3.0+cu118", {{"system:cuda", "==11.8"}, {"filelock", ""}});
    p.add("torchvision", "0.18.0+cu118", {{"torch", "==2.3.0"}, {"system:cuda", "==11.8"}});
    p.add("filelock", "3.13.1");
    p.add("system:cuda", "12.1");
    p.add("system:cuda", "11.8");
    return p;
  };
  MemoryProvider ok = make("");
  CHECK(solve(ok) == "filelock==3.13.1 system:cuda==11.8 torch==2.3.0+cu118 torchvision==0.18.0+cu118");
  MemoryProvider pinned = make("==2.3.0+cu121");
  CHECK(error_of(pinned) ==
        "Because torch==2.3.0+cu121 depends on system:cuda==12.1 and torchvision==0.18.0+cu118 depends on "
        "system:cuda==11.8, we can conclude that torch==2.3.0+cu121 and torchvision==0.18.0+cu118 are "
        "incompatible.\n"
        "And because you require torchvision and torch==2.3.0+cu121, your requirements are unsatisfiable.");
  // Without the virtual dependency the two would mix.
  MemoryProvider mixed;
  mixed.add("root", "0", {{"torch", ""}, {"torchvision", ""}});
  mixed.add("torch", "2.3.0+cu121");
  mixed.add("torch", "2.3.0+cu118");
  mixed.add("torchvision", "0.18.0+cu118", {{"torch", "==2.3.0"}});
  CHECK(solve(mixed) == "torch==2.3.0+cu121 torchvision==0.18.0+cu118");
}

TEST_CASE("solver: unavailable versions, missing packages and hints") {
  MemoryProvider p;
  p.add("root", "0", {{"foo", ""}});
  p.add("foo", "1.0");
  p.add_unavailable("foo", "2.0", "requires Python >=3.12", "the Python in use is 3.10: try `--python-version 3.12`");
  p.add_unavailable("foo", "2.1", "requires Python >=3.12", "the Python in use is 3.10: try `--python-version 3.12`");
  CHECK(solve(p) == "foo==1.0");

  MemoryProvider q = p;
  q.add("root", "1", {{"foo", ">=2.0"}});
  Solver s(q);
  try {
    s.solve("root", ptinstall::spec::Version::from_string("1"));
    FAIL("expected no solution");
  } catch (const NoSolutionError& e) {
    // 2.0 and 2.1 are unavailable for the same reason: one range in the report, one hint.
    CHECK(e.explanation() ==
          "Because foo>=2.0 requires Python >=3.12 and you require foo>=2.0, your requirements are unsatisfiable.");
    CHECK(e.hint() == "the Python in use is 3.10: try `--python-version 3.12`");
  }

  MemoryProvider missing;
  missing.add("root", "0", {{"foo", ""}, {"nonexistent", ">=1"}});
  missing.add("foo", "1.0");
  missing.hints["nonexistent"] = "`nonexistent` was not found on any index; check the name";
  std::string mh;
  CHECK(error_of(missing, &mh) ==
        "Because nonexistent was not found in the package registry and you require nonexistent>=1, "
        "your requirements are unsatisfiable.");
  CHECK(mh == "`nonexistent` was not found on any index; check the name");
}

TEST_CASE("solver: boto3/botocore-style backtracking stays linear") {
  // boto3 1.0.k needs botocore 1.k.*; botocore 1.k.0 needs urllib3>=2 for k >= 50, which the root
  // forbids. Every boto3 from 1.0.149 down to 1.0.49 is looked at once, each botocore at most once.
  MemoryProvider p;
  p.add("root", "0", {{"boto3", ""}, {"urllib3", "<2"}});
  for (int k = 0; k < 150; ++k) {
    std::string ks = std::to_string(k);
    p.add("boto3", "1.0." + ks, {{"botocore", ">=1." + ks + ".0,<1." + std::to_string(k + 1) + ".0"}});
    p.add("botocore", "1." + ks + ".0", {{"urllib3", k >= 50 ? ">=2" : ">=1.25.4,<2"}, {"jmespath", ""}});
  }
  p.add("urllib3", "1.26.18");
  p.add("urllib3", "2.2.1");
  p.add("jmespath", "1.0.1");
  Solver s(p);
  CHECK(format(s.solve("root")) == "boto3==1.0.49 botocore==1.49.0 jmespath==1.0.1 urllib3==1.26.18");
  CHECK(p.dependencies_calls["boto3"] == 101);
  CHECK(p.dependencies_calls["botocore"] == 101);
  CHECK(p.total_dependencies_calls <= 101 * 2 + 3);
  for (const auto& [name, n] : p.versions_calls) CHECK(n == 1);
  std::set<std::pair<std::string, std::string>> unique(p.asked.begin(), p.asked.end());
  CHECK(unique.size() == p.asked.size());
  CHECK(s.stats().decisions < 250);
  // boto3 is announced when it enters, then again every fifth try with what is left of its range.
  std::vector<std::string> boto3_hints;
  for (const auto& [name, range] : p.prefetched)
    if (name == "boto3") boto3_hints.push_back(range);
  REQUIRE(boto3_hints.size() == 1 + 101 / 5);
  CHECK(boto3_hints[0] == "*");
  CHECK(boto3_hints[1] == "!=1.0.146, !=1.0.147, !=1.0.148, !=1.0.149");

  // With the botocore range forbidden up front, no botocore metadata is needed for rejected boto3s.
  MemoryProvider pinned;
  pinned.add("root", "0", {{"boto3", ""}, {"botocore", "<1.50"}});
  for (int k = 0; k < 150; ++k) {
    std::string ks = std::to_string(k);
    pinned.add("boto3", "1.0." + ks, {{"botocore", "==1." + ks + ".0"}});
    pinned.add("botocore", "1." + ks + ".0");
  }
  CHECK(solve(pinned) == "boto3==1.0.49 botocore==1.49.0");
  CHECK(pinned.dependencies_calls["boto3"] == 101);
  CHECK(pinned.dependencies_calls["botocore"] == 1);
}
