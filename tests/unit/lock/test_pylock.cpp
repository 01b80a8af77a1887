#include <catch2/catch.hpp>

#include <string>

#include "ptinstall/lock/lock_install.hpp"
#include "ptinstall/lock/pylock.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall;
using lock::Pylock;

namespace {

const std::string kSha = std::string(64, 'a');
const std::string kSha2 = std::string(64, 'b');

// A lock in the spec's shape (its example, reduced): two packages, one with two wheels and an sdist.
std::string example() {
  return R"(lock-version = '1.0'
environments = ["sys_platform == 'linux'"]
requires-python = '>=3.8'
extras = ['cpu', 'cu128']
dependency-groups = ['dev']
default-groups = []
created-by = 'mousebender'

[[packages]]
name = 'Attrs'
version = '25.1.0'
requires-python = '>=3.8'
index = 'https://pypi.org/simple'
dependencies = [{name = 'six'}]
wheels = [
  {name = 'attrs-25.1.0-py3-none-any.whl', upload-time = 2025-01-25T11:30:10.164985+00:00, url = 'https://files.pythonhosted.org/attrs-25.1.0-py3-none-any.whl', size = 63152, hashes = {sha256 = ')" + kSha + R"('}},
  {url = 'https://files.pythonhosted.org/attrs-25.1.0-cp312-cp312-win_amd64.whl', hashes = {sha256 = ')" + kSha2 + R"('}},
]
sdist = {name = 'attrs-25.1.0.tar.gz', url = 'https://files.pythonhosted.org/attrs-25.1.0.tar.gz', hashes = {sha256 = ')" + kSha + R"('}}

[[packages]]
name = 'torch'
version = '2.9.1+cpu'
marker = "'cpu' in extras"
index = 'https://download.pytorch.org/whl/cpu'
wheels = [{url = 'https://x/torch-2.9.1%2Bcpu-cp312-cp312-manylinux_2_28_x86_64.whl', hashes = {sha256 = ')" + kSha + R"('}}]

[[packages]]
name = 'torch'
version = '2.9.1+cu128'
marker = "'cu128' in extras"
index = 'https://download.pytorch.org/whl/cu128'
wheels = [{url = 'https://x/torch-2.9.1%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl', hashes = {sha256 = ')" + kSha2 + R"('}}]

[tool.ptinstall]
torch-backend = 'auto'
torch-accelerator = 'cuda (nvidia-smi)'
torch-indexes = ['https://download.pytorch.org/whl/cu128']
)";
}

std::string message(const std::string& text) {
  try {
    Pylock::parse(text, "pylock.toml");
  } catch (const util::Error& e) {
    return e.what();
  }
  return "(no error)";
}

lock::LockTarget linux312() {
  lock::LockTarget t;
  t.markers.set("sys_platform", "linux");
  t.markers.set("platform_machine", "x86_64");
  t.markers.set("python_version", "3.12");
  t.markers.set("python_full_version", "3.12.3");
  t.python = *spec::Version::parse("3.12.3");
  return t;
}

// The wheel tags of linux312(): CPython 3.12 on x86_64 glibc 2.36.
spec::SupportedTags linux312_tags() {
  spec::TagEnvironment te;
  te.py_minor = 12;
  te.os = "linux";
  te.arch = "x86_64";
  te.glibc = std::make_pair(2, 36);
  return spec::SupportedTags::for_environment(te);
}

