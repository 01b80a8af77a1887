"""`pip install --torch-backend` end to end (issue 5): torch, torchvision and torchaudio installed into real
venvs for every explicit backend of the local mirror and for `auto` on simulated machines (driver variables,
a fake /sys and /proc tree through PTINSTALL_SYSFS_ROOT, fake nvidia-smi / rocm_agent_enumerator on PATH,
Intel display devices, macOS and Windows targets), then `import torch` tells which build arrived.

Also: the CUDA consistency rule on a mirror whose newest index lacks torchvision, that routed packages never
take jinja2/numpy/pillow from the PyTorch index, a [tool.uv.sources] pin beating the torch list, the mirror
option from the CLI and both variables, the test/nightly channels, precedence CLI > env > config, unknown
values, the summary and --report naming the index, and compute-capability skipping (GTX 1080 Ti).

One module-scoped server holds a small PyTorch-shaped mirror (HTML only, root-relative `%2B` hrefs,
data-core-metadata, 403 for unknown projects, old copies of jinja2/numpy/pillow/filelock under /whl/) and a
local "PyPI" under /simple/ with plain torch and newer copies of the common packages. Wheels are tiny and
built for this interpreter only."""
import hashlib
import html
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import PYTHON, make_venv, installed  # noqa: E402
from indexserver import (CUDA_PINS, IndexServer, build_simple_index, free_port, nginx_binary,  # noqa: E402
                         nvidia_wheel, torch_requires)
from fakehost import nvidia_smi_script  # noqa: E402

