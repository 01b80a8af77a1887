// A big wheel (torch with CUDA: 0.9-2.5 GB) downloaded over several range requests of one file at
// once, into a partial file kept in the cache, so that
// - a server that caps each connection (a CDN, a proxy, nginx's limit_rate) serves it several times
//   faster: `connections` ranges are in flight, each written where it belongs (pwrite);
// - a download cut short (a dropped connection past the client's retries, a killed run) continues
//   from the bytes already in: the pieces and their progress are saved next to the partial file
//   (<cache>/downloads-v1/<sha256(url)>.part and .json), and the next run asks only for the rest,
//   with If-Range and the validator the server gave (a strong ETag or Last-Modified), so a file that
//   changed on the server comes back whole (200) and is never spliced;
// - the unzip does not wait for the last byte: the download is a GrowingFile (wheel_cache.hpp), so
//   WheelCache::unpack_growing reads the central directory as soon as the last piece is in (it goes
//   second, right after the first) and inflates each entry as its bytes arrive; the sha256 is
//   computed over the whole file as it fills in, and nothing is committed unless it matches.
// The first request asks for the first piece only. A 206 says the server serves ranges, and the
// other connections start; a 200 (no ranges, or If-Range found the file changed) brings the whole
// file on that one connection, written from byte 0. One process at a time owns a partial file (a
// lock next to it); another process downloading the same URL then uses its own temporary file.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ptinstall/install/wheel_cache.hpp"

namespace ptinstall::net {
class HttpClient;
}
namespace ptinstall::util {
class FileLock;
}

namespace ptinstall::install {

struct RangedOptions {
  unsigned connections = 4;         // range requests in flight for one file (PTINSTALL_DOWNLOAD_RANGES)
  std::uint64_t piece_bytes = 0;    // 0: size / (connections * 8), kept within 4..64 MiB
};

// Bytes [start, end) of the file; `done` of them are in, from `start` on.
struct Piece {
  std::uint64_t start = 0, end = 0, done = 0;
  std::uint64_t size() const { return end - start; }
  bool complete() const { return done >= size(); }
};

// The pieces of a file of `size` bytes, `piece_bytes` each (the last one shorter).
std::vector<Piece> split_pieces(std::uint64_t size, std::uint64_t piece_bytes);
// The piece size RangedOptions asks for a file of `size` bytes.
std::uint64_t piece_size(std::uint64_t size, const RangedOptions& options);

// The saved state of a partial download, as kept next to it (JSON). nullopt: unreadable, or for
// another URL or size (the partial file is then started over).
struct PartialState {
  std::string url;
  std::uint64_t size = 0;
  std::optional<std::string> validator;  // If-Range value
  std::vector<Piece> pieces;
};
std::string to_json(const PartialState& state);
std::optional<PartialState> parse_partial_state(const std::string& text, const std::string& url, std::uint64_t size);

// Where the partial download of `url` lives: <cache>/downloads-v1/<xx>/<sha256(url)>, to which
// ".part" (the bytes), ".json" (its PartialState) and ".lock" are added.
std::filesystem::path partial_download_stem(const Cache& root, const std::string& url);

class RangedDownload final : public GrowingFile {
 public:
  // The partial download of `url` (`size` bytes, as the index declared) in the cache `root`,
  // continued from what an earlier run left when something vouches for those bytes: the server gave
  // a validator (If-Range then asks whether the file is the same), or `verified` (the caller checks
  // the whole file's hash). nullptr when another process is downloading it now. `on_bytes(delta)` is called from network threads as bytes come in.
  static std::unique_ptr<RangedDownload> open(const Cache& root, net::HttpClient& client, std::string url,
                                              std::uint64_t size, RangedOptions options, bool verified,
                                              std::function<void(std::int64_t delta)> on_bytes = {});
  ~RangedDownload() override;  // stops the transfers; the partial file stays unless discard()ed
  RangedDownload(const RangedDownload&) = delete;
  RangedDownload& operator=(const RangedDownload&) = delete;

  void start();
  // Waits for every piece; throws the first failure (kind Network for the transfers).
  void finish();
  // Stops the transfers (the reader gave up) and waits for them; the failure of a transfer, if one failed.
  std::exception_ptr stop();
  // Removes the partial file and its state (the wheel is in the cache, or the bytes are bad).
  void discard();

  const std::filesystem::path& path() const { return part_; }
  std::uint64_t size() const { return size_; }
  std::uint64_t resumed_bytes() const { return resumed_; }  // in the file from an earlier run
  std::uint64_t received() const;                          // bytes written so far, resumed ones included
  bool used_ranges() const;                                // the server answered 206

  void wait(std::uint64_t begin, std::uint64_t end) override;
  void abandon() override;

 private:
  RangedDownload(net::HttpClient& client, std::string url, std::uint64_t size, RangedOptions options);
  enum class Mode { undecided, ranges, whole };
  void connection(bool first);
  std::optional<std::size_t> next_piece(bool first);
  void fetch_piece(std::size_t index, bool first);
  void write_at(std::uint64_t offset, const char* data, std::size_t n);
  void fail(std::exception_ptr error);
  void save_locked();
  bool available_locked(std::uint64_t begin, std::uint64_t end) const;

  net::HttpClient& client_;
  std::string url_;
  std::uint64_t size_;
  RangedOptions options_;
  std::function<void(std::int64_t)> on_bytes_;
  std::filesystem::path part_, state_file_;
  std::unique_ptr<util::FileLock> lock_;
  int fd_ = -1;
  std::uint64_t resumed_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Mode mode_ = Mode::undecided;
  std::optional<std::string> validator_;
  std::vector<Piece> pieces_;
  std::vector<bool> taken_;
  std::uint64_t unsaved_ = 0;  // bytes in since the state was last saved
  std::exception_ptr failure_;
  bool abandoned_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ptinstall::install