std::string install_message(const Pylock& p, const lock::LockTarget& t) {
  try {
    lock::lock_install(p, "pylock.toml", t);
  } catch (const util::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("pylock.toml: the spec's fields are read") {
  Pylock p = Pylock::parse(example(), "pylock.toml");
  CHECK(p.lock_version == "1.0");
  CHECK(p.created_by == "mousebender");
  CHECK(p.environments == std::vector<std::string>{"sys_platform == \"linux\""});
  CHECK(p.requires_python == ">=3.8");
  CHECK(p.extras == std::vector<std::string>{"cpu", "cu128"});
  CHECK(p.dependency_groups == std::vector<std::string>{"dev"});
  REQUIRE(p.packages.size() == 3);
  const auto& attrs = p.packages[0];
  CHECK(attrs.name == "attrs");
  CHECK(attrs.version == "25.1.0");
  CHECK(attrs.index == "https://pypi.org/simple");
  REQUIRE(attrs.dependencies.size() == 1);
  CHECK(attrs.dependencies[0].name == "six");
  REQUIRE(attrs.wheels.size() == 2);
  CHECK(attrs.wheels[0].size == 63152u);
  CHECK(attrs.wheels[0].upload_time.has_value());
  CHECK(attrs.wheels[1].name == "attrs-25.1.0-cp312-cp312-win_amd64.whl");  // from the URL
  CHECK(attrs.wheels[0].hashes.at("sha256") == kSha);
  REQUIRE(attrs.sdist);
  CHECK(p.packages[1].marker == "\"cpu\" in extras");
  REQUIRE(p.torch);
  CHECK(p.torch->backend == "auto");
  CHECK(p.torch->indexes.size() == 1);
}

TEST_CASE("pylock.toml: written text reads back to the same value") {
  Pylock p = Pylock::parse(example(), "pylock.toml");
  std::string text = p.to_toml();
  Pylock q = Pylock::parse(text, "again.toml");
  CHECK(q.to_toml() == text);
  CHECK(q.packages.size() == 3);
  CHECK(q.packages[0].wheels[0].upload_time == p.packages[0].wheels[0].upload_time);
  CHECK(text.find("upload-time = 2025-01-25T11:30:10.164985Z") != std::string::npos);
  CHECK(text.find("lock-version = \"1.0\"") == 0);
  CHECK(text.find("[tool.ptinstall]") != std::string::npos);
  // The two torch entries are ordered by version, and a string with quotes is escaped.
  CHECK(text.find("2.9.1+cpu") < text.find("2.9.1+cu128"));
  Pylock odd;
  odd.created_by = "tool \"x\" \\ y";
  odd.packages.push_back({});
  odd.packages[0].name = "a";
  odd.packages[0].archive = lock::LockedFile{};
  odd.packages[0].archive->url = "https://h/a.tar.gz";
  odd.packages[0].archive->hashes["sha256"] = kSha;
  CHECK(Pylock::parse(odd.to_toml(), "x").created_by == odd.created_by);
}

TEST_CASE("pylock.toml: invalid input is an error naming the file and the package") {
  std::string base = example();
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = base;
    auto at = t.find(from);
    REQUIRE(at != std::string::npos);
    return t.replace(at, from.size(), to);
  };
  CHECK_THAT(message("lock-version = \n"), Catch::StartsWith("pylock.toml:1: invalid TOML"));
  CHECK_THAT(message(with("lock-version = '1.0'", "lock-version = '2.0'")),
             Catch::Contains("unknown lock-version 2.0"));
  CHECK_THAT(message(with("lock-version = '1.0'", "lock-version = 'one'")), Catch::Contains("invalid lock-version"));
  CHECK_THAT(message(with("lock-version = '1.0'\n", "")), Catch::Contains("`lock-version` is missing"));
  CHECK_THAT(message(with("created-by = 'mousebender'\n", "")), Catch::Contains("`created-by` is missing"));
  CHECK_THAT(message(with(", hashes = {sha256 = '" + kSha2 + "'}}]", "}]")),
             Catch::Contains("of package `torch` has no hashes"));
  CHECK_THAT(message(with("hashes = {sha256 = '" + kSha2 + "'}}]", "hashes = {}}]")),
             Catch::Contains("has no hashes"));
  CHECK_THAT(message(with("hashes = {sha256 = '" + kSha2 + "'}}]", "hashes = {sha256 = 'xyz'}}]")),
             Catch::Contains("is not a hex digest"));
  CHECK_THAT(message(with("marker = \"'cpu' in extras\"", "marker = \"sys_platform ==\"")),
             Catch::Contains("`marker` of package `torch`: invalid marker"));
  CHECK_THAT(message(with("size = 63152", "size = 'big'")), Catch::Contains("`size` of attrs-25.1.0-py3-none-any.whl of package `attrs`"));
  CHECK_THAT(message(with("name = 'Attrs'", "name = 3")), Catch::Contains("`name` must be a string, not an integer"));
  CHECK_THAT(message(with("version = '25.1.0'", "version = 'x.y'")), Catch::Contains("invalid version `x.y` of package `attrs`"));
  CHECK_THAT(message(with("index = 'https://download.pytorch.org/whl/cpu'",
                          "archive = {url = 'https://h/t.tar.gz', hashes = {sha256 = '" + kSha + "'}}")),
             Catch::Contains("package `torch` has more than one kind of source"));
  CHECK_THAT(message("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\nversion = '1'\n"),
             Catch::Contains("package `a` has no source"));
  CHECK_THAT(message("lock-version = '1.0'\ncreated-by = 'x'\n"), Catch::Contains("`packages` is missing"));
  CHECK_THAT(message(with("upload-time = 2025-01-25T11:30:10.164985+00:00", "upload-time = '2025'")),
             Catch::Contains("must be a TOML datetime"));
  CHECK_THAT(message(with("requires-python = '>=3.8'\n", "requires-python = '>>3'\n")),
             Catch::Contains("`requires-python`"));
}

TEST_CASE("pylock.toml: the install algorithm picks entries by marker, extras and tags") {
  Pylock p = Pylock::parse(example(), "pylock.toml");
  spec::SupportedTags tags = linux312_tags();
  lock::LockTarget t = linux312();
  t.tags = &tags;

  // No extra: attrs (its pure wheel) only.
  auto li = lock::lock_install(p, "pylock.toml", t);
  REQUIRE(li.resolution.packages.size() == 1);
  CHECK(li.resolution.packages[0].dist.filename() == "attrs-25.1.0-py3-none-any.whl");
  CHECK(li.required_hashes.at("attrs") == std::vector<std::string>{"sha256:" + kSha});

  // --extra cu128: torch from the cu128 index.
  t.extras = {"cu128"};
  li = lock::lock_install(p, "pylock.toml", t);
  REQUIRE(li.resolution.packages.size() == 2);
  const auto* torch = li.resolution.find("torch");
  REQUIRE(torch);
  CHECK(torch->version.to_string() == "2.9.1+cu128");
  CHECK(torch->dist.index_url() == "https://download.pytorch.org/whl/cu128");

  // Both extras: two entries for torch apply.
  t.extras = {};
  t.all_extras = true;
  CHECK_THAT(install_message(p, t), Catch::Contains("two entries for package `torch` apply"));
  t.all_extras = false;

  // An extra or group the lock does not know.
  t.extras = {"rocm"};
  CHECK_THAT(install_message(p, t), Catch::Contains("the lock has no extra `rocm`"));
  t.extras = {};
  t.groups = {"docs"};
  CHECK_THAT(install_message(p, t), Catch::Contains("the lock has no dependency group `docs`"));
  t.groups = {};

  // environments and requires-python.
  lock::LockTarget mac = linux312();
  mac.tags = &tags;
  mac.markers.set("sys_platform", "darwin");
  CHECK_THAT(install_message(p, mac), Catch::Contains("the lock is for other environments"));
  lock::LockTarget old = linux312();
  old.tags = &tags;
  old.python = *spec::Version::parse("3.7.9");
  CHECK_THAT(install_message(p, old), Catch::Contains("the lock needs Python >=3.8"));

  // No wheel fits: the sdist is chosen; without one, an error naming the wheels.
  spec::TagEnvironment win;
  win.py_minor = 11;
  win.os = "linux";
  win.arch = "aarch64";
  win.musl = std::make_pair(1, 2);
  spec::SupportedTags wtags = spec::SupportedTags::for_environment(win);
  lock::LockTarget w = linux312();
  w.tags = &wtags;
  li = lock::lock_install(p, "pylock.toml", w);
  CHECK(li.resolution.packages[0].dist.filename() == "attrs-25.1.0-py3-none-any.whl");  // py3-none-any fits anything
  w.extras = {"cpu"};
  CHECK_THAT(install_message(p, w), Catch::Contains("no wheel of package `torch` fits the target"));
}

TEST_CASE("pylock.toml: vcs and directory entries") {
  std::string text = R"(lock-version = '1.0'
created-by = 'x'
[[packages]]
name = 'gitproj'
version = '0.3'
vcs = {type = 'git', url = 'https://host/repo.git', requested-revision = 'main', commit-id = 'abc123', subdirectory = 'sub'}
[[packages]]
name = 'proj'
directory = {path = 'proj', editable = true}
)";
  Pylock p = Pylock::parse(text, "pylock.toml");
  REQUIRE(p.packages.size() == 2);
  REQUIRE(p.packages[0].vcs);
  CHECK(p.packages[0].vcs->commit_id == "abc123");
  CHECK(p.packages[0].vcs->requested_revision == "main");
  CHECK(p.packages[0].vcs->subdirectory == "sub");
  REQUIRE(p.packages[1].directory);
  CHECK(p.packages[1].directory->editable);
  CHECK(!p.packages[1].version);
  Pylock q = Pylock::parse(p.to_toml(), "again");
  CHECK(q.to_toml() == p.to_toml());
  CHECK_THAT(message("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'g'\nvcs = {type = 'git', url = 'u'}\n"),
             Catch::Contains("`commit-id` of package `g` is missing"));
  CHECK_THAT(message("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'd'\ndirectory = {editable = 1}\n"),
             Catch::Contains("`path` of package `d` is missing"));
  CHECK_THAT(message("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'd'\ndirectory = {path = 'p', editable = 1}\n"),
             Catch::Contains("`editable` of package `d` must be a boolean"));
}

