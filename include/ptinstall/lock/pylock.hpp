// PEP 751 lock files (pylock.toml, packaging.python.org's "pylock.toml Specification") as a value:
// reading with every check the spec asks of an installer's input (types, required keys, one source
// kind per package, hashes on every file), and writing in one stable order so that a lock diffs well.
// What a lock means for an install (markers, wheel choice) is in lock/lock_install.hpp; making one
// from a resolution in lock/lock_writer.hpp.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ptinstall::lock {

// A file of a package: a wheel, the sdist, or an archive (a direct URL or path to one).
struct LockedFile {
  std::string name;                        // the file name ("" for archives without one)
  std::string url;                         // url or path: at least one for wheels and sdists
  std::string path;                        // relative to the lock file's directory, or absolute
  std::optional<std::string> upload_time;  // RFC 3339 ("2026-07-08T20:24:52Z"), written as a TOML datetime
  std::optional<std::uint64_t> size;
  std::map<std::string, std::string> hashes;  // algorithm -> lower-case hex; never empty
  std::optional<std::string> subdirectory;    // archives only
};

struct LockedDependency {
  std::string name;                     // normalised
  std::optional<std::string> version;   // only where the lock holds that name more than once
};

// One entry of [packages.tool.ptinstall] variant-required-by.
struct LockedRequirer {
  std::string name;    // normalised
  std::string marker;  // "" when the edge does not depend on the requirer's build
};

// `vcs = { type = "git", url = ..., requested-revision = ..., commit-id = ..., subdirectory = ... }`
struct LockedVcs {
  std::string type = "git";
  std::string url;                            // url or path
  std::string path;
  std::optional<std::string> requested_revision;
  std::string commit_id;
  std::optional<std::string> subdirectory;
};

// `directory = { path = ..., editable = ..., subdirectory = ... }`: a source tree on this machine.
struct LockedDirectory {
  std::string path;                           // relative to the lock's directory, or absolute
  bool editable = false;
  std::optional<std::string> subdirectory;
};

struct LockedPackage {
  std::string name;                     // normalised
  std::optional<std::string> version;
  std::string marker;                   // "" when none
  std::optional<std::string> requires_python;
  std::vector<LockedDependency> dependencies;
  std::optional<std::string> index;     // the Simple API URL the files came from
  std::vector<LockedFile> wheels;
  std::optional<LockedFile> sdist;
  std::optional<LockedFile> archive;
  std::optional<LockedVcs> vcs;
  std::optional<LockedDirectory> directory;
  // PEP 751 attestation-identities: each ("kind", ...) first, then the publisher's keys
  std::vector<std::vector<std::pair<std::string, std::string>>> attestation_identities;
  // PEP 825 [packages.variants-json]: the index-level variant metadata inlined (kept as JSON text here,
  // written and read as a TOML table), so an install ranks the locked variant wheels again.
  std::optional<std::string> variants_json;
  // [packages.tool.ptinstall] variant-required-by: the packages that require this one, each with its
  // requirement's marker where that marker uses PEP 825 variant markers ("" where the edge holds
  // whatever build is chosen). A lock's `marker` cannot say "only with torch's CUDA build", so this is
  // written when some edge to the package depends on the requirer's build; an install keeps the
  // package only if an installed requirer's chosen build satisfies its edge. Empty: always kept.
  std::vector<LockedRequirer> variant_required_by;
};

// [tool.ptinstall]: the PyTorch backend decision the lock was made with.
struct TorchRecord {
  std::string backend;                  // as asked: "auto", "cu128", "cpu", ...
  std::string accelerator;              // for auto: what detection found ("cuda 12.8 (nvidia-smi)"), else ""
  std::vector<std::string> indexes;     // the PyTorch indexes in the order they were searched
};

struct Pylock {
  std::string lock_version = "1.0";
  std::vector<std::string> environments;  // markers; empty: any environment
  std::optional<std::string> requires_python;
  std::vector<std::string> extras, dependency_groups, default_groups;  // normalised
  std::string created_by = "ptinstall";
  std::vector<LockedPackage> packages;
  std::optional<TorchRecord> torch;

  // Reads and validates `text` as read from `path` (for messages). Throws util::Error naming the
  // file and, where it is about one, the package: invalid TOML, a missing or mistyped key, an
  // unknown lock-version major, a package with no or two kinds of source, a file without hashes.
  static Pylock parse(std::string_view text, const std::string& path);
  static Pylock read(const std::string& path);

  // The TOML text: keys in the spec's order, packages sorted by name then version.
  std::string to_toml() const;
};

// The major and minor of a lock-version ("1.0" -> {1, 0}); nullopt when it is no such number.
std::optional<std::pair<int, int>> parse_lock_version(std::string_view text);

}  // namespace ptinstall::lock
