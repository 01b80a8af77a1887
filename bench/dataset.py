"""The benchmark's package index: generated wheels shaped like a real application, a torch-shaped family,
a boto3/botocore-style family for backtracking, and the real wheels found on this machine.

Everything is written under bench/work/ and reused while the parameters stay the same (a stamp file
records them)."""
from __future__ import annotations

import glob
import hashlib
import json
import os
import platform
import re
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

# moto[server] and what it brings that APP does not have (issue 19's realistic set: `moto[server] torch
# --torch-backend=cpu`, 66 packages with torch and its own dependencies). Versions and Requires-Dist as
# moto 5.0.x and its dependencies publish them (trimmed to what applies on Linux, CPython 3.9+).
MOTO: List[Tuple[str, str, str, int, int, Sequence[str]]] = [
    ("moto", "5.0.22", "py", 1700, 4600, [
        "boto3>=1.9.201", "botocore!=1.35.45,!=1.35.46,>=1.14.0", "cryptography>=35.0.0", "requests>=2.5",
        "xmltodict", "werkzeug!=2.2.0,!=2.2.1,>=0.5", "python-dateutil<3.0.0,>=2.1", "responses>=0.15.0",
        "Jinja2>=2.10.1",
        'antlr4-python3-runtime; extra == "server"', 'joserfc>=0.9.0; extra == "server"',
        'jsonpath-ng; extra == "server"', 'docker>=3.0.0; extra == "server"', 'graphql-core; extra == "server"',
        'PyYAML>=5.1; extra == "server"', 'cfn-lint>=0.40.0; extra == "server"',
        'openapi-spec-validator>=0.5.0; extra == "server"', 'pyparsing>=3.0.7; extra == "server"',
        'jsondiff>=1.1.2; extra == "server"', 'py-partiql-parser==0.5.6; extra == "server"',
        'aws-xray-sdk!=0.96,>=0.93; extra == "server"', 'setuptools; extra == "server"',
        'flask!=2.2.0,!=2.2.1; extra == "server"', 'flask-cors; extra == "server"']),
    ("xmltodict", "0.14.2", "py", 5, 10, []),
    ("responses", "0.25.3", "py", 30, 55, ["requests<3.0,>=2.30.0", "urllib3<3.0,>=1.25.10", "pyyaml"]),
    ("antlr4-python3-runtime", "4.13.2", "py", 40, 144, []),
    ("joserfc", "1.0.1", "py", 60, 62, ["cryptography"]),
    ("jsonpath-ng", "1.7.0", "py", 20, 30, ["ply"]),
    ("ply", "3.11", "py", 10, 49, []),
    ("docker", "7.1.0", "py", 60, 147, ["requests>=2.26.0", "urllib3>=1.26.0"]),
    ("graphql-core", "3.2.5", "py", 150, 203, ['typing-extensions<5,>=4; python_version < "3.10"']),
    ("cfn-lint", "1.20.2", "py", 3500, 5200, ["aws-sam-translator>=1.94.0", "jsonpatch", "networkx<4,>=2.4",
                                              "pyyaml>5.4", "regex", "sympy>=1.0.0", "typing-extensions"]),
    ("aws-sam-translator", "1.94.0", "py", 300, 420, ["boto3<2.dev0,>=1.19.5", "jsonschema<5,>=3.2",
                                                      "pydantic!=1.10.15,!=1.10.17,<3,>=1.8",
                                                      "typing-extensions>=4.4"]),
    ("jsonpatch", "1.33", "py", 5, 12, ["jsonpointer>=1.9"]),
    ("jsonpointer", "3.0.0", "py", 5, 8, []),
    ("regex", "2024.11.6", "bin", 20, 780, []),
    ("openapi-spec-validator", "0.7.1", "py", 50, 38, ["jsonschema<5.0.0,>=4.18.0",
                                                       "jsonschema-path<0.4.0,>=0.3.1",
                                                       "lazy-object-proxy<2.0.0,>=1.7.1",
                                                       "openapi-schema-validator<0.7.0,>=0.6.0"]),
    ("jsonschema-path", "0.3.3", "py", 15, 14, ["PyYAML>=5.1", "pathable<0.5.0,>=0.4.1",
                                                "referencing<0.36.0", "requests<3.0.0,>=2.31.0"]),
    ("pathable", "0.4.3", "py", 8, 9, []),
    ("lazy-object-proxy", "1.10.0", "bin", 8, 70, []),
    ("openapi-schema-validator", "0.6.2", "py", 15, 9, ["jsonschema<5.0.0,>=4.19.1",
                                                        "jsonschema-specifications>=2023.5.2",
                                                        "rfc3339-validator"]),
    ("rfc3339-validator", "0.1.4", "py", 4, 4, ["six"]),
    ("py-partiql-parser", "0.5.6", "py", 30, 23, []),
    ("pyparsing", "3.2.0", "py", 15, 106, []),
    ("jsondiff", "2.2.1", "py", 8, 13, ["pyyaml"]),
    ("aws-xray-sdk", "2.14.0", "py", 120, 101, ["botocore>=1.11.3", "wrapt"]),
    ("flask-cors", "5.0.0", "py", 8, 14, ["Flask>=0.9"]),
]
MOTO_REQUIREMENTS = ["moto[server]", "torch"]
MOTO_PROVIDES_EXTRA = {"moto": ["server"]}
# torch 2.9.1+cpu's Requires-Dist (the /whl/cpu build: no nvidia-* or triton)
TORCH_CPU_REQUIRES = ["filelock", "typing-extensions>=4.10.0", 'setuptools; python_version >= "3.12"',
                      "sympy>=1.13.3", "networkx>=2.5.1", "jinja2", "fsspec>=0.8.5"]
