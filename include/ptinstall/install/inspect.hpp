// The reports of the inspection commands, as pip prints them: `pip list` (columns, freeze, json),
// `pip freeze`, `pip show` and `pip check`. Everything here works on already scanned distributions
// (install/installed_metadata.hpp) and returns text, so the cli handlers stay thin and tests can
// build environments on disk without an interpreter.
#pragma once
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/install/installed_metadata.hpp"
#include "ptinstall/spec/tags.hpp"

namespace ptinstall::install {

// --- pip list -----------------------------------------------------------------------------------

enum class ListFormat { Columns, Freeze, Json };
// "columns", "freeze", "json"; throws util::Error otherwise.
ListFormat parse_list_format(std::string_view text);

struct ListEntry {
  std::string name;      // as in METADATA
  std::string version;      // display_version(): the json and freeze formats
  std::string raw_version;  // as in METADATA: the columns format (pip 24)
  std::string location;  // the site directory
  std::string installer;
  std::optional<std::string> editable_location;
};

struct ListOptions {
  std::vector<std::string> excludes;  // --exclude NAME (any spelling)
  bool exclude_editable = false;      // --exclude-editable
  bool only_editable = false;         // pip list --editable
  bool not_required = false;          // --not-required: only what no listed package requires
  std::vector<fs::path> search_dirs;  // where .egg-link files are looked for (sys.path)
};

// One entry per distribution, pip's stdlib names (python, wsgiref, argparse) left out, sorted by
// normalized name. `env` evaluates Requires-Dist markers for --not-required (extra == "").
std::vector<ListEntry> list_entries(const std::vector<InstalledDist>& dists, const ListOptions& options = {},
                                    const spec::MarkerEnvironment& env = {});

// pip's output: columns (header, dashes, left-aligned columns, trailing spaces stripped, the version
// as written; nothing
// at all for an empty list; an "Editable project location" column when any is editable;
// Location and Installer columns when verbose), freeze lines (`name==version`, with
// ` (location)` when verbose) or a JSON array like json.dumps (", " and ": " separators, ASCII
// only). Every line ends with '\n'.
std::string format_list(const std::vector<ListEntry>& entries, ListFormat format, bool verbose = false);

// --- pip freeze ---------------------------------------------------------------------------------

// The requirement line pip writes for one distribution: `name==version` (`name===version` for a
// non-PEP 440 version), `name @ url[#hash][&subdirectory=..]` for a direct URL install,
// `name @ vcs+url@commit` for a VCS install, and for an editable install a comment line
// `# Editable install with no version control (name==version)` followed by `-e <directory>`.
std::string freeze_requirement(std::string_view name, std::string_view version,
                               const std::optional<spec::DirectUrl>& direct_url);

// pip freeze's output. Unless `all`, pip is left out and, for Python older than 3.12
// (`suppress_build_backends`), setuptools, distribute and wheel too (pip 24's rule); sorted by the
// lower-cased name. `excludes` (any spelling) and, with `exclude_editable`, editable installs are
// left out too. `editable_vcs` (when given) writes an editable install's lines when its directory
// is under version control (pip asks the VCS: `-e git+URL@commit#egg=name`); nullopt: the
// "no version control" comment and `-e <directory>`.
using EditableVcsLines = std::function<std::optional<std::string>(const fs::path& location, std::string_view name,
                                                                  std::string_view version)>;
std::string format_freeze(const std::vector<InstalledDist>& dists, bool all, bool suppress_build_backends,
                          const std::vector<std::string>& excludes = {}, bool exclude_editable = false,
                          const std::vector<fs::path>& search_dirs = {}, const EditableVcsLines& editable_vcs = {});

// The parts of format_freeze, for `pip freeze -r FILE` (install/freeze_files.hpp): every
// distribution's lines (editable ones left out with `exclude_editable`, the names in `skip` too),
// sorted by the lower-cased name, and the names format_freeze leaves out (pip's skip set: with -r it
// applies only to the packages no requirements file named).
struct FreezeItem {
  std::string normalized;  // PEP 503 name
  std::string text;        // the line(s), without the final newline
};
std::vector<FreezeItem> freeze_items(const std::vector<InstalledDist>& dists, bool exclude_editable = false,
                                     const std::vector<fs::path>& search_dirs = {},
                                     const EditableVcsLines& editable_vcs = {},
                                     const std::set<std::string>& skip = {});
std::set<std::string> freeze_skipped_names(bool all, bool suppress_build_backends,
                                           const std::vector<std::string>& excludes = {});

// --- pip show -----------------------------------------------------------------------------------

struct ShowOptions {
  bool files = false;    // --files
  bool verbose = false;  // -v: Metadata-Version, Installer, Classifiers, Entry-points, Project-URLs
  std::vector<fs::path> search_dirs;  // where .egg-link files are looked for (sys.path)
};

struct ShowResult {
  std::string text;                  // blocks separated by "---" lines
  std::vector<std::string> missing;  // queries with no installed distribution, sorted, as given
  std::size_t shown = 0;
};

// pip show (pip 24) for the query names (in the given order; each name shown once per occurrence,
// like pip). Version as written; Home-page falls back to a Project-URL labelled "Homepage"; `env`
// evaluates the markers of Requires-Dist for Requires (without duplicates) and Required-by.
ShowResult show_packages(const std::vector<InstalledDist>& dists, const std::vector<std::string>& queries,
                         const spec::MarkerEnvironment& env, const ShowOptions& options = {});

// --- pip check ----------------------------------------------------------------------------------

struct CheckResult {
  std::vector<std::string> problems;  // pip's lines, without trailing newline
  std::vector<std::string> warnings;  // unreadable metadata: also makes the check fail
  bool ok() const { return problems.empty() && warnings.empty(); }
};

// pip check: for every distribution (by normalized name), each Requires-Dist that applies with
// extra == "" must be installed ("x 1.0 requires y, which is not installed.") and its specifier
// must contain the installed version, pre-releases included ("x 1.0 has requirement y>=2, but you
// have y 1.0."); missing ones first, then conflicts, each sorted. Additionally (uv checks this,
// pip does not) a Requires-Python that excludes `python_version` gives
// "x 1.0 requires Python >=3.12, but you have Python 3.11.2.". With `tags`, a dist-info whose
// WHEEL file has Tag lines none of which is supported gives pip 24's
// "x 1.0 is not supported on this platform" (after the conflicts).
CheckResult check_packages(const std::vector<InstalledDist>& dists, const spec::MarkerEnvironment& env,
                           std::string_view python_version, const spec::SupportedTags* tags = nullptr);

// Python's json.dumps of a string: quoted, ASCII only (\uXXXX, surrogate pairs above U+FFFF).
std::string json_quote(std::string_view text);

}  // namespace ptinstall::install
