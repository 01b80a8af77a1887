"""Every configuration of uv's PyTorch guide, end to end against a PyTorch-shaped mirror on 127.0.0.1
(tests/e2e/indexserver.py): plain PyPI, explicit per-accelerator indexes pinned with [tool.uv.sources],
marker-gated and extra-gated sources with conflicts, the pip interface forms (--index-url,
--extra-index-url, --torch-backend / UV_TORCH_BACKEND), config-file diagnostics, and the two real
projects of ../shared/data/real-locks resolved for each of their environments against a generated
mirror, with the torch builds compared to their uv.lock files.

Installs go into real venvs of /usr/bin/python3; the generated torch wheels answer
`torch.__version__`, `torch.version.cuda`, `.hip` and `.xpu` like the real ones."""
import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
import envtools  # noqa: E402
from envtools import PYTHON, make_venv  # noqa: E402
from indexserver import (CUDA_PINS, IndexServer, build_local_pypi, build_simple_index,  # noqa: E402
                         build_torch_mirror, nginx_binary, nvidia_wheel)

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

PY_TAG = "cp%d%d" % tuple(int(x) for x in subprocess.run(
    [PYTHON, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
    capture_output=True, text=True, check=True).stdout.split())
HOST_X86_LINUX = sys.platform == "linux" and os.uname().machine == "x86_64"
needs_x86_linux = pytest.mark.skipif(not HOST_X86_LINUX, reason="the mirror's GPU wheels are Linux x86_64 only")

LINUX = "x86_64-manylinux_2_28"
MACOS = "aarch64-apple-darwin"
WINDOWS = "x86_64-pc-windows-msvc"

VARIANTS = ("cpu", "cu118", "cu126", "cu128", "cu130", "rocm6.4", "xpu")
CUDA_OF = {"cu118": "11.8", "cu126": "12.6", "cu128": "12.8", "cu130": "13.0"}


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """One server for the module: /whl/<variant>/ (with Windows CPU wheels and cu118) and a local PyPI
    under /simple/ that also carries the nvidia-* pins of every CUDA variant (real PyPI has them all)."""
    root = tmp_path_factory.mktemp("pt-mirror")
    build_torch_mirror(root, variants=VARIANTS, pythons=(PY_TAG,),
                       extra_platforms={"cpu": ["win_amd64"], "cu128": ["win_amd64"]})
    extra_out = root / "_extra"
    extra = []
    for cuda in ("11.8", "12.6", "13.0"):
        pins = CUDA_PINS[cuda]
        extra += [nvidia_wheel(extra_out, n, v, pins=pins) for n, v in pins.items()]
    extra.append(wheelmaker.build_wheel(extra_out, "intel-cmplr-lib-rt", "2025.2.1",
                                        tags="py2.py3-none-manylinux_2_28_x86_64"))
    extra.append(wheelmaker.build_wheel(extra_out, "pillow", "11.3.0", requires_python=">=3.9"))
    build_local_pypi(root, pythons=(PY_TAG,), extra_wheels=extra)
    server = IndexServer(root)
    server.start()
    yield server
    server.stop()


def pypi(mirror) -> str:
    return mirror.url + "/simple/"


def whl(mirror, variant: str) -> str:
    return f"{mirror.url}/whl/{variant}"


def torch_info(venv: Path) -> dict:
    out = subprocess.run([str(venv / "bin" / "python"), "-c",
                          "import json, torch; print(json.dumps({'version': torch.__version__, "
                          "'cuda': torch.version.cuda, 'hip': torch.version.hip, 'xpu': torch.version.xpu}))"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def installed(venv: Path) -> dict:
    return {k.replace("_", "-"): v for k, v in envtools.installed(venv).items()}


def report(ptinstall, *args, cwd=None, env=None) -> dict:
    """`pip install --dry-run --report -`: {name: (version, url)}."""
    r = ptinstall("pip", "install", "--dry-run", "--report", "-", *args, cwd=cwd, env=env)
    assert r.returncode == 0, r
    data = json.loads(r.stdout)
    return {i["metadata"]["name"].lower().replace("_", "-"): (i["metadata"]["version"], i["download_info"]["url"])
            for i in data["install"]}


def write_project(path: Path, body: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "pyproject.toml").write_text(body)
    return path / "pyproject.toml"


def index_table(name: str, url: str, explicit: bool = True) -> str:
    return f'[[tool.uv.index]]\nname = "{name}"\nurl = "{url}"\n' + ("explicit = true\n" if explicit else "") + "\n"


# --- 1. plain torch from PyPI -----------------------------------------------------------------------

@needs_x86_linux
def test_plain_pypi_gives_the_cuda_build(ptinstall, mirror, tmp_path):
    venv = make_venv(tmp_path / "venv")
    ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", pypi(mirror),
              "torch", "torchvision", check=True)
    assert torch_info(venv) == {"version": "2.9.1", "cuda": "12.8", "hip": None, "xpu": None}
    inst = installed(venv)
    assert inst["torchvision"] == "0.24.1"
    assert inst["jinja2"] == "3.1.6"  # PyPI's; the PyTorch index has 3.1.4 only
    for name, version in CUDA_PINS["12.8"].items():
        assert inst[name] == version  # the pins win over the newer cublas/nvjitlink on PyPI
    assert inst["triton"] == "3.5.1"


# --- 2. and 3. an explicit index per accelerator, pinned with [tool.uv.sources] ----------------------

def pinned_project(mirror, variant: str, *, triton: str = "") -> str:
    deps = ["torch>=2.9", "torchvision", "jinja2"] + ([triton] if triton else [])
    sources = {"torch": variant, "torchvision": variant}
    if triton:
        sources[triton] = variant
    return ('[project]\nname = "app"\nversion = "1.0"\n'
            f"dependencies = {json.dumps(deps)}\n\n"
            "[tool.uv.sources]\n" + "".join(f'{p} = {{ index = "pytorch-{v}" }}\n' for p, v in sources.items())
            + "\n" + index_table(f"pytorch-{variant}", whl(mirror, variant)))


EXPECTED = {
    "cpu": {"cuda": None, "hip": None, "xpu": None},
    "cu118": {"cuda": "11.8", "hip": None, "xpu": None},
    "cu126": {"cuda": "12.6", "hip": None, "xpu": None},
    "cu128": {"cuda": "12.8", "hip": None, "xpu": None},
    "cu130": {"cuda": "13.0", "hip": None, "xpu": None},
    "rocm6.4": {"cuda": None, "hip": "6.4.43482", "xpu": None},
    "xpu": {"cuda": None, "hip": None, "xpu": "20250201"},
}
TRITON = {"rocm6.4": "pytorch-triton-rocm", "xpu": "pytorch-triton-xpu"}


@needs_x86_linux
@pytest.mark.parametrize("variant", VARIANTS)
def test_explicit_index_per_accelerator(ptinstall, mirror, tmp_path, variant):
    project = write_project(tmp_path / "proj", pinned_project(mirror, variant, triton=TRITON.get(variant, "")))
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--default-index", pypi(mirror),
                  "-r", project, "--report", tmp_path / "report.json")
    assert r.returncode == 0, r
    assert torch_info(venv) == {"version": f"2.9.1+{variant}", **EXPECTED[variant]}
    inst = installed(venv)
    assert inst["torchvision"] == f"0.24.1+{variant}"
    assert inst["jinja2"] == "3.1.6"
    urls = {i["metadata"]["name"].lower(): i["download_info"]["url"]
            for i in json.loads((tmp_path / "report.json").read_text())["install"]}
    assert urls["torch"].startswith(whl(mirror, variant) + "/")
    assert urls["jinja2"].startswith(mirror.url + "/packages/")  # the default index, not the torch one
    if variant in CUDA_OF:
        for name, version in CUDA_PINS[CUDA_OF[variant]].items():
            assert inst[name] == version
            assert urls[name].startswith(mirror.url + "/packages/"), (name, urls[name])  # nvidia-* from PyPI
        # triton is not pinned, and the pinned index is explicit: it comes from the default index
        assert inst["triton"] == "3.5.1" and urls["triton"].startswith(mirror.url + "/packages/")
    else:
        assert not [n for n in inst if n.startswith("nvidia-")]
        assert "triton" not in inst
    if variant in TRITON:
        t = TRITON[variant]
        assert urls[t].startswith(whl(mirror, variant) + "/")
        assert inst[t] == ("3.5.1" if variant.startswith("rocm") else "3.5.0")


def test_cpu_index_everywhere(ptinstall, mirror, tmp_path):
    """The CPU pins give CPU builds on every platform: +cpu on Linux and Windows, the unlabelled macOS
    wheel of the CPU index on macOS; jinja2 still from the default index."""
    project = write_project(tmp_path / "proj", pinned_project(mirror, "cpu").replace('"torchvision", ', ""))
    for platform, version in ((LINUX, "2.9.1+cpu"), ("aarch64-manylinux_2_28", "2.9.1+cpu"),
                              (WINDOWS, "2.9.1+cpu"), (MACOS, "2.9.1")):
        got = report(ptinstall, "--python", PYTHON, "--python-platform", platform, "--default-index",
                     pypi(mirror), "-r", project)
        assert got["torch"][0] == version, platform
        assert got["torch"][1].startswith(whl(mirror, "cpu") + "/"), platform
        assert got["jinja2"] == ("3.1.6", got["jinja2"][1]) and "/packages/" in got["jinja2"][1]
        assert not [n for n in got if n.startswith("nvidia-")]


def test_pin_beats_torch_backend_and_no_sources_drops_it(ptinstall, mirror, tmp_path):
    project = write_project(tmp_path / "proj", pinned_project(mirror, "cpu"))
    common = ("--python", PYTHON, "--python-platform", LINUX, "--default-index", pypi(mirror), "-r", project)
    got = report(ptinstall, *common, "--torch-backend", "cu126", "--torch-backend-index", mirror.url + "/whl")
    assert got["torch"][0] == "2.9.1+cpu"
    assert got["torchvision"][0] == "0.24.1+cpu"
    # The routing warning names only what the backend really routes: not the pinned torch/torchvision.
    r = ptinstall("pip", "install", "--dry-run", *common, "--torch-backend", "cu126", "--torch-backend-index",
                  mirror.url + "/whl", "triton")
    assert r.returncode == 0, r
    assert "warning: --torch-backend routes triton to" in r.stderr, r
    assert "routes torch" not in r.stderr and "torchvision" not in r.stderr.split("routes")[1].split("\n")[0]
    got = report(ptinstall, *common, "--no-sources")
    assert got["torch"][0] == "2.9.1"  # PyPI's
    got = report(ptinstall, *common, env={"UV_NO_SOURCES": "1"})
    assert got["torch"][0] == "2.9.1"


# --- 4. sources gated by markers --------------------------------------------------------------------

def marker_project(mirror) -> str:
    return ('[project]\nname = "app"\nversion = "1.0"\ndependencies = ["torch>=2.9"]\n\n'
            "[tool.uv.sources]\ntorch = [\n"
            '  { index = "pytorch-cpu", marker = "sys_platform != \'linux\'" },\n'
            '  { index = "pytorch-cu128", marker = "sys_platform == \'linux\'" },\n]\n\n'
            + index_table("pytorch-cpu", whl(mirror, "cpu")) + index_table("pytorch-cu128", whl(mirror, "cu128")))


def test_marker_gated_sources(ptinstall, mirror, tmp_path):
    project = write_project(tmp_path / "proj", marker_project(mirror))
    expect = {LINUX: ("2.9.1+cu128", "cu128"), MACOS: ("2.9.1", "cpu"), WINDOWS: ("2.9.1+cpu", "cpu")}
    for platform, (version, variant) in expect.items():
        got = report(ptinstall, "--python", PYTHON, "--python-platform", platform, "--default-index",
                     pypi(mirror), "-r", project)
        assert got["torch"][0] == version, platform
        assert got["torch"][1].startswith(whl(mirror, variant) + "/"), platform
        assert got["jinja2"][0] == "3.1.6"
        nvidia = sorted(n for n in got if n.startswith("nvidia-"))
        assert nvidia == (sorted(CUDA_PINS["12.8"]) if platform == LINUX else []), platform
    # The same through pip compile (a file for one target) and a real install on this machine.
    r = ptinstall("pip", "compile", "--python", PYTHON, "--python-platform", WINDOWS, "--default-index",
                  pypi(mirror), project, "--no-header", "--no-annotate", check=True)
    assert "torch==2.9.1+cpu" in r.stdout.splitlines()
    if HOST_X86_LINUX:
        venv = make_venv(tmp_path / "venv")
        ptinstall("pip", "install", "--python", venv / "bin" / "python", "--default-index", pypi(mirror),
                  "-r", project, check=True)
        assert torch_info(venv)["cuda"] == "12.8"


def test_marker_gated_sources_lock_universally(ptinstall, mirror, tmp_path):
    """--universal: one pylock.toml with torch from the cu128 index for Linux and from the cpu index
    elsewhere; each install target takes its own build without resolving."""
    import tomllib
    project = write_project(tmp_path / "proj", marker_project(mirror))
    lock = tmp_path / "pylock.toml"
    r = ptinstall("pip", "compile", "--python", PYTHON, "--universal", "--default-index", pypi(mirror), project,
                  "-o", lock, check=True)
    doc = tomllib.loads(lock.read_text())
    torch = {p["version"]: p for p in doc["packages"] if p["name"] == "torch"}
    assert torch["2.9.1+cu128"]["index"] == whl(mirror, "cu128")
    assert "sys_platform == \"linux\"" in torch["2.9.1+cu128"]["marker"]
    assert "darwin" not in torch["2.9.1+cu128"]["marker"] and "win32" not in torch["2.9.1+cu128"]["marker"]
    assert torch["2.9.1+cpu"]["index"] == whl(mirror, "cpu") and "win32" in torch["2.9.1+cpu"]["marker"]
    assert torch["2.9.1"]["index"] == whl(mirror, "cpu") and "darwin" in torch["2.9.1"]["marker"]
    # The markers of the forks, as short as the platforms resolved allow: the mirror has torch wheels
    # for this Python on Linux x86_64, macOS arm64 and Windows only, so the others are left out (said).
    assert {v: p["marker"] for v, p in torch.items()} == {"2.9.1+cu128": 'sys_platform == "linux"',
                                                          "2.9.1": 'sys_platform == "darwin"',
                                                          "2.9.1+cpu": 'sys_platform == "win32"'}
    assert "--universal: no resolution for x86_64-apple-darwin" in r.stderr
    nvidia = [p for p in doc["packages"] if p["name"].startswith("nvidia-")]
    assert nvidia and all(p["marker"] == 'sys_platform == "linux"' for p in nvidia)
    assert all(p.get("marker") is None for p in doc["packages"] if p["name"] in ("jinja2", "filelock", "sympy"))
    # requirements.txt output: the same entries, one line each with its marker.
    r = ptinstall("pip", "compile", "--python", PYTHON, "--universal", "--default-index", pypi(mirror), project,
                  "--no-header", "--no-annotate", check=True)
    lines = r.stdout.splitlines()
    assert 'torch==2.9.1+cu128 ; sys_platform == "linux"' in lines and 'torch==2.9.1 ; sys_platform == "darwin"' in lines
    assert 'torch==2.9.1+cpu ; sys_platform == "win32"' in lines and "jinja2==3.1.6" in lines
    # Installed per target: the report of a dry run names the build each target gets.
    for platform, version in ((LINUX, "2.9.1+cu128"), (MACOS, "2.9.1"), (WINDOWS, "2.9.1+cpu")):
        venv = tmp_path / f"venv-{platform}"
        if not venv.exists():
            make_venv(venv)
        got = report(ptinstall, "--python", venv / "bin" / "python", "--python-platform", platform, "-r", lock)
        assert got["torch"][0] == version, (platform, r.stderr)
    if HOST_X86_LINUX:
        venv = make_venv(tmp_path / "venv")
        ptinstall("pip", "sync", "--python", venv / "bin" / "python", lock, check=True)
        assert torch_info(venv)["cuda"] == "12.8"


# --- 5. optional dependencies with conflicting extras -------------------------------------------------

def extras_project(mirror) -> str:
    return ('[project]\nname = "app"\nversion = "1.0"\ndependencies = ["jinja2"]\n\n'
            '[project.optional-dependencies]\ncpu = ["torch>=2.9", "torchvision"]\ncu128 = ["torch>=2.9", "torchvision"]\n\n'
            '[tool.uv]\nconflicts = [[{ extra = "cpu" }, { extra = "cu128" }]]\n\n'
            "[tool.uv.sources]\n"
            'torch = [\n  { index = "pytorch-cpu", extra = "cpu" },\n  { index = "pytorch-cu128", extra = "cu128" },\n]\n'
            'torchvision = [\n  { index = "pytorch-cpu", extra = "cpu" },\n  { index = "pytorch-cu128", extra = "cu128" },\n]\n\n'
            + index_table("pytorch-cpu", whl(mirror, "cpu")) + index_table("pytorch-cu128", whl(mirror, "cu128")))


@needs_x86_linux
def test_extras_with_conflicts(ptinstall, mirror, tmp_path):
    project = write_project(tmp_path / "proj", extras_project(mirror))
    for extra, expect in (("cpu", EXPECTED["cpu"]), ("cu128", EXPECTED["cu128"])):
        venv = make_venv(tmp_path / f"venv-{extra}")
        ptinstall("pip", "install", "--python", venv / "bin" / "python", "--default-index", pypi(mirror),
                  "-r", project, "--extra", extra, check=True)
        assert torch_info(venv) == {"version": f"2.9.1+{extra}", **expect}
        inst = installed(venv)
        assert inst["torchvision"] == f"0.24.1+{extra}" and inst["jinja2"] == "3.1.6"
    # No extra: no torch at all.
    got = report(ptinstall, "--python", PYTHON, "--default-index", pypi(mirror), "-r", project)
    assert "torch" not in got and got["jinja2"][0] == "3.1.6"
    for args in (("--extra", "cpu", "--extra", "cu128"), ("--all-extras",)):
        r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--default-index", pypi(mirror),
                      "-r", project, *args)
        assert r.returncode != 0, r
        assert "extras `cpu` and `cu128` are declared as conflicting" in r.stderr, r
        assert str(project) in r.stderr
    r = ptinstall("pip", "compile", "--python", PYTHON, "--default-index", pypi(mirror), project,
                  "--extra", "cpu", "--extra", "cu128")
    assert r.returncode != 0 and "conflicting" in r.stderr, r


