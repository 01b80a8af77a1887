"""End-to-end tests of ptinstall's PEP 517/518/660/643 build frontend (issue 14), through the real binary:
local source trees, editables, sdist files and URLs, sdists in --find-links and on indexes, --no-binary,
--only-binary, --no-build-isolation, -C/--config-settings, build isolation, failing backends, tar-slip sdists,
the built-wheel cache and --dry-run with static metadata, and pip (Debian's wheel) reading the result.

The backends are real (buildtools.backend_wheels: setuptools, wheel, hatchling, flit_core, poetry-core) and
served by a loopback index with the test's own wheels and sdists; the in-tree backend (backend-path) logs
every hook call to a file outside the project, so a test can prove that no backend ran. Every test has its
own venvs (Debian's python3), its own index and its own cache (`--cache-dir tmp_path/cache`)."""
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

import buildtools as bt
from buildtools import backends, build_index  # noqa: F401 (fixtures)
from wheelmaker import build_wheel, torch_wheel


# --- helpers ----------------------------------------------------------------------------------------

def install(ptinstall, tmp_path, venv, *args, check=None, cwd=None, env=None):
    return ptinstall("pip", "install", "--python", venv, "--cache-dir", tmp_path / "cache", *args,
                     check=check, cwd=cwd, env=env)


def call_f(venv: Path, module: str, check=True) -> str:
    proc = subprocess.run([str(venv / "bin" / "python"), "-c", f"import {module}; print({module}.f())"],
                          capture_output=True, text=True, cwd="/")
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def py(venv: Path, code: str) -> str:
    return subprocess.run([str(venv / "bin" / "python"), "-c", code], check=True, capture_output=True,
                          text=True, cwd="/").stdout.strip()


def installed_names(venv: Path) -> set:
    from wheelmaker import normalize_name
    return {normalize_name(d.name[:-len(".dist-info")].rsplit("-", 1)[0])
            for d in bt.site_packages(venv).glob("*.dist-info")}


def hooks(project: bt.Project) -> list:
    return [c["hook"] for c in project.hook_calls()]


def deps(tmp_path):
    """depa 1.0 and extradep 1.0: the runtime dependencies of the test projects, as index wheels."""
    return [build_wheel(tmp_path / "deps", "depa", "1.0"), build_wheel(tmp_path / "deps", "extradep", "1.0")]


@pytest.fixture
def index(build_index, tmp_path):  # noqa: F811
    """The backends and depa/extradep on a loopback index: its /simple/ URL."""
    return build_index(deps(tmp_path)).index_url("/simple/")


@pytest.fixture
def venv(tmp_path):
    return bt.make_venv(tmp_path / "venv")


# --- local source trees -----------------------------------------------------------------------------

def test_install_dot_builds_in_isolation(ptinstall, backends, build_index, tmp_path, venv):  # noqa: F811
    backends.require("setuptools")
    project = bt.make_setuptools_project(tmp_path / "src", dependencies=["depa>=1"])
    server = build_index(deps(tmp_path))
    r = install(ptinstall, tmp_path, venv, "--index-url", server.index_url("/simple/"), ".", cwd=project.path)
    assert r.returncode == 0, r
    assert call_f(venv, project.module) == project.expected
    names = installed_names(venv)
    assert {"stproj", "depa"} <= names
    # PEP 518 isolation: setuptools and wheel went into a temporary environment, not into the target
    assert "setuptools" not in names and "wheel" not in names, names
    requested = {req.path for req in server.requests()}
    assert "/simple/setuptools/" in requested, requested  # build requirements resolved from the same index
    assert "stproj==1.0" in r.stderr


def test_install_dot_direct_url_is_the_project_url(ptinstall, index, tmp_path, venv):
    project = bt.make_intree_project(tmp_path / "src", name="dotproj")
    assert install(ptinstall, tmp_path, venv, "--index-url", index, ".", cwd=project.path).returncode == 0
    pip_venv = bt.make_venv(tmp_path / "pip-venv")
    bt.run_pip(pip_venv, "install", "--no-index", "--no-cache-dir", ".", cwd=project.path)
    assert bt.direct_url(pip_venv, "dotproj") == {"url": project.path.as_uri(), "dir_info": {}}
    assert bt.direct_url(venv, "dotproj") == bt.direct_url(pip_venv, "dotproj")


def test_install_relative_path(ptinstall, backends, index, tmp_path, venv):
    backends.require("setuptools")
    project = bt.make_setuptools_project(tmp_path / "src", dependencies=["depa"])
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "./stproj", cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert call_f(venv, project.module) == project.expected
    assert "depa" in installed_names(venv)
    d = bt.direct_url(venv, "stproj")
    assert d["url"] == project.path.as_uri() and not d["dir_info"].get("editable", False), d


def test_install_path_with_extra(ptinstall, backends, index, tmp_path, venv):
    backends.require("setuptools")
    project = bt.make_setuptools_project(tmp_path / "src", dependencies=["depa"], optional={"fancy": ["extradep"]})
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "./stproj[fancy]", cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert {"stproj", "depa", "extradep"} <= installed_names(venv)
    assert call_f(venv, project.module) == project.expected


def test_install_direct_reference_to_a_tree(ptinstall, backends, index, tmp_path, venv):
    backends.require("setuptools")
    project = bt.make_setuptools_project(tmp_path / "src", dependencies=["depa"])
    r = install(ptinstall, tmp_path, venv, "--index-url", index, f"stproj @ {project.path.as_uri()}")
    assert r.returncode == 0, r
    assert call_f(venv, project.module) == project.expected
    assert bt.direct_url(venv, "stproj") == {"url": project.path.as_uri(), "dir_info": {}}


MAKERS = {
    "setup.py-only": (bt.make_setup_py_project, "setuptools"),
    "pyproject-without-build-system": (lambda d, **kw: bt.make_setup_py_project(
        d, pyproject_without_build_system=True, **kw), "setuptools"),
    "hatchling": (bt.make_hatchling_project, "hatchling"),
    "flit_core": (bt.make_flit_project, "flit_core"),
    "poetry-core": (bt.make_poetry_project, "poetry-core"),
    "in-tree": (bt.make_intree_project, None),
}


@pytest.mark.parametrize("kind", list(MAKERS))
def test_each_backend_builds_a_local_tree(kind, ptinstall, backends, index, tmp_path, venv):
    maker, key = MAKERS[kind]
    if key:
        backends.require(key)
    project = maker(tmp_path / "src", dependencies=["depa>=1"], dirname="proj")
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "./proj", cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert call_f(venv, project.module) == project.expected
    names = installed_names(venv)
    assert "depa" in names
    assert not names & {"setuptools", "wheel", "hatchling", "flit-core", "poetry-core", "pathspec", "pluggy"}, names


def test_c_extension_compiles_and_runs(ptinstall, backends, index, tmp_path, venv):
    backends.require("setuptools")
    project = bt.make_c_extension_project(tmp_path / "src")
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "./cext", cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert call_f(venv, project.module) == "6007"  # computed by the compiled function
    assert list((bt.site_packages(venv) / "cext").glob("_speedups*.so")), "no compiled module installed"
    wheel_file = (bt.dist_info(venv, "cext") / "WHEEL").read_text()
    assert "Root-Is-Purelib: false" in wheel_file and "-none-any" not in wheel_file


def test_requirements_file_paths_are_relative_to_the_file(ptinstall, backends, index, tmp_path, venv):
    backends.require("setuptools")
    reqdir = tmp_path / "reqs"
    edit = bt.make_setuptools_project(reqdir / "projects", name="editme")
    plain = bt.make_intree_project(reqdir / "projects", name="plainproj", dependencies=["depa"])
    (reqdir / "requirements.txt").write_text("-e ./projects/editme\n./projects/plainproj\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "-r", reqdir / "requirements.txt", cwd=elsewhere)
    assert r.returncode == 0, r
    assert call_f(venv, "editme") == edit.expected
    assert call_f(venv, "plainproj") == plain.expected
    assert bt.direct_url(venv, "editme") == {"url": edit.path.as_uri(), "dir_info": {"editable": True}}
    assert bt.direct_url(venv, "plainproj") == {"url": plain.path.as_uri(), "dir_info": {}}
    assert "depa" in installed_names(venv)


def test_compile_keeps_local_and_editable_projects(ptinstall, backends, index, tmp_path, venv):
    """pip compile: a local project is pinned as `name @ file:///...`, an editable one as an `-e` line
    (pip-tools' form); installing the compiled file gives the same editable and plain installs."""
    backends.require("setuptools")
    src = tmp_path / "src"
    edit = bt.make_setuptools_project(src, name="editme")
    plain = bt.make_intree_project(src, name="plainproj", dependencies=["depa"])
    (src / "requirements.in").write_text("-e ./editme\n./plainproj\n")
    r = ptinstall("pip", "compile", "--python", venv, "--cache-dir", tmp_path / "cache", "--index-url", index,
                  "--no-header", src / "requirements.in", "-o", src / "requirements.txt", cwd=src)
    assert r.returncode == 0, r
    lines = (src / "requirements.txt").read_text().splitlines()
    assert f"-e {edit.path.as_uri()}" in lines, lines
    assert f"plainproj @ {plain.path.as_uri()}" in lines, lines
    assert "depa==1.0" in lines, lines
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "-r", src / "requirements.txt", cwd=tmp_path)
    assert r.returncode == 0, r
    assert bt.direct_url(venv, "editme") == {"url": edit.path.as_uri(), "dir_info": {"editable": True}}
    assert bt.direct_url(venv, "plainproj") == {"url": plain.path.as_uri(), "dir_info": {}}


