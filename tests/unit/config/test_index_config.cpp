#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "pyproject_fixtures.hpp"
#include "ptinstall/config/config_files.hpp"
#include "ptinstall/config/index_config.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "support/paths.hpp"

using namespace ptinstall;
using namespace ptinstall::config;
using ptinstall::test::marker_env;
namespace fs = std::filesystem;

namespace {

struct Env {
  std::map<std::string, std::string> vars;
  EnvLookup fn() const {
    return [this](const char* n) -> const char* {
      auto it = vars.find(n);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

void set_cli(Settings& s, const std::string& key, std::vector<std::string> values, Source source = Source::CommandLine) {
  s.set(key, SettingValue{std::move(values), source, source == Source::CommandLine ? "--" + key : "UV_INDEX"});
}

std::vector<std::string> urls(const IndexConfig& c) {
  std::vector<std::string> out;
  for (const auto& i : c.options.indexes) out.push_back((i.name.empty() ? "" : i.name + "=") + i.url);
  return out;
}

Pyproject parse(const std::string& text) { return Pyproject::parse(text, "/proj/pyproject.toml"); }

IndexConfig build(const Settings& s, const Pyproject* p = nullptr, const std::string& os = "linux",
                  ProjectSelection sel = {}, const Env* env = nullptr) {
  static spec::MarkerEnvironment markers;
  markers = marker_env(os);
  IndexConfigInputs in;
  in.settings = &s;
  in.project = p;
  in.selection = std::move(sel);
  in.markers = &markers;
  if (env) in.getenv = env->fn();
  return build_index_config(in);
}

const char* kPyPi = "pypi=https://pypi.org/simple";

}  // namespace

TEST_CASE("index config: nothing set -> PyPI alone, first-index") {
  Settings s;
  auto c = build(s);
  CHECK(urls(c) == std::vector<std::string>{kPyPi});
  CHECK(c.options.indexes.back().is_default);
  CHECK(c.options.strategy == index::IndexStrategy::FirstIndex);
  CHECK_FALSE(c.options.no_index);
  CHECK(c.options.pins.empty());
  CHECK(c.options.find_links.empty());
}

TEST_CASE("index config: --index values, bare URLs and UV_INDEX lists") {
  CHECK(parse_index_argument("pytorch=https://download.pytorch.org/whl/cu128").name == "pytorch");
  CHECK(parse_index_argument("pytorch=https://download.pytorch.org/whl/cu128").url == "https://download.pytorch.org/whl/cu128");
  auto bare = parse_index_argument("https://example.com/simple?token=abc");
  CHECK(bare.name.empty());
  CHECK(bare.url == "https://example.com/simple?token=abc");
  CHECK_THROWS_WITH(parse_index_argument("name="), Catch::Contains("the URL is empty"));

  // UV_INDEX through the registry: whitespace-separated, order kept, before [[tool.uv.index]].
  static Env env;
  env.vars = {{"UV_INDEX", "a=https://a.example/simple https://b.example/simple"}};
  Settings s;
  apply_environment(s, kInstall, [](const char* n) -> const char* {
    auto it = env.vars.find(n);
    return it == env.vars.end() ? nullptr : it->second.c_str();
  });
  auto p = parse(test::index_table("proj", "https://proj.example/simple", false));
  auto c = build(s, &p);
  CHECK(urls(c) == std::vector<std::string>{"a=https://a.example/simple", "https://b.example/simple",
                                            "proj=https://proj.example/simple", kPyPi});
  CHECK(c.definitions.front().origin == "UV_INDEX");
}

TEST_CASE("index config: command-line indexes come before the project's, a name keeps its first definition") {
  Settings s;
  set_cli(s, "index", {"pytorch-cpu=https://mirror.example/cpu", "extra=https://extra.example/simple"});
  set_cli(s, "extra-index-url", {"https://x.example/simple"});
  auto p = parse(test::accelerator_project("cpu"));
  auto c = build(s, &p);
  CHECK(urls(c) == std::vector<std::string>{"pytorch-cpu=https://mirror.example/cpu", "extra=https://extra.example/simple",
                                            "https://x.example/simple", kPyPi});
  // The CLI definition is not explicit, so the pin and the index both use the mirror.
  CHECK(c.options.pins.at("torch") == "pytorch-cpu");
  CHECK_FALSE(c.options.indexes[0].explicit_only);
}

TEST_CASE("index config: --default-index / --index-url / default = true replace PyPI") {
  auto p = parse(test::index_table("internal", "https://internal.example/simple", false) +
                 "default = true\n");
  Settings none;
  auto c = build(none, &p);
  CHECK(urls(c) == std::vector<std::string>{"internal=https://internal.example/simple"});
  CHECK(c.options.indexes.back().is_default);

  Settings s;
  set_cli(s, "index-url", {"https://idx.example/simple"});
  c = build(s, &p);
  CHECK(urls(c) == std::vector<std::string>{"https://idx.example/simple"});
  set_cli(s, "default-index", {"https://def.example/simple"});
  c = build(s, &p);
  CHECK(urls(c) == std::vector<std::string>{"https://def.example/simple"});

  // A requirements file's --index-url is below the settings.
  RequirementsFile req;
  req.index_url = "https://req.example/simple";
  req.extra_index_urls = {"https://req-extra.example/simple"};
  req.find_links = {"/wheels"};
  IndexConfigInputs in;
  in.settings = &none;
  in.requirements = &req;
  c = build_index_config(in);
  CHECK(urls(c) == std::vector<std::string>{"https://req-extra.example/simple", "https://req.example/simple"});
  CHECK(c.options.find_links == std::vector<std::string>{"/wheels"});
  in.settings = &s;
  CHECK(urls(build_index_config(in)).back() == "https://def.example/simple");
}

TEST_CASE("index config: the six PyTorch-guide shapes") {
  Settings s;
  SECTION("plain") {
    auto p = parse(test::kPlainProject);
    auto c = build(s, &p);
    CHECK(urls(c) == std::vector<std::string>{kPyPi});
    CHECK(c.options.pins.empty());
  }
  SECTION("one explicit accelerator index per backend") {
    for (const auto& [backend, triton] : std::vector<std::pair<std::string, std::string>>{
             {"cpu", ""}, {"cu118", ""}, {"cu126", ""}, {"cu128", ""}, {"cu130", ""},
             {"rocm6.4", "pytorch-triton-rocm"}, {"xpu", "pytorch-triton-xpu"}}) {
      CAPTURE(backend);
      auto p = parse(test::accelerator_project(backend, triton));
      for (const std::string os : {"linux", "macos", "windows"}) {
        auto c = build(s, &p, os);
        CHECK(urls(c) == std::vector<std::string>{"pytorch-" + backend + "=https://download.pytorch.org/whl/" + backend, kPyPi});
        CHECK(c.options.indexes[0].explicit_only);
        std::map<std::string, std::string> pins = {{"torch", "pytorch-" + backend}, {"torchvision", "pytorch-" + backend}};
        if (!triton.empty()) pins[triton] = "pytorch-" + backend;
        CHECK(c.options.pins == pins);
        CHECK(c.direct.empty());
      }
    }
  }
  SECTION("markers") {
    auto p = parse(test::kMarkerProject);
    CHECK(build(s, &p, "linux").options.pins.at("torch") == "pytorch-cu128");
    CHECK(build(s, &p, "macos").options.pins.at("torch") == "pytorch-cpu");
    CHECK(build(s, &p, "windows").options.pins.at("torchvision") == "pytorch-cpu");
  }
  SECTION("extras with conflicts") {
    auto p = parse(test::kExtrasProject);
    CHECK(build(s, &p, "linux", p.select({}, false, {})).options.pins.empty());
    CHECK(build(s, &p, "linux", p.select({"cpu"}, false, {})).options.pins.at("torch") == "pytorch-cpu");
    CHECK(build(s, &p, "windows", p.select({"cu128"}, false, {})).options.pins.at("torchvision") == "pytorch-cu128");
    CHECK_THROWS_WITH(p.select({"cpu", "cu128"}, false, {}),
                      Catch::Equals("extras `cpu` and `cu128` are declared as conflicting in pyproject.toml"));
  }
}

TEST_CASE("index config: --no-sources, --no-index, --index-strategy, --find-links") {
  auto p = parse(test::accelerator_project("cu128"));
  Settings s;
  set_cli(s, "no-sources", {"true"});
  set_cli(s, "no-index", {"true"});
  set_cli(s, "index-strategy", {"unsafe-best-match"});
  set_cli(s, "find-links", {"/a", "https://example.com/links.html"});
  auto c = build(s, &p);
  CHECK(c.options.pins.empty());
  CHECK(c.decisions.empty());
  CHECK(c.options.no_index);
  CHECK(c.options.strategy == index::IndexStrategy::UnsafeBestMatch);
  CHECK(c.options.find_links == std::vector<std::string>{"/a", "https://example.com/links.html"});
  CHECK(urls(c).size() == 2);  // still defined, IndexSet searches nothing with no_index
}

TEST_CASE("index config: flat indexes become find-links") {
  auto p = parse(test::index_table("flat-all", "https://example.com/all/", false) + "format = \"flat\"\n\n" +
                 test::index_table("flat-pinned", "https://example.com/pinned/") + "format = \"flat\"\n\n" +
                 test::index_table("flat-unused", "https://example.com/unused/") + "format = \"flat\"\n\n" +
                 "[tool.uv.sources]\nfoo = { index = \"flat-pinned\" }\nbar = { index = \"flat-unused\", marker = \"sys_platform == 'win32'\" }\n");
  Settings s;
  auto c = build(s, &p, "linux");
  CHECK(c.options.find_links == std::vector<std::string>{"https://example.com/all/", "https://example.com/pinned/"});
  CHECK(urls(c) == std::vector<std::string>{kPyPi});
  CHECK(c.options.pins.empty());
  CHECK(c.decisions.at("foo").index == "flat-pinned");
}

TEST_CASE("index config: a pin to an undefined index is an error naming it") {
  auto p = parse(test::accelerator_project("cu128") + "[tool.uv.sources.torchaudio]\nindex = \"pytorch-cu129\"\nmarker = \"sys_platform == 'win32'\"\n");
  Settings s;
  try {
    build(s, &p, "linux");  // even though the pin does not apply on Linux
    FAIL("no error");
  } catch (const util::Error& e) {
    CHECK_THAT(std::string(e.what()), Catch::StartsWith("`torchaudio` is pinned to the index `pytorch-cu129` (/proj/pyproject.toml:"));
    CHECK_THAT(std::string(e.what()), Catch::EndsWith("), which is not defined"));
    CHECK(e.hint() == "defined indexes: pytorch-cu128");
  }
  // Defined on the command line instead: fine.
  set_cli(s, "index", {"pytorch-cu129=https://download.pytorch.org/whl/cu129"});
  auto c = build(s, &p, "windows");
  CHECK(c.options.pins.at("torchaudio") == "pytorch-cu129");
  // --no-sources skips the check.
  Settings ns;
  set_cli(ns, "no-sources", {"true"});
  CHECK_NOTHROW(build(ns, &p, "linux"));
}

TEST_CASE("index config: url and path sources are direct decisions") {
  auto p = parse("[tool.uv.sources]\nfoo = { url = \"https://user:secret@example.com/foo-1.0-py3-none-any.whl\" }\n"
                 "bar = { path = \"w/bar-1.0-py3-none-any.whl\", marker = \"sys_platform == 'darwin'\" }\n");
  Settings s;
  auto c = build(s, &p, "linux");
  CHECK(c.direct.size() == 1);
  CHECK(c.direct.at("foo").kind == PackageSource::Kind::Url);
  c = build(s, &p, "macos");
  CHECK(c.direct.at("bar").path == fs::path("/proj/w/bar-1.0-py3-none-any.whl"));
  for (const auto& line : c.describe()) CHECK(line.find("secret") == std::string::npos);
}

TEST_CASE("index config: apply_direct_sources turns url and path sources into name @ URL") {
  util::TempDir dir;
  fs::create_directories(dir.path() / "w");
  util::write_file_atomic(dir.path() / "w" / "bar-1.0-py3-none-any.whl", "");
  fs::create_directories(dir.path() / "tree");
  std::string text = "[tool.uv.sources]\n"
                     "foo = { url = \"https://example.com/f/foo-1.0-cp312-cp312-win_amd64.whl#sha256=ab\", marker = \"sys_platform == 'win32'\" }\n"
                     "bar = { path = \"w/bar-1.0-py3-none-any.whl\" }\n"
                     "unused = { url = \"https://example.com/unused-1.0-py3-none-any.whl\" }\n";
  auto p = Pyproject::parse(text, dir.path() / "pyproject.toml");
  Settings s;
  std::vector<spec::Requirement> reqs = {spec::Requirement::parse("foo[x]==1.0"), spec::Requirement::parse("Bar>=1"),
                                         spec::Requirement::parse("other"),
                                         spec::Requirement::parse("foo @ https://elsewhere/foo-2.0-py3-none-any.whl")};
  auto out = apply_direct_sources(reqs, build(s, &p, "windows"));
  REQUIRE(out.size() == 4);
  CHECK(out[0].url == "https://example.com/f/foo-1.0-cp312-cp312-win_amd64.whl#sha256=ab");
  CHECK(out[0].extras == std::vector<std::string>{"x"});
  CHECK(out[0].specifier.empty());
  CHECK(out[1].url == index::file_url(dir.path() / "w" / "bar-1.0-py3-none-any.whl"));
  CHECK(!out[2].url);
  CHECK(out[3].url == "https://elsewhere/foo-2.0-py3-none-any.whl");  // a URL of its own stays
  // On Linux the url source's marker fails: foo comes from the indexes.
  out = apply_direct_sources(reqs, build(s, &p, "linux"));
  CHECK(!out[0].url);
  CHECK(out[0].specifier.to_string() == "==1.0");
  CHECK(out[1].url);
  // --no-sources: nothing changes.
  Settings ns;
  set_cli(ns, "no-sources", {"true"});
  out = apply_direct_sources(reqs, build(ns, &p, "windows"));
  CHECK(!out[0].url);
  CHECK(!out[1].url);

  // Source trees and sdists become `name @ URL` like wheels: the build seam decides whether they
  // can be built (dist::BuildOptions), not the configuration.
  std::filesystem::create_directories(dir.path() / "tree");
  auto tree = Pyproject::parse("[tool.uv.sources]\nbar = { path = \"tree\" }\n", dir.path() / "pyproject.toml");
  out = apply_direct_sources(reqs, build(s, &tree, "linux"));
  REQUIRE(out[1].url);
  CHECK(out[1].url->rfind("file://", 0) == 0);
  CHECK(out[1].url->find("/tree") != std::string::npos);
  auto sdist = Pyproject::parse("[tool.uv.sources]\nfoo = { url = \"https://example.com/foo-1.0.tar.gz\" }\n",
                                dir.path() / "pyproject.toml");
  out = apply_direct_sources(reqs, build(s, &sdist, "linux"));
  REQUIRE(out[0].url);
  CHECK(*out[0].url == "https://example.com/foo-1.0.tar.gz");
  // A path that does not exist is refused, naming the package and the line.
  auto missing = Pyproject::parse("[tool.uv.sources]\nbar = { path = \"nowhere\" }\n", dir.path() / "pyproject.toml");
  CHECK_THROWS_WITH(apply_direct_sources(reqs, build(s, &missing, "linux")),
                    Catch::Contains("`bar` comes from") && Catch::Contains("pyproject.toml:2") &&
                        Catch::Contains("does not exist"));
}

TEST_CASE("index config: credentials from PTINSTALL_INDEX_/UV_INDEX_<NAME>_USERNAME/_PASSWORD") {
  CHECK(index_env_name("pytorch-cu128") == "PYTORCH_CU128");
  CHECK(index_env_name("My.Index_2") == "MY_INDEX_2");
  auto p = parse(test::index_table("internal-pypi", "https://old:old@internal.example/simple", false) +
                 test::index_table("other", "https://other.example/simple", false) +
                 test::index_table("never", "https://never.example/simple", false) + "authenticate = \"never\"\n");
  Env env;
  env.vars = {{"UV_INDEX_INTERNAL_PYPI_USERNAME", "uv user"},
              {"UV_INDEX_INTERNAL_PYPI_PASSWORD", "uv-pass"},
              {"PTINSTALL_INDEX_INTERNAL_PYPI_PASSWORD", "p@ss/word"},
              {"UV_INDEX_OTHER_PASSWORD", "token"},
              {"UV_INDEX_NEVER_USERNAME", "ignored"}};
  Settings s;
  auto c = build(s, &p, "linux", {}, &env);
  CHECK(urls(c) == std::vector<std::string>{"internal-pypi=https://uv%20user:p%40ss%2Fword@internal.example/simple",
                                            "other=https://:token@other.example/simple",
                                            "never=https://never.example/simple", kPyPi});
  for (const auto& line : c.describe()) {
    CHECK(line.find("p%40ss") == std::string::npos);
    CHECK(line.find("token") == std::string::npos);
  }
  // Without variables the URL's own credentials stay.
  Env none;
  CHECK(urls(build(s, &p, "linux", {}, &none))[0] == "internal-pypi=https://old:old@internal.example/simple");
  // authenticate = "never" with credentials in the URL.
  auto bad = parse(test::index_table("never", "https://u:p@never.example/simple", false) + "authenticate = \"never\"\n");
  CHECK_THROWS_WITH(build(s, &bad), Catch::Contains("has `authenticate = \"never\"` but its URL https://u:****@never.example/simple holds credentials"));
}

TEST_CASE("index config: a pinned default index that lost to --default-index stays for its pins") {
  auto p = parse(test::index_table("internal", "https://internal.example/simple", false) + "default = true\n\n" +
                 "[tool.uv.sources]\nfoo = { index = \"internal\" }\n");
  Settings s;
  set_cli(s, "default-index", {"https://def.example/simple"});
  auto c = build(s, &p);
  CHECK(urls(c) == std::vector<std::string>{"internal=https://internal.example/simple", "https://def.example/simple"});
  CHECK(c.options.indexes[0].explicit_only);
  CHECK(c.options.pins.at("foo") == "internal");
}

TEST_CASE("index config: real pyproject files, settings from their [tool.uv] too") {
  fs::path dir = fs::path(ptinstall::test::source_dir()) / ".." / "shared" / "data" / "real-locks";
  if (!fs::exists(dir / "nanochat-pyproject.toml")) {
    WARN("skipped: " + dir.string() + " is absent");
    return;
  }
  SECTION("nanochat") {
    auto p = Pyproject::read(dir / "nanochat-pyproject.toml");
    Settings s;
    for (const std::string os : {"linux", "macos", "windows"}) {
      auto none = build(s, &p, os, p.select({}, false, {}));
      CHECK(none.options.pins.empty());
      CHECK(urls(none) == std::vector<std::string>{"pytorch-cpu=https://download.pytorch.org/whl/cpu",
                                                   "pytorch-cu128=https://download.pytorch.org/whl/cu128", kPyPi});
      CHECK(build(s, &p, os, p.select({"cpu"}, false, {})).options.pins ==
            std::map<std::string, std::string>{{"torch", "pytorch-cpu"}});
      CHECK(build(s, &p, os, p.select({"gpu"}, false, {"dev"})).options.pins ==
            std::map<std::string, std::string>{{"torch", "pytorch-cu128"}});
    }
  }
  SECTION("AI-Playground comfyui-deps") {
    // The file is named differently from pyproject.toml: copy its text into a real pyproject.toml so
    // config_files reads its [tool.uv] settings (index-strategy = "unsafe-best-match").
    util::TempDir tmp;
    util::write_file_atomic(tmp.path() / "pyproject.toml", util::read_file(dir / "ai-playground-comfyui-deps-pyproject.toml"));
    auto p = Pyproject::read(tmp.path() / "pyproject.toml");
    Settings s;
    apply_config_files(s, kInstall, {read_config_file(tmp.path() / "pyproject.toml", Source::ProjectFile)});
    for (const std::string os : {"linux", "macos", "windows"}) {
      CAPTURE(os);
      const bool mac = os == "macos";
      auto c = build(s, &p, os, p.select({"xpu"}, false, {}));
      CHECK(c.options.strategy == index::IndexStrategy::UnsafeBestMatch);
      std::string want = mac ? "pytorch-cpu" : "pytorch-xpu";
      std::map<std::string, std::string> pins = {{"torch", want}, {"torchaudio", want}, {"torchvision", want}};
      if (!mac) pins["triton-xpu"] = "pytorch-xpu";
      CHECK(c.options.pins == pins);
      CHECK(c.direct.count("insightface") == (os == "linux" ? 0u : 1u));
      auto cuda = build(s, &p, os, p.select({"cuda"}, false, {}));
      CHECK(cuda.options.pins.at("torch") == (mac ? "pytorch-cpu" : "pytorch-cuda"));
      CHECK(cuda.options.indexes[2].url == "https://download.pytorch.org/whl/cu130");
      CHECK(build(s, &p, os, p.select({"cpu"}, false, {})).options.pins.at("torchvision") == "pytorch-cpu");
    }
  }
}