def test_extras_with_conflicts_lock_torch_twice(ptinstall, mirror, tmp_path):
    """One pylock.toml for both conflicting extras (what no other tool writes): torch and torchvision twice,
    from the cpu and the cu128 index under disjoint markers; an install with --extra picks its build."""
    import tomllib
    project = write_project(tmp_path / "proj", extras_project(mirror))
    lock = tmp_path / "pylock.toml"
    r = ptinstall("pip", "compile", "--python", PYTHON, "--python-platform", LINUX, "--default-index", pypi(mirror),
                  project, "--all-extras", "-o", lock, check=True)
    assert "(3 resolutions)" in r.stderr
    doc = tomllib.loads(lock.read_text())
    assert doc["extras"] == ["cpu", "cu128"] and doc["dependency-groups"] == []
    entries = {(p["name"], p["version"]): p for p in doc["packages"]}
    assert entries[("torch", "2.9.1+cpu")]["marker"] == '"cpu" in extras'
    assert entries[("torch", "2.9.1+cpu")]["index"] == whl(mirror, "cpu")
    assert entries[("torch", "2.9.1+cu128")]["marker"] == '"cu128" in extras'
    assert entries[("torch", "2.9.1+cu128")]["index"] == whl(mirror, "cu128")
    assert entries[("torchvision", "0.24.1+cu128")]["marker"] == '"cu128" in extras'
    assert "marker" not in entries[("jinja2", "3.1.6")]  # in every selection
    assert entries[("nvidia-cublas-cu12", CUDA_PINS["12.8"]["nvidia-cublas-cu12"])]["marker"] == '"cu128" in extras'
    if not HOST_X86_LINUX:
        return
    for extra in ("cpu", "cu128"):
        venv = make_venv(tmp_path / f"venv-{extra}")
        ptinstall("pip", "sync", "--python", venv / "bin" / "python", lock, "--extra", extra, check=True)
        assert torch_info(venv) == {"version": f"2.9.1+{extra}", **EXPECTED[extra]}
        assert installed(venv)["torchvision"] == f"0.24.1+{extra}"
    venv = make_venv(tmp_path / "venv-none")
    ptinstall("pip", "sync", "--python", venv / "bin" / "python", lock, check=True)
    assert "torch" not in installed(venv) and installed(venv)["jinja2"] == "3.1.6"
    r = ptinstall("pip", "sync", "--python", venv / "bin" / "python", lock, "--all-extras", check=False)
    assert "two entries for package `torch` apply" in r.stderr


