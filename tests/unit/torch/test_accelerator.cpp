#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <sys/stat.h>

#include "ptinstall/torch/accelerator.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall::torch;
using ptinstall::util::Error;
using ptinstall::util::TempDir;
namespace fs = std::filesystem;

namespace {

// A fake machine: a root holding sys/ and proc/, a bin/ directory that is the whole PATH, and an
// environment map.
struct FakeMachine {
  TempDir dir;
  std::map<std::string, std::string> env;

  fs::path root() const { return dir.path() / "root"; }
  fs::path bin() const { return dir.path() / "bin"; }

  FakeMachine() {
    fs::create_directories(root());
    fs::create_directories(bin());
  }

  void file(const std::string& rel, const std::string& content) { ptinstall::util::write_file_atomic(root() / rel, content); }

  // A shell script tool; `body` runs with the arguments in "$@".
  void tool(const std::string& name, const std::string& body) {
    fs::path p = bin() / name;
    ptinstall::util::write_file_atomic(p, "#!/bin/sh\n" + body + "\n");
    chmod(p.c_str(), 0755);
  }

  static std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }

  // nvidia-smi answering the two queries separately or together (`driver, cap` per line; a failing
  // compute_cap query fails the combined one, as an old driver does). Every run is counted in a
  // file next to bin/, one line per run with its arguments.
  void nvidia_smi(const std::string& driver_out, int driver_rc, const std::string& cap_out = "", int cap_rc = 0) {
    std::string d = quote(driver_out), c = quote(cap_out), drc = std::to_string(driver_rc), crc = std::to_string(cap_rc);
    tool("nvidia-smi",
         "echo \"$*\" >> " + quote((dir.path() / "nvidia-smi.runs").string()) + "\n"
         "case \"$1\" in\n"
         "  --query-gpu=driver_version) printf " + d + "; exit " + drc + " ;;\n"
         "  --query-gpu=compute_cap) printf " + c + "; exit " + crc + " ;;\n"
         "  --query-gpu=driver_version,compute_cap)\n"
         "    if [ " + crc + " != 0 ]; then printf " + c + "; exit " + crc + "; fi\n"
         "    if [ " + drc + " != 0 ]; then printf " + d + "; exit " + drc + "; fi\n"
         // Shell builtins only (PATH holds nothing but the fake tools).
         "    d=$(printf " + d + "); c=$(printf " + c + "); nl='\n'\n"
         "    while [ -n \"$d\" ]; do\n"
         "      echo \"${d%%\"$nl\"*}, ${c%%\"$nl\"*}\"\n"
         "      case \"$d\" in *\"$nl\"*) d=${d#*\"$nl\"} ;; *) d= ;; esac\n"
         "      case \"$c\" in *\"$nl\"*) c=${c#*\"$nl\"} ;; *) c= ;; esac\n"
         "    done; exit 0 ;;\n"
         "esac\n"
         "echo \"unexpected arguments: $*\" >&2; exit 99");
  }

  // How often nvidia-smi ran.
  std::size_t nvidia_smi_runs() const {
    std::ifstream in(dir.path() / "nvidia-smi.runs");
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }

  void pci(const std::string& slot, const std::string& cls, const std::string& vendor) {
    file("sys/bus/pci/devices/" + slot + "/class", cls + "\n");
    file("sys/bus/pci/devices/" + slot + "/vendor", vendor + "\n");
  }

  DetectionInputs inputs() const {
    DetectionInputs in;
    in.root = root();
    in.path = bin().string();
    auto copy = env;
    in.getenv = [copy](std::string_view name) -> std::optional<std::string> {
      auto it = copy.find(std::string(name));
      if (it == copy.end()) return std::nullopt;
      return it->second;
    };
    return in;
  }

  Detection detect() const { return detect_accelerator(inputs()); }
};

const ProbeRecord* probe(const Detection& d, std::string_view prefix) {
  for (const auto& p : d.probes)
    if (p.probe.rfind(prefix, 0) == 0) return &p;
  return nullptr;
}

const char* kProc =
    "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.144.03  Release Build  (dvs-builder@U16-I3-B03-4-3)  Tue Jan  7 "
    "21:00:29 UTC 2025\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n";

}  // namespace

