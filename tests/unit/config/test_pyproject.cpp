#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "pyproject_fixtures.hpp"
#include "ptinstall/config/pyproject.hpp"
#include "ptinstall/config/settings.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "support/paths.hpp"

using namespace ptinstall;
using namespace ptinstall::config;
using ptinstall::test::marker_env;
namespace fs = std::filesystem;

namespace {

Pyproject parse(const std::string& text) { return Pyproject::parse(text, "/proj/pyproject.toml"); }

// The index a package is pinned to for this install, "" for the normal indexes.
std::string index_of(const Pyproject& p, const std::string& pkg, const std::string& os,
                     const std::vector<std::string>& extras = {}, const std::vector<std::string>& groups = {}) {
  auto s = p.source_for(pkg, marker_env(os), extras, groups);
  if (!s) return "";
  REQUIRE(s->kind == PackageSource::Kind::Index);
  return s->index;
}

std::vector<std::string> names(const std::vector<spec::Requirement>& reqs) {
  std::vector<std::string> out;
  for (const auto& r : reqs) out.push_back(r.to_string());
  return out;
}

const std::vector<std::string> kNone;
const std::vector<std::string> kOses = {"linux", "macos", "windows"};

fs::path real_locks() { return fs::path(ptinstall::test::source_dir()) / ".." / "shared" / "data" / "real-locks"; }

}  // namespace

TEST_CASE("pyproject: plain project, no uv configuration") {
  auto p = parse(test::kPlainProject);
  CHECK(p.name == "project");
  REQUIRE(p.requires_python);
  CHECK(p.requires_python_text == ">=3.12");
  CHECK(names(p.dependencies) == std::vector<std::string>{"torch>=2.7.0", "torchvision>=0.22.0"});
  CHECK(p.indexes.empty());
  CHECK(p.sources.empty());
  auto sel = p.select({}, false, {});
  CHECK(sel.extras.empty());
  CHECK(names(p.requirements(sel)) == names(p.dependencies));
  for (const auto& os : kOses) CHECK(index_of(p, "torch", os).empty());
  // --all-extras on a project without extras selects nothing.
  CHECK(p.select({}, true, {}).extras.empty());
}

TEST_CASE("pyproject: explicit pytorch-cpu index with torch and torchvision pinned") {
  auto p = parse(test::accelerator_project("cpu"));
  REQUIRE(p.indexes.size() == 1);
  CHECK(p.indexes[0].name == "pytorch-cpu");
  CHECK(p.indexes[0].url == "https://download.pytorch.org/whl/cpu");
  CHECK(p.indexes[0].explicit_only);
  CHECK_FALSE(p.indexes[0].is_default);
  CHECK_FALSE(p.indexes[0].flat);
  CHECK(p.indexes[0].origin == "/proj/pyproject.toml:15");
  for (const auto& os : kOses) {
    CHECK(index_of(p, "torch", os) == "pytorch-cpu");
    CHECK(index_of(p, "TorchVision", os) == "pytorch-cpu");  // any spelling
    CHECK(index_of(p, "numpy", os).empty());
  }
}

TEST_CASE("pyproject: every accelerator index, Triton builds pinned with it") {
  struct Case {
    std::string backend, triton;
  };
  for (const auto& c : std::vector<Case>{{"cu118", ""}, {"cu126", ""}, {"cu128", ""}, {"cu130", ""},
                                         {"rocm6.4", "pytorch-triton-rocm"}, {"xpu", "pytorch-triton-xpu"}}) {
    CAPTURE(c.backend);
    auto p = parse(test::accelerator_project(c.backend, c.triton));
    REQUIRE(p.indexes.size() == 1);
    CHECK(p.indexes[0].url == "https://download.pytorch.org/whl/" + c.backend);
    for (const auto& os : kOses) {
      CHECK(index_of(p, "torch", os) == "pytorch-" + c.backend);
      CHECK(index_of(p, "torchvision", os) == "pytorch-" + c.backend);
      if (!c.triton.empty()) {
        CHECK(index_of(p, c.triton, os) == "pytorch-" + c.backend);
        // The Triton build is pinned even though it is only a dependency of torch, not listed.
        auto reqs = names(p.requirements(p.select({}, false, {})));
        CHECK(std::count(reqs.begin(), reqs.end(), c.triton) == 1);
      }
      CHECK(index_of(p, "pytorch-triton", os).empty());
    }
  }
}