# --- 6. the pip interface ----------------------------------------------------------------------------

def test_index_url_torch_index_alone(ptinstall, mirror, tmp_path):
    """--index-url <torch index>: everything from there, so jinja2 is the index's old copy."""
    got = report(ptinstall, "--python", PYTHON, "--python-platform", LINUX, "--index-url",
                 whl(mirror, "cpu") + "/", "torch")
    assert got["torch"][0] == "2.9.1+cpu"
    assert got["jinja2"] == ("3.1.4", got["jinja2"][1]) and got["jinja2"][1].startswith(mirror.url + "/whl/")
    if HOST_X86_LINUX:
        venv = make_venv(tmp_path / "venv")
        ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", whl(mirror, "cpu"),
                  "torch", check=True)
        assert torch_info(venv) == {"version": "2.9.1+cpu", **EXPECTED["cpu"]}
        assert installed(venv)["jinja2"] == "3.1.4"


def test_extra_index_url_first_index(ptinstall, mirror):
    """--extra-index-url <torch index> with first-index: the extra index is searched first, and every
    package it has (torch, jinja2, the nvidia wheels) comes from it; others from the default."""
    got = report(ptinstall, "--python", PYTHON, "--python-platform", LINUX, "--index-url", pypi(mirror),
                 "--extra-index-url", whl(mirror, "cu128") + "/", "torch", "optree")
    assert got["torch"][0] == "2.9.1+cu128" and got["torch"][1].startswith(whl(mirror, "cu128") + "/")
    assert got["jinja2"][0] == "3.1.4" and got["jinja2"][1].startswith(mirror.url + "/whl/")
    assert got["optree"][0] == "0.17.0" and got["optree"][1].startswith(mirror.url + "/packages/")
    # unsafe-best-match takes the newest over both
    got = report(ptinstall, "--python", PYTHON, "--python-platform", LINUX, "--index-url", pypi(mirror),
                 "--extra-index-url", whl(mirror, "cu128") + "/", "--index-strategy", "unsafe-best-match", "jinja2")
    assert got["jinja2"][0] == "3.1.6"


