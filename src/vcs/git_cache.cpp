#include "ptinstall/vcs/git_cache.hpp"

#include <unistd.h>

#include <atomic>
#include <vector>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/file_lock.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"
#include "ptinstall/vcs/git.hpp"

namespace ptinstall::vcs {
namespace {

namespace fs = std::filesystem;

// The repository URL as it identifies the repository: without credentials (the same repository
// fetched with another token is the same mirror).
std::string identity(const std::string& repository) {
  if (auto u = util::Url::parse(repository)) return u->without_credentials().without_fragment().str();
  return repository;
}

// A readable directory name: the repository's name (safe characters only), then a hash of its URL.
std::string mirror_name(const std::string& repository) {
  std::string safe;
  for (char c : repository_name(identity(repository)))
    safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  if (safe[0] == '.') safe = "repo" + safe;
  return safe.substr(0, 40) + "-" + util::sha256_hex(identity(repository)).substr(0, 16);
}

std::string unique_suffix() {
  static std::atomic<unsigned> counter{0};
  return ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

void check(const GitResult& r, const std::string& what, const std::string& repository) {
  if (!r.ok()) throw git_failure(what, repository, r);
}

// `git checkout` of a commit; LFS files are fetched afterwards (from the real remote, not the mirror).
void checkout_commit(const fs::path& dir, const std::string& commit, const std::optional<std::string>& branch,
                     const std::string& repository) {
  std::vector<std::string> args{"-c", "advice.detachedHead=false", "checkout", "-q"};
  if (branch) {
    args.insert(args.end(), {"-B", *branch, commit});
  } else {
    args.insert(args.end(), {"--detach", commit});
  }
  check(run_git(args, dir.string(), {{"GIT_LFS_SKIP_SMUDGE", "1"}}), "checkout of " + commit.substr(0, 12), repository);
}

}  // namespace

GitCache::GitCache(fs::path root, bool offline, HttpGet http_get)
    : root_(std::move(root)), offline_(offline), http_get_(std::move(http_get)) {}

std::optional<std::map<std::string, std::string>> parse_ref_advertisement(std::string_view body) {
  std::map<std::string, std::string> refs;
  std::size_t pos = 0;
  bool service_line = false;
  while (pos + 4 <= body.size()) {
    unsigned len = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      char c = body[pos + i];
      unsigned v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
      if (v == 99) return std::nullopt;
      len = len * 16 + v;
    }
    if (len == 0) {  // a flush packet
      pos += 4;
      continue;
    }
    if (len < 4 || pos + len > body.size()) return std::nullopt;
    std::string_view line = body.substr(pos + 4, len - 4);
    pos += len;
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (line.rfind("# service=", 0) == 0) {
      service_line = true;
      continue;
    }
    line = line.substr(0, line.find('\0'));  // the first ref carries the capabilities
    auto space = line.find(' ');
    if (space != 40) return std::nullopt;
    std::string sha(line.substr(0, 40));
    if (!is_full_commit(sha)) return std::nullopt;
    std::string ref(line.substr(41));
    if (ref != "capabilities^{}") refs[ref] = sha;  // an empty repository advertises only capabilities
  }
  if (!service_line || pos != body.size()) return std::nullopt;
  return refs;
}

std::map<std::string, std::string> GitCache::list_refs(const std::string& repository) {
  if (http_get_ && (repository.rfind("https://", 0) == 0 || repository.rfind("http://", 0) == 0)) {
    std::string base = repository;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (auto body = http_get_(base + "/info/refs?service=git-upload-pack"))
      if (auto refs = parse_ref_advertisement(*body)) return *refs;
    util::log::debug("git: no ref advertisement from " + redact_text(repository) + " over HTTP; asking git ls-remote");
  }
  GitResult ls = run_git({"ls-remote", repository});
  check(ls, "ls-remote", repository);
  std::map<std::string, std::string> refs;  // ref name -> sha
  for (auto line : util::split(ls.out, '\n')) {
    auto tab = line.find('\t');
    if (tab == std::string_view::npos) continue;
    refs[std::string(util::trim(line.substr(tab + 1)))] = std::string(line.substr(0, tab));
  }
  return refs;
}

fs::path GitCache::mirror_dir(const std::string& repository) const { return root_ / "db" / mirror_name(repository); }

fs::path GitCache::ensure_mirror(const std::string& repository) {
  fs::path dir = mirror_dir(repository);
  std::error_code ec;
  if (fs::exists(dir / "HEAD", ec)) return dir;
  fs::create_directories(dir.parent_path());
  fs::path tmp = dir.string() + unique_suffix();
  check(run_git({"init", "--bare", "-q", tmp.string()}), "init of the cache mirror", repository);
  fs::rename(tmp, dir, ec);
  if (ec) fs::remove_all(tmp, ec);  // another process made it first
  return dir;
}

ResolvedRevision GitCache::resolve(const std::string& repository, const std::optional<std::string>& reference) {
  const std::string memo_key = repository + "\n" + reference.value_or("");
  {
    std::lock_guard lock(mutex_);
    if (auto it = resolved_.find(memo_key); it != resolved_.end()) return it->second;
  }
  const fs::path mirror = ensure_mirror(repository);
  const std::string shown = redact_text(repository) + (reference ? "@" + *reference : "");
  auto rev_parse = [&](const std::string& what) -> std::optional<std::string> {
    GitResult r = run_git({"rev-parse", "--verify", "-q", what + "^{commit}"}, mirror.string());
    if (!r.ok()) return std::nullopt;
    return std::string(util::trim(r.out));
  };
  auto fetch = [&](const std::vector<std::string>& refspecs) {
    std::vector<std::string> args{"fetch", "--no-tags", "--force", "-q", repository};
    args.insert(args.end(), refspecs.begin(), refspecs.end());
    return run_git(args, mirror.string());
  };
  const std::vector<std::string> all_refs{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"};
  // A commit hash the mirror lacks (`found` empty): every branch and tag fetched, then asked again.
  auto commit_after_fetching_all = [&](std::optional<std::string> found) {
    if (!found) {
      check(fetch(all_refs), "fetch", repository);
      found = rev_parse(*reference);
    }
    if (!found)
      throw util::Error(util::ErrorKind::Build, "unknown revision `" + *reference + "` in " + redact_text(repository),
                        "no branch, tag or commit of the repository has that name");
    return *found;
  };

  ResolvedRevision out;
  if (reference && is_full_commit(*reference)) {
    if (auto c = rev_parse(*reference)) out.commit = *c;  // cached: no network at all
  }
  if (out.commit.empty() && offline_) {
    // Offline: what an earlier fetch left in the mirror.
    std::vector<std::pair<std::string, bool>> names;  // (ref, is branch)
    if (!reference) {
      names.push_back({"refs/ptinstall/HEAD", false});
    } else {
      names.push_back({"refs/heads/" + *reference, true});
      names.push_back({"refs/tags/" + *reference, false});
      if (reference->rfind("refs/", 0) == 0) names.push_back({*reference, false});
      if (looks_like_commit(*reference)) names.push_back({*reference, false});
    }
    for (const auto& [name, branch] : names)
      if (auto c = rev_parse(name)) {
        out.commit = *c;
        if (branch) out.branch = *reference;
        util::log::debug("git: offline, " + shown + " is " + out.commit + " as last fetched");
        break;
      }
    if (out.commit.empty())
      throw util::Error(util::ErrorKind::Network, "git+" + shown + " is not in the cache, and --offline forbids fetching it",
                        "run once without --offline, or name a commit that an earlier run fetched");
  }
  if (out.commit.empty()) {
    util::FileLock lock = util::FileLock::acquire(mirror.string() + ".lock", "the git cache of " + redact_text(repository));
    bool fetched = true;
    if (reference && is_full_commit(*reference)) {
      // A full hash: ask for it alone (servers speaking protocol v2 allow it), else everything.
      GitResult r = fetch({*reference});
      out.commit = commit_after_fetching_all(r.ok() ? rev_parse(*reference) : std::nullopt);
    } else {
      std::map<std::string, std::string> refs = list_refs(repository);
      std::string picked, dest;
      if (!reference) {
        if (refs.count("HEAD")) picked = "HEAD", dest = "refs/ptinstall/HEAD";
      } else if (refs.count("refs/heads/" + *reference)) {
        picked = dest = "refs/heads/" + *reference;
        out.branch = *reference;
      } else if (refs.count("refs/tags/" + *reference)) {
        picked = dest = "refs/tags/" + *reference;
      } else if (reference->rfind("refs/", 0) == 0 && refs.count(*reference)) {
        picked = dest = *reference;
      }
      if (!picked.empty()) {
        // The mirror's ref already points where the remote's does (a warm cache): no fetch, and no git
        // process either: the ref is a file of the mirror (fetch writes loose refs), and the remote
        // advertised the commit an annotated tag points to as <tag>^{}.
        auto local = util::try_read_file(mirror / dest);
        if (local && util::trim(*local) == refs[picked]) {
          auto peeled = refs.find(picked + "^{}");
          out.commit = peeled != refs.end() ? peeled->second : refs[picked];
          fetched = false;
        } else {
          check(fetch({"+" + picked + ":" + dest}), "fetch of " + picked, repository);
          auto c = rev_parse(dest);
          if (!c) throw util::Error(util::ErrorKind::Build, "git+" + shown + " names no commit");
          out.commit = *c;
        }
      } else if (reference && looks_like_commit(*reference)) {
        out.commit = commit_after_fetching_all(rev_parse(*reference));
      } else {
        std::vector<std::string> known;
        for (const auto& [name, sha] : refs) {
          if (name.size() > 3 && name.compare(name.size() - 3, 3, "^{}") == 0) continue;
          if (name.rfind("refs/heads/", 0) == 0) known.push_back(name.substr(11));
          else if (name.rfind("refs/tags/", 0) == 0) known.push_back(name.substr(10));
          if (known.size() == 8) break;
        }
        throw util::Error(util::ErrorKind::Build,
                          reference ? "unknown revision `" + *reference + "` in " + redact_text(repository)
                                    : redact_text(repository) + " has no HEAD",
                          known.empty() ? "the repository has no branches or tags"
                                        : "branches and tags it has include: " + util::join(known, ", "));
      }
    }
    // A ref per commit used keeps it from git's garbage collection in the mirror.
    if (fetched) run_git({"update-ref", "refs/ptinstall/commits/" + out.commit, out.commit}, mirror.string());
  }
  std::lock_guard lock(mutex_);
  resolved_[memo_key] = out;
  resolved_.emplace(repository + "\n" + out.commit, ResolvedRevision{out.commit, std::nullopt});  // asked next by commit
  return out;
}

void GitCache::finish_tree(const std::string& repository, const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / ".gitmodules", ec)) {
    // Relative submodule URLs resolve against origin, which must be the real repository here.
    check(run_git({"submodule", "update", "--init", "--recursive", "-q"}, dir.string(), {{"GIT_LFS_SKIP_SMUDGE", "1"}}),
          "submodule update", repository);
  }
  auto attributes = util::try_read_file(dir / ".gitattributes");
  if (attributes && attributes->find("filter=lfs") != std::string::npos) {
    GitResult lfs = run_git({"lfs", "version"}, dir.string());
    if (!lfs.ok()) {
      util::log::warn(redact_text(repository) + " uses Git LFS, but git-lfs is not installed: its LFS files stay pointers");
    } else {
      check(run_git({"lfs", "pull"}, dir.string()), "lfs pull", repository);
    }
  }
}

