// Filesystem helpers with no packaging knowledge.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptinstall::util {

namespace fs = std::filesystem;

// Whole-file reads; read_file throws util::Error naming the path, try_read_file returns nullopt.
std::string read_file(const fs::path& path);
std::optional<std::string> try_read_file(const fs::path& path);

// Writes to a temporary file beside `path`, then renames it over `path`: readers see the old
// content or the new one, never half of it. Creates parent directories.
void write_file_atomic(const fs::path& path, std::string_view content);

// A relative path made only of plain names: not empty, no leading or trailing `/`, and no empty,
// `.` or `..` component. Appended to a lexically normal directory it stays lexically normal, and it
// can never leave that directory.
bool is_plain_relative_path(std::string_view path);

// The regular files below `dir`, as relative paths with `/` ("pkg/mod.py"), in no particular order.
// Symbolic links and other special files are left out and not followed. Throws util::Error naming
// the directory that cannot be read. Walks with file descriptors and the directory entries' types:
// no std::filesystem::path per entry (a path splits itself into components when built, which made
// listing a wheel's tree a tenth of an install's instructions).
std::vector<std::string> list_files(const fs::path& dir);

// Reads up to `size` bytes at `offset` of the open file `fd` into `out`, retrying short reads and
// EINTR; returns how many were read (fewer only at the end of the file). Throws util::Error naming
// `path` when a read fails.
std::size_t pread_full(int fd, void* out, std::size_t size, std::uint64_t offset, const fs::path& path);

// A directory removed (recursively) when the object goes away, unless released.
class TempDir {
 public:
  explicit TempDir(const fs::path& parent = fs::temp_directory_path(), std::string_view prefix = "ptinstall-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path release();

 private:
  fs::path path_;
  bool owned_ = true;
};

}  // namespace ptinstall::util
