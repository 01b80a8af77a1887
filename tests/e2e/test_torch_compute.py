"""--torch-backend=auto and the GPU's compute capability, release by release: the architecture lists of one index
change between torch releases (torch 2.11+cu128 has no sm_70 kernels, pytorch/pytorch#182250; 2.10+cu128 has
them), so a V100 must get a torch that runs on it. Faked hosts (driver in a fake /sys, compute capability from a
fake nvidia-smi) against a PyTorch-shaped nginx mirror with torch 2.11.0 and an older release on each index."""
import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from envtools import make_venv  # noqa: E402
from indexserver import build_simple_index  # noqa: E402
from test_torch_install import (Machine, builds, family, pip_install, pypi_wheels, pytestmark, serve,  # noqa: E402,F401
                                shared_files, torch_pages, tritons)

# index -> torch releases on it (torch alone: torchvision follows torch through `torch==X`)
RELEASES = {"cu130": ("2.11.0", "2.9.1"), "cu128": ("2.11.0", "2.10.0"), "cu126": ("2.11.0", "2.9.1"),
            "cpu": ("2.11.0",)}


@pytest.fixture(scope="module")
def releases_mirror(tmp_path_factory):
    root = tmp_path_factory.mktemp("torch-releases")
    out = root / "_build"
    shared = shared_files(root, out / "shared")
    for v, versions in RELEASES.items():
        own = tritons(out / v, v)
        for t in versions:
            own += family(out / v / t, v, torch=t, packages=("torch",))
        torch_pages(root, f"whl/{v}", own, shared)
    build_simple_index(root, pypi_wheels(out / "pypi"), files_prefix="packages")
    shutil.rmtree(out)
    server = serve(root)
    yield server
    server.stop()


def host(tmp_path, cap):
    machine = Machine(tmp_path)
    machine.file("sys/module/nvidia/version", "580.65.06\n")
    machine.nvidia_smi("580.65.06\\n", f"{cap}\\n")
    return machine


# (GPU, compute capability, the torch build auto installs, indexes skipped by `torch-backend`)
HOSTS = [
    ("V100", "7.0", "2.10.0+cu128", ["cu132", "cu130"]),
    ("GTX 1080 Ti", "6.1", "2.11.0+cu126", ["cu132", "cu130", "cu129", "cu128"]),
    ("A100", "8.0", "2.11.0+cu130", []),
    ("H100", "9.0", "2.11.0+cu130", []),
    ("RTX 5090", "12.0", "2.11.0+cu130", ["cu126"]),
]


@pytest.mark.parametrize("gpu,cap,expected,skipped", HOSTS, ids=[h[0] for h in HOSTS])
def test_auto_gives_a_torch_with_kernels_for_the_gpu(ptinstall, releases_mirror, tmp_path, gpu, cap, expected,
                                                      skipped):
    machine = host(tmp_path, cap)
    doc = json.loads(ptinstall("torch-backend", "--json", "--target-os", "linux", env=machine.env(),
                               check=True).stdout)
    assert doc["accelerator"]["compute_capability"] == cap
    assert [s["backend"] for s in doc["skipped"]] == skipped
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, releases_mirror, venv, "--torch-backend", "auto", "-v", "torch", env=machine.env())
    assert builds(venv)["torch"][0] == expected, r.stderr
    if gpu == "V100":
        # The newest torch on cu128 (2.11) has no sm_70 kernels: passed over, and -v says why.
        assert ("torch backend: passing over torch 2.11.0+cu128: torch 2.11 and later on cu128 is built for sm_75"
                " sm_80 sm_86 sm_90 sm_100 sm_120, not for the GPU's sm_70") in r.stderr, r.stderr
        limited = {x["backend"]: x["reason"] for x in doc["limited"]}
        assert set(limited) == {"cu129", "cu128"}
        assert limited["cu128"].startswith("torch 2.11 and later is built for sm_75 ")
    else:
        assert "passing over torch" not in r.stderr


def test_v100_explained_by_torch_backend(ptinstall, tmp_path):
    machine = host(tmp_path, "7.0")
    text = ptinstall("torch-backend", "--target-os", "linux", env=machine.env(), check=True).stdout
    assert "compute capability: 7.0 (sm_70)" in text
    assert "skipped:\n  cu132: built for sm_75 sm_80 sm_86 sm_90 sm_100 sm_120, not for the GPU's sm_70\n" in text
    assert ("kept, but not every torch release on it (older or newer torch is taken instead):\n"
            "  cu129: torch 2.12 and later is built for ") in text
    assert ("  cu128: torch 2.11 and later is built for sm_75 sm_80 sm_86 sm_90 sm_100 sm_120, not for the GPU's sm_70"
            " (pytorch/pytorch#175253, #172352, #182250: Volta dropped from CUDA 12.8 builds in 2.11); torch 2.8 to"
            " 2.10, 2.7 from it runs\n") in text


