"""Build-from-source fixtures for the end-to-end tests (issue 14): real PEP 517 build backends as wheels
for a test index, test projects for each backend, sdists with PEP 643 static metadata, hostile sdists,
and pip (Debian's wheel) as the oracle.

Backends (backend_wheels): nothing is mocked, every backend is the real code of the machine.
* setuptools: the 65.5.0 wheel bundled with pyenv's CPython 3.11/3.10 (`ensurepip/_bundled/`), else
  Debian's /usr/share/python-wheels/setuptools-*.whl (66.1.1; patched for Debian's layout: it works under
  Debian's /usr/bin/python3, which makes the test venvs, not under pyenv's CPythons).
* wheel: /usr/share/python-wheels/wheel-*.whl (setuptools < 70.1 asks for it in get_requires_for_build_wheel).
* hatchling (python3-hatchling) with pathspec, pluggy and packaging; flit_core (Debian's `flit`);
  poetry-core (python3-poetry-core): the installed files under /usr/lib/python3/dist-packages repacked into
  py3-none-any wheels (package directories + a .dist-info with METADATA, WHEEL, entry_points.txt, RECORD).
  Debian drops hatchling's `editables` dependency (not packaged in bookworm); the repacked METADATA drops
  it too, and the hatchling projects use `dev-mode-dirs` so that build_editable never imports it.

Projects (make_*): plain files written to `parent/<dirname>`, each a `Project` (path, name, version, module,
the string `module.f()` returns). make_sdist(project, out_dir) writes `<name>-<version>.tar.gz` with a
PKG-INFO of Metadata-Version 2.2 and no Dynamic (PEP 643); make_hostile_sdist writes tar-slip sdists.

The in-tree backend (make_intree_project) is a stdlib-only PEP 517/660 backend in `_backend/` reached via
`backend-path`: it logs every hook call (one JSON line per call, with the pid and config_settings) to a
file outside the project, writes the config_settings it received into the wheel, chats on stdout, and can
fail in build_wheel or lack build_editable.
"""
from __future__ import annotations

from envtools import snapshot  # noqa: F401  (tests use bt.snapshot)
import base64
import glob
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import tarfile
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Union

import pytest

from wheelmaker import Wheel, escape_name, normalize_name, wheel_from_file

DIST_PACKAGES = Path("/usr/lib/python3/dist-packages")
PYTHON_WHEELS = Path("/usr/share/python-wheels")
SYSTEM_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else shutil.which("python3")
FIXED_DATE = (2024, 1, 1, 0, 0, 0)
FIXED_MTIME = 1704067200  # 2024-01-01, so sdists are byte-identical from run to run


# --- real backends as wheels ------------------------------------------------------------------------

def _pyenv_roots() -> List[Path]:
    roots = [os.environ.get("PYENV_ROOT"), os.path.expanduser("~/.pyenv"), "/root/.pyenv"]
    out = []
    for r in roots:
        if r and Path(r).is_dir() and Path(r).resolve() not in out:
            out.append(Path(r).resolve())
    return out


def setuptools_wheel_path() -> Optional[Path]:
    """setuptools 65.5.0 bundled with pyenv's CPython 3.11/3.10, else Debian's wheel, else None."""
    for root in _pyenv_roots():
        for minor in ("3.11", "3.10"):
            found = sorted(glob.glob(str(root / "versions" / f"{minor}*" / "lib" / f"python{minor}" /
                                         "ensurepip" / "_bundled" / "setuptools-*.whl")))
            if found:
                return Path(found[-1])
    found = sorted(glob.glob(str(PYTHON_WHEELS / "setuptools-*.whl")))
    return Path(found[-1]) if found else None


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _egg_info_requires(requires_txt: str) -> List[str]:
    """requires.txt sections ([extra], [:marker], [extra:marker]) as Requires-Dist values."""
    out, extra, marker = [], None, None
    for line in requires_txt.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, marker = line[1:-1].partition(":")
            extra, marker = extra or None, marker or None
            continue
        conds = []
        if marker:
            conds.append(f"({marker})" if extra else marker)
        if extra:
            conds.append(f'extra == "{extra}"')
        out.append(line + ("; " + " and ".join(conds) if conds else ""))
    return out


def _installed_metadata(meta_dir: Path, drop_requires: Sequence[str]) -> bytes:
    """METADATA of an installed .dist-info, or PKG-INFO (+ requires.txt) of an .egg-info."""
    if meta_dir.name.endswith(".dist-info"):
        text = (meta_dir / "METADATA").read_text(encoding="utf-8")
    else:
        text = (meta_dir / "PKG-INFO").read_text(encoding="utf-8")
        req = meta_dir / "requires.txt"
        if req.exists():
            head, sep, body = text.partition("\n\n")
            extras = sorted({m.group(1) for m in re.finditer(r'^\[([^:\]]+)', req.read_text(), re.M)})
            lines = [f"Provides-Extra: {e}" for e in extras if f"Provides-Extra: {e}" not in head]
            lines += [f"Requires-Dist: {r}" for r in _egg_info_requires(req.read_text())]
            text = head + ("\n" + "\n".join(lines) if lines else "") + sep + body
    head, sep, body = text.partition("\n\n")
    kept = []
    for line in head.splitlines():
        if line.startswith("Requires-Dist:"):
            req_name = re.split(r"[\s;<>=!~(\[]", line.split(":", 1)[1].strip(), 1)[0]
            if normalize_name(req_name) in {normalize_name(d) for d in drop_requires}:
                continue
        kept.append(line)
    return ("\n".join(kept) + "\n" + (sep[1:] + body if sep else "")).encode()


