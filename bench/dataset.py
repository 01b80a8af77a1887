"""The benchmark's package index: generated wheels shaped like a real application, a torch-shaped family,
a boto3/botocore-style family for backtracking, and the real wheels found on this machine.

Everything is written under bench/work/ and reused while the parameters stay the same (a stamp file
records them)."""
from __future__ import annotations

import glob
import hashlib
import json
import platform
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "e2e"))
import indexserver  # noqa: E402
import wheelmaker  # noqa: E402
from wheelmaker import Wheel, normalize_name  # noqa: E402

# name, version, kind (py = pure Python, bin = compiled), files, compressed KiB, Requires-Dist
# Sizes and file counts are those of the real wheels (rounded), dependencies as their metadata has them.
APP: List[Tuple[str, str, str, int, int, Sequence[str]]] = [
    ("numpy", "2.1.3", "bin", 1150, 16000, []),
    ("pandas", "2.2.3", "bin", 2200, 12500, ["numpy>=1.23.2", "python-dateutil>=2.8.2", "pytz>=2020.1",
                                            "tzdata>=2022.7"]),
    ("scipy", "1.14.1", "bin", 2500, 40000, ["numpy<2.3,>=1.23.5"]),
    ("python-dateutil", "2.9.0.post0", "py", 25, 230, ["six>=1.5"]),
    ("six", "1.16.0", "py", 3, 11, []),
    ("pytz", "2024.2", "py", 620, 500, []),
    ("tzdata", "2024.2", "py", 640, 340, []),
    ("fastapi", "0.115.5", "py", 50, 94, ["starlette<0.42.0,>=0.40.0",
                                          "pydantic!=1.8,!=1.8.1,!=2.0.0,!=2.0.1,!=2.1.0,<3.0.0,>=1.7.4",
                                          "typing-extensions>=4.8.0"]),
    ("starlette", "0.41.3", "py", 70, 73, ["anyio<5,>=3.4.0"]),
    ("pydantic", "2.10.2", "py", 110, 450, ["annotated-types>=0.6.0", "pydantic-core==2.27.1",
                                            "typing-extensions>=4.12.2"]),
    ("pydantic-core", "2.27.1", "bin", 12, 2000, ["typing-extensions!=4.7.0,>=4.6.0"]),
    ("annotated-types", "0.7.0", "py", 7, 13, []),
    ("anyio", "4.6.2.post1", "py", 60, 90, ["idna>=2.8", "sniffio>=1.1"]),
    ("sniffio", "1.3.1", "py", 8, 10, []),
    ("idna", "3.10", "py", 12, 70, []),
    ("typing-extensions", "4.12.2", "py", 4, 37, []),
    ("uvicorn", "0.32.1", "py", 45, 63, ["click>=7.0", "h11>=0.8",
                                         'httptools>=0.6.3; extra == "standard"',
                                         'python-dotenv>=0.13; extra == "standard"',
                                         'pyyaml>=5.1; extra == "standard"',
                                         'uvloop!=0.15.0,!=0.15.1,>=0.14.0; (sys_platform != "win32" and '
                                         'sys_platform != "cygwin") and platform_python_implementation != '
                                         '"PyPy" and extra == "standard"',
                                         'watchfiles>=0.13; extra == "standard"',
                                         'websockets>=10.4; extra == "standard"']),
    ("h11", "0.14.0", "py", 30, 58, []),
    ("click", "8.1.7", "py", 20, 97, []),
    ("httpx", "0.28.0", "py", 30, 73, ["anyio", "certifi", "httpcore==1.*", "idna"]),
    ("httpcore", "1.0.7", "py", 40, 78, ["certifi", "h11<0.15,>=0.13"]),
    ("certifi", "2024.8.30", "py", 8, 167, []),
    ("requests", "2.32.3", "py", 22, 64, ["charset-normalizer<4,>=2", "idna<4,>=2.5", "urllib3<3,>=1.21.1",
                                          "certifi>=2017.4.17"]),
    ("urllib3", "2.2.3", "py", 35, 126, []),
    ("charset-normalizer", "3.4.0", "bin", 35, 142, []),
    ("jinja2", "3.1.4", "py", 30, 133, ["MarkupSafe>=2.0"]),
    ("markupsafe", "3.0.2", "bin", 10, 23, []),
    ("sqlalchemy", "2.0.36", "bin", 260, 3200, ["typing-extensions>=4.6.0",
                                                'greenlet!=0.4.17; python_version < "3.14" and '
                                                '(platform_machine == "aarch64" or platform_machine == "x86_64")']),
    ("greenlet", "3.1.1", "bin", 60, 600, []),
    ("alembic", "1.14.0", "py", 160, 233, ["SQLAlchemy>=1.3.0", "Mako", "typing-extensions>=4"]),
    ("mako", "1.3.6", "py", 50, 78, ["MarkupSafe>=0.9.2"]),
    ("pyyaml", "6.0.2", "bin", 30, 750, []),
    ("rich", "13.9.4", "py", 80, 242, ["markdown-it-py>=2.2.0", "pygments<3.0.0,>=2.13.0"]),
    ("markdown-it-py", "3.0.0", "py", 70, 87, ["mdurl~=0.1"]),
    ("mdurl", "0.1.2", "py", 10, 10, []),
    ("pygments", "2.18.0", "py", 600, 1200, []),
    ("attrs", "24.2.0", "py", 40, 63, []),
    ("jsonschema", "4.23.0", "py", 60, 88, ["attrs>=22.2.0", "jsonschema-specifications>=2023.03.6",
                                            "referencing>=0.28.4", "rpds-py>=0.7.1"]),
    ("jsonschema-specifications", "2024.10.1", "py", 40, 18, ["referencing>=0.31.0"]),
    ("referencing", "0.35.1", "py", 25, 26, ["attrs>=22.2.0", "rpds-py>=0.7.0"]),
    ("rpds-py", "0.21.0", "bin", 8, 380, []),
    ("packaging", "24.2", "py", 25, 65, []),
    ("pluggy", "1.5.0", "py", 12, 20, []),
    ("pytest", "8.3.3", "py", 90, 342, ["iniconfig", "packaging", "pluggy<2,>=1.5"]),
    ("iniconfig", "2.0.0", "py", 7, 6, []),
    ("cryptography", "43.0.3", "bin", 250, 3900, ['cffi>=1.12; platform_python_implementation != "PyPy"']),
    ("cffi", "1.17.1", "bin", 40, 480, ["pycparser"]),
    ("pycparser", "2.22", "py", 40, 118, []),
    ("orjson", "3.10.11", "bin", 8, 140, []),
    ("redis", "5.2.0", "py", 150, 262, ['async-timeout>=4.0.3; python_full_version < "3.11.3"']),
    ("async-timeout", "5.0.1", "py", 6, 6, []),
    ("celery", "5.4.0", "py", 400, 425, ["billiard<5.0,>=4.2.0", "kombu<6.0,>=5.3.4", "vine<6.0,>=5.1.0",
                                         "click<9.0,>=8.1.2", "click-didyoumean>=0.3.0", "click-repl>=0.2.0",
                                         "click-plugins>=1.1.1", "tzdata>=2022.7", "python-dateutil>=2.8.2"]),
    ("kombu", "5.4.2", "py", 150, 201, ["amqp<6.0.0,>=5.1.1", "vine==5.1.0"]),
    ("amqp", "5.3.1", "py", 25, 50, ["vine<6.0.0,>=5.0.0"]),
    ("vine", "5.1.0", "py", 12, 9, []),
    ("billiard", "4.2.1", "py", 40, 86, []),
    ("click-didyoumean", "0.3.1", "py", 5, 4, ["click>=7"]),
    ("click-repl", "0.3.0", "py", 8, 10, ["click>=7.0", "prompt-toolkit>=3.0.36"]),
    ("click-plugins", "1.1.1", "py", 6, 8, ["click>=4.0"]),
    ("prompt-toolkit", "3.0.48", "py", 280, 386, ["wcwidth"]),
    ("wcwidth", "0.2.13", "py", 15, 34, []),
    ("python-dotenv", "1.0.1", "py", 20, 19, []),
    ("watchfiles", "0.24.0", "bin", 10, 425, ["anyio>=3.0.0"]),
    ("websockets", "14.1", "bin", 90, 168, []),
    ("httptools", "0.6.4", "bin", 20, 450, []),
    ("uvloop", "0.21.0", "bin", 60, 3800, []),
    ("email-validator", "2.2.0", "py", 15, 33, ["dnspython>=2.0.0", "idna>=2.0.0"]),
    ("dnspython", "2.7.0", "py", 180, 313, []),
    ("itsdangerous", "2.2.0", "py", 15, 16, []),
    ("werkzeug", "3.1.3", "py", 110, 224, ["MarkupSafe>=2.1.1"]),
    ("flask", "3.1.0", "py", 50, 102, ["Werkzeug>=3.1", "Jinja2>=3.1.2", "itsdangerous>=2.2", "click>=8.1.3",
                                       "blinker>=1.9"]),
    ("blinker", "1.9.0", "py", 8, 8, []),
    ("gunicorn", "23.0.0", "py", 80, 85, ["packaging"]),
    ("tqdm", "4.67.1", "py", 40, 78, []),
    ("filelock", "3.16.1", "py", 12, 16, []),
    ("fsspec", "2024.10.0", "py", 100, 179, []),
    ("sympy", "1.13.3", "py", 1500, 6200, ["mpmath<1.4,>=1.1.0"]),
    ("mpmath", "1.3.0", "py", 150, 536, []),
    ("networkx", "3.4.2", "py", 1000, 1700, []),
    ("pillow", "11.0.0", "bin", 150, 4300, []),
    ("jmespath", "1.0.1", "py", 12, 20, []),
    ("wrapt", "1.16.0", "bin", 15, 80, []),
    ("aioitertools", "0.12.0", "py", 15, 24, []),
]
PROVIDES_EXTRA = {"uvicorn": ["standard"]}

