// The environment a resolution is for: the interpreter's markers and tags, changed by
// --python-version / --python-platform, and the PyTorch indexes --torch-backend routes to.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/ops/options.hpp"
#include "ptinstall/python/interpreter.hpp"
#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/spec/version.hpp"
#include "ptinstall/torch/index_list.hpp"

namespace ptinstall::ops {

struct Target {
  spec::MarkerEnvironment markers;
  spec::TagEnvironment tags;
  spec::Version python;  // full version
  torch::TargetOs os = torch::TargetOs::Linux;
  std::string machine;
};
Target make_target(const PipOptions& options, const python::InterpreterInfo& interpreter);

// --torch-backend: the PyTorch indexes of the routed packages and the CUDA consistency rule.
struct TorchRouting {
  bool active = false;
  std::vector<std::string> urls;
  std::map<std::string, std::string, std::less<>> cuda_of_index;
  bool cuda_consistency = false;
  std::string backend;      // the mode as asked ("auto", "cu128", ...), for a lock's [tool.ptinstall]
  // auto: what detection found (nullopt for an explicit backend), the one source of the two wordings
  // below.
  std::optional<torch::Accelerator> accelerator;
  std::string origin;                            // "--torch-backend", "UV_TORCH_BACKEND", "`torch-backend` in ..."
  std::vector<const torch::Backend*> selected;   // torch::selected_backends of the index list
  // auto with an NVIDIA GPU whose compute capability is known and checked: torch builds on a CUDA
  // index without kernels for it are passed over, release by release (torch::build_lacks_kernels).
  std::optional<torch::ComputeCapability> compute_capability;
  std::string machine;                           // picks the architecture lists
  std::string base;                              // --torch-backend-index, to map index URLs back

  // What a lock records as `torch-accelerator` (and compares): "cuda (nvidia-smi)", "no accelerator
  // found"; "" for an explicit backend.
  std::string accelerator_record() const;
  // What messages say: "NVIDIA driver 550.144.03", "AMD GPU gfx1100", "no GPU found"; "" for an
  // explicit backend.
  std::string accelerator_summary() const;
};
// Which questions detection may ask: everything (a resolution), or only what files answer and what
// the kind of accelerator needs (the no-op fast path: no `nvidia-smi` for the compute capability,
// which costs 50-500 ms and cannot change what is already installed).
enum class Detect { Full, KindOnly };
// `capability_cache`: where the compute capability nvidia-smi gave is remembered for this boot
// (Services::capability_cache()); empty: not remembered.
TorchRouting torch_routing(const config::Settings& settings, const Target& target, Detect detect = Detect::Full,
                           const std::filesystem::path& capability_cache = {});

}  // namespace ptinstall::ops
