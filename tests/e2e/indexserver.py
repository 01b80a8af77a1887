"""Package indexes on loopback for the end-to-end tests and the benchmarks (stdlib + packaging + nginx).

Three parts:

* build_simple_index(root, wheels, ...): writes a PEP 503 (HTML) + PEP 691 (JSON) index tree
  `<root>/<prefix>/index.{html,json}`, `<root>/<prefix>/<project>/index.{html,json}` and the files with
  their PEP 658 `.metadata` under `<root>/<files_prefix>/`. Per-project toggles (ProjectOptions): no
  `.metadata`, yanked files, no hashes, requires-python overrides.
* build_torch_mirror(root, ...): a PyTorch-shaped mirror under `<root>/whl/<variant>/` (cpu, cu126, cu128,
  cu130, rocm6.4, xpu): HTML only, root-relative hrefs, `%2B` in filenames, data-core-metadata and
  data-dist-info-metadata, data-upload-time, the trailing `<!--TIMESTAMP ...-->` comment, shared
  dependencies (old numpy, Jinja2, ...) under `/whl/` listed on every variant, 403 for unknown paths.
  build_local_pypi(root, ...) adds a "PyPI" under /simple with plain torch 2.9.1 carrying its real CUDA
  12.8 Requires-Dist and small nvidia-* wheels with the real names and versions.
* IndexServer(root, faults=...): nginx on a free 127.0.0.1 port with a private prefix (config, pid, logs,
  temp dirs under a temp dir). Content negotiation: `map $http_accept` picks index.json for PEP 691 JSON
  (Content-Type application/vnd.pypi.simple.v1+json), index.html otherwise; Vary: Accept. Faults per path:
  "500"/"403"/"404"/any status (nginx return), "drop" (nginx 444: connection closed, no answer),
  "truncate[:N]", "flaky:N[:CODE]", "slow:S" (proxied to a small Python server in this process, which serves
  the same tree). requests() parses the access log (method, uri, status, accept, range).

Command line (for manual runs and the benchmarks):
  python3 indexserver.py serve ROOT [--port N]         serve an existing tree until interrupted
  python3 indexserver.py demo DIR [--port N]            build the torch mirror + local PyPI into DIR and serve it
                                                        (nginx stops with it, on SIGINT, SIGTERM, SIGHUP or its death)
  python3 indexserver.py wait PORT [--timeout S]        wait until something answers on 127.0.0.1:PORT
"""
from __future__ import annotations

import atexit
import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Union
from urllib.parse import quote, unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
import wheelmaker  # noqa: E402
from handler_base import QuietHandler  # noqa: E402
from wheelmaker import Wheel, normalize_name  # noqa: E402

PEP691_JSON = "application/vnd.pypi.simple.v1+json"
UPLOAD_TIME = "2025-01-01T00:00:00.000000Z"
TORCH_UPLOAD_TIME = "2026-01-23T07:41:13Z"
TORCH_TIMESTAMP = "<!--TIMESTAMP 1769154073-->"


# --- index trees ---------------------------------------------------------------------------------

@dataclass
class ProjectOptions:
    """Per-project toggles of build_simple_index."""
    no_metadata: bool = False              # no data-core-metadata and no .metadata files
    metadata_true: bool = False            # data-core-metadata="true" instead of a hash
    legacy_metadata_attr: bool = True      # also the PEP 658 spelling, as PyPI does: HTML data-dist-info-metadata
                                           # (pip < 23.3 reads only it), JSON key json_legacy_key
    json_legacy_key: str = "data-dist-info-metadata"  # warehouse's literal key; PEP 691's "dist-info-metadata"
                                           # with a hash dict crashes pip 22.3-23.0 (the reason for PEP 714)
    no_hashes: bool = False                # no #sha256= fragment, "hashes": {}
    wrong_hashes: bool = False             # a sha256 that does not match the file (fault tests)
    yanked: Mapping[str, Union[str, bool]] = field(default_factory=dict)  # filename -> reason or True
    requires_python: Mapping[str, str] = field(default_factory=dict)      # filename -> override
    json: bool = True                      # write index.json for this project
    upload_times: Mapping[str, Optional[str]] = field(default_factory=dict)  # filename -> PEP 700 upload-time
                                           # (None: none given) instead of UPLOAD_TIME
    provenance: Mapping[str, Union[dict, str]] = field(default_factory=dict)  # filename -> PEP 740 provenance
                                           # object (or raw text), served as <file>.provenance and linked
                                           # by data-provenance / "provenance"


@dataclass
class IndexFile:
    wheel: Wheel
    rel_path: str       # path of the file under the tree root, e.g. "files/foo-1.0-py3-none-any.whl"
    sha256: str
    size: int
    metadata_sha256: str


def _copy_into(wheel: Wheel, dest_dir: Path) -> Path:
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / wheel.filename
    if dest.resolve() != wheel.path.resolve():
        try:
            if dest.exists():
                dest.unlink()
            os.link(wheel.path, dest)
        except OSError:
            shutil.copyfile(wheel.path, dest)
    return dest


def _index_file(wheel: Wheel, root: Path, rel_dir: str, write_metadata: bool) -> IndexFile:
    import hashlib
    dest = _copy_into(wheel, root / rel_dir)
    meta_sha = hashlib.sha256(wheel.metadata).hexdigest()
    if write_metadata and wheel.filename.endswith(".whl"):  # PEP 658 files exist for wheels only
        (dest.parent / (dest.name + ".metadata")).write_bytes(wheel.metadata)
    return IndexFile(wheel=wheel, rel_path=f"{rel_dir}/{wheel.filename}" if rel_dir else wheel.filename,
                     sha256=wheel.sha256, size=dest.stat().st_size, metadata_sha256=meta_sha)


def _version_key(v: str):
    try:
        from packaging.version import Version
        return (0, Version(v))
    except Exception:  # noqa: BLE001 - unparsable versions sort first
        return (-1, v)


