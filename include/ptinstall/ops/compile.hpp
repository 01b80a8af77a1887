// `pip compile`: a resolution as pinned requirements (install::CompiledPin), each with the files and
// projects that asked for it (`# via`) and, when wanted, its hashes.
#pragma once
#include <string>
#include <vector>

#include "ptinstall/dist/resolution.hpp"
#include "ptinstall/install/compile_output.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/ops/inputs.hpp"

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

}  // namespace ptinstall::ops
