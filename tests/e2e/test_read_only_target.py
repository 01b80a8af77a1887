"""Read-only targets (issue 18): installing into, upgrading in or uninstalling from an environment the user cannot
write, and installing through a read-only cache, give a clear `error:` naming the path and `Read-only file
system`, leave the environment exactly as before and leave no partial cache entry.

The tests run as root, which writes through permission bits, so a directory is made read-only with a read-only
bind mount of itself (`mount --bind D D; mount -o remount,bind,ro D`); where mounting is not allowed (no
CAP_SYS_ADMIN) the tests skip with the reason."""
import contextlib
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import installed, make_venv, py, snapshot  # noqa: E402


@contextlib.contextmanager
def read_only(path: Path):
    r = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("cannot bind-mount here: " + r.stderr.strip())
    try:
        r = subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip("cannot remount read-only here: " + r.stderr.strip())
        probe = path / ".ptinstall-probe"
        with pytest.raises(OSError):
            probe.write_text("x")
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


def leftovers(cache: Path):
    return [str(p) for p in cache.rglob("*") if p.name.startswith((".tmp", ".download-", ".part"))]


@pytest.fixture
def wheels(tmp_path):
    d = tmp_path / "wheels"
    return {v: wheelmaker.build_wheel(d, "foo", v, console_scripts={"foo-cli": "foo:main"},
                                      packages={"foo/__init__.py": f"__version__ = '{v}'\ndef main():\n    print('{v}')\n"})
            for v in ("1.0", "2.0")}


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def test_installing_into_a_read_only_environment(ptinstall, tmp_path, wheels):
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    cache = tmp_path / "cache"
    with read_only(venv):
        r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--cache-dir", cache,
                      wheels["1.0"].path, check=False)
    assert r.returncode == 1, r
    assert f"error: failed to open the lock file {venv}/.ptinstall.lock: Read-only file system" in r.stderr, r
    assert "hint: check the path, its permissions and the free disk space" in r.stderr
    assert snapshot(venv) == before
    assert leftovers(cache) == []


def test_installing_and_upgrading_into_a_read_only_site_packages(ptinstall, tmp_path, wheels):
    venv = make_venv(tmp_path / "venv")
    cache = tmp_path / "cache"
    python = venv / "bin" / "python"
    ptinstall("pip", "install", "--python", python, "--cache-dir", cache, wheels["1.0"].path, check=True)
    before = snapshot(venv)
    with read_only(site_packages(venv)):
        r = ptinstall("pip", "install", "--python", python, "--cache-dir", cache, wheels["2.0"].path, check=False)
        assert r.returncode == 1, r
        assert "Read-only file system" in r.stderr and "error: failed to " in r.stderr, r
        assert str(site_packages(venv)) in r.stderr, r
        # Nothing of 1.0 was removed, nothing of 2.0 written (bin/ is writable, yet has no new launcher).
        assert snapshot(venv) == before
        assert py(venv, "import foo; print(foo.__version__)") == "1.0"
    assert snapshot(venv) == before
    assert leftovers(cache) == []
    # What reached the cache is whole: once writable, the upgrade installs from it offline.
    ptinstall("pip", "install", "--python", python, "--cache-dir", cache, "--offline", wheels["2.0"].path, check=True)
    assert installed(venv) == {"foo": "2.0"}
    assert subprocess.run([str(venv / "bin" / "foo-cli")], capture_output=True, text=True).stdout.strip() == "2.0"


def test_uninstalling_from_a_read_only_site_packages(ptinstall, tmp_path, wheels):
    venv = make_venv(tmp_path / "venv")
    python = venv / "bin" / "python"
    ptinstall("pip", "install", "--python", python, wheels["1.0"].path, check=True)
    before = snapshot(venv)
    with read_only(site_packages(venv)):
        r = ptinstall("pip", "uninstall", "--python", python, "foo", check=False)
        assert r.returncode == 1, r
        assert "error: " in r.stderr and "Read-only file system" in r.stderr, r
    assert snapshot(venv) == before
    assert installed(venv) == {"foo": "1.0"}


def test_a_read_only_cache_is_a_clear_error(ptinstall, tmp_path, wheels):
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    cache = tmp_path / "cache"
    cache.mkdir()
    with read_only(cache):
        r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--cache-dir", cache,
                      wheels["1.0"].path, check=False)
    assert r.returncode == 1, r
    assert f"{cache}" in r.stderr and "Read-only file system" in r.stderr and "error: " in r.stderr, r
    assert snapshot(venv) == before
    assert list(cache.iterdir()) == []