def _write_root(dir_: Path, names: Iterable[str], with_json: bool, api_version: str) -> None:
    dir_.mkdir(parents=True, exist_ok=True)
    # projects written by an earlier call into the same tree stay listed
    names = sorted(set(names) | {d.name for d in dir_.iterdir() if (d / "index.html").exists()})
    links = "".join(f'<a href="{quote(n)}/">{html.escape(n)}</a>\n' for n in names)
    (dir_ / "index.html").write_text(
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f'<meta name="pypi:repository-version" content="{api_version}">\n'
        "<title>Simple index</title>\n</head>\n<body>\n" + links + "</body>\n</html>\n")
    if with_json:
        (dir_ / "index.json").write_text(json.dumps(
            {"meta": {"api-version": api_version}, "projects": [{"name": n} for n in names]}, indent=1))


def build_simple_index(root: Union[str, Path], wheels: Iterable[Wheel], *, prefix: str = "simple",
                       files_prefix: str = "files", options: Optional[Mapping[str, ProjectOptions]] = None,
                       json_pages: bool = True, api_version: str = "1.1",
                       href_style: str = "relative", files_url: Optional[str] = None) -> Path:
    """Writes the tree under root and returns the index URL path (`/<prefix>/`). Calling it again on the
    same tree adds projects (a project given again is replaced).

    wheels: wheelmaker.Wheel descriptions; one whose filename is not a `.whl` (an sdist, e.g. from
    buildtools.make_sdist) is listed like PyPI lists sdists: with its hash, without PEP 658 metadata.

    href_style: "relative" (`../../files/x.whl`), "root" (`/files/x.whl`). files_url: absolute file URLs
    on another server instead (`<files_url>/files/x.whl`, like PyPI's files.pythonhosted.org): start an
    IndexServer for the files first, then build the pages with its url."""
    root = Path(root)
    options = {normalize_name(k): v for k, v in (options or {}).items()}
    by_project: Dict[str, List[Wheel]] = {}
    for w in wheels:
        by_project.setdefault(normalize_name(w.name), []).append(w)
    index_dir = root / prefix
    depth = len([p for p in prefix.split("/") if p]) + 1
    for project, ws in by_project.items():
        opt = options.get(project, ProjectOptions())
        files = [_index_file(w, root, files_prefix, not opt.no_metadata)
                 for w in sorted(ws, key=lambda w: (_version_key(w.version), w.filename))]
        for f in files:
            if f.wheel.filename in opt.provenance:
                body = opt.provenance[f.wheel.filename]
                (root / (f.rel_path + ".provenance")).write_text(body if isinstance(body, str) else json.dumps(body))
        _write_project(index_dir / project, project, files, opt, json_pages and opt.json, api_version,
                       href_style, depth, files_url)
    _write_root(index_dir, by_project.keys(), json_pages, api_version)
    return Path("/" + prefix.strip("/") + "/")


def _write_project(dir_: Path, project: str, files: Sequence[IndexFile], opt: ProjectOptions,
                   with_json: bool, api_version: str, href_style: str, depth: int,
                   files_url: Optional[str] = None) -> None:
    dir_.mkdir(parents=True, exist_ok=True)
    anchors = []
    jfiles = []
    for f in files:
        fname = f.wheel.filename
        if files_url:
            url = files_url.rstrip("/") + "/" + quote(f.rel_path)
        else:
            url = ("../" * depth if href_style == "relative" else "/") + quote(f.rel_path)
        sha = "0" * 64 if opt.wrong_hashes else f.sha256
        href = url if opt.no_hashes else f"{url}#sha256={sha}"
        attrs = [f'href="{html.escape(href)}"']
        rp = opt.requires_python.get(fname, f.wheel.requires_python)
        if rp:
            attrs.append(f'data-requires-python="{html.escape(rp)}"')
        meta_value = "true" if opt.metadata_true else f"sha256={f.metadata_sha256}"
        # an sdist (.tar.gz/.zip: any file that is not a wheel) is listed without PEP 658 metadata, as on PyPI
        no_metadata = opt.no_metadata or not fname.endswith(".whl")
        if not no_metadata:
            attrs.append(f'data-core-metadata="{meta_value}"')
            if opt.legacy_metadata_attr:
                attrs.append(f'data-dist-info-metadata="{meta_value}"')
        yanked = opt.yanked.get(fname)
        if yanked is True:
            attrs.append("data-yanked")
        elif yanked:
            attrs.append(f'data-yanked="{html.escape(yanked)}"')
        if fname in opt.provenance:
            attrs.append(f'data-provenance="{html.escape(url + ".provenance")}"')
        anchors.append(f"<a {' '.join(attrs)}>{html.escape(fname)}</a><br/>\n")
        meta_json = False if no_metadata else (True if opt.metadata_true else {"sha256": f.metadata_sha256})
        entry = {"filename": fname, "url": url, "hashes": {} if opt.no_hashes else {"sha256": sha},
                 "core-metadata": meta_json}
        if opt.legacy_metadata_attr:
            entry[opt.json_legacy_key] = meta_json
        entry.update({"size": f.size, "upload-time": opt.upload_times.get(fname, UPLOAD_TIME),
                      "yanked": (yanked if isinstance(yanked, str) and yanked else bool(yanked))})
        if entry["upload-time"] is None:
            del entry["upload-time"]
        if rp:
            entry["requires-python"] = rp
        if fname in opt.provenance:
            entry["provenance"] = url + ".provenance"
        jfiles.append(entry)
    (dir_ / "index.html").write_text(
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f'<meta name="pypi:repository-version" content="{api_version}">\n'
        f"<title>Links for {html.escape(project)}</title>\n</head>\n<body>\n"
        f"<h1>Links for {html.escape(project)}</h1>\n" + "".join(anchors) + "</body>\n</html>\n")
    if with_json:
        versions = sorted({f.wheel.version for f in files}, key=_version_key)
        (dir_ / "index.json").write_text(json.dumps(
            {"meta": {"api-version": api_version}, "name": project, "versions": versions, "files": jfiles},
            indent=1))
    elif (dir_ / "index.json").exists():
        (dir_ / "index.json").unlink()


