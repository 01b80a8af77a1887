// PEP 751 lock files in the pipeline: `pip compile -o pylock.toml` / `pip lock` turn a resolution
// into one (lock::lock_from_resolution with the target's environment, the project's selection and the
// --torch-backend decision), and `pip install -r pylock.toml` / `pip sync pylock.toml` read one into a
// dist::Resolution without resolving (lock::lock_install). docs/locks.md describes both.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "ptinstall/dist/build_context.hpp"
#include "ptinstall/dist/resolution.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/lock/lock_install.hpp"
#include "ptinstall/lock/lock_writer.hpp"
#include "ptinstall/ops/inputs.hpp"
#include "ptinstall/ops/options.hpp"
#include "ptinstall/ops/services.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/ops/target.hpp"

namespace ptinstall::ops {

// The versions of an existing lock, to prefer when it is written again (like previous_pins); an
// unreadable lock is ignored with a warning.
std::vector<install::InstalledDist> previous_lock_pins(const std::string& path);

// Whether compile's output is a lock: --format pylock.toml, or an output file named like one.
bool writes_pylock(const PipOptions& options, const std::optional<std::string>& format,
                   const std::optional<std::string>& output_file);

struct LockText {
  std::string text;
  std::vector<std::string> unhashed;  // "name==version (N files)" left out for want of a hash
};

// What every lock written for `target` holds besides its packages: environments, requires-python,
// created-by, the [tool.ptinstall] PyTorch record.
lock::LockWriteOptions lock_write_options(const ResolveInputs& inputs, const Target& target, const PipOptions& options,
                                          const std::string& lock_path);

// The lock of `resolution` (made with ResolveRequest::collect_hashes) for `target`, without the
// packages of `no_emit` (pip compile --no-emit-package, normalised names).
LockText lock_text(const ResolveInputs& inputs, const dist::Resolution& resolution, const Target& target,
                   const PipOptions& options, const std::string& lock_path,
                   const std::set<std::string>& no_emit = {});

// --no-emit-package for a lock: those packages leave it, and so do the dependencies on them.
void drop_packages(lock::Pylock& lock, const std::set<std::string>& names);

// The lock at `path` (a file, or an http(s) URL fetched by the caller into `text`) for `target`, with
// --extra/--all-extras/--group from the settings. Warns when the lock's [tool.ptinstall] PyTorch
// backend is not the one this machine selects. Throws util::Error naming the file and the package.
// Entries without a version (source trees, git) get theirs from their metadata through `build`.
lock::LockInstall read_lock(const std::string& path, const std::string& text, const PipOptions& options,
                            const Target& target, dist::BuildContext* build = nullptr);

// The spec's fallback: a locked registry file whose `url` answered 404 (the error `failure` of an
// install) is looked up by name on its package's `index` and, where the index still lists it, takes
// the URL found there (its hash is still checked against the lock's). True when a URL changed, so the
// install may be tried again.
bool relocate_missing_file(dist::Resolution& resolution, Services& services, const util::Error& failure);

}  // namespace ptinstall::ops