TEST_CASE("pylock.toml: a file name that decodes to no UTF-8 stays percent-encoded, so the lock writes back") {
  // Found by tests/fuzz/fuzz_pylock.cpp: `%9B` decoded into the name made to_toml() write a string
  // no TOML reader accepts.
  const std::string sha(64, 'a');
  const std::string text = "lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'torch'\nversion = '2.9.1'\n"
                           "wheels = [{url = 'https://x/torch-2.9.1%9Bcu128-cp312-cp312-linux_x86_64.whl', hashes = "
                           "{sha256 = '" + sha + "'}}, {url = 'https://x/caf%C3%A9-1.0-py3-none-any.whl', hashes = "
                           "{sha256 = '" + sha + "'}}]\n";
  Pylock lock = Pylock::parse(text, "pylock.toml");
  REQUIRE(lock.packages.size() == 1);
  REQUIRE(lock.packages[0].wheels.size() == 2);
  CHECK(lock.packages[0].wheels[0].name == "torch-2.9.1%9Bcu128-cp312-cp312-linux_x86_64.whl");
  CHECK(lock.packages[0].wheels[1].name == "caf\xc3\xa9-1.0-py3-none-any.whl");  // valid UTF-8: decoded
  Pylock again = Pylock::parse(lock.to_toml(), "pylock.toml");
  CHECK(again.to_toml() == lock.to_toml());
}

