"""`pip install torch --torch-backend=...` when torch is already there: the no-op asks no server and runs no
nvidia-smi; a build the backend would not select (torch +cpu where auto finds a GPU, a mixed family) is said in
one warning with the command that switches it; the override warning is said once and only when something
changes; `pip check` reports a mixed family. Against the PyTorch-shaped nginx mirror of test_torch_install."""
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from envtools import installed, make_venv  # noqa: E402
from test_torch_install import Machine, builds, mirror, pip_install, pytestmark  # noqa: E402,F401

ROUTES = "warning: --torch-backend routes"


def nvidia_host(tmp_path, driver="580.65.06", cap="9.0"):
    """An NVIDIA machine whose driver is in /sys (as on a real Linux host) and whose nvidia-smi counts its runs."""
    machine = Machine(tmp_path)
    machine.file("sys/module/nvidia/version", driver + "\n")
    machine.nvidia_smi(f"{driver}\\n", f"{cap}\\n")
    return machine


def smi_runs(machine):
    runs = machine.root.parent / "nvidia-smi.runs"
    return runs.read_text().splitlines() if runs.exists() else []


def warnings(stderr):
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


@pytest.mark.parametrize("backend", ["cu128", "auto"])
def test_noop_with_routing_asks_no_server(ptinstall, mirror, tmp_path, backend):
    machine = nvidia_host(tmp_path)
    venv = make_venv(tmp_path / "venv")
    first = pip_install(ptinstall, mirror, venv, "--torch-backend", backend, "torch", "torchvision", env=machine.env())
    # Installing: the override warning once (the helper passes --index-url), and the compute capability asked
    # once with auto (the driver came from /sys).
    assert [w for w in warnings(first.stderr) if w.startswith(ROUTES)] == [
        f"{ROUTES} torch, torchvision to {mirror.url}/whl/{'cu132' if backend == 'auto' else 'cu128'}"
        + (" (and 27 more PyTorch indexes)" if backend == "auto" else "")
        + "; the indexes you configured are not used for them"], first.stderr
    assert len(smi_runs(machine)) == (1 if backend == "auto" else 0)
    variant = "cu130" if backend == "auto" else "cu128"
    assert builds(venv)["torch"][0] == f"2.9.1+{variant}"

    mirror.clear_log()
    again = pip_install(ptinstall, mirror, venv, "--torch-backend", backend, "torch", "torchvision", env=machine.env())
    assert mirror.requests() == []
    assert len(smi_runs(machine)) == (1 if backend == "auto" else 0)  # the no-op ran no nvidia-smi
    assert re.fullmatch(r"Audited \d+ packages in \S+\n", again.stderr), again.stderr  # and said nothing else


def test_cpu_build_on_a_gpu_host_warns_in_the_noop_and_switches(ptinstall, mirror, tmp_path):
    machine = nvidia_host(tmp_path)
    venv = make_venv(tmp_path / "venv")
    pip_install(ptinstall, mirror, venv, "--torch-backend", "cpu", "torch", "torchvision", env=machine.env())
    assert builds(venv)["torch"][0] == "2.9.1+cpu"

    mirror.clear_log()
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "auto", "torch", "torchvision", env=machine.env())
    assert mirror.requests() == []
    switch = ("ptinstall pip install --torch-backend=auto --reinstall-package torch --reinstall-package torchvision"
              " torch torchvision")
    assert warnings(r.stderr) == [
        "warning: torch 2.9.1+cpu, torchvision 0.24.1+cpu are installed, but --torch-backend=auto selects cu132, cu130"
        f" and 25 more (NVIDIA driver 580.65.06); to switch: {switch}"], r.stderr
    assert smi_runs(machine) == []
    # -q keeps warnings, -qq says nothing.
    quiet = pip_install(ptinstall, mirror, venv, "-q", "--torch-backend", "auto", "torch", env=machine.env())
    # (every installed routed package is judged, not only those the command names)
    assert quiet.stderr.splitlines() == warnings(r.stderr), quiet.stderr
    assert pip_install(ptinstall, mirror, venv, "-qq", "--torch-backend", "auto", "torch",
                       env=machine.env()).stderr == ""
    # The command it names switches both to the CUDA build auto selects.
    args = switch.split()[3:]
    pip_install(ptinstall, mirror, venv, *args, env=machine.env())
    assert builds(venv)["torch"] == ["2.9.1+cu130", "13.0", None, None]
    assert builds(venv)["torchvision"][0] == "0.24.1+cu130"
    done = pip_install(ptinstall, mirror, venv, "--torch-backend", "auto", "torch", "torchvision", env=machine.env())
    assert warnings(done.stderr) == []


