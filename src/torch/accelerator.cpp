#include "ptinstall/torch/accelerator.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "ptinstall/spec/version.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/subprocess.hpp"

namespace ptinstall::torch {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDriverQuery[] = {"--query-gpu=driver_version", "--format=csv,noheader"};
constexpr const char* kCapQuery[] = {"--query-gpu=compute_cap", "--format=csv,noheader"};
constexpr const char* kBothQuery[] = {"--query-gpu=driver_version,compute_cap", "--format=csv,noheader"};

struct EnvHit {
  std::string name, value;
};

// The first of `names` that is set to a non-empty value (an empty variable means unset, as in uv).
std::optional<EnvHit> lookup(const DetectionInputs& in, std::initializer_list<std::string_view> names) {
  if (!in.getenv) return std::nullopt;
  for (auto n : names)
    if (auto v = in.getenv(n); v && !v->empty()) return EnvHit{std::string(n), *v};
  return std::nullopt;
}

std::string env_label(std::initializer_list<std::string_view> names) {
  std::string s = "env ";
  bool first = true;
  for (auto n : names) s += (first ? "" : ", ") + std::string(n), first = false;
  return s;
}

// nullopt: the file does not exist. Throws when it exists but cannot be read (uv treats this as fatal).
std::optional<std::string> read_if_exists(const fs::path& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  if (in) ss << in.rdbuf();
  if (!in || in.bad() || fs::is_directory(p, ec))
    throw util::Error(util::ErrorKind::Io, "cannot read " + p.string() + " while detecting the NVIDIA driver",
                      "set PTINSTALL_CUDA_DRIVER_VERSION or choose a --torch-backend explicitly");
  return ss.str();
}

spec::Version parse_driver(std::string_view text, const std::string& where) {
  std::string t(util::trim(text));
  if (auto v = spec::Version::parse(t)) return *v;
  throw util::Error("invalid NVIDIA driver version `" + t + "` from " + where,
                    "set PTINSTALL_CUDA_DRIVER_VERSION (e.g. 550.144.03) or choose a --torch-backend explicitly");
}

std::string short_text(std::string_view s) {
  std::string t(util::trim(s));
  if (auto nl = t.find('\n'); nl != std::string::npos) t = t.substr(0, nl) + " ...";
  if (t.size() > 200) t = t.substr(0, 200) + "...";
  return t.empty() ? "(no output)" : t;
}

struct ToolRun {
  std::string label;
  std::optional<util::ProcessResult> result;
  std::string missing;  // why it did not run
};

ToolRun run_tool(const DetectionInputs& in, const std::string& tool, std::vector<std::string> args) {
  ToolRun run;
  run.label = tool;
  for (const auto& a : args) run.label += " " + a;
  // An empty PATH finds nothing (find_on_path would read it as the current directory).
  std::string exe = in.path.empty() ? std::string() : util::find_on_path(tool, in.path.c_str());
  if (exe.empty()) {
    run.missing = "not found on PATH";
    return run;
  }
  args.insert(args.begin(), exe);
  util::ProcessOptions opts;
  opts.timeout = in.tool_timeout;
  run.result = util::run_process(args, opts);
  if (!run.result) run.missing = "could not be started (" + exe + ")";
  return run;
}

// The detail of a probe whose tool ran but gave nothing usable: it timed out, or exited non-zero.
// A timeout also warns (a hanging GPU tool is worth knowing about even when detection goes on).
std::string failure(const DetectionInputs& in, const ToolRun& run) {
  const util::ProcessResult& r = *run.result;
  if (r.timed_out) {
    std::string secs = std::to_string(in.tool_timeout.count() / 1000.0);
    secs.erase(secs.find_last_not_of('0') + 1);
    if (!secs.empty() && secs.back() == '.') secs.pop_back();
    std::string what = "timed out after " + secs + " s and was killed";
    util::log::warn("`" + run.label + "` did not finish within " + secs +
                    " s (a wedged GPU driver?) and was killed; detection goes on without its answer");
    return what;
  }
  return "exit status " + std::to_string(r.exit_code) + ": " + short_text(r.err.empty() ? r.out : r.err);
}

std::optional<unsigned long> read_hex(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  if (!in || !(in >> s)) return std::nullopt;
  char* end = nullptr;
  unsigned long v = std::strtoul(s.c_str(), &end, 16);
  if (end == s.c_str() || *end != '\0') return std::nullopt;
  return v;
}

// The compute capability cache (DetectionInputs::capability_cache): one line
// `boot_id driver pci-devices caps`, where pci-devices lists the NVIDIA functions (address:device id)
// of /sys/bus/pci/devices and caps the capabilities nvidia-smi printed (8.6,8.6).
std::optional<std::string> capability_cache_key(const DetectionInputs& in, const std::string& driver) {
  if (in.capability_cache.empty() || driver.empty()) return std::nullopt;
  std::ifstream boot(in.root / "proc/sys/kernel/random/boot_id");
  std::string boot_id;
  if (!boot || !(boot >> boot_id) || boot_id.empty()) return std::nullopt;
  std::vector<std::string> devices;
  std::error_code ec;
  for (fs::directory_iterator it(in.root / "sys/bus/pci/devices", ec), end; !ec && it != end; it.increment(ec)) {
    auto vendor = read_hex(it->path() / "vendor");
    if (!vendor || *vendor != 0x10de) continue;
    auto device = read_hex(it->path() / "device");
    char id[16];
    std::snprintf(id, sizeof id, "%04lx", device.value_or(0));
    devices.push_back(it->path().filename().string() + ":" + id);
  }
  std::sort(devices.begin(), devices.end());
  std::string key = boot_id + " " + driver + " ";
  for (std::size_t i = 0; i < devices.size(); ++i) key += (i ? "," : "") + devices[i];
  return key + (devices.empty() ? "-" : "");
}

std::optional<std::vector<ComputeCapability>> read_capability_cache(const DetectionInputs& in, const std::string& driver) {
  auto key = capability_cache_key(in, driver);
  if (!key) return std::nullopt;
  std::ifstream f(in.capability_cache);
  std::string line;
  if (!f || !std::getline(f, line) || line.size() <= key->size() + 1 || line.compare(0, key->size(), *key) != 0 ||
      line[key->size()] != ' ')
    return std::nullopt;
  std::string caps = line.substr(key->size() + 1);
  std::replace(caps.begin(), caps.end(), ',', '\n');
  auto parsed = parse_compute_caps(caps);
  if (parsed.empty()) return std::nullopt;
  return parsed;
}

void write_capability_cache(const DetectionInputs& in, const std::string& driver, const std::vector<ComputeCapability>& caps) {
  auto key = capability_cache_key(in, driver);
  if (!key) return;
  std::string line = *key + " ";
  for (std::size_t i = 0; i < caps.size(); ++i) line += (i ? "," : "") + caps[i].to_string();
  try {
    fs::create_directories(in.capability_cache.parent_path());
    util::write_file_atomic(in.capability_cache, line + "\n");
  } catch (const std::exception&) {
    // Remembering is an optimisation: a read-only cache means nvidia-smi runs next time too.
  }
}

}  // namespace

