// The git cache: one bare mirror per repository (fetched with only the refs a requirement needs) and
// one checkout per commit, under <cache>/git-v1. A branch or tag is resolved to its commit once per
// run; a full commit already in the mirror needs no network (so --offline works with it). Two
// processes on the same repository take turns through a file lock per mirror.
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace ptinstall::vcs {

struct ResolvedRevision {
  std::string commit;                  // full hash
  std::optional<std::string> branch;   // set when the reference named a branch (an editable clone checks it out)
};

// GETs a URL and returns the body of a 200 answer, nullopt for anything else (never throws): the
// caller's HTTP client, so that a warm cache asks an http(s) remote for its refs in one request
// without starting git.
using HttpGet = std::function<std::optional<std::string>(const std::string& url)>;

// The refs a smart-HTTP server advertises (`GET <repo>/info/refs?service=git-upload-pack`, protocol
// v0: pkt-lines "<sha> <ref>"), as {ref: sha}; nullopt when `body` is no such advertisement.
std::optional<std::map<std::string, std::string>> parse_ref_advertisement(std::string_view body);

class GitCache {
 public:
  // `root`: <cache>/git-v1. `offline`: never fetch (cached commits and refs only). `http_get`: how
  // http(s) remotes are asked for their refs (else `git ls-remote`, also when it gives no answer).
  GitCache(std::filesystem::path root, bool offline, HttpGet http_get = nullptr);

  // The commit `reference` names in `repository` (the remote's HEAD when none): a branch, a tag, a
  // full ref (refs/pull/7/head) or a full or short commit hash. Throws util::Error with a hint for an
  // unknown revision, a repository that cannot be fetched, or --offline without the commit.
  ResolvedRevision resolve(const std::string& repository, const std::optional<std::string>& reference);

  // A checkout of `commit` (submodules included, Git LFS files fetched where git-lfs is installed),
  // made once and kept: a directory that must not be modified.
  std::filesystem::path checkout(const std::string& repository, const std::string& commit);

  // A working clone at `dest` (pip's editable VCS installs into <venv>/src/<name>): origin is
  // `repository`, the branch checked out when the revision named one, else a detached HEAD. A `dest`
  // that is already a clone of the repository is switched to the commit when its work tree is clean.
  void clone_to(const std::string& repository, const ResolvedRevision& rev, const std::filesystem::path& dest);

  // The mirror's directory for `repository` (keyed by the URL without credentials).
  std::filesystem::path mirror_dir(const std::string& repository) const;

 private:
  std::filesystem::path ensure_mirror(const std::string& repository);
  void finish_tree(const std::string& repository, const std::filesystem::path& dir);

  std::map<std::string, std::string> list_refs(const std::string& repository);

  std::filesystem::path root_;
  bool offline_;
  HttpGet http_get_;
  std::mutex mutex_;
  std::map<std::string, ResolvedRevision> resolved_;  // (repository \n reference) -> revision, this run
};

}  // namespace ptinstall::vcs
