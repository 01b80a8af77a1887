// A resolution as a PEP 751 lock: each pinned project with its version, dependencies, the index its
// files came from (`index` always: the Simple API URL, the PyTorch index for routed packages) and
// every file of that version the index lists with a hash (the chosen file always: its hash is
// computed by the resolver where the index gives none).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/dist/resolution.hpp"
#include "ptinstall/lock/pylock.hpp"

namespace ptinstall::lock {

struct LockWriteOptions {
  std::vector<std::string> environments;        // markers the lock is valid for
  std::optional<std::string> requires_python;
  std::vector<std::string> extras, dependency_groups, default_groups;
  std::optional<TorchRecord> torch;
  std::string created_by = "ptinstall";
  std::string lock_path;                        // where the lock is written: local files are relative to it
};

struct LockWriteResult {
  Pylock lock;
  // Files of a locked version the index lists without a hash, left out of the lock:
  // "name==version (N files)".
  std::vector<std::string> unhashed;
};

// Source trees become `directory` entries (relative to the lock, no version), git repositories `vcs`
// entries at their commit. Throws util::Error (Usage) for a file without a hash or a repository
// without a commit.
LockWriteResult lock_from_resolution(const dist::Resolution& resolution, const LockWriteOptions& options);

}  // namespace ptinstall::lock
