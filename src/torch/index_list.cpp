#include "ptinstall/torch/index_list.hpp"

#include "ptinstall/spec/version.hpp"

namespace ptinstall::torch {
namespace {

bool is_linux(TargetOs os) { return os == TargetOs::Linux || os == TargetOs::LinuxMusl; }

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
        if (check) {
          auto info = cuda_arch_list(*b, opt.machine);
          if (info && !arch_list_runs_on(info->archs, *acc.compute_capability)) {
            plan.skipped.push_back({b, "built for " + arch_list_to_string(info->archs) + ", not for the GPU's " +
                                           acc.compute_capability->sm() +
                                           (info->uncertain ? " (architecture list uncertain)" : "")});
            continue;
          }
        }
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
