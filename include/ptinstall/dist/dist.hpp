// One value type for every kind of distribution ptinstall handles: a wheel or an sdist listed by an
// index (or a find-links location), a direct URL (`name @ https://host/x.whl`, an archive URL), a
// local path (a wheel file, an sdist archive, a source tree, editable or not) and a git repository.
// Each carries the project name, the version where it is known, where it came from (index URL, file
// URL, hashes, size, upload time) and what PEP 610's direct_url.json needs.
//
// Which kinds can be installed today is not decided here but by BuildOptions (build_options.hpp):
// wheels install directly, everything else needs a build through the build seam (build_context.hpp).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>

#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/spec/direct_url.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::dist {

// A wheel found on an index or a find-links location.
struct RegistryWheel {
  index::IndexFile file;
};

// A source distribution found on an index or a find-links location.
struct RegistrySdist {
  index::IndexFile file;
};

// `name @ https://host/path/file.whl` or `name @ https://host/path/file.tar.gz`.
struct DirectUrl {
  std::string url;                           // without the fragment
  std::string filename;                      // the last path segment, decoded
  index::HashMap hashes;                     // from the fragment (#sha256=...)
  std::optional<std::string> subdirectory;   // #subdirectory= (archives only)
  bool wheel = false;                        // a .whl; otherwise a source archive
};

// A file or directory on this machine, given by path or file:// URL.
enum class PathKind { Wheel, Archive, Tree };
struct LocalPath {
  std::filesystem::path path;                // absolute, lexically normal
  std::string url;                           // file:// URL of `path`
  PathKind kind = PathKind::Wheel;
  bool editable = false;                     // -e (trees only)
};

// git+https://host/repo.git@rev#subdirectory=sub
struct Git {
  std::string repository;                    // the URL git is given (without git+, @rev and fragment)
  std::optional<std::string> reference;      // branch, tag, commit or ref as requested
  std::optional<std::string> commit;         // the full commit once known
  std::optional<std::string> subdirectory;
  bool editable = false;
  std::optional<std::filesystem::path> checkout;  // editable: the working clone (<venv>/src/<name>), once pinned
};

using Source = std::variant<RegistryWheel, RegistrySdist, DirectUrl, LocalPath, Git>;

struct Dist {
  std::string name;                          // normalised (PEP 503); may be empty for a nameless direct reference
  std::optional<spec::Version> version;      // known for wheels and registry sdists
  Source source;

  // A built distribution: installs without running any build backend.
  bool is_wheel() const;
  // Named by the user with a URL or path rather than found on an index (PEP 610 applies).
  bool is_direct() const;
  bool is_editable() const;
  // The file name for files (wheel or archive), empty for trees and repositories.
  std::string filename() const;
  // Where the distribution is fetched from: the file URL, or the repository URL.
  std::string url() const;
  // url(), except that a git source pinned to its commit says git+URL@<commit> (what compile and
  // freeze print, so that the same commit is installed again).
  std::string pinned_url() const;
  // The index or find-links location a registry distribution was listed on; empty otherwise.
  std::string index_url() const;
  // The hashes known for the file before it is fetched (index or URL fragment).
  index::HashMap hashes() const;
  // The index's entry for registry kinds, nullptr otherwise.
  const index::IndexFile* index_file() const;
  // A short description for messages: "demo==1.0", "demo @ file:///src/demo", "demo (git+https://...)".
  std::string describe() const;
  // The kind as a word: "registry wheel", "registry sdist", "direct URL wheel", "direct URL archive",
  // "local wheel", "local archive", "local tree", "editable tree", "git".
  std::string kind_name() const;
  // PEP 610 direct_url.json for a direct distribution (nullopt for registry ones); `archive_sha256`
  // is the hex digest of the file that was installed, where there is one.
  std::optional<spec::DirectUrl> direct_url(const std::optional<std::string>& archive_sha256 = {}) const;
};

// A registry distribution from an index file (a wheel, or an sdist).
Dist from_index_file(const index::IndexFile& file);

// A direct reference: `url` is what followed `name @` (https://, file://, git+...). `name` may be
// empty when the reference names no project (a bare path); wheels get theirs from the file name.
// Throws util::Error (Usage) for what is no distribution at all.
Dist from_direct_reference(const std::string& name, const std::string& url, bool editable = false);

// A path given on the command line or in a requirements file (relative to `base`): a wheel file,
// an archive, or a directory with pyproject.toml or setup.py.
Dist from_path(const std::filesystem::path& path, const std::filesystem::path& base, bool editable = false);

}  // namespace ptinstall::dist