TEST_CASE("pylock.toml: attestation-identities read, written and checked") {
  Pylock p;
  p.packages.push_back({});
  auto& pkg = p.packages[0];
  pkg.name = "lib";
  pkg.version = "1.0";
  pkg.wheels.push_back({});
  pkg.wheels[0].name = "lib-1.0-py3-none-any.whl";
  pkg.wheels[0].url = "https://h/lib-1.0-py3-none-any.whl";
  pkg.wheels[0].hashes["sha256"] = kSha;
  pkg.attestation_identities = {{{"kind", "GitHub"}, {"repository", "o/lib"}, {"workflow", "release.yml"}},
                                {{"kind", "GitLab"}, {"workflow_filepath", ".gitlab-ci.yml"}}};
  std::string text = p.to_toml();
  CHECK(text.find("{ kind = \"GitHub\", repository = \"o/lib\", workflow = \"release.yml\" }") != std::string::npos);
  CHECK(Pylock::parse(text, "x").packages[0].attestation_identities == pkg.attestation_identities);
  std::string no_kind = text;
  no_kind.replace(no_kind.find("kind = \"GitHub\", "), 17, "");
  CHECK_THROWS_WITH(Pylock::parse(no_kind, "x.toml"), Catch::Contains("has no string `kind`") && Catch::Contains("lib"));
}

