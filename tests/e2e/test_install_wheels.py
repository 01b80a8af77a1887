"""End-to-end tests of `ptinstall pip install` / `pip uninstall` with local wheels: real interpreters,
real venvs, wheels built by wheelmaker and the real pip/setuptools/wheel wheels of the machine, and a
differential comparison against pip installing the same wheels."""
import base64
import csv
import glob
import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from envtools import snapshot
from wheelmaker import build_wheel

PY311 = "/root/.pyenv/versions/3.11.7/bin/python3.11"


def base_python() -> str:
    for candidate in (PY311, "/usr/bin/python3", shutil.which("python3")):
        if candidate and os.path.exists(candidate):
            return candidate
    pytest.skip("no python3")


def pip_wheel() -> str:
    """A pip wheel to run pip from (PYTHONPATH=<wheel> python -m pip), for the differential tests."""
    found = sorted(glob.glob("/usr/share/python-wheels/pip-*.whl"))
    found += sorted(glob.glob("/root/.pyenv/versions/3.11*/lib/python3.11/ensurepip/_bundled/pip-*.whl"))
    if not found:
        pytest.skip("no pip wheel on this machine")
    return found[0]


def make_venv(path: Path, python: str = None) -> Path:
    subprocess.run([python or base_python(), "-m", "venv", "--without-pip", str(path)], check=True)
    return path


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def site_packages(venv: Path) -> Path:
    found = glob.glob(str(venv / "lib" / "python3*" / "site-packages"))
    assert found, venv
    return Path(found[0])