def test_no_check_takes_the_newest(ptinstall, releases_mirror, tmp_path):
    """--no-torch-compute-check: the V100 gets what uv would give it (the newest torch of the first index)."""
    machine = host(tmp_path, "7.0")
    venv = make_venv(tmp_path / "venv")
    pip_install(ptinstall, releases_mirror, venv, "--torch-backend", "auto", "--no-torch-compute-check", "torch",
                env=machine.env())
    assert builds(venv)["torch"][0] == "2.11.0+cu130"


def test_installed_torch_without_kernels_warns_and_switches(ptinstall, releases_mirror, tmp_path):
    """torch 2.11.0+cu128 on a V100: the no-op (compute capability from PTINSTALL_CUDA_COMPUTE_CAPABILITY, so no
    nvidia-smi) warns with the command that switches it, and that command installs 2.10.0+cu128."""
    machine = host(tmp_path, "7.0")
    machine.vars["PTINSTALL_CUDA_COMPUTE_CAPABILITY"] = "7.0"
    venv = make_venv(tmp_path / "venv")
    pip_install(ptinstall, releases_mirror, venv, "--torch-backend", "cu128", "torch", env=machine.env())
    assert builds(venv)["torch"][0] == "2.11.0+cu128"
    releases_mirror.clear_log()
    r = pip_install(ptinstall, releases_mirror, venv, "--torch-backend", "auto", "torch", env=machine.env())
    assert releases_mirror.requests() == []
    assert [line for line in r.stderr.splitlines() if line.startswith("warning:")] == [
        "warning: torch 2.11.0+cu128 has no kernels for this GPU: torch 2.11 and later on cu128 is built for sm_75 sm_80"
        " sm_86 sm_90 sm_100 sm_120, not for the GPU's sm_70 (pytorch/pytorch#175253, #172352, #182250: Volta dropped"
        " from CUDA 12.8 builds in 2.11); to switch: ptinstall pip install --torch-backend=auto --reinstall-package"
        " torch torch"], r.stderr
    pip_install(ptinstall, releases_mirror, venv, "--torch-backend=auto", "--reinstall-package", "torch", "torch",
                env=machine.env())
    assert builds(venv)["torch"][0] == "2.10.0+cu128"
    assert not (machine.root.parent / "nvidia-smi.runs").exists()


def test_auto_remembers_the_compute_capability_for_this_boot(ptinstall, releases_mirror, tmp_path):
    """A real nvidia-smi takes 50-500 ms: what it said is kept for this boot, driver and set of GPUs
    (<cache>/accelerator-v1), so a second `auto` resolution runs no tool, and the no-op judges the installed build
    against the remembered GPU (torch 2.11.0+cu128 on a V100) without running it either."""
    machine = host(tmp_path, "7.0")
    machine.file("proc/sys/kernel/random/boot_id", "6a8f0b9e-1111-4222-8333-944455556666\n")
    runs = machine.root.parent / "nvidia-smi.runs"
    cache = tmp_path / "cache"
    for n in (1, 2):
        venv = make_venv(tmp_path / f"venv{n}")
        r = pip_install(ptinstall, releases_mirror, venv, "--cache-dir", cache, "--torch-backend", "auto", "-v",
                        "torch", env=machine.env())
        assert builds(venv)["torch"][0] == "2.10.0+cu128", r.stderr
    assert len(runs.read_text().splitlines()) == 1, runs.read_text()
    assert "remembered from nvidia-smi since this boot" in r.stderr, r.stderr
    # The no-op: an installed build without kernels for the remembered GPU is named, still without nvidia-smi.
    pip_install(ptinstall, releases_mirror, venv, "--cache-dir", cache, "--torch-backend", "cu128",
                "torch==2.11.0+cu128", env=machine.env())
    r = pip_install(ptinstall, releases_mirror, venv, "--cache-dir", cache, "--torch-backend", "auto", "torch",
                    env=machine.env())
    assert "warning: torch 2.11.0+cu128 has no kernels for this GPU" in r.stderr, r.stderr
    assert len(runs.read_text().splitlines()) == 1, runs.read_text()
    # --no-torch-compute-check: nothing remembered is used either.
    venv3 = make_venv(tmp_path / "venv3")
    pip_install(ptinstall, releases_mirror, venv3, "--cache-dir", cache, "--torch-backend", "auto",
                "--no-torch-compute-check", "torch", env=machine.env())
    assert builds(venv3)["torch"][0] == "2.11.0+cu130"
