#include "ptinstall/torch/index_list.hpp"

#include "ptinstall/spec/version.hpp"
#include "ptinstall/torch/driver_tables.hpp"

namespace ptinstall::torch {
namespace {

bool is_linux(TargetOs os) { return os == TargetOs::Linux || os == TargetOs::LinuxMusl; }

std::string join_releases(const std::vector<const CudaArchInfo*>& infos) {
  std::string out;
  for (const auto* i : infos) out += (out.empty() ? "" : ", ") + i->releases();
  return out;
}

// The compute capability rule for one CUDA index, release by release (the lists change between
// torch releases of one index). False: skip the index, every release on it is known to lack kernels
// for the GPU. True: keep it; when some releases lack them, say which (the resolver then passes
// over those torch versions on this index, ops/resolver.cpp), and when only unverified data keeps
// it, say that too.
bool judge_releases(IndexPlan& plan, const Backend& b, const std::string& machine, ComputeCapability gpu) {
  std::vector<CudaArchInfo> rels = cuda_arch_releases(b, machine);
  if (rels.empty()) return true;
  std::vector<const CudaArchInfo*> runs, lack, unsure;
  for (const auto& r : rels) {
    if (arch_list_runs_on(r.archs, gpu)) runs.push_back(&r);
    else if (r.uncertain) unsure.push_back(&r);
    else lack.push_back(&r);
  }
  std::string name(b.name);
  if (runs.empty() && unsure.empty()) {
    std::string reason;
    if (rels.size() == 1) {
      reason = "built for " + arch_list_to_string(rels.front().archs) + ", not for the GPU's " + gpu.sm();
    } else {
      reason = "no torch release on it is built for the GPU's " + gpu.sm() + ":";
      for (std::size_t i = 0; i < rels.size(); ++i)
        reason += std::string(i ? ";" : "") + " torch " + rels[i].releases() + " for " + arch_list_to_string(rels[i].archs);
    }
    plan.skipped.push_back({&b, reason});
    return false;
  }
  if (runs.empty()) {
    plan.notes.push_back(name + ": no build known to have kernels for " + gpu.sm() + ", kept because its list is " +
                         "uncertain (" + std::string(unsure.front()->source) + "); uncertain data excludes nothing");
    return true;
  }
  for (const auto* l : lack) {
    std::string reason = "torch " + l->releases() + " is built for " + arch_list_to_string(l->archs) + ", not for the GPU's " +
                         gpu.sm() + " (" + std::string(l->source) + "); torch " + join_releases(runs) + " from it runs";
    plan.limited.push_back({&b, reason});
  }
  return true;
}

}  // namespace

IndexPlan plan_indexes(const BackendMode& mode, const Accelerator& acc, const IndexOptions& opt) {
  IndexPlan plan;
  auto add = [&](const Backend& b) { plan.indexes.push_back({&b, index_url(b, opt.base, opt.channel)}); };
  std::string os_name(to_string(opt.os));

  if (!mode.automatic && mode.backend) {
    add(*mode.backend);
    plan.notes.push_back("explicit backend " + std::string(mode.backend->name) + ": exactly one index, no fallback");
    return plan;
  }

  switch (acc.kind) {
    case AcceleratorKind::None:
      plan.notes.push_back("no accelerator found: CPU builds only");
      break;

    case AcceleratorKind::Cuda: {
      if (opt.os != TargetOs::Windows && !is_linux(opt.os)) {
        plan.notes.push_back("target OS " + os_name + " has no CUDA builds: CPU builds only");
        break;
      }
      auto driver = spec::Version::from_string(acc.cuda_driver);
      auto allowed = cuda_backends_for_driver(driver, opt.os);
      plan.notes.push_back("NVIDIA driver " + acc.cuda_driver + " checked against the " +
                           (opt.os == TargetOs::Windows ? std::string("Windows") : std::string("Linux")) +
                           " driver table: " + std::to_string(allowed.size()) + " CUDA backends allowed");
      const bool check = opt.check_compute_capability && acc.compute_capability.has_value();
      if (opt.check_compute_capability && !acc.compute_capability)
        plan.notes.push_back("compute capability unknown: CUDA indexes not checked against the GPU");
      for (const Backend* b : allowed) {
        if (check && !judge_releases(plan, *b, opt.machine, *acc.compute_capability)) continue;
        add(*b);
      }
      if (!plan.skipped.empty())
        plan.notes.push_back(std::to_string(plan.skipped.size()) + " CUDA indexes skipped: no kernels for " +
                             acc.compute_capability->sm());
      add(cpu_backend());
      break;
    }

    case AcceleratorKind::Amd: {
      if (!is_linux(opt.os)) {
        plan.notes.push_back("target OS " + os_name + " has no ROCm builds: CPU builds only");
        break;
      }
      auto allowed = rocm_backends_for_architecture(acc.amd_arch);
      plan.notes.push_back("AMD GPU " + acc.amd_arch + ": " + std::to_string(allowed.size()) + " ROCm backends built for it");
      for (const Backend* b : allowed) add(*b);
      add(cpu_backend());
      break;
    }

    case AcceleratorKind::Xpu:
      if (opt.os == TargetOs::Linux || opt.os == TargetOs::Windows) {
        add(xpu_backend());
        plan.notes.push_back("Intel GPU: the xpu index alone, no CPU fallback");
        return plan;
      }
      plan.notes.push_back("target OS " + os_name + " has no XPU builds: CPU builds only");
      break;
  }
  if (plan.indexes.empty()) add(cpu_backend());
  return plan;
}

}  // namespace ptinstall::torch
