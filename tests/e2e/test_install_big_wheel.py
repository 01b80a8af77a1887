"""End-to-end tests of big wheels (issue 7): a torch-shaped wheel above the parallel-unpack threshold
(64 MB, docs/install.md) is unpacked by several threads, from a local file and from an index (with the
size in the JSON page, and without it, from Content-Length); the installed files are the wheel's, byte for
byte (executable bits are covered by the unit tests: wheelmaker writes none that count); a corrupt big wheel is an error with a hint and installs nothing."""
import base64
import csv
import hashlib
import io
import os
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest

from envtools import make_venv
import wheelmaker

BIG_BYTES = 70 * 10**6  # above WheelCacheOptions::parallel_min_bytes (64 MiB)


@pytest.fixture(scope="module")
def big_wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("big-wheel")
    payload = wheelmaker.payload_files("bigpkg", files=1500, compressed_bytes=BIG_BYTES, seed=3)
    whl = wheelmaker.build_wheel(out, "bigpkg", "1.0", files=payload)
    assert whl.path.stat().st_size > 64 * 2**20
    return whl


def site_packages(venv: Path) -> Path:
    found = list(venv.glob("lib/python3*/site-packages"))
    assert found, venv
    return found[0]


def check_installed(whl_path: Path, sp: Path):
    """Every file of the wheel's RECORD is installed with its hash and size, and the zip's executable bits."""
    with zipfile.ZipFile(whl_path) as z:
        record_name = next(n for n in z.namelist() if n.endswith(".dist-info/RECORD"))
        rows = list(csv.reader(io.StringIO(z.read(record_name).decode())))
        modes = {i.filename: (i.external_attr >> 16) for i in z.infolist()}
    checked = 0
    for path, digest, size in rows:
        if not digest:
            continue
        data = (sp / path).read_bytes()
        algo, _, want = digest.partition("=")
        got = base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode()
        assert got == want, path
        assert len(data) == int(size), path
        mode = modes[path]
        if stat.S_ISREG(mode) and mode & 0o111:
            assert os.access(sp / path, os.X_OK), path
        checked += 1
    assert checked > 1000


def test_big_local_wheel_unpacks_in_parallel(ptinstall, tmp_path, big_wheel):
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "-v", "--python", venv / "bin" / "python", big_wheel.path, check=True)
    assert " + bigpkg==1.0" in r.stderr
    if (os.cpu_count() or 1) > 1:
        assert "unpacking bigpkg-1.0-py3-none-any.whl" in r.stderr and " threads" in r.stderr, r
    check_installed(big_wheel.path, site_packages(venv))


@pytest.mark.parametrize("json_pages", [True, False], ids=["size-from-json", "size-from-content-length"])
def test_big_wheel_from_an_index_unpacks_in_parallel(ptinstall, make_index, tmp_path, big_wheel, json_pages):
    server = make_index([big_wheel], json_pages=json_pages)
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "-v", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "bigpkg", check=True)
    assert " + bigpkg==1.0" in r.stderr
    if (os.cpu_count() or 1) > 1:
        assert "unpacking bigpkg-1.0-py3-none-any.whl" in r.stderr, r
    check_installed(big_wheel.path, site_packages(venv))
    # The temporary download is gone from the cache.
    assert not list((tmp_path / "cache").glob(".download-*"))


def test_corrupt_big_wheel_is_an_error_and_installs_nothing(ptinstall, tmp_path, big_wheel):
    bad = tmp_path / "wheels" / big_wheel.path.name
    bad.parent.mkdir()
    data = bytearray(big_wheel.path.read_bytes())
    for i in range(len(data) // 3, len(data) // 2, 65537):
        data[i] ^= 0x5A
    bad.write_bytes(bytes(data))
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", bad, check=False)
    assert r.returncode != 0
    assert "error: wheel bigpkg-1.0-py3-none-any.whl is invalid" in r.stderr, r
    assert "hint: " in r.stderr, r
    assert not list(site_packages(venv).glob("bigpkg*"))
    wheels = tmp_path / "cache" / "wheels-v1"
    assert not wheels.exists() or not list(wheels.iterdir())
