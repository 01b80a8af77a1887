#include "ptinstall/ops/target.hpp"

#include <cstdlib>

#include "ptinstall/spec/platform.hpp"
#include "ptinstall/torch/accelerator.hpp"
#include "ptinstall/torch/driver_tables.hpp"
#include "ptinstall/torch/installed_builds.hpp"
#include "ptinstall/torch/routing.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::ops {

Target make_target(const PipOptions& options, const python::InterpreterInfo& info) {
  Target t;
  t.markers = info.marker_environment();
  t.tags = info.tag_environment();
  t.python = spec::Version::from_string(info.version);
  t.os = torch::host_target_os();
  t.machine = std::string(t.markers.get("platform_machine"));
  if (const auto& pv = options.python_version) {
    auto v = spec::Version::parse(*pv);
    if (!v || v->release().size() < 2)
      throw util::Error(util::ErrorKind::Usage, "invalid --python-version `" + *pv + "`", "give a version like 3.12 or 3.12.3");
    const auto& rel = v->release();
    std::string short_v = std::to_string(rel[0]) + "." + std::to_string(rel[1]);
    std::string full = rel.size() >= 3 ? v->to_string() : short_v + ".0";
    t.markers.set("python_version", short_v);
    t.markers.set("python_full_version", full);
    t.tags.py_major = static_cast<int>(rel[0]);
    t.tags.py_minor = static_cast<int>(rel[1]);
    t.python = spec::Version::from_string(full);
  }
  if (const auto& pp = options.python_platform) {
    spec::TargetPlatform target = spec::parse_python_platform(*pp);
    // uv's rule: a macOS target is macOS 13.0 unless MACOSX_DEPLOYMENT_TARGET says otherwise.
    if (const char* dt = std::getenv("MACOSX_DEPLOYMENT_TARGET"); target.os == "macos" && dt && *dt) {
      try {
        target.macos = spec::parse_macos_version(dt);
      } catch (const util::Error& e) {
        throw util::Error(util::ErrorKind::Usage, std::string(e.what()) + " in MACOSX_DEPLOYMENT_TARGET", "give a version like 14.0");
      }
    }
    t.tags = spec::apply_target(t.tags, target);
    spec::PlatformMarkers m = spec::marker_values(target);
    t.markers.set("sys_platform", m.sys_platform);
    t.markers.set("platform_system", m.platform_system);
    t.markers.set("platform_machine", m.platform_machine);
    t.markers.set("os_name", m.os_name);
    t.markers.set("platform_release", m.platform_release);
    t.markers.set("platform_version", m.platform_version);
    if (target.os == "windows") t.os = torch::TargetOs::Windows;
    else if (target.os == "macos") t.os = torch::TargetOs::Macos;
    else if (target.musl) t.os = torch::TargetOs::LinuxMusl;
    else t.os = torch::TargetOs::Linux;
    t.machine = target.arch;
  }
  return t;
}

std::string TorchRouting::accelerator_record() const {
  if (!accelerator) return {};
  const torch::Accelerator& acc = *accelerator;
  if (acc.kind == torch::AcceleratorKind::None) return "no accelerator found";
  return std::string(torch::to_string(acc.kind)) + (acc.source.empty() ? "" : " (" + acc.source + ")");
}

std::string TorchRouting::accelerator_summary() const {
  if (!accelerator) return {};
  const torch::Accelerator& acc = *accelerator;
  switch (acc.kind) {
    case torch::AcceleratorKind::Cuda: return "NVIDIA driver " + acc.cuda_driver;
    case torch::AcceleratorKind::Amd: return "AMD GPU " + acc.amd_arch;
    case torch::AcceleratorKind::Xpu: return "Intel GPU";
    case torch::AcceleratorKind::None: break;
  }
  return "no GPU found";
}

TorchRouting torch_routing(const config::Settings& S, const Target& target, Detect detect,
                           const std::filesystem::path& capability_cache) {
  TorchRouting r;
  auto value = S.get("torch-backend");
  if (!value || value->empty()) return r;
  const config::SettingValue* sv = S.find("torch-backend");
  std::string origin = "--torch-backend";
  if (sv && sv->source == config::Source::Environment) origin = sv->origin;
  else if (sv && sv->source != config::Source::CommandLine && !sv->origin.empty()) origin = "`torch-backend` in " + sv->origin;
  torch::BackendMode mode = torch::parse_backend(*value, origin);
  torch::IndexOptions opts;
  opts.base = S.get_or("torch-backend-index", torch::kDefaultIndexBase);
  opts.channel = torch::parse_channel(S.get_or("torch-channel", "stable"));
  opts.os = target.os;
  opts.machine = target.machine.empty() ? "x86_64" : target.machine;
  opts.check_compute_capability = !S.flag("no-torch-compute-check");
  torch::Accelerator acc;
  if (mode.automatic) {
    torch::DetectionInputs di = torch::DetectionInputs::from_environment();
    di.query_compute_capability = opts.check_compute_capability && detect == Detect::Full;
    if (opts.check_compute_capability) di.why_no_capability_query = "not needed to judge what is installed";
    // What nvidia-smi said earlier this boot (a file read): the no-op then judges the installed build
    // against the GPU too, and a resolution runs no nvidia-smi.
    if (opts.check_compute_capability) di.capability_cache = capability_cache;
    torch::Detection d = torch::detect_accelerator(di);
    acc = d.accelerator;
    r.accelerator = acc;
    util::log::debug("torch backend auto: accelerator " + std::string(torch::to_string(acc.kind)) +
                     (acc.source.empty() ? "" : " (from " + acc.source + ")"));
  }
  torch::IndexPlan plan = torch::plan_indexes(mode, acc, opts);
  r.active = true;
  r.backend = mode.to_string();
  r.origin = origin;
  r.selected = torch::selected_backends(plan);
  r.machine = opts.machine;
  r.base = opts.base;
  if (mode.automatic && acc.kind == torch::AcceleratorKind::Cuda && opts.check_compute_capability)
    r.compute_capability = acc.compute_capability;
  for (const auto& e : plan.indexes) {
    r.urls.push_back(e.url);
    if (auto cuda = torch::cuda_version_of(e.url, opts.base)) r.cuda_of_index[e.url] = *cuda;
  }
  for (const auto& n : plan.notes) util::log::debug("torch backend: " + n);
  for (const auto& k : plan.skipped)
    util::log::debug("torch backend: skipped " + std::string(k.backend->name) + ": " + k.reason);
  for (const auto& k : plan.limited)
    util::log::debug("torch backend: " + std::string(k.backend->name) + ": " + k.reason);
  r.cuda_consistency = mode.automatic && acc.kind == torch::AcceleratorKind::Cuda && !r.cuda_of_index.empty();
  std::vector<std::string> shown;
  for (const auto& u : r.urls) shown.push_back(util::redact_url(u));
  util::log::debug("torch backend " + mode.to_string() + ": " + util::join(shown, ", "));
  return r;
}

}  // namespace ptinstall::ops
