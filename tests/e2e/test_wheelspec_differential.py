"""Differential tests of the wheel-format readers against Python's own: every METADATA/PKG-INFO,
RECORD and entry_points.txt of the distributions installed on this machine (Debian's dist-packages
and pyenv's site-packages) is read by ptinstall (tests/tools/wheelspec_probe) and by the stdlib
(email.parser, csv, configparser) with Debian's packaging, and the results compared; wheel
filenames are compared with packaging.utils.parse_wheel_filename."""
import glob
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def probe() -> str:
    path = Path(os.environ.get("PTINSTALL_BUILD_DIR", str(ROOT / "build"))) / "tests" / "wheelspec_probe"
    if not path.exists():
        pytest.skip(f"{path} is not built (cmake --build <dir> --target wheelspec_probe)")
    return str(path)


packaging = pytest.importorskip("packaging")
from packaging.specifiers import InvalidSpecifier, SpecifierSet  # noqa: E402
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename  # noqa: E402
from packaging.version import InvalidVersion, Version  # noqa: E402


def site_dirs() -> list:
    dirs = [d for d in ("/usr/lib/python3/dist-packages",) if os.path.isdir(d)]
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        root = ""
    if root:
        dirs += sorted(glob.glob(os.path.join(root, "versions", "*", "lib", "python*", "site-packages")))
    return dirs


def files_named(*names) -> list:
    found = []
    for d in site_dirs():
        for info in sorted(glob.glob(os.path.join(d, "*.dist-info")) + glob.glob(os.path.join(d, "*.egg-info"))):
            for name in names:
                p = os.path.join(info, name)
                if os.path.isfile(p):
                    found.append(p)
    return found


def run_probe(mode: str, args: list) -> list:
    out = []
    for i in range(0, len(args), 200):  # keep command lines short
        proc = subprocess.run([probe(), mode, *args[i:i + 200]], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        out += json.loads(proc.stdout)
    return out


def squash(s):
    return " ".join(s.split()) if isinstance(s, str) else s


def python_metadata(path: str):
    import email.parser
    import email.policy
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        msg = email.parser.Parser(policy=email.policy.compat32).parse(f)
    name, version = msg["Name"], msg["Version"]
    if not name or not version:
        return {"error": True}
    try:
        version = str(Version(version))
    except InvalidVersion:
        return {"error": True}
    rp = msg["Requires-Python"]
    if rp is not None:
        try:
            rp = str(SpecifierSet(rp))
        except InvalidSpecifier:
            rp = None
    extras = []
    for e in msg.get_all("Provides-Extra") or []:
        e = canonicalize_name(e)
        if e not in extras:
            extras.append(e)
    return {"name": name.strip(), "version": version, "summary": squash(msg["Summary"] or ""),
            "requires_dist": [squash(r) for r in msg.get_all("Requires-Dist") or []],
            "provides_extra": extras, "requires_python": rp, "body": msg.get_payload()}


def test_installed_metadata_matches_email_parser():
    paths = files_named("METADATA", "PKG-INFO")
    if not paths:
        pytest.skip("no installed distributions found")
    ours = run_probe("metadata", paths)
    compared = 0
    for path, got in zip(paths, ours):
        expected = python_metadata(path)
        if "error" in expected:
            assert "error" in got, (path, got)
            continue
        assert "error" not in got, (path, got)
        for key in ("name", "version", "provides_extra", "requires_python"):
            assert got[key] == expected[key], (path, key)
        assert squash(got["summary"]) == expected["summary"], path
        assert [squash(r) for r in got["requires_dist"]] == expected["requires_dist"], path
        if expected["body"]:
            assert got["description"] == expected["body"], path
        compared += 1
    assert compared > 0


def test_installed_record_files_match_csv():
    import csv
    paths = files_named("RECORD")
    if not paths:
        pytest.skip("no RECORD files found")
    ours = run_probe("record", paths)
    for path, got in zip(paths, ours):
        with open(path, encoding="utf-8", newline="") as f:
            rows = [(row + ["", ""])[:3] for row in csv.reader(f) if row]
        assert got == rows, path


def test_installed_entry_points_match_configparser():
    import configparser
    paths = files_named("entry_points.txt")
    if not paths:
        pytest.skip("no entry_points.txt found")
    ours = run_probe("entry-points", paths)
    for path, got in zip(paths, ours):
        cp = configparser.ConfigParser(delimiters="=", interpolation=None)
        cp.optionxform = str
        try:
            with open(path, encoding="utf-8") as f:
                cp.read_file(f)
        except configparser.Error:
            assert "error" in got, path
            continue
        expected = [[group, name, " ".join(value.split("\n"))] for group in cp.sections()
                    for name, value in cp.items(group)]
        assert got == expected, path


WHEEL_NAMES = [
    "torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl",
    "torch-2.9.1%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl",
    "torch-2.9.1-cp312-none-macosx_11_0_arm64.whl",
    "Jinja2-3.1.4-py3-none-any.whl",
    "MarkupSafe-2.1.5-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "triton-3.5.1-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
    "zope.interface-6.0-cp311-cp311-win_amd64.whl",
    "foo-1.0-1-py3-none-any.whl",
    "foo-1.0-01x-py2.py3-none-any.whl",
    "foo-1.0.post1.dev3-py3-none-any.whl",
    "foo-1!2.0rc1-py3-none-any.whl",
    "foo__bar-1.0-py3-none-any.whl",
    "foo-bar-1.0-py3-none-any.whl",
    "foo-1.0-x-py3-none-any.whl",
    "foo-1.0-py3-none-any-x-y.whl",
    "foo-1.0-py3-none-any.WHL",
    "foo-1.0-py3-none.whl",
    "foo-not-a-version-py3-none-any.whl",
    # PEP 825 variant labels (packaging has no parser for them yet, pypa/packaging #1148)
    "foo-1.0-1-py3-none-any-null.whl",
    "foo-1.0-py3-none-any-cuda12.8.whl",
    "foo-1.0-py3-none-any-CUDA.whl",
]


def test_wheel_filenames_match_packaging():
    names = list(WHEEL_NAMES)
    for pattern in ("/usr/share/python-wheels/*.whl",):
        names += [os.path.basename(p) for p in sorted(glob.glob(pattern))]
    for d in site_dirs():
        names += [os.path.basename(p) for p in sorted(glob.glob(os.path.join(d, "..", "ensurepip", "_bundled", "*.whl")))]
    from urllib.parse import unquote
    ours = run_probe("wheel-filename", names)
    for name, got in zip(names, ours):
        try:
            dist, version, build, tags = parse_wheel_filename(unquote(name))
        except (InvalidWheelFilename, InvalidVersion):
            if got.get("variant_label"):
                # PEP 825: a label after the platform tag (six parts with a Python tag that does not start
                # with a digit, or seven parts), which packaging does not parse yet; the rest must agree
                # with packaging's reading of the name without the label.
                label = got["variant_label"]
                assert name.endswith(f"-{label}.whl"), (name, got)
                plain = parse_wheel_filename(unquote(name[:-len(f"-{label}.whl")] + ".whl"))
                assert got["name"] == plain[0] and got["version"] == str(plain[1]), name
                assert sorted(got["tags"]) == sorted(str(t) for t in plain[3]), name
                continue
            assert "error" in got, name
            continue
        assert not got.get("variant_label"), (name, got)
        assert "error" not in got, (name, got)
        assert got["name"] == dist, name
        assert got["version"] == str(version), name
        assert got["build"] == list(build), name
        assert sorted(got["tags"]) == sorted(str(t) for t in tags), name
