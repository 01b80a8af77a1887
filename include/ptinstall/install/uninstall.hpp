// Installed distributions (.dist-info and .egg-info directories under purelib/platlib) and their
// RECORD-driven removal, also for what pip installed: every RECORD path (relative to the
// site-packages directory the .dist-info lives in), the __pycache__/*.pyc of each removed .py, the
// .dist-info directory itself, and directories left empty.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptinstall::install {

namespace fs = std::filesystem;
class Transaction;

struct InstalledDist {
  std::string name;          // as in METADATA (or the directory name when METADATA is missing)
  std::string normalized;    // PEP 503
  std::string version;       // as in METADATA
  fs::path metadata_dir;     // .../site-packages/foo-1.0.dist-info (or .egg-info)
  fs::path site_dir;         // the directory holding metadata_dir
  bool egg_info = false;
  std::string installer;     // INSTALLER content, trimmed ("pip", "ptinstall", "")
  bool requested = false;    // a REQUESTED file exists
};

// Every distribution found directly under the given directories (duplicates removed, sorted by
// normalized name). Unreadable entries are skipped with a debug log.
std::vector<InstalledDist> scan_installed(const std::vector<fs::path>& site_dirs);
// The installed distributions with this name (normally zero or one). Only the metadata directories
// whose file name starts with the name (escaped as in wheel file names) are read.
std::vector<InstalledDist> find_installed(const std::vector<fs::path>& site_dirs, std::string_view name);

// The files a distribution owns, absolute, from its RECORD (dist-info) or installed-files.txt
// (egg-info), plus the .pyc files of its .py files in __pycache__ that exist. Throws util::Error
// when neither file exists (nothing can be removed safely).
std::vector<fs::path> installed_files(const InstalledDist& dist);

// Removes the distribution through `tx` (nothing is deleted for good until tx.commit()). Paths in
// `keep` (absolute, lexically normal) are left alone: the files a replacing version just placed.
// Returns the number of paths removed.
std::size_t uninstall(const InstalledDist& dist, Transaction& tx, const std::vector<fs::path>& keep = {});

}  // namespace ptinstall::install