fs::path GitCache::checkout(const std::string& repository, const std::string& commit) {
  const fs::path mirror = mirror_dir(repository);
  const fs::path dir = root_ / "checkouts" / mirror.filename() / commit;
  std::error_code ec;
  if (fs::exists(dir / ".git", ec)) return dir;
  fs::create_directories(dir.parent_path());
  const fs::path tmp = dir.string() + unique_suffix();
  try {
    check(run_git({"clone", "-q", "--no-checkout", "--local", mirror.string(), tmp.string()}), "clone", repository);
    check(run_git({"remote", "set-url", "origin", repository}, tmp.string()), "remote set-url", repository);
    checkout_commit(tmp, commit, std::nullopt, repository);
    finish_tree(repository, tmp);
    // The cached checkout keeps no credentials on disk.
    run_git({"remote", "set-url", "origin", identity(repository)}, tmp.string());
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  fs::rename(tmp, dir, ec);
  if (ec) fs::remove_all(tmp, ec);  // another process checked it out first
  return dir;
}

void GitCache::clone_to(const std::string& repository, const ResolvedRevision& rev, const fs::path& dest) {
  const fs::path mirror = mirror_dir(repository);
  std::error_code ec;
  if (fs::exists(dest, ec)) {
    if (!fs::exists(dest / ".git", ec))
      throw util::Error(util::ErrorKind::Io, dest.string() + " exists and is no git checkout",
                        "move it away, or install that directory itself with -e " + dest.string());
    GitResult origin = run_git({"remote", "get-url", "origin"}, dest.string());
    if (!origin.ok() || identity(std::string(util::trim(origin.out))) != identity(repository))
      throw util::Error(util::ErrorKind::Io, dest.string() + " is a clone of another repository",
                        "move it away, or install that directory itself with -e " + dest.string());
    GitResult head = run_git({"rev-parse", "HEAD"}, dest.string());
    if (head.ok() && std::string(util::trim(head.out)) == rev.commit) return;  // already there
    GitResult status = run_git({"status", "--porcelain", "--untracked-files=no"}, dest.string());
    if (!status.ok() || !util::trim(status.out).empty())
      throw util::Error(util::ErrorKind::Io, dest.string() + " has local changes, so it is not switched to " + rev.commit.substr(0, 12),
                        "commit or stash them, or install the checkout as it is with -e " + dest.string());
    check(run_git({"fetch", "-q", mirror.string(), "refs/ptinstall/commits/" + rev.commit}, dest.string()), "fetch", repository);
  } else {
    fs::create_directories(dest.parent_path());
    check(run_git({"clone", "-q", "--no-checkout", mirror.string(), dest.string()}), "clone", repository);
    check(run_git({"remote", "set-url", "origin", repository}, dest.string()), "remote set-url", repository);
  }
  checkout_commit(dest, rev.commit, rev.branch, repository);
  finish_tree(repository, dest);
}

}  // namespace ptinstall::vcs
