// Internal to the install layer (wheel_cache.cpp, parallel_unzip.cpp and their tests): the checks
// every unpacked wheel goes through, shared by the one-thread streaming extractor and the parallel
// one, so both accept and reject the same wheels with the same messages:
// - each entry: a safe relative path, no links, no duplicates; files hashed while they are written;
// - afterwards: the zip's central directory agrees with the entries, executable bits from it, and
//   every file's sha256 and size match the wheel's RECORD.
// Everything throws util::msg::invalid_wheel ("wheel <name> is invalid: ...", kind Wheel) for a bad wheel.
#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

struct archive;
struct archive_entry;

namespace ptinstall::install {
class GrowingFile;  // wheel_cache.hpp
}

namespace ptinstall::install::detail {

namespace fs = std::filesystem;

extern const char* const kCorruptHint;

[[noreturn]] void invalid(std::string_view wheel, const std::string& why, std::string hint = {});

// libarchive's error for `a` as " (<message>)" for an error text, trailing newlines dropped (some of
// its messages end with one), or "" when it set none (archive_error_string may return null).
std::string archive_message(struct archive* a);

struct CentralEntry {
  std::string name;                // as stored (directories end with '/')
  std::uint32_t external_attr = 0;
  std::uint8_t host = 0;           // "version made by" high byte: 3 = Unix
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint64_t local_offset = 0;  // of the entry's local header
};
using CentralDirectory = std::map<std::string, CentralEntry>;  // by stored name

// Finds the end-of-central-directory record (zip64 too) in `tail`, the last bytes of a file of
// `total` bytes, and returns the central directory's bytes, from the tail or through `read_at`
// (which may answer nullopt: then the error says the directory is too large for a stream).
// nullopt when the tail holds no end record (a truncated file). `offset_out`: where it starts.
using ReadAt = std::function<std::optional<std::string>(std::uint64_t offset, std::size_t size)>;
std::optional<std::string> central_directory_bytes(std::string_view tail, std::uint64_t total, std::string_view wheel,
                                                   const ReadAt& read_at, std::uint64_t* offset_out = nullptr);
// Its entries; a name given twice is an error.
CentralDirectory parse_central_directory(const std::string& cd, std::string_view wheel);

struct FileInfo {
  std::string hash;  // urlsafe b64 nopad sha256
  std::uint64_t size = 0;
};

// Writes the entries of one libarchive reader under `dest` (which exists). Several writers may work
// on the same `dest` at once, on disjoint entries; merge() joins their results.
// Bytes unpacked from one wheel so far, shared by the writers of its entries (parallel workers).
using UnpackedTotal = std::shared_ptr<std::atomic<std::uint64_t>>;

class TreeWriter {
 public:
  TreeWriter(fs::path dest, std::string_view wheel, UnpackedTotal total = nullptr)
      : dest_(std::move(dest)), wheel_(wheel),
        total_(total ? std::move(total) : std::make_shared<std::atomic<std::uint64_t>>(0)) {}

  // `fail(what)` reports a libarchive failure (it must throw); the writer adds nothing to `what`.
  using Fail = std::function<void(const std::string& what)>;

  // The entry's path after the per-entry checks (safe path, not a link); a trailing '/' kept.
  std::string checked_name(struct archive_entry* entry) const;
  // Creates the directory, or the file with the entry's data from `a` (hashed while written).
  // Inflating stops the moment the entry passes the size it declares or the wheel passes
  // max_unpacked_bytes(); a CRC-32 or size that does not match the entry's header is an error.
  void write(struct archive* a, struct archive_entry* entry, std::string name, const Fail& fail);
  // Takes another writer's entries; a path both wrote is a duplicate entry.
  void merge(TreeWriter&& other);

  const std::map<std::string, FileInfo>& files() const { return files_; }
  const std::set<std::string>& dirs() const { return dirs_; }
  bool empty() const { return files_.empty() && dirs_.empty(); }

 private:
  fs::path dest_;
  std::string wheel_;
  std::map<std::string, FileInfo> files_;
  std::set<std::string> dirs_;
  std::set<std::string> made_dirs_;  // parent directories known to exist
  UnpackedTotal total_;
};

// After all entries are written: the central directory agrees with them (no links, nothing missing,
// nothing extra; each file's size the directory's, so that a reader of local headers and a reader of
// the directory see the same files), executable bits
// are applied from it, and the files match the wheel's RECORD.
void verify_tree(const fs::path& dest, const TreeWriter& tree, const CentralDirectory& central, std::string_view wheel);

// Extracts the wheel file at `path` (its size `size`) into `dest` with `threads` workers, each with
// its own seekable libarchive reader taking runs of entries in turn, then verify_tree. Hashes the
// whole file on another thread unless `known_sha256` is given (the caller hashed it while
// downloading). Returns the sha256 (hex).
// With `growing`, the file is still being written: every read first waits for its bytes, and the
// entries are taken in file order (not biggest first) so that the workers follow the download.
std::string extract_parallel(const fs::path& path, std::uint64_t size, const fs::path& dest, std::string_view wheel,
                             unsigned threads, const std::optional<std::string>& known_sha256,
                             GrowingFile* growing = nullptr);

}  // namespace ptinstall::install::detail
