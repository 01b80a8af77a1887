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
  if (std::size_t n = recover_interrupted(roots_))
    util::log::warn("cleaned up after an interrupted ptinstall run in " + roots_.front().string() + " (" +
                    std::to_string(n) + (n == 1 ? " backup file)" : " backup files)"));
}

std::size_t Transaction::recover_interrupted(const std::vector<fs::path>& roots) {
  if (roots.empty()) return 0;
  const fs::path journal = journal_path(roots.front());
  auto text = util::try_read_file(journal);
  if (!text) return 0;
  // Records: kind NUL original NUL aside NUL. A record cut short by the kill is ignored.
  std::vector<std::string> fields;
  std::size_t pos = 0;
  while (true) {
    auto nul = text->find('\0', pos);
    if (nul == std::string::npos) break;
    fields.push_back(text->substr(pos, nul - pos));
    pos = nul + 1;
  }
  std::size_t repaired = 0;
  for (std::size_t i = 0; i + 2 < fields.size(); i += 3) {
    const fs::path original = fields[i + 1], aside = fields[i + 2];
    if (!exists_nofollow(aside)) continue;
    // Only hidden backups of our own naming, inside the environment.
    const std::string leaf = aside.filename().string();
    if (leaf.empty() || leaf.front() != '.' || leaf.back() != '~' || leaf.find(".ptinstall-") == std::string::npos ||
        aside.parent_path() != original.parent_path())
      continue;
    const fs::path norm = original.lexically_normal();
    if (std::none_of(roots.begin(), roots.end(), [&](const fs::path& r) {
          auto rel = norm.lexically_relative(r.lexically_normal());
          return !rel.empty() && *rel.begin() != ".." && rel != ".";
        }))
      continue;
    // "R": replaced by a new file; when the kill came between the rename and the new file, the
    // path is empty and the old file goes back. "D": removed on purpose; the removal is finished.
    if (fields[i] == "R" && !exists_nofollow(original)) {
      if (::rename(aside.c_str(), original.c_str()) == 0) ++repaired;
      continue;
    }
    std::error_code ec;
    fs::remove_all(aside, ec);
    if (!ec) ++repaired;
  }
  ::unlink(journal.c_str());
  return repaired;
}

void Transaction::journal(char kind, const Backup& b) {
  if (roots_.empty()) return;
  if (journal_fd_ < 0) {
    fs::path j = journal_path(roots_.front());
    journal_fd_ = ::open(j.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (journal_fd_ < 0) {
      util::log::debug("cannot write " + j.string() + ": " + std::strerror(errno));
      return;
    }
  }
  std::string rec;
  rec += kind;
  rec += '\0';
  rec += b.original.string();
  rec += '\0';
  rec += b.aside.string();
  rec += '\0';
  // One write per record: a record is either whole or cut short at the end of the file.
  if (::write(journal_fd_, rec.data(), rec.size()) < 0)
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

void Transaction::create_parents(const fs::path& dir) {
  if (dir.empty() || exists_nofollow(dir)) return;
  create_parents(dir.parent_path());
  if (::mkdir(dir.c_str(), 0777) == 0) {
    created_dirs_.push_back(dir);
  } else if (errno != EEXIST) {
    throw util::Error("failed to create directory " + dir.string() + ": " + std::strerror(errno));
  }
}

void Transaction::prepare(const fs::path& path) {
  std::lock_guard lock(mutex_);
  if (done_) throw std::logic_error("transaction already finished");
  if (fail_after_ && placed_ >= *fail_after_)
    throw util::Error("injected failure after " + std::to_string(placed_) + " files (PTINSTALL_FAULT_INJECT)");
  ++placed_;
  create_parents(path.parent_path());
  if (exists_nofollow(path) && created_set_.count(path.lexically_normal().string())) {
    // Placed earlier by this transaction (a wheel that ships one path twice): no backup, the
    // original state of this path is "absent" or an earlier backup.
    ::unlink(path.c_str());
  } else if (exists_nofollow(path)) {
    fs::path aside = aside_name(path);
    if (::rename(path.c_str(), aside.c_str()) != 0)
      throw util::Error("failed to move " + path.string() + " aside: " + std::strerror(errno));
    backups_.push_back({path, aside});
    journal('R', backups_.back());
  }
}

void Transaction::created(const fs::path& path) {
  std::lock_guard lock(mutex_);
  created_files_.push_back(path);
  created_set_.insert(path.lexically_normal().string());
}

bool Transaction::place(const fs::path& path, const std::function<void()>& write, std::size_t order) {
  const std::string key = path.lexically_normal().string();
  std::lock_guard path_lock(path_locks_[std::hash<std::string>{}(key) % path_locks_.size()]);
  {
    std::lock_guard lock(mutex_);
    auto it = placed_order_.find(key);
    if (it != placed_order_.end() && it->second > order) return false;
  }
  prepare(path);
  write();
  created(path);
  std::lock_guard lock(mutex_);
  placed_order_[key] = order;
  return true;
}

bool Transaction::remove(const fs::path& path) {
  std::lock_guard lock(mutex_);
  if (!exists_nofollow(path)) return false;
  if (!roots_.empty()) {
    // Like pip, never delete outside the environment, whatever a RECORD says.
    fs::path norm = path.lexically_normal();
    bool inside = std::any_of(roots_.begin(), roots_.end(), [&](const fs::path& r) {
      auto rel = norm.lexically_relative(r);
      return !rel.empty() && *rel.begin() != ".." && rel != ".";
    });
    if (!inside) {
      util::log::warn("not removing " + path.string() + ": it is outside the environment");
      return false;
    }
  }
  // A file this transaction placed is wanted (e.g. a module that moved from one project to another
  // in the same install): removing the old owner's copy must not delete the new one.
  if (created_set_.count(path.lexically_normal().string())) return false;
  fs::path aside = aside_name(path);
  if (::rename(path.c_str(), aside.c_str()) != 0)
    throw util::Error("failed to remove " + path.string() + ": " + std::strerror(errno));
  backups_.push_back({path, aside});
  journal('D', backups_.back());
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

void Transaction::commit() {
  std::lock_guard lock(mutex_);
  if (done_) return;
  done_ = true;
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
  backups_.clear();
  created_files_.clear();
  created_set_.clear();
  created_dirs_.clear();
  placed_order_.clear();
  close_journal();
}

void Transaction::rollback() {
  std::lock_guard lock(mutex_);
  if (done_) return;
  done_ = true;
  for (auto it = created_files_.rbegin(); it != created_files_.rend(); ++it) {
    std::error_code ec;
    fs::remove_all(*it, ec);
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
  backups_.clear();
  created_files_.clear();
  created_set_.clear();
  created_dirs_.clear();
  placed_order_.clear();
  close_journal();
}

}  // namespace ptinstall::install