# what the application asks for (requirements.txt of the install scenarios)
APP_REQUIREMENTS = [
    "fastapi", "uvicorn[standard]", "pydantic>=2", "httpx", "requests", "pandas", "scipy", "sqlalchemy>=2",
    "alembic", "boto3", "rich", "jsonschema", "pytest", "cryptography", "orjson", "redis", "celery",
    "email-validator", "flask", "gunicorn", "tqdm", "pillow", "jinja2", "click", "python-dotenv", "networkx",
    "sympy", "fsspec", "filelock", "setuptools", "wheel",
]
BACKTRACK_REQUIREMENTS = ["boto3", "aiobotocore"]

BOTO_MINOR = 35
BOTO_VERSIONS = 120          # boto3 and botocore 1.35.0 ... 1.35.119
BOTOCORE_SIZE = (1000, 12500)  # files, KiB of the newest botocore (the one installed)
BOTO3_SIZE = (60, 139)


def older_versions(version: str, n: int) -> List[str]:
    """n plausible earlier releases of version (lower last component, then lower minor)."""
    parts = version.split(".")
    head = [p for p in parts if p.isdigit()]
    out = []
    nums = [int(p) for p in head] + [0] * (3 - len(head))
    major, minor, micro = nums[:3]
    for _ in range(n):
        if micro > 0:
            micro -= 1
        elif minor > 0:
            minor, micro = minor - 1, 3
        else:
            major, minor, micro = major - 1, 9, 0
        out.append(f"{major}.{minor}.{micro}")
    return out