PY_TAG = "cp%d%d" % tuple(int(x) for x in subprocess.run(
    [PYTHON, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
    capture_output=True, text=True, check=True).stdout.split())

pytestmark = [
    pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed"),
    pytest.mark.skipif(not (sys.platform == "linux" and os.uname().machine == "x86_64"),
                       reason="the mirror's Linux wheels are x86_64 only"),
]

LINUX = "manylinux_2_28_x86_64"
VARIANTS = ("cpu", "cu126", "cu128", "cu130", "rocm6.4", "xpu")
CUDA = {"cu126": "12.6", "cu128": "12.8", "cu130": "13.0"}
HIP = {"rocm6.4": "6.4.43482"}
XPU = {"xpu": "20250201"}
COMMON = ("jinja2", "markupsafe", "numpy", "pillow", "filelock", "sympy", "mpmath", "networkx", "fsspec", "typing")


# --- the mirror ------------------------------------------------------------------------------------

def family(out, variant, *, torch="2.9.1", vision="0.24.1", audio="2.9.1", plats=(LINUX,), label=True,
           packages=("torch", "torchvision", "torchaudio")):
    """torch/torchvision/torchaudio wheels of one variant. torch carries torch 2.9.1's real Requires-Dist for
    the variant (indexserver.torch_requires: the nvidia-* pins of its CUDA version, triton, ...; None = PyPI's,
    CUDA 12.8 gated by Linux x86_64). torchvision and torchaudio ask for `torch==X` without a local label, so
    only the CUDA consistency rule keeps them on torch's index."""
    local = f"+{variant}" if label and variant else ""
    cuda, hip, xpu = CUDA.get(variant), HIP.get(variant), XPU.get(variant)
    torch_deps = torch_requires(variant)
    wheels = []
    for plat in plats:
        tags = f"{PY_TAG}-{PY_TAG}-{plat}" if not plat.startswith("macosx") else f"{PY_TAG}-none-{plat}"
        kw = dict(tags=tags, cuda=cuda, hip=hip, xpu=xpu)
        if "torch" in packages:
            wheels.append(wheelmaker.torch_wheel(out, torch + local, requires_dist=torch_deps, **kw))
        if "torchvision" in packages:
            wheels.append(wheelmaker.torch_wheel(out, vision + local, name="torchvision", provides_extra=(),
                                                 requires_dist=["numpy", f"torch=={torch}", "pillow!=8.3.*,>=5.3.0"],
                                                 **kw))
        if "torchaudio" in packages:
            wheels.append(wheelmaker.torch_wheel(out, audio + local, name="torchaudio", provides_extra=(),
                                                 requires_dist=[f"torch=={torch}"], **kw))
    return wheels


def tritons(out, variant):
    name, version = ("triton", "3.5.1") if variant.startswith("cu") else \
        ("pytorch-triton-rocm", "3.5.1") if variant.startswith("rocm") else \
        ("pytorch-triton-xpu", "3.5.0") if variant == "xpu" else (None, None)
    if not name:
        return []
    return [wheelmaker.build_wheel(out, name, version, tags=f"{PY_TAG}-{PY_TAG}-{LINUX}",
                                   packages={f"{name.replace('-', '_')}/__init__.py": f"__version__ = {version!r}\n"})]


def old_common(out):
    """The old copies the PyTorch index hosts beside torch."""
    return [wheelmaker.build_wheel(out, "Jinja2", "3.1.4", dist_name="Jinja2", requires_dist=["MarkupSafe>=2.0"]),
            wheelmaker.build_wheel(out, "MarkupSafe", "2.1.5", dist_name="MarkupSafe"),
            wheelmaker.build_wheel(out, "numpy", "2.1.2"),
            wheelmaker.build_wheel(out, "pillow", "11.0.0"),
            wheelmaker.build_wheel(out, "filelock", "3.9.0"),
            wheelmaker.build_wheel(out, "typing_extensions", "4.12.2"),
            wheelmaker.build_wheel(out, "sympy", "1.13.3", requires_dist=["mpmath<1.4,>=1.1.0"]),
            wheelmaker.build_wheel(out, "mpmath", "1.2.1"),
            wheelmaker.build_wheel(out, "networkx", "3.3"),
            wheelmaker.build_wheel(out, "fsspec", "2024.6.1")]


def pypi_wheels(out):
    """The local PyPI: plain torch/torchvision/torchaudio (CUDA 12.8 like the real one), newer copies of the
    common packages, and the nvidia-* wheels every CUDA variant pins (plus a newer cublas, so pins matter)."""
    ws = family(out, None, plats=(LINUX, "macosx_11_0_arm64", "win_amd64"))
    ws += [wheelmaker.build_wheel(out, "jinja2", "3.1.6", requires_dist=["MarkupSafe>=2.0"]),
           wheelmaker.build_wheel(out, "markupsafe", "3.0.2"),
           wheelmaker.build_wheel(out, "numpy", "2.2.6"),
           wheelmaker.build_wheel(out, "pillow", "11.3.0"),
           wheelmaker.build_wheel(out, "filelock", "3.20.0"),
           wheelmaker.build_wheel(out, "typing-extensions", "4.15.0"),
           wheelmaker.build_wheel(out, "triton", "3.5.1", tags=f"{PY_TAG}-{PY_TAG}-{LINUX}"),
           wheelmaker.build_wheel(out, "intel-cmplr-lib-rt", "2025.2.1", tags=f"py3-none-{LINUX}"),
           wheelmaker.build_wheel(out, "sympy", "1.14.0", requires_dist=["mpmath<1.4,>=1.1.0"]),
           wheelmaker.build_wheel(out, "mpmath", "1.3.0"),
           wheelmaker.build_wheel(out, "networkx", "3.4.2", requires_python=">=3.10"),
           wheelmaker.build_wheel(out, "networkx", "3.5", requires_python=">=3.11"),
           wheelmaker.build_wheel(out, "fsspec", "2025.9.0"),
           wheelmaker.build_wheel(out, "setuptools", "80.9.0")]
    seen = set()
    for cuda in ("12.6", "12.8", "13.0"):
        for n, v in CUDA_PINS[cuda].items():
            if (n, v) not in seen:
                seen.add((n, v))
                ws.append(nvidia_wheel(out, n, v, pins=CUDA_PINS[cuda]))
    ws.append(nvidia_wheel(out, "nvidia-cublas-cu12", "12.9.1.4", pins=CUDA_PINS["12.8"]))
    return ws


def torch_pages(root: Path, rel_dir: str, own, shared_entries):
    """One PyTorch-shaped index at /<rel_dir>/: HTML only, root-relative hrefs with %2B, sha256 fragments,
    data-core-metadata and data-dist-info-metadata, the trailing TIMESTAMP comment. shared_entries are
    files under /whl/ that every index lists (the real index does this for its common packages)."""
    entries = list(shared_entries)
    for w in own:
        dest = root / rel_dir / w.filename
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(w.path, dest)
        dest.with_name(dest.name + ".metadata").write_bytes(w.metadata)
        entries.append((w, f"/{rel_dir}/{quote(w.filename)}"))
    projects = {}
    for w, href in entries:
        msha = hashlib.sha256(w.metadata).hexdigest()
        project = wheelmaker.normalize_name(w.filename.split("-")[0])
        projects.setdefault(project, []).append(
            f'<a href="{href}#sha256={w.sha256}" data-dist-info-metadata="sha256={msha}" '
            f'data-core-metadata="sha256={msha}">{html.escape(w.filename)}</a><br/>')
    tail = "\n  </body>\n</html>\n<!--TIMESTAMP 1769154073-->"
    for project, anchors in projects.items():
        (root / rel_dir / project).mkdir(parents=True, exist_ok=True)
        (root / rel_dir / project / "index.html").write_text(
            f"<!DOCTYPE html>\n<html>\n  <body>\n    <h1>Links for {project}</h1>\n    "
            + "\n    ".join(sorted(anchors)) + tail)
    (root / rel_dir).mkdir(parents=True, exist_ok=True)
    (root / rel_dir / "index.html").write_text(
        "<!DOCTYPE html>\n<html>\n  <body>\n    "
        + "\n    ".join(f'<a href="/{rel_dir}/{p}/">{p}</a><br/>' for p in sorted(projects)) + tail)


def shared_files(root: Path, out: Path):
    entries = []
    for w in old_common(out):
        dest = root / "whl" / w.filename
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(w.path, dest)
        dest.with_name(dest.name + ".metadata").write_bytes(w.metadata)
        entries.append((w, f"/whl/{quote(w.filename)}"))
    return entries


def serve(root: Path) -> IndexServer:
    # nginx answers 403 for anything missing, as download.pytorch.org (S3) does for unknown projects.
    server = IndexServer(root)
    server.start()
    return server


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """/whl/<variant>/ for cpu cu126 cu128 cu130 rocm6.4 xpu (cpu also has macOS wheels without a label and
    Windows ones; cu126 and cu128 Windows ones), /whl/test/cu128/ (2.10.0) and /whl/nightly/cu128/
    (2.11.0.dev), and the local PyPI under /simple/."""
    root = tmp_path_factory.mktemp("torch5-mirror")
    out = root / "_build"
    shared = shared_files(root, out / "shared")
    for v in VARIANTS:
        plats = [LINUX] + (["win_amd64"] if v in ("cpu", "cu126", "cu128") else [])
        own = family(out / v, v, plats=plats) + tritons(out / v, v)
        if v == "cpu":
            own += family(out / "cpu-mac", "cpu", plats=("macosx_11_0_arm64",), label=False)
        torch_pages(root, f"whl/{v}", own, shared)
    torch_pages(root, "whl/test/cu128", family(out / "test", "cu128", torch="2.10.0", vision="0.25.0",
                                               audio="2.10.0") + tritons(out / "test", "cu128"), shared)
    torch_pages(root, "whl/nightly/cu128",
                family(out / "nightly", "cu128", torch="2.11.0.dev20260115", vision="0.26.0.dev20260115",
                       audio="2.11.0.dev20260115") + tritons(out / "nightly", "cu128"), shared)
    build_simple_index(root, pypi_wheels(out / "pypi"), files_prefix="packages")
    shutil.rmtree(out)
    server = serve(root)
    yield server
    server.stop()


# --- helpers -------------------------------------------------------------------------------------------

def builds(venv: Path) -> dict:
    """What `import torch` (and torchvision, torchaudio) says in the venv."""
    code = ("import json, importlib\nres = {}\n"
            "for m in ('torch', 'torchvision', 'torchaudio'):\n"
            "    try:\n        mod = importlib.import_module(m)\n    except ImportError:\n        continue\n"
            "    v = importlib.import_module(m + '.version')\n"
            "    res[m] = [mod.__version__, v.cuda, v.hip, v.xpu]\n"
            "print(json.dumps(res))")
    out = subprocess.run([str(venv / "bin" / "python"), "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def expected_build(variant, torch="2.9.1", vision="0.24.1", audio="2.9.1"):
    info = [CUDA.get(variant), HIP.get(variant), XPU.get(variant)]
    return {"torch": [f"{torch}+{variant}"] + info, "torchvision": [f"{vision}+{variant}"] + info,
            "torchaudio": [f"{audio}+{variant}"] + info}



class Machine:
    """A simulated machine: root/ stands for / (sys, proc) through PTINSTALL_SYSFS_ROOT, bin/ is the whole
    PATH (so the host's own GPU tools and driver files are never seen)."""

    def __init__(self, base: Path):
        self.root = base / "machine-root"
        self.bin = base / "machine-bin"
        self.root.mkdir()
        self.bin.mkdir()
        self.vars = {}

    def file(self, rel, content):
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)

    def tool(self, name, body):
        p = self.bin / name
        p.write_text("#!/bin/sh\n" + body + "\n")
        p.chmod(p.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

    def nvidia_smi(self, driver_lines, cap_lines=""):
        self.tool("nvidia-smi", nvidia_smi_script(driver_lines, cap_lines, 0, self.root.parent / "nvidia-smi.runs"))

    def pci(self, slot, cls, vendor):
        self.file(f"sys/bus/pci/devices/{slot}/class", cls + "\n")
        self.file(f"sys/bus/pci/devices/{slot}/vendor", vendor + "\n")

    def env(self, **extra):
        e = {"PATH": str(self.bin), "PTINSTALL_SYSFS_ROOT": str(self.root)}
        e.update(self.vars)
        e.update(extra)
        return e


def pip_install(ptinstall, mirror, venv, *args, env=None, check=True, cwd=None, base=True):
    extra = ("--torch-backend-index", mirror.url + "/whl") if base else ()
    return ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url",
                     mirror.index_url("/simple/"), *extra, *args, env=env, check=check, cwd=cwd)


def whl_paths(server, since=0):
    return [q.path for q in server.requests()[since:] if q.path.startswith("/whl/")]


def report_urls(report: dict) -> dict:
    return {i["metadata"]["name"].lower(): i["download_info"]["url"] for i in report["install"]}


# --- every explicit backend -------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", VARIANTS)
def test_explicit_backend_installs_its_build(ptinstall, mirror, tmp_path, variant):
    venv = make_venv(tmp_path / "venv")
    mirror.clear_log()
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", variant, "--report", tmp_path / "report.json",
                    "torch", "torchvision", "torchaudio", "jinja2", "numpy")
    assert builds(venv) == expected_build(variant)
    have = installed(venv)
    # Everything that is not routed came from the plain index, never the old copies on the PyTorch index.
    assert (have["jinja2"], have["markupsafe"], have["numpy"], have["pillow"], have["filelock"],
            have["typing-extensions"]) == ("3.1.6", "3.0.2", "2.2.6", "11.3.0", "3.20.0", "4.15.0")
    assert not [p for p in whl_paths(mirror) if any(f"/{n}" in p.lower() for n in COMMON)]
    # Exactly one PyTorch index was asked: the explicit backend's.
    assert {p.split("/")[2] for p in whl_paths(mirror)} == {variant}
    report = json.loads((tmp_path / "report.json").read_text())
    urls = report_urls(report)
    index = f"{mirror.url}/whl/{variant}"
    items = {i["metadata"]["name"].lower(): i for i in report["install"]}
    for name in ("torch", "torchvision", "torchaudio"):
        assert urls[name].startswith(index + "/"), urls
        assert items[name]["index_url"].rstrip("/") == index
    assert items["torch"]["metadata"]["version"] == f"2.9.1+{variant}"
    assert items["jinja2"]["index_url"].rstrip("/") == mirror.url + "/simple"
    assert urls["jinja2"].startswith(mirror.url + "/packages/")
    triton = {"cu126": "triton", "cu128": "triton", "cu130": "triton", "rocm6.4": "pytorch-triton-rocm",
              "xpu": "pytorch-triton-xpu"}.get(variant)
    if triton:
        assert urls[triton].startswith(index + "/"), urls  # routed: the PyTorch index's copy, not PyPI's
    if variant in CUDA:
        pins = CUDA_PINS[CUDA[variant]]  # torch's real Requires-Dist for this CUDA version, all from the plain index
        assert {n: have.get(n) for n in pins} == pins
        assert all(urls[n].startswith(mirror.url + "/packages/") for n in pins)  # nvidia-*: not routed
    else:
        assert not [n for n in have if n.startswith("nvidia-")]
    assert (have["sympy"], have["mpmath"], have["fsspec"]) == ("1.14.0", "1.3.0", "2025.9.0")
    # The summary names the full version and the index it came from.
    assert f" + torch==2.9.1+{variant} (from {index})" in r.stderr.splitlines(), r.stderr
    assert " + jinja2==3.1.6" in r.stderr.splitlines()


# --- auto on simulated machines ---------------------------------------------------------------------------

def _env_driver(version, var="PTINSTALL_CUDA_DRIVER_VERSION"):
    return lambda m: m.vars.update({var: version})


def _sys_driver(version):
    return lambda m: m.file("sys/module/nvidia/version", version + "\n")


def _proc_driver(version):
    return lambda m: m.file("proc/driver/nvidia/version",
                            f"NVRM version: NVIDIA UNIX x86_64 Kernel Module  {version}  Release Build  "
                            "(dvs-builder@U16-I3-B03-4-3)  Thu Jul 31 19:48:01 UTC 2025\nGCC version:  gcc 12\n")


def _smi(drivers, caps):
    return lambda m: m.nvidia_smi(drivers, caps)


def _amd(lines):
    return lambda m: m.tool("rocm_agent_enumerator", f"printf '{lines}'")


def _intel(m):
    m.pci("0000:00:02.0", "0x030000", "0x8086")   # Intel display controller (an iGPU counts, as in uv)
    m.pci("0000:00:1f.3", "0x040300", "0x8086")   # Intel audio: not a display device


# (id, machine setup, expected variant, expected first index of `torch-backend --json`). The mirror lacks
# cu132, cu129, cu118 and the ROCm 7 indexes (403), so auto falls through them in list order.
MACHINES = [
    ("driver-var-525.60.13-linux-boundary", _env_driver("525.60.13"), "cu128", "cu129"),
    ("driver-var-525.60.12-below-boundary", _env_driver("525.60.12"), "cpu", "cu118"),
    ("uv-driver-var-580", _env_driver("580", "UV_CUDA_DRIVER_VERSION"), "cu130", "cu132"),
    ("sysfs-579.99-just-below-580", _sys_driver("579.99"), "cu128", "cu129"),
    ("sysfs-580.65.06", _sys_driver("580.65.06"), "cu130", "cu132"),
    ("proc-580.95.05", _proc_driver("580.95.05"), "cu130", "cu132"),
    ("nvidia-smi-multi-gpu", _smi("570.172.08\\n570.172.08\\n570.172.08\\n570.172.08\\n", "9.0\\n9.0\\n8.9\\n9.0\\n"),
     "cu128", "cu129"),
    ("amd-gfx1100-enumerator", _amd("gfx000\\ngfx1100\\ngfx1100\\n"), "rocm6.4", "rocm7.2"),
    ("amd-oldest-of-two", _amd("gfx1201\\ngfx90a\\n"), "rocm6.4", "rocm7.2"),
    ("amd-gfx1151-no-mirror-build", _amd("gfx1151\\n"), "cpu", "rocm7.2"),
    ("amd-var", lambda m: m.vars.update({"PTINSTALL_AMD_GPU_ARCHITECTURE": "gfx942"}), "rocm6.4", "rocm7.2"),
    ("intel-display", _intel, "xpu", "xpu"),
    ("nvidia-beats-amd-and-intel", lambda m: (_sys_driver("550.54.15")(m), _amd("gfx1100\\n")(m), _intel(m)),
     "cu128", "cu129"),
    ("nothing", lambda m: None, "cpu", "cpu"),
]


@pytest.mark.parametrize("setup,variant,first", [m[1:] for m in MACHINES], ids=[m[0] for m in MACHINES])
def test_auto_on_simulated_machines(ptinstall, mirror, tmp_path, setup, variant, first):
    machine = Machine(tmp_path)
    setup(machine)
    doc = json.loads(ptinstall("torch-backend", "--json", "--target-os", "linux", "--torch-backend-index",
                               mirror.url + "/whl", env=machine.env(), check=True).stdout)
    assert doc["indexes"][0]["backend"] == first
    assert doc["indexes"][0]["url"] == f"{mirror.url}/whl/{first}"
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "auto", "--python-platform", "x86_64-manylinux_2_28",
                    "torch", "torchvision", "torchaudio", env=machine.env())
    assert builds(venv) == expected_build(variant), r.stderr
    assert f" + torch==2.9.1+{variant} (from {mirror.url}/whl/{variant})" in r.stderr.splitlines()
    assert installed(venv)["numpy"] == "2.2.6"
    if variant in CUDA:
        assert installed(venv)["triton"] == "3.5.1"


