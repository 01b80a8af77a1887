// All-or-nothing changes to an environment. Every file an install or uninstall creates is recorded,
// every file it replaces or removes is first renamed aside (a backup beside it, same directory and
// so the same filesystem), and directories it creates are noted. commit() deletes the backups and
// prunes directories left empty by removals; rollback() (also run by the destructor when commit()
// was not reached) deletes what was created and renames the backups back, leaving the environment
// exactly as it was. Thread-safe: wheels may be installed in parallel into one transaction.
//
// A process killed half-way (SIGKILL, power loss) cannot roll back by itself, so every change is
// written, before it is made, to a journal (`.ptinstall-journal` in the first root, i.e.
// site-packages): directories made, paths about to be created, backups. Constructing a Transaction
// (callers hold the environment lock) finds a journal left behind and undoes what it lists, newest
// first, as rollback() would; when the kill came during commit() (a mark in the journal), it
// finishes the commit instead by deleting the backups.
//
// Test knob: PTINSTALL_FAULT_INJECT=after-files:N makes the N+1-th placed file fail with an
// injected error (read once per transaction), to check that a failure half-way leaves nothing.
#pragma once
#include <array>
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ptinstall::install {

namespace fs = std::filesystem;

class Transaction {
 public:
  // `roots`: the directories of the environment (site-packages, bin, ...): never pruned even when
  // empty, and nothing outside them is ever removed.
  explicit Transaction(std::vector<fs::path> roots = {});
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void add_root(const fs::path& root);

  // Repairs after a killed process from the journal in `roots.front()` (see above), with a warning;
  // returns the number of files and directories restored or removed. Run by the constructor.
  static std::size_t recover_interrupted(const std::vector<fs::path>& roots);
  static fs::path journal_path(const fs::path& first_root) { return first_root / ".ptinstall-journal"; }

  // Makes `path` ready to be created: creates its missing parent directories (recorded) and, when
  // something is already there, renames it aside. Counts towards the fault-injection knob.
  void prepare(const fs::path& path);
  // Announces paths about to be created, in one journal write (prepare() and place() would write
  // one record per path). Only for the journal: each path still goes through prepare()/place(), or
  // created() when another process makes it (bytecode compilation). The recovery of a killed run
  // deletes what is announced, so a path that exists must not be announced before it is moved
  // aside: with `may_exist`, only the paths whose directory does not exist yet (or was made by this
  // transaction) are announced, the others are journaled by place() in a safe order (backup first).
  // A directory announced is removed whole by the recovery: only announce directories that do not
  // exist yet.
  void will_create(const std::vector<fs::path>& paths, bool may_exist = false);
  // Records a file (or directory) this transaction created, to delete on rollback.
  void created(const fs::path& path);
  // Places one file: `create` makes `path` and returns 0 or the errno of its failure (it must fail
  // with EEXIST when something is at `path`, as open(O_EXCL) and link() do). The transaction tries it
  // straight away and only on EEXIST moves what is there aside (or, when this transaction placed it,
  // deletes it), and on ENOENT creates the parent directories, then tries again: a fresh environment
  // costs one system call per file, as `cp -al` does. Wheels installed in parallel may ship the same
  // path (every nvidia-* wheel has nvidia/__init__.py): as when pip installs them one after the
  // other, the wheel that comes later in install order (`order`) ends up owning the file, whatever
  // order the threads run in. Returns false when `create` was skipped because a later wheel already
  // placed the path (the caller still lists the path in its RECORD, as pip's earlier wheel does).
  // Other errors of `create` are thrown as util::Error naming the path.
  bool place(const fs::path& path, const std::function<int()>& create, std::size_t order = 0);
  // Removes a file now (renamed aside, deleted at commit). Missing files, files this transaction
  // created, and (when roots were given) paths outside every root are left alone, the latter with a
  // warning. Returns whether something was removed.
  bool remove(const fs::path& path);
  // Removes a whole directory (renamed aside).
  bool remove_dir(const fs::path& path);

  void commit();
  void rollback();
  bool committed() const { return done_.load(); }

  // Files placed so far (prepare() calls), for tests.
  std::size_t placed() const { return placed_.load(); }

 private:
  struct Backup {
    fs::path original, aside;
  };
  // The per-path state, split by the hash of the path so that threads placing different files
  // rarely wait on each other (one lock for everything made the futex calls outnumber the files).
  struct Shard {
    std::mutex mutex;
    std::vector<fs::path> created_files;
    std::unordered_set<std::string> created;           // lexically normal paths of created_files
    std::unordered_set<std::string> journaled;         // paths with an "N" record
    std::unordered_map<std::string, std::size_t> order;  // path -> order of its last place()
  };
  Shard& shard_of(const std::string& key) { return shards_[std::hash<std::string>{}(key) % shards_.size()]; }
  fs::path aside_name(const fs::path& path);
  void count_placement();                       // the fault-injection knob
  void make_room(const fs::path& path, bool ours);  // takes mutex_
  void create_parents(const fs::path& dir);     // takes mutex_
  void create_parents_locked(const fs::path& dir);
  void journal_new(Shard& shard, const std::string& key, const fs::path& path);  // shard locked; takes mutex_
  void prune_empty(fs::path dir);
  void journal(char kind, const fs::path& path, const fs::path& aside = {});  // with mutex_ held
  void journal_raw(const std::string& records);  // with mutex_ held
  void close_journal();                      // called with mutex_ held
  void clear_state();                        // with mutex_ held, no other thread running

  // Lock order: a shard's mutex, then mutex_; never the other way round.
  std::mutex mutex_;
  std::vector<fs::path> roots_;
  std::vector<fs::path> created_dirs_;
  std::unordered_set<std::string> created_dir_set_;  // created_dirs_, as strings
  std::vector<Backup> backups_;
  std::set<fs::path> touched_dirs_;  // parents of removed paths, pruned at commit when empty
  std::array<Shard, 1024> shards_;  // a shard is held during its system calls: many keep collisions rare
  std::atomic<std::size_t> placed_{0};
  std::optional<std::size_t> fail_after_;
  std::string id_;
  int journal_fd_ = -1;
  std::atomic<bool> done_{false};
};

}  // namespace ptinstall::install
