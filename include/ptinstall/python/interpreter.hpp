// What ptinstall knows about one Python interpreter, learnt from ONE run of it with an embedded
// script (src/python/interpreter_script.cpp; CPython 3.6 .. 3.13, older versions answer with a
// clean error) and cached on disk by path, real path, mtime and size.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ptinstall::spec {
struct MarkerEnvironment;
struct TagEnvironment;
}  // namespace ptinstall::spec

namespace ptinstall::python {

namespace fs = std::filesystem;

// The install locations of one sysconfig scheme.
struct SchemePaths {
  fs::path purelib, platlib, scripts, data, include;
  bool operator==(const SchemePaths&) const = default;
};

struct InterpreterInfo {
  fs::path queried_path;     // the path that was run (absolute)
  fs::path executable;       // sys.executable
  fs::path base_executable;  // the interpreter a venv points at (itself when not a venv), version-named when possible
  fs::path prefix, base_prefix, exec_prefix, base_exec_prefix;
  bool is_venv = false;

  std::string version;       // platform.python_version(), e.g. "3.11.7", "3.13.0rc1"
  int major = 0, minor = 0, micro = 0;
  std::string release_level; // "final", "candidate", ...
  int serial = 0;

  std::string implementation_name;     // sys.implementation.name: "cpython", "pypy"
  std::string implementation_version;  // PEP 508 implementation_version
  std::string implementation_display;  // platform.python_implementation(): "CPython", "PyPy"
  std::string cache_tag;               // sys.implementation.cache_tag: "cpython-311"; "" when None (no .pyc)

  SchemePaths paths;          // the interpreter's own scheme (sysconfig.get_paths())
  fs::path stdlib;
  std::string default_scheme;
  // Schemes for another root, with `placeholder` standing for the root; use prefix_paths()/venv_paths().
  std::string prefix_scheme, venv_scheme;
  SchemePaths prefix_template, venv_template;
  std::string placeholder;

  std::map<std::string, std::string, std::less<>> markers;  // the 11 PEP 508 environment markers

  std::string soabi, abiflags, ext_suffix;
  bool gil_disabled = false;
  int pointer_bits = 64;
  std::string sysconfig_platform;                 // sysconfig.get_platform(): "linux-x86_64", "macosx-11.0-arm64"
  std::string glibc_version, musl_version, macos_version;  // "" when not applicable

  std::optional<fs::path> externally_managed;     // PEP 668 marker file, when present
  std::vector<std::string> sys_path;

  std::string short_version() const;             // "3.11"
  std::string display_name() const;              // "CPython 3.11.7"
  SchemePaths prefix_paths(const fs::path& root) const;  // pip's --prefix layout under root
  SchemePaths venv_paths(const fs::path& root) const;    // a virtual environment's layout under root

  // Conversions for the spec layer (marker evaluation, wheel tag ranking).
  spec::MarkerEnvironment marker_environment() const;
  spec::TagEnvironment tag_environment() const;

  std::string to_json() const;
  // Parses the query script's output (or a cache entry's "info"); throws util::Error.
  static InterpreterInfo from_json(std::string_view json);
};

// "2.36" -> (2, 36); nullopt when empty or malformed.
std::optional<std::pair<int, int>> parse_major_minor(std::string_view version);

struct QueryOptions {
  // Cache root: entries go to <cache_dir>/interpreter-v1/<hash>.json. nullopt: no cache.
  std::optional<fs::path> cache_dir;
};

// Runs `executable` once (or answers from the cache). Throws util::Error when it cannot be run,
// is not a supported Python, or prints something that is not the expected JSON.
InterpreterInfo query_interpreter(const fs::path& executable, const QueryOptions& options = {});

// The cache file that query_interpreter uses for `executable` (whether or not it exists).
fs::path interpreter_cache_path(const fs::path& cache_dir, const fs::path& executable);

// The embedded query script (for tests and debugging).
std::string_view interpreter_query_script();

}  // namespace ptinstall::python
