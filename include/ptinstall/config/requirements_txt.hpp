// requirements.txt as pip reads it: line continuations, comments, ${VAR} expansion, nested -r and
// -c files (relative to the file that names them), option lines (--index-url, --extra-index-url,
// --find-links, --no-index, --pre, --only-binary, --no-binary, --require-hashes, --trusted-host)
// and per-requirement --hash options. Errors name the file and the line.
#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/spec/requirement.hpp"

namespace ptinstall::config {

struct RequirementLine {
  std::string text;                           // the requirement as written (after ${VAR} expansion)
  std::optional<spec::Requirement> requirement;  // PEP 508 requirement; empty for a path or URL
  std::optional<std::string> location;        // a path (absolute: wheel, sdist, project directory) or URL given instead of a name
  std::vector<std::string> extras;            // `./proj[extra]`: the extras of a location
  bool editable = false;                      // -e / --editable
  std::vector<std::string> hashes;            // "sha256:<hex>", from --hash options
  std::string file;                           // the file and line it came from, for messages
  int line = 0;
};

struct RequirementsFile {
  std::vector<RequirementLine> requirements;
  std::vector<RequirementLine> constraints;   // from -c files (and from lines of files read as constraints)
  std::optional<std::string> index_url;
  std::vector<std::string> extra_index_urls;
  std::vector<std::string> find_links;        // directories made absolute against the file's folder
  std::vector<std::string> trusted_hosts;
  std::vector<std::string> only_binary, no_binary;
  bool prefer_binary = false;  // --prefer-binary
  bool no_index = false;
  bool pre = false;
  bool require_hashes = false;                // --require-hashes, or switched on by the first --hash
  bool require_hashes_line = false;           // a `--require-hashes` line itself (uv's --verify-hashes keeps it)
};

// The longest line (continuation lines joined) a requirements file may have: 1 MiB. A real line
// is a requirement (at most spec::Requirement::kMaxLength) and its options, --hash ones above all:
// a thousand hashes fit 11 times over. A longer line is an error naming the file and the line,
// found before the line is copied anywhere.
inline constexpr size_t kMaxRequirementsLine = 1024 * 1024;
// The most requirements and constraints one read may yield, nested files included: 100,000. Each
// costs about a kilobyte here and more downstream, so ten million 4-byte lines (a 40 MB file) would
// need gigabytes; the largest real files (a monorepo's pins with hashes) hold a few thousand.
inline constexpr size_t kMaxRequirementsLines = 100000;

using EnvLookup = std::function<const char*(const char*)>;
// Fetches a requirements file named by an http(s) URL (`-r https://host/requirements.txt`) and returns
// its text; throws util::Error. Without one, such files are refused.
using UrlReader = std::function<std::string(const std::string& url)>;

// Reads `path` (and every file it nests) into `out`. `as_constraints` reads the file as a -c file.
// `path` may be an http(s) URL when `fetch` is given (nested -r/-c paths are then relative to the URL),
// or a file: URL.
void read_requirements_file(const std::filesystem::path& path, RequirementsFile& out, bool as_constraints = false,
                            const EnvLookup& env = nullptr, const UrlReader& fetch = nullptr);

// Parses the text of a requirements file, as if read from `path` (used for nested-file resolution
// and messages).
void parse_requirements_text(std::string_view text, const std::filesystem::path& path, RequirementsFile& out,
                             bool as_constraints = false, const EnvLookup& env = nullptr);

// One requirement given on the command line: a PEP 508 string, or a path/URL (a wheel, an sdist, a
// project directory: `.`, `./proj`, `./proj[extra]`).
RequirementLine parse_requirement_argument(std::string_view text, const std::string& origin);

}  // namespace ptinstall::config
