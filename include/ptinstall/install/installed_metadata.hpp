// What the inspection commands (pip list, freeze, show, check) read from installed distributions:
// the whole METADATA / PKG-INFO (with an egg-info's requires.txt turned into Requires-Dist, as pip
// does), direct_url.json, the declared files (RECORD or installed-files.txt, as pip shows them), and
// the set of distributions visible on an interpreter's sys.path (the first one of a name wins).
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/spec/direct_url.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/spec/requirement.hpp"

namespace ptinstall::python {
class Environment;
}

namespace ptinstall::install {

// The directories to look for distributions in, in the order Python imports from them: for an
// interpreter's own scheme its sys.path (existing directories) plus purelib/platlib if missing
// there; for --target / --prefix layouts their site-packages directories.
std::vector<fs::path> inspection_dirs(const python::Environment& env);

// pip 24's canonical name of an installed distribution: from the metadata directory's name
// (`name-version.dist-info`, `name[-...].egg-info`), else from METADATA's Name.
std::string canonical_name_of(const InstalledDist& dist);

// Every distribution visible from `dirs`: scan_installed() directory by directory, with
// `normalized` set to canonical_name_of(), keeping the first distribution of each name (what
// `import` and pip see). Within one directory a .dist-info wins over an .egg-info. Sorted by
// normalized name.
std::vector<InstalledDist> scan_visible(const std::vector<fs::path>& dirs);

// The text of an egg-info's requires.txt as Requires-Dist strings, the way pip converts them:
// `[extra]` sections add `extra == "x"`, `[:marker]` and `[extra:marker]` add the marker.
std::vector<std::string> requires_txt_to_requires_dist(std::string_view requires_txt);

// The METADATA (dist-info) or PKG-INFO (egg-info, directory or single file) text of `dist`;
// nullopt when there is none.
std::optional<std::string> read_metadata_text(const InstalledDist& dist);

// The parsed metadata of `dist`. For an egg-info without Requires-Dist headers, requires.txt
// supplies them. A Name that is not a valid project name or a non-PEP 440 Version is tolerated
// (name kept as scanned, version read as "0"). Throws util::Error when the file is missing or
// otherwise unparsable.
spec::CoreMetadata read_metadata(const InstalledDist& dist);

// direct_url.json of a dist-info; nullopt when absent or invalid (logged at debug level).
std::optional<spec::DirectUrl> read_direct_url(const InstalledDist& dist);

// For an editable install (direct_url.json with dir_info.editable), the project directory.
std::optional<fs::path> editable_location(const std::optional<spec::DirectUrl>& direct_url);

// pip's editable_project_location: the directory of an editable install (direct_url.json with
// dir_info.editable); for a distribution without direct_url.json that has a `<name>.egg-link`
// (setup.py develop) in one of `search_dirs`, the distribution's own location.
std::optional<fs::path> editable_project_location(const InstalledDist& dist,
                                                  const std::optional<spec::DirectUrl>& direct_url,
                                                  const std::vector<fs::path>& search_dirs);

// A file:// URL as a local path (percent-decoded); nullopt for any other URL.
std::optional<fs::path> file_url_to_path(std::string_view url);

// The files a distribution declares, as pip show --files prints them: RECORD paths (normalized
// like pathlib: no "./", no doubled or trailing slashes) or, for an egg-info, installed-files.txt
// paths made relative to the site directory; sorted. nullopt when neither file exists.
std::optional<std::vector<std::string>> declared_files(const InstalledDist& dist);

// pip's rewrite of an installed-files.txt entry (relative to the .egg-info directory, whose path
// relative to the site directory is `info`) into a path relative to the site directory.
std::string convert_installed_files_path(std::string_view entry, std::string_view info);

// The version as pip prints it: PEP 440 normalized, or as written when it is not PEP 440.
std::string display_version(std::string_view version);

// The requirements of `metadata` that apply in `env` with no extra requested (pip evaluates every
// Requires-Dist with extra == ""). Throws util::Error for an unparsable Requires-Dist.
std::vector<spec::Requirement> active_requirements(const spec::CoreMetadata& metadata,
                                                   const spec::MarkerEnvironment& env);

}  // namespace ptinstall::install