# --- PyTorch-shaped mirror and local PyPI ---------------------------------------------------------

TORCH_VARIANTS = ("cpu", "cu126", "cu128", "cu130", "rocm6.4", "xpu")
LINUX_X86 = 'platform_system == "Linux" and platform_machine == "x86_64"'
INDEX_LINUX = 'sys_platform == "linux"'  # the cu128 index's METADATA drops the x86_64 clause

TORCH_BASE_DEPS = ["filelock", "typing-extensions>=4.10.0", 'setuptools; python_version >= "3.12"',
                   "sympy>=1.13.3", "networkx>=2.5.1", "jinja2", "fsspec>=0.8.5"]
TORCH_EXTRAS = ['optree>=0.13.0; extra == "optree"', 'opt-einsum>=3.3; extra == "opt-einsum"',
                'pyyaml; extra == "pyyaml"']

CUDA_PINS = {
    "12.8": {"nvidia-cuda-nvrtc-cu12": "12.8.93", "nvidia-cuda-runtime-cu12": "12.8.90",
             "nvidia-cuda-cupti-cu12": "12.8.90", "nvidia-cudnn-cu12": "9.10.2.21",
             "nvidia-cublas-cu12": "12.8.4.1", "nvidia-cufft-cu12": "11.3.3.83",
             "nvidia-curand-cu12": "10.3.9.90", "nvidia-cusolver-cu12": "11.7.3.90",
             "nvidia-cusparse-cu12": "12.5.8.93", "nvidia-cusparselt-cu12": "0.7.1",
             "nvidia-nccl-cu12": "2.27.5", "nvidia-nvshmem-cu12": "3.3.20",
             "nvidia-nvtx-cu12": "12.8.90", "nvidia-nvjitlink-cu12": "12.8.93",
             "nvidia-cufile-cu12": "1.13.1.3"},
    "12.6": {"nvidia-cuda-nvrtc-cu12": "12.6.77", "nvidia-cuda-runtime-cu12": "12.6.77",
             "nvidia-cuda-cupti-cu12": "12.6.80", "nvidia-cudnn-cu12": "9.10.2.21",
             "nvidia-cublas-cu12": "12.6.4.1", "nvidia-cufft-cu12": "11.3.0.4",
             "nvidia-curand-cu12": "10.3.7.77", "nvidia-cusolver-cu12": "11.7.1.2",
             "nvidia-cusparse-cu12": "12.5.4.2", "nvidia-cusparselt-cu12": "0.7.1",
             "nvidia-nccl-cu12": "2.27.5", "nvidia-nvshmem-cu12": "3.3.20",
             "nvidia-nvtx-cu12": "12.6.77", "nvidia-nvjitlink-cu12": "12.6.85",
             "nvidia-cufile-cu12": "1.11.1.6"},
    "11.8": {"nvidia-cuda-nvrtc-cu11": "11.8.89", "nvidia-cuda-runtime-cu11": "11.8.89",
             "nvidia-cuda-cupti-cu11": "11.8.87", "nvidia-cudnn-cu11": "9.1.0.70",
             "nvidia-cublas-cu11": "11.11.3.6", "nvidia-cufft-cu11": "10.9.0.58",
             "nvidia-curand-cu11": "10.3.0.86", "nvidia-cusolver-cu11": "11.4.1.48",
             "nvidia-cusparse-cu11": "11.7.5.86", "nvidia-nccl-cu11": "2.21.5",
             "nvidia-nvtx-cu11": "11.8.86"},
    "13.0": {"nvidia-cuda-nvrtc": "13.0.48", "nvidia-cuda-runtime": "13.0.48",
             "nvidia-cublas": "13.0.0.19", "nvidia-nvjitlink": "13.0.39",
             "nvidia-cudnn-cu13": "9.13.0.50", "nvidia-nccl-cu13": "2.27.7",
             "nvidia-nvshmem-cu13": "3.3.24"},
}
# transitive dependencies between the nvidia wheels (unpinned, like the real ones)
NVIDIA_DEPS = {"cudnn": ["cublas"], "cufft": ["nvjitlink"], "cusolver": ["cublas", "cusparse", "nvjitlink"],
               "cusparse": ["nvjitlink"]}
# real x86_64 PyPI sizes of the big nvidia wheels, in bytes (reference/index-protocols.md)
NVIDIA_REAL_SIZES = {"cudnn": 706_758_467, "cublas": 594_346_921, "nccl": 322_348_229,
                     "cusparse": 288_216_466, "cusparselt": 287_193_691, "cusolver": 267_506_905,
                     "cufft": 193_118_695, "nvshmem": 124_657_145, "cuda-nvrtc": 88_040_029,
                     "curand": 63_619_976, "nvjitlink": 39_254_836}
NVIDIA_TAGS = "py3-none-manylinux_2_27_x86_64.manylinux_2_28_x86_64"
DEFAULT_PYTHONS = ("cp310", "cp311", "cp312", "cp313")


def _nvidia_component(name: str) -> str:
    base = re.sub(r"^nvidia-", "", name)
    return re.sub(r"-cu1[123]$", "", base)


def nvidia_requires(name: str, pins: Mapping[str, str]) -> List[str]:
    comp = _nvidia_component(name)
    suffix = name[len("nvidia-" + comp):]
    return [f"nvidia-{d}{suffix}" for d in NVIDIA_DEPS.get(comp, []) if f"nvidia-{d}{suffix}" in pins]


