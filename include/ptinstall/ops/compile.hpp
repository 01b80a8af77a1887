// `pip compile`: a resolution as pinned requirements (install::CompiledPin), each with the files and
// projects that asked for it (`# via`) and, when wanted, its hashes.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/config/index_config.hpp"
#include "ptinstall/dist/resolution.hpp"
#include "ptinstall/install/compile_output.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/ops/inputs.hpp"
#include "ptinstall/spec/marker.hpp"

namespace ptinstall::ops {

struct CompiledResolution {
  std::vector<install::CompiledPin> pins;
  std::vector<std::string> routed_pages;    // project pages of the pins routed to a PyTorch index
  std::vector<std::string> missing_hashes;  // "name==version (N files)" whose index gave no hash
};

// The exact pins (name==version) of an existing output file, as versions to prefer; unreadable
// files are ignored with a warning.
std::vector<install::InstalledDist> previous_pins(const std::string& output_file);

CompiledResolution compile_pins(const ResolveInputs& inputs, const dist::Resolution& resolution, bool hashes);

// What --emit-index-url and --emit-find-links write (uv's choice): the default index (none with
// --no-index), the other indexes that are searched for every package (not `explicit` ones) in their
// order, and the find-links locations. URLs as configured; the writer redacts them.
struct EmittedLocations {
  std::optional<std::string> index_url;
  std::vector<std::string> extra_index_urls, find_links;
};
EmittedLocations emitted_locations(const config::IndexConfig& config);

// --no-strip-markers (uv's): for each pinned project (normalised name), the marker under which the
// resolution needs it: the `or` over the paths from the root requirements of the `and` of the markers
// along each path (Requires-Dist markers with the extra of their node decided); an edge that closes a
// cycle is not followed. Projects needed unconditionally are left out.
std::map<std::string, std::string> pin_markers(const ResolveInputs& inputs, const dist::Resolution& resolution,
                                               const spec::MarkerEnvironment& env);

// The markers of every pinned package's Requires-Dist, appended to `out` in the resolution's order (a
// package whose metadata stops parsing adds those before the entry that failed: the resolver read it).
void requires_dist_markers(const dist::Resolution& resolution, std::vector<spec::Marker>& out);

// --emit-marker-expression (uv's): the conjunction `key == 'value'` of every marker variable that a
// requirement of the resolution compares (the root requirements, constraints and overrides, and every
// pinned package's Requires-Dist, whether or not it applied), with the target environment's values:
// where it holds, the pins are known to be valid. Empty when no requirement has a marker.
std::string marker_expression(const ResolveInputs& inputs, const dist::Resolution& resolution,
                              const spec::MarkerEnvironment& env);

}  // namespace ptinstall::ops