@dataclass
class Params:
    python_tag: str                 # cp311
    machine: str                    # x86_64
    big_bytes: int                  # compressed size of the big torch wheel
    big_files: int
    nvidia_scale: float             # nvidia wheel size = real size * scale
    app_scale: float                # application wheel size = real size * scale
    old_versions: int = 2           # earlier releases per application package (small files)

    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.__dict__, sort_keys=True).encode()).hexdigest()[:12]


@dataclass
class Dataset:
    root: Path                      # served by nginx; index at /simple/
    wheels: Dict[Tuple[str, str], Path]   # (normalized name, version) -> wheel file in the tree
    big_wheel: Path
    app_requirements: Path
    backtrack_requirements: Path
    params: Params
    summary: Dict[str, object]


def _bin_tags(p: Params) -> str:
    if p.machine == "x86_64":
        plat = "manylinux_2_17_x86_64.manylinux2014_x86_64"
    else:
        plat = f"manylinux_2_17_{p.machine}.manylinux2014_{p.machine}"
    return f"{p.python_tag}-{p.python_tag}-{plat}"


def _app_wheels(out: Path, p: Params, log) -> List[Wheel]:
    wheels = []
    for i, (name, version, kind, files, kib, deps) in enumerate(APP):
        tags = _bin_tags(p) if kind == "bin" else "py3-none-any"
        module = wheelmaker.escape_name(name)
        scaled_files = max(2, int(files * min(1.0, p.app_scale ** 0.5)))
        payload = wheelmaker.payload_files(module, files=scaled_files, compressed_bytes=int(kib * 1024 * p.app_scale),
                                           seed=i, binary_fraction=0.3 if kind == "bin" else 0.0)
        wheels.append(wheelmaker.build_wheel(out, name, version, tags=tags, requires_dist=deps,
                                             requires_python=">=3.8", provides_extra=PROVIDES_EXTRA.get(name, ()),
                                             files=payload))
        for old in older_versions(version, p.old_versions):
            wheels.append(wheelmaker.build_wheel(out, name, old, tags=tags, requires_dist=deps,
                                                 requires_python=">=3.8",
                                                 provides_extra=PROVIDES_EXTRA.get(name, ())))
    log(f"  application: {len(APP)} projects, {len(wheels)} wheels")
    return wheels


