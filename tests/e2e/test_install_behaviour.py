"""`ptinstall pip install` from nginx indexes, checked point by point against what issue 4 asks of it:
the summary and --dry-run output, explained resolution failures with their hints, request counts of warm
runs (from -v and from nginx's access log), the HTTP cache (--offline, --refresh, --refresh-package),
credentials never printed, failing servers leaving the environment untouched, requirements files as pip
reads them, and the progress display (only on a TTY)."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from conftest import binary  # noqa: E402
from indexserver import ProjectOptions, nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else shutil.which("python3")


def make_venv(path: Path) -> Path:
    subprocess.run([PYTHON, "-m", "venv", "--without-pip", str(path)], check=True)
    return path


def wheels(tmp_path: Path):
    out = tmp_path / "wheels"
    return [
        wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["lib>=1.0"]),
        wheelmaker.build_wheel(out, "lib", "1.0"),
        wheelmaker.build_wheel(out, "lib", "2.0"),
        wheelmaker.build_wheel(out, "flask", "3.0.0", requires_dist=["werkzeug>=3.0"]),
        wheelmaker.build_wheel(out, "flask", "3.0.1", requires_dist=["werkzeug>=3.0"]),
        wheelmaker.build_wheel(out, "werkzeug", "2.3.0"),
        wheelmaker.build_wheel(out, "werkzeug", "3.0.1"),
        wheelmaker.build_wheel(out, "newpy", "1.0", requires_python=">=3.99"),
        wheelmaker.build_wheel(out, "pkg", "1.0"),
        wheelmaker.build_wheel(out, "pkg", "2.0b1"),
        wheelmaker.build_wheel(out, "usespre", "1.0", requires_dist=["pkg>=1.5"]),
    ]


def snapshot(root: Path) -> dict:
    """Every file under root with its content hash (symlinks by target): the environment's state. The
    environment's lock file (.ptinstall.lock, empty, left in place as uv leaves its .lock) is not state."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if rel == ".ptinstall.lock":
            continue
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


# --- resolution failures ----------------------------------------------------------------------------

def test_unsatisfiable_request_is_explained_with_hints(ptinstall, make_index, tmp_path):
    server = make_index(wheels(tmp_path))
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url())
    r = ptinstall(*base, "flask>=3", "werkzeug<3", check=False)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert lines[0] == "error: no solution found when resolving dependencies:"
    assert "depend on werkzeug>=3.0 and you require werkzeug<3" in lines[1]
    assert "flask" in lines[1] and "cannot be used" in lines[1]
    assert lines[2].strip() == "And because you require flask>=3, your requirements are unsatisfiable."
    assert snapshot(venv) == before

    # Requires-Python (from data-requires-python on the page): the hint names the target Python.
    r = ptinstall(*base, "newpy", check=False)
    assert r.returncode == 1
    assert "newpy==1.0 requires Python >=3.99" in r.stderr
    target = subprocess.run([str(venv / "bin" / "python"), "-c", "import platform; print(platform.python_version())"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert f"hint: the target Python is {target}" in r.stderr and "--python-version" in r.stderr
    # The same when only the .metadata file says so (no data-requires-python on the page).
    server2 = make_index(wheels(tmp_path / "second"), json_pages=False,
                         options={"newpy": ProjectOptions(requires_python={"newpy-1.0-py3-none-any.whl": None})})
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server2.index_url(), "newpy",
                  check=False)
    assert r.returncode == 1 and "requires Python >=3.99" in r.stderr and "hint: the target Python is" in r.stderr
    assert ptinstall(*base, "--dry-run", "--python-version", "3.99", "newpy", check=True)

    # Pre-releases in range but not enabled, for a direct and for a transitive requirement.
    for req in ("pkg>=1.5", "usespre"):
        r = ptinstall(*base, req, check=False)
        assert r.returncode == 1, r
        assert "there is no version of pkg>=1.5" in r.stderr
        assert "hint: pre-releases are available for pkg in the requested range (e.g. 2.0b1)" in r.stderr
        assert "--pre" in r.stderr
    r = ptinstall(*base, "--dry-run", "--pre", "usespre", check=True)
    assert " + pkg==2.0b1" in r.stderr
    assert snapshot(venv) == before