TEST_CASE("pyproject: sources gated by sys_platform markers") {
  auto p = parse(test::kMarkerProject);
  CHECK(index_of(p, "torch", "linux") == "pytorch-cu128");
  CHECK(index_of(p, "torchvision", "linux") == "pytorch-cu128");
  CHECK(index_of(p, "torch", "macos") == "pytorch-cpu");
  CHECK(index_of(p, "torch", "windows") == "pytorch-cpu");
  CHECK(index_of(p, "torchvision", "windows") == "pytorch-cpu");
  auto s = p.source_for("torch", marker_env("linux"), kNone);
  REQUIRE(s);
  CHECK(s->origin == "/proj/pyproject.toml:10");
  CHECK(s->marker.to_string() == "sys_platform == \"linux\"");
}

TEST_CASE("pyproject: extras choose the index; conflicting extras are an error") {
  auto p = parse(test::kExtrasProject);
  CHECK(p.extra_names() == std::vector<std::string>{"cpu", "cu128"});
  REQUIRE(p.conflicts.size() == 1);
  CHECK(p.conflicts[0].size() == 2);
  for (const auto& os : kOses) {
    CHECK(index_of(p, "torch", os).empty());
    CHECK(index_of(p, "torch", os, {"cpu"}) == "pytorch-cpu");
    CHECK(index_of(p, "torch", os, {"cu128"}) == "pytorch-cu128");
    CHECK(index_of(p, "torchvision", os, {"CU128"}) == "pytorch-cu128");
  }
  // --extra cpu
  auto cpu = p.select({"cpu"}, false, {});
  CHECK(cpu.extras == std::vector<std::string>{"cpu"});
  CHECK(names(p.requirements(cpu)) == std::vector<std::string>{"torch>=2.7.0", "torchvision>=0.22.0"});
  CHECK(p.source_for("torch", marker_env("linux"), cpu)->index == "pytorch-cpu");
  // --extra cu128
  auto gpu = p.select({"cu128"}, false, {});
  CHECK(p.source_for("torch", marker_env("linux"), gpu)->index == "pytorch-cu128");
  // nothing: no extra's requirements
  CHECK(p.requirements(p.select({}, false, {})).empty());
  // both
  try {
    p.select({"cpu", "cu128"}, false, {});
    FAIL("no error");
  } catch (const util::Error& e) {
    CHECK(std::string(e.what()) == "extras `cpu` and `cu128` are declared as conflicting in pyproject.toml");
    CHECK_THAT(e.hint(), Catch::Contains("--extra cpu or --extra cu128"));
  }
  CHECK_THROWS_WITH(p.select({}, true, {}), Catch::Contains("are declared as conflicting"));
  // unknown
  try {
    p.select({"cu999"}, false, {});
    FAIL("no error");
  } catch (const util::Error& e) {
    CHECK(std::string(e.what()) == "extra `cu999` is not defined in /proj/pyproject.toml");
    CHECK(e.hint() == "available extras: cpu, cu128");
  }
}

TEST_CASE("pyproject: extras are normalised, duplicates after normalisation are errors") {
  auto p = parse("[project]\nname='x'\n[project.optional-dependencies]\nFoo_Bar = ['a']\n");
  CHECK(p.extra_names() == std::vector<std::string>{"foo-bar"});
  CHECK(p.select({"foo.bar"}, false, {}).extras == std::vector<std::string>{"foo-bar"});
  CHECK_THROWS_WITH(parse("[project]\nname='x'\n[project.optional-dependencies]\nfoo-bar = ['a']\nFoo_Bar = ['b']\n"),
                    Catch::Contains("have the same normalised name"));
}