def nvidia_wheel(out: Path, name: str, version: str, *, pins: Mapping[str, str],
                 scale: Optional[float] = None, seed: int = 0) -> Wheel:
    """A small wheel shaped like nvidia-*: `nvidia/__init__.py` shared by all of them (as in the real ones),
    `nvidia/<component>/lib/*.so*`. scale: payload = real size * scale (benchmarks), else a few KiB."""
    comp = _nvidia_component(name)
    mod = comp.replace("-", "_")
    files: Dict[str, object] = {"nvidia/__init__.py": "", f"nvidia/{mod}/__init__.py": "",
                                f"nvidia/{mod}/lib/__init__.py": ""}
    if scale:
        real = NVIDIA_REAL_SIZES.get(comp, 5_000_000)
        files.update(wheelmaker.payload_files(f"nvidia/{mod}", files=max(4, int(30 * scale ** 0.3)),
                                              compressed_bytes=int(real * scale), seed=seed,
                                              binary_fraction=0.5))
    else:
        files[f"nvidia/{mod}/lib/lib{mod}.so.{version.split('.')[0]}"] = b"\x7fELF" + bytes(4096)
    return wheelmaker.build_wheel(out, name, version, tags=NVIDIA_TAGS, requires_python=">=3",
                                  requires_dist=nvidia_requires(name, pins), packages={}, files=files,
                                  summary=f"CUDA {comp} native runtime libraries")


def torch_requires(variant: Optional[str]) -> List[str]:
    """torch 2.9.1's Requires-Dist: variant None = PyPI (CUDA 12.8, gated by Linux x86_64)."""
    deps = list(TORCH_BASE_DEPS)
    if variant is None or variant.startswith("cu"):
        cuda = {"cu118": "11.8", "cu126": "12.6", "cu130": "13.0"}.get(variant or "", "12.8")
        marker = LINUX_X86 if variant is None else INDEX_LINUX
        deps += [f"{n}=={v}; {marker}" for n, v in CUDA_PINS[cuda].items()]
        deps.append(f"triton==3.5.1; {marker}")
    elif variant.startswith("rocm"):
        deps.append(f"pytorch-triton-rocm==3.5.1; {LINUX_X86}")
    elif variant == "xpu":
        deps += [f"intel-cmplr-lib-rt==2025.2.1; {LINUX_X86}", f"pytorch-triton-xpu==3.5.0; {LINUX_X86}"]
    return deps + TORCH_EXTRAS


@dataclass
class Pkg:
    name: str
    version: str
    requires: Sequence[str] = ()
    requires_python: Optional[str] = None
    dist_name: Optional[str] = None      # legacy filename spelling (Jinja2, MarkupSafe)
    tags: str = "py3-none-any"


# old copies the PyTorch index hosts beside torch (they shadow PyPI when indexes are mixed)
TORCH_INDEX_COMMON = [
    Pkg("Jinja2", "3.1.4", ["MarkupSafe>=2.0"], ">=3.7", dist_name="Jinja2"),
    Pkg("MarkupSafe", "2.1.5", [], ">=3.7", dist_name="MarkupSafe"),
    Pkg("numpy", "2.1.2", [], ">=3.10",
        tags="cp310.cp311.cp312.cp313-cp310.cp311.cp312.cp313-manylinux_2_17_x86_64.manylinux2014_x86_64"),
    Pkg("filelock", "3.9.0", [], ">=3.7"),
    Pkg("fsspec", "2024.6.1", [], ">=3.8"),
    Pkg("networkx", "3.3", [], ">=3.10"),
    Pkg("sympy", "1.13.3", ["mpmath<1.4,>=1.1.0"], ">=3.8"),
    Pkg("mpmath", "1.3.0"),
    Pkg("typing_extensions", "4.12.2", [], ">=3.8"),
    Pkg("setuptools", "70.2.0", [], ">=3.8"),
    Pkg("pillow", "11.0.0", [], ">=3.9"),
    Pkg("certifi", "2022.12.7", [], ">=3.6"),
    Pkg("requests", "2.28.1", ["charset-normalizer<3,>=2", "idna<4,>=2.5", "urllib3<1.27,>=1.21.1",
                               "certifi>=2017.4.17"], ">=3.7"),
    Pkg("urllib3", "1.26.13", [], ">=2.7"),
    Pkg("idna", "3.4", [], ">=3.5"),
    Pkg("charset-normalizer", "2.1.1", [], ">=3.6"),
]

# the local "PyPI": newer versions of the same dependencies
PYPI_COMMON = [
    Pkg("jinja2", "3.1.6", ["MarkupSafe>=2.0"], ">=3.7"),
    Pkg("markupsafe", "3.0.2", [], ">=3.9"),
    Pkg("filelock", "3.20.0", [], ">=3.10"),
    Pkg("fsspec", "2025.9.0", [], ">=3.9"),
    Pkg("networkx", "3.4.2", [], ">=3.10"),
    Pkg("networkx", "3.5", [], ">=3.11"),
    Pkg("sympy", "1.14.0", ["mpmath<1.4,>=1.1.0"], ">=3.9"),
    Pkg("mpmath", "1.3.0"),
    Pkg("typing-extensions", "4.15.0", [], ">=3.9"),
    Pkg("setuptools", "80.9.0", [], ">=3.9"),
    Pkg("numpy", "2.2.6", [], ">=3.10",
        tags="cp310.cp311.cp312.cp313-cp310.cp311.cp312.cp313-manylinux_2_17_x86_64.manylinux2014_x86_64"),
    Pkg("numpy", "2.3.3", [], ">=3.11",
        tags="cp311.cp312.cp313-cp311.cp312.cp313-manylinux_2_27_x86_64.manylinux_2_28_x86_64"),
    Pkg("optree", "0.17.0", ["typing-extensions>=4.6.0"], ">=3.9"),
    Pkg("opt-einsum", "3.4.0", [], ">=3.8"),
    Pkg("pyyaml", "6.0.3", [], ">=3.8"),
]