@pytest.mark.parametrize("how", ["flag", "UV_TORCH_BACKEND", "PTINSTALL_TORCH_BACKEND"])
def test_torch_backend_overrides_indexes(ptinstall, mirror, how):
    base = ("--python", PYTHON, "--python-platform", LINUX, "--torch-backend-index", mirror.url + "/whl")
    for backend, indexes in (("cu126", ("--index-url", pypi(mirror), "--extra-index-url", whl(mirror, "cu128") + "/")),
                             ("cpu", ("--index-url", whl(mirror, "cu130") + "/",
                                      "--extra-index-url", pypi(mirror))),
                             ("rocm6.4", ("--index-url", pypi(mirror)))):
        if how != "flag" and backend != "cpu":
            continue  # the variables take the flag's path; one case each is enough
        args = base + indexes + ("torch", "torchvision")
        env = None
        if how == "flag":
            args += ("--torch-backend", backend)
        else:
            env = {how: backend}
        got = report(ptinstall, *args, env=env)
        assert got["torch"][0] == f"2.9.1+{backend}", (backend, got["torch"])
        assert got["torch"][1].startswith(whl(mirror, backend) + "/")
        assert got["torchvision"][0] == f"0.24.1+{backend}"
    # The flag beats the environment.
    got = report(ptinstall, *base, "--index-url", pypi(mirror), "--torch-backend", "cpu", "torch",
                 env={"UV_TORCH_BACKEND": "cu128"})
    assert got["torch"][0] == "2.9.1+cpu"
    # Not routed: jinja2 keeps the default index.
    assert got["jinja2"][0] == "3.1.6"


