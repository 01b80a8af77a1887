// Which indexes an install searches, and which package goes where: the settings (--index NAME=URL,
// --default-index, --index-url, --extra-index-url, --find-links, --no-index, --index-strategy, from
// the command line, the environment or config files), the options of a requirements file, the
// index tables of pyproject.toml / uv.toml and the project's [tool.uv.sources], turned into the
// index::IndexSetOptions that index::IndexSet consumes (see docs/configuration.md).
//
// Order and precedence (uv's): --index values (command line, else environment, else config-file
// `index` strings), then [[tool.uv.index]] tables in the order given, then --extra-index-url; the
// default index last: --default-index, else --index-url, else a requirements file's --index-url,
// else the first named index with `default = true`, else PyPI. A name defined twice keeps its first
// definition. `explicit = true` indexes serve only packages pinned to them; `format = "flat"` entries
// become find-links locations.
//
// Credentials: PTINSTALL_INDEX_<NAME>_USERNAME / _PASSWORD, else UV_INDEX_<NAME>_USERNAME /
// _PASSWORD (NAME upper-cased, every other character than ASCII letters and digits -> `_`) replace
// the credentials of the index URL; they travel inside IndexSpec::url (net::HttpClient sends them
// and redacts them). `authenticate = "never"` with credentials in the URL is an error.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/config/pyproject.hpp"
#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/config/settings.hpp"
#include "ptinstall/index/index_set.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/requirement.hpp"

namespace ptinstall::config {

// A --index / UV_INDEX value: "NAME=URL" (NAME of ASCII letters, digits, `-`, `_`, `.`) or a bare URL.
IndexDefinition parse_index_argument(std::string_view text, std::string origin = "--index");

// "pytorch-cu128" -> "PYTORCH_CU128": the <NAME> part of the credential variables.
std::string index_env_name(std::string_view index_name);

// The index URL with the credentials of its environment variables (see above) applied; the URL
// unchanged when there are none. Throws util::Error for `authenticate = "never"` with credentials.
std::string index_url_with_credentials(const IndexDefinition& index, const EnvLookup& getenv);

struct IndexConfigInputs {
  const Settings* settings = nullptr;              // required
  const RequirementsFile* requirements = nullptr;  // options of the -r files, below the settings
  const Pyproject* project = nullptr;              // a -r pyproject.toml: its indexes and sources
  std::vector<IndexDefinition> file_indexes;       // [[index]] tables of the config files in effect
  ProjectSelection selection;                      // the project's selected extras and groups
  const spec::MarkerEnvironment* markers = nullptr;  // target environment, for the sources' markers
  EnvLookup getenv;                                // credentials; nullptr: none
};

struct IndexConfig {
  index::IndexSetOptions options;                 // indexes (in search order), find_links, no_index, strategy, pins
  std::vector<IndexDefinition> definitions;       // every named or --index definition, first definition of each name
  std::map<std::string, PackageSource> decisions; // normalised package -> the source deciding it
  std::map<std::string, PackageSource> direct;    // the url/path decisions (not served by an index)

  // One line per index and pin, credentials redacted, for -v output.
  std::vector<std::string> describe() const;
};

// Throws util::Error for a source pinned to an index that is not defined (naming both), for
// malformed --index values, or for the cases of index_url_with_credentials. With the `no-sources`
// setting, [tool.uv.sources] is not consulted.
IndexConfig build_index_config(const IndexConfigInputs& inputs);

// The url and path sources of `config.direct` applied to requirements: each requirement on such a
// package (without a URL of its own) becomes `name[extras] @ URL`, a path source giving a file://
// URL. As in uv, sources apply to the project's own requirements only; a source for a package
// nobody requires directly changes nothing. Throws util::Error when the source is not a wheel
// (a source tree or sdist would need a build), naming the package and the source's file:line.
std::vector<spec::Requirement> apply_direct_sources(std::vector<spec::Requirement> requirements,
                                                    const IndexConfig& config);

}  // namespace ptinstall::config