def test_auto_macos_target_gets_the_cpu_index(ptinstall, mirror, tmp_path):
    """Even with an NVIDIA driver, a macOS target gets /whl/cpu, whose macOS wheels carry no local label."""
    machine = Machine(tmp_path)
    machine.vars["PTINSTALL_CUDA_DRIVER_VERSION"] = "580.65.06"
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "auto", "--python-platform", "aarch64-apple-darwin",
                    "--report", tmp_path / "r.json", "torch", "torchvision", "torchaudio", env=machine.env())
    urls = report_urls(json.loads((tmp_path / "r.json").read_text()))
    assert urls["torch"] == f"{mirror.url}/whl/cpu/torch-2.9.1-{PY_TAG}-none-macosx_11_0_arm64.whl"
    assert urls["torchvision"].startswith(f"{mirror.url}/whl/cpu/")
    assert " + torch==2.9.1 (from " + mirror.url + "/whl/cpu)" in r.stderr.splitlines()
    # The wheels are pure Python, so the venv imports them: a CPU build.
    assert builds(venv)["torch"] == ["2.9.1", None, None, None]
    doc = json.loads(ptinstall("torch-backend", "--json", "--target-os", "macos", env=machine.env(), check=True).stdout)
    assert [i["backend"] for i in doc["indexes"]] == ["cpu"]


