"""Tests of the build-from-source harness itself (buildtools.py), with real pip as the oracle: the
repacked backend wheels are valid wheels that pip installs and imports, pip builds and installs every
test project from the test index (build isolation included), editables of each backend see edits, the
sdists carry PEP 643 static metadata and are served like PyPI serves sdists, and each hostile sdist really
escapes when extracted naively. These pass without ptinstall's build frontend."""
import base64
import csv
import hashlib
import io
import json
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

import buildtools as bt
from buildtools import backends, build_index  # noqa: F401 (fixtures)
from wheelmaker import build_wheel


def py(venv: Path, code: str) -> str:
    return subprocess.run([str(venv / "bin" / "python"), "-c", code], check=True, capture_output=True,
                          text=True).stdout.strip()


def test_backend_wheels_are_valid_and_import(backends, tmp_path):  # noqa: F811
    assert {"setuptools", "wheel"} <= set(backends.by_key), backends.missing
    for w in backends.all:
        with zipfile.ZipFile(w.path) as zf:
            names = zf.namelist()
            record_name = [n for n in names if n.endswith(".dist-info/RECORD")]
            assert len(record_name) == 1, w.filename
            rows = list(csv.reader(io.StringIO(zf.read(record_name[0]).decode())))
            listed = {r[0] for r in rows}
            assert listed == set(names), w.filename
            for path, digest, size in rows:
                if digest:
                    data = zf.read(path)
                    assert digest == "sha256=" + base64.urlsafe_b64encode(
                        hashlib.sha256(data).digest()).rstrip(b"=").decode(), (w.filename, path)
                    assert int(size) == len(data)
            assert not any("__pycache__" in n for n in names), w.filename
    venv = bt.make_venv(tmp_path / "venv")
    bt.run_pip(venv, "install", "--no-index", "--no-deps", *[w.path for w in backends.all])
    imports = {"setuptools": "setuptools.build_meta", "wheel": "wheel.bdist_wheel", "hatchling": "hatchling.build",
               "flit_core": "flit_core.buildapi", "poetry-core": "poetry.core.masonry.api"}
    for key in backends.by_key:
        py(venv, f"import {imports[key]}")
    bt.run_pip(venv, "check")


def test_hatchling_repack_drops_only_editables(backends):  # noqa: F811
    hatchling = backends.require("hatchling")[0]
    requires = [line for line in hatchling.metadata.decode().splitlines() if line.startswith("Requires-Dist:")]
    assert not any("editables" in r for r in requires)
    assert any(r.startswith("Requires-Dist: pathspec") for r in requires)


PROJECTS = {
    "setuptools": lambda d: bt.make_setuptools_project(d, dependencies=["depa>=1"], optional={"fancy": ["extradep"]}),
    "setup.py": lambda d: bt.make_setup_py_project(d, dependencies=["depa"]),
    "hatchling": lambda d: bt.make_hatchling_project(d, dependencies=["depa"]),
    "flit_core": lambda d: bt.make_flit_project(d, dependencies=["depa"]),
    "poetry-core": lambda d: bt.make_poetry_project(d, dependencies=["depa>=1"]),
    "c-extension": lambda d: bt.make_c_extension_project(d),
    "in-tree": lambda d: bt.make_intree_project(d, dependencies=["depa"]),
}
BACKEND_OF = {"setuptools": "setuptools", "setup.py": "setuptools", "hatchling": "hatchling",
              "flit_core": "flit_core", "poetry-core": "poetry-core", "c-extension": "setuptools", "in-tree": None}


