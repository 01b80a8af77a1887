// Installing one unpacked wheel (a wheel cache entry) into an environment, file for file what pip
// does: the root goes to purelib or platlib (WHEEL's Root-Is-Purelib), <name>.data/<key>/ to the
// scheme's directories, `#!python` scripts get the interpreter's shebang, console_scripts and
// gui_scripts get pip's launcher text, and the .dist-info gets INSTALLER, REQUESTED, direct_url.json
// and a RECORD of what was installed. Files are linked from the cache (util::Linker); only the files
// that must differ are written. Everything goes through a Transaction.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/install/uninstall.hpp"

namespace ptinstall::util {
class Linker;
}

namespace ptinstall::install {

namespace fs = std::filesystem;
class Transaction;

// Where the parts of a wheel go. `headers` is the directory the distribution's name is appended
// to (pip: <venv>/include/site/pythonX.Y, or the interpreter's include directory).
struct InstallScheme {
  fs::path purelib, platlib, scripts, data, headers;
  fs::path python;  // the interpreter written into shebangs
  // A relocatable virtual environment (`venv --relocatable`): shebangs find `python` next to the
  // script at run time, as uv writes them, instead of naming its absolute path.
  bool relocatable = false;
  int python_major = 3, python_minor = 0;
  // The interpreter's sys.implementation.cache_tag ("cpython-311"), naming the .pyc files that
  // bytecode compilation writes; empty when it has none (no compilation then).
  std::string cache_tag;
  // The directories a transaction must never prune.
  std::vector<fs::path> roots() const { return {purelib, platlib, scripts, data, headers}; }
};

// What an unpacked wheel is, read from its .dist-info.
struct WheelInfo {
  fs::path dir;              // the unpacked tree
  std::string dist_info;     // "foo-1.0.dist-info"
  std::string data_dir;      // "foo-1.0.data" (whether or not it exists)
  std::string name;          // METADATA Name
  std::string version;       // METADATA Version
  bool root_is_purelib = true;

  // Throws util::Error "wheel X is invalid: ..." (no or several .dist-info, no METADATA, bad WHEEL,
  // Wheel-Version 2+). `expected_name` (normalised or not) is checked against METADATA when given.
  static WheelInfo read(const fs::path& dir, std::string_view display_name,
                        std::optional<std::string_view> expected_name = std::nullopt);
};

struct InstallOptions {
  bool requested = false;                      // write REQUESTED
  std::optional<std::string> direct_url_json;  // write direct_url.json (PEP 610)
  std::string installer = "ptinstall";         // INSTALLER content (without the newline)
  // Position in the install order of one transaction: when wheels installed in parallel ship the same
  // path, the one with the highest order keeps it, as if they had been installed one after another.
  std::size_t order = 0;
  // A directory in the cache for the generated files (INSTALLER, RECORD, launchers, ...), kept by
  // content and hard-linked into environments; empty: every generated file is written.
  fs::path generated_store;
};

struct InstalledWheel {
  std::string name, version;
  fs::path lib_dir;                    // purelib or platlib
  fs::path dist_info_dir;              // absolute
  std::vector<fs::path> files;         // every path written, absolute, lexically normal
  std::vector<fs::path> python_files;  // the .py files among them (for bytecode compilation)
};

// Installs `wheel`, replacing the distributions in `replacing` (same project, found by the caller):
// their files that the new version does not overwrite are removed once the new files are in place.
InstalledWheel install_wheel(const WheelInfo& wheel, const InstallScheme& scheme, util::Linker& linker,
                             Transaction& tx, const InstallOptions& options,
                             const std::vector<InstalledDist>& replacing = {});

// The shebang pip (distlib) writes for `python`: "#!<python>\n", or a /bin/sh trampoline when the
// path has spaces or the line would exceed 127 bytes. `relocatable`: uv's trampoline that runs the
// interpreter named `python.filename()` in the script's own (resolved) directory.
std::string shebang(const fs::path& python, bool relocatable = false);

// The launcher text of an entry point (after the shebang). Throws util::Error without a callable.
std::string launcher_script(std::string_view module, std::string_view attr);

// pip's console script names: pip -> pip, pipX, pipX.Y; easy_install -> easy_install, easy_install-X.Y;
// other versioned pip/easy_install entries dropped. Input and output are (name, "module:attr") pairs.
std::vector<std::pair<std::string, std::string>> console_script_specs(std::vector<std::pair<std::string, std::string>> console,
                                                                     int major, int minor);

}  // namespace ptinstall::install