@pytest.mark.parametrize("driver,variant", [("528.33", "cu128"), ("528.32", "cpu"), ("527.41", "cpu")])
def test_auto_windows_target_uses_the_windows_table(ptinstall, mirror, tmp_path, driver, variant):
    """528.33 is the Windows minimum for cu120..cu129 (Linux: 525.60.13): 528.32 and 527.41 allow only cu118 and
    older, which the mirror lacks, so the CPU index serves. A fake nvidia-smi (as on WSL2) reports it."""
    machine = Machine(tmp_path)
    machine.nvidia_smi(f"{driver}\\n{driver}\\n", "8.6\\n8.6\\n")
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "auto", "--python-platform", "x86_64-pc-windows-msvc",
                    "--report", tmp_path / "r.json", "torch", "torchaudio", env=machine.env())
    urls = report_urls(json.loads((tmp_path / "r.json").read_text()))
    assert urls["torch"] == f"{mirror.url}/whl/{variant}/torch-2.9.1%2B{variant}-{PY_TAG}-{PY_TAG}-win_amd64.whl"
    assert f" + torch==2.9.1+{variant} (from {mirror.url}/whl/{variant})" in r.stderr.splitlines()
    assert "nvidia-cuda-runtime-cu12" not in installed(venv)  # Linux-only dependency
    linux = json.loads(ptinstall("torch-backend", "--json", "--target-os", "linux", env=machine.env(),
                                 check=True).stdout)
    assert linux["indexes"][0]["backend"] == "cu129"  # every one of these drivers is >= 525.60.13 on Linux