TEST_CASE("an empty machine: every probe tried, nothing found") {
  FakeMachine m;
  Detection d = m.detect();
  CHECK(d.accelerator.kind == AcceleratorKind::None);
  REQUIRE(d.probes.size() == 7);
  for (const auto& p : d.probes) CHECK(p.outcome == ProbeOutcome::Absent);
  CHECK(d.probes[0].probe == "env PTINSTALL_CUDA_DRIVER_VERSION, UV_CUDA_DRIVER_VERSION");
  CHECK(d.probes[2].probe == "/sys/module/nvidia/version");
  CHECK(d.probes[3].probe == "/proc/driver/nvidia/version");
  CHECK(d.probes[4].probe.rfind("nvidia-smi", 0) == 0);
  CHECK(d.probes[4].detail == "not found on PATH");
  CHECK(d.probes[5].probe == "rocm_agent_enumerator");
  CHECK(d.probes[6].probe == "/sys/bus/pci/devices");
}

TEST_CASE("driver overrides from the environment") {
  FakeMachine m;
  m.file("sys/module/nvidia/version", "470.82.01\n");
  SECTION("uv's variable") {
    m.env["UV_CUDA_DRIVER_VERSION"] = "525.60.13";
    Detection d = m.detect();
    CHECK(d.accelerator.kind == AcceleratorKind::Cuda);
    CHECK(d.accelerator.cuda_driver == "525.60.13");
    CHECK(d.accelerator.source == "env UV_CUDA_DRIVER_VERSION");
    CHECK(probe(d, "/sys/module")->outcome == ProbeOutcome::Skipped);
    CHECK(probe(d, "rocm_agent")->outcome == ProbeOutcome::Skipped);
  }
  SECTION("ours wins over uv's") {
    m.env["UV_CUDA_DRIVER_VERSION"] = "525.60.13";
    m.env["PTINSTALL_CUDA_DRIVER_VERSION"] = "580.65.06";
    CHECK(m.detect().accelerator.cuda_driver == "580.65.06");
  }
  SECTION("an empty variable is unset") {
    m.env["UV_CUDA_DRIVER_VERSION"] = "";
    Detection d = m.detect();
    CHECK(d.accelerator.cuda_driver == "470.82.01");
    CHECK(d.accelerator.source == "/sys/module/nvidia/version");
  }
  SECTION("an invalid value is an error") {
    m.env["UV_CUDA_DRIVER_VERSION"] = "latest";
    CHECK_THROWS_WITH(m.detect(), Catch::Contains("UV_CUDA_DRIVER_VERSION"));
  }
  SECTION("AMD override") {
    m.env["UV_AMD_GPU_ARCHITECTURE"] = "gfx1100";
    Detection d = m.detect();
    // The NVIDIA sysfs file is probed after the overrides, so the AMD override wins.
    CHECK(d.accelerator.kind == AcceleratorKind::Amd);
    CHECK(d.accelerator.amd_arch == "gfx1100");
    CHECK(d.accelerator.source == "env UV_AMD_GPU_ARCHITECTURE");
  }
  SECTION("CUDA override beats AMD override") {
    m.env["PTINSTALL_AMD_GPU_ARCHITECTURE"] = "gfx1100";
    m.env["PTINSTALL_CUDA_DRIVER_VERSION"] = "550";
    Detection d = m.detect();
    CHECK(d.accelerator.kind == AcceleratorKind::Cuda);
    CHECK(probe(d, "env PTINSTALL_AMD")->outcome == ProbeOutcome::Skipped);
  }
  SECTION("unknown AMD architecture is an error listing the known ones") {
    m.env["UV_AMD_GPU_ARCHITECTURE"] = "gfx1036";
    try {
      m.detect();
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("gfx1036") != std::string::npos);
      CHECK(e.hint().find("gfx90a") != std::string::npos);
    }
  }
}

TEST_CASE("/sys/module/nvidia/version") {
  FakeMachine m;
  m.nvidia_smi("999.99\\n", 0);
  SECTION("found, and it beats nvidia-smi") {
    m.file("sys/module/nvidia/version", "550.144.03\n");
    Detection d = m.detect();
    CHECK(d.accelerator.cuda_driver == "550.144.03");
    CHECK(d.accelerator.source == "/sys/module/nvidia/version");
    CHECK(probe(d, "/proc/driver")->outcome == ProbeOutcome::Skipped);
    CHECK(probe(d, "nvidia-smi --query-gpu=driver_version")->outcome == ProbeOutcome::Skipped);
  }
  SECTION("garbage is an error, as in uv") {
    m.file("sys/module/nvidia/version", "not a version\n");
    CHECK_THROWS_WITH(m.detect(), Catch::Contains("/sys/module/nvidia/version"));
  }
  SECTION("a directory where the file should be is an error") {
    fs::create_directories(m.root() / "sys/module/nvidia/version");
    CHECK_THROWS_AS(m.detect(), Error);
  }
}