def run_pip(venv: Path, *args, check=True):
    env = dict(os.environ, PYTHONPATH=pip_wheel(), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run([str(venv_python(venv)), "-m", "pip", *map(str, args)], env=env,
                          capture_output=True, text=True)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def bytecode_env():
    """The environment with bytecode writing on (imports leave __pycache__ behind)."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def read_record(path: Path):
    return list(csv.reader(io.StringIO(path.read_text())))


def demo_wheel(out, version="1.0", **kw):
    packages = kw.pop("packages", {
        "demo/__init__.py": f"__version__ = {version!r}\n",
        "demo/cli.py": "import sys\ndef main():\n    print('demo-cli', sys.argv[1:])\n    return 0\n",
        "demo/sub/__init__.py": "",
        "demo/sub/data.txt": "payload\n",
    })
    return build_wheel(out, "demo", version, packages=packages,
                       console_scripts=kw.pop("console_scripts", {"demo-cli": "demo.cli:main"}),
                       gui_scripts=kw.pop("gui_scripts", {"demo-gui": "demo.cli:main"}),
                       data_files=kw.pop("data_files", {
                           "scripts/demo-run": "#!python\nimport demo\nprint('run', demo.__version__)\n",
                           "scripts/demo-sh": "#!/bin/sh\necho shell\n",
                           "headers/demo.h": "int demo;\n",
                           "data/share/demo/readme.txt": "readme\n",
                           "platlib/demo_plat.py": "PLAT = 1\n",
                       }), **kw)


def install(ptinstall, venv, *args, check=True, env=None):
    return ptinstall("pip", "install", "--python", venv, *args, check=check, env=env)


# --- basic installs ---------------------------------------------------------------------------------

def test_install_into_venv_and_run(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    whl = demo_wheel(tmp_path / "wheels")
    r = install(ptinstall, venv, whl.path, check=True)
    assert "Resolved 1 package in " in r.stderr
    assert "Prepared 1 package in " in r.stderr
    assert "Installed 1 package in " in r.stderr
    assert " + demo==1.0" in r.stderr
    py = str(venv_python(venv))
    out = subprocess.run([py, "-c", "import demo, demo_plat; print(demo.__version__, demo_plat.PLAT)"],
                         capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1.0", "1"]
    out = subprocess.run([str(venv / "bin" / "demo-cli"), "a", "b"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "demo-cli ['a', 'b']"
    # wheelmaker's zip modes lack the regular-file bits, so, as with pip, the script is not executable.
    out = subprocess.run([py, str(venv / "bin" / "demo-run")], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "run 1.0"
    assert (venv / "bin" / "demo-run").read_text().startswith(f"#!{venv / 'bin' / 'python'}\n")
    assert (venv / "bin" / "demo-sh").read_text() == "#!/bin/sh\necho shell\n"
    assert os.access(venv / "bin" / "demo-gui", os.X_OK)
    sp = site_packages(venv)
    assert (venv / "include" / "site" / "python3.11" / "demo" / "demo.h").read_text() == "int demo;\n" \
        or (venv / "include" / "site").exists()
    assert (venv / "share" / "demo" / "readme.txt").read_text() == "readme\n"
    di = sp / "demo-1.0.dist-info"
    assert (di / "INSTALLER").read_text() == "ptinstall\n"
    assert (di / "REQUESTED").exists()
    assert '"url": "file://' in (di / "direct_url.json").read_text()
    # Every hashed RECORD row matches the file on disk.
    for path, digest, size in read_record(di / "RECORD"):
        target = (sp / path).resolve()
        assert target.exists(), path
        if digest:
            data = target.read_bytes()
            assert record_hash(data) == digest, path
            assert int(size) == len(data), path
    # importlib.metadata reads what we installed.
    code = ("import importlib.metadata as m; d = m.distribution('demo'); "
            "print(d.version); print(sorted(e.name for e in d.entry_points)); print(len(d.files))")
    out = subprocess.run([py, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "1.0"
    assert out[1] == "['demo-cli', 'demo-gui']"
    assert int(out[2]) == len(read_record(di / "RECORD"))


def test_noop_install_is_audited_and_fast(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    whl = demo_wheel(tmp_path / "wheels")
    install(ptinstall, venv, whl.path, check=True)
    before = snapshot(venv)
    r = install(ptinstall, venv, whl.path, check=True)
    assert "Audited 1 package in " in r.stderr
    assert "Installed" not in r.stderr
    assert snapshot(venv) == before


def test_upgrade_and_downgrade_replace_the_old_version(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    v1 = demo_wheel(tmp_path / "w1", "1.0", packages={"demo/__init__.py": "V = 1\n", "demo/old.py": "OLD = 1\n"},
                    console_scripts={"demo-old": "demo:main"})
    v2 = demo_wheel(tmp_path / "w2", "2.0", packages={"demo/__init__.py": "V = 2\n"})
    install(ptinstall, venv, v1.path, check=True)
    sp = site_packages(venv)
    subprocess.run([str(venv_python(venv)), "-c", "import demo.old"], check=True, env=bytecode_env())
    assert (sp / "demo" / "__pycache__").is_dir()
    r = install(ptinstall, venv, v2.path, check=True)
    assert " - demo==1.0" in r.stderr and " + demo==2.0" in r.stderr
    assert r.stderr.index(" - demo==1.0") < r.stderr.index(" + demo==2.0")
    assert not (sp / "demo-1.0.dist-info").exists()
    assert not (sp / "demo" / "old.py").exists()
    assert not list((sp / "demo").glob("__pycache__/old.*.pyc"))
    assert not (venv / "bin" / "demo-old").exists()
    assert (sp / "demo" / "__init__.py").read_text() == "V = 2\n"
    # And back down.
    r = install(ptinstall, venv, v1.path, check=True)
    assert " - demo==2.0" in r.stderr and " + demo==1.0" in r.stderr
    assert not (sp / "demo-2.0.dist-info").exists()
    assert (sp / "demo" / "old.py").exists()


def test_reinstall_and_dry_run(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    whl = demo_wheel(tmp_path / "wheels")
    r = install(ptinstall, venv, "--dry-run", whl.path, check=True)
    assert "Would install 1 package" in r.stderr and " + demo==1.0" in r.stderr
    assert not (site_packages(venv) / "demo").exists()
    install(ptinstall, venv, whl.path, check=True)
    sp = site_packages(venv)
    (sp / "demo" / "__init__.py").unlink()  # damage it; --reinstall repairs
    r = install(ptinstall, venv, "--reinstall", whl.path, check=True)
    assert " - demo==1.0" in r.stderr and " + demo==1.0" in r.stderr
    assert (sp / "demo" / "__init__.py").exists()


def test_find_links_picks_the_best_wheel(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    links = tmp_path / "links"
    for v in ("1.0", "1.5", "2.0rc1"):
        build_wheel(links, "pick-me", v)
    build_wheel(links, "pick-me", "3.0", tags="cp27-cp27m-win32")  # not installable here
    (links / "not-a-wheel.whl").write_text("x")
    r = install(ptinstall, venv, "--no-index", "--find-links", links, "pick-me", check=True)
    assert " + pick-me==1.5" in r.stderr
    r = install(ptinstall, venv, "--no-index", "--find-links", links, "pick-me", check=True)
    assert "Audited 1 package" in r.stderr
    r = install(ptinstall, venv, "--no-index", "-f", links, "pick-me<1.2", "--reinstall", check=True)
    assert " + pick-me==1.0" in r.stderr
    r = install(ptinstall, venv, "--no-index", "-f", links, "-U", "--pre", "pick-me", check=True)
    assert " - pick-me==1.0" in r.stderr and " + pick-me==2.0rc1" in r.stderr
    r = install(ptinstall, venv, "--no-index", "-f", links, "nothing-here", check=False)
    assert r.returncode != 0 and "`nothing-here` was not found" in r.stderr
    r = install(ptinstall, venv, "--index-url", "http://127.0.0.1:1/simple/", "nothing-here", check=False,
                env={"PTINSTALL_HTTP_RETRIES": "0"})
    assert r.returncode != 0 and "127.0.0.1:1" in r.stderr


def test_unsupported_wheel_is_refused(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    whl = build_wheel(tmp_path / "w", "winonly", "1.0", tags="cp311-cp311-win_amd64")
    r = install(ptinstall, venv, whl.path, check=False)
    assert r.returncode == 1
    assert "is not a supported wheel on this platform" in r.stderr
    r = install(ptinstall, venv, tmp_path / "missing-1.0-py3-none-any.whl", check=False)
    assert r.returncode == 1 and "does not exist" in r.stderr


def test_wheel_file_dependencies_are_resolved_like_pip(ptinstall, tmp_path):
    """A wheel file is `name @ file://...`: its Requires-Dist are resolved from the configured indexes
    and find-links, as pip does; the same file again changes nothing, another file of the same version
    reinstalls; without an index the resolution fails and nothing is installed."""
    venv = make_venv(tmp_path / "venv")
    links = tmp_path / "links"
    build_wheel(links, "six", "1.16.0")
    build_wheel(links, "six", "1.0.0")
    whl = build_wheel(tmp_path / "w", "needy", "1.0", requires_dist=["six>=1.10", "never; python_version < '3'"])
    before = snapshot(site_packages(venv))
    r = install(ptinstall, venv, "--no-index", whl.path, check=False)
    assert r.returncode == 1 and "six" in r.stderr, r.stderr
    assert snapshot(site_packages(venv)) == before
    r = install(ptinstall, venv, "--no-index", "--find-links", links, whl.path, check=True)
    assert " + needy==1.0" in r.stderr and " + six==1.16.0" in r.stderr and "never" not in r.stderr, r.stderr
    sp = site_packages(venv)
    assert (sp / "needy-1.0.dist-info" / "REQUESTED").exists()
    assert not (sp / "six-1.16.0.dist-info" / "REQUESTED").exists()
    assert "file://" in (sp / "needy-1.0.dist-info" / "direct_url.json").read_text()
    assert not (sp / "six-1.16.0.dist-info" / "direct_url.json").exists()
    # pip installs the same set from the same inputs.
    pip_venv = make_venv(tmp_path / "pip-venv")
    run_pip(pip_venv, "install", "--no-index", "--find-links", links, whl.path)
    assert sorted(p.name for p in site_packages(pip_venv).glob("*.dist-info")) == \
        sorted(p.name for p in sp.glob("*.dist-info"))
    # The same file again: nothing to do.
    r = install(ptinstall, venv, "--no-index", "--find-links", links, whl.path, check=True)
    assert "Audited 2 packages" in r.stderr and " + " not in r.stderr, r.stderr
    # Another file of the same version (direct_url.json differs): reinstalled.
    other = build_wheel(tmp_path / "w2", "needy", "1.0", requires_dist=["six>=1.10"])
    r = install(ptinstall, venv, "--no-index", "--find-links", links, other.path, check=True)
    assert " - needy==1.0" in r.stderr and " + needy==1.0" in r.stderr and "six" not in r.stderr, r.stderr
    assert str(tmp_path / "w2") in (sp / "needy-1.0.dist-info" / "direct_url.json").read_text()
    # --no-deps: the file alone, no index needed.
    venv2 = make_venv(tmp_path / "venv2")
    r = install(ptinstall, venv2, "--no-index", "--no-deps", whl.path, check=True)
    assert " + needy==1.0" in r.stderr and "six" not in r.stderr, r.stderr


# --- link modes and the cache -----------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["clone", "hardlink", "copy", "symlink"])
def test_link_modes(ptinstall, tmp_path, mode):
    venv = make_venv(tmp_path / "venv")
    whl = demo_wheel(tmp_path / "wheels")
    cache = tmp_path / "cache"
    install(ptinstall, venv, "--link-mode", mode, whl.path, check=True)
    installed = site_packages(venv) / "demo" / "__init__.py"
    cached = list(cache.glob("wheels-v1/*/demo/__init__.py"))
    assert len(cached) == 1
    if mode == "hardlink":
        assert installed.stat().st_ino == cached[0].stat().st_ino
    elif mode == "symlink":
        assert installed.is_symlink() and installed.resolve() == cached[0].resolve()
    elif mode == "copy":
        assert installed.stat().st_ino != cached[0].stat().st_ino
    subprocess.run([str(venv_python(venv)), "-c", "import demo"], check=True)


def test_link_mode_from_environment_and_bad_value(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    whl = demo_wheel(tmp_path / "wheels")
    r = install(ptinstall, venv, "--link-mode", "teleport", whl.path, check=False)
    assert r.returncode != 0
    install(ptinstall, venv, whl.path, check=True, env={"UV_LINK_MODE": "copy"})


def test_no_cache_leaves_no_cache(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    whl = demo_wheel(tmp_path / "wheels")
    install(ptinstall, venv, "--no-cache", whl.path, check=True)
    assert not (tmp_path / "cache" / "wheels-v1").exists()
    subprocess.run([str(venv_python(venv)), "-c", "import demo"], check=True)


def test_cache_dir_option_and_reuse(ptinstall, tmp_path):
    whl = demo_wheel(tmp_path / "wheels")
    other = tmp_path / "other-cache"
    v1 = make_venv(tmp_path / "v1")
    v2 = make_venv(tmp_path / "v2")
    r = install(ptinstall, v1, "--cache-dir", other, whl.path, check=True)
    assert "Prepared 1 package" in r.stderr
    assert len(list(other.glob("wheels-v1/*/demo-1.0.dist-info"))) == 1
    r = install(ptinstall, v2, "--cache-dir", other, whl.path, check=True)
    assert "Prepared" not in r.stderr  # answered from the cache
    assert "Installed 1 package" in r.stderr


def test_two_processes_share_a_cold_cache(ptinstall, tmp_path):
    whl = demo_wheel(tmp_path / "wheels", packages={f"demo/m{i}.py": f"X = {i}\n" * 50 for i in range(300)})
    venvs = [make_venv(tmp_path / f"v{i}") for i in range(2)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PTINSTALL_", "VIRTUAL_ENV"))}
    env.update(PTINSTALL_CACHE_DIR=str(tmp_path / "shared-cache"), NO_COLOR="1")
    from conftest import binary
    procs = [subprocess.Popen([binary(), "pip", "install", "--python", str(v), str(whl.path)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for v in venvs]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert len(list((tmp_path / "shared-cache").glob("wheels-v1/*"))) == 1
    for v in venvs:
        subprocess.run([str(venv_python(v)), "-c", "import demo.m299"], check=True)


# --- --target and --prefix --------------------------------------------------------------------------

def test_target_directory(ptinstall, tmp_path):
    target = tmp_path / "target"
    whl = demo_wheel(tmp_path / "wheels")
    ptinstall("pip", "install", "--python", base_python(), "--target", target, whl.path, check=True)
    assert (target / "demo" / "__init__.py").exists()
    assert (target / "demo-1.0.dist-info" / "RECORD").exists()
    assert (target / "bin" / "demo-cli").exists()
    out = subprocess.run([base_python(), "-c", "import demo; print(demo.__file__)"], env=dict(os.environ, PYTHONPATH=str(target)),
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith(str(target))


def test_prefix_directory(ptinstall, tmp_path):
    prefix = tmp_path / "prefix"
    whl = demo_wheel(tmp_path / "wheels")
    ptinstall("pip", "install", "--python", base_python(), "--prefix", prefix, whl.path, check=True)
    found = glob.glob(str(prefix / "lib" / "python3*" / "site-packages" / "demo" / "__init__.py"))
    assert len(found) == 1
    assert (prefix / "bin" / "demo-cli").exists()
    # The launcher runs with the base interpreter once the prefix is on the path.
    sp = str(Path(found[0]).parent.parent)
    out = subprocess.run([str(prefix / "bin" / "demo-cli"), "x"], env=dict(os.environ, PYTHONPATH=sp),
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "demo-cli ['x']"


# --- compile bytecode -------------------------------------------------------------------------------

def test_compile_bytecode_adds_pyc_to_record(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    whl = demo_wheel(tmp_path / "wheels")
    r = install(ptinstall, venv, "--compile-bytecode", whl.path, check=True)
    assert "Bytecode compiled" in r.stderr
    sp = site_packages(venv)
    pycs = sorted(p.relative_to(sp).as_posix() for p in sp.rglob("*.pyc"))
    assert any(p.startswith("demo/__pycache__/cli.") for p in pycs)
    rows = {row[0]: row for row in read_record(sp / "demo-1.0.dist-info" / "RECORD")}
    for p in pycs:
        if p.startswith("demo/"):
            assert p in rows, p
            assert rows[p][1] == record_hash((sp / p).read_bytes())
    # Uninstalling removes the bytecode too.
    ptinstall("pip", "uninstall", "--python", venv, "demo", check=True)
    assert not (sp / "demo").exists()


# --- differential against pip -----------------------------------------------------------------------

def normalized_tree(venv: Path):
    """The venv's files with the venv path replaced, and the documented differences taken out."""
    tree = {}
    marker = str(venv).encode()
    for rel, (mode, data) in snapshot(venv).items():
        if "__pycache__" in rel or rel.endswith((".dist-info/INSTALLER", ".dist-info/direct_url.json")):
            continue
        if rel.startswith("bin/activate") or rel == "pyvenv.cfg":  # written by venv, name the venv
            continue
        if isinstance(data, bytes):
            data = data.replace(marker, b"<VENV>")
        if rel.endswith(".dist-info/RECORD"):
            rows = []
            for path, digest, size in csv.reader(io.StringIO(data.decode())):
                if path.endswith(("/INSTALLER", "/direct_url.json")) or "__pycache__" in path:
                    continue
                rows.append((path, "<script>" if path.startswith("../../../bin/") else digest,
                             "" if path.startswith("../../../bin/") else size))
            data = sorted(rows)
        tree[rel] = (mode, data)
    return tree


def diff_trees(a, b):
    lines = []
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            lines.append(f"{k}: ptinstall={str(a.get(k))[:200]} pip={str(b.get(k))[:200]}")
    return "\n".join(lines)


def real_wheels():
    """The pip/setuptools/wheel wheels of Debian and of every pyenv interpreter, one per file name."""
    found = sorted(glob.glob("/usr/share/python-wheels/*.whl"))
    found += sorted(glob.glob("/root/.pyenv/versions/*/lib/python3.*/ensurepip/_bundled/*.whl"))
    by_name = {}
    for path in found:
        by_name.setdefault(os.path.basename(path), path)
    return sorted(by_name.values())


@pytest.mark.parametrize("kind", ["demo", "platlib", "real"])
def test_same_tree_as_pip(ptinstall, tmp_path, kind):
    if kind == "demo":
        wheels = [demo_wheel(tmp_path / "wheels").path]
    elif kind == "platlib":
        wheels = [build_wheel(tmp_path / "wheels", "nativeish", "0.1", tags="py3-none-any", root_is_purelib=False,
                              packages={"nativeish/__init__.py": "N = 1\n"},
                              data_files={"purelib/nativeish_pure.py": "P = 1\n", "scripts/nat": "#!pythonw\nprint(1)\n"},
                              console_scripts={"nat-cli": "nativeish:main"}).path]
    else:
        wheels = real_wheels()
        if not wheels:
            pytest.skip("no real wheels on this machine")
    for whl in wheels:
        name = os.path.basename(whl)
        ours = make_venv(tmp_path / f"ours-{name}")
        theirs = make_venv(tmp_path / f"pip-{name}")
        install(ptinstall, ours, "--no-deps", whl, check=True)
        run_pip(theirs, "install", "--no-index", "--no-deps", "--no-compile", whl)
        a, b = normalized_tree(ours), normalized_tree(theirs)
        # Rename the venv markers: both trees use <VENV>, the paths themselves are relative.
        assert a == b, f"{name}:\n" + diff_trees(a, b)
        # What pip left: INSTALLER says pip, ours says ptinstall.
        for di in site_packages(ours).glob("*.dist-info"):
            assert (di / "INSTALLER").read_text() == "ptinstall\n"


def test_pip_can_list_show_check_and_uninstall_what_we_installed(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    whl = demo_wheel(tmp_path / "wheels")
    wheels = [str(whl.path)] + [w for w in real_wheels() if "/wheel-" in w][:1]
    install(ptinstall, venv, *wheels, check=True)
    listed = run_pip(venv, "list", "--format=freeze").stdout
    assert "demo==1.0" in listed
    shown = run_pip(venv, "show", "-f", "demo").stdout
    assert "Name: demo" in shown and "Version: 1.0" in shown and "demo/cli.py" in shown
    run_pip(venv, "check")
    run_pip(venv, "uninstall", "-y", "demo")
    if len(wheels) > 1:
        run_pip(venv, "uninstall", "-y", "wheel")
    after = snapshot(venv)
    # pip leaves emptied parent directories (share/, include/site/...) behind; files must all be gone.
    leftovers = {k for k in set(after) - set(before) if after[k][0] != "dir"}
    assert not leftovers, leftovers


def test_we_uninstall_what_pip_installed(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    whl = demo_wheel(tmp_path / "wheels")
    run_pip(venv, "install", "--no-index", "--no-deps", whl.path)  # compiles .pyc by default
    assert list(site_packages(venv).rglob("*.pyc"))
    r = ptinstall("pip", "uninstall", "--python", venv, "demo", check=True)
    assert "Uninstalled 1 package" in r.stderr and " - demo==1.0" in r.stderr
    after = snapshot(venv)
    leftovers = {k for k in set(after) - set(before) if not k.startswith("include")}
    assert not leftovers, leftovers
    r = ptinstall("pip", "uninstall", "--python", venv, "demo", check=True)
    assert "Skipping demo as it is not installed" in r.stderr


def test_uninstall_dry_run(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, venv, demo_wheel(tmp_path / "wheels").path, check=True)
    before = snapshot(venv)
    r = ptinstall("pip", "uninstall", "--python", venv, "--dry-run", "demo", check=True)
    assert "Would uninstall 1 package" in r.stderr and " - demo==1.0" in r.stderr
    assert snapshot(venv) == before


# --- faults: nothing is installed -------------------------------------------------------------------

def write_zip(path: Path, members, record=True, dist_info="evil-1.0.dist-info", symlinks=()):
    """members: list of (arcname, bytes). A matching RECORD is appended unless record=False."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        rows = []
        for arc, data in members:
            zf.writestr(arc, data)
            rows.append(f"{arc},{record_hash(data)},{len(data)}")
        for arc, target in symlinks:
            info = zipfile.ZipInfo(arc)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
            rows.append(f"{arc},{record_hash(target.encode())},{len(target)}")
        if record:
            rows.append(f"{dist_info}/RECORD,,")
            zf.writestr(f"{dist_info}/RECORD", "\n".join(rows) + "\n")
    return path


def evil_members(extra):
    return [("evil/__init__.py", b"X = 1\n"),
            ("evil-1.0.dist-info/METADATA", b"Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n"),
            ("evil-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")] + extra


@pytest.mark.parametrize("case", ["tampered", "zip-slip", "absolute", "symlink", "truncated", "garbage", "unrecorded"])
def test_invalid_wheels_change_nothing(ptinstall, tmp_path, case):
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, venv, demo_wheel(tmp_path / "ok").path, check=True)
    before = snapshot(venv)
    wdir = tmp_path / "bad"
    wdir.mkdir()
    path = wdir / "evil-1.0-py3-none-any.whl"
    expect = "is invalid"
    if case == "tampered":
        whl = build_wheel(wdir, "evil", "1.0", corrupt_record=True)
        path = whl.path
        expect = "does not match RECORD"
    elif case == "zip-slip":
        write_zip(path, evil_members([("evil/../../../../escaped.py", b"BAD = 1\n")]))
        expect = "unsafe path"
    elif case == "absolute":
        write_zip(path, evil_members([(str(tmp_path / "abs-escaped.py"), b"BAD = 1\n")]))
        expect = "unsafe path"
    elif case == "symlink":
        write_zip(path, evil_members([]), symlinks=[("evil/passwd", "/etc/passwd")])
        expect = "links are not allowed"
    elif case == "truncated":
        whl = build_wheel(wdir, "evil", "1.0", packages={"evil/__init__.py": "X = 1\n" * 5000})
        data = whl.path.read_bytes()
        whl.path.write_bytes(data[: len(data) // 2])
        path = whl.path
    elif case == "garbage":
        path.write_bytes(b"this is not a zip file" * 100)
    elif case == "unrecorded":
        members = evil_members([])
        with zipfile.ZipFile(path, "w") as zf:
            rows = []
            for arc, data in members:
                zf.writestr(arc, data)
                rows.append(f"{arc},{record_hash(data)},{len(data)}")
            zf.writestr("evil/sneaky.py", b"S = 1\n")
            zf.writestr("evil-1.0.dist-info/RECORD", "\n".join(rows + ["evil-1.0.dist-info/RECORD,,"]) + "\n")
        expect = "`evil/sneaky.py` is not listed in RECORD"
    r = install(ptinstall, venv, path, check=False)
    assert r.returncode == 1, r
    assert f"error: wheel {path.name} is invalid" in r.stderr or expect in r.stderr, r.stderr
    assert expect in r.stderr, r.stderr
    if case in ("truncated", "garbage"):
        assert "hint:" in r.stderr
    assert snapshot(venv) == before
    assert not (tmp_path / "escaped.py").exists() and not (tmp_path / "abs-escaped.py").exists()
    # Nothing half-unpacked stays in the cache.
    assert not list((tmp_path / "cache").glob("wheels-v1/.tmp-*"))


@pytest.mark.parametrize("after", [0, 1, 4, 9])
def test_failure_half_way_leaves_the_environment_unchanged(ptinstall, tmp_path, after):
    venv = make_venv(tmp_path / "venv")
    v1 = demo_wheel(tmp_path / "w1", "1.0", packages={"demo/__init__.py": "V = 1\n", "demo/old.py": "O = 1\n"})
    other = build_wheel(tmp_path / "w1", "other", "1.0")
    install(ptinstall, venv, v1.path, other.path, check=True)
    subprocess.run([str(venv_python(venv)), "-c", "import demo.old"], check=True, env=bytecode_env())
    before = snapshot(venv)
    v2 = demo_wheel(tmp_path / "w2", "2.0")
    other2 = build_wheel(tmp_path / "w2", "other", "2.0")
    third = build_wheel(tmp_path / "w2", "third", "1.0", packages={f"third/m{i}.py": "" for i in range(20)})
    r = install(ptinstall, venv, v2.path, other2.path, third.path, check=False,
                env={"PTINSTALL_FAULT_INJECT": f"after-files:{after}"})
    assert r.returncode == 1, r
    assert "injected failure" in r.stderr
    assert snapshot(venv) == before, diff_trees(snapshot(venv), before)
    # Without the fault the same install goes through.
    r = install(ptinstall, venv, v2.path, other2.path, third.path, check=True)
    assert "Installed 3 packages" in r.stderr


def test_compiled_bytecode_matches_pip(ptinstall, tmp_path):
    """With --compile-bytecode the same .pyc files exist and RECORD lists the same paths as pip's
    (the .pyc bytes differ: they embed the source's mtime)."""
    whl = demo_wheel(tmp_path / "wheels").path
    ours = make_venv(tmp_path / "ours")
    theirs = make_venv(tmp_path / "theirs")
    install(ptinstall, ours, "--compile-bytecode", whl, check=True)
    run_pip(theirs, "install", "--no-index", "--no-deps", whl)
    def pycs(venv):
        return sorted(str(p.relative_to(venv)) for p in venv.rglob("*.pyc"))
    def record_paths(venv):
        return sorted(row[0] for row in read_record(site_packages(venv) / "demo-1.0.dist-info" / "RECORD")
                      if not row[0].endswith("direct_url.json"))
    assert pycs(ours) and pycs(ours) == pycs(theirs)
    assert record_paths(ours) == record_paths(theirs)


def test_large_wheel_is_streamed_not_held_in_memory(tmp_path):
    from conftest import binary
    from wheelmaker import LazyBinary
    size = 96 << 20
    whl = build_wheel(tmp_path / "wheels", "bigone", "1.0", files={"bigone/blob.bin": LazyBinary(size, 7)})
    venv = make_venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PTINSTALL_", "VIRTUAL_ENV"))}
    env.update(PTINSTALL_CACHE_DIR=str(tmp_path / "cache"), NO_COLOR="1")
    # A fresh parent process, so that its children's peak RSS is ptinstall's alone.
    probe = ("import resource, subprocess, sys\n"
             "r = subprocess.run(sys.argv[1:])\n"
             "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", probe, binary(), "pip", "install", "--python", str(venv), str(whl.path)],
                         env=env, capture_output=True, text=True, check=True).stdout.split()
    rc, peak_kib = int(out[0]), int(out[1])
    assert rc == 0
    assert (site_packages(venv) / "bigone" / "blob.bin").stat().st_size == size
    assert peak_kib < (size >> 10) // 2, f"peak RSS {peak_kib} KiB for a {size >> 20} MiB wheel"


def run_base_pip(*args):
    env = dict(os.environ, PYTHONPATH=pip_wheel(), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run([base_python(), "-m", "pip", *map(str, args)], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def dir_tree(root: Path, target=False):
    """Like normalized_tree, for a --target/--prefix directory. pip's --target installs into a temporary
    home scheme and moves it, so its RECORD keeps paths relative to the old lib/python ("../../bin/x");
    ours are relative to where the files are ("bin/x")."""
    tree = {}
    for rel, (mode, data) in snapshot(root).items():
        if "__pycache__" in rel or rel.endswith((".dist-info/INSTALLER", ".dist-info/direct_url.json")):
            continue
        if rel.endswith(".dist-info/RECORD"):
            data = sorted((p[6:] if target and p.startswith("../../") else p, h, s)
                          for p, h, s in csv.reader(io.StringIO(data.decode()))
                          if not p.endswith(("/INSTALLER", "/direct_url.json")))
        tree[rel] = (mode, data)
    return tree


@pytest.mark.parametrize("option", ["--target", "--prefix"])
def test_target_and_prefix_trees_match_pip(ptinstall, tmp_path, option):
    whl = demo_wheel(tmp_path / "wheels").path
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ptinstall("pip", "install", "--python", base_python(), option, ours, "--no-deps", whl, check=True)
    run_base_pip("install", "--no-index", "--no-deps", "--no-compile", option, theirs, whl)
    a, b = dir_tree(ours), dir_tree(theirs, target=option == "--target")
    assert a == b, diff_trees(a, b)