# --- CUDA consistency -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def split_mirror(tmp_path_factory):
    """Indexes that differ in what they carry: cu130 has torch only, cu128 torch and torchvision, cu126 all
    three, cpu torch and torchaudio; the local PyPI as in `mirror`."""
    root = tmp_path_factory.mktemp("torch5-split")
    out = root / "_build"
    shared = shared_files(root, out / "shared")
    carried = {"cu130": ("torch",), "cu128": ("torch", "torchvision"), "cu126": ("torch", "torchvision", "torchaudio"),
               "cpu": ("torch", "torchaudio")}
    for v, packages in carried.items():
        torch_pages(root, f"whl/{v}", family(out / v, v, packages=packages) + tritons(out / v, v), shared)
    build_simple_index(root, pypi_wheels(out / "pypi"), files_prefix="packages")
    shutil.rmtree(out)
    server = serve(root)
    yield server
    server.stop()


def auto_580(tmp_path):
    machine = Machine(tmp_path)
    machine.vars["PTINSTALL_CUDA_DRIVER_VERSION"] = "580.65.06"
    return machine


@pytest.mark.parametrize("packages", [("torch", "torchvision"), ("torchvision",)])
def test_auto_cuda_builds_share_one_cuda_version(ptinstall, split_mirror, tmp_path, packages):
    """uv's rule (#13179): torch 2.9.1+cu130 comes first in the list, but there is no torchvision +cu130 (and
    none on the CPU index), so the resolver settles on the newest index that has both instead of mixing +cu130
    and +cu128. torchvision asks for `torch==2.9.1` without a label: only the rule keeps them together."""
    machine = auto_580(tmp_path)
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, split_mirror, venv, "--torch-backend", "auto", *packages, env=machine.env())
    got = builds(venv)
    assert got["torch"] == ["2.9.1+cu128", "12.8", None, None], r.stderr
    assert got["torchvision"] == ["0.24.1+cu128", "12.8", None, None], r.stderr
    assert installed(venv)["nvidia-cuda-runtime-cu12"] == "12.8.90"
    # torch alone is free to take the newest build.
    alone = pip_install(ptinstall, split_mirror, venv, "--torch-backend", "auto", "--dry-run", "-U", "torch",
                        env=machine.env())
    assert f" + torch==2.9.1+cu130 (from {split_mirror.url}/whl/cu130)" in alone.stderr.splitlines(), alone.stderr


def test_auto_cuda_three_packages_never_mix_cuda_versions(ptinstall, split_mirror, tmp_path):
    """torch, torchvision and torchaudio: whatever the resolver settles on, no two CUDA versions. The CPU index
    carries no CUDA version, so (as in uv) a +cpu build of torchaudio may sit beside a CUDA torch."""
    machine = auto_580(tmp_path)
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, split_mirror, venv, "--torch-backend", "auto", "torch", "torchvision", "torchaudio",
                    env=machine.env())
    got = builds(venv)
    assert set(got) == {"torch", "torchvision", "torchaudio"}
    assert len({v[1] for v in got.values() if v[1] is not None}) == 1, r.stderr
    assert got["torch"][1] is not None and got["torch"][1] == got["torchvision"][1]


