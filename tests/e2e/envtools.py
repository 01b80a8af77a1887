"""Virtual environments for the end-to-end tests: made with the base interpreter's venv module
(so they do not depend on ptinstall), and read back through importlib.metadata."""
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

# Debian's python3 where it exists (the CI machine), else the first python3 on PATH.
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else shutil.which("python3")


def make_venv(path: Path, with_pip: bool = False) -> Path:
    args = [PYTHON, "-m", "venv", str(path)]
    if not with_pip:
        args.insert(3, "--without-pip")
    subprocess.run(args, check=True)
    return path


def py(venv: Path, code: str) -> str:
    """Runs `code` with the venv's interpreter and returns its stripped stdout."""
    return subprocess.run([str(venv / "bin" / "python"), "-c", code], check=True, capture_output=True,
                          text=True).stdout.strip()


def installed(venv: Path) -> dict:
    """name (lower-case, as in METADATA) -> version of every distribution the venv sees."""
    out = py(venv, "import importlib.metadata as m, json; "
                   "print(json.dumps({d.metadata['Name'].lower(): d.version for d in m.distributions()}))")
    return json.loads(out)


def snapshot(root: Path, ignore=(".ptinstall.lock",)) -> dict:
    """path -> (mode, bytes) of every file, 'dir' for directories, ('link', target) for links."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            p = Path(dirpath) / d
            out[str(p.relative_to(root))] = ("dir", None) if not p.is_symlink() else ("link", os.readlink(p))
        for f in filenames:
            if f in ignore:
                continue
            p = Path(dirpath) / f
            if p.is_symlink():
                out[str(p.relative_to(root))] = ("link", os.readlink(p))
            else:
                out[str(p.relative_to(root))] = (stat.S_IMODE(p.lstat().st_mode), p.read_bytes())
    return out
