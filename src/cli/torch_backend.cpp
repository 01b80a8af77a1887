// `ptinstall torch-backend [--json]`: which PyTorch indexes --torch-backend would use here, and why.
#include <sys/utsname.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "ptinstall/torch/accelerator.hpp"
#include "ptinstall/torch/index_list.hpp"
#include "ptinstall/torch/variant_providers.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::cli {
namespace {

using nlohmann::json;

std::string host_machine() {
  utsname u{};
  if (uname(&u) != 0) return "x86_64";
  return u.machine;
}

std::string source_of(const config::Settings& s, std::string_view key) {
  const config::SettingValue* v = s.find(key);
  if (!v) return "default";
  if (v->source == config::Source::Environment) return v->origin;
  return v->origin.empty() ? std::string(config::to_string(v->source)) : v->origin;
}

json optional_string(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

std::string describe(const torch::Accelerator& a) {
  switch (a.kind) {
    case torch::AcceleratorKind::None: return "none";
    case torch::AcceleratorKind::Cuda: return "NVIDIA GPU, driver " + a.cuda_driver;
    case torch::AcceleratorKind::Amd: return "AMD GPU " + a.amd_arch;
    case torch::AcceleratorKind::Xpu: return "Intel GPU";
  }
  return "none";
}

}  // namespace

int run_torch_backend(Invocation& inv) {
  const auto& s = inv.settings;
  std::string backend_value = s.get_or("torch-backend", "auto");
  std::string backend_source = source_of(s, "torch-backend");
  std::string backend_origin = "--torch-backend";
  if (const config::SettingValue* v = s.find("torch-backend"); v && v->source == config::Source::Environment)
    backend_origin = v->origin;
  else if (v && v->source != config::Source::CommandLine && !v->origin.empty())
    backend_origin = "`torch-backend` in " + v->origin;
  torch::BackendMode mode = torch::parse_backend(backend_value, backend_origin);

  torch::IndexOptions options;
  options.base = s.get_or("torch-backend-index", torch::kDefaultIndexBase);
  // Shown without a trailing slash and without credentials (a mirror URL may carry a token).
  std::string shown_base = options.base;
  while (!shown_base.empty() && shown_base.back() == '/') shown_base.pop_back();
  shown_base = util::redact_url(shown_base);
  options.channel = torch::parse_channel(s.get_or("torch-channel", "stable"));
  options.machine = host_machine();
  options.check_compute_capability = !s.flag("no-torch-compute-check");
  std::string os_source = "this machine";
  options.os = torch::host_target_os();
  if (auto os = s.get("target-os")) {
    auto parsed = torch::parse_target_os(*os);
    if (!parsed) throw util::Error("invalid value `" + *os + "` for --target-os", "possible values: linux, musllinux, windows, macos, other", 2);
    options.os = *parsed;
    os_source = "--target-os";
  }

  torch::Detection detection;
  bool detected = mode.automatic;
  torch::DetectionInputs di = torch::DetectionInputs::from_environment();
  if (detected) {
    di.query_compute_capability = options.check_compute_capability;
    detection = torch::detect_accelerator(di);
  }
  torch::IndexPlan plan = torch::plan_indexes(mode, detection.accelerator, options);
  const torch::Accelerator& acc = detection.accelerator;

  if (s.flag("json")) {
    json j;
    j["backend"] = mode.to_string();
    j["backend_source"] = backend_source;
    j["target_os"] = std::string(torch::to_string(options.os));
    j["target_os_source"] = os_source;
    j["machine"] = options.machine;
    j["index_base"] = shown_base;
    j["channel"] = std::string(torch::to_string(options.channel));
    j["detection_ran"] = detected;
    j["probes"] = json::array();
    for (const auto& p : detection.probes)
      j["probes"].push_back({{"probe", p.probe}, {"outcome", std::string(torch::to_string(p.outcome))}, {"detail", p.detail}});
    json a;
    a["kind"] = std::string(torch::to_string(acc.kind));
    a["source"] = acc.source.empty() ? json(nullptr) : json(acc.source);
    a["cuda_driver"] = acc.cuda_driver.empty() ? json(nullptr) : json(acc.cuda_driver);
    a["amd_architecture"] = acc.amd_arch.empty() ? json(nullptr) : json(acc.amd_arch);
    a["compute_capability"] = acc.compute_capability ? json(acc.compute_capability->to_string()) : json(nullptr);
    a["gpu_compute_capabilities"] = json::array();
    for (const auto& c : acc.gpu_compute_capabilities) a["gpu_compute_capabilities"].push_back(c.to_string());
    j["accelerator"] = a;
    j["compute_capability_check"] = options.check_compute_capability;
    j["indexes"] = json::array();
    for (const auto& e : plan.indexes)
      j["indexes"].push_back({{"backend", std::string(e.backend->name)},
                              {"url", util::redact_url(e.url)},
                              {"cuda_version", optional_string(torch::cuda_version(*e.backend))},
                              {"rocm_version", optional_string(torch::rocm_version(*e.backend))}});
    j["skipped"] = json::array();
    for (const auto& k : plan.skipped)
      j["skipped"].push_back({{"backend", std::string(k.backend->name)},
                              {"url", util::redact_url(torch::index_url(*k.backend, options.base, options.channel))},
                              {"reason", k.reason}});
    j["limited"] = json::array();
    for (const auto& k : plan.limited)
      j["limited"].push_back({{"backend", std::string(k.backend->name)}, {"reason", k.reason}});
    j["notes"] = plan.notes;
    // PEP 850: what the native variant providers (--variants) report for this machine, per namespace.
    json vp = json::object();
    if (detected) {
      spec::SupportedProperties props = torch::native_variant_properties(detection, options.os, options.machine, di.root,
                                                                         di.getenv("PTINSTALL_XPU_DEVICE_IP").value_or(""));
      for (const auto& [ns, features] : props.namespaces) {
        json f = json::object();
        for (const auto& feat : features) f[feat.name] = feat.values;
        vp[ns] = {{"source", props.source[ns]}, {"features", f}};
      }
    }
    j["variant_properties"] = vp;
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }

  std::string out;
  out += "backend: " + mode.to_string() + " (" + backend_source + ")\n";
  out += "target OS: " + std::string(torch::to_string(options.os)) + " (" + os_source + "), machine " + options.machine + "\n";
  out += "index base: " + shown_base + ", channel " + std::string(torch::to_string(options.channel)) + "\n";
  if (detected) {
    out += "\ndetection (first hit wins):\n";
    for (const auto& p : detection.probes) {
      std::string outcome(torch::to_string(p.outcome));
      outcome.resize(8, ' ');
      out += "  " + outcome + p.probe + (p.detail.empty() ? "" : ": " + p.detail) + "\n";
    }
    out += "\naccelerator: " + describe(acc) + (acc.source.empty() ? "" : " (from " + acc.source + ")") + "\n";
    if (acc.kind == torch::AcceleratorKind::Cuda) {
      out += "compute capability: " +
             (acc.compute_capability ? acc.compute_capability->to_string() + " (" + acc.compute_capability->sm() + ")"
                                     : std::string("unknown")) +
             (options.check_compute_capability ? "" : ", check turned off") + "\n";
    }
  } else {
    out += "\ndetection: not run (explicit backend)\n";
  }
  out += "\nindexes, in priority order:\n";
  for (std::size_t i = 0; i < plan.indexes.size(); ++i)
    out += "  " + std::to_string(i + 1) + ". " + util::redact_url(plan.indexes[i].url) + "\n";
  if (!plan.skipped.empty()) {
    out += "\nskipped:\n";
    for (const auto& k : plan.skipped) out += "  " + std::string(k.backend->name) + ": " + k.reason + "\n";
  }
  if (!plan.limited.empty()) {
    out += "\nkept, but not every torch release on it (older or newer torch is taken instead):\n";
    for (const auto& k : plan.limited) out += "  " + std::string(k.backend->name) + ": " + k.reason + "\n";
  }
  if (!plan.notes.empty()) {
    out += "\nwhy:\n";
    for (const auto& n : plan.notes) out += "  " + n + "\n";
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace ptinstall::cli