@needs_x86_linux
def test_torch_backend_auto(ptinstall, mirror, tmp_path):
    """auto: a fake NVIDIA driver 580 gives the newest CUDA index the mirror has (cu132 and cu129 are
    not mirrored and answer 403); no GPU gives cpu. Installed for real, jinja2 from the default index."""
    empty = tmp_path / "sysroot"
    (empty / "sys").mkdir(parents=True)
    (empty / "proc").mkdir()
    nogpu = {"PTINSTALL_SYSFS_ROOT": str(empty), "PATH": "/usr/bin:/bin"}
    base = ("--index-url", pypi(mirror), "--torch-backend-index", mirror.url + "/whl")
    for env, variant in (({"UV_CUDA_DRIVER_VERSION": "580.65.06", "PTINSTALL_CUDA_COMPUTE_CAPABILITY": "8.6"},
                          "cu130"),
                         ({"PTINSTALL_CUDA_DRIVER_VERSION": "550.54.15", "PTINSTALL_CUDA_COMPUTE_CAPABILITY": "8.6"},
                          "cu128"),
                         ({"PTINSTALL_CUDA_DRIVER_VERSION": "550.54.15", "PTINSTALL_CUDA_COMPUTE_CAPABILITY": "6.1"},
                          "cu126"),
                         ({}, "cpu")):
        venv = make_venv(tmp_path / f"venv-{variant}")
        r = ptinstall("pip", "install", "--python", venv / "bin" / "python", *base, "torch",
                      env={**nogpu, **env, "UV_TORCH_BACKEND": "auto"})
        assert r.returncode == 0, r
        assert torch_info(venv) == {"version": f"2.9.1+{variant}", **EXPECTED[variant]}, env
        assert installed(venv)["jinja2"] == "3.1.6"
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, *base, "--torch-backend", "auto", "torch",
                  env={**nogpu, "PTINSTALL_CUDA_DRIVER_VERSION": "580.65.06",
                       "PTINSTALL_CUDA_COMPUTE_CAPABILITY": "9.0"})
    assert r.returncode == 0 and " + torch==2.9.1+cu130" in r.stderr, r
    # auto also overrides a PyTorch index given as --index-url / --extra-index-url
    for indexes in (("--index-url", whl(mirror, "cpu") + "/"),
                    ("--index-url", pypi(mirror), "--extra-index-url", whl(mirror, "cu126") + "/")):
        got = report(ptinstall, "--python", PYTHON, "--python-platform", LINUX, *indexes, "--torch-backend-index",
                     mirror.url + "/whl", "torch",
                     env={**nogpu, "UV_TORCH_BACKEND": "auto", "UV_CUDA_DRIVER_VERSION": "580.65.06",
                          "PTINSTALL_CUDA_COMPUTE_CAPABILITY": "9.0"})
        assert got["torch"][0] == "2.9.1+cu130", indexes


# --- config files: unknown keys and wrong types are errors with file:line; uv keys not implemented warn ---

def test_config_unknown_key_errors_and_wrong_type_errors(ptinstall, mirror, tmp_path):
    proj = tmp_path / "proj"
    project = write_project(proj, '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["jinja2"]\n\n'
                                  '[tool.uv]\nindex-strategy = "first-index"\nfancy-mode = true\n\n'
                                  '[tool.uv.pip]\nturbo = 1\n')
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--index-url", pypi(mirror), "-r", project,
                  cwd=proj)
    assert r.returncode == 2, r
    assert re.search(r"error: " + re.escape(str(project)) + r":\d+: unknown key `(turbo|fancy-mode)`", r.stderr), r

    # A uv setting ptinstall does not implement: a warning naming it, once, and the install goes on.
    project.write_text('[project]\nname = "app"\nversion = "1.0"\ndependencies = ["jinja2"]\n\n'
                       '[tool.uv]\nindex-strategy = "first-index"\npython-preference = "managed"\n')
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--index-url", pypi(mirror), "-r", project,
                  cwd=proj)
    assert r.returncode == 0, r
    assert r.stderr.count("warning: `python-preference` (" + str(project) + ":8) is a uv setting ptinstall does not "
                          "implement yet; ignored") == 1, r
    assert " + jinja2==3.1.6" in r.stderr

    project.write_text('[project]\nname = "app"\nversion = "1.0"\n\n[tool.uv]\n'
                       'index-strategy = "first-index"\nno-sources = "yes"\n')
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--index-url", pypi(mirror), "jinja2", cwd=proj)
    assert r.returncode != 0, r
    assert f"{project}:7" in r.stderr and "no-sources" in r.stderr, r

    uv_toml = tmp_path / "conf" / "uv.toml"
    uv_toml.parent.mkdir()
    uv_toml.write_text('[pip]\nextra-index-url = "not-a-list"\n')
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--config-file", uv_toml, "jinja2")
    assert r.returncode != 0 and f"{uv_toml}:2" in r.stderr, r
    uv_toml.write_text('torch-backend = "cpu"\nsparkle = "x"\n')
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--config-file", uv_toml, "--index-url",
                  pypi(mirror), "--torch-backend-index", mirror.url + "/whl", "--python-platform", LINUX, "torch")
    assert r.returncode == 2, r
    assert f"error: {uv_toml}:2: unknown key `sparkle` in the top level" in r.stderr, r
    uv_toml.write_text('torch-backend = "cpu"\n')
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--config-file", uv_toml, "--index-url",
                  pypi(mirror), "--torch-backend-index", mirror.url + "/whl", "--python-platform", LINUX, "torch")
    assert r.returncode == 0, r
    assert " + torch==2.9.1+cpu" in r.stderr  # the file's torch-backend is used

    # A [[tool.uv.index]] of the wrong type in a -r pyproject.toml: file and line.
    bad = write_project(tmp_path / "bad", '[project]\nname = "app"\nversion = "1.0"\n\n'
                                          '[[tool.uv.index]]\nname = "x"\nurl = 5\n')
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "-r", bad)
    assert r.returncode != 0 and f"{bad}:7" in r.stderr, r


def test_project_settings_and_default_index_table(ptinstall, mirror, tmp_path):
    """The [tool.uv] settings of the project file in the working directory apply (index-strategy,
    torch-backend), and a `default = true` index replaces PyPI."""
    proj = tmp_path / "proj"
    project = write_project(proj, '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["torch", "jinja2"]\n\n'
                                  '[tool.uv]\nindex-strategy = "unsafe-best-match"\n\n'
                                  '[tool.uv.pip]\ntorch-backend = "cu126"\n'
                                  f'torch-backend-index = "{mirror.url}/whl"\n\n'
                                  + index_table("mirror-pypi", pypi(mirror), explicit=False).replace(
                                      "\n\n", "\ndefault = true\n\n")
                                  + index_table("torchy", whl(mirror, "cu128") + "/", explicit=False))
    got = report(ptinstall, "--python", PYTHON, "--python-platform", LINUX, "-r", project, cwd=proj)
    assert got["torch"][0] == "2.9.1+cu126"
    assert got["jinja2"][0] == "3.1.6"  # best match over the torchy index's 3.1.4
    got = report(ptinstall, "--python", PYTHON, "--python-platform", LINUX, "-r", project, "--no-config")
    assert got["torch"][0] == "2.9.1+cu128"  # first-index and no routing: the named index first
    assert got["jinja2"][0] == "3.1.4"


# --- the real projects of ../shared/data/real-locks ---------------------------------------------------

REAL_LOCKS = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-locks"
REAL_PROJECTS = {  # file prefix: (extras to check; None = no extra)
    "nanochat": (None, "cpu", "gpu"),
    "ai-playground-comfyui-deps": (None, "cpu", "cuda", "xpu"),
}
REAL_PLATFORMS = {LINUX: {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64",
                          "os_name": "posix"},
                  MACOS: {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64",
                          "os_name": "posix"},
                  WINDOWS: {"sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64",
                            "os_name": "nt"}}