GENERATOR = 2        # bump when the generated index changes shape (2: the moto set and /whl/cpu)

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
    generator: int = GENERATOR      # the index's shape (a new one regenerates it)

    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.__dict__, sort_keys=True).encode()).hexdigest()[:12]


@dataclass
class Dataset:
    root: Path                      # served by nginx; index at /simple/
    wheels: Dict[Tuple[str, str], Path]   # (normalized name, version) -> wheel file in the tree
    big_wheel: Path
    app_requirements: Path
    backtrack_requirements: Path
    moto_requirements: Path         # moto[server] torch (with --torch-backend=cpu: torch from /whl/cpu)
    params: Params
    summary: Dict[str, object]


def _bin_tags(p: Params) -> str:
    if p.machine == "x86_64":
        plat = "manylinux_2_17_x86_64.manylinux2014_x86_64"
    else:
        plat = f"manylinux_2_17_{p.machine}.manylinux2014_{p.machine}"
    return f"{p.python_tag}-{p.python_tag}-{plat}"


def _app_wheels(out: Path, p: Params, log, projects=None, extras=None, seed0: int = 0) -> List[Wheel]:
    projects = APP if projects is None else projects
    extras = PROVIDES_EXTRA if extras is None else extras
    wheels = []
    for i, (name, version, kind, files, kib, deps) in enumerate(projects, start=seed0):
        tags = _bin_tags(p) if kind == "bin" else "py3-none-any"
        module = wheelmaker.escape_name(name)
        scaled_files = max(2, int(files * min(1.0, p.app_scale ** 0.5)))
        payload = wheelmaker.payload_files(module, files=scaled_files, compressed_bytes=int(kib * 1024 * p.app_scale),
                                           seed=i, binary_fraction=0.3 if kind == "bin" else 0.0)
        wheels.append(wheelmaker.build_wheel(out, name, version, tags=tags, requires_dist=deps,
                                             requires_python=">=3.8", provides_extra=extras.get(name, ()),
                                             files=payload))
        for old in older_versions(version, p.old_versions):
            wheels.append(wheelmaker.build_wheel(out, name, old, tags=tags, requires_dist=deps,
                                                 requires_python=">=3.8",
                                                 provides_extra=extras.get(name, ())))
    log(f"  {'application' if projects is APP else 'moto[server]'}: {len(projects)} projects, {len(wheels)} wheels")
    return wheels