TEST_CASE("pyproject: dependency groups with include-group") {
  auto p = parse(R"([project]
name = "x"
dependencies = ["a"]
[dependency-groups]
test = ["pytest>=8", {include-group = "Typing"}]
typing = ["mypy"]
dev = [{include-group = "test"}, "ruff"]
)");
  CHECK(p.group_names() == std::vector<std::string>{"dev", "test", "typing"});
  CHECK(names(p.dependency_groups.at("dev")) == std::vector<std::string>{"pytest>=8", "mypy", "ruff"});
  auto sel = p.select({}, false, {"dev", "typing"});
  CHECK(sel.groups == std::vector<std::string>{"dev", "typing"});
  CHECK(names(p.requirements(sel)) == std::vector<std::string>{"a", "pytest>=8", "mypy", "ruff"});
  CHECK(p.requirements(p.select({}, true, {})).size() == 1);  // --all-extras does not select groups
  try {
    p.select({}, false, {"docs"});
    FAIL("no error");
  } catch (const util::Error& e) {
    CHECK(std::string(e.what()) == "dependency group `docs` is not defined in /proj/pyproject.toml");
    CHECK(e.hint() == "available groups: dev, test, typing");
  }
}

TEST_CASE("pyproject: dependency group errors") {
  CHECK_THROWS_WITH(parse("[dependency-groups]\na = [{include-group = 'b'}]\nb = [{include-group = 'c'}]\nc = [{include-group = 'a'}]\n"),
                    Catch::Contains("cycle: a -> b -> c -> a"));
  CHECK_THROWS_WITH(parse("[dependency-groups]\na = [{include-group = 'a'}]\n"), Catch::Contains("cycle: a -> a"));
  CHECK_THROWS_WITH(parse("[dependency-groups]\na = [{include-group = 'zz'}]\n"),
                    Catch::Contains("includes `zz`, which is not defined"));
  CHECK_THROWS_WITH(parse("[dependency-groups]\na = [{include = 'b'}]\nb = []\n"),
                    Catch::Contains("/proj/pyproject.toml:2: a table in `dependency-groups.a` must hold exactly one key"));
  CHECK_THROWS_WITH(parse("[dependency-groups]\na = 'x'\n"),
                    Catch::Contains("/proj/pyproject.toml:2: `dependency-groups.a` must be an array"));
  CHECK_THROWS_WITH(parse("[dependency-groups]\nA = []\na = []\n"), Catch::Contains("same normalised name"));
  CHECK_THROWS_WITH(parse("[dependency-groups]\na = ['not a requirement!']\n"),
                    Catch::Contains("/proj/pyproject.toml:2: invalid requirement"));
}

