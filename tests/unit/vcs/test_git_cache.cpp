// The git cache against real repositories made with the real git binary: references resolved to
// commits, the offline rules, checkouts, errors with hints, and the freeze lines of a working clone.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/vcs/git.hpp"
#include "ptinstall/vcs/git_cache.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;

namespace {

std::string git(const fs::path& dir, std::vector<std::string> args) {
  std::vector<std::string> all{"-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "init.defaultBranch=main"};
  all.insert(all.end(), args.begin(), args.end());
  auto r = vcs::run_git(all, dir.string());
  INFO(r.err);
  REQUIRE(r.ok());
  return std::string(util::trim(r.out));
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// main: c1 (tag v1, annotated) -> c2; branch feature: c3; returns {c1, c2, c3}.
struct Repo {
  fs::path dir;
  std::string url, c1, c2, c3;
};

Repo make_repo(const fs::path& dir) {
  Repo r{dir, "file://" + dir.string(), "", "", ""};
  fs::create_directories(dir);
  git(dir, {"init", "-q"});
  write(dir / "setup.py", "# one\n");
  git(dir, {"add", "-A"});
  git(dir, {"commit", "-qm", "one"});
  r.c1 = git(dir, {"rev-parse", "HEAD"});
  git(dir, {"tag", "-a", "v1", "-m", "release 1"});
  write(dir / "setup.py", "# two\n");
  git(dir, {"commit", "-qam", "two"});
  r.c2 = git(dir, {"rev-parse", "HEAD"});
  git(dir, {"checkout", "-q", "-b", "feature"});
  write(dir / "setup.py", "# three\n");
  git(dir, {"commit", "-qam", "three"});
  r.c3 = git(dir, {"rev-parse", "HEAD"});
  git(dir, {"checkout", "-q", "main"});
  return r;
}

}  // namespace

TEST_CASE("git: references resolve to commits", "[vcs]") {
  util::TempDir tmp;
  Repo repo = make_repo(tmp.path() / "repo");
  vcs::GitCache cache(tmp.path() / "cache", false);
  CHECK(cache.resolve(repo.url, std::nullopt).commit == repo.c2);  // the remote's HEAD
  auto main = cache.resolve(repo.url, std::string("main"));
  CHECK(main.commit == repo.c2);
  CHECK(main.branch == "main");
  auto tag = cache.resolve(repo.url, std::string("v1"));
  CHECK(tag.commit == repo.c1);  // the annotated tag peeled to its commit
  CHECK_FALSE(tag.branch);
  CHECK(cache.resolve(repo.url, std::string("feature")).commit == repo.c3);
  CHECK(cache.resolve(repo.url, std::string("refs/heads/feature")).commit == repo.c3);
  CHECK(cache.resolve(repo.url, repo.c3.substr(0, 9)).commit == repo.c3);  // a short hash
  CHECK(cache.resolve(repo.url, repo.c1).commit == repo.c1);
}

TEST_CASE("git: a branch is resolved once per run", "[vcs]") {
  util::TempDir tmp;
  Repo repo = make_repo(tmp.path() / "repo");
  vcs::GitCache cache(tmp.path() / "cache", false);
  CHECK(cache.resolve(repo.url, std::string("main")).commit == repo.c2);
  write(repo.dir / "setup.py", "# four\n");
  git(repo.dir, {"commit", "-qam", "four"});
  CHECK(cache.resolve(repo.url, std::string("main")).commit == repo.c2);  // same run: same answer
  vcs::GitCache next_run(tmp.path() / "cache", false);
  CHECK(next_run.resolve(repo.url, std::string("main")).commit == git(repo.dir, {"rev-parse", "HEAD"}));
}

TEST_CASE("git: offline, cached commits and refs only", "[vcs]") {
  util::TempDir tmp;
  Repo repo = make_repo(tmp.path() / "repo");
  {
    vcs::GitCache online(tmp.path() / "cache", false);
    online.resolve(repo.url, std::string("v1"));
  }
  fs::remove_all(repo.dir);  // nothing to fetch from any more
  vcs::GitCache offline(tmp.path() / "cache", true);
  CHECK(offline.resolve(repo.url, repo.c1).commit == repo.c1);
  CHECK(offline.resolve(repo.url, std::string("v1")).commit == repo.c1);
  fs::path co = offline.checkout(repo.url, repo.c1);
  CHECK(util::read_file(co / "setup.py") == "# one\n");
  try {
    offline.resolve(repo.url, std::string("feature"));
    FAIL("resolved a branch never fetched while offline");
  } catch (const util::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("--offline"));
    CHECK_THAT(e.hint(), Catch::Contains("without --offline"));
  }
}

TEST_CASE("git: checkouts are made once per commit", "[vcs]") {
  util::TempDir tmp;
  Repo repo = make_repo(tmp.path() / "repo");
  vcs::GitCache cache(tmp.path() / "cache", false);
  auto rev = cache.resolve(repo.url, std::string("v1"));
  fs::path a = cache.checkout(repo.url, rev.commit);
  CHECK(util::read_file(a / "setup.py") == "# one\n");
  CHECK(cache.checkout(repo.url, rev.commit) == a);
  fs::path b = cache.checkout(repo.url, cache.resolve(repo.url, std::string("feature")).commit);
  CHECK(b != a);
  CHECK(util::read_file(b / "setup.py") == "# three\n");
}

TEST_CASE("git: unknown revisions and repositories are errors with hints", "[vcs]") {
  util::TempDir tmp;
  Repo repo = make_repo(tmp.path() / "repo");
  vcs::GitCache cache(tmp.path() / "cache", false);
  try {
    cache.resolve(repo.url, std::string("no-such-branch"));
    FAIL("resolved an unknown branch");
  } catch (const util::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("unknown revision `no-such-branch`"));
    CHECK_THAT(e.hint(), Catch::Contains("feature") && Catch::Contains("v1"));
  }
  try {
    cache.resolve("file://" + (tmp.path() / "missing").string(), std::nullopt);
    FAIL("resolved a missing repository");
  } catch (const util::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("git ls-remote of file://"));
    CHECK_FALSE(e.hint().empty());
  }
}