def _simple_wheel(out: Path, p: Pkg) -> Wheel:
    return wheelmaker.build_wheel(out, p.name, p.version, tags=p.tags, requires_dist=p.requires,
                                  requires_python=p.requires_python, dist_name=p.dist_name)


def _torch_family(out: Path, variant: Optional[str], pythons: Sequence[str], platforms: Sequence[str],
                  torch_version: str = "2.9.1", vision_version: str = "0.24.1",
                  payload: Optional[Mapping[str, object]] = None) -> List[Wheel]:
    local = f"+{variant}" if variant else ""
    cuda = {"cu118": "11.8", "cu126": "12.6", "cu128": "12.8", "cu130": "13.0", None: "12.8"}.get(variant)
    hip = "6.4.43482" if variant and variant.startswith("rocm") else None
    xpu = "20250201" if variant == "xpu" else None
    wheels = []
    for py in pythons:
        for plat in platforms:
            tags = f"{py}-{py}-{plat}"
            wheels.append(wheelmaker.torch_wheel(out, torch_version + local, tags=tags, cuda=cuda, hip=hip,
                                                 xpu=xpu, requires_dist=torch_requires(variant),
                                                 payload=payload))
            wheels.append(wheelmaker.torch_wheel(
                out, vision_version + local, name="torchvision", tags=tags, cuda=cuda, hip=hip, xpu=xpu,
                provides_extra=("gdown", "scipy"), requires_python=">=3.10",
                requires_dist=["numpy", f"torch=={torch_version}{local}", "pillow!=8.3.*,>=5.3.0",
                               'gdown>=4.7.3; extra == "gdown"', 'scipy; extra == "scipy"']))
    return wheels


def _triton_like(out: Path, name: str, version: str, pythons: Sequence[str]) -> List[Wheel]:
    return [wheelmaker.build_wheel(
        out, name, version, tags=f"{py}-{py}-manylinux_2_27_x86_64.manylinux_2_28_x86_64",
        requires_python=">=3.10,<3.15", packages={"triton/__init__.py": f'__version__ = "{version}"\n'})
        for py in pythons]


@dataclass
class TorchMirror:
    root: Path
    variants: Sequence[str]
    wheels: Dict[str, List[Wheel]]   # variant -> its own wheels; "" -> shared ones under /whl/

    def index_path(self, variant: str) -> str:
        return f"/whl/{variant}/"


def build_torch_mirror(root: Union[str, Path], *, variants: Sequence[str] = TORCH_VARIANTS,
                       pythons: Sequence[str] = DEFAULT_PYTHONS, work: Optional[Path] = None,
                       no_hash_files: Sequence[str] = (), no_metadata_files: Sequence[str] = (),
                       extra_platforms: Optional[Mapping[str, Sequence[str]]] = None) -> TorchMirror:
    """Writes a PyTorch-shaped mirror under root/whl/. Files named in no_hash_files/no_metadata_files get
    no #sha256 fragment / no data-core-metadata (the real index has such files). extra_platforms: more
    platform tags per variant for torch/torchvision (e.g. {"cpu": ["win_amd64"]})."""
    import hashlib
    root = Path(root)
    work = Path(work) if work else root / "_build"
    shared_out = work / "shared"
    shared = [_simple_wheel(shared_out, p) for p in TORCH_INDEX_COMMON]
    for cuda in ("12.6", "12.8", "13.0") + (("11.8",) if "cu118" in variants else ()):
        pins = CUDA_PINS[cuda]
        for n, v in pins.items():
            if not any(w.name == n and w.version == v for w in shared):
                shared.append(nvidia_wheel(shared_out, n, v, pins=pins))
    shared.append(_simple_wheel(shared_out, Pkg("intel-cmplr-lib-rt", "2025.2.1",
                                                tags="py2.py3-none-manylinux_2_28_x86_64")))
    per_variant: Dict[str, List[Wheel]] = {"": shared}
    for variant in variants:
        out = work / variant
        plats = ["manylinux_2_28_x86_64"]
        if variant in ("cpu", "cu128", "cu130"):
            plats.append("manylinux_2_28_aarch64")
        if variant == "xpu":
            plats = ["linux_x86_64"]
        plats += list((extra_platforms or {}).get(variant, ()))
        ws = _torch_family(out, variant, pythons, plats)
        if variant == "cpu":  # the CPU index's macOS wheels carry no local label
            ws += [wheelmaker.torch_wheel(out, "2.9.1", tags=f"{py}-none-macosx_11_0_arm64",
                                          requires_dist=torch_requires("cpu")) for py in pythons]
        if variant.startswith("cu"):
            ws += _triton_like(out, "triton", "3.5.1", pythons)
        elif variant.startswith("rocm"):
            ws += _triton_like(out, "pytorch-triton-rocm", "3.5.1", pythons)
        elif variant == "xpu":
            ws += _triton_like(out, "pytorch-triton-xpu", "3.5.0", pythons)
        per_variant[variant] = ws

    def entries(ws: Sequence[Wheel], rel_dir: str):
        for w in ws:
            dest = _copy_into(w, root / rel_dir)
            if w.filename not in no_metadata_files:
                (dest.parent / (dest.name + ".metadata")).write_bytes(w.metadata)
            yield w, f"/{rel_dir}/{quote(w.filename)}", hashlib.sha256(w.metadata).hexdigest()

    shared_entries = list(entries(shared, "whl"))
    for variant in variants:
        projects: Dict[str, List[str]] = {}
        for w, href, msha in shared_entries + list(entries(per_variant[variant], f"whl/{variant}")):
            project = w.filename.split("-")[0].lower().replace("_", "-")
            attrs = [f'href="{href}' + ("" if w.filename in no_hash_files else f'#sha256={w.sha256}') + '"']
            if w.filename not in no_metadata_files:
                attrs += [f'data-dist-info-metadata="sha256={msha}"', f'data-core-metadata="sha256={msha}"']
            attrs.append(f'data-upload-time="{TORCH_UPLOAD_TIME}"')
            projects.setdefault(project, []).append(f"<a {' '.join(attrs)}>{html.escape(w.filename)}</a><br/>")
        vdir = root / "whl" / variant
        for project, anchors in projects.items():
            (vdir / project).mkdir(parents=True, exist_ok=True)
            (vdir / project / "index.html").write_text(
                f"<!DOCTYPE html>\n<html>\n  <body>\n    <h1>Links for {project}</h1>\n    "
                + "\n    ".join(sorted(anchors, key=lambda a: a.split(">")[1])) +
                f"\n  </body>\n</html>\n{TORCH_TIMESTAMP}")
        (vdir / "index.html").write_text(
            "<!DOCTYPE html>\n<html>\n  <body>\n    "
            + "\n    ".join(f'<a href="/whl/{variant}/{p}/">{p}</a><br/>' for p in sorted(projects))
            + f"\n  </body>\n</html>\n{TORCH_TIMESTAMP}")
    if work == root / "_build":
        shutil.rmtree(work, ignore_errors=True)
    return TorchMirror(root=root, variants=list(variants), wheels=per_variant)


