#include <dirent.h>
#include <sys/stat.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <set>

#include "build_parts.hpp"
#include "ptinstall/build/sdist.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/vcs/git.hpp"
#include "ptinstall/vcs/git_cache.hpp"

namespace ptinstall::ops::detail {
namespace {

namespace fs = std::filesystem;

// Directories a fingerprint of a local tree skips: outputs of builds and tools, not sources.
bool skipped_dir(const std::string& name) {
  static const std::set<std::string> skip = {".git", ".hg", ".svn", "build", "dist", "__pycache__", ".venv",
                                             ".tox", ".nox", ".mypy_cache", ".pytest_cache", "node_modules"};
  return skip.count(name) || (name.size() > 9 && name.substr(name.size() - 9) == ".egg-info");
}

// Every file of the tree (path, size, mtime), so that editing a project rebuilds it (uv's
// cache-keys, with the whole tree as the default).
void fingerprint(const fs::path& dir, const std::string& rel, util::Sha256& h) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    struct stat st;
    fs::path p = dir / n;
    if (lstat(p.c_str(), &st) != 0) continue;
    std::string r = rel.empty() ? n : rel + "/" + n;
    if (S_ISDIR(st.st_mode)) {
      if (!skipped_dir(n)) fingerprint(p, r, h);
      continue;
    }
    h.update(r + "\n" + std::to_string(st.st_size) + "\n" + std::to_string(st.st_mtim.tv_sec) + "." +
             std::to_string(st.st_mtim.tv_nsec) + "\n");
  }
}

// Downloads `url` into the cache (once per URL), checking the sha256 when one is known.
fs::path download_sdist(Services& services, const std::string& url, const std::string& filename,
                        const std::optional<std::string>& sha256) {
  fs::path dir = services.cache().bucket("sdists-v1") / util::sha256_hex(url).substr(0, 32);
  fs::path file = dir / filename;
  std::error_code ec;
  if (fs::is_regular_file(file, ec) && (!sha256 || util::sha256_file(file).hex() == *sha256)) return file;
  fs::create_directories(dir);
  // A name of its own per download: two processes (or threads) fetching the same sdist each write
  // their own file, and the rename into place is atomic (the last one wins with the same bytes).
  static std::atomic<unsigned> counter{0};
  fs::path part = dir / (filename + ".part-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::ofstream out(part, std::ios::binary | std::ios::trunc);
  if (!out) throw util::Error(util::ErrorKind::Io, "cannot write " + part.string());
  util::Sha256 h;
  net::StreamHandler handler;
  handler.on_chunk = [&](std::string_view chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    h.update(chunk);
  };
  handler.on_reset = [&] {
    out.close();
    out.open(part, std::ios::binary | std::ios::trunc);
    h = util::Sha256();
  };
  net::Request req;
  req.url = url;
  req.decompress = false;
  try {
    net::Response r = services.client().fetch_streaming(req, handler);
    out.close();
    net::raise_for_status(r, url);
  } catch (...) {
    out.close();
    fs::remove(part, ec);  // nothing half-downloaded stays in the cache
    throw;
  }
  std::string got = h.hex();
  if (sha256 && got != *sha256) {
    fs::remove(part, ec);
    throw util::Error(util::ErrorKind::Hash, "hash mismatch for " + filename + ": expected sha256:" + *sha256 + ", got sha256:" + got,
                      "the file does not match the hash published for it; try again with --refresh");
  }
  fs::rename(part, file);
  return file;
}

// A directory that a build backend can build: pyproject.toml or setup.py.
bool holds_project(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "pyproject.toml", ec) || fs::is_regular_file(dir / "setup.py", ec);
}

std::string tree_key(const fs::path& tree) {
  util::Sha256 h;
  h.update("tree:" + tree.string() + "\n");
  fingerprint(tree, "", h);
  return h.hex();
}

Source locate_git(const dist::Dist& d, const dist::Git& g, Services& services) {
  vcs::GitCache& git = services.git();
  // The pinned commit (fetched into the mirror when an earlier run did not); an editable of a branch
  // checks the branch out, as pip does.
  vcs::ResolvedRevision rev = git.resolve(g.repository, g.commit ? g.commit : g.reference);
  if (g.editable && g.reference && !vcs::looks_like_commit(*g.reference)) {
    vcs::ResolvedRevision named = git.resolve(g.repository, g.reference);
    if (named.commit == rev.commit) rev.branch = named.branch;
  }
  Source src;
  fs::path root;
  if (g.editable) {
    root = g.checkout ? *g.checkout : fs::current_path() / "src" / (d.name.empty() ? vcs::repository_name(g.repository) : d.name);
    git.clone_to(g.repository, rev, root);
  } else {
    root = git.checkout(g.repository, rev.commit);
  }
  src.tree = g.subdirectory ? root / *g.subdirectory : root;
  if (!holds_project(src.tree))
    throw util::Error(util::ErrorKind::Build,
                      (g.subdirectory ? "subdirectory `" + *g.subdirectory + "` of " : std::string()) + "git+" +
                          vcs::redact_text(g.repository) + "@" + rev.commit.substr(0, 12) +
                          " holds no Python project (no pyproject.toml or setup.py)",
                      g.subdirectory ? "check #subdirectory= against the repository's layout"
                                     : "name the project's directory with #subdirectory=path");
  src.editable = g.editable;
  // A cached checkout never changes: the commit (and subdirectory) is its identity. A working clone
  // is a tree the user edits, keyed as local trees are.
  src.key = g.editable ? tree_key(src.tree) : "git:" + rev.commit + (g.subdirectory ? "#" + *g.subdirectory : "");
  return src;
}

}  // namespace

Source locate_source(const dist::Dist& d, Services& services) {
  Source src;
  src.editable = d.is_editable();
  if (auto* p = std::get_if<dist::LocalPath>(&d.source)) {
    if (p->kind == dist::PathKind::Tree) {
      src.tree = p->path;
      src.key = tree_key(p->path);
      return src;
    }
    src.archive = p->path;
  } else if (auto* s = std::get_if<dist::RegistrySdist>(&d.source)) {
    std::optional<std::string> sha;
    if (auto it = s->file.hashes.find("sha256"); it != s->file.hashes.end()) sha = it->second;
    src.archive = download_sdist(services, s->file.url, s->file.filename, sha);
    src.downloaded = true;
  } else if (auto* u = std::get_if<dist::DirectUrl>(&d.source)) {
    std::optional<std::string> sha;
    if (auto it = u->hashes.find("sha256"); it != u->hashes.end()) sha = it->second;
    src.archive = download_sdist(services, u->url, u->filename, sha);
    src.downloaded = true;
    src.subdirectory = u->subdirectory;
  } else {
    return locate_git(d, std::get<dist::Git>(d.source), services);
  }
  src.archive_sha256 = util::sha256_file(src.archive).hex();
  src.key = "sdist:" + src.archive_sha256 + (src.subdirectory ? "#" + *src.subdirectory : "");
  return src;
}

void unpack_source(Source& src) {
  if (!src.tree.empty()) return;
  auto dir = std::make_shared<util::TempDir>();
  try {
    src.tree = build::unpack_sdist(src.archive, dir->path());
  } catch (const util::Error&) {
    // A download that is no usable sdist does not stay in the cache.
    if (src.downloaded) {
      std::error_code rm;
      fs::remove(src.archive, rm);
    }
    throw;
  }
  if (src.subdirectory) src.tree = src.tree / *src.subdirectory;
  src.unpacked = std::move(dir);
}

}  // namespace ptinstall::ops::detail