def test_auto_cuda_consistency_error_when_no_pair_exists(ptinstall, split_mirror, tmp_path):
    """torch pinned to +cu130 with a torchvision that exists only for CUDA 12.8 and 12.6: an error that
    explains the CUDA versions, as in uv, and nothing installed."""
    machine = auto_580(tmp_path)
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, split_mirror, venv, "--torch-backend", "auto", "torch==2.9.1+cu130", "torchvision",
                    env=machine.env(), check=False)
    assert r.returncode == 1
    assert "error: no solution found when resolving dependencies" in r.stderr
    assert "torchvision==0.24.1+cu128 depends on system:cuda==12.8" in r.stderr
    assert "torch==2.9.1+cu130 depends on system:cuda==13.0" in r.stderr
    assert installed(venv) == {}
    # The CPU index has no CUDA version: torchaudio +cpu is allowed beside torch +cu130 (uv does the same).
    r = pip_install(ptinstall, split_mirror, venv, "--torch-backend", "auto", "--dry-run", "torch==2.9.1+cu130",
                    "torchaudio", env=machine.env())
    assert " + torchaudio==2.9.1+cpu (from " + split_mirror.url + "/whl/cpu)" in r.stderr.splitlines(), r.stderr
    # An explicit backend is one index: torchvision is simply not there.
    r = pip_install(ptinstall, split_mirror, venv, "--torch-backend", "cu130", "torch", "torchvision",
                    env=machine.env(), check=False)
    assert r.returncode == 1 and "torchvision" in r.stderr, r
    assert installed(venv) == {}


# --- pins, mirror option, channels ------------------------------------------------------------------------