def repack_installed(out_dir: Union[str, Path], meta_dir: Path, tops: Sequence[str], *,
                     site: Path = DIST_PACKAGES, drop_requires: Sequence[str] = ()) -> Wheel:
    """A py3-none-any wheel of installed files: the package directories (or modules) `tops` under `site`
    (paths like `poetry/core` for namespace packages), without bytecode, plus a .dist-info made from
    `meta_dir` (METADATA or PKG-INFO, entry_points.txt) with our WHEEL and a RECORD of every member."""
    meta = _installed_metadata(meta_dir, drop_requires)
    headers = {}
    for line in meta.decode().split("\n\n", 1)[0].splitlines():
        k, _, v = line.partition(":")
        headers.setdefault(k.strip().lower(), v.strip())
    name, version = headers["name"], headers["version"]
    dist = f"{escape_name(name)}-{version}"
    members: List[tuple] = []
    for top in tops:
        p = site / top
        if p.is_file():
            members.append((top, p.read_bytes()))
            continue
        if not p.is_dir():
            p = site / (top + ".py")
            if not p.is_file():
                raise FileNotFoundError(f"{site / top} is not installed")
            members.append((top + ".py", p.read_bytes()))
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for f in sorted(filenames):
                if f.endswith((".pyc", ".pyo")):
                    continue
                full = Path(dirpath) / f
                members.append((str(full.relative_to(site)), full.read_bytes()))
    members.append((f"{dist}.dist-info/METADATA", meta))
    members.append((f"{dist}.dist-info/WHEEL", b"Wheel-Version: 1.0\nGenerator: ptinstall-buildtools (repack)\n"
                                              b"Root-Is-Purelib: true\nTag: py3-none-any\n"))
    ep = meta_dir / "entry_points.txt"
    if ep.exists():
        members.append((f"{dist}.dist-info/entry_points.txt", ep.read_bytes()))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{dist}-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for arc, data in members:
            info = zipfile.ZipInfo(arc, date_time=FIXED_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
            record.append(f"{arc},{_record_hash(data)},{len(data)}")
        record.append(f"{dist}.dist-info/RECORD,,")
        info = zipfile.ZipInfo(f"{dist}.dist-info/RECORD", date_time=FIXED_DATE)
        info.external_attr = 0o644 << 16
        zf.writestr(info, "\n".join(record) + "\n", compress_type=zipfile.ZIP_DEFLATED)
    return wheel_from_file(path)


def _meta_dir(glob_pattern: str, site: Path = DIST_PACKAGES) -> Optional[Path]:
    found = sorted(site.glob(glob_pattern))
    return found[-1] if found else None


# backend key -> [(metadata dir glob, top-level paths, Requires-Dist names to drop)]
REPACKED = {
    "hatchling": [("hatchling-*.dist-info", ["hatchling"], ["editables"]),
                  ("pathspec-*.dist-info", ["pathspec"], []),
                  ("pluggy-*.*-info", ["pluggy"], []),
                  ("packaging-*.dist-info", ["packaging"], [])],
    "flit_core": [("flit_core-*.dist-info", ["flit_core"], [])],
    "poetry-core": [("poetry_core-*.dist-info", ["poetry/core"], [])],
}
DEBIAN_PACKAGE = {"setuptools": "python3-setuptools-whl", "wheel": "python3-wheel-whl",
                  "hatchling": "python3-hatchling", "flit_core": "flit", "poetry-core": "python3-poetry-core"}


@dataclass
class Backends:
    """The backend wheels of one test session: by backend key, and all of them for an index."""
    by_key: Dict[str, List[Wheel]] = field(default_factory=dict)
    missing: Dict[str, str] = field(default_factory=dict)   # key -> why

    @property
    def all(self) -> List[Wheel]:
        seen, out = set(), []
        for ws in self.by_key.values():
            for w in ws:
                if w.filename not in seen:
                    seen.add(w.filename)
                    out.append(w)
        return out

    def require(self, key: str) -> List[Wheel]:
        """The wheels of one backend, or pytest.skip when the machine lacks it."""
        if key not in self.by_key:
            pytest.skip(f"build backend {key} is not available: {self.missing.get(key, 'unknown')}")
        return self.by_key[key]


def backend_wheels(out_dir: Union[str, Path]) -> Backends:
    """Real build backends as wheels in out_dir (see the module docstring). A backend that is not on this
    machine is left out (Backends.missing says why; Backends.require skips the test that needs it)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    b = Backends()
    st = setuptools_wheel_path()
    if st:
        dest = out_dir / st.name
        shutil.copyfile(st, dest)
        b.by_key["setuptools"] = [wheel_from_file(dest)]
    else:
        b.missing["setuptools"] = "no setuptools wheel (pyenv's ensurepip or python3-setuptools-whl)"
    found = sorted(glob.glob(str(PYTHON_WHEELS / "wheel-*.whl")))
    if found:
        dest = out_dir / Path(found[-1]).name
        shutil.copyfile(found[-1], dest)
        b.by_key["wheel"] = [wheel_from_file(dest)]
    else:
        b.missing["wheel"] = "python3-wheel-whl is not installed"
    for key, parts in REPACKED.items():
        wheels = []
        for pattern, tops, drop in parts:
            md = _meta_dir(pattern)
            if md is None or not all((DIST_PACKAGES / t).exists() for t in tops):
                b.missing[key] = f"{pattern} not in {DIST_PACKAGES} (apt-get install {DEBIAN_PACKAGE[key]})"
                break
            wheels.append(repack_installed(out_dir, md, tops, drop_requires=drop))
        else:
            b.by_key[key] = wheels
    return b


# --- test projects ----------------------------------------------------------------------------------

@dataclass
class Project:
    path: Path
    name: str
    version: str
    module: str
    backend: str
    expected: str                      # what `import <module>; print(<module>.f())` prints
    dependencies: List[str] = field(default_factory=list)
    optional: Dict[str, List[str]] = field(default_factory=dict)
    requires_python: Optional[str] = None
    log: Optional[Path] = None         # the in-tree backend's hook log

    @property
    def dist(self) -> str:
        """The .dist-info stem: `<escaped name>-<version>`."""
        return f"{escape_name(self.name)}-{self.version}"

    def hook_calls(self, ends=False) -> List[dict]:
        """The in-tree backend's logged hook calls (empty when it never ran); ends=True also gives the
        entries logged when a build_wheel finished (phase "end")."""
        if not self.log or not self.log.exists():
            return []
        calls = [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]
        return calls if ends else [c for c in calls if c.get("phase") != "end"]


def _write(root: Path, files: Mapping[str, str]) -> None:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(content).lstrip("\n") if content.startswith("\n") else content)


def _module_files(module: str, name: str, version: str, greeting: str) -> Dict[str, str]:
    return {f"{module}/__init__.py": f"__version__ = {version!r}\n\ndef f():\n    return {greeting!r}\n"}


def _toml_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def _project_table(name, version, dependencies, optional, requires_python, description=None,
                   dynamic_dependencies=False) -> str:
    lines = ["[project]", f"name = {json.dumps(name)}", f"version = {json.dumps(version)}",
             f"description = {json.dumps(description or 'Test project ' + name)}"]
    if dynamic_dependencies:
        lines.append('dynamic = ["dependencies"]')
    else:
        lines.append(f"dependencies = {_toml_list(dependencies)}")
    if requires_python:
        lines.append(f"requires-python = {json.dumps(requires_python)}")
    if optional:
        lines.append("")
        lines.append("[project.optional-dependencies]")
        for extra, reqs in optional.items():
            lines.append(f"{extra} = {_toml_list(reqs)}")
    return "\n".join(lines) + "\n"


def _new_project(parent, dirname, name) -> Path:
    path = Path(parent) / (dirname or name)
    path.mkdir(parents=True, exist_ok=True)
    return path


def make_setuptools_project(parent, name="stproj", version="1.0", *, dirname=None, dependencies=(),
                            optional=None, requires_python=None, greeting=None) -> Project:
    """A pure-Python pyproject project: setuptools.build_meta, a static [project] table."""
    path = _new_project(parent, dirname, name)
    module = escape_name(name)
    greeting = greeting or f"hello from {name} {version} (setuptools)"
    _write(path, {
        "pyproject.toml": (
            '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
            + _project_table(name, version, dependencies, optional or {}, requires_python)
            + f"\n[tool.setuptools]\npackages = [{json.dumps(module)}]\n"),
        **_module_files(module, name, version, greeting),
    })
    return Project(path, name, version, module, "setuptools", greeting, list(dependencies), dict(optional or {}),
                   requires_python)


def make_setup_py_project(parent, name="legacyproj", version="1.0", *, dirname=None, dependencies=(),
                          greeting=None, setup_prelude="", version_expr=None,
                          pyproject_without_build_system=False) -> Project:
    """A setup.py-only project (no pyproject.toml): PEP 518's default backend,
    setuptools.build_meta:__legacy__. setup_prelude is code run at the top of setup.py (e.g. an import
    that only --no-build-isolation satisfies); version_expr replaces the version literal.
    pyproject_without_build_system: a pyproject.toml with only a [tool] table (the same default)."""
    path = _new_project(parent, dirname, name)
    module = escape_name(name)
    greeting = greeting or f"hello from {name} {version} (setup.py)"
    _write(path, {
        "setup.py": (setup_prelude + "from setuptools import setup\n\n"
                     f"setup(name={name!r}, version={version_expr or repr(version)}, packages=[{module!r}],\n"
                     f"      install_requires={list(dependencies)!r})\n"),
        **_module_files(module, name, version, greeting),
    })
    if pyproject_without_build_system:
        (path / "pyproject.toml").write_text('[tool.black]\nline-length = 100\n')
    return Project(path, name, version, module, "setuptools", greeting, list(dependencies))


def make_hatchling_project(parent, name="hatchproj", version="1.0", *, dirname=None, dependencies=(),
                           optional=None, greeting=None) -> Project:
    """A hatchling project; dev-mode-dirs keeps build_editable away from the `editables` package."""
    path = _new_project(parent, dirname, name)
    module = escape_name(name)
    greeting = greeting or f"hello from {name} {version} (hatchling)"
    _write(path, {
        "pyproject.toml": (
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
            + _project_table(name, version, dependencies, optional or {}, None)
            + f'\n[tool.hatch.build]\ndev-mode-dirs = ["."]\n'
            + f'\n[tool.hatch.build.targets.wheel]\npackages = [{json.dumps(module)}]\n'),
        **_module_files(module, name, version, greeting),
    })
    return Project(path, name, version, module, "hatchling", greeting, list(dependencies), dict(optional or {}))


def make_flit_project(parent, name="flitproj", version="1.0", *, dirname=None, dependencies=(),
                      greeting=None) -> Project:
    """A flit_core project (the module name is the project name)."""
    path = _new_project(parent, dirname, name)
    module = escape_name(name)
    greeting = greeting or f"hello from {name} {version} (flit_core)"
    files = _module_files(module, name, version, greeting)
    files[f"{module}/__init__.py"] = f'"""The {name} test module."""\n' + files[f"{module}/__init__.py"]
    _write(path, {
        "pyproject.toml": (
            '[build-system]\nrequires = ["flit_core>=3.2,<4"]\nbuild-backend = "flit_core.buildapi"\n\n'
            + _project_table(name, version, dependencies, {}, None)
            + f"\n[tool.flit.module]\nname = {json.dumps(module)}\n"),
        **files,
    })
    return Project(path, name, version, module, "flit_core", greeting, list(dependencies))


def make_poetry_project(parent, name="poetryproj", version="1.0", *, dirname=None, dependencies=(),
                        greeting=None) -> Project:
    """A poetry-core project ([tool.poetry]; poetry-core 1.4 has no [project] support). dependencies are
    `name>=X` strings, written as poetry constraints."""
    path = _new_project(parent, dirname, name)
    module = escape_name(name)
    greeting = greeting or f"hello from {name} {version} (poetry-core)"
    deps = ['python = ">=3.7"']
    for d in dependencies:
        m = re.match(r"^([A-Za-z0-9._-]+)\s*(.*)$", d)
        deps.append(f"{m.group(1)} = {json.dumps(m.group(2) or '*')}")
    _write(path, {
        "pyproject.toml": (
            '[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n\n'
            f"[tool.poetry]\nname = {json.dumps(name)}\nversion = {json.dumps(version)}\n"
            f'description = "Test project {name}"\nauthors = ["Test <test@example.invalid>"]\n'
            f"packages = [{{ include = {json.dumps(module)} }}]\n\n"
            "[tool.poetry.dependencies]\n" + "\n".join(deps) + "\n"),
        **_module_files(module, name, version, greeting),
    })
    return Project(path, name, version, module, "poetry-core", greeting, list(dependencies))


C_SOURCE = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* combine(a, b) = a * 1000 + b, computed in C */
static PyObject *combine(PyObject *self, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b))
        return NULL;
    return PyLong_FromLong(a * 1000 + b);
}

static PyMethodDef methods[] = {
    {"combine", combine, METH_VARARGS, "a * 1000 + b"},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods};

PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
"""


def make_c_extension_project(parent, name="cext", version="1.0", *, dirname=None) -> Project:
    """A setuptools project with a C extension `<module>._speedups` (gcc against the interpreter's
    headers); f() returns `combine(6, 7)` from C: 6007."""
    path = _new_project(parent, dirname, name)
    module = escape_name(name)
    _write(path, {
        "pyproject.toml": (
            '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
            + _project_table(name, version, [], {}, None)
            + f"\n[tool.setuptools]\npackages = [{json.dumps(module)}]\n"),
        "setup.py": ("from setuptools import Extension, setup\n\n"
                     f"setup(ext_modules=[Extension({module + '._speedups'!r}, [{module + '/_speedups.c'!r}])])\n"),
        f"{module}/_speedups.c": C_SOURCE.lstrip("\n"),
        f"{module}/__init__.py": (f"__version__ = {version!r}\nfrom ._speedups import combine\n\n"
                                  "def f():\n    return combine(6, 7)\n"),
    })
    return Project(path, name, version, module, "setuptools", "6007")


INTREE_BACKEND = r'''
"""A PEP 517/660 build backend in the project's own tree (backend-path), standard library only."""
import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import zipfile

NAME = {name!r}
VERSION = {version!r}
MODULE = {module!r}
DEPENDENCIES = {dependencies!r}
REQUIRES = {requires!r}
BUILD_REQUIRES = {build_requires!r}
LOG = {log!r}
BUILD_SECONDS = {build_seconds!r}
WAIT_FOR = {wait_for!r}
FAIL = {fail!r}
DIST = NAME.replace("-", "_").replace(".", "_").lower() + "-" + VERSION


def _log(hook, config_settings=None, phase="start"):
    if LOG:
        import time
        with open(LOG, "a") as f:
            f.write(json.dumps({{"hook": hook, "pid": os.getpid(), "cwd": os.getcwd(), "time": time.time(),
                                "phase": phase, "config_settings": config_settings,
                                "prefix": sys.prefix}}) + "\n")


def _chatter(hook):
    # a chatty backend: its stdout must not corrupt the frontend's results
    print("intree-backend: running", hook)
    print('{{"not": "a result"}}')
    print("intree-backend:", hook, "done", flush=True)


def _metadata():
    lines = ["Metadata-Version: 2.1", "Name: " + NAME, "Version: " + VERSION]
    lines += ["Requires-Dist: " + d for d in DEPENDENCIES]
    return "\n".join(lines) + "\n"


def _hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _write_wheel(directory, members):
    filename = DIST + "-py3-none-any.whl"
    members = list(members) + [
        (DIST + ".dist-info/METADATA", _metadata().encode()),
        (DIST + ".dist-info/WHEEL",
         b"Wheel-Version: 1.0\nGenerator: intree-backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = []
    with zipfile.ZipFile(os.path.join(directory, filename), "w", zipfile.ZIP_DEFLATED) as zf:
        for arc, data in members:
            zf.writestr(arc, data)
            record.append("%s,%s,%d" % (arc, _hash(data), len(data)))
        record.append(DIST + ".dist-info/RECORD,,")
        zf.writestr(DIST + ".dist-info/RECORD", "\n".join(record) + "\n")
    return filename


def get_requires_for_build_wheel(config_settings=None):
    _log("get_requires_for_build_wheel", config_settings)
    return list(REQUIRES)


def get_requires_for_build_sdist(config_settings=None):
    _log("get_requires_for_build_sdist", config_settings)
    return []


def _dist_info(metadata_directory):
    d = os.path.join(metadata_directory, DIST + ".dist-info")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "METADATA"), "w") as f:
        f.write(_metadata())
    return DIST + ".dist-info"


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _log("prepare_metadata_for_build_wheel", config_settings)
    return _dist_info(metadata_directory)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _log("build_wheel", config_settings)
    _chatter("build_wheel")
    for req in BUILD_REQUIRES + REQUIRES:  # what the build env must hold: importable here
        __import__(req.split(";")[0].split("=")[0].split("<")[0].split(">")[0].strip().replace("-", "_"))
    if FAIL == "hang":
        print("intree-backend: hanging", flush=True)
        import time
        time.sleep(3600)
    if FAIL == "nowheel":
        print("intree-backend: returning a wheel name without writing the wheel")
        return DIST + "-py3-none-any.whl"
    if FAIL:
        for i in range(80):
            print("intree-backend chatter line %d" % i)
        print("intree-backend: the last line before the failure", flush=True)
        raise RuntimeError("FLUX-CAPACITOR-OVERLOAD: the in-tree backend refused to build " + NAME)
    members = []
    for root, dirs, files in os.walk(MODULE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for fn in sorted(files):
            if not fn.endswith(".pyc"):
                p = os.path.join(root, fn)
                with open(p, "rb") as f:
                    members.append((p.replace(os.sep, "/"), f.read()))
    members.append((MODULE + "/_build_config.json", json.dumps(config_settings or {{}}, sort_keys=True).encode()))
    members.append((MODULE + "/_build_vars.json", json.dumps({{k: v for k, v in os.environ.items()
                                                             if k.startswith("BUILDVAR_")}}, sort_keys=True).encode()))
    import importlib.metadata
    env = {{}}
    for req in BUILD_REQUIRES + REQUIRES:
        name = req.split(";")[0].split("=")[0].split("<")[0].split(">")[0].strip()
        env[name] = importlib.metadata.version(name)
    members.append((MODULE + "/_build_env.json", json.dumps(env, sort_keys=True).encode()))
    if BUILD_SECONDS:
        import time
        time.sleep(BUILD_SECONDS)
    if WAIT_FOR:
        import time
        path, text = WAIT_FOR
        deadline = time.time() + 60
        while not (os.path.exists(path) and text in open(path, errors="replace").read()):
            if time.time() > deadline:
                raise RuntimeError("waited 60 s for %r in %s" % (text, path))
            time.sleep(0.05)
    filename = _write_wheel(wheel_directory, members)
    _log("build_wheel", config_settings, phase="end")
    return filename


def build_sdist(sdist_directory, config_settings=None):
    _log("build_sdist", config_settings)
    filename = DIST + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tf:
        for root, dirs, files in os.walk("."):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for fn in sorted(files):
                p = os.path.normpath(os.path.join(root, fn))
                tf.add(p, arcname=DIST + "/" + p.replace(os.sep, "/"), recursive=False)
        data = ("Metadata-Version: 2.2\n" + _metadata().split("\n", 1)[1]).encode()
        info = tarfile.TarInfo(DIST + "/PKG-INFO")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return filename
'''

INTREE_EDITABLE = r'''

def get_requires_for_build_editable(config_settings=None):
    _log("get_requires_for_build_editable", config_settings)
    return list(REQUIRES)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    _log("prepare_metadata_for_build_editable", config_settings)
    return _dist_info(metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    _log("build_editable", config_settings)
    _chatter("build_editable")
    # PEP 660 the simple way: a .pth file that puts the project root on sys.path
    return _write_wheel(wheel_directory, [("__editable__." + DIST + ".pth", (os.getcwd() + "\n").encode())])
'''


def make_intree_project(parent, name="intree", version="1.0", *, dirname=None, dependencies=(),
                        requires=(), log: Optional[Path] = None, fail=False, editable=True,
                        greeting=None, dynamic_dependencies=False, build_requires=(),
                        build_seconds=0, wait_for=None) -> Project:
    """A project whose backend lives in `_backend/intree_backend.py` (build-backend via backend-path).
    log: the file every hook call is appended to (default `<parent>/<dirname>.hooks.log`, outside the
    tree). fail: build_wheel prints 80 lines and raises `FLUX-CAPACITOR-OVERLOAD: ...`; fail="nowheel":
    build_wheel returns a filename without writing the wheel; fail="hang": it sleeps for an hour.
    The wheel also carries `<module>/_build_env.json`: the versions of the build requirements it saw. build_requires: [build-system].requires
    (build_wheel imports each of them and of `requires`, so they must be in the build env). editable=False:
    no build_editable (nor the other PEP 660 hooks). requires: get_requires_for_build_wheel's answer.
    The wheel carries `<module>/_build_config.json`: the config_settings build_wheel received, and
    `<module>/_build_vars.json`: the BUILDVAR_* environment variables it ran with.
    dynamic_dependencies: `[project] dynamic = ["dependencies"]`; only the backend's metadata has them.
    build_seconds: build_wheel sleeps that long before it writes the wheel (a window for races); a
    successful build_wheel also logs an entry with phase "end" (Project.hook_calls(ends=True)).
    wait_for: (path, text): build_wheel waits (up to 60 s, then fails) until the file holds the text."""
    path = _new_project(parent, dirname, name)
    module = escape_name(name)
    log = Path(log) if log else Path(parent) / f"{dirname or name}.hooks.log"
    greeting = greeting or f"hello from {name} {version} (in-tree backend)"
    backend = INTREE_BACKEND.format(name=name, version=version, module=module, dependencies=list(dependencies),
                                    requires=list(requires), build_requires=list(build_requires), log=str(log),
                                    build_seconds=build_seconds, wait_for=tuple(map(str, wait_for)) if wait_for else None,
                                    fail=fail if fail in ("nowheel", "hang") else bool(fail))
    if editable:
        backend += INTREE_EDITABLE
    _write(path, {
        "pyproject.toml": (
            f'[build-system]\nrequires = {_toml_list(build_requires)}\nbuild-backend = "intree_backend"\n'
            'backend-path = ["_backend"]\n\n'
            + _project_table(name, version, dependencies, {}, None, dynamic_dependencies=dynamic_dependencies)),
        "_backend/intree_backend.py": backend.lstrip("\n"),
        **_module_files(module, name, version, greeting),
    })
    return Project(path, name, version, module, "intree", greeting, list(dependencies), log=log)


# --- sdists ---------------------------------------------------------------------------------------

def pkg_info(project: Project, *, metadata_version="2.2", dynamic: Sequence[str] = ()) -> str:
    """PKG-INFO for an sdist of `project`: Metadata-Version 2.2 with no Dynamic is PEP 643 static. With
    `Requires-Dist` in dynamic, no Requires-Dist/Provides-Extra lines: only the backend knows them."""
    lines = [f"Metadata-Version: {metadata_version}", f"Name: {project.name}", f"Version: {project.version}",
             f"Summary: Test project {project.name}"]
    if project.requires_python:
        lines.append(f"Requires-Python: {project.requires_python}")
    if "Requires-Dist" in dynamic:  # dynamic: the backend decides, PKG-INFO says nothing
        lines += [f"Dynamic: {d}" for d in dynamic]
        return "\n".join(lines) + "\n"
    lines += [f"Requires-Dist: {d}" for d in project.dependencies]
    for extra, reqs in project.optional.items():
        lines.append(f"Provides-Extra: {extra}")
        for r in reqs:
            marker = f'extra == "{extra}"'
            lines.append(f"Requires-Dist: {r}; {marker}" if ";" not in r else f"Requires-Dist: {r} and {marker}")
    lines += [f"Dynamic: {d}" for d in dynamic]
    return "\n".join(lines) + "\n"


def _tarinfo(name: str, *, type_=tarfile.REGTYPE, size=0, mode=0o644, linkname="") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = type_
    info.size = size
    info.mode = mode
    info.mtime = FIXED_MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.linkname = linkname
    return info


SKIP_DIRS = {"__pycache__", "build", "dist", ".git"}


def make_sdist(project: Project, out_dir: Union[str, Path], *, dynamic: Sequence[str] = (),
               metadata_version="2.2", extra_members: Sequence[tuple] = (), fmt="tar.gz") -> Wheel:
    """Writes `<escaped name>-<version>.tar.gz` (or `.zip`) in out_dir: the project's files under
    `<escaped name>-<version>/` plus PKG-INFO (Metadata-Version 2.2, no Dynamic unless given: PEP 643
    static metadata), byte-identical from run to run. extra_members: (TarInfo, bytes or None) appended
    as they are (for hostile sdists). Returns a wheelmaker.Wheel description (filename, metadata =
    PKG-INFO, sha256) that indexserver.build_simple_index lists like an sdist."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    top = f"{escape_name(project.name)}-{project.version}"
    info_text = pkg_info(project, metadata_version=metadata_version, dynamic=dynamic).encode()
    files = []
    for dirpath, dirnames, filenames in os.walk(project.path):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for fn in sorted(filenames):
            if fn.endswith(".pyc") or fn == "PKG-INFO":
                continue
            full = Path(dirpath) / fn
            files.append((full.relative_to(project.path).as_posix(), full.read_bytes(),
                          0o755 if os.access(full, os.X_OK) else 0o644))
    files.append(("PKG-INFO", info_text, 0o644))
    files.sort()
    path = out_dir / f"{top}.{fmt}"
    if fmt == "zip":
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for rel, data, mode in files:
                zi = zipfile.ZipInfo(f"{top}/{rel}", date_time=FIXED_DATE)
                zi.external_attr = mode << 16
                zf.writestr(zi, data, compress_type=zipfile.ZIP_DEFLATED)
    else:
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
            dirs = sorted({str(Path(rel).parent) for rel, _, _ in files} - {"."})
            tf.addfile(_tarinfo(top, type_=tarfile.DIRTYPE, mode=0o755))
            for d in sorted({"/".join(Path(x).parts[:i]) for x in dirs for i in range(1, len(Path(x).parts) + 1)}):
                tf.addfile(_tarinfo(f"{top}/{d}", type_=tarfile.DIRTYPE, mode=0o755))
            for rel, data, mode in files:
                tf.addfile(_tarinfo(f"{top}/{rel}", size=len(data), mode=mode), io.BytesIO(data))
            for info, data in extra_members:
                tf.addfile(info, io.BytesIO(data) if data is not None else None)
        import gzip
        with open(path, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=FIXED_MTIME) as gz:
            gz.write(raw.getvalue())
    return Wheel(path=path, name=project.name, version=project.version, filename=path.name,
                 metadata=info_text, requires_python=project.requires_python)


HOSTILE_KINDS = ("dotdot", "absolute", "symlink-absolute", "symlink-relative", "hardlink-outside", "device")


def make_hostile_sdist(parent, out_dir, kind: str, outside: Path, *, marker: Path, name="evil",
                       version="1.0") -> tuple:
    """An sdist of an in-tree-backend project with one hostile member (PEP 706's data filter refuses each):
    * dotdot: `evil-1.0/../../..(x40)/<outside>/dotdot-escaped` (a naive extraction writes into outside/)
    * absolute: `<outside>/absolute-escaped`
    * symlink-absolute: `evil-1.0/abslink-escape` -> `<outside>`, then `evil-1.0/abslink-escape/through-link`
    * symlink-relative: `evil-1.0/rellink-escape` -> `../../..(x40)<outside>`, then a file through it
    * hardlink-outside: `evil-1.0/hardlink-escape` hard link to `<outside>/victim.txt`, then a regular
      member of the same name (a naive extraction overwrites the victim)
    * device: `evil-1.0/devnode-escape`, a character device (1, 3)
    The backend module writes `marker` when it is imported, so any hook run shows. Returns (sdist, a
    distinctive part of the hostile member's name)."""
    outside = Path(outside)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "victim.txt").write_text("original\n")
    project = make_intree_project(parent, name, version, dirname=f"{name}-{kind}-src")
    backend = project.path / "_backend" / "intree_backend.py"
    backend.write_text(f"open({str(marker)!r}, 'a').write('backend imported\\n')\n" + backend.read_text())
    top = f"{escape_name(name)}-{version}"
    up = "../" * 40
    rel_outside = str(outside).lstrip("/")
    payload = b"escaped\n"
    if kind == "dotdot":
        member = f"{top}/{up}{rel_outside}/dotdot-escaped"
        extra = [(_tarinfo(member, size=len(payload)), payload)]
        needle = "dotdot-escaped"
    elif kind == "absolute":
        member = str(outside / "absolute-escaped")
        extra = [(_tarinfo(member, size=len(payload)), payload)]
        needle = "absolute-escaped"
    elif kind == "symlink-absolute":
        extra = [(_tarinfo(f"{top}/abslink-escape", type_=tarfile.SYMTYPE, linkname=str(outside)), None),
                 (_tarinfo(f"{top}/abslink-escape/through-link", size=len(payload)), payload)]
        needle = "abslink-escape"
    elif kind == "symlink-relative":
        extra = [(_tarinfo(f"{top}/rellink-escape", type_=tarfile.SYMTYPE, linkname=up + rel_outside), None),
                 (_tarinfo(f"{top}/rellink-escape/through-link", size=len(payload)), payload)]
        needle = "rellink-escape"
    elif kind == "hardlink-outside":
        extra = [(_tarinfo(f"{top}/hardlink-escape", type_=tarfile.LNKTYPE, linkname=str(outside / "victim.txt")),
                  None),
                 (_tarinfo(f"{top}/hardlink-escape", size=len(payload)), payload)]
        needle = "hardlink-escape"
    elif kind == "device":
        info = _tarinfo(f"{top}/devnode-escape", type_=tarfile.CHRTYPE)
        info.devmajor, info.devminor = 1, 3
        extra = [(info, None)]
        needle = "devnode-escape"
    else:
        raise ValueError(kind)
    return make_sdist(project, out_dir, extra_members=extra), needle


# --- pip as the oracle ------------------------------------------------------------------------------

def pip_wheel_file() -> str:
    """A pip wheel to run pip from (PYTHONPATH=<wheel> python -m pip)."""
    found = sorted(glob.glob(str(PYTHON_WHEELS / "pip-*.whl")))
    for root in _pyenv_roots():
        found += sorted(glob.glob(str(root / "versions" / "3.11*" / "lib" / "python3.11" / "ensurepip" /
                                      "_bundled" / "pip-*.whl")))
    if not found:
        pytest.skip("no pip wheel on this machine")
    return found[0]


def make_venv(path: Path, python: Optional[str] = None) -> Path:
    """A venv without pip, made by the base interpreter's venv module (Debian's python3 by default)."""
    subprocess.run([python or SYSTEM_PYTHON, "-m", "venv", "--without-pip", str(path)], check=True)
    return path


def site_packages(venv: Path) -> Path:
    found = glob.glob(str(venv / "lib" / "python3*" / "site-packages"))
    assert found, venv
    return Path(found[0])


def run_pip(venv: Path, *args, check=True, cwd=None, env=None):
    """Real pip (the wheel above) run by the venv's interpreter; no user config, no version check."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    full.update(PYTHONPATH=pip_wheel_file(), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1",
                PIP_CONFIG_FILE=os.devnull)
    if env:
        full.update(env)
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", *map(str, args)], env=full,
                          capture_output=True, text=True, cwd=cwd, timeout=600)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def dist_info(venv: Path, project_name: str) -> Optional[Path]:
    """The installed .dist-info of a project (any version), or None."""
    want = normalize_name(project_name)
    for d in site_packages(venv).glob("*.dist-info"):
        if normalize_name(d.name[:-len(".dist-info")].rsplit("-", 1)[0]) == want:
            return d
    return None


def direct_url(venv: Path, project_name: str) -> Optional[dict]:
    d = dist_info(venv, project_name)
    if d is None or not (d / "direct_url.json").exists():
        return None
    return json.loads((d / "direct_url.json").read_text())


# --- fixtures (import them into a test module: `from buildtools import backends, build_index`) ----

@pytest.fixture(scope="session")
def backends(tmp_path_factory) -> Backends:
    """The real backend wheels, made once per session (per xdist worker)."""
    return backend_wheels(tmp_path_factory.mktemp("backend-wheels"))


@pytest.fixture
def build_index(make_index, backends):
    """build_index(extra=(), **make_index_kwargs) -> a running IndexServer with every backend wheel plus
    `extra` (wheelmaker wheels and make_sdist sdists). Stopped after the test."""
    def make(extra: Iterable[Wheel] = (), **kw):
        return make_index(backends.all + list(extra), **kw)
    return make