def _boto_wheels(out: Path, p: Params, log) -> List[Wheel]:
    wheels = []
    newest = BOTO_VERSIONS - 1
    for n in range(BOTO_VERSIONS):
        v = f"1.{BOTO_MINOR}.{n}"
        big = n == newest
        core_payload = (wheelmaker.payload_files("botocore", files=max(2, int(BOTOCORE_SIZE[0] * min(1, p.app_scale ** 0.5))),
                                                 compressed_bytes=int(BOTOCORE_SIZE[1] * 1024 * p.app_scale),
                                                 seed=1000, binary_fraction=0.0) if big else None)
        wheels.append(wheelmaker.build_wheel(
            out, "botocore", v, requires_python=">=3.8", files=core_payload,
            requires_dist=["jmespath<2.0.0,>=0.7.1", "python-dateutil<3.0.0,>=2.1",
                           'urllib3<1.27,>=1.25.4; python_version < "3.10"',
                           'urllib3!=2.2.0,<3,>=1.25.4; python_version >= "3.10"',
                           'awscrt==0.22.0; extra == "crt"'], provides_extra=["crt"]))
        b3_payload = (wheelmaker.payload_files("boto3", files=BOTO3_SIZE[0], seed=1001, binary_fraction=0.0,
                                               compressed_bytes=int(BOTO3_SIZE[1] * 1024 * p.app_scale))
                      if big else None)
        wheels.append(wheelmaker.build_wheel(
            out, "boto3", v, requires_python=">=3.8", files=b3_payload,
            requires_dist=[f"botocore<1.{BOTO_MINOR + 1}.0,>=1.{BOTO_MINOR}.{n}", "jmespath<2.0.0,>=0.7.1",
                           "s3transfer<0.11.0,>=0.10.0", f'botocore[crt]<2.0a0,>=1.21.0; extra == "crt"'],
            provides_extra=["crt"]))
    for n in range(5):
        wheels.append(wheelmaker.build_wheel(out, "s3transfer", f"0.10.{n}", requires_python=">=3.8",
                                             requires_dist=["botocore<2.0a.0,>=1.33.2"]))
    # aiobotocore pins a narrow botocore window, so `boto3 aiobotocore` makes a resolver walk boto3 back
    for v, lo, hi in (("2.15.0", 16, 23), ("2.15.1", 16, 23), ("2.15.2", 16, 37)):
        wheels.append(wheelmaker.build_wheel(
            out, "aiobotocore", v, requires_python=">=3.8",
            requires_dist=[f"botocore<1.{BOTO_MINOR}.{hi},>=1.{BOTO_MINOR}.{lo}", "aioitertools<1.0.0,>=0.5.1",
                           "wrapt<2.0.0,>=1.10.10"]))
    log(f"  boto family: {len(wheels)} wheels ({BOTO_VERSIONS} versions of boto3 and botocore)")
    return wheels


def _torch_wheels(out: Path, p: Params, log) -> Tuple[List[Wheel], Wheel]:
    t0 = time.time()
    payload = wheelmaker.payload_files("torch", files=p.big_files, compressed_bytes=p.big_bytes, seed=42)
    big = wheelmaker.torch_wheel(out, "2.9.1", tags=f"{p.python_tag}-{p.python_tag}-manylinux_2_28_{p.machine}",
                                 cuda="12.8", requires_dist=indexserver.torch_requires(None), payload=payload)
    log(f"  torch: {big.path.stat().st_size / 1e6:.0f} MB, {p.big_files} files ({time.time() - t0:.0f} s)")
    wheels = [big]
    pins = indexserver.CUDA_PINS["12.8"]
    for i, (n, v) in enumerate(pins.items()):
        wheels.append(indexserver.nvidia_wheel(out, n, v, pins=pins, scale=p.nvidia_scale, seed=100 + i))
    triton_payload = wheelmaker.payload_files("triton", files=max(10, int(900 * min(1, p.nvidia_scale ** 0.3))),
                                              compressed_bytes=int(170_470_207 * p.nvidia_scale), seed=77)
    wheels.append(wheelmaker.build_wheel(out, "triton", "3.5.1",
                                         tags=f"{p.python_tag}-{p.python_tag}-manylinux_2_27_{p.machine}."
                                              f"manylinux_2_28_{p.machine}",
                                         requires_python=">=3.10,<3.15", files=triton_payload))
    log(f"  nvidia-* and triton: {sum(w.path.stat().st_size for w in wheels[1:]) / 1e6:.0f} MB")
    return wheels, big


