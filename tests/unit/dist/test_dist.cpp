// dist: the Dist kinds, the one rule on building (BuildOptions) and the Resolution value.
#include <catch2/catch.hpp>

#include "ptinstall/dist/build_options.hpp"
#include "ptinstall/dist/dist.hpp"
#include "ptinstall/dist/resolution.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;

TEST_CASE("dist: a wheel URL is a direct wheel with its name and version from the file name", "[dist]") {
  auto d = dist::from_direct_reference("", "https://host/files/Demo_Pkg-1.2-py3-none-any.whl#sha256=AB12");
  CHECK(d.name == "demo-pkg");
  REQUIRE(d.version);
  CHECK(d.version->to_string() == "1.2");
  CHECK(d.is_wheel());
  CHECK(d.is_direct());
  CHECK(!d.is_editable());
  CHECK(d.url() == "https://host/files/Demo_Pkg-1.2-py3-none-any.whl");
  CHECK(d.filename() == "Demo_Pkg-1.2-py3-none-any.whl");
  CHECK(d.hashes().at("sha256") == "ab12");
  CHECK(d.kind_name() == "direct URL wheel");
  CHECK(d.describe() == "demo-pkg @ https://host/files/Demo_Pkg-1.2-py3-none-any.whl");
  auto du = d.direct_url(std::string("ff"));
  REQUIRE(du);
  CHECK(du->archive_hash == "sha256=ff");
  CHECK(!du->is_dir);
  // A wheel of another project than the one named is refused.
  CHECK_THROWS_WITH(dist::from_direct_reference("other", "https://host/demo-1.0-py3-none-any.whl"),
                    Catch::Contains("names the wheel demo-1.0-py3-none-any.whl of another project"));
}

TEST_CASE("dist: archives, trees and git references are source distributions", "[dist]") {
  auto sdist = dist::from_direct_reference("demo", "https://host/demo-1.0.tar.gz#subdirectory=sub&sha256=00");
  CHECK(!sdist.is_wheel());
  CHECK(sdist.kind_name() == "direct URL archive");
  CHECK(std::get<dist::DirectUrl>(sdist.source).subdirectory == "sub");
  CHECK(sdist.hashes().at("sha256") == "00");
  CHECK(!sdist.version);

  util::TempDir tmp;
  fs::create_directories(tmp.path() / "proj");
  auto tree = dist::from_path("proj", tmp.path(), /*editable=*/true);
  CHECK(tree.kind_name() == "editable tree");
  CHECK(tree.is_editable());
  CHECK(tree.filename().empty());
  auto tdu = tree.direct_url();
  REQUIRE(tdu);
  CHECK(tdu->is_dir);
  CHECK(tdu->editable);
  CHECK(tdu->url == index::file_url(tmp.path() / "proj"));
  CHECK_THROWS_WITH(dist::from_path("missing", tmp.path()), Catch::Contains("does not exist"));

  auto git = dist::from_direct_reference("", "git+https://user:secret@host/org/repo.git@v1.2#egg=Repo_Name&subdirectory=py");
  CHECK(git.name == "repo-name");
  CHECK(git.kind_name() == "git");
  const auto& g = std::get<dist::Git>(git.source);
  CHECK(g.repository == "https://user:secret@host/org/repo.git");
  CHECK(g.reference == "v1.2");
  CHECK(g.subdirectory == "py");
  CHECK(git.describe().find("secret") == std::string::npos);  // credentials are never shown
  auto gdu = git.direct_url();
  REQUIRE(gdu);
  REQUIRE(gdu->vcs);
  CHECK(gdu->vcs->vcs == "git");
  CHECK(gdu->vcs->requested_revision == "v1.2");
  // A ssh-style user before the host is no revision.
  auto ssh = dist::from_direct_reference("x", "git+ssh://git@host/org/repo.git");
  CHECK(!std::get<dist::Git>(ssh.source).reference);

  CHECK_THROWS_WITH(dist::from_direct_reference("x", "https://host/x-1.0.exe"),
                    Catch::Contains("names neither a wheel nor a source archive"));
}

TEST_CASE("dist: registry files keep the index's entry", "[dist]") {
  auto wf = index::make_index_file("demo-1.0-py3-none-any.whl#sha256=aa", "https://idx/simple/demo/", "demo");
  wf.index_url = "https://idx/simple";
  auto w = dist::from_index_file(wf);
  CHECK(w.is_wheel());
  CHECK(!w.is_direct());
  CHECK(w.index_url() == "https://idx/simple");
  CHECK(w.kind_name() == "registry wheel");
  CHECK(!w.direct_url());
  CHECK(w.describe() == "demo==1.0");
  auto sf = index::make_index_file("demo-1.0.tar.gz", "https://idx/simple/demo/", "demo");
  auto s = dist::from_index_file(sf);
  CHECK(!s.is_wheel());
  CHECK(s.kind_name() == "registry sdist");
  REQUIRE(s.version);
  CHECK(s.version->to_string() == "1.0");
}

TEST_CASE("dist: BuildOptions is the one rule on building, with one wording", "[dist]") {
  auto o = dist::BuildOptions::from_values({"Foo,bar", ":none:", "baz"}, {":all:"}, true);
  CHECK(!o.no_binary.contains("foo"));  // :none: cleared what came before
  CHECK(o.no_binary.contains("baz"));
  CHECK(!o.allows_wheel("baz"));
  CHECK(o.allows_wheel("foo"));
  CHECK(o.only_binary.all());
  CHECK(!o.allows_source("anything"));
  CHECK_THROWS_WITH(o.require_source_allowed("demo", "demo-1.0.tar.gz"),
                    Catch::Contains("demo-1.0.tar.gz is a source distribution"));
  try {
    o.require_source_allowed("demo", "demo-1.0.tar.gz");
  } catch (const util::Error& e) {
    CHECK(e.kind() == util::ErrorKind::Build);
    CHECK(e.hint() == "--only-binary forbids building demo from source");
  }
  // Without a build frontend every source is refused, whatever the options.
  dist::BuildOptions none;
  CHECK(!none.allows_source("demo"));
  try {
    none.require_source_allowed("demo", "demo-1.0.tar.gz");
    FAIL("not refused");
  } catch (const util::Error& e) {
    CHECK(e.hint() == std::string(dist::no_builder_hint()));
  }
  CHECK_THROWS_WITH(dist::BuildOptions::from_values({"not a name!"}, {}, true), Catch::Contains("invalid project name"));
}

TEST_CASE("dist: Resolution finds packages and drops system nodes from the install graph", "[dist]") {
  dist::Resolution r;
  for (const char* n : {"alpha", "beta"}) {
    dist::ResolvedDist p;
    p.dist = dist::from_direct_reference("", std::string("https://h/") + n + "-1.0-py3-none-any.whl");
    p.version = *p.dist.version;
    r.packages.push_back(p);
  }
  r.graph["alpha"] = {"beta", "system:cuda"};
  r.graph["system:cuda"] = {};
  CHECK(r.find("beta"));
  CHECK(!r.find("gamma"));
  auto g = r.install_graph();
  CHECK(g.size() == 1);
  CHECK(g.at("alpha").size() == 2);
}