def _torch_cpu_index(root: Path, gen: Path, p: Params, log) -> None:
    """/whl/cpu/: a PyTorch-shaped CPU index holding torch 2.9.1+cpu (a small torch-shaped wheel with the cpu
    build's Requires-Dist) for `--torch-backend=cpu --torch-backend-index <root>/whl`."""
    tag = f"{p.python_tag}-{p.python_tag}-manylinux_2_28_{p.machine}"
    payload = wheelmaker.payload_files("torch", files=max(10, int(p.big_files * 0.1)),
                                       compressed_bytes=max(1_000_000, p.big_bytes // 10), seed=43)
    torch = wheelmaker.torch_wheel(gen / "torch-cpu", "2.9.1+cpu", tags=tag, requires_dist=TORCH_CPU_REQUIRES,
                                   payload=payload)
    indexserver.build_simple_index(root, [torch], prefix="whl/cpu", files_prefix="whl/files")
    log(f"  /whl/cpu: {torch.filename} ({torch.path.stat().st_size / 1e6:.0f} MB)")


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
    wheels = (_app_wheels(gen / "app", p, log) + _boto_wheels(gen / "boto", p, log) +
              _app_wheels(gen / "moto", p, log, MOTO, MOTO_PROVIDES_EXTRA, seed0=len(APP)))
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
    _torch_cpu_index(root, gen, p, log)
    shutil.rmtree(gen)   # the tree holds hard links (or copies) of every file
    (root / "app.txt").write_text("\n".join(APP_REQUIREMENTS) + "\n")
    (root / "backtrack.txt").write_text("\n".join(BACKTRACK_REQUIREMENTS) + "\n")
    (root / "moto.txt").write_text("\n".join(MOTO_REQUIREMENTS) + "\n")
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
                   moto_requirements=root / "moto.txt",
                   params=p, summary=info["summary"])


def default_params(python_tag: str, quick: bool, big_bytes: Optional[int] = None,
                   big_files: Optional[int] = None) -> Params:
    if quick:
        return Params(python_tag=python_tag, machine=platform.machine(), big_bytes=big_bytes or 50_000_000,
                      big_files=big_files or 3000, nvidia_scale=0.005, app_scale=0.25)
    return Params(python_tag=python_tag, machine=platform.machine(), big_bytes=big_bytes or 1_000_000_000,
                  big_files=big_files or 15000, nvidia_scale=0.05, app_scale=1.0)


# --- build-from-source data (build-cold, build-warm, editable, rebuild) ----------------------------------
#
# A second index with only sdists for the packages it lists, made from real projects' sources found on this
# machine (Debian's python3-* packages under /usr/lib/python3/dist-packages; MarkupSafe, a real C extension,
# and Jinja2 from a pyenv CPython's site-packages), plus the build backends as wheels (setuptools, wheel).
# Each sdist holds the real files of the project (without .pyc and compiled objects) under a setup.py or a
# pyproject.toml written from the installed metadata (name, version, summary, requires-python, console
# scripts). Most sdists have a PKG-INFO of Metadata-Version 2.1, so a frontend must run the build to learn
# their dependencies; two (STATIC_SDISTS) have PEP 643 static metadata (2.2, no Dynamic).

DEBIAN_SITE = Path("/usr/lib/python3/dist-packages")
PYTHON_WHEELS = Path("/usr/share/python-wheels")
BUILD_GENERATOR = 1        # bump when the generated sdists change shape

# distribution name (as in its metadata), top-level modules/packages, where from, layout, Requires-Dist.
# Layouts: "setup.py" (no pyproject.toml: the PEP 517 __legacy__ default backend), "build-system"
# (pyproject.toml with [build-system] + setup.py), "project" (a static [project] table, setuptools>=61),
# "cext" (setup.py with an Extension, src/ layout, as MarkupSafe's own). Requires-Dist None: the installed
# metadata's unconditional ones.
BUILD_SOURCES: List[Tuple[str, Sequence[str], str, str, Optional[Sequence[str]]]] = [
    ("six", ["six.py"], "debian", "setup.py", None),
    ("idna", ["idna"], "debian", "setup.py", None),
    ("certifi", ["certifi"], "debian", "setup.py", None),
    ("chardet", ["chardet"], "debian", "build-system", None),
    ("urllib3", ["urllib3"], "debian", "setup.py", None),
    ("charset-normalizer", ["charset_normalizer"], "debian", "build-system", None),
    # Debian's egg-info drops requests' install_requires; these are upstream's, with Debian's relaxed
    # charset_normalizer pin (bookworm ships 3.0.1 for requests 2.28.1)
    ("requests", ["requests"], "debian", "setup.py",
     ["charset_normalizer<4,>=2", "idna<4,>=2.5", "urllib3<1.27,>=1.21.1", "certifi>=2017.4.17"]),
    ("attrs", ["attr", "attrs"], "debian", "project", None),
    ("packaging", ["packaging"], "debian", "build-system", None),
    ("pyparsing", ["pyparsing"], "debian", "project", None),
    ("PyYAML", ["yaml"], "debian", "setup.py", None),          # the pure part (yaml/, no _yaml)
    ("tomli", ["tomli"], "debian", "project", None),
    ("MarkupSafe", ["markupsafe"], "pyenv", "cext", None),     # markupsafe/_speedups.c compiles with gcc
    ("Jinja2", ["jinja2"], "pyenv", "project", None),
]
STATIC_SDISTS = ("six", "tomli")      # PKG-INFO 2.2 without Dynamic (PEP 643)
LOCAL_PROJECT = "chardet"             # the local tree of the editable and rebuild scenarios
LOCAL_TOUCH = "chardet/universaldetector.py"
SKIP_SUFFIXES = (".pyc", ".so")


@dataclass
class BuildSource:
    name: str                        # as in the metadata (PyYAML)
    version: str
    site: Path
    tops: Sequence[str]
    layout: str
    requires: List[str]
    requires_python: Optional[str]
    summary: str
    scripts: Dict[str, str]          # console_scripts


@dataclass
class BuildDataset:
    root: Path                       # served by nginx; index at /simple/
    sdists: Dict[str, Path]          # normalized name -> sdist file
    versions: Dict[str, str]         # normalized name -> version
    requirements: List[str]          # name==version of every sdist (the command line of build-cold)
    local_project: Path              # template tree of the local project (copied per scenario)
    local_touch: str
    backends: List[str]              # backend wheel filenames
    c_extension: Optional[str]
    missing: List[str]               # sources this machine lacks (left out)


def _pyenv_site_packages() -> List[Path]:
    roots = []
    for r in (os.environ.get("PYENV_ROOT"), str(Path.home() / ".pyenv"), "/root/.pyenv"):
        if r and Path(r).is_dir() and Path(r).resolve() not in roots:
            roots.append(Path(r).resolve())
    out = []
    for r in roots:
        for d in sorted(glob.glob(str(r / "versions" / "3.*" / "lib" / "python3.*" / "site-packages")), reverse=True):
            out.append(Path(d))
    return out


def _installed_meta(site: Path, name: str) -> Optional[Path]:
    """The .dist-info/.egg-info directory (or file) of `name` in site."""
    want = normalize_name(name)
    for d in sorted(site.iterdir()):
        if d.suffix in (".dist-info", ".egg-info"):
            if normalize_name(d.name[:-len(d.suffix)].rsplit("-", 1)[0]) == want:
                return d
    return None


def _parse_metadata(text: str) -> Dict[str, List[str]]:
    out: Dict[str, List[str]] = {}
    for line in text.split("\n\n", 1)[0].splitlines():
        if line[:1] in (" ", "\t") or ":" not in line:
            continue
        k, _, v = line.partition(":")
        out.setdefault(k.strip().lower(), []).append(v.strip())
    return out


def _find_source(name: str, tops: Sequence[str], where: str, requires: Optional[Sequence[str]],
                 layout: str) -> Optional[BuildSource]:
    sites = [DEBIAN_SITE] if where == "debian" else _pyenv_site_packages()
    for site in sites:
        meta = _installed_meta(site, name) if site.is_dir() else None
        if meta is None or not all((site / t).exists() for t in tops):
            continue
        if layout == "cext" and not list((site / tops[0]).glob("*.c")):
            continue
        mfile = meta / ("METADATA" if meta.suffix == ".dist-info" else "PKG-INFO") if meta.is_dir() else meta
        md = _parse_metadata(mfile.read_text(errors="replace"))
        reqs = list(requires) if requires is not None else \
            [r for r in md.get("requires-dist", []) if "extra" not in r.partition(";")[2]]
        scripts = {}
        ep = meta / "entry_points.txt"
        if ep.exists():
            section = ""
            for line in ep.read_text().splitlines():
                line = line.strip()
                if line.startswith("["):
                    section = line.strip("[]")
                elif "=" in line and section == "console_scripts":
                    k, _, v = line.partition("=")
                    scripts[k.strip()] = v.strip()
        return BuildSource(name=md["name"][0], version=md["version"][0], site=site, tops=list(tops), layout=layout,
                           requires=reqs, requires_python=(md.get("requires-python") or [None])[0],
                           summary=(md.get("summary") or [""])[0], scripts=scripts)
    return None


def _source_files(src: BuildSource) -> List[Tuple[str, Path]]:
    """(path relative to the site dir, file) of the project's files."""
    out = []
    for t in src.tops:
        p = src.site / t
        if p.is_file():
            out.append((t, p))
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for fn in sorted(filenames):
                if not fn.endswith(SKIP_SUFFIXES):
                    full = Path(dirpath) / fn
                    out.append((full.relative_to(src.site).as_posix(), full))
    return out


def _packages(files: Sequence[str]) -> Tuple[List[str], List[str], Dict[str, List[str]]]:
    """packages (every directory with .py files), top-level modules, package data by package."""
    packages = sorted({str(Path(f).parent).replace("/", ".") for f in files if f.endswith(".py") and "/" in f})
    modules = sorted(f[:-3] for f in files if "/" not in f and f.endswith(".py"))
    data: Dict[str, List[str]] = {}
    for f in files:
        if f.endswith((".py", ".c")):
            continue
        parent = Path(f).parent
        while str(parent).replace("/", ".") not in packages and str(parent) != ".":
            parent = parent.parent
        data.setdefault(str(parent).replace("/", "."), []).append(str(Path(f).relative_to(parent)))
    return packages, modules, {k: sorted(v) for k, v in sorted(data.items())}


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def _project_files(src: BuildSource) -> Dict[str, bytes]:
    """The tree of the project: its real files plus the build configuration written from its metadata."""
    files = _source_files(src)
    prefix = "src/" if src.layout == "cext" else ""
    tree = {prefix + rel: p.read_bytes() for rel, p in files}
    packages, modules, data = _packages([rel for rel, _ in files])
    if src.layout == "project":
        lines = ["[build-system]", 'requires = ["setuptools>=61"]', 'build-backend = "setuptools.build_meta"', "",
                 "[project]", f"name = {json.dumps(src.name)}", f"version = {json.dumps(src.version)}",
                 f"description = {json.dumps(src.summary)}"]
        if src.requires_python:
            lines.append(f"requires-python = {json.dumps(src.requires_python)}")
        lines.append(f"dependencies = {_toml_list(src.requires)}")
        if src.scripts:
            lines += ["", "[project.scripts]"] + [f"{json.dumps(k)} = {json.dumps(v)}" for k, v in src.scripts.items()]
        lines += ["", "[tool.setuptools]", f"packages = {_toml_list(packages)}"]
        if modules:
            lines.append(f"py-modules = {_toml_list(modules)}")
        if data:
            lines += ["", "[tool.setuptools.package-data]"] + [f"{json.dumps(k)} = {_toml_list(v)}"
                                                               for k, v in data.items()]
        tree["pyproject.toml"] = ("\n".join(lines) + "\n").encode()
    else:
        args = [f"name={src.name!r}", f"version={src.version!r}", f"description={src.summary!r}",
                f"packages={packages!r}"]
        if modules:
            args.append(f"py_modules={modules!r}")
        if data:
            args.append(f"package_data={data!r}")
        if src.requires_python:
            args.append(f"python_requires={src.requires_python!r}")
        if src.requires:
            args.append(f"install_requires={src.requires!r}")
        if src.scripts:
            args.append(f"entry_points={{'console_scripts': {[f'{k} = {v}' for k, v in src.scripts.items()]!r}}}")
        head = "from setuptools import setup\n"
        if src.layout == "cext":
            head = "from setuptools import Extension, setup\n"
            exts = [f"Extension({(rel[:-2].replace('/', '.'))!r}, [{(prefix + rel)!r}])"
                    for rel, _ in files if rel.endswith(".c")]
            args += ["package_dir={'': 'src'}", f"ext_modules=[{', '.join(exts)}]"]
        tree["setup.py"] = (head + "\nsetup(\n    " + ",\n    ".join(args) + ",\n)\n").encode()
        if src.layout in ("build-system", "cext"):
            tree["pyproject.toml"] = (b'[build-system]\nrequires = ["setuptools>=40.8.0", "wheel"]\n'
                                      b'build-backend = "setuptools.build_meta"\n')
    return tree


def _pkg_info(src: BuildSource, static: bool) -> bytes:
    lines = [f"Metadata-Version: {'2.2' if static else '2.1'}", f"Name: {src.name}", f"Version: {src.version}",
             f"Summary: {src.summary}"]
    if src.requires_python:
        lines.append(f"Requires-Python: {src.requires_python}")
    lines += [f"Requires-Dist: {r}" for r in src.requires]
    return ("\n".join(lines) + "\n").encode()


def _write_sdist(out_dir: Path, src: BuildSource, tree: Dict[str, bytes], static: bool) -> Wheel:
    """<name>-<version>.tar.gz with the tree under <name>-<version>/ and PKG-INFO; byte-identical from
    run to run (fixed mtimes, owners, order, gzip header)."""
    import gzip
    import io
    import tarfile
    top = f"{wheelmaker.escape_name(src.name).lower()}-{src.version}"
    info = _pkg_info(src, static)
    members = dict(tree)
    members["PKG-INFO"] = info

    def tarinfo(name, size=0, dir_=False):
        ti = tarfile.TarInfo(name)
        ti.type = tarfile.DIRTYPE if dir_ else tarfile.REGTYPE
        ti.mode = 0o755 if dir_ else 0o644
        ti.size = size
        ti.mtime = 1704067200
        ti.uname = ti.gname = ""
        return ti
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        dirs = sorted({"/".join(Path(rel).parts[:i]) for rel in members for i in range(1, len(Path(rel).parts))})
        tf.addfile(tarinfo(top, dir_=True))
        for d in dirs:
            tf.addfile(tarinfo(f"{top}/{d}", dir_=True))
        for rel in sorted(members):
            tf.addfile(tarinfo(f"{top}/{rel}", len(members[rel])), io.BytesIO(members[rel]))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{top}.tar.gz"
    with open(path, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=1704067200) as gz:
        gz.write(raw.getvalue())
    return Wheel(path=path, name=src.name, version=src.version, filename=path.name, metadata=info,
                 requires_python=src.requires_python)


def build_backend_wheels(python: str) -> List[Path]:
    """setuptools and wheel for the build environments. Debian's setuptools wheel is patched for Debian's
    layout and works under Debian's /usr/bin/python3; a pyenv CPython gets the setuptools its own
    ensurepip bundles (or 3.11's/3.10's 65.5.0)."""
    import subprocess
    prefix = subprocess.run([python, "-c", "import sys; print(sys.base_prefix)"], capture_output=True, text=True,
                            check=True).stdout.strip()
    debian = sorted(PYTHON_WHEELS.glob("setuptools-*.whl"))
    bundled = sorted(glob.glob(f"{prefix}/lib/python3*/ensurepip/_bundled/setuptools-*.whl"))
    pyenv = [Path(p) for root in _pyenv_site_packages() for p in
             sorted(glob.glob(str(root.parent / "ensurepip" / "_bundled" / "setuptools-*.whl")))
             if root.parent.name in ("python3.11", "python3.10")]
    if prefix.startswith("/usr") and debian:
        setuptools = debian[-1]
    else:
        setuptools = Path((bundled or [None])[-1] or (pyenv or debian or [None])[0] or "")
    wheels = sorted(PYTHON_WHEELS.glob("wheel-*.whl"))
    return [p for p in (setuptools, wheels[-1] if wheels else None) if p and str(p) and Path(p).is_file()]


def build_sources(work: Path, python: str, log=print, force: bool = False) -> BuildDataset:
    """The sdist index of the build scenarios under work/build-<key>/, made once and reused."""
    sources, missing = [], []
    for name, tops, where, layout, requires in BUILD_SOURCES:
        src = _find_source(name, tops, where, requires, layout)
        if src:
            sources.append(src)
        else:
            missing.append(f"{name} ({'/usr/lib/python3/dist-packages' if where == 'debian' else 'pyenv site-packages'})")
    names = {normalize_name(s.name) for s in sources}
    for s in sources:   # a dependency this machine lacks would make the set unresolvable
        s.requires = [r for r in s.requires if normalize_name(re.split(r"[\s<>=!~;\[(]", r, 1)[0]) in names]
    backends = build_backend_wheels(python)
    key_data = {"generator": BUILD_GENERATOR, "backends": [b.name for b in backends],
                "sources": [(s.name, s.version, str(s.site), s.layout, s.requires) for s in sources]}
    key = hashlib.sha256(json.dumps(key_data, sort_keys=True).encode()).hexdigest()[:12]
    root = work / f"build-{key}"
    stamp = root / "build.json"
    local = root / "local" / LOCAL_PROJECT
    if not (stamp.exists() and not force):
        if root.exists():
            shutil.rmtree(root)
        t0 = time.time()
        log(f"generating the build-from-source index in {root} ...")
        gen = root / "_gen"
        dists: List[Wheel] = []
        for s in sources:
            tree = _project_files(s)
            dists.append(_write_sdist(gen, s, tree, normalize_name(s.name) in STATIC_SDISTS))
            if normalize_name(s.name) == normalize_name(LOCAL_PROJECT):
                # the local project: the same sources with a static [project] table (setuptools backend)
                s_local = BuildSource(**{**s.__dict__, "layout": "project"})
                for rel, data in _project_files(s_local).items():
                    (local / rel).parent.mkdir(parents=True, exist_ok=True)
                    (local / rel).write_bytes(data)
        for b in backends:
            shutil.copyfile(b, gen / b.name)
            dists.append(wheelmaker.wheel_from_file(gen / b.name))
        indexserver.build_simple_index(root, dists, prefix="simple", files_prefix="files")
        shutil.rmtree(gen)
        stamp.write_text(json.dumps({"key": key_data, "sdists": {normalize_name(d.name): d.filename for d in dists
                                                                  if not d.filename.endswith(".whl")},
                                     "missing": missing}, indent=1))
        log(f"  {len(sources)} sdists, backends {', '.join(b.name for b in backends)} "
            f"({time.time() - t0:.1f} s)")
    else:
        log(f"reusing the build-from-source index {root}")
    info = json.loads(stamp.read_text())
    sdists = {n: root / "files" / f for n, f in info["sdists"].items()}
    versions = {normalize_name(s.name): s.version for s in sources}
    cext = next((f"{s.name} {s.version}" for s in sources if s.layout == "cext"), None)
    if cext is None:
        log("warning: no C extension source found (MarkupSafe in a pyenv CPython's site-packages); "
            "build-cold builds pure-Python projects only")
    return BuildDataset(root=root, sdists=sdists, versions=versions,
                        requirements=[f"{s.name}=={s.version}" for s in sources],
                        local_project=local, local_touch=LOCAL_TOUCH, backends=[b.name for b in backends],
                        c_extension=cext, missing=missing)