TEST_CASE("git: an editable clone checks the branch out and keeps the real origin", "[vcs]") {
  util::TempDir tmp;
  Repo repo = make_repo(tmp.path() / "repo");
  vcs::GitCache cache(tmp.path() / "cache", false);
  auto rev = cache.resolve(repo.url, std::string("feature"));
  fs::path dest = tmp.path() / "venv" / "src" / "proj";
  cache.clone_to(repo.url, rev, dest);
  CHECK(git(dest, {"rev-parse", "--abbrev-ref", "HEAD"}) == "feature");
  CHECK(git(dest, {"remote", "get-url", "origin"}) == repo.url);
  CHECK(*vcs::editable_freeze_lines(dest, "my-proj", "1.0") == "-e git+" + repo.url + "@" + repo.c3 + "#egg=my_proj");
  // Again: already there. Then with local changes, another commit is refused.
  cache.clone_to(repo.url, rev, dest);
  write(dest / "setup.py", "# edited\n");
  CHECK_THROWS_WITH(cache.clone_to(repo.url, cache.resolve(repo.url, std::string("v1")), dest),
                    Catch::Contains("has local changes"));
}

TEST_CASE("git: freeze lines of working trees without a remote or below the top", "[vcs]") {
  util::TempDir tmp;
  Repo repo = make_repo(tmp.path() / "repo");
  CHECK(*vcs::editable_freeze_lines(repo.dir, "p", "1") ==
        "# Editable Git install with no remote (p==1)\n-e " + repo.dir.string());
  fs::create_directories(tmp.path() / "plain");
  CHECK_FALSE(vcs::editable_freeze_lines(tmp.path() / "plain", "p", "1"));
  git(repo.dir, {"remote", "add", "origin", "git@github.com:a/b.git"});
  fs::create_directories(repo.dir / "sub" / "pkg");
  CHECK(*vcs::editable_freeze_lines(repo.dir / "sub" / "pkg", "p", "1") ==
        "-e git+ssh://git@github.com/a/b.git@" + repo.c2 + "#egg=p&subdirectory=sub/pkg");
}

TEST_CASE("git: credentials never reach a message", "[vcs]") {
  CHECK(vcs::redact_text("fatal: unable to access 'https://user:s3cret@host/r.git/': 403") ==
        "fatal: unable to access 'https://user:****@host/r.git/': 403");
  CHECK(vcs::redact_text("https://tok3n@host/r") == "https://****@host/r");
  CHECK(vcs::redact_text("ssh://git@host/r") == "ssh://git@host/r");
  vcs::GitResult r{128, "", "fatal: Authentication failed for 'https://u:pw@h/r.git/'\n"};
  util::Error e = vcs::git_failure("fetch", "https://u:pw@h/r.git", r);
  CHECK(std::string(e.what()).find("pw") == std::string::npos);
  CHECK_THAT(e.hint(), Catch::Contains("credentials"));
}

TEST_CASE("git: what may name a commit", "[vcs]") {
  CHECK(vcs::looks_like_commit("abc1234"));
  CHECK_FALSE(vcs::looks_like_commit("abc123"));
  CHECK_FALSE(vcs::looks_like_commit("v1.0.0"));
  CHECK(vcs::is_full_commit(std::string(40, 'a')));
  CHECK_FALSE(vcs::is_full_commit(std::string(39, 'a')));
}

TEST_CASE("git: a smart-HTTP ref advertisement", "[vcs]") {
  auto pkt = [](const std::string& s) {
    char len[5];
    std::snprintf(len, sizeof len, "%04x", static_cast<unsigned>(s.size() + 4));
    return std::string(len) + s;
  };
  const std::string a(40, 'a'), b(40, 'b'), c(40, 'c');
  std::string body = pkt("# service=git-upload-pack\n") + "0000" + pkt(a + std::string(" HEAD\0multi_ack symref=HEAD:refs/heads/main\n", 44)) +
                     pkt(a + " refs/heads/main\n") + pkt(b + " refs/tags/v1\n") + pkt(c + " refs/tags/v1^{}\n") + "0000";
  auto refs = vcs::parse_ref_advertisement(body);
  REQUIRE(refs);
  CHECK(refs->at("HEAD") == a);
  CHECK(refs->at("refs/heads/main") == a);
  CHECK(refs->at("refs/tags/v1") == b);
  CHECK(refs->at("refs/tags/v1^{}") == c);
  CHECK(refs->size() == 4);
  // An empty repository: capabilities only.
  auto empty = vcs::parse_ref_advertisement(pkt("# service=git-upload-pack\n") + "0000" +
                                            pkt(std::string(40, '0') + std::string(" capabilities^{}\0agent=git\n", 27)) + "0000");
  REQUIRE(empty);
  CHECK(empty->empty());
  // Not an advertisement: an HTML page, a truncated packet, no service line.
  CHECK_FALSE(vcs::parse_ref_advertisement("<html>login</html>"));
  CHECK_FALSE(vcs::parse_ref_advertisement(body.substr(0, body.size() - 10)));
  CHECK_FALSE(vcs::parse_ref_advertisement(pkt(a + " refs/heads/main\n") + "0000"));
}
