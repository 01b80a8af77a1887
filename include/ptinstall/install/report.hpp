// pip's installation report (`--report FILE`, `--report -`): the JSON document pip >= 23.0 writes
// (version "1"; see docs/report.md). One item per distribution the command would install or did
// install, with its download_info (PEP 610 direct_url structure), whether it was requested directly,
// and its core metadata in the JSON form of PEP 566 as pip emits it; then the marker environment.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/spec/marker.hpp"

namespace ptinstall::install {

struct ReportItem {
  std::string metadata_raw;                   // the METADATA text
  std::string url;                            // where the wheel comes from (redacted in the output)
  std::string index_url;                      // the index or find-links location it was found on; empty: none
  index::HashMap hashes;                      // known hashes of the file ({"sha256": hex}); may be empty
  bool is_direct = false;                     // a `name @ url` requirement or a wheel path
  bool is_yanked = false;
  bool requested = false;                     // named by the user's requirements
  std::vector<std::string> requested_extras;  // only written when requested with extras
  std::string download_info_json;             // a directory or VCS source: its direct_url.json (pip writes
                                              // dir_info/vcs_info there); empty: archive_info from url and hashes
};

// The JSON form of core metadata, as pip's msg_to_json: the known fields only, keys lower-cased with
// '-' -> '_', multiple-use fields as lists, Keywords split on commas (or whitespace), the body as
// "description". Returns the JSON text of one object.
std::string metadata_to_json(std::string_view metadata_raw);

// The whole report, pretty-printed with `indent` spaces. `installer_version` goes into pip_version.
std::string installation_report(const std::vector<ReportItem>& items, const spec::MarkerEnvironment& environment,
                                std::string_view installer_version, int indent = 2);

}  // namespace ptinstall::install