def local_pypi_wheels(out: Union[str, Path], *, pythons: Sequence[str] = DEFAULT_PYTHONS) -> List[Wheel]:
    """A small PyPI for torch: plain torch 2.9.1 with its CUDA 12.8 Requires-Dist (Linux x86_64 gated),
    torchvision 0.24.1, every nvidia-*-cu12 pin (plus a newer cublas/nvjitlink so pins matter), triton
    3.5.1, and newer copies of the common dependencies than the PyTorch index has."""
    out = Path(out)
    pins = CUDA_PINS["12.8"]
    wheels = _torch_family(out, None, pythons, ["manylinux_2_28_x86_64", "manylinux_2_28_aarch64"])
    wheels += [wheelmaker.torch_wheel(out, "2.9.1", tags=f"{py}-none-macosx_11_0_arm64",
                                      requires_dist=torch_requires(None)) for py in pythons]
    wheels += [nvidia_wheel(out, n, v, pins=pins) for n, v in pins.items()]
    wheels.append(nvidia_wheel(out, "nvidia-cublas-cu12", "12.9.1.4", pins=pins))
    wheels.append(nvidia_wheel(out, "nvidia-nvjitlink-cu12", "12.9.86", pins=pins))
    wheels += _triton_like(out, "triton", "3.5.1", pythons)
    wheels += [_simple_wheel(out, p) for p in PYPI_COMMON]
    return wheels


def build_local_pypi(root: Union[str, Path], *, pythons: Sequence[str] = DEFAULT_PYTHONS,
                     extra_wheels: Sequence[Wheel] = (), prefix: str = "simple") -> Path:
    root = Path(root)
    work = root / "_pypi_build"
    wheels = local_pypi_wheels(work, pythons=pythons) + list(extra_wheels)
    path = build_simple_index(root, wheels, prefix=prefix, files_prefix="packages")
    shutil.rmtree(work, ignore_errors=True)
    return path


# --- serving -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> Optional[str]:
    for c in (os.environ.get("PTINSTALL_NGINX"), shutil.which("nginx"), "/usr/sbin/nginx"):
        if c and os.path.exists(c):
            return c
    return None


class _FaultHandler(QuietHandler):
    server: "_FaultServer"

    def do_GET(self):
        path = unquote(urlsplit(self.path).path)
        fault = self.server.faults.get(path, "")
        with self.server.lock:
            self.server.hits[path] = self.server.hits.get(path, 0) + 1
            hit = self.server.hits[path]
        kind, _, arg = fault.partition(":")
        if kind == "flaky":
            n, _, code = arg.partition(":")
            if hit <= int(n or "1"):
                self.send(int(code or "500"), b"flaky failure %d" % hit)
                return
        if kind == "slow":
            time.sleep(float(arg or "2"))
        body, ctype = self._content(path)
        if body is None:
            self.send(404, b"not found")
            return
        if kind == "truncate":
            keep = int(arg) if arg else len(body) // 2
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:keep])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send(200, body, {"Vary": "Accept"}, ctype)

    def _content(self, path):
        local = os.path.normpath(os.path.join(self.server.root, path.lstrip("/")))
        if not local.startswith(self.server.root):
            return None, ""
        if os.path.isdir(local):
            js, ht = os.path.join(local, "index.json"), os.path.join(local, "index.html")
            if re.search(r"vnd\.pypi\.simple\.(v1|latest)\+json", self.headers.get("Accept", "")) \
                    and os.path.exists(js):
                return open(js, "rb").read(), PEP691_JSON
            if os.path.exists(ht):
                return open(ht, "rb").read(), "text/html"
            return None, ""
        if os.path.isfile(local):
            return open(local, "rb").read(), "application/octet-stream"
        return None, ""


class _FaultServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, root: str, faults: Dict[str, str]):
        super().__init__(("127.0.0.1", 0), _FaultHandler)
        self.root = root
        self.faults = faults
        self.lock = threading.Lock()
        self.hits: Dict[str, int] = {}

    def handle_error(self, request, client_address):
        pass


_PROXIED = ("truncate", "flaky", "slow")

NGINX_CONF = """\
{user_line}worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format ptinstall '$request_method\\t$request_uri\\t$status\\t$http_accept\\t$http_range\\t$body_bytes_sent';
    access_log {prefix}/logs/access.log ptinstall;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    absolute_redirect off;
    server_tokens off;
    types {{
        text/html html;
        {json_type} json;
        application/octet-stream whl metadata;
    }}
    default_type application/octet-stream;
    map $http_accept $pep691_index {{
        default index.html;
        "~*application/vnd\\.pypi\\.simple\\.(v1|latest)\\+json" index.json;
    }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index $pep691_index index.html;
        # How many requests nginx has begun (IndexServer.requests waits until they are logged).
{auth}        location = /__ptinstall_status__ {{ stub_status; access_log off; auth_basic off; }}
{locations}
        location / {{
            add_header Vary Accept;
{page_cache}        }}
        location ~ "\\.(whl|metadata|tar\\.gz|zip)$" {{
{file_cache}{file_limit}        }}
        location ^~ /whl/ {{
            add_header Cache-Control "no-cache,no-store,must-revalidate";
            try_files $uri $uri/ =403;
            location ~ "\\.(whl|metadata)$" {{
                add_header Cache-Control "max-age=31536000, public";
                try_files $uri =403;
            }}
        }}
    }}
}}
"""