PYTORCH_ORG = "https://download.pytorch.org/whl"
TORCH_FAMILY = ("torch", "torchvision", "torchaudio", "triton-xpu")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _wheel_relevant(filename: str) -> bool:
    """Wheels a CPython 3.12 on Linux x86_64 (glibc), macOS arm64 or Windows x86_64 could use."""
    from packaging.utils import parse_wheel_filename
    _, _, _, tags = parse_wheel_filename(filename)
    for t in tags:
        py_ok = t.interpreter in ("py3", "py312", "cp312", "py2") or (t.abi == "abi3" and t.interpreter.startswith("cp3"))
        p = t.platform
        plat_ok = (p == "any" or p == "win_amd64" or (p.startswith("macosx") and ("arm64" in p or "universal" in p))
                   or ("x86_64" in p and "linux" in p and "musl" not in p))
        if py_ok and plat_ok:
            return True
    return False


@functools.lru_cache(maxsize=None)
def _marker_true(marker: str, platform: str, extra: str) -> bool:
    from packaging.markers import Marker
    env = dict(REAL_PLATFORMS[platform], python_version="3.12", python_full_version="3.12.3",
               implementation_name="cpython", platform_python_implementation="CPython", extra=extra)
    return Marker(marker).evaluate(env)


def _lock_requires(pkg: dict, conflict_extras: list) -> list:
    """Requires-Dist for a generated wheel: the lock's dependencies. A marker that names uv's conflict
    extras (`extra == 'extra-8-nanochat-cpu'`) only makes sense inside the lock: it is evaluated for
    each platform with each conflict extra (and none), and the dependency kept, without version, on
    the platforms where some fork needs it."""
    out = set()
    by_name = {}
    for dep in pkg.get("dependencies", []):
        name = dep["name"] + (f"[{','.join(sorted(dep['extra']))}]" if dep.get("extra") else "")
        marker = dep.get("marker", "")
        if "extra" not in marker:
            out.add(name + (f"; {marker}" if marker else ""))
            continue
        for platform, values in REAL_PLATFORMS.items():
            for extra in [""] + conflict_extras:
                if _marker_true(marker, platform, extra):
                    by_name.setdefault(name, set()).add(values["sys_platform"])
    for name, platforms in by_name.items():
        if any(d.split(";")[0] == name for d in out):
            continue
        if len(platforms) == len(REAL_PLATFORMS):
            out.add(name)
        else:
            out.add(name + "; " + " or ".join(f"sys_platform == '{p}'" for p in sorted(platforms)))
    for extra, deps in pkg.get("optional-dependencies", {}).items():
        for dep in deps:
            marker = dep.get("marker", "")
            cond = f"extra == '{extra}'" if not marker or "extra" in marker else f"({marker}) and extra == '{extra}'"
            out.add(dep["name"] + "; " + cond)
    return sorted(out)


def real_mirror_build(root: Path, lock: dict, by_index: dict):
    """Generated wheels for every package of the lock, with the filenames the lock lists (those a
    Python 3.12 on the three platforms could use, plus a py3-none-any one for sdist-only packages),
    each on the index the lock took it from: PyPI under /simple/, download.pytorch.org/whl/<v> under
    /whl/<v>/ (added to by_index: {index path: {filename: Wheel}}); wheels given by URL under /direct/.
    Returns {original url: local path} of the latter."""
    from urllib.parse import unquote
    direct = {}
    work = root / "_work"
    root_pkg = next(p for p in lock["package"] if "virtual" in p["source"] or "editable" in p["source"])
    conflict_extras = [f"extra-{len(root_pkg['name'])}-{root_pkg['name']}-{e}"
                       for e in root_pkg.get("optional-dependencies", {})]
    for pkg in lock["package"]:
        source = pkg["source"]
        if "virtual" in source or "editable" in source:
            continue
        files = [unquote(w["url"].rsplit("/", 1)[1]) for w in pkg.get("wheels", [])]
        kept = [f for f in files if _wheel_relevant(f)]
        if "url" in source:
            for f in kept:
                wheelmaker.build_wheel(root / "direct", pkg["name"], pkg["version"], tags="-".join(f[:-4].split("-")[-3:]),
                                       requires_dist=_lock_requires(pkg, conflict_extras))
                direct[source["url"]] = f"/direct/{f}"
            continue
        registry = source["registry"]
        key = "simple" if "pypi.org" in registry else "whl/" + registry.rstrip("/").rsplit("/", 1)[1]
        if pkg.get("sdist") and not any(f.endswith("-none-any.whl") for f in kept):
            kept.append(f"{pkg['name']}-{pkg['version']}-py3-none-any.whl")
        for f in kept:
            if f in by_index.setdefault(key, {}):
                continue
            parts = f[:-4].split("-")
            build = parts[2] if len(parts) == 6 else None
            by_index[key][f] = wheelmaker.build_wheel(work / key, pkg["name"], pkg["version"],
                                                      tags="-".join(parts[-3:]), build=build,
                                                      requires_dist=_lock_requires(pkg, conflict_extras),
                                                      provides_extra=list(pkg.get("optional-dependencies", {})))
    return direct


@pytest.fixture(scope="module")
def real_mirror(tmp_path_factory):
    if not REAL_LOCKS.is_dir():
        pytest.skip(f"{REAL_LOCKS} is absent")
    import tomllib
    root = tmp_path_factory.mktemp("real-mirror")
    locks, direct, by_index = {}, {}, {}
    for prefix in REAL_PROJECTS:
        locks[prefix] = tomllib.loads((REAL_LOCKS / f"{prefix}-uv.lock").read_text())
        direct.update(real_mirror_build(root, locks[prefix], by_index))
    for key, wheels in by_index.items():
        build_simple_index(root, wheels.values(), prefix=key, files_prefix="files/" + key.replace("/", "-"))
    shutil.rmtree(root / "_work", ignore_errors=True)
    server = IndexServer(root)
    server.start()
    yield server, locks, direct
    server.stop()