def real_wheels() -> List[Path]:
    """pip/setuptools/wheel wheels shipped on this machine (Debian's and pyenv's ensurepip bundles)."""
    found = {}
    patterns = ["/usr/share/python-wheels/*.whl",
                str(Path.home() / ".pyenv/versions/*/lib/python3.*/ensurepip/_bundled/*.whl")]
    for pat in patterns:
        for f in sorted(glob.glob(pat)):
            found.setdefault(Path(f).name, Path(f))
    return list(found.values())


def build(work: Path, p: Params, log=print, force: bool = False) -> Dataset:
    root = work / f"index-{p.key()}"
    stamp = root / "dataset.json"
    if stamp.exists() and not force:
        info = json.loads(stamp.read_text())
        log(f"reusing the generated index {root}")
        return _dataset_from(root, info, p)
    if root.exists():
        shutil.rmtree(root)
    t0 = time.time()
    log(f"generating the benchmark index in {root} ...")
    gen = root / "_gen"
    wheels = _app_wheels(gen / "app", p, log) + _boto_wheels(gen / "boto", p, log)
    torch_ws, big = _torch_wheels(gen / "torch", p, log)
    wheels += torch_ws
    reals = []
    for f in real_wheels():
        w = wheelmaker.wheel_from_file(f)
        if not any(normalize_name(x.name) == normalize_name(w.name) and x.version == w.version for x in wheels):
            reals.append(w)
    wheels += reals
    log(f"  real wheels: {', '.join(w.filename for w in reals)}")
    indexserver.build_simple_index(root, wheels, prefix="simple", files_prefix="files")
    shutil.rmtree(gen)   # the tree holds hard links (or copies) of every file
    (root / "app.txt").write_text("\n".join(APP_REQUIREMENTS) + "\n")
    (root / "backtrack.txt").write_text("\n".join(BACKTRACK_REQUIREMENTS) + "\n")
    info = {
        "params": p.__dict__,
        "wheels": {f"{normalize_name(w.name)}=={w.version}": w.filename for w in wheels},
        "big_wheel": big.filename,
        "summary": {
            "projects": len({normalize_name(w.name) for w in wheels}),
            "wheels": len(wheels),
            "bytes": sum((root / "files" / w.filename).stat().st_size for w in wheels),
            "app_projects": len(APP),
            "real_wheels": [w.filename for w in reals],
            "generation_s": round(time.time() - t0, 1),
        },
    }
    stamp.write_text(json.dumps(info, indent=1))
    log(f"  {info['summary']['wheels']} wheels of {info['summary']['projects']} projects, "
        f"{info['summary']['bytes'] / 1e6:.0f} MB, in {info['summary']['generation_s']} s")
    return _dataset_from(root, info, p)


def _dataset_from(root: Path, info: dict, p: Params) -> Dataset:
    wheels = {}
    for key, filename in info["wheels"].items():
        name, _, version = key.partition("==")
        wheels[(name, version)] = root / "files" / filename
    return Dataset(root=root, wheels=wheels, big_wheel=root / "files" / info["big_wheel"],
                   app_requirements=root / "app.txt", backtrack_requirements=root / "backtrack.txt",
                   params=p, summary=info["summary"])


def default_params(python_tag: str, quick: bool, big_bytes: Optional[int] = None,
                   big_files: Optional[int] = None) -> Params:
    if quick:
        return Params(python_tag=python_tag, machine=platform.machine(), big_bytes=big_bytes or 50_000_000,
                      big_files=big_files or 3000, nvidia_scale=0.005, app_scale=0.25)
    return Params(python_tag=python_tag, machine=platform.machine(), big_bytes=big_bytes or 1_000_000_000,
                  big_files=big_files or 15000, nvidia_scale=0.05, app_scale=1.0)
