// Placing a file from a cache into an environment: reflink clone, hard link, copy or symlink.
// No packaging knowledge. The default (clone) falls back to hardlink, then copy: the mode is probed
// on the first file and the one that worked is remembered by the Linker, which is meant to be used
// for one cache/target pair (a different filesystem pair needs its own Linker).
#pragma once
#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>

namespace ptinstall::util {

enum class LinkMode { Clone, Hardlink, Copy, Symlink };

// "clone", "hardlink", "copy", "symlink"; throws util::Error naming the value otherwise.
LinkMode parse_link_mode(std::string_view text);
std::string_view to_string(LinkMode mode);

// Low-level single attempts: each returns 0 on success or the errno of the failure. `dst` must not
// exist. try_clone and try_copy give `dst` the permission bits of `src`.
int try_clone(const std::filesystem::path& src, const std::filesystem::path& dst);
int try_hardlink(const std::filesystem::path& src, const std::filesystem::path& dst);
int try_copy(const std::filesystem::path& src, const std::filesystem::path& dst);
int try_symlink(const std::filesystem::path& src, const std::filesystem::path& dst);

class Linker {
 public:
  explicit Linker(LinkMode requested = LinkMode::Clone) : requested_(requested), current_(requested) {}

  // Places `src` (a regular file) at `dst`, which must not exist (its parent must). Throws
  // util::Error naming both paths when even the last fallback fails. Thread-safe.
  // Returns the mode that placed the file.
  LinkMode link(const std::filesystem::path& src, const std::filesystem::path& dst);
  // The same, but EEXIST (`dst` exists) and ENOENT (its parent does not, or `src` is missing) are
  // returned rather than thrown, for callers that create parents and make room only when needed.
  // 0 on success.
  int try_link(const std::filesystem::path& src, const std::filesystem::path& dst);

  LinkMode requested() const { return requested_; }
  // The mode files are placed with now (after fallbacks).
  LinkMode current() const { return current_.load(); }

 private:
  LinkMode requested_;
  std::atomic<LinkMode> current_;
  std::atomic<bool> warned_{false};
};

}  // namespace ptinstall::util