def lock_expectation(lock: dict, extra, platform: str) -> dict:
    """What the lock chose for the torch family in one environment: {name: (version, index url) or
    None when the lock has no wheel for that platform}."""
    from urllib.parse import unquote
    root = next(p for p in lock["package"] if "virtual" in p["source"] or "editable" in p["source"])
    name = root["name"]
    conflict = f"extra-{len(name)}-{name}-{extra}" if extra else ""
    entries = root.get("optional-dependencies", {}).get(extra, []) if extra else root.get("dependencies", [])
    if not any(e["name"] == "torch" for e in entries):  # torch only through other packages
        entries = [e for p in lock["package"] for e in p.get("dependencies", []) if e["name"] in TORCH_FAMILY]
    out = {}
    for e in entries:
        if e["name"] not in TORCH_FAMILY or "version" not in e and e["name"] != "triton-xpu":
            continue
        if e.get("marker") and not _marker_true(e["marker"], platform, conflict):
            continue
        if e["name"] in out:  # reached through several packages: the same build
            assert out[e["name"]] is None or out[e["name"]][0] == e["version"], (e, out[e["name"]])
            continue
        candidates = [p for p in lock["package"] if p["name"] == e["name"]
                      and ("version" not in e or p["version"] == e["version"])
                      and ("source" not in e or p["source"] == e["source"])]
        assert len(candidates) == 1, (e, candidates)
        pkg = candidates[0]
        files = [unquote(w["url"].rsplit("/", 1)[1]) for w in pkg.get("wheels", [])]
        tag = {LINUX: "x86_64", MACOS: "macosx", WINDOWS: "win_amd64"}[platform]
        usable = [f for f in files if tag in f and ("cp312" in f or "py3" in f)]
        out[e["name"]] = (pkg["version"], pkg["source"]["registry"]) if usable else None
    return out


REAL_CASES = [(prefix, extra, platform) for prefix, extras in REAL_PROJECTS.items() for extra in extras
              for platform in REAL_PLATFORMS]


@pytest.mark.parametrize("prefix,extra,platform", REAL_CASES,
                         ids=[f"{p}-{e or 'none'}-{pl.split('-')[-1]}" for p, e, pl in REAL_CASES])
def test_real_project_matches_lock(ptinstall, real_mirror, tmp_path, prefix, extra, platform):
    server, locks, direct = real_mirror
    expect = lock_expectation(locks[prefix], extra, platform)
    assert "torch" in expect
    text = (REAL_LOCKS / f"{prefix}-pyproject.toml").read_text()
    text = text.replace(PYTORCH_ORG, server.url + "/whl")
    for url, path in direct.items():
        text = text.replace(url, server.url + path)
    proj = tmp_path / "proj"
    project = write_project(proj, text)
    # As `uv lock` made the lock: without [tool.uv.pip] (torch-backend, which uv's project commands
    # ignore), with the resolver settings of [tool.uv] given on the command line.
    import tomllib
    tool = tomllib.loads(text).get("tool", {}).get("uv", {})
    settings = ["--no-config"]
    for key in ("index-strategy", "prerelease"):
        if key in tool:
            settings += [f"--{key}", tool[key]]
    selection = (["--extra", extra] if extra else [])
    args = ["pip", "compile", project, "--python", PYTHON, "--python-version", "3.12", "--python-platform", platform,
            "--default-index", server.url + "/simple/", "--no-header", "--no-annotate", *settings, *selection]
    # macOS 14: the torch 2.13 macOS wheels are macosx_14_0 (uv lock ignores the version; a pip-style
    # resolution for one machine needs it, as with uv)
    env = {"MACOSX_DEPLOYMENT_TARGET": "14.0"}
    r = ptinstall(*args, cwd=proj, env=env)
    if expect["torch"] is None:
        assert r.returncode != 0 and "torch" in r.stderr, r  # the lock has no wheel here either
        return
    assert r.returncode == 0, r
    pins = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if m:
            pins[_norm(m.group(1))] = m.group(2)
    for name, value in expect.items():
        if value is None:
            continue
        assert pins.get(name) == value[0], (name, value, pins.get(name))
    # Where each came from: the --report of a dry run names the file's URL.
    rep = report(ptinstall, "--python", PYTHON, "--python-version", "3.12", "--python-platform", platform,
                 "--default-index", server.url + "/simple/", "-r", project, *settings, *selection, cwd=proj, env=env)
    assert "--torch-backend routes" not in r.stderr  # every routed package is pinned by a source
    assert "unknown key" not in r.stderr  # the real files use uv's keys only
    for url, path in direct.items():  # url sources (insightface on macOS and Windows): name @ URL
        name = _norm(Path(path).name.split("-")[0])
        if not any(p["source"].get("url") == url for p in locks[prefix]["package"]) or name not in rep:
            continue  # another project's source
        tag = {LINUX: "linux", MACOS: "macosx", WINDOWS: "win_amd64"}[platform]
        assert (rep[name][1] == server.url + path) == (tag in path), (name, rep[name], path)
    for name, value in expect.items():
        if value is None:
            continue
        version, registry = value
        assert rep[name][0] == version
        if "pypi.org" in registry:
            assert rep[name][1].startswith(server.url + "/files/simple/"), (name, rep[name])
        else:
            variant = registry.rstrip("/").rsplit("/", 1)[1]
            assert rep[name][1].startswith(f"{server.url}/files/whl-{variant}/"), (name, rep[name])


# --- url and path sources, macOS deployment target ------------------------------------------------------