TEST_CASE("/proc/driver/nvidia/version") {
  FakeMachine m;
  SECTION("the real layout") {
    m.file("proc/driver/nvidia/version", kProc);
    Detection d = m.detect();
    CHECK(d.accelerator.kind == AcceleratorKind::Cuda);
    CHECK(d.accelerator.cuda_driver == "550.144.03");
    CHECK(d.accelerator.source == "/proc/driver/nvidia/version");
    CHECK(probe(d, "/sys/module")->outcome == ProbeOutcome::Absent);
  }
  SECTION("no second field: next probe") {
    m.file("proc/driver/nvidia/version", "NVRM version: something else\n");
    m.nvidia_smi("535.104.05\\n", 0);
    Detection d = m.detect();
    CHECK(probe(d, "/proc/driver")->outcome == ProbeOutcome::Failed);
    CHECK(d.accelerator.cuda_driver == "535.104.05");
  }
  SECTION("an unparsable second field is an error") {
    m.file("proc/driver/nvidia/version", "NVRM version: x  banana  y\n");
    CHECK_THROWS_AS(m.detect(), Error);
  }
  CHECK(parse_proc_driver_version(kProc) == "550.144.03");
  CHECK(parse_proc_driver_version("a  b") == "b");
  CHECK_FALSE(parse_proc_driver_version("a b c"));
  CHECK_FALSE(parse_proc_driver_version("a    "));
}

