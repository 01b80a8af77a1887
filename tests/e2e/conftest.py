"""Shared fixtures of the end-to-end tests: the binary under test, a runner, interpreters."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))


def binary() -> str:
    return os.environ.get("PTINSTALL_BINARY", str(ROOT / "build" / "ptinstall"))


class Result:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def __repr__(self):
        return f"rc={self.returncode}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"


@pytest.fixture
def ptinstall(tmp_path):
    """Runs the binary with a clean environment: no user config, a private cache, no colour."""
    def run(*args, env=None, cwd=None, check=None, input=None):
        full_env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("UV_", "PTINSTALL_", "VIRTUAL_ENV", "CONDA_PREFIX"))}
        full_env.setdefault("PTINSTALL_CACHE_DIR", str(tmp_path / "cache"))
        full_env["HOME"] = str(tmp_path / "home")
        full_env["XDG_CONFIG_HOME"] = str(tmp_path / "home" / ".config")
        full_env["NO_COLOR"] = "1"
        if env:
            full_env.update(env)
        proc = subprocess.run([binary(), *map(str, args)], env=full_env, cwd=cwd or tmp_path,
                              capture_output=True, text=True, input=input, timeout=300)
        result = Result(proc)
        if check is True:
            assert result.returncode == 0, result
        elif check is False:
            assert result.returncode != 0, result
        return result
    return run


def system_python() -> str:
    """Debian's python3 where it exists, else the first python3 on PATH."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and os.path.exists(candidate):
            return candidate
    pytest.skip("no python3")


# --- package indexes on loopback (tests/e2e/indexserver.py, tests/e2e/wheelmaker.py) ------------------

@pytest.fixture
def make_index(tmp_path):
    """make_index(wheels, options=None, faults=None, json_pages=True, basic_auth=None) -> a running
    indexserver.IndexServer (basic_auth: {user: password} wanted for every path).

    Builds a PEP 503/691 index of the wheels (wheelmaker.Wheel) under tmp_path and serves it with nginx on
    127.0.0.1; server.index_url() is `http://127.0.0.1:<port>/simple/`, server.requests() the access log.
    Stopped at the end of the test."""
    from indexserver import IndexServer, build_simple_index
    servers = []

    def make(wheels, *, options=None, faults=None, json_pages=True, basic_auth=None):
        root = tmp_path / f"index{len(servers)}"
        build_simple_index(root, wheels, options=options, json_pages=json_pages)
        server = IndexServer(root, faults=faults, basic_auth=basic_auth)
        server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def torch_index(tmp_path_factory):
    """One running index per test session (per xdist worker): a PyTorch-shaped mirror under
    /whl/{cpu,cu126,cu128,cu130,rocm6.4,xpu}/ and a local PyPI under /simple/ with plain torch 2.9.1 and its
    CUDA 12.8 dependencies (see indexserver.build_torch_mirror / build_local_pypi)."""
    from indexserver import IndexServer, build_local_pypi, build_torch_mirror
    root = tmp_path_factory.mktemp("torch-index")
    build_torch_mirror(root)
    build_local_pypi(root)
    server = IndexServer(root)
    server.start()
    yield server
    server.stop()