TEST_CASE("pyproject: type errors name the file, the line and the expected type") {
  CHECK_THROWS_WITH(parse("[project]\nname = 'x'\ndependencies = 'torch'\n"),
                    Catch::Equals("/proj/pyproject.toml:3: `project.dependencies` must be an array of strings, not a string"));
  CHECK_THROWS_WITH(parse("[project]\ndependencies = [1]\n"),
                    Catch::Contains(":2: `project.dependencies` must be an array of strings, not an integer"));
  CHECK_THROWS_WITH(parse("[project]\nname = 1\n"), Catch::Contains(":2: `project.name` must be a string, not an integer"));
  CHECK_THROWS_WITH(parse("[project]\nrequires-python = '>>3'\n"), Catch::Contains("project.requires-python"));
  CHECK_THROWS_WITH(parse("[[tool.uv.index]]\nname = 'a'\nurl = 'https://a'\nexplicit = 'yes'\n"),
                    Catch::Contains(":4: `tool.uv.index.explicit` must be a boolean, not a string"));
  CHECK_THROWS_WITH(parse("[tool.uv]\nindex = { name = 'a' }\n"),
                    Catch::Contains(":2: `tool.uv.index` must be an array of tables, not a table"));
  CHECK_THROWS_WITH(parse("[[tool.uv.index]]\nurl = 'https://a'\n"), Catch::Contains(":1: an entry of `tool.uv.index` has no `name`"));
  CHECK_THROWS_WITH(parse("[[tool.uv.index]]\nname = 'a'\n"), Catch::Contains("has no `url`"));
  CHECK_THROWS_WITH(parse("[[tool.uv.index]]\nname = 'a b'\nurl = 'https://a'\n"), Catch::Contains("invalid index name `a b`"));
  CHECK_THROWS_WITH(parse("[[tool.uv.index]]\nname = 'a'\nurl = 'https://a'\nformat = 'json'\n"),
                    Catch::Contains(":4: invalid value `json` for `tool.uv.index.format`"));
  CHECK_THROWS_WITH(parse("[[tool.uv.index]]\nname = 'a'\nurl = 'https://a'\n[[tool.uv.index]]\nname = 'a'\nurl = 'https://b'\n"),
                    Catch::Contains(":4: the index `a` is defined twice"));
  CHECK_THROWS_WITH(parse("[tool.uv.sources]\ntorch = 'pytorch'\n"),
                    Catch::Contains(":2: `tool.uv.sources.torch` must be a table or an array of tables, not a string"));
  CHECK_THROWS_WITH(parse("[tool.uv.sources]\ntorch = { marker = \"sys_platform == 'linux'\" }\n"),
                    Catch::Contains("names no index, url or path"));
  CHECK_THROWS_WITH(parse("[tool.uv.sources]\ntorch = { index = 'a', url = 'https://x/t.whl' }\n"),
                    Catch::Contains("more than one of"));
  CHECK_THROWS_WITH(parse("[tool.uv.sources]\ntorch = { index = 'a', marker = 'sys_platform = 1' }\n"),
                    Catch::Contains("invalid marker"));
  CHECK_THROWS_WITH(parse("[tool.uv]\nconflicts = [[{ extra = 'a' }]]\n"), Catch::Contains("at least two"));
  CHECK_THROWS_WITH(parse("[tool.uv]\nconflicts = [[{ extra = 'a', group = 'b' }, { extra = 'c' }]]\n"),
                    Catch::Contains("exactly one of `extra` and `group`"));
  CHECK_THROWS_WITH(parse("[tool.uv]\nconflicts = [{ extra = 'a' }]\n"), Catch::Contains("`tool.uv.conflicts` must be an array"));
  CHECK_THROWS_WITH(parse("[project\n"), Catch::Contains("/proj/pyproject.toml:1: invalid TOML"));
  // Dynamic dependencies are the backend's to give (ops reads them through the build seam).
  CHECK(parse("[project]\nname = 'x'\ndynamic = ['version', 'dependencies']\n").dynamic_dependencies);
  CHECK(parse("[project]\nname = 'x'\ndynamic = ['optional-dependencies']\n").dynamic_dependencies);
  CHECK_FALSE(parse("[project]\nname = 'x'\ndynamic = ['version']\n").dynamic_dependencies);
  // `index = [...]` strings are the --index setting, read by config_files, not index tables.
  CHECK(parse("[tool.uv]\nindex = ['a=https://a/simple']\n").indexes.empty());
}

TEST_CASE("pyproject: index entry keys") {
  auto p = parse(R"(
[[tool.uv.index]]
name = "internal"
url = "https://internal.example/simple"
default = true
authenticate = "always"

[[tool.uv.index]]
name = "wheels"
url = "https://example.com/wheels/"
format = "flat"
authenticate = "never"
ignore-error-codes = [401]
)");
  REQUIRE(p.indexes.size() == 2);
  CHECK(p.indexes[0].is_default);
  CHECK(p.indexes[0].authenticate == Authenticate::Always);
  CHECK(p.indexes[1].flat);
  CHECK(p.indexes[1].authenticate == Authenticate::Never);
  CHECK(p.indexes[1].origin == "/proj/pyproject.toml:8");
}

