#!/usr/bin/env python3
"""Writes a Python wheel that carries the ptinstall binary, the way uv and ruff are distributed: the
binary in the wheel's scripts (`<name>.data/scripts/ptinstall`), so that `pip install`, `pipx install`
and `ptinstall pip install` of the wheel put a working `ptinstall` on PATH.

    scripts/make_wheel.py BINARY OUT_DIR --version 0.1.0 --platform manylinux_2_34_x86_64

Stdlib only. The file name is ptinstall-<version>-py3-none-<platform>.whl."""
import argparse
import base64
import hashlib
import os
import stat
import zipfile
from pathlib import Path

FIXED = (2024, 1, 1, 0, 0, 0)


def record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("out_dir")
    ap.add_argument("--version", required=True)
    ap.add_argument("--platform", required=True, help="e.g. manylinux_2_34_x86_64")
    ap.add_argument("--license", default=None)
    args = ap.parse_args()
    name, version = "ptinstall", args.version
    tag = f"py3-none-{args.platform}"
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"{name}-{version}-{tag}.whl"
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}-{version}.data/scripts/ptinstall": (Path(args.binary).read_bytes(), 0o755),
        f"{info}/METADATA": ((
            "Metadata-Version: 2.1\n"
            f"Name: {name}\nVersion: {version}\n"
            "Summary: A fast Python package installer with PyTorch backend selection\n"
            "License: MIT\nRequires-Python: >=3.8\n").encode(), 0o644),
        f"{info}/WHEEL": ((
            "Wheel-Version: 1.0\nGenerator: ptinstall scripts/make_wheel.py\nRoot-Is-Purelib: false\n"
            f"Tag: {tag}\n").encode(), 0o644),
    }
    if args.license:
        files[f"{info}/LICENSE"] = (Path(args.license).read_bytes(), 0o644)
    record = [record_line(p, data) for p, (data, _) in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = (("\n".join(record) + "\n").encode(), 0o644)
    tmp = wheel.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for path, (data, mode) in files.items():
            zi = zipfile.ZipInfo(path, FIXED)
            zi.external_attr = (stat.S_IFREG | mode) << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    os.replace(tmp, wheel)
    print(wheel)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
