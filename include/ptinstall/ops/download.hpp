// `pip download -d DIR`: the files of a resolution written into a directory, and nothing else, so that
// an air-gapped machine can later install with `--no-index --find-links DIR`.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ptinstall/dist/resolution.hpp"
#include "ptinstall/ops/services.hpp"

namespace ptinstall::ops {

struct DownloadedFile {
  std::string name;             // the project, normalized
  std::filesystem::path path;   // in the destination directory
  bool existed = false;         // already there with the expected hash: not fetched again
  std::uint64_t bytes = 0;
};

struct DownloadResult {
  std::vector<DownloadedFile> files;     // in the resolution's order (by name)
  std::vector<std::string> skipped;      // source trees and repositories (nothing to write), described
};

// Fetches every registry or URL file of `resolution` into `dest` (created), in parallel, each written
// under a temporary name and renamed into place once its sha256 matches the index's (a mismatch
// leaves nothing behind); local wheels and archives are copied. A file already in `dest` whose hash
// matches (or whose size does, where no hash is known) is kept.
DownloadResult download_resolution(Services& services, const dist::Resolution& resolution,
                                   const std::filesystem::path& dest);

}  // namespace ptinstall::ops