@pytest.mark.parametrize("kind", list(PROJECTS))
def test_pip_builds_and_installs_each_project(kind, backends, build_index, tmp_path):  # noqa: F811
    if BACKEND_OF[kind]:
        backends.require(BACKEND_OF[kind])
    project = PROJECTS[kind](tmp_path / "src")
    server = build_index([build_wheel(tmp_path / "w", "depa", "1.0"), build_wheel(tmp_path / "w", "extradep", "1.0")])
    venv = bt.make_venv(tmp_path / "venv")
    target = str(project.path) + ("[fancy]" if kind == "setuptools" else "")
    bt.run_pip(venv, "install", "--index-url", server.index_url("/simple/"), "--no-cache-dir", target)
    assert py(venv, f"import {project.module}; print({project.module}.f())") == project.expected
    installed = {d.name.split("-")[0].lower() for d in bt.site_packages(venv).glob("*.dist-info")}
    assert "setuptools" not in installed and "wheel" not in installed  # isolation: the backend stays out
    if kind != "c-extension":
        assert "depa" in installed
    if kind == "setuptools":
        assert "extradep" in installed
    assert bt.direct_url(venv, project.name) == {"url": project.path.as_uri(), "dir_info": {}}


@pytest.mark.parametrize("kind", ["setuptools", "hatchling", "flit_core", "poetry-core", "in-tree"])
def test_pip_editable_of_each_backend_sees_edits(kind, backends, build_index, tmp_path):  # noqa: F811
    if BACKEND_OF[kind]:
        backends.require(BACKEND_OF[kind])
    project = PROJECTS[kind](tmp_path / "src")
    server = build_index([build_wheel(tmp_path / "w", "depa", "1.0")])
    venv = bt.make_venv(tmp_path / "venv")
    bt.run_pip(venv, "install", "--index-url", server.index_url("/simple/"), "--no-cache-dir", "-e", project.path)
    assert py(venv, f"import {project.module}; print({project.module}.f())") == project.expected
    (project.path / project.module / "__init__.py").write_text("def f():\n    return 'edited'\n")
    assert py(venv, f"import {project.module}; print({project.module}.f())") == "edited"
    assert bt.direct_url(venv, project.name) == {"url": project.path.as_uri(), "dir_info": {"editable": True}}
    listed = bt.run_pip(venv, "list", "--editable").stdout
    assert project.name in listed and str(project.path) in listed


def test_debian_setuptools_wheel_works_with_debian_python(backends, make_index, tmp_path):  # noqa: F811
    """The fallback of machines without pyenv: Debian's patched setuptools under Debian's python3."""
    debian = sorted(bt.PYTHON_WHEELS.glob("setuptools-*.whl"))
    if not debian or bt.SYSTEM_PYTHON != "/usr/bin/python3":
        pytest.skip("no Debian setuptools wheel or python3")
    from wheelmaker import wheel_from_file
    wheels = [wheel_from_file(debian[-1])] + backends.require("wheel")
    server = make_index(wheels)
    project = bt.make_setup_py_project(tmp_path / "src")
    venv = bt.make_venv(tmp_path / "venv", python="/usr/bin/python3")
    bt.run_pip(venv, "install", "--index-url", server.index_url("/simple/"), "--no-cache-dir", project.path)
    assert py(venv, f"import {project.module}; print({project.module}.f())") == project.expected


def test_sdist_has_static_metadata_and_is_served_like_pypi(backends, build_index, tmp_path):  # noqa: F811
    backends.require("setuptools")
    project = bt.make_setuptools_project(tmp_path / "src", name="Static_Proj", version="2.1",
                                         dependencies=["depa>=1"], optional={"fancy": ["extradep"]})
    sdist = bt.make_sdist(project, tmp_path / "sdists")
    assert sdist.filename == "static_proj-2.1.tar.gz"
    again = bt.make_sdist(project, tmp_path / "again")
    assert again.path.read_bytes() == sdist.path.read_bytes()  # byte-identical: stable sha256
    with tarfile.open(sdist.path) as tf:
        names = tf.getnames()
        pkg_info = tf.extractfile("static_proj-2.1/PKG-INFO").read().decode()
    assert all(n == "static_proj-2.1" or n.startswith("static_proj-2.1/") for n in names)
    assert "static_proj-2.1/pyproject.toml" in names
    assert pkg_info.startswith("Metadata-Version: 2.2\n") and "Dynamic:" not in pkg_info
    assert "Requires-Dist: depa>=1\n" in pkg_info and 'Requires-Dist: extradep; extra == "fancy"' in pkg_info

    server = build_index([sdist, build_wheel(tmp_path / "w", "depa", "1.0")])
    page = json.loads((Path(server.root) / "simple" / "static-proj" / "index.json").read_text())
    (entry,) = page["files"]
    assert entry["filename"] == sdist.filename and entry["core-metadata"] is False
    assert entry["hashes"] == {"sha256": sdist.sha256}
    assert not (Path(server.root) / "files" / (sdist.filename + ".metadata")).exists()
    html = (Path(server.root) / "simple" / "static-proj" / "index.html").read_text()
    assert "data-core-metadata" not in html and f"#sha256={sdist.sha256}" in html

    venv = bt.make_venv(tmp_path / "venv")
    bt.run_pip(venv, "install", "--index-url", server.index_url("/simple/"), "--no-cache-dir", "static-proj")
    assert py(venv, "import static_proj; print(static_proj.f())") == project.expected
    venv2 = bt.make_venv(tmp_path / "venv2")
    bt.run_pip(venv2, "install", "--index-url", server.index_url("/simple/"), "--no-cache-dir", sdist.path)
    # pip 23 records archive_info without a hash for a local file; ptinstall records the hash (test_build.py)
    assert bt.direct_url(venv2, "static-proj") == {"url": sdist.path.as_uri(), "archive_info": {}}


