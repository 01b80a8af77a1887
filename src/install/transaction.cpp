#include "ptinstall/install/transaction.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"

namespace ptinstall::install {
namespace {

std::optional<std::size_t> read_fault_knob() {
  const char* v = std::getenv("PTINSTALL_FAULT_INJECT");
  if (!v) return std::nullopt;
  std::string s(v);
  const std::string prefix = "after-files:";
  if (s.rfind(prefix, 0) != 0) return std::nullopt;
  try {
    return static_cast<std::size_t>(std::stoull(s.substr(prefix.size())));
  } catch (...) {
    return std::nullopt;
  }
}

bool exists_nofollow(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

}  // namespace

Transaction::Transaction(std::vector<fs::path> roots) : roots_(std::move(roots)), fail_after_(read_fault_knob()) {
  std::mt19937_64 rng{std::random_device{}()};
  const char* digits = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (int i = 0; i < 8; ++i) id_ += digits[rng() % 36];
  for (auto& r : roots_) r = r.lexically_normal();
  recover_interrupted(roots_);
}

namespace {
bool inside_roots(const fs::path& path, const std::vector<fs::path>& roots) {
  const fs::path norm = path.lexically_normal();
  return std::any_of(roots.begin(), roots.end(), [&](const fs::path& r) {
    auto rel = norm.lexically_relative(r.lexically_normal());
    return !rel.empty() && *rel.begin() != ".." && rel != ".";
  });
}
bool is_backup_of(const fs::path& aside, const fs::path& original) {
  const std::string leaf = aside.filename().string();
  return !leaf.empty() && leaf.front() == '.' && leaf.back() == '~' && leaf.find(".ptinstall-") != std::string::npos &&
         aside.parent_path() == original.parent_path();
}
}  // namespace

std::size_t Transaction::recover_interrupted(const std::vector<fs::path>& roots) {
  if (roots.empty()) return 0;
  const fs::path journal = journal_path(roots.front());
  auto text = util::try_read_file(journal);
  if (!text) return 0;
  // Records of three fields: kind NUL path NUL aside NUL. A record cut short by the kill is ignored.
  struct Rec {
    std::string kind;
    fs::path path, aside;
  };
  std::vector<Rec> recs;
  std::vector<std::string> fields;
  std::size_t pos = 0;
  while (true) {
    auto nul = text->find('\0', pos);
    if (nul == std::string::npos) break;
    fields.push_back(text->substr(pos, nul - pos));
    pos = nul + 1;
  }
  bool committing = false;
  for (std::size_t i = 0; i + 2 < fields.size(); i += 3) {
    if (fields[i] == "C") committing = true;
    // Nothing outside the environment, whatever the file says.
    else if (inside_roots(fields[i + 1], roots)) recs.push_back({fields[i], fields[i + 1], fields[i + 2]});
  }
  std::size_t changes = 0;
  if (committing) {
    // Killed while committing: everything new was in place; finish by deleting the backups.
    for (const auto& r : recs) {
      if ((r.kind != "R" && r.kind != "D") || !is_backup_of(r.aside, r.path) || !exists_nofollow(r.aside)) continue;
      std::error_code ec;
      fs::remove_all(r.aside, ec);
      if (!ec) ++changes;
    }
  } else {
    // Killed before the commit: roll back as rollback() does: new files first, then the backups
    // (newest first, so a path moved aside twice gets its original back), then new directories.
    std::error_code ec;
    for (auto it = recs.rbegin(); it != recs.rend(); ++it)
      if (it->kind == "N" && exists_nofollow(it->path) && fs::remove_all(it->path, ec) > 0) ++changes;
    for (auto it = recs.rbegin(); it != recs.rend(); ++it) {
      if ((it->kind != "R" && it->kind != "D") || !is_backup_of(it->aside, it->path) || !exists_nofollow(it->aside))
        continue;
      if (exists_nofollow(it->path)) fs::remove_all(it->path, ec);
      if (::rename(it->aside.c_str(), it->path.c_str()) == 0) ++changes;
    }
    for (auto it = recs.rbegin(); it != recs.rend(); ++it)
      if (it->kind == "K" && ::rmdir(it->path.c_str()) == 0) ++changes;
  }
  ::unlink(journal.c_str());
  util::log::warn(std::string(committing ? "finished" : "rolled back") + " an interrupted ptinstall run in " +
                  roots.front().string() + " (" + std::to_string(changes) + (changes == 1 ? " file)" : " files)"));
  return changes;
}

void Transaction::journal(char kind, const fs::path& path, const fs::path& aside) {
  std::string rec;
  rec += kind;
  rec += '\0';
  rec += path.string();
  rec += '\0';
  rec += aside.string();
  rec += '\0';
  journal_raw(rec);
}

void Transaction::journal_raw(const std::string& records) {
  if (roots_.empty()) return;
  if (journal_fd_ < 0) {
    fs::path j = journal_path(roots_.front());
    journal_fd_ = ::open(j.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (journal_fd_ < 0) {
      util::log::debug("cannot write " + j.string() + ": " + std::strerror(errno));
      return;
    }
  }
  // One write per batch: the records are whole, or the last is cut short at the end of the file.
  if (::write(journal_fd_, records.data(), records.size()) < 0)
    util::log::debug(std::string("cannot write the transaction journal: ") + std::strerror(errno));
}

void Transaction::close_journal() {
  if (journal_fd_ < 0) return;
  ::close(journal_fd_);
  journal_fd_ = -1;
  ::unlink(journal_path(roots_.front()).c_str());
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      rollback();
    } catch (...) {
    }
  }
}

void Transaction::add_root(const fs::path& root) {
  std::lock_guard lock(mutex_);
  roots_.push_back(root.lexically_normal());
}

fs::path Transaction::aside_name(const fs::path& path) {
  return path.parent_path() / ("." + path.filename().string() + ".ptinstall-" + id_ + "~");
}

namespace {
// `path` in lexically normal form. The installer hands over paths that are normal already (a
// normal directory joined with a plain relative path); spotting that costs one scan of the text,
// while lexically_normal() builds and joins every component (a third of a big warm install's
// instructions when it ran three times per file).
std::string normal_key(const fs::path& path) {
  const std::string& s = path.native();
  bool plain = !s.empty() && s.back() != '/' && s.find("//") == std::string::npos &&
               s.find("/./") == std::string::npos && s.find("/../") == std::string::npos && s.rfind("./", 0) != 0 &&
               s.rfind("../", 0) != 0 && s != "." && s != ".." &&
               !(s.size() >= 2 && s.compare(s.size() - 2, 2, "/.") == 0) &&
               !(s.size() >= 3 && s.compare(s.size() - 3, 3, "/..") == 0);
  return plain ? s : path.lexically_normal().native();
}
}  // namespace

void Transaction::count_placement() {
  if (done_) throw std::logic_error("transaction already finished");
  std::size_t n = placed_++;
  if (fail_after_ && n >= *fail_after_) {
    --placed_;
    throw util::Error("injected failure after " + std::to_string(n) + " files (PTINSTALL_FAULT_INJECT)");
  }
}

void Transaction::create_parents(const fs::path& dir) {
  std::lock_guard lock(mutex_);
  create_parents_locked(dir);
}

void Transaction::create_parents_locked(const fs::path& dir) {
  if (dir.empty() || exists_nofollow(dir)) return;
  create_parents_locked(dir.parent_path());
  // Journaled before it exists: a kill right after mkdir still finds it (an empty directory that
  // is not there is skipped by the recovery).
  journal('K', dir);
  if (::mkdir(dir.c_str(), 0777) == 0) {
    created_dirs_.push_back(dir);
    created_dir_set_.insert(dir.native());
  } else if (errno != EEXIST) {
    throw util::msg::io_failed("create directory", dir, std::strerror(errno));
  }
}

void Transaction::make_room(const fs::path& path, bool ours) {
  if (ours) {
    // Placed earlier by this transaction (a wheel that ships one path twice, or a wheel earlier in
    // install order): no backup, the original state of this path is "absent" or an earlier backup.
    ::unlink(path.c_str());
    return;
  }
  std::lock_guard lock(mutex_);
  fs::path aside = aside_name(path);
  // Journaled before the rename: killed in between, the recovery finds no backup and leaves the
  // path alone; after it, the recovery renames the backup back.
  journal('R', path, aside);
  if (::rename(path.c_str(), aside.c_str()) != 0) {
    if (errno == ENOENT) return;  // gone meanwhile: nothing to keep
    throw util::Error(util::ErrorKind::Io, "failed to move " + path.string() + " aside: " + std::strerror(errno));
  }
  backups_.push_back({path, aside});
}

void Transaction::journal_new(Shard& shard, const std::string& key, const fs::path& path) {
  if (shard.journaled.count(key)) return;
  {
    std::lock_guard lock(mutex_);
    journal('N', path);
  }
  shard.journaled.insert(key);
}

void Transaction::prepare(const fs::path& path) {
  const std::string key = normal_key(path);
  Shard& sh = shard_of(key);
  std::lock_guard shard_lock(sh.mutex);
  count_placement();
  create_parents(path.parent_path());
  if (exists_nofollow(path)) make_room(path, sh.created.count(key) > 0);
  // Before the new file exists, so that a kill right after it is created still finds it listed.
  journal_new(sh, key, path);
}

void Transaction::will_create(const std::vector<fs::path>& paths, bool may_exist) {
  if (roots_.empty() || done_) return;
  std::string batch;
  std::vector<std::string> keys;
  keys.reserve(paths.size());
  // With may_exist: whether a file can be there already, decided once per directory (a file cannot
  // exist in a directory that does not, nor in one this transaction made without placing it).
  std::unordered_map<std::string, bool> dir_is_new;
  auto fresh_dir = [&](const fs::path& dir) {
    auto [it, inserted] = dir_is_new.emplace(dir.native(), false);
    if (inserted) {
      struct stat st {};
      if (::lstat(dir.c_str(), &st) != 0) {
        it->second = errno == ENOENT;
      } else {
        std::lock_guard lock(mutex_);
        it->second = created_dir_set_.count(dir.native()) > 0;
      }
    }
    return it->second;
  };
  for (const auto& p : paths) {
    if (may_exist && !fresh_dir(p.parent_path())) continue;
    keys.push_back(normal_key(p));
    batch += 'N';
    batch += '\0';
    batch += p.native();
    batch += '\0';
    batch += '\0';
  }
  if (batch.empty()) return;
  {
    std::lock_guard lock(mutex_);
    journal_raw(batch);
  }
  // Marked only once the records are written; a path placed meanwhile by another wheel may get a
  // second record, which recovery treats like the first.
  for (const auto& k : keys) {
    Shard& sh = shard_of(k);
    std::lock_guard shard_lock(sh.mutex);
    sh.journaled.insert(k);
  }
}

void Transaction::created(const fs::path& path) {
  const std::string key = normal_key(path);
  Shard& sh = shard_of(key);
  std::lock_guard shard_lock(sh.mutex);
  journal_new(sh, key, path);
  if (sh.created.insert(key).second) sh.created_files.push_back(path);
}

bool Transaction::place(const fs::path& path, const std::function<int()>& create, std::size_t order) {
  const std::string key = normal_key(path);
  Shard& sh = shard_of(key);
  std::lock_guard shard_lock(sh.mutex);
  if (auto it = sh.order.find(key); it != sh.order.end() && it->second > order) return false;
  count_placement();
  const bool ours = sh.created.count(key) > 0;
  if (!sh.journaled.count(key)) {
    // Not announced: the path may exist. What is there goes aside (journaled first) before the
    // path is journaled as new, so that a recovery never deletes a file this run did not make.
    if (!ours && exists_nofollow(path)) make_room(path, false);
    journal_new(sh, key, path);
  }
  for (int attempt = 0;; ++attempt) {
    int e = create();
    if (e == 0) break;
    if (attempt < 3 && e == ENOENT) {
      create_parents(path.parent_path());
    } else if (attempt < 3 && e == EEXIST) {
      make_room(path, ours);
    } else {
      throw util::msg::io_failed("create", path, std::strerror(e));
    }
  }
  if (!ours) {
    sh.created.insert(key);
    sh.created_files.push_back(path);
  }
  sh.order[key] = order;
  return true;
}

bool Transaction::remove(const fs::path& path) {
  if (!exists_nofollow(path)) return false;
  if (!roots_.empty() && !inside_roots(path, roots_)) {
    // Like pip, never delete outside the environment, whatever a RECORD says.
    util::log::warn("not removing " + path.string() + ": it is outside the environment");
    return false;
  }
  // A file this transaction placed is wanted (e.g. a module that moved from one project to another
  // in the same install): removing the old owner's copy must not delete the new one.
  const std::string key = normal_key(path);
  {
    Shard& sh = shard_of(key);
    std::lock_guard shard_lock(sh.mutex);
    if (sh.created.count(key)) return false;
  }
  std::lock_guard lock(mutex_);
  if (done_) throw std::logic_error("transaction already finished");
  fs::path aside = aside_name(path);
  journal('D', path, aside);  // before the rename, as in make_room()
  if (::rename(path.c_str(), aside.c_str()) != 0)
    throw util::msg::io_failed("remove", path, std::strerror(errno));
  backups_.push_back({path, aside});
  touched_dirs_.insert(path.parent_path());
  return true;
}

bool Transaction::remove_dir(const fs::path& path) { return remove(path); }

void Transaction::prune_empty(fs::path dir) {
  while (!dir.empty() && dir.has_relative_path()) {
    fs::path norm = dir.lexically_normal();
    if (std::find(roots_.begin(), roots_.end(), norm) != roots_.end()) return;
    if (::rmdir(dir.c_str()) != 0) return;  // not empty (or gone): stop
    dir = dir.parent_path();
  }
}

void Transaction::clear_state() {
  backups_.clear();
  created_dirs_.clear();
  created_dir_set_.clear();
  for (auto& sh : shards_) {
    sh.created_files.clear();
    sh.created.clear();
    sh.journaled.clear();
    sh.order.clear();
  }
  close_journal();
}

// commit() and rollback() run once every placing thread has finished (the callers join them), so
// they read the shards without their locks.
void Transaction::commit() {
  std::lock_guard lock(mutex_);
  if (done_.exchange(true)) return;
  if (journal_fd_ >= 0) journal('C', {});  // from here on, a killed commit is finished, not undone
  for (const auto& b : backups_) {
    std::error_code ec;
    fs::remove_all(b.aside, ec);
    if (ec) util::log::warn("failed to remove " + b.aside.string() + ": " + ec.message());
  }
  // Deepest first, so a parent sees its children gone.
  std::vector<fs::path> dirs(touched_dirs_.begin(), touched_dirs_.end());
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
    return a.string().size() > b.string().size();
  });
  for (const auto& d : dirs) prune_empty(d);
  clear_state();
}

void Transaction::rollback() {
  std::lock_guard lock(mutex_);
  if (done_.exchange(true)) return;
  for (auto& sh : shards_) {
    for (auto it = sh.created_files.rbegin(); it != sh.created_files.rend(); ++it) {
      std::error_code ec;
      fs::remove_all(*it, ec);
    }
  }
  // Backups in reverse order, so a path moved aside twice ends with its first (original) content.
  for (auto it = backups_.rbegin(); it != backups_.rend(); ++it) {
    if (exists_nofollow(it->original)) {
      std::error_code ec;
      fs::remove_all(it->original, ec);
    }
    if (::rename(it->aside.c_str(), it->original.c_str()) != 0)
      util::log::error("failed to restore " + it->original.string() + " from " + it->aside.string() + ": " +
                       std::strerror(errno));
  }
  for (auto it = created_dirs_.rbegin(); it != created_dirs_.rend(); ++it) {
    // __pycache__ and the like may have appeared inside; only remove when empty.
    ::rmdir(it->c_str());
  }
  clear_state();
}

}  // namespace ptinstall::install