def test_explicit_backend_with_upgrade_switches(ptinstall, mirror, tmp_path):
    venv = make_venv(tmp_path / "venv")
    pip_install(ptinstall, mirror, venv, "--torch-backend", "cpu", "torch")
    keep = pip_install(ptinstall, mirror, venv, "--torch-backend", "cu128", "torch")
    assert builds(venv)["torch"][0] == "2.9.1+cpu"  # installed torch satisfies `torch`: kept, with the warning
    assert ("warning: torch 2.9.1+cpu is installed, but --torch-backend=cu128 selects cu128; to switch: ptinstall pip"
            " install --torch-backend=cu128 --reinstall-package torch torch") in keep.stderr.splitlines()
    up = pip_install(ptinstall, mirror, venv, "--torch-backend", "cu128", "-U", "torch")
    assert builds(venv)["torch"] == ["2.9.1+cu128", "12.8", None, None]
    assert " - torch==2.9.1+cpu" in up.stderr.splitlines()
    assert f" + torch==2.9.1+cu128 (from {mirror.url}/whl/cu128)" in up.stderr.splitlines()


def test_mixed_family_warning_and_pip_check(ptinstall, mirror, tmp_path):
    venv = make_venv(tmp_path / "venv")
    pip_install(ptinstall, mirror, venv, "--torch-backend", "cu128", "torch", "torchvision")
    ok = ptinstall("pip", "check", "--python", venv / "bin" / "python", check=None)
    assert ok.returncode == 0 and ok.stdout == "No broken requirements found.\n", ok
    # torchvision from another index beside it, --no-deps keeping torch: a mixed family.
    pip_install(ptinstall, mirror, venv, "--torch-backend", "cu126", "--no-deps", "--reinstall-package",
                "torchvision", "torchvision")
    assert installed(venv)["torchvision"] == "0.24.1+cu126" and installed(venv)["torch"] == "2.9.1+cu128"
    check = ptinstall("pip", "check", "--python", venv / "bin" / "python", check=None)
    assert check.returncode == 1
    assert check.stdout == ("torchvision 0.24.1+cu126 beside torch 2.9.1+cu128: a mixed PyTorch family (builds for"
                            " different backends); reinstall them from one backend\n"), check
    mirror.clear_log()
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "cu128", "torch", "torchvision")
    assert mirror.requests() == []
    assert warnings(r.stderr) == [
        "warning: torchvision 0.24.1+cu126 is installed, but --torch-backend=cu128 selects cu128; torchvision"
        " 0.24.1+cu126 beside torch 2.9.1+cu128 (a mixed PyTorch family); to switch: ptinstall pip install"
        " --torch-backend=cu128 --reinstall-package torchvision torchvision"], r.stderr
    pip_install(ptinstall, mirror, venv, "--torch-backend=cu128", "--reinstall-package", "torchvision", "torchvision")
    assert installed(venv)["torchvision"] == "0.24.1+cu128"
    assert ptinstall("pip", "check", "--python", venv / "bin" / "python", check=None).returncode == 0


def test_driver_from_the_environment_runs_no_nvidia_smi(ptinstall, mirror, tmp_path):
    """PTINSTALL_CUDA_DRIVER_VERSION is the escape from a wedged driver: nvidia-smi must not run behind it, and
    --no-torch-compute-check runs it neither."""
    machine = nvidia_host(tmp_path)
    machine.tool("nvidia-smi", f'echo "$*" >> "{machine.root.parent / "nvidia-smi.runs"}"; sleep 30')
    venv = make_venv(tmp_path / "venv")
    machine.vars["PTINSTALL_CUDA_DRIVER_VERSION"] = "580.65.06"
    pip_install(ptinstall, mirror, venv, "--torch-backend", "auto", "--dry-run", "torch", env=machine.env())
    assert smi_runs(machine) == []
    del machine.vars["PTINSTALL_CUDA_DRIVER_VERSION"]
    pip_install(ptinstall, mirror, venv, "--torch-backend", "auto", "--no-torch-compute-check", "--dry-run", "torch",
                env=machine.env())
    assert smi_runs(machine) == []