@dataclass
class Request:
    method: str
    uri: str
    status: int
    accept: str
    range: str
    bytes_sent: int

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.uri).path)


_RUNNING: "weakref.WeakSet[IndexServer]" = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    """nginx runs in its own session: stop what a crashed or interrupted test run left behind."""
    for server in list(_RUNNING):
        server.stop()


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the parent dies (Linux prctl PR_SET_PDEATHSIG)."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)


class IndexServer:
    """nginx serving `root` on 127.0.0.1:<free port>; use as a context manager or start()/stop()."""

    def __init__(self, root: Union[str, Path], *, faults: Optional[Mapping[str, str]] = None,
                 port: Optional[int] = None, workers: int = 2, state_dir: Optional[Union[str, Path]] = None,
                 cache_headers: bool = True, die_with_parent: bool = False,
                 basic_auth: Optional[Mapping[str, str]] = None,
                 limit_rate: Optional[str] = None):
        """cache_headers: answer like PyPI (pages `max-age=600, public`, files `max-age=365000000, immutable,
        public`), so HTTP caches of clients work; False sends no Cache-Control outside /whl/.
        die_with_parent: the kernel sends nginx SIGTERM when the thread that started it dies, even by
        SIGKILL (the command line's servers; not the tests', whose fixtures may start it from a thread).
        basic_auth: {user: password}: every path wants HTTP basic auth, as a private index does (401 with
        `WWW-Authenticate: Basic` otherwise).
        limit_rate: nginx's limit_rate for files (e.g. "20m": 20 MB/s), which caps each request (each
        connection of a ranged download too), like a CDN's per-connection throughput."""
        self.root = Path(root).resolve()
        self.faults = {p: str(f) for p, f in (faults or {}).items()}
        self.port = port
        self.workers = workers
        self.cache_headers = cache_headers
        self.die_with_parent = die_with_parent
        self.basic_auth = dict(basic_auth or {})
        self.limit_rate = limit_rate
        self._own_state = state_dir is None
        self.prefix = Path(state_dir) if state_dir else Path(tempfile.mkdtemp(prefix="ptinstall-nginx-"))
        self.proc: Optional[subprocess.Popen] = None
        self._fault_server: Optional[_FaultServer] = None
        self._status_queries = 0  # requests to the status location, which nginx counts but does not log
        self._logged_before = 0   # lines logged by this nginx that are no longer in the log (clear_log)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def index_url(self, path: str = "/simple/") -> str:
        return self.url + path

    def __enter__(self) -> "IndexServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _locations(self, backend_port: Optional[int]) -> str:
        out = []
        for path, fault in sorted(self.faults.items()):
            kind = fault.partition(":")[0]
            loc = path.replace('"', "")
            if kind == "drop":
                body = "return 444;"
            elif kind in _PROXIED:
                body = (f"proxy_pass http://127.0.0.1:{backend_port}; proxy_buffering off; "
                        "proxy_set_header Accept $http_accept;")
            elif kind.isdigit():
                body = f"return {int(kind)};"
            else:
                raise ValueError(f"unknown fault {fault!r} for {path}")
            out.append(f'        location = "{loc}" {{ {body} }}')
        return "\n".join(out)

    def start(self) -> None:
        nginx = nginx_binary()
        if not nginx:
            raise RuntimeError("nginx is not installed (scripts/apt-ensure nginx-light)")
        backend_port = None
        if any(f.partition(":")[0] in _PROXIED for f in self.faults.values()):
            self._fault_server = _FaultServer(str(self.root), self.faults)
            threading.Thread(target=self._fault_server.serve_forever, daemon=True).start()
            backend_port = self._fault_server.server_address[1]
        for d in ("logs", "tmp"):
            (self.prefix / d).mkdir(parents=True, exist_ok=True)
        user_line = ""
        if os.geteuid() == 0:
            import grp
            import pwd
            user_line = f"user {pwd.getpwuid(0).pw_name} {grp.getgrgid(0).gr_name};\n"
        auth = ""
        if self.basic_auth:
            (self.prefix / "htpasswd").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in self.basic_auth.items()))
            auth = f'        auth_basic "private index"; auth_basic_user_file {self.prefix}/htpasswd;\n'
        fixed_port = self.port
        last_error = ""
        for _attempt in range(8):
            self.port = fixed_port or free_port()
            conf = NGINX_CONF.format(user_line=user_line, workers=self.workers, prefix=self.prefix,
                                     json_type=PEP691_JSON, port=self.port, root=self.root, auth=auth,
                                     locations=self._locations(backend_port),
                                     page_cache=('            add_header Cache-Control "max-age=600, public";\n'
                                                 if self.cache_headers else ""),
                                     file_cache=('            add_header Cache-Control '
                                                 '"max-age=365000000, immutable, public";\n'
                                                 if self.cache_headers else ""),
                                     file_limit=(f"            limit_rate {self.limit_rate};\n"
                                                 if self.limit_rate else ""))
            (self.prefix / "nginx.conf").write_text(conf)
            err = open(self.prefix / "logs" / "stderr.log", "w")
            self.proc = subprocess.Popen(
                [nginx, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"),
                 "-e", str(self.prefix / "logs" / "error.log"), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True,
                preexec_fn=_die_with_parent if self.die_with_parent else None)
            err.close()
            deadline = time.time() + 10
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                        _RUNNING.add(self)
                        self._status_queries = 0
                        log = self.prefix / "logs" / "access.log"
                        self._logged_before = -len(log.read_text(errors="replace").splitlines()) if log.exists() else 0
                        return
                except OSError:
                    time.sleep(0.02)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            last_error = (self.prefix / "logs" / "error.log").read_text(errors="replace")[-2000:]
            if "Address already in use" not in last_error or fixed_port:
                break
        self.proc = None
        raise RuntimeError(f"nginx did not start:\n{last_error}")

    def stop(self) -> None:
        _RUNNING.discard(self)
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)   # fast shutdown of master and workers
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
        if self._fault_server is not None:
            self._fault_server.shutdown()
            self._fault_server.server_close()
            self._fault_server = None
        if self._own_state:
            shutil.rmtree(self.prefix, ignore_errors=True)

    def _requests_begun(self) -> Optional[int]:
        """How many requests this nginx has begun, not counting the queries of its status."""
        import urllib.request
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(self.url + "/__ptinstall_status__", timeout=30) as r:
                text = r.read().decode()
        except OSError:
            return None
        self._status_queries += 1
        m = re.search(r"^\s*\d+\s+\d+\s+(\d+)\s*$", text, re.M)  # accepts handled requests
        return int(m.group(1)) - self._status_queries if m else None

    def _log_lines(self, settle: bool) -> List[str]:
        """The lines of the access log; with `settle`, once every request begun so far is in it: nginx
        writes a line just after answering, so a client may be done before its line is there (on a
        loaded machine the worker can be descheduled in between, for any time)."""
        log = self.prefix / "logs" / "access.log"
        begun = self._requests_begun() if settle and self.proc is not None and self.proc.poll() is None else None
        deadline = time.monotonic() + 20
        while True:
            lines = log.read_text(errors="replace").splitlines() if log.exists() else []
            if begun is None or len(lines) + self._logged_before >= begun or time.monotonic() > deadline:
                return lines
            time.sleep(0.01)

    def requests(self) -> List[Request]:
        """Requests nginx has logged so far (proxied fault routes included), every one it had begun
        when this is called among them (one still being answered is waited for, up to 20 s)."""
        out = []
        for line in self._log_lines(settle=True):
            parts = line.split("\t")
            if len(parts) == 6:
                m, uri, status, accept, rng, sent = parts
                out.append(Request(m, uri, int(status), "" if accept == "-" else accept,
                                   "" if rng == "-" else rng, int(sent) if sent.isdigit() else 0))
        return out

    def clear_log(self) -> None:
        log = self.prefix / "logs" / "access.log"
        if log.exists():
            # Every request begun so far logged first, so that no line of one lands after the truncation.
            self._logged_before += len(self._log_lines(settle=True))
            log.write_text("")  # nginx appends (O_APPEND), truncation is safe