TEST_CASE("nvidia-smi") {
  FakeMachine m;
  SECTION("WSL-like layout: no /sys or /proc files, multi-GPU output, first line wins") {
    m.nvidia_smi("566.36\\n566.14\\n", 0, "8.9\\n7.5\\n");
    Detection d = m.detect();
    CHECK(d.accelerator.kind == AcceleratorKind::Cuda);
    CHECK(d.accelerator.cuda_driver == "566.36");
    // One run answered the driver and the compute capability.
    CHECK(d.accelerator.source == "nvidia-smi --query-gpu=driver_version,compute_cap --format=csv,noheader");
    CHECK(m.nvidia_smi_runs() == 1);
    REQUIRE(d.accelerator.compute_capability);
    CHECK(*d.accelerator.compute_capability == ComputeCapability{7, 5});
    CHECK(d.accelerator.gpu_compute_capabilities.size() == 2);
    CHECK_FALSE(probe(d, "nvidia-smi --query-gpu=compute_cap"));
    const ProbeRecord* cap = probe(d, "compute capability");
    REQUIRE(cap);
    CHECK(cap->outcome == ProbeOutcome::Info);
    CHECK(cap->detail == "compute capability 7.5 (minimum of 8.9, 7.5), from the same nvidia-smi run");
    // The remaining probes are not run.
    CHECK(probe(d, "rocm_agent")->outcome == ProbeOutcome::Skipped);
    CHECK(probe(d, "/sys/bus/pci")->outcome == ProbeOutcome::Skipped);
  }
  SECTION("non-zero exit: recorded, detection goes on") {
    m.nvidia_smi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver\\n", 9);
    Detection d = m.detect();
    CHECK(d.accelerator.kind == AcceleratorKind::None);
    const ProbeRecord* p = probe(d, "nvidia-smi");
    CHECK(p->outcome == ProbeOutcome::Failed);
    CHECK(p->detail.find("exit status 9") == 0);
    CHECK(p->detail.find("couldn't communicate") != std::string::npos);
  }
  SECTION("garbage output with exit 0 is an error, as in uv") {
    m.nvidia_smi("No devices were found\\n", 0);
    CHECK_THROWS_WITH(m.detect(), Catch::Contains("nvidia-smi"));
  }
  SECTION("empty output") {
    m.nvidia_smi("", 0);
    CHECK(probe(m.detect(), "nvidia-smi")->outcome == ProbeOutcome::Failed);
  }
  SECTION("a tool that is not executable is not found") {
    m.nvidia_smi("550.54\\n", 0);
    chmod((m.bin() / "nvidia-smi").c_str(), 0644);
    CHECK(probe(m.detect(), "nvidia-smi")->detail == "not found on PATH");
  }
  SECTION("a driver without the compute_cap field: the driver asked alone, no check") {
    m.nvidia_smi("470.256.02\\n", 0, "Field \"compute_cap\" is not a valid field to query.\\n", 2);
    Detection d = m.detect();
    CHECK(d.accelerator.cuda_driver == "470.256.02");
    CHECK(d.accelerator.source == "nvidia-smi --query-gpu=driver_version --format=csv,noheader");
    CHECK_FALSE(d.accelerator.compute_capability);
    CHECK(probe(d, "nvidia-smi --query-gpu=driver_version,compute_cap")->outcome == ProbeOutcome::Failed);
    CHECK(probe(d, "compute capability")->outcome == ProbeOutcome::Failed);
    CHECK(m.nvidia_smi_runs() == 2);  // the one case of two runs: the first was refused
  }
  SECTION("compute capability garbage: no check") {
    m.nvidia_smi("550.54\\n", 0, "[N/A]\\n");
    Detection d = m.detect();
    CHECK(d.accelerator.cuda_driver == "550.54");
    CHECK_FALSE(d.accelerator.compute_capability);
    CHECK(probe(d, "compute capability")->outcome == ProbeOutcome::Failed);
    CHECK(m.nvidia_smi_runs() == 1);
  }
  SECTION("a failing driver query is not retried") {
    m.nvidia_smi("NVIDIA-SMI has failed\\n", 9, "8.6\\n");
    Detection d = m.detect();
    CHECK(d.accelerator.kind == AcceleratorKind::None);
    CHECK(m.nvidia_smi_runs() == 1);
  }
  SECTION("compute capability override") {
    m.nvidia_smi("550.54\\n", 0, "8.6\\n");
    m.env["PTINSTALL_CUDA_COMPUTE_CAPABILITY"] = "6.1";
    Detection d = m.detect();
    CHECK(*d.accelerator.compute_capability == ComputeCapability{6, 1});
    // The driver query ran alone: the capability was not wanted from nvidia-smi.
    CHECK(d.accelerator.source == "nvidia-smi --query-gpu=driver_version --format=csv,noheader");
    CHECK(m.nvidia_smi_runs() == 1);
    m.env["PTINSTALL_CUDA_COMPUTE_CAPABILITY"] = "sm_61";
    CHECK_THROWS_AS(m.detect(), Error);
  }
  SECTION("no compute capability query without an NVIDIA driver") {
    m.nvidia_smi("x", 3, "8.6\\n");
    CHECK_FALSE(probe(m.detect(), "nvidia-smi --query-gpu=compute_cap"));
  }
}

