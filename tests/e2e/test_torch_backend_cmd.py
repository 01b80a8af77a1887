"""`ptinstall torch-backend`: the decision on fake machines (PTINSTALL_SYSFS_ROOT + fake tools on PATH)."""
import json
import stat

import pytest

from fakehost import nvidia_smi_script


@pytest.fixture
def machine(tmp_path, ptinstall):
    """A fake machine: root/ stands for / (sys, proc), bin/ is the whole PATH."""
    root = tmp_path / "root"
    bin_dir = tmp_path / "bin"
    root.mkdir()
    bin_dir.mkdir()

    class Machine:
        bin = bin_dir

        def file(self, rel, content):
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(content)

        def tool(self, name, body):
            p = bin_dir / name
            p.write_text("#!/bin/sh\n" + body + "\n")
            p.chmod(p.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

        def nvidia_smi(self, driver, cap="", driver_rc=0):
            self.tool("nvidia-smi", nvidia_smi_script(driver, cap, driver_rc, tmp_path / "nvidia-smi.runs"))

        def nvidia_smi_runs(self):
            runs = tmp_path / "nvidia-smi.runs"
            return runs.read_text().splitlines() if runs.exists() else []

        def remove_tool(self, name):
            (bin_dir / name).unlink()

        def pci(self, slot, cls, vendor):
            self.file(f"sys/bus/pci/devices/{slot}/class", cls + "\n")
            self.file(f"sys/bus/pci/devices/{slot}/vendor", vendor + "\n")

        def run(self, *args, env=None, check=True):
            full = {"PATH": str(bin_dir), "PTINSTALL_SYSFS_ROOT": str(root)}
            full.update(env or {})
            return ptinstall("torch-backend", *args, env=full, check=check)

        def json(self, *args, env=None):
            r = self.run("--json", *args, env=env)
            return json.loads(r.stdout)

    return Machine()


def backends(doc):
    return [i["backend"] for i in doc["indexes"]]


def test_nothing_found_gives_cpu(machine):
    doc = machine.json("--target-os", "linux")
    assert doc["backend"] == "auto"
    assert doc["backend_source"] == "default"
    assert doc["detection_ran"] is True
    assert doc["accelerator"]["kind"] == "none"
    assert [p["outcome"] for p in doc["probes"]] == ["absent"] * 7
    assert doc["indexes"] == [{"backend": "cpu", "url": "https://download.pytorch.org/whl/cpu",
                               "cuda_version": None, "rocm_version": None}]


def test_sysfs_driver_and_compute_capability(machine):
    machine.file("sys/module/nvidia/version", "550.144.03\n")
    machine.nvidia_smi("999.1\\n", "8.6\\n8.9\\n")
    doc = machine.json("--target-os", "linux")
    acc = doc["accelerator"]
    assert acc == {"kind": "cuda", "source": "/sys/module/nvidia/version", "cuda_driver": "550.144.03",
                   "amd_architecture": None, "compute_capability": "8.6", "gpu_compute_capabilities": ["8.6", "8.9"]}
    names = backends(doc)
    assert len(names) == 26 and names[0] == "cu129" and names[-2] == "cu80" and names[-1] == "cpu"
    assert doc["indexes"][0]["cuda_version"] == "12.9"
    outcomes = {p["probe"]: p["outcome"] for p in doc["probes"]}
    assert outcomes["/proc/driver/nvidia/version"] == "skipped"
    assert outcomes["nvidia-smi --query-gpu=compute_cap --format=csv,noheader"] == "info"


def test_proc_driver_file(machine):
    machine.file("proc/driver/nvidia/version",
                 "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Release Build  (dvs-builder@U16)  Sat Aug 19 UTC 2023\n")
    doc = machine.json("--target-os", "linux")
    assert doc["accelerator"]["cuda_driver"] == "535.104.05"
    assert doc["accelerator"]["compute_capability"] is None
    assert any("compute capability unknown" in n for n in doc["notes"])


def test_wsl_like_multi_gpu_nvidia_smi_windows_table(machine):
    machine.nvidia_smi("527.41\\n527.41\\n", "7.5\\n7.5\\n")
    linux = machine.json("--target-os", "linux")
    windows = machine.json("--target-os", "windows")
    assert linux["accelerator"]["cuda_driver"] == "527.41"
    assert backends(linux)[0] == "cu129"      # 527.41 >= 525.60.13 on Linux
    assert backends(windows)[0] == "cu118"    # but < 528.33 on Windows
    # One nvidia-smi run per command answers both the driver and the compute capability.
    assert machine.nvidia_smi_runs() == ["--query-gpu=driver_version,compute_cap --format=csv,noheader"] * 2
    assert linux["accelerator"]["compute_capability"] == "7.5"
    assert linux["accelerator"]["source"] == "nvidia-smi --query-gpu=driver_version,compute_cap --format=csv,noheader"


@pytest.mark.parametrize("var", ["PTINSTALL_CUDA_DRIVER_VERSION", "UV_CUDA_DRIVER_VERSION"])
def test_driver_variable_runs_no_nvidia_smi(machine, var):
    """The driver variable is the documented escape from a wedged driver: nvidia-smi (here one that would hang)
    is not run for the compute capability either; the capability can come from its own variable."""
    machine.file("sys/module/nvidia/version", "580.65.06\n")
    machine.tool("nvidia-smi", 'echo "$*" >> "$0.runs"; sleep 30')
    doc = machine.json("--target-os", "linux", env={var: "580.65.06"})
    probe = next(p for p in doc["probes"] if p["probe"].startswith("nvidia-smi --query-gpu=compute_cap"))
    assert probe["outcome"] == "skipped"
    assert probe["detail"] == (f"not run (the driver came from {var}); set PTINSTALL_CUDA_COMPUTE_CAPABILITY to check"
                               " the GPU's compute capability")
    assert doc["accelerator"]["compute_capability"] is None
    with_cap = machine.json("--target-os", "linux", env={var: "580.65.06", "PTINSTALL_CUDA_COMPUTE_CAPABILITY": "7.0"})
    assert with_cap["accelerator"]["compute_capability"] == "7.0"
    # --no-torch-compute-check: the driver from /sys, and still no nvidia-smi.
    off = machine.json("--target-os", "linux", "--no-torch-compute-check")
    assert off["accelerator"]["cuda_driver"] == "580.65.06"
    assert next(p for p in off["probes"] if p["probe"].startswith("nvidia-smi --query-gpu=compute_cap"))["detail"] == \
        "not run (--no-torch-compute-check); compute capability unknown, not checked"
    assert not (machine.bin / "nvidia-smi.runs").exists()


def test_compute_capability_skips_indexes(machine):
    doc = machine.json("--target-os", "linux",
                       env={"UV_CUDA_DRIVER_VERSION": "580.65.06", "PTINSTALL_CUDA_COMPUTE_CAPABILITY": "6.1"})
    assert backends(doc)[0] == "cu126"
    assert [s["backend"] for s in doc["skipped"]] == ["cu132", "cu130", "cu129", "cu128"]
    assert all("sm_61" in s["reason"] for s in doc["skipped"])
    off = machine.json("--target-os", "linux", "--no-torch-compute-check",
                       env={"UV_CUDA_DRIVER_VERSION": "580.65.06", "PTINSTALL_CUDA_COMPUTE_CAPABILITY": "6.1"})
    assert backends(off)[0] == "cu132" and off["skipped"] == [] and off["compute_capability_check"] is False


def test_target_os_without_cuda_builds(machine):
    doc = machine.json("--target-os", "macos", env={"UV_CUDA_DRIVER_VERSION": "580"})
    assert doc["accelerator"]["kind"] == "cuda"
    assert backends(doc) == ["cpu"]
    assert doc["target_os"] == "macos" and doc["target_os_source"] == "--target-os"


def test_amd_and_intel(machine):
    machine.tool("rocm_agent_enumerator", "printf 'gfx000\\ngfx1101\\n'")
    machine.pci("0000:00:02.0", "0x030000", "0x8086")
    doc = machine.json("--target-os", "linux")
    assert doc["accelerator"]["amd_architecture"] == "gfx1101"
    assert backends(doc) == ["rocm7.2", "rocm7.1", "rocm7.0", "rocm6.4", "rocm6.3", "rocm6.2.4", "rocm6.1", "cpu"]
    assert doc["indexes"][0]["rocm_version"] == "7.2"
    machine.remove_tool("rocm_agent_enumerator")
    doc = machine.json("--target-os", "linux")
    assert doc["accelerator"]["kind"] == "xpu"
    assert backends(doc) == ["xpu"]


def test_explicit_backend_mirror_and_channel(machine):
    doc = machine.json("--torch-backend", "cu128", "--torch-backend-index", "https://mirror.example/pytorch/whl/",
                       "--torch-channel", "nightly")
    assert doc["detection_ran"] is False and doc["probes"] == []
    assert doc["backend_source"] == "--torch-backend"
    assert doc["indexes"] == [{"backend": "cu128", "url": "https://mirror.example/pytorch/whl/nightly/cu128",
                               "cuda_version": "12.8", "rocm_version": None}]


def test_backend_from_environment(machine):
    doc = machine.json(env={"UV_TORCH_BACKEND": "rocm6.2.4", "PTINSTALL_TORCH_BACKEND_INDEX": "http://127.0.0.1:1/whl"})
    assert doc["backend_source"] == "UV_TORCH_BACKEND"
    assert doc["indexes"][0]["url"] == "http://127.0.0.1:1/whl/rocm6.2.4"
    doc = machine.json("--torch-backend", "xpu", env={"UV_TORCH_BACKEND": "cpu", "PTINSTALL_TORCH_BACKEND": "cu126"})
    assert backends(doc) == ["xpu"]
    doc = machine.json(env={"UV_TORCH_BACKEND": "cpu", "PTINSTALL_TORCH_BACKEND": "cu126"})
    assert backends(doc) == ["cu126"] and doc["backend_source"] == "PTINSTALL_TORCH_BACKEND"


def test_invalid_values(machine):
    r = machine.run("--torch-backend", "cu127", check=False)
    assert r.returncode == 2
    assert "error: invalid value `cu127` for --torch-backend" in r.stderr
    assert "hint: possible values: auto, cpu, cu132" in r.stderr and "rocm4.0.1" in r.stderr
    r = machine.run(env={"UV_TORCH_BACKEND": "CUDA"}, check=False)
    assert r.returncode == 2 and "`CUDA` for UV_TORCH_BACKEND" in r.stderr
    r = machine.run("--torch-channel", "beta", check=False)
    assert r.returncode == 2
    r = machine.run(env={"UV_CUDA_DRIVER_VERSION": "new"}, check=False)
    assert r.returncode == 1 and "UV_CUDA_DRIVER_VERSION" in r.stderr


def test_garbage_nvidia_smi_is_an_error(machine):
    machine.nvidia_smi("No devices were found\\n")
    r = machine.run(check=False)
    assert r.returncode == 1
    assert r.stderr.startswith("error: ") and "nvidia-smi" in r.stderr


def test_failing_nvidia_smi_is_recorded(machine):
    machine.nvidia_smi("Failed to initialize NVML: Driver/library version mismatch\\n", driver_rc=18)
    doc = machine.json("--target-os", "linux")
    smi = doc["probes"][4]
    assert smi["outcome"] == "failed" and smi["detail"].startswith("exit status 18")
    assert backends(doc) == ["cpu"]


def test_human_report(machine):
    machine.file("sys/module/nvidia/version", "550.144.03\n")
    machine.nvidia_smi("550.144.03\\n", "12.0\\n")
    r = machine.run("--target-os", "linux")
    out = r.stdout
    assert "backend: auto (default)" in out
    assert "target OS: linux (--target-os)" in out
    assert "found   /sys/module/nvidia/version: NVIDIA driver 550.144.03" in out
    assert "accelerator: NVIDIA GPU, driver 550.144.03 (from /sys/module/nvidia/version)" in out
    assert "compute capability: 12.0 (sm_120)" in out
    assert "  1. https://download.pytorch.org/whl/cu129\n" in out
    assert "  2. https://download.pytorch.org/whl/cu128\n" in out
    assert "cu126: built for sm_50" in out
    assert out.rstrip().splitlines()[-1].strip()  # ends with the reasons