def test_sources_index_pin_beats_the_torch_list(ptinstall, mirror, tmp_path):
    """[tool.uv.sources] torch = { index = "pytorch-cu126" } wins over --torch-backend cu130 for torch; the other
    routed packages still follow the backend."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text(f'''[project]
name = "app"
version = "1.0"
dependencies = ["torch", "torchaudio"]

[[tool.uv.index]]
name = "pytorch-cu126"
url = "{mirror.url}/whl/cu126"
explicit = true

[tool.uv.sources]
torch = {{ index = "pytorch-cu126" }}
''')
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "cu130", "-r", project / "pyproject.toml",
                    cwd=project)
    got = builds(venv)
    assert got["torch"] == ["2.9.1+cu126", "12.6", None, None], r.stderr
    assert got["torchaudio"][0] == "2.9.1+cu130"
    assert " + torchaudio==2.9.1+cu130 (from " + mirror.url + "/whl/cu130)" in r.stderr.splitlines()


@pytest.mark.parametrize("how", ["cli", "PTINSTALL_TORCH_BACKEND_INDEX", "UV_TORCH_BACKEND_INDEX", "both-vars",
                                 "cli-over-vars", "cli-with-credentials"])
def test_backend_index_option_and_variables(ptinstall, mirror, tmp_path, how):
    dead = f"http://127.0.0.1:{free_port()}/whl"
    good = mirror.url + "/whl/"  # a trailing slash is ignored
    args, env = [], {"PTINSTALL_HTTP_RETRIES": "0"}
    if how == "cli":
        args = ["--torch-backend-index", good]
    elif how == "cli-with-credentials":  # an Artifactory-style token in the URL is used, never printed
        args = ["-v", "--torch-backend-index", good.replace("http://", "http://ci:s3cret@")]
    elif how == "both-vars":
        env.update(PTINSTALL_TORCH_BACKEND_INDEX=good, UV_TORCH_BACKEND_INDEX=dead)
    elif how == "cli-over-vars":
        args = ["--torch-backend-index", good]
        env.update(PTINSTALL_TORCH_BACKEND_INDEX=dead, UV_TORCH_BACKEND_INDEX=dead)
    else:
        env[how] = good
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "rocm6.4", *args, "torch", env=env, base=False)
    assert builds(venv)["torch"] == ["2.9.1+rocm6.4", None, "6.4.43482", None]
    shown = mirror.url.replace("http://", "http://ci:****@") if how == "cli-with-credentials" else mirror.url
    assert f" + torch==2.9.1+rocm6.4 (from {shown}/whl/rocm6.4)" in r.stderr.splitlines()
    doc = ptinstall("torch-backend", "--json", "--torch-backend", "rocm6.4", *args, env=env, check=True)
    text = ptinstall("torch-backend", "--torch-backend", "rocm6.4", *args, env=env, check=True)
    assert json.loads(doc.stdout)["index_base"] == shown + "/whl"
    assert json.loads(doc.stdout)["indexes"][0]["url"] == f"{shown}/whl/rocm6.4"
    assert f"index base: {shown}/whl, channel stable" in text.stdout
    for out in (r.stdout, r.stderr, doc.stdout, doc.stderr, text.stdout, text.stderr):
        assert "s3cret" not in out


def test_default_index_base_is_download_pytorch_org(ptinstall, tmp_path):
    doc = json.loads(ptinstall("torch-backend", "--json", "--torch-backend", "cu128", check=True).stdout)
    assert doc["indexes"][0]["url"] == "https://download.pytorch.org/whl/cu128"


@pytest.mark.parametrize("channel,torch,vision,audio", [
    ("stable", "2.9.1", "0.24.1", "2.9.1"),
    ("test", "2.10.0", "0.25.0", "2.10.0"),
    ("nightly", "2.11.0.dev20260115", "0.26.0.dev20260115", "2.11.0.dev20260115"),
])
def test_channels(ptinstall, mirror, tmp_path, channel, torch, vision, audio):
    """--torch-channel test|nightly read <base>/test/<backend> and <base>/nightly/<backend>; the nightly builds
    are dev releases, chosen because nothing else is there for torch (no --pre needed)."""
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "cu128", "--torch-channel", channel,
                    "torch", "torchvision", "torchaudio")
    assert builds(venv) == expected_build("cu128", torch, vision, audio), r.stderr
    path = "" if channel == "stable" else channel + "/"
    assert f" + torch=={torch}+cu128 (from {mirror.url}/whl/{path}cu128)" in r.stderr.splitlines()
    assert installed(venv)["jinja2"] == "3.1.6"


def test_channel_from_the_environment_and_auto(ptinstall, mirror, tmp_path):
    machine = Machine(tmp_path)
    machine.file("sys/module/nvidia/version", "570.86.10\n")
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "auto", "--dry-run", "torch",
                    env=machine.env(PTINSTALL_TORCH_CHANNEL="nightly"))
    # cu129 is missing from the nightly tree; cu128 has it.
    assert f" + torch==2.11.0.dev20260115+cu128 (from {mirror.url}/whl/nightly/cu128)" in r.stderr.splitlines()
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "cu128", "--torch-channel", "beta", "torch",
                    check=False)
    assert r.returncode == 2 and "stable" in r.stderr and "nightly" in r.stderr, r


# --- where the value comes from -----------------------------------------------------------------------------

PRECEDENCE = [
    # (pyproject [tool.*] tables, uv.toml text or None, env, cli, expected)
    ({"uv": "cu126"}, None, {}, None, "cu126"),
    ({"uv": "cu126", "uv.pip": "cu128"}, None, {}, None, "cu128"),
    ({"uv": "cu126", "uv.pip": "cu128", "ptinstall": "rocm6.4"}, None, {}, None, "rocm6.4"),
    ({"uv.pip": "cu128"}, None, {"UV_TORCH_BACKEND": "cu130"}, None, "cu130"),
    ({"uv.pip": "cu128"}, None, {"UV_TORCH_BACKEND": "cu130", "PTINSTALL_TORCH_BACKEND": "xpu"}, None, "xpu"),
    ({"ptinstall": "rocm6.4"}, None, {"UV_TORCH_BACKEND": "cu130", "PTINSTALL_TORCH_BACKEND": "xpu"}, "cpu", "cpu"),
    (None, 'torch-backend = "cu126"\n[pip]\ntorch-backend = "cu130"\n', {}, None, "cu130"),
    (None, 'torch-backend = "cu126"\n', {}, None, "cu126"),
]


@pytest.mark.parametrize("tables,uv_toml,env,cli,expected", PRECEDENCE)
def test_precedence_cli_env_config(ptinstall, mirror, tmp_path, tables, uv_toml, env, cli, expected):
    project = tmp_path / "proj"
    project.mkdir()
    if tables is not None:
        text = '[project]\nname = "app"\nversion = "1.0"\n'
        for table, value in tables.items():
            text += f'\n[tool.{table}]\ntorch-backend = "{value}"\n'
        (project / "pyproject.toml").write_text(text)
    if uv_toml is not None:
        (project / "uv.toml").write_text(uv_toml)
    venv = make_venv(tmp_path / "venv")
    args = ["--torch-backend", cli] if cli else []
    r = pip_install(ptinstall, mirror, venv, *args, "--dry-run", "torch", env=env, cwd=project)
    assert f" + torch==2.9.1+{expected} (from {mirror.url}/whl/{expected})" in r.stderr.splitlines(), r.stderr
    doc = json.loads(ptinstall("torch-backend", "--json", *args, env=env, cwd=project, check=True).stdout)
    assert doc["backend"] == expected


@pytest.mark.parametrize("where,value", [("cli", "cu127"), ("cli", "CU128"), ("cli", "rocm5.1"),
                                         ("PTINSTALL_TORCH_BACKEND", "cuda"), ("UV_TORCH_BACKEND", "cu131"),
                                         ("pyproject", "cu127")])
def test_unknown_value_lists_the_valid_ones(ptinstall, mirror, tmp_path, where, value):
    venv = make_venv(tmp_path / "venv")
    args, env = [], {}
    if where == "cli":
        args = ["--torch-backend", value]
    elif where == "pyproject":
        (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "a"\nversion = "1"\n[tool.uv.pip]\n'
                                                 f'torch-backend = "{value}"\n')
    else:
        env[where] = value
    r = pip_install(ptinstall, mirror, venv, *args, "--dry-run", "torch", env=env, check=False)
    assert r.returncode == 2, r
    assert value in r.stderr
    for valid in ("auto", "cpu", "cu80", "cu126", "cu128", "cu130", "cu132", "rocm4.0.1", "rocm6.4", "rocm7.2", "xpu"):
        assert valid in r.stderr, (valid, r.stderr)
    origin = {"cli": "--torch-backend", "pyproject": f"`torch-backend` in {tmp_path / 'pyproject.toml'}"}.get(where, where)
    assert f"error: invalid value `{value}` for {origin}" in r.stderr, r.stderr
    assert installed(venv) == {}
    explain = ptinstall("torch-backend", *args, env=env, check=False)
    assert explain.returncode == 2 and f"error: invalid value `{value}` for {origin}" in explain.stderr, explain


# --- compute capability ---------------------------------------------------------------------------------------

def test_compute_capability_gtx_1080_ti(ptinstall, mirror, tmp_path):
    """Two GTX 1080 Ti (sm_61) on driver 580: uv would pick cu130 (#14742), whose wheels have no sm_61 kernels.
    ptinstall skips cu132..cu128, says so in `torch-backend` and in `pip install -v`, and installs +cu126."""
    machine = Machine(tmp_path)
    machine.nvidia_smi("580.95.05\\n580.95.05\\n", "6.1\\n6.1\\n")
    text = ptinstall("torch-backend", "--target-os", "linux", env=machine.env(), check=True).stdout
    assert "compute capability: 6.1 (sm_61)" in text
    assert "skipped:" in text
    for b in ("cu132", "cu130", "cu129", "cu128"):
        assert any(line.strip().startswith(b + ":") and "sm_61" in line for line in text.splitlines()), text
    assert "1. https://download.pytorch.org/whl/cu126" in text
    doc = json.loads(ptinstall("torch-backend", "--json", "--target-os", "linux", env=machine.env(),
                               check=True).stdout)
    assert doc["accelerator"]["gpu_compute_capabilities"] == ["6.1", "6.1"]
    assert [s["backend"] for s in doc["skipped"]] == ["cu132", "cu130", "cu129", "cu128"]

    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, mirror, venv, "-v", "--torch-backend", "auto", "torch", "torchvision", "torchaudio",
                    env=machine.env())
    assert builds(venv) == expected_build("cu126")
    assert "4 CUDA indexes skipped: no kernels for sm_61" in r.stderr
    assert "skipped cu130: built for sm_75" in r.stderr and "not for the GPU's sm_61" in r.stderr
    # Turned off, the driver alone decides, as in uv.
    r = pip_install(ptinstall, mirror, venv, "--no-torch-compute-check", "--torch-backend", "auto", "--dry-run", "-U",
                    "torch", env=machine.env())
    assert f" + torch==2.9.1+cu130 (from {mirror.url}/whl/cu130)" in r.stderr.splitlines(), r.stderr


# --- local version labels ---------------------------------------------------------------------------------

@pytest.mark.parametrize("requirement,result", [
    ("torch==2.9.1", "2.9.1+cu128"),            # == without a label matches any label (PEP 440)
    ("torch==2.9.1+cu128", "2.9.1+cu128"),
    ("torch<=2.9.1", "2.9.1+cu128"),            # labels are ignored on upper bounds too
    ("torch>=2.9,<2.10", "2.9.1+cu128"),
    ("torch==2.9.1+cu126", None),               # another index's label: not on this one
    ("torch>2.9.1", None),                      # > V never admits V+local
    ("torch==2.8.0", None),                     # an explicit backend has no fallback
])
def test_local_version_labels(ptinstall, mirror, tmp_path, requirement, result):
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "cu128", "--dry-run", "--report", "-", requirement,
                    check=None)
    if result:
        assert r.returncode == 0, r
        assert f" + torch=={result} (from {mirror.url}/whl/cu128)" in r.stderr.splitlines()
        item = next(i for i in json.loads(r.stdout)["install"] if i["metadata"]["name"] == "torch")
        assert item["metadata"]["version"] == result and item["index_url"].rstrip("/") == mirror.url + "/whl/cu128"
    else:
        assert r.returncode == 1, r
        assert f"there is no version of {requirement}" in r.stderr, r.stderr
        assert f"hint: `torch` comes only from the PyTorch indexes chosen by --torch-backend: {mirror.url}/whl/cu128" \
            in r.stderr


# --- routed packages ignore the user's indexes; the rest keep them -----------------------------------------

@pytest.mark.parametrize("strategy", [None, "unsafe-best-match"])
def test_routed_packages_ignore_user_indexes(ptinstall, mirror, make_index, tmp_path, strategy):
    """An extra index with a newer torch and jinja2: torch still comes from the PyTorch index (first match over
    the torch list, whatever --index-strategy says); jinja2 follows the user's indexes and strategy."""
    extra = make_index([wheelmaker.build_wheel(tmp_path / "x", "torch", "9.9.9"),
                        wheelmaker.build_wheel(tmp_path / "x", "jinja2", "9.0", requires_dist=["MarkupSafe>=2.0"])])
    venv = make_venv(tmp_path / "venv")
    args = ["--index-strategy", strategy] if strategy else []
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "cpu", "--extra-index-url", extra.index_url(), *args,
                    "--dry-run", "torch", "jinja2")
    assert f" + torch==2.9.1+cpu (from {mirror.url}/whl/cpu)" in r.stderr.splitlines(), r.stderr
    assert " + jinja2==9.0" in r.stderr.splitlines()
    assert "warning: --torch-backend routes torch to" in r.stderr
    assert not [q for q in extra.requests() if "/torch/" in q.path]
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "cpu", "--no-index", "torch", check=False)
    assert r.returncode == 2 and "--torch-backend cannot be used with --no-index" in r.stderr