def test_intree_backend_logs_hooks_and_records_config_settings(build_index, tmp_path):  # noqa: F811
    project = bt.make_intree_project(tmp_path / "src", name="cfgproj")
    server = build_index()
    venv = bt.make_venv(tmp_path / "venv")
    bt.run_pip(venv, "install", "--index-url", server.index_url("/simple/"), "--no-cache-dir",
               "--config-settings", "color=blue", project.path)
    assert json.loads(py(venv, "import importlib.resources as r; print(r.files('cfgproj').joinpath("
                             "'_build_config.json').read_text())")) == {"color": "blue"}
    hooks = [c["hook"] for c in project.hook_calls()]
    assert hooks == ["get_requires_for_build_wheel", "prepare_metadata_for_build_wheel", "build_wheel"]


def test_failing_and_non_editable_backends_fail_under_pip(build_index, tmp_path):  # noqa: F811
    server = build_index()
    venv = bt.make_venv(tmp_path / "venv")
    failing = bt.make_intree_project(tmp_path / "src", name="failing", fail=True)
    r = bt.run_pip(venv, "install", "--index-url", server.index_url("/simple/"), "--no-cache-dir", failing.path,
                   check=False)
    assert r.returncode == 1 and "FLUX-CAPACITOR-OVERLOAD" in r.stdout + r.stderr
    noedit = bt.make_intree_project(tmp_path / "src", name="noedit", editable=False)
    r = bt.run_pip(venv, "install", "--index-url", server.index_url("/simple/"), "--no-cache-dir", "-e",
                   noedit.path, check=False)
    assert r.returncode == 1 and "build_editable" in r.stderr
    assert bt.dist_info(venv, "failing") is None and bt.dist_info(venv, "noedit") is None


@pytest.mark.parametrize("kind", bt.HOSTILE_KINDS)
def test_hostile_sdists_escape_when_extracted_naively(kind, tmp_path):
    outside = tmp_path / "outside"
    marker = tmp_path / "backend-ran"
    sdist, needle = bt.make_hostile_sdist(tmp_path / "src", tmp_path / "sdists", kind, outside, marker=marker)
    before = bt.snapshot(outside)
    dest = tmp_path / "naive" / "a" / "b"
    dest.mkdir(parents=True)
    with tarfile.open(sdist.path) as tf:
        assert any(needle in m.name for m in tf.getmembers())
        kwargs = {"filter": "fully_trusted"} if hasattr(tarfile, "data_filter") else {}
        if kind == "device" and not hasattr(__import__("os"), "mknod"):
            pytest.skip("no mknod")
        try:
            tf.extractall(dest, **kwargs)
        except (PermissionError, OSError):
            if kind != "device":
                raise
            pytest.skip("cannot create device nodes here")
    if kind == "device":
        import stat
        assert stat.S_ISCHR((dest / "evil-1.0" / "devnode-escape").lstat().st_mode)
    else:
        assert bt.snapshot(outside) != before, "the fixture did not escape"
    assert not marker.exists()