TEST_CASE("pylock.toml: [packages.variants-json] (PEP 825) is read, written back and ranks the wheels") {
  const std::string lock_text = R"(lock-version = '1.0'
created-by = 'x'

[[packages]]
name = 'torch'
version = '2.13.0'
wheels = [
  { name = 'torch-2.13.0-py3-none-any-cuda12.8.whl', url = 'https://i/torch-2.13.0-py3-none-any-cuda12.8.whl', hashes = { sha256 = ')" +
                                kSha + R"(' } },
  { name = 'torch-2.13.0-py3-none-any-null.whl', url = 'https://i/torch-2.13.0-py3-none-any-null.whl', hashes = { sha256 = ')" +
                                kSha2 + R"(' } },
]

[packages.variants-json]
"$schema" = "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json"
default-priorities = { namespace = ["nvidia"] }
variants = { "cuda12.8" = { nvidia = { cuda_version_lower_bound = ["12.8"] } }, null = {} }
)";
  Pylock p = Pylock::parse(lock_text, "pylock.toml");
  REQUIRE(p.packages.size() == 1);
  REQUIRE(p.packages[0].variants_json);
  CHECK_THAT(*p.packages[0].variants_json, Catch::Contains(R"("cuda12.8":{"nvidia":{"cuda_version_lower_bound":["12.8"]}})"));
  // Written back: the same table, `$schema` and the dotted label quoted.
  std::string written = p.to_toml();
  CHECK_THAT(written, Catch::Contains("\n[packages.variants-json]\n\"$schema\" = \"https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json\"\n"));
  CHECK_THAT(written, Catch::Contains("\"cuda12.8\" = { nvidia = { cuda_version_lower_bound = [\"12.8\"] } }"));
  CHECK(*Pylock::parse(written, "again.toml").packages[0].variants_json == *p.packages[0].variants_json);

  spec::SupportedTags tags = linux312_tags();
  lock::LockTarget t = linux312();
  t.tags = &tags;
  // No CUDA on this machine: null; a machine with CUDA 12.9: cuda12.8.
  t.variant_native = [] { return spec::SupportedProperties{}; };
  CHECK(lock::lock_install(p, "pylock.toml", t).resolution.packages[0].dist.filename() ==
        "torch-2.13.0-py3-none-any-null.whl");
  t.variant_native = [] {
    spec::SupportedProperties s;
    s.add("nvidia", "cuda_version_lower_bound", {"12.9", "12.8"}, "test");
    return s;
  };
  auto li = lock::lock_install(p, "pylock.toml", t);
  CHECK(li.resolution.packages[0].dist.filename() == "torch-2.13.0-py3-none-any-cuda12.8.whl");
  CHECK(li.required_hashes.at("torch") == std::vector<std::string>{"sha256:" + kSha});

  // A table that is not variant metadata is refused when the lock is read.
  std::string bad = lock_text.substr(0, lock_text.find("variants = {")) + "variants = 3\n";
  CHECK_THROWS_WITH(Pylock::parse(bad, "pylock.toml"), Catch::Contains("`variants` is not an object"));
}

TEST_CASE("pylock.toml: an abi_dependency build follows the version the lock installs (PEP 850)") {
  auto lock_with_torch = [](const std::string& torch) {
    return R"(lock-version = '1.0'
created-by = 'x'

[[packages]]
name = 'torch'
version = ')" + torch + R"('
wheels = [{ name = 'torch-)" + torch + R"(-py3-none-any.whl', url = 'https://i/torch.whl', hashes = { sha256 = ')" +
           kSha + R"(' } }]

[[packages]]
name = 'flashy'
version = '1.0'
wheels = [
  { name = 'flashy-1.0-py3-none-any-torch2.13.whl', url = 'https://i/a.whl', hashes = { sha256 = ')" + kSha + R"(' } },
  { name = 'flashy-1.0-py3-none-any-torch2.12.whl', url = 'https://i/b.whl', hashes = { sha256 = ')" + kSha2 + R"(' } },
]

[packages.variants-json]
"$schema" = "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json"
default-priorities = { namespace = [] }
variants = { "torch2.12" = { abi_dependency = { torch = ["2.12"] } }, "torch2.13" = { abi_dependency = { torch = ["2.13"] } } }
)";
  };
  spec::SupportedTags tags = linux312_tags();
  lock::LockTarget t = linux312();
  t.tags = &tags;
  t.variant_native = [] { return spec::SupportedProperties{}; };
  auto file_of = [&](const std::string& torch) {
    auto li = lock::lock_install(Pylock::parse(lock_with_torch(torch), "pylock.toml"), "pylock.toml", t);
    for (const auto& p : li.resolution.packages)
      if (p.name() == "flashy") return p.dist.filename();
    return std::string();
  };
  CHECK(file_of("2.12.0") == "flashy-1.0-py3-none-any-torch2.12.whl");
  CHECK(file_of("2.13.1") == "flashy-1.0-py3-none-any-torch2.13.whl");
  CHECK_THROWS_WITH(file_of("2.11.0"), Catch::Contains("no variant wheel of package `flashy` in the lock is supported by this "
                                                         "machine (torch2.12: built for torch==2.12.*; the lock installs "
                                                         "torch 2.11.0; torch2.13: built for torch==2.13.*;"));
}

TEST_CASE("pylock.toml: [packages.tool.ptinstall] variant-required-by leaves out what only another build needs") {
  const std::string lock_text = R"(lock-version = '1.0'
created-by = 'x'

[[packages]]
name = 'torch'
version = '2.13.0'
wheels = [
  { name = 'torch-2.13.0-py3-none-any-cuda12.8.whl', url = 'https://i/a.whl', hashes = { sha256 = ')" + kSha + R"(' } },
  { name = 'torch-2.13.0-py3-none-any-null.whl', url = 'https://i/b.whl', hashes = { sha256 = ')" + kSha2 + R"(' } },
]

[packages.variants-json]
"$schema" = "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json"
default-priorities = { namespace = ["nvidia"] }
variants = { "cuda12.8" = { nvidia = { cuda_version_lower_bound = ["12.8"] } }, null = {} }

[[packages]]
name = 'nvidia-runtime'
version = '1.0'
wheels = [{ name = 'nvidia_runtime-1.0-py3-none-any.whl', url = 'https://i/n.whl', hashes = { sha256 = ')" + kSha + R"(' } }]

[packages.tool.ptinstall]
variant-required-by = [{ name = 'torch', marker = "'nvidia' in variant_namespaces" }]

[[packages]]
name = 'nvidia-helper'
version = '1.0'
wheels = [{ name = 'nvidia_helper-1.0-py3-none-any.whl', url = 'https://i/h.whl', hashes = { sha256 = ')" + kSha + R"(' } }]

[packages.tool.ptinstall]
variant-required-by = [{ name = 'nvidia-runtime' }]
)";
  Pylock p = Pylock::parse(lock_text, "pylock.toml");
  REQUIRE(p.packages.size() == 3);
  REQUIRE(p.packages[1].variant_required_by.size() == 1);
  CHECK(p.packages[1].variant_required_by[0].name == "torch");
  CHECK(p.packages[1].variant_required_by[0].marker == "\"nvidia\" in variant_namespaces");
  std::string written = p.to_toml();
  CHECK_THAT(written, Catch::Contains("\n[packages.tool.ptinstall]\nvariant-required-by = [\n    { name = \"torch\", "
                                     "marker = \"\\\"nvidia\\\" in variant_namespaces\" },\n]\n"));
  // written sorted by name: nvidia-helper, nvidia-runtime, torch
  REQUIRE(Pylock::parse(written, "again.toml").packages[0].variant_required_by.size() == 1);
  CHECK(Pylock::parse(written, "again.toml").packages[0].variant_required_by[0].name == "nvidia-runtime");

  spec::SupportedTags tags = linux312_tags();
  lock::LockTarget t = linux312();
  t.tags = &tags;
  auto names = [&] {
    std::vector<std::string> out;
    for (const auto& rd : lock::lock_install(p, "pylock.toml", t).resolution.packages) out.push_back(rd.name());
    std::sort(out.begin(), out.end());
    return out;
  };
  // A CUDA machine takes torch's cuda12.8 build and the runtime with it (and what the runtime needs).
  t.variant_native = [] {
    spec::SupportedProperties s;
    s.add("nvidia", "cuda_version_lower_bound", {"12.9", "12.8"}, "test");
    return s;
  };
  CHECK(names() == std::vector<std::string>{"nvidia-helper", "nvidia-runtime", "torch"});
  // A CPU machine: torch's null build; the runtime and, through it, the helper are left out.
  t.variant_native = [] { return spec::SupportedProperties{}; };
  CHECK(names() == std::vector<std::string>{"torch"});

  std::string bad = lock_text.substr(0, lock_text.rfind("variant-required-by")) + "variant-required-by = 'torch'\n";
  CHECK_THROWS_WITH(Pylock::parse(bad, "pylock.toml"), Catch::Contains("`tool.ptinstall.variant-required-by` of package "));
}