def test_requirements_of_a_pyproject_with_dynamic_dependencies(ptinstall, backends, index, tmp_path, venv):
    """`pip install -r pyproject.toml` of a project whose dependencies are dynamic: its backend's metadata
    gives them (prepare_metadata_for_build_wheel); the project itself is not installed."""
    project = bt.make_intree_project(tmp_path / "src", name="dynproj", dependencies=["depa"],
                                     dynamic_dependencies=True)
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "-r", project.path / "pyproject.toml")
    assert r.returncode == 0, r
    assert " + depa==1.0" in r.stderr and "dynproj" not in r.stderr.split("Resolved")[-1], r.stderr
    assert "prepare_metadata_for_build_wheel" in hooks(project) and "build_wheel" not in hooks(project)


# --- editables (PEP 660) ----------------------------------------------------------------------------

@pytest.mark.parametrize("flag", ["-e", "--editable"])
@pytest.mark.parametrize("kind", ["setuptools", "hatchling", "in-tree"])
def test_editable_install_sees_edits(kind, flag, ptinstall, backends, index, tmp_path, venv):
    maker = {"setuptools": bt.make_setuptools_project, "hatchling": bt.make_hatchling_project,
             "in-tree": bt.make_intree_project}[kind]
    if kind != "in-tree":
        backends.require(kind)
    project = maker(tmp_path / "src", dependencies=["depa"], dirname="proj")
    r = install(ptinstall, tmp_path, venv, "--index-url", index, flag, "./proj", cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert call_f(venv, project.module) == project.expected
    (project.path / project.module / "__init__.py").write_text("def f():\n    return 'edited in place'\n")
    assert call_f(venv, project.module) == "edited in place"  # no reinstall
    assert bt.direct_url(venv, project.name) == {"url": project.path.as_uri(), "dir_info": {"editable": True}}
    assert "depa" in installed_names(venv)
    assert not (bt.site_packages(venv) / project.module).exists()  # the code stays in the tree


def test_editable_without_build_editable_names_backend_and_hook(ptinstall, index, tmp_path, venv):
    project = bt.make_intree_project(tmp_path / "src", name="noedit", editable=False)
    before = bt.snapshot(venv)
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "-e", "./noedit", cwd=tmp_path / "src")
    assert r.returncode == 1, r
    assert "build_editable" in r.stderr and "intree_backend" in r.stderr, r.stderr
    assert "noedit" in r.stderr
    assert bt.snapshot(venv) == before
    assert "build_wheel" not in hooks(project)


def test_pip_lists_and_uninstalls_our_editable(ptinstall, backends, index, tmp_path, venv):
    backends.require("setuptools")
    # pip removes a whole directory when it uninstalls every file in it: keep site-packages non-empty
    (bt.site_packages(venv) / "sentinel.txt").write_text("keep\n")
    before = bt.snapshot(venv)
    project = bt.make_setuptools_project(tmp_path / "src")
    assert install(ptinstall, tmp_path, venv, "--index-url", index, "-e", project.path).returncode == 0
    listed = bt.run_pip(venv, "list", "--editable").stdout
    assert re.search(rf"^stproj\s+1\.0\s+{re.escape(str(project.path))}\s*$", listed, re.M), listed
    assert "stproj" not in bt.run_pip(venv, "list", "--exclude-editable").stdout
    bt.run_pip(venv, "check")
    bt.run_pip(venv, "uninstall", "-y", "stproj")
    assert call_f(venv, project.module, check=False) == ""
    after = {k: v for k, v in bt.snapshot(venv).items() if "__pycache__" not in k}
    assert after == before


def test_our_freeze_list_and_uninstall_of_editables_and_trees(ptinstall, backends, index, tmp_path, venv):
    backends.require("setuptools")
    before = bt.snapshot(venv)
    edit = bt.make_setuptools_project(tmp_path / "src", name="editme")
    tree = bt.make_setuptools_project(tmp_path / "src", name="treeproj")
    assert install(ptinstall, tmp_path, venv, "--index-url", index, "-e", edit.path, tree.path).returncode == 0
    frozen = ptinstall("pip", "freeze", "--python", venv, check=True).stdout.splitlines()
    assert frozen == bt.run_pip(venv, "freeze").stdout.splitlines()  # pip is the oracle, comments included
    assert f"-e {edit.path}" in frozen and f"treeproj @ {tree.path.as_uri()}" in frozen, frozen
    listed = ptinstall("pip", "list", "--python", venv, check=True).stdout
    assert "editme" in listed and str(edit.path) in listed and "treeproj" in listed, listed  # with its location
    listed = ptinstall("pip", "list", "--python", venv, "--exclude-editable", check=True).stdout
    assert "editme" not in listed and "treeproj" in listed, listed
    ptinstall("pip", "uninstall", "--python", venv, "editme", "treeproj", check=True)
    assert bt.snapshot(venv) == before  # the editable's .pth and finder files are gone too


def test_our_pip_list_editable_option(ptinstall, index, tmp_path, venv):
    """pip's and uv's `pip list -e/--editable`: only the editables, with their location."""
    edit = bt.make_intree_project(tmp_path / "src", name="editme")
    tree = bt.make_intree_project(tmp_path / "src", name="treeproj")
    assert install(ptinstall, tmp_path, venv, "--index-url", index, "-e", edit.path, tree.path).returncode == 0
    for flag in ("--editable", "-e"):
        listed = ptinstall("pip", "list", "--python", venv, flag, check=True).stdout
        assert "editme" in listed and str(edit.path) in listed and "treeproj" not in listed, listed
    frozen = ptinstall("pip", "list", "--python", venv, "--editable", "--format=freeze", check=True).stdout
    assert frozen.splitlines() == bt.run_pip(venv, "list", "--editable", "--format=freeze").stdout.splitlines()


def test_we_uninstall_what_pip_installed_editable(ptinstall, backends, build_index, tmp_path, venv):  # noqa: F811
    backends.require("setuptools")
    server = build_index()
    before = bt.snapshot(venv)
    project = bt.make_setuptools_project(tmp_path / "src")
    bt.run_pip(venv, "install", "--index-url", server.index_url("/simple/"), "--no-cache-dir", "-e", project.path)
    listed = ptinstall("pip", "list", "--python", venv, check=True).stdout
    assert "stproj" in listed and str(project.path) in listed, listed
    assert "stproj" not in ptinstall("pip", "list", "--python", venv, "--exclude-editable", check=True).stdout
    frozen = ptinstall("pip", "freeze", "--python", venv, check=True).stdout.splitlines()
    assert frozen == bt.run_pip(venv, "freeze").stdout.splitlines()
    ptinstall("pip", "uninstall", "--python", venv, "stproj", check=True)
    assert bt.snapshot(venv) == before  # pip's RECORD lists the .pyc it compiled: all of it goes


# --- sdists -----------------------------------------------------------------------------------------

def test_sdist_file_by_relative_path(ptinstall, backends, index, tmp_path, venv):
    backends.require("setuptools")
    project = bt.make_setuptools_project(tmp_path / "src", name="demo", dependencies=["depa"])
    sdist = bt.make_sdist(project, tmp_path / "dist")
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "./demo-1.0.tar.gz", cwd=tmp_path / "dist")
    assert r.returncode == 0, r
    assert call_f(venv, "demo") == project.expected
    assert "depa" in installed_names(venv)
    d = bt.direct_url(venv, "demo")
    assert d["url"] == sdist.path.as_uri(), d
    info = d["archive_info"]
    assert info.get("hash") == f"sha256={sdist.sha256}" or info.get("hashes") == {"sha256": sdist.sha256}, d
    if "hash" in info and "hashes" in info:
        assert info["hashes"] == {"sha256": sdist.sha256}