def demo_extra_wheels(out: Path) -> List[Wheel]:
    """What the demo's PyPI needs beyond local_pypi_wheels for the README's commands: pillow (torchvision's
    dependency) and a real setuptools and wheel, so that a local project builds (the index's setuptools
    80.9.0 is an empty stand-in). setuptools comes from the ensurepip bundle of `python3` when it has one
    (pyenv's CPythons), else from Debian's python3-setuptools-whl, as in buildtools."""
    wheels = [_simple_wheel(out, Pkg("pillow", "11.3.0", [], ">=3.9"))]
    bundled: List[Path] = []
    try:
        r = subprocess.run(["python3", "-c", "import ensurepip, os; print(os.path.dirname(ensurepip.__file__))"],
                           capture_output=True, text=True, timeout=30)
        if r.returncode == 0 and r.stdout.strip():
            bundled = sorted(Path(r.stdout.strip(), "_bundled").glob("setuptools-*.whl"))
    except OSError:
        pass
    debian = Path("/usr/share/python-wheels")
    for found in (bundled or sorted(debian.glob("setuptools-*.whl")), sorted(debian.glob("wheel-*.whl"))):
        if found:
            wheels.append(wheelmaker.wheel_from_file(found[-1]))
    return wheels


def build_demo(root: Path) -> None:
    build_torch_mirror(root)
    build_local_pypi(root)
    work = root / "_demo_build"
    build_simple_index(root, demo_extra_wheels(work), prefix="simple", files_prefix="packages")
    shutil.rmtree(work, ignore_errors=True)


def wait_for_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def main(argv: Sequence[str]) -> int:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("root")
    s.add_argument("--port", type=int)
    d = sub.add_parser("demo")
    d.add_argument("dir")
    d.add_argument("--port", type=int)
    w = sub.add_parser("wait")
    w.add_argument("port", type=int)
    w.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args(argv)
    if args.cmd == "wait":
        if wait_for_port(args.port, args.timeout):
            return 0
        print(f"error: nothing answers on 127.0.0.1:{args.port} after {args.timeout:g} s", file=sys.stderr)
        return 1
    if not nginx_binary():
        print("error: nginx is not installed\nhint: ./scripts/apt-ensure nginx-light (./scripts/bootstrap does)",
              file=sys.stderr)
        return 1

    # A closed terminal (SIGHUP), `timeout` or a CI step ending (SIGTERM) end the demo like Ctrl-C, so
    # the `with` below stops nginx (which runs in its own session and would outlive us otherwise).
    def stop(signum, _frame):
        raise KeyboardInterrupt
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, stop)
    root = Path(args.root if args.cmd == "serve" else args.dir)
    try:
        if args.cmd == "demo":
            build_demo(root)
        with IndexServer(root, port=args.port, die_with_parent=True) as server:
            print(f"serving {root} at {server.url} (PyPI: {server.url}/simple/, torch: {server.url}/whl/cu128/)",
                  flush=True)
            while server.proc and server.proc.poll() is None:
                time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