TEST_CASE("pyproject: url and path sources, groups, unsupported kinds") {
  auto p = parse(R"([project]
name = "x"
[dependency-groups]
gpu = ["triton"]
[tool.uv.sources]
foo = { url = "https://example.com/foo-1.0-py3-none-any.whl", marker = "sys_platform == 'darwin'" }
bar = { path = "wheels/bar-1.0-py3-none-any.whl" }
baz = { git = "https://github.com/a/baz", rev = "abc" }
sub = { git = "https://github.com/a/mono.git", tag = "v1", subdirectory = "pkgs/sub" }
ed = { path = "../ed", editable = true }
triton = { index = "pytorch-cu128", group = "gpu" }
[[tool.uv.index]]
name = "pytorch-cu128"
url = "https://download.pytorch.org/whl/cu128"
explicit = true
)");
  auto mac = marker_env("macos");
  auto foo = p.source_for("foo", mac, kNone);
  REQUIRE(foo);
  CHECK(foo->kind == PackageSource::Kind::Url);
  CHECK(foo->url == "https://example.com/foo-1.0-py3-none-any.whl");
  CHECK_FALSE(p.source_for("foo", marker_env("linux"), kNone));
  auto bar = p.source_for("bar", mac, kNone);
  REQUIRE(bar);
  CHECK(bar->kind == PackageSource::Kind::Path);
  CHECK(bar->path == fs::path("/proj/wheels/bar-1.0-py3-none-any.whl"));
  auto baz = p.source_for("baz", mac, kNone);
  REQUIRE(baz);
  CHECK(baz->kind == PackageSource::Kind::Url);
  CHECK(baz->url == "git+https://github.com/a/baz@abc");
  auto sub = p.source_for("sub", mac, kNone);
  REQUIRE(sub);
  CHECK(sub->url == "git+https://github.com/a/mono.git@v1#subdirectory=pkgs/sub");
  auto ed = p.source_for("ed", mac, kNone);
  REQUIRE(ed);
  CHECK(ed->kind == PackageSource::Kind::Path);
  CHECK(ed->editable);
  CHECK(ed->path == fs::path("/ed"));
  CHECK_FALSE(p.source_for("triton", marker_env("linux"), kNone));
  CHECK(index_of(p, "triton", "linux", {}, {"gpu"}) == "pytorch-cu128");
}

TEST_CASE("pyproject: self-references pull in extras, markers joined") {
  auto p = parse(R"([project]
name = "My.Project"
dependencies = ["numpy"]
[project.optional-dependencies]
cpu = ["torch"]
all = ["my-project[cpu]; sys_platform == 'linux'", "rich"]
loop = ["my_project[loop]", "tqdm"]
)");
  auto sel = p.select({"all"}, false, {});
  CHECK(sel.extras == std::vector<std::string>{"all", "cpu"});
  CHECK(names(p.requirements(p.select({"all"}, false, {}))) ==
        std::vector<std::string>{"numpy", "torch; sys_platform == \"linux\"", "rich", "torch"});
  CHECK(names(p.requirements(p.select({"loop"}, false, {}))) == std::vector<std::string>{"numpy", "tqdm"});
}

TEST_CASE("pyproject: conflicts between groups, and an extra with a group") {
  auto p = parse(R"([project]
name = "x"
[project.optional-dependencies]
cpu = ["torch"]
[dependency-groups]
cuda = ["torch"]
rocm = ["torch"]
[tool.uv]
conflicts = [[{ group = "cuda" }, { group = "rocm" }], [{ extra = "cpu" }, { group = "cuda" }]]
)");
  CHECK_THROWS_WITH(p.select({}, false, {"cuda", "rocm"}),
                    Catch::Equals("groups `cuda` and `rocm` are declared as conflicting in pyproject.toml"));
  CHECK_THROWS_WITH(p.select({"cpu"}, false, {"cuda"}),
                    Catch::Equals("extra `cpu` and group `cuda` are declared as conflicting in pyproject.toml"));
  CHECK_NOTHROW(p.select({"cpu"}, false, {"rocm"}));
}

