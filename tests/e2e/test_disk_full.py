"""A full disk, under the environment or under the cache: a clear `error:`, the environment exactly as before, and
no partial cache entry. Uses a 2 MiB tmpfs (skipped where mounting is not allowed)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import PYTHON, installed, snapshot  # noqa: E402


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + r.stderr.decode(errors="replace").strip())
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def leftovers(cache: Path):
    return [str(p) for p in cache.rglob("*") if p.name.startswith((".tmp", ".download-", ".part"))]


def test_a_full_environment_disk_leaves_the_environment_unchanged(ptinstall, tmp_path, small_disk):
    w = wheelmaker.build_wheel(tmp_path / "w", "fat", "1.0", files={"fat/blob.bin": os.urandom(3 << 20)},
                               compression=0)
    venv = small_disk / "venv"
    subprocess.run([PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True)
    before = snapshot(venv)
    cache = tmp_path / "cache"
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--cache-dir", cache, w.path, check=False)
    assert r.returncode == 1, r
    assert "No space left on device" in r.stderr and "error: failed to " in r.stderr, r
    assert "hint: check the path, its permissions and the free disk space" in r.stderr
    assert snapshot(venv) == before
    assert leftovers(cache) == []
    # The cache entry is whole: an environment with room installs from it offline.
    roomy = tmp_path / "roomy"
    subprocess.run([PYTHON, "-m", "venv", "--without-pip", str(roomy)], check=True)
    ptinstall("pip", "install", "--python", roomy / "bin" / "python", "--cache-dir", cache, "--offline", w.path,
              check=True)
    assert installed(roomy) == {"fat": "1.0"}


def test_a_full_cache_disk_leaves_no_partial_entry(ptinstall, tmp_path, small_disk):
    w = wheelmaker.build_wheel(tmp_path / "w", "fat", "1.0", files={"fat/blob.bin": os.urandom(3 << 20)},
                               compression=0)
    venv = tmp_path / "venv"
    subprocess.run([PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True)
    before = snapshot(venv)
    cache = small_disk / "cache"
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--cache-dir", cache, w.path, check=False)
    assert r.returncode == 1, r
    assert "No space left on device" in r.stderr, r
    assert snapshot(venv) == before
    assert leftovers(cache) == []
    wheels = cache / "wheels-v1"
    assert not wheels.exists() or not any(p for p in wheels.iterdir() if not p.name.startswith(".")), \
        list(wheels.iterdir())
