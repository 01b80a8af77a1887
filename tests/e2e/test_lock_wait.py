"""A second ptinstall on an environment another process holds waits saying for what and for whom (the pid), and
gives up after PTINSTALL_LOCK_TIMEOUT with a clear error, the environment unchanged."""
import fcntl
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import installed, make_venv, snapshot  # noqa: E402


def install_while_locked(ptinstall, lock: Path, venv: Path, wheel):
    """Installs `wheel` with PTINSTALL_LOCK_TIMEOUT=1.5 while this process holds `lock` exclusively (its pid
    written in it, as ptinstall writes its own); returns the result and the seconds it took."""
    with open(lock, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write(f"{os.getpid()}\n")
        f.flush()
        t0 = time.monotonic()
        r = ptinstall("pip", "install", "--python", venv / "bin" / "python", wheel.path,
                      env={"PTINSTALL_LOCK_TIMEOUT": "1.5"}, check=False)
        return r, time.monotonic() - t0


def test_waiting_for_the_environment_names_the_holder_and_times_out(ptinstall, tmp_path):
    w = wheelmaker.build_wheel(tmp_path / "w", "lib", "1.0")
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    lock = venv / ".ptinstall.lock"
    r, elapsed = install_while_locked(ptinstall, lock, venv, w)
    assert 1.4 <= elapsed < 20, elapsed
    assert (f"Waiting for another process to release the lock on the environment at {venv} ({lock}, held by "
            f"process {os.getpid()}; giving up after 2 s)") in r.stderr, r
    assert (f"error: timed out waiting for the lock on the environment at {venv} ({lock}, held by process "
            f"{os.getpid()})") in r.stderr, r
    assert "PTINSTALL_LOCK_TIMEOUT" in r.stderr
    assert snapshot(venv) == before
    # Released: the same command goes through.
    ptinstall("pip", "install", "--python", venv / "bin" / "python", w.path, check=True)
    assert installed(venv) == {"lib": "1.0"}


def test_waiting_for_the_cache_is_bounded_by_the_lock_timeout(ptinstall, tmp_path):
    """An install while `cache clean` holds the cache, and `cache clean` while an install uses it: each says
    what it waits for and gives up after PTINSTALL_LOCK_TIMEOUT (was a fixed 600 s and 300 s), changing nothing."""
    w = wheelmaker.build_wheel(tmp_path / "w", "lib", "1.0")
    venv = make_venv(tmp_path / "venv")
    cache = tmp_path / "cache"
    cache.mkdir()
    lock = cache / ".lock"
    before = snapshot(venv)
    r, elapsed = install_while_locked(ptinstall, lock, venv, w)  # held as `ptinstall cache clean` holds it
    assert 1.4 <= elapsed < 20, elapsed
    assert (f"Waiting for another process to release the lock on the cache (ptinstall cache clean/prune) ({lock}, "
            f"held by process {os.getpid()}; giving up after 2 s)") in r.stderr, r
    assert f"error: timed out waiting for the lock on the cache (ptinstall cache clean/prune) ({lock}" in r.stderr, r
    assert snapshot(venv) == before
    assert not (cache / "wheels-v1").exists()  # nothing unpacked (the interpreter cache is not locked)
    ptinstall("pip", "install", "--python", venv / "bin" / "python", w.path, check=True)
    entries = sorted(p.name for p in (cache / "wheels-v1").iterdir())
    with open(lock, "a") as f:
        fcntl.flock(f, fcntl.LOCK_SH)  # as a running install does
        t0 = time.monotonic()
        r = ptinstall("cache", "clean", env={"PTINSTALL_LOCK_TIMEOUT": "1.5"}, check=False)
        elapsed = time.monotonic() - t0
    assert 1.4 <= elapsed < 20, elapsed
    assert "Waiting for another process to release the lock on the cache (another ptinstall is using it)" in r.stderr
    assert "error: timed out waiting for the lock on the cache (another ptinstall is using it)" in r.stderr, r
    assert sorted(p.name for p in (cache / "wheels-v1").iterdir()) == entries