TEST_CASE("pyproject: --group PATH:NAME") {
  auto g = parse_group_argument("dev");
  CHECK_FALSE(g.path);
  CHECK(g.name == "dev");
  g = parse_group_argument("sub/pyproject.toml:test");
  CHECK(g.path == fs::path("sub/pyproject.toml"));
  CHECK(g.name == "test");
  CHECK_THROWS(parse_group_argument("x:"));
}

TEST_CASE("pyproject: read_index_definitions from pyproject.toml and uv.toml") {
  util::TempDir dir;
  util::write_file_atomic(dir.path() / "uv.toml", "[[index]]\nname = 'a'\nurl = 'https://a/simple'\n");
  auto defs = read_index_definitions(dir.path() / "uv.toml");
  REQUIRE(defs.size() == 1);
  CHECK(defs[0].origin == (dir.path() / "uv.toml").string() + ":1");
  util::write_file_atomic(dir.path() / "uv.toml", "index = ['a=https://a/simple']\n");
  CHECK(read_index_definitions(dir.path() / "uv.toml").empty());
  util::write_file_atomic(dir.path() / "pyproject.toml", test::accelerator_project("cu126"));
  defs = read_index_definitions(dir.path() / "pyproject.toml");
  REQUIRE(defs.size() == 1);
  CHECK(defs[0].name == "pytorch-cu126");
  auto p = Pyproject::read(dir.path() / "pyproject.toml");
  CHECK(p.path == dir.path() / "pyproject.toml");
}

TEST_CASE("pyproject: real nanochat pyproject.toml") {
  fs::path file = real_locks() / "nanochat-pyproject.toml";
  if (!fs::exists(file)) {
    WARN("skipped: " + file.string() + " is absent");
    return;
  }
  auto p = Pyproject::read(file);
  CHECK(p.name == "nanochat");
  CHECK(p.extra_names() == std::vector<std::string>{"cpu", "gpu"});
  CHECK(p.group_names() == std::vector<std::string>{"dev"});
  CHECK(p.indexes.size() == 2);
  for (const auto& os : kOses) {
    CAPTURE(os);
    CHECK(index_of(p, "torch", os).empty());  // no extra: torch from PyPI
    CHECK(p.source_for("torch", marker_env(os), p.select({"cpu"}, false, kNone))->index == "pytorch-cpu");
    CHECK(p.source_for("torch", marker_env(os), p.select({"gpu"}, false, kNone))->index == "pytorch-cu128");
    CHECK(index_of(p, "numpy", os, {"gpu"}).empty());
  }
  auto cpu = names(p.requirements(p.select({"cpu"}, false, {"dev"})));
  CHECK(std::count(cpu.begin(), cpu.end(), "torch==2.9.1") == 1);
  CHECK(std::count(cpu.begin(), cpu.end(), "setuptools>=65.0.0") == 1);
  CHECK(std::count(cpu.begin(), cpu.end(), "pytest>=8.0.0") == 1);
  CHECK(cpu.size() == p.dependencies.size() + 1 + 4);
  CHECK_THROWS_WITH(p.select({"cpu", "gpu"}, false, {}),
                    Catch::Equals("extras `cpu` and `gpu` are declared as conflicting in nanochat-pyproject.toml"));
}