TEST_CASE("the compute capability query is not run when the driver came from the environment") {
  // PTINSTALL_CUDA_DRIVER_VERSION is the documented escape from a wedged driver: nvidia-smi must not
  // run behind it.
  FakeMachine m;
  m.file("sys/module/nvidia/version", "550.54.15\n");
  m.nvidia_smi("550.54.15\\n", 0, "8.6\\n");
  for (const char* var : {"PTINSTALL_CUDA_DRIVER_VERSION", "UV_CUDA_DRIVER_VERSION"}) {
    CAPTURE(var);
    FakeMachine fresh;
    fresh.nvidia_smi("550.54.15\\n", 0, "8.6\\n");
    fresh.env[var] = "550.54.15";
    Detection d = fresh.detect();
    CHECK(d.accelerator.kind == AcceleratorKind::Cuda);
    CHECK_FALSE(d.accelerator.compute_capability);
    const ProbeRecord* cap = probe(d, "nvidia-smi --query-gpu=compute_cap");
    REQUIRE(cap);
    CHECK(cap->outcome == ProbeOutcome::Skipped);
    CHECK(cap->detail == std::string("not run (the driver came from ") + var +
                             "); set PTINSTALL_CUDA_COMPUTE_CAPABILITY to check the GPU's compute capability");
    CHECK(fresh.nvidia_smi_runs() == 0);
    // With the capability from the environment too, it is known, still without nvidia-smi.
    fresh.env["PTINSTALL_CUDA_COMPUTE_CAPABILITY"] = "7.0";
    CHECK(*fresh.detect().accelerator.compute_capability == ComputeCapability{7, 0});
    CHECK(fresh.nvidia_smi_runs() == 0);
  }
  SECTION("--no-torch-compute-check: the driver from /sys, no nvidia-smi at all") {
    DetectionInputs in = m.inputs();
    in.query_compute_capability = false;
    Detection d = detect_accelerator(in);
    CHECK(d.accelerator.cuda_driver == "550.54.15");
    CHECK_FALSE(d.accelerator.compute_capability);
    CHECK(probe(d, "nvidia-smi --query-gpu=compute_cap")->outcome == ProbeOutcome::Skipped);
    CHECK(probe(d, "nvidia-smi --query-gpu=compute_cap")->detail ==
          "not run (--no-torch-compute-check); compute capability unknown, not checked");
    CHECK(m.nvidia_smi_runs() == 0);
  }
  SECTION("--no-torch-compute-check with the driver from nvidia-smi: the driver query alone") {
    FakeMachine wsl;
    wsl.nvidia_smi("566.36\\n", 0, "8.6\\n");
    DetectionInputs in = wsl.inputs();
    in.query_compute_capability = false;
    Detection d = detect_accelerator(in);
    CHECK(d.accelerator.source == "nvidia-smi --query-gpu=driver_version --format=csv,noheader");
    CHECK(wsl.nvidia_smi_runs() == 1);
  }
  SECTION("the driver from /sys: one compute capability query") {
    Detection d = m.detect();
    CHECK(*d.accelerator.compute_capability == ComputeCapability{8, 6});
    CHECK(m.nvidia_smi_runs() == 1);
  }
}

TEST_CASE("a probe tool that hangs is killed after the timeout and counts as failed") {
  using namespace std::chrono;
  FakeMachine m;
  // A wedged driver: the tools never answer. The `sleep` is a child of the script, so the kill has to
  // reach the script's process group for the run to end.
  m.tool("nvidia-smi", "sleep 30; echo 550.54.15");
  m.tool("rocm_agent_enumerator", "sleep 30; echo gfx1100");
  m.pci("0000:00:02.0", "0x030000", "0x8086");
  DetectionInputs in = m.inputs();
  in.tool_timeout = milliseconds(300);
  auto start = steady_clock::now();
  Detection d = detect_accelerator(in);
  CHECK(steady_clock::now() - start < seconds(10));
  const ProbeRecord* smi = probe(d, "nvidia-smi --query-gpu=driver_version");
  REQUIRE(smi);
  CHECK(smi->outcome == ProbeOutcome::Failed);
  CHECK(smi->detail == "timed out after 0.3 s and was killed");
  const ProbeRecord* rocm = probe(d, "rocm_agent_enumerator");
  REQUIRE(rocm);
  CHECK(rocm->outcome == ProbeOutcome::Failed);
  CHECK(rocm->detail.find("timed out") == 0);
  // Detection went on, as after a failing tool.
  CHECK(d.accelerator.kind == AcceleratorKind::Xpu);
}

TEST_CASE("a hanging compute capability query leaves the capability unknown") {
  FakeMachine m;
  m.file("sys/module/nvidia/version", "550.54.15\n");
  m.tool("nvidia-smi", "sleep 30");
  DetectionInputs in = m.inputs();
  in.tool_timeout = std::chrono::milliseconds(300);
  Detection d = detect_accelerator(in);
  CHECK(d.accelerator.kind == AcceleratorKind::Cuda);
  CHECK_FALSE(d.accelerator.compute_capability);
  const ProbeRecord* cap = probe(d, "nvidia-smi --query-gpu=compute_cap");
  REQUIRE(cap);
  CHECK(cap->outcome == ProbeOutcome::Failed);
  CHECK_THAT(cap->detail, Catch::StartsWith("timed out") && Catch::Contains("not checked"));
}

TEST_CASE("probe tools get a timeout of a few seconds by default") {
  CHECK(DetectionInputs{}.tool_timeout == std::chrono::seconds(5));
  CHECK(DetectionInputs::from_environment().tool_timeout == std::chrono::seconds(5));
}

