// The PyTorch builds already installed, judged against what --torch-backend selects. PyTorch's
// indexes name the build in the local version label (torch 2.9.1+cpu, 2.9.1+cu128, 2.9.1+rocm6.4,
// 2.9.1+xpu), so the installed versions alone say whether torch is a CPU build on a machine where
// `auto` selects CUDA, or whether torchvision +cu126 sits beside torch +cu128 (a mixed family, which
// fails at the first CUDA operator of torchvision). No I/O here: the caller gives names and versions.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/torch/backend.hpp"
#include "ptinstall/torch/index_list.hpp"

namespace ptinstall::torch {

struct InstalledBuild {
  std::string name;     // PEP 503-normalised
  std::string version;  // as installed, e.g. "2.9.1+cu128"
};

// The backend a version's local label names ("cpu", "cu128", "rocm6.4", "xpu"); nullptr when the
// version has no label or another one (PyPI's torch, a local build).
const Backend* backend_of_version(std::string_view version);

// The backends a routed package may come from without a warning: the plan's indexes, less the
// `cpu` fallback at the end of a GPU list (a CPU torch on a machine with a usable GPU is what the
// warning is for). An explicit backend: that backend.
std::vector<const Backend*> selected_backends(const IndexPlan& plan);

// Routed packages whose build label names a backend outside `selected`. Packages without a known
// label are not judged.
std::vector<InstalledBuild> builds_not_selected(const std::vector<InstalledBuild>& installed,
                                                const std::vector<const Backend*>& selected);

// The CUDA-consistency family (torch, torchvision, torchaudio, ...) with more than one build label
// among its installed members: all labelled members, sorted by name; empty when they agree.
std::vector<InstalledBuild> mixed_family(const std::vector<InstalledBuild>& installed);

// "torchvision 0.24.1+cu126 beside torch 2.9.1+cu128" (torch, when labelled, is the reference).
std::string describe_mixed_family(const std::vector<InstalledBuild>& mixed);

}  // namespace ptinstall::torch