@pytest.mark.parametrize("explicit", [False, True])
def test_warning_for_project_index_tables(ptinstall, mirror, tmp_path, explicit):
    """A [[tool.uv.index]] table of the project (here the default index) would serve torch, so the override is
    announced (uv #14145); an `explicit = true` index serves only packages pinned to it, so nothing is
    overridden and nothing is said."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text(f'''[project]
name = "app"
version = "1.0"
dependencies = ["torch"]

[[tool.uv.index]]
name = "company"
url = "{mirror.url}/simple/"
{"explicit = true" if explicit else "default = true"}
''')
    venv = make_venv(tmp_path / "venv")
    args = ["--no-deps"] if explicit else []  # the explicit index serves nothing else: torch alone
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--torch-backend", "cpu",
                  "--torch-backend-index", mirror.url + "/whl", "--dry-run", "-r", "pyproject.toml", *args,
                  cwd=project, check=True)
    assert f" + torch==2.9.1+cpu (from {mirror.url}/whl/cpu)" in r.stderr.splitlines()
    warning = f"warning: --torch-backend routes torch to {mirror.url}/whl/cpu; the indexes you configured are not used for it"
    assert (warning in r.stderr) is (not explicit), r.stderr
    if not explicit:
        assert " + jinja2==3.1.6" in r.stderr.splitlines()  # from the project's index