DetectionInputs DetectionInputs::from_environment() {
  DetectionInputs in;
  const char* root = std::getenv("PTINSTALL_SYSFS_ROOT");
  in.root = root && *root ? fs::path(root) : fs::path("/");
  const char* path = std::getenv("PATH");
  in.path = path ? path : "";
  in.getenv = [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
  return in;
}

std::string_view to_string(ProbeOutcome outcome) {
  switch (outcome) {
    case ProbeOutcome::Found: return "found";
    case ProbeOutcome::Absent: return "absent";
    case ProbeOutcome::Skipped: return "skipped";
    case ProbeOutcome::Failed: return "failed";
    case ProbeOutcome::Info: return "info";
  }
  return "absent";
}

std::string_view to_string(AcceleratorKind kind) {
  switch (kind) {
    case AcceleratorKind::None: return "none";
    case AcceleratorKind::Cuda: return "cuda";
    case AcceleratorKind::Amd: return "amd";
    case AcceleratorKind::Xpu: return "xpu";
  }
  return "none";
}

std::optional<std::string> parse_proc_driver_version(std::string_view proc_file) {
  // uv: content.split("  ").nth(1)
  auto first = proc_file.find("  ");
  if (first == std::string_view::npos) return std::nullopt;
  auto rest = proc_file.substr(first + 2);
  auto second = rest.find("  ");
  auto field = util::trim(rest.substr(0, second));
  if (field.empty()) return std::nullopt;
  return std::string(field);
}

std::optional<std::string> first_line(std::string_view text) {
  auto nl = text.find('\n');
  auto line = util::trim(text.substr(0, nl));
  if (line.empty()) return std::nullopt;
  return std::string(line);
}

std::optional<std::string> oldest_known_amd_arch(std::string_view enumerator_output) {
  std::optional<std::size_t> best;
  for (auto line : util::split(enumerator_output, '\n')) {
    auto rank = amd_architecture_rank(util::trim(line));
    if (rank && (!best || *rank < *best)) best = rank;
  }
  if (!best) return std::nullopt;
  return std::string(amd_architectures()[*best]);
}

std::vector<ComputeCapability> parse_compute_caps(std::string_view output) {
  std::vector<ComputeCapability> out;
  for (auto line : util::split(output, '\n'))
    if (auto cc = ComputeCapability::parse(line)) out.push_back(*cc);
  return out;
}

Detection detect_accelerator(const DetectionInputs& in) {
  Detection d;
  Accelerator& acc = d.accelerator;
  auto record = [&](std::string probe, ProbeOutcome outcome, std::string detail) {
    util::log::debug("torch: " + probe + ": " + std::string(to_string(outcome)) + (detail.empty() ? "" : " (" + detail + ")"));
    d.probes.push_back({std::move(probe), outcome, std::move(detail)});
  };
  auto found = [&]() { return acc.kind != AcceleratorKind::None; };
  auto skip = [&](const std::string& probe) { record(probe, ProbeOutcome::Skipped, "an earlier probe decided"); };
  auto set_cuda = [&](const std::string& driver, const std::string& probe) {
    acc.kind = AcceleratorKind::Cuda;
    acc.cuda_driver = driver;
    acc.source = probe;
    record(probe, ProbeOutcome::Found, "NVIDIA driver " + driver);
  };

  // 1. CUDA driver override.
  {
    auto names = {std::string_view("PTINSTALL_CUDA_DRIVER_VERSION"), std::string_view("UV_CUDA_DRIVER_VERSION")};
    std::string label = env_label(names);
    if (auto hit = lookup(in, names)) {
      std::string v(util::trim(hit->value));
      if (!spec::Version::parse(v))
        throw util::Error("invalid value `" + hit->value + "` for " + hit->name,
                          "expected an NVIDIA driver version such as 550.144.03");
      set_cuda(v, "env " + hit->name);
    } else {
      record(label, ProbeOutcome::Absent, "unset");
    }
  }

  // 2. AMD architecture override.
  {
    auto names = {std::string_view("PTINSTALL_AMD_GPU_ARCHITECTURE"), std::string_view("UV_AMD_GPU_ARCHITECTURE")};
    std::string label = env_label(names);
    if (found()) {
      skip(label);
    } else if (auto hit = lookup(in, names)) {
      std::string v(util::trim(hit->value));
      if (!amd_architecture_rank(v)) {
        std::vector<std::string> known(amd_architectures().begin(), amd_architectures().end());
        throw util::Error("unknown AMD GPU architecture `" + hit->value + "` in " + hit->name,
                          "known architectures: " + util::join(known, ", "));
      }
      acc.kind = AcceleratorKind::Amd;
      acc.amd_arch = v;
      acc.source = "env " + hit->name;
      record(acc.source, ProbeOutcome::Found, "AMD GPU " + v);
    } else {
      record(label, ProbeOutcome::Absent, "unset");
    }
  }

  // 3. /sys/module/nvidia/version: the whole file.
  {
    std::string label = "/sys/module/nvidia/version";
    if (found()) {
      skip(label);
    } else if (auto text = read_if_exists(in.root / "sys/module/nvidia/version")) {
      parse_driver(*text, label);
      set_cuda(std::string(util::trim(*text)), label);
    } else {
      record(label, ProbeOutcome::Absent, "no such file");
    }
  }

  // 4. /proc/driver/nvidia/version: the second field when split on two spaces.
  {
    std::string label = "/proc/driver/nvidia/version";
    if (found()) {
      skip(label);
    } else if (auto text = read_if_exists(in.root / "proc/driver/nvidia/version")) {
      if (auto field = parse_proc_driver_version(*text)) {
        parse_driver(*field, label);
        set_cuda(*field, label);
      } else {
        record(label, ProbeOutcome::Failed, "no version field in `" + short_text(*text) + "`");
      }
    } else {
      record(label, ProbeOutcome::Absent, "no such file");
    }
  }

  // 5. nvidia-smi: first line (one line per GPU). When the compute capability will be wanted too, one
  // run answers both (`driver, cap` per GPU), so that nvidia-smi never runs twice. A driver too old
  // to know the compute_cap field (before 510) rejects that query; only then is the driver asked alone.
  std::optional<std::string> caps_from_probe5;  // the compute_cap column of that run
  bool cap_field_rejected = false;               // that run said the driver does not know compute_cap
  auto cap_wanted = [&] {
    return in.query_compute_capability && !lookup(in, {"PTINSTALL_CUDA_COMPUTE_CAPABILITY"});
  };
  {
    std::string label = "nvidia-smi --query-gpu=driver_version --format=csv,noheader";
    if (found()) {
      skip(label);
    } else {
      bool both = cap_wanted();
      std::string used = label;
      ToolRun run;
      if (both) {
        used = "nvidia-smi --query-gpu=driver_version,compute_cap --format=csv,noheader";
        run = run_tool(in, "nvidia-smi", {kBothQuery[0], kBothQuery[1]});
        if (run.result && !run.result->timed_out && run.result->exit_code != 0 &&
            (run.result->out + run.result->err).find("compute_cap") != std::string::npos) {
          record(used, ProbeOutcome::Failed, failure(in, run) + "; asking for the driver alone");
          both = false;
          cap_field_rejected = true;
          used = label;
        }
      }
      if (!both) run = run_tool(in, "nvidia-smi", {kDriverQuery[0], kDriverQuery[1]});
      if (!run.result) {
        record(used, ProbeOutcome::Absent, run.missing);
      } else if (run.result->timed_out || run.result->exit_code != 0) {
        record(used, ProbeOutcome::Failed, failure(in, run));
      } else if (auto line = first_line(run.result->out)) {
        std::string driver = *line;
        if (both) {
          // "566.36, 8.9": the driver of the first GPU; the capabilities of all of them.
          driver = std::string(util::trim(driver.substr(0, driver.find(','))));
          std::string caps;
          for (auto l : util::split(run.result->out, '\n'))
            if (auto comma = l.find(','); comma != std::string_view::npos) caps += std::string(l.substr(comma + 1)) + "\n";
          caps_from_probe5 = caps;
        }
        parse_driver(driver, "nvidia-smi");
        set_cuda(driver, used);
      } else {
        record(used, ProbeOutcome::Failed, "no output");
      }
    }
  }

  // 6. rocm_agent_enumerator: the oldest known gfx architecture.
  {
    std::string label = "rocm_agent_enumerator";
    if (found()) {
      skip(label);
    } else {
      ToolRun run = run_tool(in, "rocm_agent_enumerator", {});
      if (!run.result) {
        record(label, ProbeOutcome::Absent, run.missing);
      } else if (run.result->timed_out || run.result->exit_code != 0) {
        record(label, ProbeOutcome::Failed, failure(in, run));
      } else if (auto arch = oldest_known_amd_arch(run.result->out)) {
        acc.kind = AcceleratorKind::Amd;
        acc.amd_arch = *arch;
        acc.source = label;
        record(label, ProbeOutcome::Found, "AMD GPU " + *arch);
      } else {
        record(label, ProbeOutcome::Failed, "no known GPU architecture in `" + short_text(run.result->out) + "`");
      }
    }
  }

  // 7. Intel display controllers on the PCI bus.
  {
    std::string label = "/sys/bus/pci/devices";
    fs::path dir = in.root / "sys/bus/pci/devices";
    std::error_code ec;
    if (found()) {
      skip(label);
    } else if (!fs::is_directory(dir, ec)) {
      record(label, ProbeOutcome::Absent, "no such directory");
    } else {
      std::vector<std::string> names;
      for (const auto& entry : fs::directory_iterator(dir, ec)) names.push_back(entry.path().filename().string());
      std::sort(names.begin(), names.end());
      std::string intel;
      std::size_t displays = 0;
      for (const auto& name : names) {
        auto cls = read_hex(dir / name / "class");
        auto vendor = read_hex(dir / name / "vendor");
        if (!cls || !vendor || (*cls & 0xff0000UL) != 0x030000UL) continue;
        ++displays;
        if (*vendor == 0x8086UL && intel.empty()) intel = name;
      }
      if (!intel.empty()) {
        acc.kind = AcceleratorKind::Xpu;
        acc.source = label;
        record(label, ProbeOutcome::Found, "Intel display controller " + intel);
      } else {
        record(label, ProbeOutcome::Absent,
               std::to_string(names.size()) + " PCI devices, " + std::to_string(displays) +
                   " display controllers, none from Intel (vendor 0x8086)");
      }
    }
  }

  // Beyond uv: the compute capability of the NVIDIA GPUs.
  if (acc.kind == AcceleratorKind::Cuda) {
    auto names = {std::string_view("PTINSTALL_CUDA_COMPUTE_CAPABILITY")};
    std::string label = "nvidia-smi --query-gpu=compute_cap --format=csv,noheader";
    auto take = [&](const std::vector<ComputeCapability>& caps, const std::string& probe, const std::string& suffix) {
      acc.gpu_compute_capabilities = caps;
      acc.compute_capability = *std::min_element(caps.begin(), caps.end());
      std::string all;
      for (const auto& c : caps) all += (all.empty() ? "" : ", ") + c.to_string();
      record(probe, ProbeOutcome::Info,
             "compute capability " + acc.compute_capability->to_string() +
                 (caps.size() > 1 ? " (minimum of " + all + ")" : "") + suffix);
    };
    if (auto hit = lookup(in, names)) {
      auto caps = parse_compute_caps(hit->value);
      if (caps.empty())
        throw util::Error("invalid value `" + hit->value + "` for " + hit->name,
                          "expected a compute capability such as 8.6");
      take(caps, "env " + hit->name, "");
    } else if (caps_from_probe5) {
      if (auto caps = parse_compute_caps(*caps_from_probe5); !caps.empty())
        take(caps, "compute capability", ", from the same nvidia-smi run");
      else
        record("compute capability", ProbeOutcome::Failed,
               "no compute capability in `" + short_text(*caps_from_probe5) + "` from nvidia-smi; not checked");
    } else if (cap_field_rejected) {
      record("compute capability", ProbeOutcome::Failed,
             "this driver's nvidia-smi does not know the compute_cap field; compute capability unknown, not checked");
    } else if (auto cached = acc.source.rfind("env ", 0) == 0 ? std::nullopt : read_capability_cache(in, acc.cuda_driver)) {
      take(*cached, "compute capability",
           ", remembered from nvidia-smi since this boot (" + in.capability_cache.string() + ")");
    } else if (!in.query_compute_capability) {
      record(label, ProbeOutcome::Skipped,
             "not run (" + in.why_no_capability_query + "); compute capability unknown, not checked");
    } else if (acc.source.rfind("env ", 0) == 0) {
      // The variable is how a machine with a wedged driver avoids the tools; asking nvidia-smi now
      // would bring the hang back.
      record(label, ProbeOutcome::Skipped,
             "not run (the driver came from " + acc.source.substr(4) +
                 "); set PTINSTALL_CUDA_COMPUTE_CAPABILITY to check the GPU's compute capability");
    } else {
      ToolRun run = run_tool(in, "nvidia-smi", {kCapQuery[0], kCapQuery[1]});
      if (!run.result) {
        record(label, ProbeOutcome::Absent, run.missing + "; compute capability unknown, not checked");
      } else if (run.result->timed_out || run.result->exit_code != 0) {
        record(label, ProbeOutcome::Failed, failure(in, run) + "; compute capability unknown, not checked");
      } else if (auto caps = parse_compute_caps(run.result->out); !caps.empty()) {
        take(caps, label, "");
        write_capability_cache(in, acc.cuda_driver, caps);
      } else {
        record(label, ProbeOutcome::Failed,
               "no compute capability in `" + short_text(run.result->out) + "`; not checked");
      }
    }
  }
  return d;
}

}  // namespace ptinstall::torch