@pytest.mark.parametrize("form", ["url", "direct-reference"])
def test_sdist_file_url(form, ptinstall, backends, index, tmp_path, venv):
    backends.require("setuptools")
    project = bt.make_setuptools_project(tmp_path / "src", name="demo")
    sdist = bt.make_sdist(project, tmp_path / "dist")
    req = sdist.path.as_uri() if form == "url" else f"demo @ {sdist.path.as_uri()}"
    r = install(ptinstall, tmp_path, venv, "--index-url", index, req)
    assert r.returncode == 0, r
    assert call_f(venv, "demo") == project.expected
    assert "archive_info" in bt.direct_url(venv, "demo")


def test_zip_sdist(ptinstall, index, tmp_path, venv):
    project = bt.make_intree_project(tmp_path / "src", name="zipped")
    sdist = bt.make_sdist(project, tmp_path / "dist", fmt="zip")
    assert sdist.filename == "zipped-1.0.zip"
    r = install(ptinstall, tmp_path, venv, "--index-url", index, sdist.path)
    assert r.returncode == 0, r
    assert call_f(venv, "zipped") == project.expected


def test_find_links_directory_with_sdists(ptinstall, backends, index, tmp_path, venv):
    backends.require("setuptools")
    links = tmp_path / "links"
    for version in ("1.0", "1.1"):
        bt.make_sdist(bt.make_setuptools_project(tmp_path / f"src{version}", name="linked", version=version,
                                                 dependencies=["depa"]), links)
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "--find-links", links, "linked")
    assert r.returncode == 0, r
    assert py(venv, "import linked; print(linked.__version__)") == "1.1"
    assert {"linked", "depa"} <= installed_names(venv)


def test_index_project_with_only_an_sdist_is_built(ptinstall, backends, build_index, tmp_path, venv):  # noqa: F811
    backends.require("setuptools")
    project = bt.make_setuptools_project(tmp_path / "src", name="srconly", version="2.0", dependencies=["depa"])
    server = build_index(deps(tmp_path) + [bt.make_sdist(project, tmp_path / "dist")])
    r = install(ptinstall, tmp_path, venv, "--index-url", server.index_url("/simple/"), "srconly")
    assert r.returncode == 0, r
    assert call_f(venv, "srconly") == project.expected
    assert {"srconly", "depa"} <= installed_names(venv)
    assert "setuptools" not in installed_names(venv)
    assert bt.direct_url(venv, "srconly") is None  # an index install, as pip writes it: no direct_url.json


def wheel_and_sdist_index(build_index, tmp_path, dependencies=("depa",)):  # noqa: F811
    """`both 1.0` as a wheel (f() says 'from the wheel') and as an sdist of the logging in-tree backend."""
    project = bt.make_intree_project(tmp_path / "src", name="both", dependencies=list(dependencies))
    wheel = build_wheel(tmp_path / "w", "both", "1.0", requires_dist=list(dependencies),
                        packages={"both/__init__.py": "def f():\n    return 'from the wheel'\n"})
    server = build_index(deps(tmp_path) + [wheel, bt.make_sdist(project, tmp_path / "dist")])
    return project, server.index_url("/simple/")


@pytest.mark.parametrize("flag", [None, "both", "BOTH", "other,both", "package:both"])
def test_no_binary_name_builds_even_though_a_wheel_exists(flag, ptinstall, build_index, tmp_path,  # noqa: F811
                                                          venv):
    project, url = wheel_and_sdist_index(build_index, tmp_path)
    # "package:NAME": uv's spelling, --no-binary-package NAME
    args = ["--no-binary-package", flag.split(":")[1]] if flag and flag.startswith("package:") else \
        ["--no-binary", flag] if flag else []
    r = install(ptinstall, tmp_path, venv, "--index-url", url, *args, "both")
    assert r.returncode == 0, r
    if flag is None:
        assert call_f(venv, "both") == "from the wheel"
        assert hooks(project) == []
    else:
        assert call_f(venv, "both") == project.expected
        assert "build_wheel" in hooks(project)
    assert "depa" in installed_names(venv)  # still from its wheel: --no-binary names only `both`


def test_requirements_file_no_binary_and_only_binary_apply(ptinstall, build_index, tmp_path, venv):  # noqa: F811
    """pip reads --no-binary/--only-binary in a requirements file as on the command line."""
    project, url = wheel_and_sdist_index(build_index, tmp_path)
    (tmp_path / "build.txt").write_text("--no-binary both\nboth\n")
    r = install(ptinstall, tmp_path, venv, "--index-url", url, "-r", tmp_path / "build.txt")
    assert r.returncode == 0, r
    assert call_f(venv, "both") == project.expected and "build_wheel" in hooks(project)
    (tmp_path / "srconly.txt").write_text("--only-binary :all:\nsrconly\n")
    only = bt.make_intree_project(tmp_path / "src2", name="srconly")
    server = build_index([bt.make_sdist(only, tmp_path / "dist2")])
    fresh = bt.make_venv(tmp_path / "fresh")
    before = bt.snapshot(fresh)
    r = install(ptinstall, tmp_path, fresh, "--index-url", server.index_url("/simple/"), "-r", tmp_path / "srconly.txt")
    assert r.returncode == 1, r
    assert "srconly" in r.stderr and "hint:" in r.stderr, r.stderr
    assert bt.snapshot(fresh) == before and not hooks(only)


def test_no_binary_all_builds_even_though_a_wheel_exists(ptinstall, build_index, tmp_path, venv):  # noqa: F811
    project, url = wheel_and_sdist_index(build_index, tmp_path, dependencies=())
    r = install(ptinstall, tmp_path, venv, "--index-url", url, "--no-binary", ":all:", "both")
    assert r.returncode == 0, r
    assert call_f(venv, "both") == project.expected
    assert "build_wheel" in hooks(project)


def test_no_binary_all_fails_for_a_wheel_only_dependency(ptinstall, build_index, tmp_path, venv):  # noqa: F811
    """pip's semantics: --no-binary :all: refuses every wheel, so depa (wheel only) cannot be installed."""
    project, url = wheel_and_sdist_index(build_index, tmp_path)
    before = bt.snapshot(venv)
    r = install(ptinstall, tmp_path, venv, "--index-url", url, "--no-binary", ":all:", "both")
    assert r.returncode == 1, r
    assert "depa" in r.stderr
    assert bt.snapshot(venv) == before


@pytest.mark.parametrize("how", ["none", "flag", "env", "requirements-file"])
def test_prefer_binary_takes_an_older_wheel_over_a_newer_sdist(how, ptinstall, build_index, tmp_path,  # noqa: F811
                                                                venv):
    """pip's --prefer-binary: pkg 1.0 has a wheel, 2.0 only an sdist. Without it 2.0 is built; with it
    (flag, PIP_PREFER_BINARY, or a requirements file's option) 1.0's wheel is installed and nothing is
    built; a requirement only the sdist satisfies is still built."""
    old = build_wheel(tmp_path / "w", "pkg", "1.0")
    newer = bt.make_intree_project(tmp_path / "src", name="pkg", version="2.0")
    server = build_index([old, bt.make_sdist(newer, tmp_path / "dist")])
    url = server.index_url("/simple/")
    args, env = ["pkg"], None
    if how == "flag":
        args = ["--prefer-binary", "pkg"]
    elif how == "env":
        env = {"PIP_PREFER_BINARY": "1"}
    elif how == "requirements-file":
        (tmp_path / "reqs.txt").write_text("--prefer-binary\npkg\n")
        args = ["-r", tmp_path / "reqs.txt"]
    r = install(ptinstall, tmp_path, venv, "--index-url", url, *args, env=env)
    assert r.returncode == 0, r
    want = "2.0" if how == "none" else "1.0"
    assert py(venv, "import importlib.metadata as m; print(m.version('pkg'))") == want
    assert ("build_wheel" in hooks(newer)) == (how == "none")
    if how == "flag":
        fresh = bt.make_venv(tmp_path / "fresh")
        r = install(ptinstall, tmp_path, fresh, "--index-url", url, "--prefer-binary", "pkg>=2")
        assert r.returncode == 0, r
        assert py(fresh, "import importlib.metadata as m; print(m.version('pkg'))") == "2.0"


@pytest.mark.parametrize("flags", [["--only-binary", ":all:"], ["--only-binary", "srconly"], ["--no-build"],
                                   ["--no-build-package", "srconly"]])