TEST_CASE("rocm_agent_enumerator") {
  FakeMachine m;
  SECTION("the oldest known architecture; gfx000 and unknown ones ignored") {
    m.tool("rocm_agent_enumerator", "printf 'gfx000\\ngfx1100\\ngfx1036\\n  gfx90a  \\n'");
    Detection d = m.detect();
    CHECK(d.accelerator.kind == AcceleratorKind::Amd);
    CHECK(d.accelerator.amd_arch == "gfx90a");
    CHECK(d.accelerator.source == "rocm_agent_enumerator");
  }
  SECTION("only unknown architectures: next probe") {
    m.tool("rocm_agent_enumerator", "printf 'gfx000\\ngfx1036\\n'");
    m.pci("0000:00:02.0", "0x030000", "0x8086");
    Detection d = m.detect();
    CHECK(probe(d, "rocm_agent")->outcome == ProbeOutcome::Failed);
    CHECK(d.accelerator.kind == AcceleratorKind::Xpu);
  }
  SECTION("non-zero exit") {
    m.tool("rocm_agent_enumerator", "echo 'hsa error' >&2; exit 1");
    Detection d = m.detect();
    CHECK(probe(d, "rocm_agent")->outcome == ProbeOutcome::Failed);
    CHECK(probe(d, "rocm_agent")->detail == "exit status 1: hsa error");
  }
  SECTION("NVIDIA beats AMD") {
    m.tool("rocm_agent_enumerator", "printf 'gfx1100\\n'");
    m.nvidia_smi("550.54.15\\n", 0, "8.0\\n");
    CHECK(m.detect().accelerator.kind == AcceleratorKind::Cuda);
  }
  CHECK(oldest_known_amd_arch("gfx1201\ngfx942\n") == "gfx942");
  CHECK_FALSE(oldest_known_amd_arch(""));
}

TEST_CASE("Intel display controllers on the PCI bus") {
  FakeMachine m;
  SECTION("an Intel VGA controller") {
    m.pci("0000:01:00.0", "0x030200", "0x10de");  // NVIDIA 3D controller, no driver loaded
    m.pci("0000:00:02.0", "0x030000", "0x8086");
    Detection d = m.detect();
    CHECK(d.accelerator.kind == AcceleratorKind::Xpu);
    CHECK(probe(d, "/sys/bus/pci")->detail == "Intel display controller 0000:00:02.0");
  }
  SECTION("Intel 'display controller, other' class counts") {
    m.pci("0000:03:00.0", "0x038000", "0x8086");
    CHECK(m.detect().accelerator.kind == AcceleratorKind::Xpu);
  }
  SECTION("Intel devices that are no display controller do not") {
    m.pci("0000:00:00.0", "0x060000", "0x8086");  // host bridge
    m.pci("0000:00:1f.3", "0x040300", "0x8086");  // audio
    m.pci("0000:01:00.0", "0x030000", "0x1002");  // AMD VGA
    Detection d = m.detect();
    CHECK(d.accelerator.kind == AcceleratorKind::None);
    CHECK(probe(d, "/sys/bus/pci")->detail.find("3 PCI devices, 1 display controllers") == 0);
  }
  SECTION("unreadable class/vendor files are ignored") {
    m.pci("0000:00:02.0", "garbage", "0x8086");
    fs::create_directories(m.root() / "sys/bus/pci/devices/0000:00:03.0");
    CHECK(m.detect().accelerator.kind == AcceleratorKind::None);
  }
}

TEST_CASE("an empty PATH finds no tool, not even in the current directory") {
  FakeMachine m;
  m.nvidia_smi("550.54\\n", 0);
  DetectionInputs in = m.inputs();
  in.path = "";
  auto cwd = fs::current_path();
  fs::current_path(m.bin());
  Detection d = detect_accelerator(in);
  fs::current_path(cwd);
  CHECK(d.accelerator.kind == AcceleratorKind::None);
  CHECK(probe(d, "nvidia-smi")->detail == "not found on PATH");
}

TEST_CASE("helpers") {
  CHECK(first_line("  550.54 \n535\n") == "550.54");
  CHECK_FALSE(first_line("\n550"));
  CHECK_FALSE(first_line(""));
  auto caps = parse_compute_caps("8.6\n[N/A]\n9.0\n");
  REQUIRE(caps.size() == 2);
  CHECK(caps[1] == ComputeCapability{9, 0});
  CHECK(to_string(ProbeOutcome::Skipped) == "skipped");
  CHECK(to_string(AcceleratorKind::Amd) == "amd");
}