def test_url_and_path_sources_install_the_wheel(ptinstall, mirror, tmp_path):
    """[tool.uv.sources] url/path entries: the requirement becomes `name @ URL` when its marker holds."""
    wheels = tmp_path / "proj" / "wheels"
    local = wheelmaker.build_wheel(wheels, "localpkg", "0.3", packages={"localpkg/__init__.py": "WHERE = 'path'\n"})
    served = wheelmaker.build_wheel(mirror_root(mirror) / "direct-src", "remotepkg", "1.1",
                                    packages={"remotepkg/__init__.py": "WHERE = 'url'\n"})
    project = write_project(tmp_path / "proj", (
        '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["localpkg>=0.1", "remotepkg[extra]", "jinja2"]\n\n'
        "[tool.uv.sources]\n"
        f'localpkg = {{ path = "wheels/{local.filename}" }}\n'
        f'remotepkg = [{{ url = "{mirror.url}/direct-src/{served.filename}", marker = "sys_platform == \'linux\'" }}]\n'))
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", pypi(mirror), "-r", project,
                  "--report", tmp_path / "report.json")
    assert r.returncode == 0, r
    out = subprocess.run([str(venv / "bin" / "python"), "-c", "import localpkg, remotepkg; print(localpkg.WHERE, remotepkg.WHERE)"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["path", "url"]
    urls = {i["metadata"]["name"]: i["download_info"]["url"]
            for i in json.loads((tmp_path / "report.json").read_text())["install"]}
    assert urls["localpkg"].startswith("file://") and urls["localpkg"].endswith(local.filename)
    assert urls["remotepkg"] == f"{mirror.url}/direct-src/{served.filename}"
    direct = list(venv.glob("lib/python*/site-packages/remotepkg-1.1.dist-info/direct_url.json"))
    assert direct and json.loads(direct[0].read_text())["url"] == urls["remotepkg"]
    # compile writes them as name @ URL; on Windows the url source does not apply (no such package
    # on the index: the error names it)
    r = ptinstall("pip", "compile", "--python", PYTHON, "--index-url", pypi(mirror), project, "--no-header",
                  "--no-annotate", check=True)
    assert f"remotepkg @ {mirror.url}/direct-src/{served.filename}" in r.stdout.splitlines()
    r = ptinstall("pip", "compile", "--python", PYTHON, "--python-platform", WINDOWS, "--index-url", pypi(mirror),
                  project)
    assert r.returncode != 0 and "remotepkg" in r.stderr, r
    # --no-sources: both from the index, where they do not exist
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--index-url", pypi(mirror), "-r", project,
                  "--no-sources")
    assert r.returncode != 0 and "localpkg" in r.stderr, r
    # a source tree is built (an empty one fails to build, naming the package); with --no-build it is
    # refused by the one rule on building, naming the package and the line
    (tmp_path / "proj" / "tree").mkdir()
    project.write_text(project.read_text().replace(f"wheels/{local.filename}", "tree"))
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--index-url", pypi(mirror), "-r", project)
    assert r.returncode != 0 and "localpkg" in r.stderr, r
    r = ptinstall("pip", "install", "--dry-run", "--no-build", "--python", PYTHON, "--index-url", pypi(mirror), "-r", project)
    assert r.returncode != 0 and "`localpkg` from " in r.stderr and f"{project}:" in r.stderr, r
    assert "is a source distribution" in r.stderr and "hint: --only-binary forbids building localpkg" in r.stderr, r


def mirror_root(server) -> Path:
    return Path(server.root)


def test_macosx_deployment_target(ptinstall, mirror, tmp_path):
    """A macOS target is macOS 13.0 unless MACOSX_DEPLOYMENT_TARGET says otherwise (uv's rule)."""
    out = mirror_root(mirror) / "macos-only"
    w = wheelmaker.build_wheel(out, "newmac", "1.0", tags="py3-none-macosx_14_0_arm64")
    build_simple_index(mirror_root(mirror), [w], prefix="macos-only/simple", files_prefix="macos-only/files")
    index = mirror.url + "/macos-only/simple/"
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--python-platform", MACOS, "--index-url",
                  index, "newmac")
    assert r.returncode != 0 and "no wheel with a supported platform tag" in r.stderr, r
    got = report(ptinstall, "--python", PYTHON, "--python-platform", MACOS, "--index-url", index, "newmac",
                 env={"MACOSX_DEPLOYMENT_TARGET": "14.0"})
    assert got["newmac"][0] == "1.0"
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--python-platform", MACOS, "--index-url",
                  index, "newmac", env={"MACOSX_DEPLOYMENT_TARGET": "fourteen"})
    assert r.returncode == 2 and "MACOSX_DEPLOYMENT_TARGET" in r.stderr, r
    # Not a macOS target: ignored.
    r = ptinstall("pip", "install", "--dry-run", "--python", PYTHON, "--python-platform", LINUX, "--index-url",
                  index, "newmac", env={"MACOSX_DEPLOYMENT_TARGET": "fourteen"})
    assert "MACOSX_DEPLOYMENT_TARGET" not in r.stderr, r


def test_index_flag_redefines_a_project_index(ptinstall, mirror, tmp_path):
    """--index NAME=URL (or UV_INDEX) given for a name the project defines replaces its URL, and the
    pins follow: the guide's pyproject.toml pointed at a mirror without editing it."""
    text = pinned_project(mirror, "cu128").replace(whl(mirror, "cu128"), "https://download.pytorch.org/whl/cu128")
    project = write_project(tmp_path / "proj", text)
    base = ("--python", PYTHON, "--python-platform", LINUX, "--default-index", pypi(mirror), "-r", project)
    got = report(ptinstall, *base, "--index", f"pytorch-cu128={whl(mirror, 'cu128')}")
    assert got["torch"][0] == "2.9.1+cu128" and got["torch"][1].startswith(whl(mirror, "cu128") + "/")
    # A --index definition is not explicit (as in uv): searched first for every package, so jinja2
    # comes from the PyTorch index under first-index.
    assert got["jinja2"][0] == "3.1.4"
    got = report(ptinstall, *base, env={"UV_INDEX": f"pytorch-cu128={whl(mirror, 'cu126')}"})
    assert got["torch"][0] == "2.9.1+cu126"  # whatever the name points at
    got = report(ptinstall, *base, "--index", f"pytorch-cu128={whl(mirror, 'cpu')}",
                 env={"UV_INDEX": f"pytorch-cu128={whl(mirror, 'cu126')}"})
    assert got["torch"][0] == "2.9.1+cpu"  # the command line beats the environment


def test_real_project_pip_settings_route_torch(ptinstall, real_mirror, tmp_path):
    """The same project resolved with its own configuration, as `uv pip compile` would: the
    [tool.uv.pip] torch-backend = "xpu" routes the PyTorch packages no source pins: with no extra,
    the transitive torch comes from the xpu index instead of the lock's PyPI build."""
    server, locks, direct = real_mirror
    prefix = "ai-playground-comfyui-deps"
    text = (REAL_LOCKS / f"{prefix}-pyproject.toml").read_text()
    if 'torch-backend = "xpu"' not in text:
        pytest.skip("the file no longer sets torch-backend")
    text = text.replace(PYTORCH_ORG, server.url + "/whl")
    proj = tmp_path / "proj"
    project = write_project(proj, text)
    got = report(ptinstall, "--python", PYTHON, "--python-version", "3.12", "--python-platform", LINUX,
                 "--default-index", server.url + "/simple/", "--torch-backend-index", server.url + "/whl",
                 "-r", project, cwd=proj)
    assert got["torch"][0].endswith("+xpu") and got["torch"][1].startswith(server.url + "/files/whl-xpu/")
    assert lock_expectation(locks[prefix], None, LINUX)["torch"][1].startswith("https://pypi.org")
    # --no-config drops it: the lock's build again
    got = report(ptinstall, "--python", PYTHON, "--python-version", "3.12", "--python-platform", LINUX,
                 "--default-index", server.url + "/simple/", "--no-config", "--index-strategy", "unsafe-best-match",
                 "-r", project, cwd=proj)
    assert got["torch"] == (lock_expectation(locks[prefix], None, LINUX)["torch"][0], got["torch"][1])
    assert got["torch"][1].startswith(server.url + "/files/simple/")
