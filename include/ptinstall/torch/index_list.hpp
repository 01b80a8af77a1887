// The ordered list of PyTorch indexes for the routed packages: one index for an explicit
// backend; for `auto`, every index the detected accelerator can use, newest first, then cpu
// (xpu alone; cpu alone off Linux/Windows), minus CUDA indexes whose wheels were not built for the
// GPU's compute capability.
#pragma once
#include <string>
#include <vector>

#include "ptinstall/torch/accelerator.hpp"
#include "ptinstall/torch/backend.hpp"

namespace ptinstall::torch {

struct IndexOptions {
  std::string base = std::string(kDefaultIndexBase);  // --torch-backend-index
  Channel channel = Channel::Stable;                   // --torch-channel
  TargetOs os = TargetOs::Linux;                       // from --python-platform or the interpreter
  std::string machine = "x86_64";                      // picks the CUDA architecture list
  bool check_compute_capability = true;                // skip CUDA indexes the GPU cannot run
};

struct IndexEntry {
  const Backend* backend = nullptr;
  std::string url;
};

struct SkippedIndex {
  const Backend* backend = nullptr;
  std::string reason;
};

struct IndexPlan {
  std::vector<IndexEntry> indexes;    // in priority order
  std::vector<SkippedIndex> skipped;  // auto: indexes the driver allowed but the GPU cannot run
  std::vector<SkippedIndex> limited;  // auto: kept indexes where some torch releases lack kernels for the GPU
  std::vector<std::string> notes;     // why the list looks as it does, one sentence each
};

IndexPlan plan_indexes(const BackendMode& mode, const Accelerator& accelerator, const IndexOptions& options);

}  // namespace ptinstall::torch