def test_only_binary_refuses_an_sdist_only_package(flags, ptinstall, build_index, tmp_path, venv):  # noqa: F811
    project = bt.make_intree_project(tmp_path / "src", name="srconly")
    server = build_index([bt.make_sdist(project, tmp_path / "dist")])
    before = bt.snapshot(venv)
    r = install(ptinstall, tmp_path, venv, "--index-url", server.index_url("/simple/"), *flags, "srconly")
    assert r.returncode == 1, r
    assert "srconly" in r.stderr and re.search(r"only wheels|only-binary|no wheel", r.stderr), r.stderr
    assert hooks(project) == []
    assert bt.snapshot(venv) == before


# --- build isolation, --no-build-isolation, config settings ----------------------------------------

TORCH_PRELUDE = ("import os\nimport torch  # from the target environment: not in build-system.requires\n"
                 "with open(os.path.join('torchext', '_built_against.py'), 'w') as f:\n"
                 "    f.write('TORCH = %r\\nCUDA = %r\\n' % (torch.__version__, torch.version.cuda))\n")


def test_no_build_isolation_builds_against_the_target_env(ptinstall, backends, build_index, tmp_path,  # noqa: F811
                                                          venv):
    backends.require("setuptools")
    torch = torch_wheel(tmp_path / "w", "2.9.1+cu128", cuda="12.8", tags="py3-none-any", provides_extra=())
    server = build_index([torch])
    url = server.index_url("/simple/")
    # the build tools and torch in the target, first (as a flash-attn user does)
    r = install(ptinstall, tmp_path, venv, "--index-url", url, "setuptools", "wheel", "torch==2.9.1+cu128")
    assert r.returncode == 0, r
    project = bt.make_setup_py_project(tmp_path / "src", name="torchext", setup_prelude=TORCH_PRELUDE)

    isolated = install(ptinstall, tmp_path, venv, "--index-url", url, "./torchext", cwd=tmp_path / "src")
    assert isolated.returncode == 1, isolated  # the isolated build env has no torch
    assert "torch" in isolated.stderr and "error: Failed to build" in isolated.stderr, isolated.stderr
    assert re.search(r"hint:.*--no-build-isolation", isolated.stderr), isolated.stderr

    r = install(ptinstall, tmp_path, venv, "--index-url", url, "--no-build-isolation", "./torchext",
                cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert call_f(venv, "torchext") == project.expected
    assert py(venv, "import torchext._built_against as b; print(b.TORCH, b.CUDA)") == "2.9.1+cu128 12.8"

    # The same setting from UV_NO_BUILD_ISOLATION and from uv.toml is honoured, not silently ignored
    # (issue 18): an isolated build fails, so each success below is the setting at work.
    for env, config in (({"UV_NO_BUILD_ISOLATION": "1"}, None), (None, "no-build-isolation = true\n")):
        ptinstall("pip", "uninstall", "--python", venv, "torchext", check=True)
        if config:
            (tmp_path / "src" / "uv.toml").write_text(config)
        r = install(ptinstall, tmp_path, venv, "--index-url", url, "./torchext", cwd=tmp_path / "src", env=env)
        assert r.returncode == 0, r
        assert "warning" not in r.stderr, r.stderr
        assert call_f(venv, "torchext") == project.expected
    (tmp_path / "src" / "uv.toml").unlink()


def test_a_wheel_built_without_isolation_is_kept_for_that_target_only(ptinstall, backends, build_index,  # noqa: F811
                                                                       tmp_path):
    """Without isolation a build sees what the target has (the torch it imports): the cached wheel of an
    sdist built against torch 2.8 is not reused for a target with torch 2.9, and is reused for another
    target with the same packages."""
    backends.require("setuptools")
    torches = [torch_wheel(tmp_path / "w", v, cuda="12.8", tags="py3-none-any", provides_extra=())
               for v in ("2.8.0+cu128", "2.9.1+cu128")]
    server = build_index(torches)
    url = server.index_url("/simple/")
    sdist = bt.make_sdist(bt.make_setup_py_project(tmp_path / "src", name="torchext", setup_prelude=TORCH_PRELUDE),
                          tmp_path / "dist")
    def wheels():
        return len(list((tmp_path / "cache").glob("built-wheels-v1/*/*/*.whl")))

    def build_in(venv, *flags):
        r = install(ptinstall, tmp_path, venv, "--index-url", url, "--no-build-isolation", *flags, sdist.path)
        assert r.returncode == 0, r
        return py(venv, "import torchext._built_against as b; print(b.TORCH)")

    first = bt.make_venv(tmp_path / "first")
    assert install(ptinstall, tmp_path, first, "--index-url", url, "setuptools", "wheel", "torch==2.8.0+cu128",
                   check=True).returncode == 0
    assert build_in(first) == "2.8.0+cu128" and wheels() == 1
    # the same target after a torch upgrade: built again, against the new torch
    assert install(ptinstall, tmp_path, first, "--index-url", url, "torch==2.9.1+cu128", check=True).returncode == 0
    assert build_in(first, "--reinstall-package", "torchext") == "2.9.1+cu128" and wheels() == 2
    # another venv with the first state's packages: its twin's wheel, no build
    twin = bt.make_venv(tmp_path / "twin")
    assert install(ptinstall, tmp_path, twin, "--index-url", url, "setuptools", "wheel", "torch==2.8.0+cu128",
                   check=True).returncode == 0
    assert build_in(twin) == "2.8.0+cu128" and wheels() == 2


def test_extra_build_dependencies_match_runtime(ptinstall, backends, build_index, tmp_path):  # noqa: F811
    """uv's [tool.uv] extra-build-dependencies: the build environment of the named package gets the extra
    requirement; with match-runtime exactly the version the install resolved for the target (the
    flash-attn pattern), without it the newest one."""
    backends.require("setuptools")
    old = torch_wheel(tmp_path / "w", "2.8.0+cpu", tags="py3-none-any", provides_extra=())
    new = torch_wheel(tmp_path / "w", "2.9.1+cpu", tags="py3-none-any", provides_extra=())
    server = build_index([old, new])
    url = server.index_url("/simple/")
    bt.make_setup_py_project(tmp_path / "src", name="torchext", setup_prelude=TORCH_PRELUDE)
    config = tmp_path / "uv.toml"
    config.write_text('[extra-build-dependencies]\ntorchext = [{ requirement = "torch", match-runtime = true }]\n')
    venv = bt.make_venv(tmp_path / "venv")
    # A setup.py project names itself only through its backend: the requirement names it.
    project = f"torchext @ {(tmp_path / 'src' / 'torchext').as_uri()}"
    r = install(ptinstall, tmp_path, venv, "--config-file", config, "--index-url", url, "torch==2.8.0+cpu",
                project, cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert py(venv, "import torchext._built_against as b; print(b.TORCH)") == "2.8.0+cpu"
    assert py(venv, "import torch; print(torch.__version__)") == "2.8.0+cpu"
    # A plain extra build dependency: the newest torch, whatever the target has.
    config.write_text('[extra-build-dependencies]\ntorchext = ["torch"]\n')
    # setuptools re-copies the generated _built_against.py into build/lib/ only when it is newer by whole
    # seconds (docs/building.md), so a rebuild within the first build's second would ship its copy.
    shutil.rmtree(tmp_path / "src" / "torchext" / "build")
    venv2 = bt.make_venv(tmp_path / "venv2")
    r = install(ptinstall, tmp_path, venv2, "--config-file", config, "--index-url", url, "torch==2.8.0+cpu",
                project, cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert py(venv2, "import torchext._built_against as b; print(b.TORCH)") == "2.9.1+cpu"
    # The bare path: no backend has run when the build environment is made, so the name comes from
    # setup.py's `name=` literal, and the setting keyed by it still applies.
    # A tree of its own: setup.py writes _built_against.py into its tree, and setuptools copies it into the
    # build/lib/ the builds above left only when it is newer by whole seconds (distutils' newer() compares
    # ST_MTIME), so a rebuild within the same second would ship the previous build's copy.
    config.write_text('[extra-build-dependencies]\ntorchext = [{ requirement = "torch", match-runtime = true }]\n')
    bare = bt.make_setup_py_project(tmp_path / "bare", name="torchext", setup_prelude=TORCH_PRELUDE)
    venv3 = bt.make_venv(tmp_path / "venv3")
    r = install(ptinstall, tmp_path, venv3, "--config-file", config, "--index-url", url, "torch==2.8.0+cpu",
                bare.path, cwd=tmp_path / "bare")
    assert r.returncode == 0, r
    assert py(venv3, "import torchext._built_against as b; print(b.TORCH)") == "2.8.0+cpu"


def test_no_build_isolation_package(ptinstall, backends, build_index, tmp_path, venv):  # noqa: F811
    """uv's --no-build-isolation-package NAME: only that package builds against the target; the others stay
    isolated (the in-tree `isolated` project needs buildreq, which the target does not have)."""
    backends.require("setuptools")
    torch = torch_wheel(tmp_path / "w", "2.9.1+cu128", cuda="12.8", tags="py3-none-any", provides_extra=())
    server = build_index([torch, build_wheel(tmp_path / "w", "buildreq", "1.0")])
    url = server.index_url("/simple/")
    assert install(ptinstall, tmp_path, venv, "--index-url", url, "setuptools", "wheel", "torch").returncode == 0
    torchext = bt.make_setup_py_project(tmp_path / "src", name="torchext", setup_prelude=TORCH_PRELUDE)
    isolated = bt.make_intree_project(tmp_path / "src", name="isolated", build_requires=["buildreq"])
    # a setup.py-only tree has no static name: the direct reference gives it, as a uv user writes it
    r = install(ptinstall, tmp_path, venv, "--index-url", url, "--no-build-isolation-package", "torchext",
                f"torchext @ {torchext.path.as_uri()}", isolated.path)
    assert r.returncode == 0, r
    assert call_f(venv, "torchext") == torchext.expected and call_f(venv, "isolated") == isolated.expected
    assert "buildreq" not in installed_names(venv)


def test_dependency_metadata_resolves_without_building(ptinstall, build_index, tmp_path, venv):  # noqa: F811
    """uv's [[dependency-metadata]]: the config says what a version requires, so resolving it builds nothing
    (flash-attn's sdist needs torch and a CUDA toolchain only to say it needs torch); the install still builds
    it. The entry is trusted as written, as uv does: it decides the resolution (extradep comes along although the
    built wheel's own metadata names depa only)."""
    project = bt.make_intree_project(tmp_path / "src", name="slowbuild", dependencies=["depa"],
                                     dynamic_dependencies=True)
    server = build_index(deps(tmp_path) + [bt.make_sdist(project, tmp_path / "dist", dynamic=["Requires-Dist"])])
    url = server.index_url("/simple/")
    config = tmp_path / "uv.toml"
    config.write_text('[[dependency-metadata]]\nname = "slowbuild"\nversion = "1.0"\n'
                      'requires-dist = ["depa", "extradep"]\n')
    r = ptinstall("pip", "compile", "--python", venv, "--cache-dir", tmp_path / "cache", "--config-file", config,
                  "--index-url", url, "--no-header", "--no-annotate", "-", input="slowbuild\n", check=True)
    assert r.stdout.split() == ["depa==1.0", "extradep==1.0", "slowbuild==1.0"], r.stdout
    assert hooks(project) == [], hooks(project)
    r = install(ptinstall, tmp_path, venv, "--config-file", config, "--index-url", url, "slowbuild")
    assert r.returncode == 0, r
    assert "build_wheel" in hooks(project) and not any(h.startswith("prepare_metadata") for h in hooks(project))
    assert {"slowbuild", "depa", "extradep"} <= set(installed_names(venv))
    # Without the entry the metadata comes from the backend: depa only.
    r = ptinstall("pip", "compile", "--python", venv, "--cache-dir", tmp_path / "cache2", "--no-config",
                  "--index-url", url, "--no-header", "--no-annotate", "-", input="slowbuild\n", check=True)
    assert r.stdout.split() == ["depa==1.0", "slowbuild==1.0"], r.stdout
    # A malformed entry is an error naming the file and the package.
    config.write_text('[[dependency-metadata]]\nname = "slowbuild"\nrequires-dist = ["depa >>> 1"]\n')
    r = install(ptinstall, tmp_path, venv, "--config-file", config, "--index-url", url, "slowbuild")
    assert r.returncode == 2 and f"{config}: dependency-metadata `slowbuild`: `requires-dist`:" in r.stderr, r.stderr


def test_build_constraint_pins_build_dependencies(ptinstall, build_index, tmp_path, venv):  # noqa: F811
    project = bt.make_intree_project(tmp_path / "src", name="constrained", build_requires=["buildreq"])
    server = build_index([build_wheel(tmp_path / "w", "buildreq", v) for v in ("1.0", "2.0")])
    url = server.index_url("/simple/")
    (tmp_path / "build-constraints.txt").write_text("buildreq==1.0\n")
    r = install(ptinstall, tmp_path, venv, "--index-url", url, "--build-constraint", tmp_path / "build-constraints.txt",
                project.path)
    assert r.returncode == 0, r
    built_env = json.loads(py(venv, "import importlib.resources as r; "
                                    "print(r.files('constrained').joinpath('_build_env.json').read_text())"))
    assert built_env == {"buildreq": "1.0"}
    other = bt.make_venv(tmp_path / "other")
    project2 = bt.make_intree_project(tmp_path / "src2", name="constrained", build_requires=["buildreq"])
    assert install(ptinstall, tmp_path, other, "--index-url", url, project2.path).returncode == 0
    assert json.loads(py(other, "import importlib.resources as r; "
                                "print(r.files('constrained').joinpath('_build_env.json').read_text())")) == \
        {"buildreq": "2.0"}  # without the constraint: the highest
    # uv's build-constraint-dependencies in a config file, as the file would say it
    third = bt.make_venv(tmp_path / "third")
    project3 = bt.make_intree_project(tmp_path / "src3", name="constrained", build_requires=["buildreq"])
    (tmp_path / "uv.toml").write_text('build-constraint-dependencies = ["buildreq<2"]\n')
    assert install(ptinstall, tmp_path, third, "--config-file", tmp_path / "uv.toml", "--index-url", url,
                   project3.path).returncode == 0
    assert json.loads(py(third, "import importlib.resources as r; "
                                "print(r.files('constrained').joinpath('_build_env.json').read_text())")) == \
        {"buildreq": "1.0"}


@pytest.mark.parametrize("flags", [["-C", "color=blue", "-C", "size=large"],
                                   ["--config-settings", "color=blue", "--config-settings=size=large"]])
def test_config_settings_reach_every_hook(flags, ptinstall, index, tmp_path, venv):
    project = bt.make_intree_project(tmp_path / "src", name="cfgproj")
    r = install(ptinstall, tmp_path, venv, "--index-url", index, *flags, "./cfgproj", cwd=tmp_path / "src")
    assert r.returncode == 0, r
    built_with = json.loads(py(venv, "import importlib.resources as r; "
                                     "print(r.files('cfgproj').joinpath('_build_config.json').read_text())"))
    assert built_with == {"color": "blue", "size": "large"}
    calls = project.hook_calls()
    assert "build_wheel" in [c["hook"] for c in calls]
    for call in calls:
        assert call["config_settings"] == {"color": "blue", "size": "large"}, call


def test_config_settings_and_variables_per_package(ptinstall, index, tmp_path, venv):  # noqa: F811
    """uv's --config-settings-package PKG:KEY=VALUE (and the config-settings-package table) reach that package's
    build only, over the global -C; extra-build-variables (flash-attn's FLASH_ATTENTION_SKIP_CUDA_BUILD) are in
    that build's environment only. A different setting or variable is another built wheel, not the cached one."""
    for name in ("pkgone", "pkgtwo"):
        bt.make_intree_project(tmp_path / "src", name=name)

    def built(name):
        return tuple(json.loads(py(venv, "import importlib.resources as r; "
                                         f"print(r.files('{name}').joinpath('{f}').read_text())"))
                     for f in ("_build_config.json", "_build_vars.json"))

    r = install(ptinstall, tmp_path, venv, "--index-url", index, "-C", "color=blue", "-C", "size=large",
                "--config-settings-package", "PkgOne:color=red", "./pkgone", "./pkgtwo", cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert built("pkgone") == ({"color": "red", "size": "large"}, {})
    assert built("pkgtwo") == ({"color": "blue", "size": "large"}, {})
    config = tmp_path / "uv.toml"
    config.write_text('[extra-build-variables]\npkgone = { BUILDVAR_SKIP_CUDA = "TRUE" }\n'
                      '[config-settings-package]\npkgtwo = { mode = ["a", "b"] }\n')
    r = install(ptinstall, tmp_path, venv, "--config-file", config, "--index-url", index, "--reinstall",
                "./pkgone", "./pkgtwo", cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert built("pkgone") == ({}, {"BUILDVAR_SKIP_CUDA": "TRUE"})
    assert built("pkgtwo") == ({"mode": ["a", "b"]}, {})
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "--config-settings-package", "pkgone=color",
                "./pkgone", cwd=tmp_path / "src")
    assert r.returncode == 2 and "invalid --config-settings-package `pkgone=color`" in r.stderr, r.stderr


def test_config_settings_from_a_config_file(ptinstall, index, tmp_path, venv):
    """uv.toml's config-settings table is what -C gives; -C on the command line wins over it."""
    bt.make_intree_project(tmp_path / "src", name="cfgfile")
    config = tmp_path / "uv.toml"
    config.write_text('config-settings = { color = "green" }\n')
    r = install(ptinstall, tmp_path, venv, "--config-file", config, "--index-url", index, "./cfgfile",
                cwd=tmp_path / "src")
    assert r.returncode == 0, r
    read = "import importlib.resources as r; print(r.files('cfgfile').joinpath('_build_config.json').read_text())"
    assert json.loads(py(venv, read)) == {"color": "green"}
    venv2 = bt.make_venv(tmp_path / "venv2")
    r = install(ptinstall, tmp_path, venv2, "--config-file", config, "--index-url", index, "-C", "color=red",
                "./cfgfile", cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert json.loads(py(venv2, read)) == {"color": "red"}


def test_hook_runs_in_the_source_tree_with_backend_path(ptinstall, index, tmp_path, venv):
    project = bt.make_intree_project(tmp_path / "src", name="cwdproj")
    assert install(ptinstall, tmp_path, venv, "--index-url", index, project.path).returncode == 0
    calls = project.hook_calls()
    assert calls and all(Path(c["cwd"]) == project.path for c in calls), calls
    # a chatty backend (it prints a JSON-looking line) does not corrupt the hook results
    assert call_f(venv, "cwdproj") == project.expected


def test_build_requirements_from_pyproject_and_get_requires_go_into_the_build_env(ptinstall, build_index,  # noqa: F811
                                                                                   tmp_path, venv):
    """[build-system].requires (buildreq) and then get_requires_for_build_wheel's answer (extradep) are
    installed into the build environment (the backend imports both), never into the target."""
    project = bt.make_intree_project(tmp_path / "src", name="needsbuildreqs", build_requires=["buildreq>=1"],
                                     requires=["extradep"])
    server = build_index(deps(tmp_path) + [build_wheel(tmp_path / "w", "buildreq", "1.0")])
    r = install(ptinstall, tmp_path, venv, "--index-url", server.index_url("/simple/"), project.path)
    assert r.returncode == 0, r
    assert call_f(venv, "needsbuildreqs") == project.expected
    assert installed_names(venv) == {"needsbuildreqs"}
    assert hooks(project)[:1] == ["get_requires_for_build_wheel"] and "build_wheel" in hooks(project)


def build_prefixes(project: bt.Project, hook: str) -> set:
    return {Path(c["prefix"]) for c in project.hook_calls() if c["hook"] == hook}


def test_builds_that_resolve_the_same_build_requirements_share_a_kept_environment(ptinstall, build_index,  # noqa: F811
                                                                                  tmp_path, venv):
    """The build environment is kept in the cache under the resolution's key: a second project with the
    same build requirements builds in the same one (complete, with exactly what they resolve to); a new
    release of a build requirement resolves to a new environment; the backend's answer to
    get_requires_for_build_wheel adds to [build-system].requires, so the build runs in the environment of
    both, not in the one that answered."""
    files = deps(tmp_path) + [build_wheel(tmp_path / "w", "buildreq", "1.0")]
    server = build_index(files)
    url = server.index_url("/simple/")
    one = bt.make_intree_project(tmp_path / "src", name="kept-one", build_requires=["buildreq>=1"], requires=["extradep"])
    two = bt.make_intree_project(tmp_path / "src", name="kept-two", build_requires=["buildreq>=1"], requires=["extradep"])
    for p in (one, two):
        assert install(ptinstall, tmp_path, venv, "--index-url", url, p.path).returncode == 0
        assert call_f(venv, p.module) == p.expected
    envs = tmp_path / "cache" / "build-envs-v1"
    (built_in,) = build_prefixes(one, "build_wheel")
    assert build_prefixes(two, "build_wheel") == {built_in}
    assert built_in.parent.parent == envs and (built_in / ".ptinstall-complete").is_file()
    assert {d.name.split("-")[0] for d in bt.site_packages(built_in).glob("*.dist-info")} == {"buildreq", "extradep"}
    (asked_in,) = build_prefixes(one, "get_requires_for_build_wheel")
    assert asked_in != built_in and asked_in.parent.parent == envs
    assert {d.name.split("-")[0] for d in bt.site_packages(asked_in).glob("*.dist-info")} == {"buildreq"}
    assert installed_names(venv) == {"kept-one", "kept-two"}  # nothing of the builds in the target

    server = build_index(files + [build_wheel(tmp_path / "w2", "buildreq", "2.0")])
    three = bt.make_intree_project(tmp_path / "src", name="kept-three", build_requires=["buildreq>=1"],
                                   requires=["extradep"])
    assert install(ptinstall, tmp_path, venv, "--index-url", server.index_url("/simple/"), three.path).returncode == 0
    (newer,) = build_prefixes(three, "build_wheel")
    assert newer != built_in and list(bt.site_packages(newer).glob("buildreq-2.0.dist-info"))


def test_a_kept_environment_left_incomplete_is_made_again(ptinstall, build_index, tmp_path, venv):  # noqa: F811
    server = build_index(deps(tmp_path) + [build_wheel(tmp_path / "w", "buildreq", "1.0")])
    url = server.index_url("/simple/")
    first = bt.make_intree_project(tmp_path / "src", name="first", build_requires=["buildreq"])
    assert install(ptinstall, tmp_path, venv, "--index-url", url, first.path).returncode == 0
    (env,) = build_prefixes(first, "build_wheel")
    # what a run killed while making it leaves: no completion mark, a package half there
    (env / ".ptinstall-complete").unlink()
    shutil.rmtree(next(bt.site_packages(env).glob("buildreq-*.dist-info")))
    second = bt.make_intree_project(tmp_path / "src", name="second", build_requires=["buildreq"])
    r = install(ptinstall, tmp_path, venv, "--index-url", url, second.path)
    assert r.returncode == 0, r
    assert build_prefixes(second, "build_wheel") == {env}
    assert (env / ".ptinstall-complete").is_file() and list(bt.site_packages(env).glob("buildreq-*.dist-info"))
    assert call_f(venv, "second") == second.expected


def test_a_kept_environment_compiles_into_its_own_pycache_not_the_project(ptinstall, index, tmp_path, venv):
    """Even with PYTHONDONTWRITEBYTECODE set, the backend's .pyc files are written, into the environment's
    own pycache/ (so the next build imports it compiled), never beside the project's sources."""
    project = bt.make_intree_project(tmp_path / "src", name="pycproj")
    r = install(ptinstall, tmp_path, venv, "--index-url", index, project.path, env={"PYTHONDONTWRITEBYTECODE": "1"})
    assert r.returncode == 0, r
    (env,) = build_prefixes(project, "build_wheel")
    compiled = list((env / "pycache").rglob("*.pyc"))
    assert any(p.name.startswith("intree_backend.") for p in compiled), compiled
    assert not list(project.path.rglob("__pycache__")), list(project.path.rglob("__pycache__"))


def test_cache_prune_removes_kept_build_environments(ptinstall, index, tmp_path, venv):
    project = bt.make_intree_project(tmp_path / "src", name="pruned")
    assert install(ptinstall, tmp_path, venv, "--index-url", index, project.path).returncode == 0
    envs = tmp_path / "cache" / "build-envs-v1"
    assert list(envs.glob("*/*/.ptinstall-complete"))
    r = ptinstall("cache", "prune", "--cache-dir", tmp_path / "cache", check=True)
    assert not list(envs.glob("*/*")), list(envs.glob("*/*"))
    (project.path / "pruned" / "__init__.py").write_text("def f():\n    return 'again'\n")
    fresh = bt.make_venv(tmp_path / "fresh")
    assert install(ptinstall, tmp_path, fresh, "--index-url", index, project.path).returncode == 0
    assert call_f(fresh, "pruned") == "again"


def test_builds_run_while_wheels_download(ptinstall, build_index, tmp_path, venv):  # noqa: F811
    """A build does not wait for the install's downloads, nor they for it: the project's build_wheel
    finishes only once nginx has logged the download of depa's wheel, which happens only if the
    downloads run while it builds (one after the other, the build would time out)."""
    server = build_index(deps(tmp_path))
    project = bt.make_intree_project(tmp_path / "src", name="overlap", dependencies=["depa"],
                                     wait_for=(server.prefix / "logs" / "access.log", "depa-1.0-py3-none-any.whl\t"))
    r = install(ptinstall, tmp_path, venv, "--index-url", server.index_url("/simple/"), project.path)
    assert r.returncode == 0, r
    assert call_f(venv, "overlap") == project.expected
    assert installed_names(venv) == {"overlap", "depa"}


def test_a_build_dependency_that_needs_building_itself(ptinstall, build_index, tmp_path, venv):  # noqa: F811
    """The backend's build requirement exists only as an sdist: it is built first (recursion works)."""
    helper = bt.make_intree_project(tmp_path / "src", name="buildhelper")
    project = bt.make_intree_project(tmp_path / "src", name="outer", build_requires=["buildhelper"])
    server = build_index([bt.make_sdist(helper, tmp_path / "dist")])
    r = install(ptinstall, tmp_path, venv, "--index-url", server.index_url("/simple/"), project.path)
    assert r.returncode == 0, r
    assert call_f(venv, "outer") == project.expected
    assert "build_wheel" in hooks(helper) and installed_names(venv) == {"outer"}


def test_a_cycle_of_build_dependencies_is_an_error_not_a_hang(ptinstall, build_index, tmp_path, venv):  # noqa: F811
    cyc_a = bt.make_intree_project(tmp_path / "src", name="cyc-a", build_requires=["cyc-b"])
    cyc_b = bt.make_intree_project(tmp_path / "src", name="cyc-b", build_requires=["cyc-a"])
    project = bt.make_intree_project(tmp_path / "src", name="top", build_requires=["cyc-a"])
    server = build_index([bt.make_sdist(cyc_a, tmp_path / "dist"), bt.make_sdist(cyc_b, tmp_path / "dist")])
    before = bt.snapshot(venv)
    r = install(ptinstall, tmp_path, venv, "--index-url", server.index_url("/simple/"), project.path)
    assert r.returncode == 1, r
    # the whole cycle is named, each source with what its build needs
    line = next(l for l in r.stderr.splitlines() if l.startswith("error:"))
    assert re.search(r"a build dependency cycle: .*cyc-a.* needs cyc-b; .*cyc-b.* needs cyc-a", line), r.stderr
    assert "hint:" in r.stderr, r.stderr
    assert bt.snapshot(venv) == before


# --- failures ---------------------------------------------------------------------------------------

def test_backend_that_writes_no_wheel(ptinstall, index, tmp_path, venv):
    project = bt.make_intree_project(tmp_path / "src", name="nowheel", dependencies=["depa"], fail="nowheel")
    before = bt.snapshot(venv)
    r = install(ptinstall, tmp_path, venv, "--index-url", index, project.path)
    assert r.returncode == 1, r
    assert "error: Failed to build" in r.stderr and "nowheel" in r.stderr and "build_wheel" in r.stderr, r.stderr
    assert bt.snapshot(venv) == before


def test_a_hanging_backend_is_stopped_after_the_build_timeout(ptinstall, index, tmp_path, venv):
    project = bt.make_intree_project(tmp_path / "src", name="hangs", fail="hang")
    before = bt.snapshot(venv)
    import time
    start = time.monotonic()
    r = install(ptinstall, tmp_path, venv, "--index-url", index, project.path, env={"PTINSTALL_BUILD_TIMEOUT": "3"})
    assert r.returncode == 1, r
    assert time.monotonic() - start < 60
    assert "error: Failed to build" in r.stderr and "hangs" in r.stderr, r.stderr
    assert re.search(r"time(d)? ?out|timeout", r.stderr, re.I), r.stderr
    assert bt.snapshot(venv) == before
    pids = [c["pid"] for c in project.hook_calls() if c["hook"] == "build_wheel"]
    assert pids
    for pid in pids:  # the hook process was stopped, not left behind
        assert not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read().lower()


def test_sdist_whose_name_disagrees_with_the_request_is_an_error(ptinstall, index, tmp_path, venv):
    sdist = bt.make_sdist(bt.make_intree_project(tmp_path / "src", name="demo"), tmp_path / "dist")
    before = bt.snapshot(venv)
    r = install(ptinstall, tmp_path, venv, "--index-url", index, f"other @ {sdist.path.as_uri()}")
    assert r.returncode == 1, r
    assert "other" in r.stderr and "demo" in r.stderr, r.stderr
    assert bt.snapshot(venv) == before


def test_failing_backend_reports_and_changes_nothing(ptinstall, index, tmp_path, venv):
    project = bt.make_intree_project(tmp_path / "src", name="failing", dependencies=["depa"], fail=True)
    before = bt.snapshot(venv)
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "./failing", cwd=tmp_path / "src")
    assert r.returncode == 1, r
    line = next((x for x in r.stderr.splitlines() if "error: Failed to build" in x), None)
    assert line and "failing" in line, r.stderr
    assert "build_wheel" in r.stderr and "intree_backend" in r.stderr
    assert "FLUX-CAPACITOR-OVERLOAD" in r.stderr
    assert "intree-backend: the last line before the failure" in r.stderr
    assert "intree-backend chatter line 0\n" not in r.stderr  # the last 50 lines, not all 80
    assert bt.snapshot(venv) == before  # depa, resolved fine, is not installed either

    # the failure left nothing behind in the cache: fixed, the same tree builds and installs
    backend = project.path / "_backend" / "intree_backend.py"
    backend.write_text(backend.read_text().replace("FAIL = True", "FAIL = False"))
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "./failing", cwd=tmp_path / "src")
    assert r.returncode == 0, r
    assert call_f(venv, "failing") == project.expected


def test_failing_sdist_from_the_index_names_name_and_version(ptinstall, build_index, tmp_path, venv):  # noqa: F811
    project = bt.make_intree_project(tmp_path / "src", name="failing", version="3.1", fail=True)
    server = build_index([bt.make_sdist(project, tmp_path / "dist")])
    before = bt.snapshot(venv)
    r = install(ptinstall, tmp_path, venv, "--index-url", server.index_url("/simple/"), "failing")
    assert r.returncode == 1, r
    assert "error: Failed to build failing==3.1" in r.stderr, r.stderr
    assert "FLUX-CAPACITOR-OVERLOAD" in r.stderr
    assert bt.snapshot(venv) == before


@pytest.mark.parametrize("kind", bt.HOSTILE_KINDS)
def test_tar_slip_sdist_is_refused_before_any_code_runs(kind, ptinstall, index, tmp_path, venv):
    outside = tmp_path / "outside"
    marker = tmp_path / "backend-ran"
    sdist, needle = bt.make_hostile_sdist(tmp_path / "src", tmp_path / "dist", kind, outside, marker=marker)
    before_outside = bt.snapshot(outside)
    before_venv = bt.snapshot(venv)
    r = install(ptinstall, tmp_path, venv, "--index-url", index, sdist.path)
    assert r.returncode != 0, r
    assert needle in r.stderr, r.stderr  # the error names the member
    what = {"symlink-absolute": "link", "symlink-relative": "link", "hardlink-outside": "link",
            "device": "device"}.get(kind)
    if what:  # and says what is wrong with it
        refusal = next(line for line in r.stderr.splitlines() if needle in line)
        assert what in refusal.split(needle, 1)[1], refusal
    assert not marker.exists(), "the backend ran"
    assert bt.snapshot(outside) == before_outside
    assert bt.snapshot(venv) == before_venv
    escaped = [p for p in tmp_path.rglob("*") if p.name in ("dotdot-escaped", "absolute-escaped", "through-link")]
    assert not escaped, escaped


# --- the built-wheel cache and metadata without a build --------------------------------------------

def test_second_install_of_an_index_sdist_runs_no_backend(ptinstall, build_index, tmp_path):  # noqa: F811
    project = bt.make_intree_project(tmp_path / "src", name="cached", version="1.5", dependencies=["depa"])
    server = build_index(deps(tmp_path) + [bt.make_sdist(project, tmp_path / "dist")])
    url = server.index_url("/simple/")
    first = bt.make_venv(tmp_path / "first")
    assert install(ptinstall, tmp_path, first, "--index-url", url, "cached").returncode == 0
    assert hooks(project).count("build_wheel") == 1
    calls = len(project.hook_calls())
    second = bt.make_venv(tmp_path / "second")
    r = install(ptinstall, tmp_path, second, "--index-url", url, "cached")
    assert r.returncode == 0, r
    assert len(project.hook_calls()) == calls, project.hook_calls()[calls:]  # no hook at all the second time
    assert call_f(second, "cached") == project.expected


def test_second_install_of_an_sdist_file_runs_no_backend(ptinstall, index, tmp_path):
    project = bt.make_intree_project(tmp_path / "src", name="cachedfile")
    sdist = bt.make_sdist(project, tmp_path / "dist")
    for n in range(2):
        v = bt.make_venv(tmp_path / f"venv{n}")
        r = install(ptinstall, tmp_path, v, "--index-url", index, sdist.path)
        assert r.returncode == 0, r
        assert call_f(v, "cachedfile") == project.expected
    assert hooks(project).count("build_wheel") == 1, hooks(project)


def test_local_tree_is_rebuilt_only_after_an_edit(ptinstall, index, tmp_path):
    project = bt.make_intree_project(tmp_path / "src", name="treecache")
    for n in range(2):
        v = bt.make_venv(tmp_path / f"venv{n}")
        assert install(ptinstall, tmp_path, v, "--index-url", index, project.path).returncode == 0
    assert hooks(project).count("build_wheel") == 1, hooks(project)
    (project.path / "treecache" / "__init__.py").write_text("def f():\n    return 'after the edit'\n")
    v = bt.make_venv(tmp_path / "venv-edited")
    assert install(ptinstall, tmp_path, v, "--index-url", index, project.path).returncode == 0
    assert hooks(project).count("build_wheel") == 2, hooks(project)
    assert call_f(v, "treecache") == "after the edit"


def test_dry_run_of_a_static_sdist_runs_no_backend(ptinstall, build_index, tmp_path, venv):  # noqa: F811
    project = bt.make_intree_project(tmp_path / "src", name="srconly", version="2.0", dependencies=["depa>=1"])
    server = build_index(deps(tmp_path) + [bt.make_sdist(project, tmp_path / "dist")])
    before = bt.snapshot(venv)
    r = install(ptinstall, tmp_path, venv, "--index-url", server.index_url("/simple/"), "--dry-run", "srconly")
    assert r.returncode == 0, r
    assert " + srconly==2.0" in r.stderr and " + depa==1.0" in r.stderr, r.stderr  # depa from PKG-INFO
    assert not project.log.exists(), project.hook_calls()  # PEP 643: no backend process at all
    assert bt.snapshot(venv) == before


@pytest.mark.parametrize("pkg_info", ["dynamic-requires-dist", "metadata-2.1"])
def test_dry_run_of_a_non_static_sdist_prepares_metadata_without_building(pkg_info, ptinstall, build_index,  # noqa: F811
                                                                          tmp_path, venv):
    """PKG-INFO that PEP 643 does not vouch for (Dynamic: Requires-Dist with no Requires-Dist lines, or
    Metadata-Version 2.1) and `dynamic = ["dependencies"]` in pyproject.toml: the dependencies come from
    prepare_metadata_for_build_wheel, with no full build."""
    project = bt.make_intree_project(tmp_path / "src", name="dynproj", version="2.0", dependencies=["depa>=1"],
                                     dynamic_dependencies=True)
    kw = {"dynamic": ["Requires-Dist"]} if pkg_info == "dynamic-requires-dist" else {"metadata_version": "2.1"}
    server = build_index(deps(tmp_path) + [bt.make_sdist(project, tmp_path / "dist", **kw)])
    r = install(ptinstall, tmp_path, venv, "--index-url", server.index_url("/simple/"), "--dry-run", "dynproj")
    assert r.returncode == 0, r
    assert " + dynproj==2.0" in r.stderr and " + depa==1.0" in r.stderr, r.stderr
    assert "prepare_metadata_for_build_wheel" in hooks(project)
    assert "build_wheel" not in hooks(project)


def test_static_project_table_resolves_without_a_backend(ptinstall, index, tmp_path, venv):
    """A local tree whose [project] declares its dependencies statically: --dry-run needs no backend."""
    project = bt.make_intree_project(tmp_path / "src", name="staticdeps", dependencies=["depa"])
    r = install(ptinstall, tmp_path, venv, "--index-url", index, "--dry-run", project.path)
    assert r.returncode == 0, r
    assert "depa==1.0" in r.stderr, r.stderr
    assert not project.log.exists(), project.hook_calls()


def test_two_concurrent_installs_build_the_same_sdist_once(ptinstall, build_index, tmp_path):  # noqa: F811
    """A lock per source across processes: the second waits, then takes the first's built wheel."""
    project = bt.make_intree_project(tmp_path / "src", name="racy", dependencies=["depa"], build_seconds=1)
    server = build_index(deps(tmp_path) + [bt.make_sdist(project, tmp_path / "dist")])
    url = server.index_url("/simple/")
    venvs = [bt.make_venv(tmp_path / f"venv{n}") for n in range(2)]
    results = [None, None]

    def run(n):
        results[n] = install(ptinstall, tmp_path, venvs[n], "--index-url", url, "racy")
    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n, r in enumerate(results):
        assert r.returncode == 0, r
        assert call_f(venvs[n], "racy") == project.expected
    spans = {}
    for c in project.hook_calls(ends=True):
        if c["hook"] == "build_wheel":
            spans.setdefault(c["pid"], {})[c["phase"]] = c["time"]
    spans = sorted((s["start"], s.get("end", float("inf"))) for s in spans.values())
    for (_, end), (next_start, _) in zip(spans, spans[1:]):
        assert next_start >= end, f"two builds of the same sdist at once: {spans}"
    assert len(spans) == 1, f"the second install built again instead of taking the cached wheel: {spans}"


# --- pip reads what we built (differential) ---------------------------------------------------------

def test_pip_lists_shows_and_checks_what_we_built(ptinstall, backends, index, tmp_path, venv):
    backends.require("setuptools")
    tree = bt.make_setuptools_project(tmp_path / "src", name="treeproj", dependencies=["depa"])
    sdist = bt.make_sdist(bt.make_setuptools_project(tmp_path / "src", name="sdistproj"), tmp_path / "dist")
    assert install(ptinstall, tmp_path, venv, "--index-url", index, tree.path, sdist.path).returncode == 0
    listed = bt.run_pip(venv, "list", "--format=freeze").stdout.splitlines()
    assert {"treeproj==1.0", "sdistproj==1.0", "depa==1.0"} <= set(listed), listed
    shown = bt.run_pip(venv, "show", "-f", "treeproj").stdout
    assert "Name: treeproj" in shown and "Requires: depa" in shown and "treeproj/__init__.py" in shown, shown
    bt.run_pip(venv, "check")
    frozen = bt.run_pip(venv, "freeze").stdout.splitlines()
    assert f"treeproj @ {tree.path.as_uri()}" in frozen, frozen
    assert f"sdistproj @ {sdist.path.as_uri()}#sha256={sdist.sha256}" in frozen, frozen  # pip adds archive_info's hash
    assert ptinstall("pip", "freeze", "--python", venv, check=True).stdout.splitlines() == frozen
    bt.run_pip(venv, "uninstall", "-y", "treeproj", "sdistproj")
    assert installed_names(venv) == {"depa"}


def _tree_files(venv: Path, name: str) -> set:
    """The installed files of a distribution, from its RECORD, less what differs by installer."""
    import csv
    record = bt.dist_info(venv, name) / "RECORD"
    out = set()
    for row in csv.reader(record.read_text().splitlines()):
        path = row[0]
        if "__pycache__" in path or path.endswith((".dist-info/INSTALLER", ".dist-info/REQUESTED", ".dist-info/RECORD",
                                                   ".dist-info/direct_url.json")):
            continue
        out.add(path)
    return out


@pytest.mark.parametrize("kind", ["setuptools", "hatchling", "c-extension"])
def test_built_wheel_has_the_same_files_as_pips(kind, ptinstall, backends, build_index, tmp_path):  # noqa: F811
    maker = {"setuptools": bt.make_setuptools_project, "hatchling": bt.make_hatchling_project,
             "c-extension": bt.make_c_extension_project}[kind]
    backends.require("hatchling" if kind == "hatchling" else "setuptools")
    project = maker(tmp_path / "src", name="same")
    sdist = bt.make_sdist(project, tmp_path / "dist")
    server = build_index()
    url = server.index_url("/simple/")
    ours = bt.make_venv(tmp_path / "ours")
    theirs = bt.make_venv(tmp_path / "theirs")
    assert install(ptinstall, tmp_path, ours, "--index-url", url, sdist.path).returncode == 0
    bt.run_pip(theirs, "install", "--index-url", url, "--no-cache-dir", "--no-compile", sdist.path)
    assert _tree_files(ours, "same") == _tree_files(theirs, "same")
    assert call_f(ours, "same") == call_f(theirs, "same")
