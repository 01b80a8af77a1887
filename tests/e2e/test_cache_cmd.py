"""`ptinstall cache dir|clean|prune|size` against a cache filled by real installs, and the cache lock
that keeps clean/prune from removing entries under a running install (issue 17)."""
import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import wheelmaker  # noqa: E402
from conftest import binary  # noqa: E402
from envtools import installed, make_venv  # noqa: E402


def du_bytes(root: Path) -> int:
    seen, total = set(), 0
    for p in root.rglob("*"):
        st = p.lstat()
        if p.is_file() and not p.is_symlink() and (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            total += st.st_size
    return total


@pytest.fixture
def filled(ptinstall, make_index, tmp_path):
    out = tmp_path / "wheels"
    ws = [wheelmaker.build_wheel(out, "alpha", "1.0", requires_dist=["beta"],
                                 packages={"alpha/__init__.py": "VALUE = 'alpha'\n"}),
          wheelmaker.build_wheel(out, "beta", "2.0", files=wheelmaker.payload_files("beta", files=3,
                                                                                    compressed_bytes=50_000))]
    server = make_index(ws)
    venv = make_venv(tmp_path / "venv")
    ptinstall("pip", "install", "--python", venv, "--index-url", server.index_url(), "alpha", check=True)
    return server, venv, tmp_path / "cache"


def test_dir_and_size(ptinstall, filled, tmp_path):
    _, _, cache = filled
    assert ptinstall("cache", "dir", check=True).stdout == f"{cache}\n"
    assert ptinstall("cache", "dir", "--cache-dir", tmp_path / "other", check=True).stdout == f"{tmp_path / 'other'}\n"
    size = int(ptinstall("cache", "size", check=True).stdout)
    assert size == du_bytes(cache) and size > 50_000
    human = ptinstall("cache", "size", "-H", check=True).stdout.strip()
    assert human.endswith("KiB") or human.endswith("MiB"), human


def test_clean_one_package(ptinstall, filled, tmp_path):
    server, venv, cache = filled
    before = du_bytes(cache)
    r = ptinstall("cache", "clean", "beta", "nosuch", check=True)
    assert r.stderr.startswith("Removed ") and " for beta\n" in r.stderr
    assert "No cache entries found for nosuch" in r.stderr
    assert du_bytes(cache) < before - 50_000
    # alpha is still cached: an install of it alone, offline, works; beta's wheel is gone from the cache.
    v2 = make_venv(tmp_path / "v2")
    ptinstall("pip", "install", "--python", v2, "--index-url", server.index_url(), "--offline", "--no-deps", "alpha",
              check=True)
    r = ptinstall("pip", "install", "--python", v2, "--index-url", server.index_url(), "--offline", "beta", check=False)
    assert r.returncode != 0
    # The environment that linked from the cache still works.
    assert installed(venv) == {"alpha": "1.0", "beta": "2.0"}


def test_clean_everything_and_prune(ptinstall, filled):
    _, _, cache = filled
    (cache / "wheels-v0").mkdir()
    (cache / "wheels-v0" / "old").write_text("x" * 100)
    r = ptinstall("cache", "prune", check=True)
    assert r.stderr == f"Pruning cache at: {cache}\nRemoved 1 file (100B)\n"
    r = ptinstall("cache", "prune", check=True)
    assert r.stderr.endswith("No unused entries found\n")
    r = ptinstall("cache", "prune", "--ci", check=True)
    assert "Removed " in r.stderr and not list((cache / "wheels-v1").iterdir())
    r = ptinstall("cache", "clean", check=True)
    assert r.stderr.startswith(f"Clearing cache at: {cache}\nRemoved ")
    assert [p.name for p in cache.iterdir()] == [".lock"]
    assert ptinstall("cache", "size", check=True).stdout == "0\n"


def test_prune_max_size(ptinstall, filled):
    _, _, cache = filled
    r = ptinstall("cache", "prune", "--max-size", "10K", check=True)
    assert "Removed " in r.stderr
    assert du_bytes(cache) <= 10 * 1024
    r = ptinstall("cache", "prune", "--max-size", "ten", check=False)
    assert r.returncode == 2 and r.stderr.startswith("error: invalid value `ten` for --max-size\nhint: ")


def run_bg(args, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PTINSTALL_", "VIRTUAL_ENV"))}
    env.update(PTINSTALL_CACHE_DIR=str(tmp_path / "cache"), HOME=str(tmp_path / "home"), NO_COLOR="1")
    return subprocess.Popen([binary(), *map(str, args)], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_clean_waits_for_a_process_using_the_cache(filled, tmp_path):
    _, _, cache = filled
    # A ptinstall using the cache holds <cache>/.lock shared; this stands in for one.
    with open(cache / ".lock", "a") as user:
        fcntl.flock(user, fcntl.LOCK_SH)
        clean = run_bg(["cache", "clean"], tmp_path)
        time.sleep(1.5)
        assert clean.poll() is None, clean.communicate()
        assert (cache / "wheels-v1").exists()
        fcntl.flock(user, fcntl.LOCK_UN)
    _, err = clean.communicate(timeout=60)
    assert clean.returncode == 0
    assert err.startswith("Waiting for another process to release the lock on the cache"), err
    assert not (cache / "wheels-v1").exists()


def test_an_install_waits_while_the_cache_is_cleaned(filled, tmp_path):
    server, _, cache = filled
    venv = make_venv(tmp_path / "v3")
    with open(cache / ".lock", "a") as cleaner:
        fcntl.flock(cleaner, fcntl.LOCK_EX)
        install = run_bg(["pip", "install", "--python", venv, "--index-url", server.index_url(), "alpha"], tmp_path)
        time.sleep(1.5)
        assert install.poll() is None, install.communicate()
        assert "alpha" not in installed(venv)
        fcntl.flock(cleaner, fcntl.LOCK_UN)
    _, err = install.communicate(timeout=120)
    assert install.returncode == 0, err
    assert "Waiting for another process to release the lock on the cache" in err
    assert installed(venv)["alpha"] == "1.0"