TEST_CASE("pyproject: real AI-Playground comfyui-deps pyproject.toml") {
  fs::path file = real_locks() / "ai-playground-comfyui-deps-pyproject.toml";
  if (!fs::exists(file)) {
    WARN("skipped: " + file.string() + " is absent");
    return;
  }
  auto p = Pyproject::read(file);
  CHECK(p.name == "aipg-comfyui");
  CHECK(p.requires_python_text == "==3.12.*");
  CHECK(p.extra_names() == std::vector<std::string>{"cpu", "cuda", "xpu"});
  REQUIRE(p.indexes.size() == 3);
  for (const auto& os : kOses) {
    CAPTURE(os);
    const bool mac = os == "macos";
    for (const std::string pkg : {"torch", "torchaudio", "torchvision"}) {
      CAPTURE(pkg);
      CHECK(index_of(p, pkg, os).empty());
      CHECK(index_of(p, pkg, os, {"xpu"}) == (mac ? "pytorch-cpu" : "pytorch-xpu"));
      CHECK(index_of(p, pkg, os, {"cuda"}) == (mac ? "pytorch-cpu" : "pytorch-cuda"));
      CHECK(index_of(p, pkg, os, {"cpu"}) == "pytorch-cpu");
    }
    CHECK(index_of(p, "triton-xpu", os, {"xpu"}) == (mac ? "" : "pytorch-xpu"));
    CHECK(index_of(p, "triton-xpu", os, {"cuda"}).empty());
    auto insight = p.source_for("insightface", marker_env(os), kNone);
    if (os == "linux") {
      CHECK_FALSE(insight);
    } else {
      REQUIRE(insight);
      CHECK(insight->kind == PackageSource::Kind::Url);
      CHECK_THAT(insight->url, Catch::EndsWith(mac ? "macosx_11_0_arm64.whl" : "win_amd64.whl"));
    }
    // The requirements of --extra xpu that apply on this OS.
    auto sel = p.select({"xpu"}, false, {});
    int triton = 0, svglib = 0;
    for (const auto& r : p.requirements(sel)) {
      if (!r.applies(marker_env(os), sel.extras)) continue;
      triton += r.package.str() == "triton-xpu";
      svglib += r.package.str() == "svglib";
    }
    CHECK(triton == (mac ? 0 : 1));
    CHECK(svglib == (os == "linux" ? 0 : 1));
  }
  CHECK_THROWS_WITH(p.select({"xpu", "cuda"}, false, {}),
                    Catch::Equals("extras `xpu` and `cuda` are declared as conflicting in ai-playground-comfyui-deps-pyproject.toml"));
  CHECK_THROWS_WITH(p.select({}, true, {}), Catch::Contains("declared as conflicting"));
}

TEST_CASE("pyproject: load_project applies --extra, --all-extras and --group") {
  util::TempDir dir;
  fs::path file = dir.path() / "pyproject.toml";
  util::write_file_atomic(file, std::string(test::kExtrasProject) + "\n[dependency-groups]\ndev = [\"pytest\"]\n");
  auto cli = [](std::vector<std::string> v) { return SettingValue{std::move(v), Source::CommandLine, "--x"}; };
  Settings s;
  s.set("extra", cli({"CPU"}));
  s.set("group", cli({file.string() + ":dev"}));
  auto req = load_project(file, s);
  CHECK(req.selection.extras == std::vector<std::string>{"cpu"});
  CHECK(req.selection.groups == std::vector<std::string>{"dev"});
  CHECK(names(req.requirements) == std::vector<std::string>{"torch>=2.7.0", "torchvision>=0.22.0", "pytest"});
  CHECK(req.project.source_for("torch", marker_env("linux"), req.selection)->index == "pytorch-cpu");
  s.set("group", cli({"other/pyproject.toml:dev"}));
  CHECK_THROWS_WITH(load_project(file, s), Catch::Contains("groups of another file than"));
  Settings all;
  all.set("all-extras", cli({"true"}));
  CHECK_THROWS_WITH(load_project(file, all), Catch::Contains("are declared as conflicting"));
  Settings none;
  CHECK(load_project(file, none).requirements.empty());
}

TEST_CASE("pyproject: the first matching source wins when several hold") {
  auto p = parse(R"([tool.uv.sources]
torch = [
  { index = "pytorch-cu128", marker = "sys_platform == 'linux'" },
  { index = "pytorch-cpu", extra = "cpu" },
  { index = "fallback" },
  { index = "never-reached" },
]
)");
  CHECK(index_of(p, "torch", "linux") == "pytorch-cu128");
  CHECK(index_of(p, "torch", "linux", {"cpu"}) == "pytorch-cu128");
  CHECK(index_of(p, "torch", "windows", {"cpu"}) == "pytorch-cpu");
  CHECK(index_of(p, "torch", "macos") == "fallback");
}
