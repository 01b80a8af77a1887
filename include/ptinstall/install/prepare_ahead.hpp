// Wheels prepared while the resolution still runs (uv starts its downloads the same way): when the
// resolver decides a package's version and file, that wheel's download and unpacking into the wheel
// cache start at once, so its transfer overlaps the round trips the resolution still waits for.
// - Nothing is installed from here. The wheel cache is content-addressed and commits atomically, so a
//   wheel of a choice the resolver takes back later (backtracking) is only an unused cache entry.
// - take() hands the installer what was prepared, waiting for a job that is still running. A job that
//   failed keeps its error, and take() throws it: the error is said only when the installer wants that
//   very file (a version the resolver took back never is), and a failing server is not asked twice.
//   A job still queued when take() asks is left to the caller.
// - cancel() (and the destructor): queued jobs never start; running transfers stop at their next chunk
//   (a ranged download keeps its partial file for the next run, as after any network failure).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <memory>
#include <optional>

#include "ptinstall/install/prepare.hpp"

namespace ptinstall::install {

class PrepareAhead {
 public:
  struct Taken {
    PreparedWheel wheel;
    PrepareStats stats;  // of this one wheel: downloaded or found in the cache, bytes
  };

  // `options`: the installer's (concurrency is `threads`; progress callbacks are not called from here).
  PrepareAhead(const Cache& root, net::HttpClient& client, PrepareOptions options, std::size_t threads);
  ~PrepareAhead();
  PrepareAhead(const PrepareAhead&) = delete;
  PrepareAhead& operator=(const PrepareAhead&) = delete;

  // Starts preparing the wheel (once per URL; later calls for the same URL do nothing). Returns at once.
  void start(PrepareItem item);
  // The wheel prepared for item.file.url, after waiting for its job; nullopt when none was started or
  // it had not started yet (it then never starts). Throws the job's error when it failed.
  std::optional<Taken> take(const PrepareItem& item);
  void cancel();
  // From now on, the transfers in flight (and later ones) report their bytes here as
  // PrepareOptions::on_file does (a progress display shown once the install step starts); an empty
  // function stops that (before the display goes away).
  void report_files_to(std::function<void(const std::string&, std::uint64_t, std::uint64_t, bool)> on_file);

  std::size_t started() const;   // jobs asked for (distinct URLs)
  std::size_t succeeded() const; // jobs that prepared their wheel

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptinstall::install
