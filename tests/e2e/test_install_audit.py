"""End-to-end checks of issue 3 points not covered elsewhere: `pip uninstall -r/-y`, PEP 668 for
uninstall, wheels sharing files installed together (the nvidia-* shape), console scripts run from
venvs whose interpreter path needs the /bin/sh trampoline, and backups left by a killed process."""
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from test_install_wheels import (demo_wheel, install, make_venv, run_pip, site_packages, snapshot,
                                 venv_python)
from wheelmaker import build_wheel

SYSTEM_PYTHON = "/usr/bin/python3"


def externally_managed_marker():
    if not os.path.exists(SYSTEM_PYTHON):
        return None
    out = subprocess.run([SYSTEM_PYTHON, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    marker = Path(out) / "EXTERNALLY-MANAGED"
    return marker if marker.exists() else None


# --- pip uninstall -----------------------------------------------------------------------------------

def test_uninstall_from_requirements_file_with_yes(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    wheels = tmp_path / "wheels"
    demo = demo_wheel(wheels)
    other = build_wheel(wheels, "Other_Pkg", "2.0")
    third = build_wheel(wheels, "third", "3.0")
    install(ptinstall, venv, demo.path, other.path, third.path)
    req = tmp_path / "requirements.txt"
    # Names in any spelling, with specifiers and markers (only the name counts, as in pip), a wheel
    # path (its file name names the project), comments, and a name that is not installed.
    req.write_text("# to remove\nother.pkg>=1 ; python_version >= '3'\n"
                   f"{demo.path}\nabsent==1.0\n")
    r = ptinstall("pip", "uninstall", "--python", venv, "-y", "-r", req, check=True)
    assert "Uninstalled 2 packages" in r.stderr, r.stderr
    assert " - demo==1.0" in r.stderr and " - other-pkg==2.0" in r.stderr
    assert "warning: Skipping absent as it is not installed" in r.stderr
    listed = run_pip(venv, "list", "--format", "freeze").stdout
    assert "third==3.0" in listed and "demo" not in listed and "Other" not in listed


def test_uninstall_only_missing_names_is_a_warning_not_an_error(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    r = ptinstall("pip", "uninstall", "--python", venv, "--yes", "nothere", "alsonot", check=True)
    assert "warning: Skipping nothere as it is not installed" in r.stderr
    assert "warning: Skipping alsonot as it is not installed" in r.stderr
    assert snapshot(venv) == before


def test_uninstall_without_names_is_a_usage_error(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "uninstall", "--python", venv, check=False)
    assert r.returncode == 2 and "error: no packages to uninstall" in r.stderr


def test_uninstall_refuses_an_externally_managed_python(ptinstall, tmp_path):
    marker = externally_managed_marker()
    if marker is None:
        pytest.skip("the system python is not marked EXTERNALLY-MANAGED")
    # A name that is not installed, so that nothing could be removed even if the refusal failed.
    r = ptinstall("pip", "uninstall", "--python", SYSTEM_PYTHON, "-y", "ptinstall-absent-pkg", check=False)
    assert r.returncode == 1, r.stderr
    assert "is externally managed" in r.stderr and str(marker) in r.stderr
    assert "--break-system-packages" in r.stderr
    r = ptinstall("pip", "uninstall", "--python", SYSTEM_PYTHON, "--break-system-packages", "-y",
                  "ptinstall-absent-pkg", check=True)
    assert "Skipping ptinstall-absent-pkg as it is not installed" in r.stderr
    # PTINSTALL_BREAK_SYSTEM_PACKAGES does the same.
    r = ptinstall("pip", "uninstall", "--python", SYSTEM_PYTHON, "-y", "ptinstall-absent-pkg",
                  env={"PTINSTALL_BREAK_SYSTEM_PACKAGES": "1"}, check=True)
    assert "Skipping ptinstall-absent-pkg" in r.stderr


def test_install_refuses_an_externally_managed_python(ptinstall, tmp_path):
    if externally_managed_marker() is None:
        pytest.skip("the system python is not marked EXTERNALLY-MANAGED")
    whl = demo_wheel(tmp_path / "wheels")
    # Wheel files go through the one install path: refused before anything is read or written (a dry
    # run is not refused, as with uv: it changes nothing).
    r = ptinstall("pip", "install", "--python", SYSTEM_PYTHON, "--no-deps", whl.path, check=False)
    assert r.returncode == 1 and "is externally managed" in r.stderr
    r = ptinstall("pip", "install", "--system", "--no-deps", whl.path, check=False,
                  env={"PATH": "/usr/bin:/bin"})
    assert r.returncode == 1 and "is externally managed" in r.stderr
    r = ptinstall("pip", "install", "--python", SYSTEM_PYTHON, "--dry-run", "--no-deps", whl.path, check=True)
    assert " + demo==1.0" in r.stderr
    # --target lifts the refusal, as in pip.
    target = tmp_path / "target"
    ptinstall("pip", "install", "--python", SYSTEM_PYTHON, "--target", target, whl.path, check=True)
    assert (target / "demo" / "__init__.py").exists()


# --- wheels sharing files -------------------------------------------------------------------------

def nvidia_like(wheels, count):
    out = []
    for i in range(count):
        out.append(build_wheel(wheels, f"nvidia_fake{i}_cu12", "12.8.0", packages={
            "nvidia/__init__.py": "",
            f"nvidia/fake{i}/__init__.py": f"N = {i}\n",
            f"nvidia/fake{i}/lib/libfake{i}.so": "x" * (1000 + i),
            "nvidia/shared.txt": f"from {i}\n",
        }))
    return out


@pytest.mark.parametrize("link_mode", ["clone", "copy", "hardlink", "symlink"])
def test_wheels_sharing_files_install_together_like_pip(ptinstall, tmp_path, link_mode):
    wheels = nvidia_like(tmp_path / "wheels", 8)
    ours = make_venv(tmp_path / "ours")
    theirs = make_venv(tmp_path / "theirs")
    for attempt in range(3):  # thread scheduling differs between runs; the argument order must not matter
        args = [w.path for w in wheels]
        r = install(ptinstall, ours, "--link-mode", link_mode, *(args if attempt % 2 else args[::-1]))
        assert "Installed 8 packages" in r.stderr, r.stderr
        sp = site_packages(ours)
        # pip installs independent wheels by name, descending: the first name owns the shared file.
        assert (sp / "nvidia" / "shared.txt").read_text() == "from 0\n"
        for i in range(8):
            assert (sp / "nvidia" / f"fake{i}" / "__init__.py").exists()
        out = subprocess.run([str(venv_python(ours)), "-c",
                              "import nvidia.fake0, nvidia.fake7; print(nvidia.fake0.N + nvidia.fake7.N)"],
                             capture_output=True, text=True)
        assert out.stdout.strip() == "7", out.stderr
        assert "No broken requirements" in run_pip(ours, "check").stdout
        ptinstall("pip", "uninstall", "--python", ours, *[f"nvidia-fake{i}-cu12" for i in range(8)], check=True)
        assert not (sp / "nvidia").exists()
    if link_mode == "copy":
        install(ptinstall, ours, "--link-mode", "copy", *[w.path for w in wheels])
        run_pip(theirs, "install", "--no-index", "--no-deps", "--no-compile", *[w.path for w in wheels])
        a = {k: v for k, v in snapshot(site_packages(ours)).items() if ".dist-info" not in k}
        b = {k: v for k, v in snapshot(site_packages(theirs)).items() if ".dist-info" not in k}
        assert a == b


def test_wheels_sharing_files_roll_back_together(ptinstall, tmp_path):
    wheels = nvidia_like(tmp_path / "wheels", 6)
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, venv, wheels[0].path)
    before = snapshot(venv)
    for n in (1, 5, 9, 17):
        r = install(ptinstall, venv, *[w.path for w in wheels], "--reinstall", check=False,
                    env={"PTINSTALL_FAULT_INJECT": f"after-files:{n}"})
        assert r.returncode != 0 and "injected failure" in r.stderr
        assert snapshot(venv) == before


# --- the /bin/sh trampoline ---------------------------------------------------------------------

@pytest.mark.parametrize("shape", ["long", "space", "long-and-space"])
def test_console_script_runs_from_a_venv_needing_the_trampoline(ptinstall, tmp_path, shape):
    parent = tmp_path
    if "long" in shape:
        parent = parent / ("d" * 60) / ("e" * 60)
    if "space" in shape:
        parent = parent / "with space"
    parent.mkdir(parents=True)
    venv = make_venv(parent / "venv")
    python = venv / "bin" / "python"
    if "long" in shape:
        assert len(("#!" + str(python)).encode()) > 127
    whl = build_wheel(tmp_path / "wheels", "demo", "1.0", packages={
        "demo/__init__.py": "",
        "demo/cli.py": "import sys\ndef main():\n    print('demo-cli', sys.prefix, sys.argv[1:])\n    return 3\n",
    }, console_scripts={"demo-cli": "demo.cli:main"}, gui_scripts={"demo-gui": "demo.cli:main"},
        data_files={"scripts/raw-script": "#!python\nimport sys\nprint('raw', sys.prefix)\n"})
    install(ptinstall, venv, whl.path)
    for script, expect in (("demo-cli", "demo-cli"), ("demo-gui", "demo-cli"), ("raw-script", "raw")):
        path = venv / "bin" / script
        if script == "raw-script":  # wheelmaker writes 0644 entries; pip keeps the zip's mode too
            path.chmod(0o755)
        first = path.read_text().splitlines()[0]
        assert first == "#!/bin/sh", (script, first)
        # Run directly (the kernel reads the shebang), not through any interpreter of ours.
        out = subprocess.run([str(path), "a b", "c"], capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin"})
        assert out.stdout.startswith(expect + " " + str(venv)), (script, out.stdout, out.stderr)
        if script != "raw-script":
            assert out.returncode == 3 and out.stdout.strip().endswith("['a b', 'c']")


# --- killed processes -----------------------------------------------------------------------------

# A kill at a chosen step of the transaction, not after a guessed delay (a loaded machine moves
# any delay to another phase): preloaded into ptinstall, this wraps rename() and remove() and sends
# the process SIGKILL at the N-th move of a file aside (a backup: `.name.ptinstall-<id>~`), before
# or after that move, or before the N-th deletion of a backup (commit() deletes them).
KILL_SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long counters[2];
static int at(const char *var, long n) {
  const char *v = getenv(var);
  return v && atol(v) == n;
}
static int backup(const char *p) {
  size_t n = p ? strlen(p) : 0;
  return n && p[n - 1] == '~' && strstr(p, ".ptinstall-") != NULL;
}
int rename(const char *from, const char *to) {
  int (*real)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
  if (!backup(to)) return real(from, to);
  long n = __atomic_add_fetch(&counters[0], 1, __ATOMIC_SEQ_CST);
  if (at("KILL_BEFORE_BACKUP", n)) kill(getpid(), SIGKILL);
  int r = real(from, to);
  if (at("KILL_AFTER_BACKUP", n)) kill(getpid(), SIGKILL);
  return r;
}
int remove(const char *path) {
  int (*real)(const char *) = (int (*)(const char *))dlsym(RTLD_NEXT, "remove");
  if (backup(path) && at("KILL_BEFORE_DELETING_BACKUP", __atomic_add_fetch(&counters[1], 1, __ATOMIC_SEQ_CST)))
    kill(getpid(), SIGKILL);
  return real(path);
}
"""


@pytest.fixture(scope="session")
def kill_shim(tmp_path_factory):
    import shutil
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler for the kill shim")
    out = tmp_path_factory.mktemp("kill-shim")
    (out / "shim.c").write_text(KILL_SHIM)
    subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", str(out / "shim.so"), str(out / "shim.c"), "-ldl"],
                   check=True, capture_output=True)
    return out / "shim.so"


def upgrade_killed_at(ptinstall, tmp_path, kill_shim, where, n, count=600):
    """A venv with demo 1.0 (`count` modules), its snapshot, and the result of an upgrade to 2.0
    killed by the shim at `where`=n."""
    venv = make_venv(tmp_path / "venv")
    wheels = tmp_path / "wheels"

    def big(version):
        files = {f"demo/m{i:05d}.py": f"X = {i} # {version}\n" for i in range(count)}
        files["demo/__init__.py"] = f"__version__ = {version!r}\n"
        return demo_wheel(wheels, version, packages=files)
    v1, v2 = big("1.0"), big("2.0")
    install(ptinstall, venv, v1.path)
    before = snapshot(venv)
    r = install(ptinstall, venv, v2.path, check=None,
                env={"LD_PRELOAD": str(kill_shim), where: str(n), "PTINSTALL_LINK_MODE": "copy"})
    assert r.returncode == -signal.SIGKILL, r
    sp = site_packages(venv)
    assert (sp / ".ptinstall-journal").exists()
    return venv, sp, before, v1, v2


def test_backups_of_a_killed_install_are_repaired_by_the_next_run(ptinstall, tmp_path, kill_shim):
    # Killed half-way through moving 1.0 aside for 2.0 (site-packages and bin/): exactly 299 backups,
    # 2.0 partly in place.
    venv, sp, before, v1, _ = upgrade_killed_at(ptinstall, tmp_path, kill_shim, "KILL_BEFORE_BACKUP", 300)
    backups = list(venv.rglob(".*.ptinstall-*~"))
    assert len(backups) == 299
    assert any("# 2.0" in p.read_text() for p in (sp / "demo").glob("m*.py"))
    # The next run that locks the environment (here one that changes nothing) rolls the killed one
    # back first: every file moved aside is back as it was, no backup is left.
    r = ptinstall("pip", "uninstall", "--python", venv, "-y", "not-installed-anywhere")
    assert "rolled back an interrupted ptinstall run in " + str(sp) in r.stderr, r.stderr
    assert not list(venv.rglob(".*.ptinstall-*~"))
    assert not (sp / ".ptinstall-journal").exists()
    after = snapshot(venv)
    for backup in backups:
        original = str((backup.parent / backup.name[1:].split(".ptinstall-")[0]).relative_to(venv))
        assert after.get(original) == before[original], original
    # The next install works as usual: 1.0 again, every file 1.0's, nothing of 2.0 left.
    install(ptinstall, venv, "--reinstall", v1.path)
    assert snapshot(venv).keys() == before.keys()
    assert [p.name for p in sp.glob("demo-*.dist-info")] == ["demo-1.0.dist-info"]
    assert "demo==1.0" in run_pip(venv, "list", "--format", "freeze").stdout
    assert all(p.read_text().endswith("# 1.0\n") for p in (sp / "demo").glob("m*.py"))


def test_a_killed_upgrade_is_rolled_back_exactly(ptinstall, tmp_path, kill_shim):
    venv, _, before, _, _ = upgrade_killed_at(ptinstall, tmp_path, kill_shim, "KILL_BEFORE_BACKUP", 300)
    ptinstall("pip", "uninstall", "--python", venv, "-y", "not-installed-anywhere")
    assert snapshot(venv) == before


def test_a_kill_during_the_commit_is_finished_by_the_next_run(ptinstall, tmp_path, kill_shim):
    # Killed while commit() deletes the backups: 2.0 is complete, so the next run finishes the
    # commit (deletes the rest of the backups) rather than undoing it.
    venv, sp, _, _, v2 = upgrade_killed_at(ptinstall, tmp_path, kill_shim, "KILL_BEFORE_DELETING_BACKUP", 300)
    assert list(venv.rglob(".*.ptinstall-*~"))
    r = install(ptinstall, venv, "--reinstall", v2.path)
    assert "finished an interrupted ptinstall run in " + str(sp) in r.stderr, r.stderr
    assert not list(venv.rglob(".*.ptinstall-*~"))
    assert not (sp / ".ptinstall-journal").exists()
    assert [p.name for p in sp.glob("demo-*.dist-info")] == ["demo-2.0.dist-info"]
    assert "demo==2.0" in run_pip(venv, "list", "--format", "freeze").stdout
    assert all(p.read_text().endswith("# 2.0\n") for p in (sp / "demo").glob("m*.py"))
    assert len(list((sp / "demo").glob("m*.py"))) == 600


def test_a_kill_right_after_a_file_is_moved_aside_is_rolled_back(ptinstall, tmp_path, kill_shim):
    venv, sp, _, _, _ = upgrade_killed_at(ptinstall, tmp_path, kill_shim, "KILL_AFTER_BACKUP", 300)
    r = ptinstall("pip", "uninstall", "--python", venv, "-y", "not-installed-anywhere")
    assert "rolled back an interrupted ptinstall run in " + str(sp) in r.stderr, r.stderr
    # Every backup, the 300th included, is restored. (That the files not yet reached are left alone
    # is test_a_killed_upgrade_is_rolled_back_exactly.)
    assert not list(venv.rglob(".*.ptinstall-*~"))


def test_resolved_wheels_sharing_files_install_in_parallel_like_pip(ptinstall, tmp_path, make_index):
    """Through the resolving flow (an index): the same tree as pip, whatever the thread order."""
    wheels = nvidia_like(tmp_path / "wheels", 8)
    names = [f"nvidia-fake{i}-cu12" for i in range(8)]
    server = make_index(wheels)
    ours = make_venv(tmp_path / "ours")
    theirs = make_venv(tmp_path / "theirs")
    run_pip(theirs, "install", "--index-url", server.index_url(), "--no-compile", *names)
    expected = {k: v for k, v in snapshot(site_packages(theirs)).items() if ".dist-info" not in k}
    for attempt in range(3):
        r = ptinstall("pip", "install", "--python", ours, "--index-url", server.index_url(), "--link-mode", "copy",
                      *(names if attempt % 2 else names[::-1]), check=True)
        assert "Installed 8 packages" in r.stderr
        got = {k: v for k, v in snapshot(site_packages(ours)).items() if ".dist-info" not in k}
        assert got == expected
        ptinstall("pip", "uninstall", "--python", ours, *names, check=True)


# --- differential against pip, on every CPython of the machine ---------------------------------------

def cpythons():
    import glob as _glob
    found = []
    for exe in sorted(_glob.glob("/root/.pyenv/versions/3.*/bin/python3")) + [SYSTEM_PYTHON]:
        if os.path.exists(exe):
            found.append(pytest.param(exe, id=exe.split("/versions/")[-1].split("/")[0] if "pyenv" in exe else "system"))
    return found


def own_pip_wheel(python):
    """The newest pip wheel bundled with this interpreter (else Debian's): a pip that runs on it."""
    import glob as _glob
    out = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    found = sorted(_glob.glob(out + "/ensurepip/_bundled/pip-*.whl"))
    found = found or sorted(_glob.glob("/usr/share/python-wheels/pip-*.whl"))
    if not found:
        pytest.skip("no pip wheel for " + python)
    key = lambda p: tuple(int(x) for x in os.path.basename(p).split("-")[1].split(".") if x.isdigit())
    return max(found, key=key), [w for w in _glob.glob(out + "/ensurepip/_bundled/*.whl")]


@pytest.mark.parametrize("python", cpythons())
def test_same_tree_as_pip_on_every_cpython(ptinstall, tmp_path, python):
    from test_install_wheels import diff_trees, normalized_tree
    pip_whl, bundled = own_pip_wheel(python)
    wheels = [
        demo_wheel(tmp_path / "wheels").path,
        build_wheel(tmp_path / "wheels", "nativeish", "0.1", root_is_purelib=False,
                    packages={"nativeish/__init__.py": "N = 1\ndef main():\n    return 0\n"},
                    data_files={"purelib/nativeish_pure.py": "P = 1\n", "scripts/nat": "#!python\nprint(1)\n",
                                "data/share/nativeish/x.txt": "x\n"},
                    console_scripts={"nat-cli": "nativeish:main"}, gui_scripts={"nat-gui": "nativeish:main"}).path,
    ] + sorted(bundled)
    for whl in wheels:
        name = os.path.basename(str(whl))
        ours = make_venv(tmp_path / f"ours-{name}", python)
        theirs = make_venv(tmp_path / f"pip-{name}", python)
        install(ptinstall, ours, "--no-deps", whl)
        env = dict(os.environ, PYTHONPATH=pip_whl, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
        env.pop("VIRTUAL_ENV", None)
        proc = subprocess.run([str(venv_python(theirs)), "-m", "pip", "install", "--no-index", "--no-deps",
                               "--no-compile", str(whl)], env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        a, b = normalized_tree(ours), normalized_tree(theirs)
        # pips older than 20 (Python 3.6's pip 18.1) write no REQUESTED and an older launcher
        # template (blank lines, `-script\.pyw?`): ptinstall writes what current pip writes.
        old_pip = int(os.path.basename(pip_whl).split("-")[1].split(".")[0]) < 20
        if old_pip:
            def launchers(tree):
                return {k: ((m, "<launcher>") if k.startswith("bin/") and isinstance(d, bytes)
                            and b"# -*- coding: utf-8 -*-" in d else (m, d)) for k, (m, d) in tree.items()}
            a, b = launchers(a), launchers(b)
            a = {k: v for k, v in a.items() if not k.endswith(".dist-info/REQUESTED")}
            a = {k: (m, [r for r in d if not r[0].endswith("/REQUESTED")] if k.endswith("/RECORD") else d)
                 for k, (m, d) in a.items()}
        assert a == b, f"{python} {name} (pip {os.path.basename(pip_whl)}):\n" + diff_trees(a, b)
        # importlib.metadata (3.8+) reads what we installed.
        dist = name.split("-")[0]
        code = ("import sys\nif sys.version_info >= (3, 8):\n    import importlib.metadata as m\n"
                f"    print(m.version({dist!r}))\nelse:\n    print('skip')")
        out = subprocess.run([str(venv_python(ours)), "-c", code], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr


# --- which environment: discovery order with the real binary -----------------------------------------

def installed_in(venv):
    return any(site_packages(venv).glob("demo-1.0.dist-info"))


def test_discovery_order_and_the_error_without_an_environment(ptinstall, tmp_path):
    whl = demo_wheel(tmp_path / "wheels").path
    work = tmp_path / "project" / "sub"
    work.mkdir(parents=True)
    # Nothing: an error with the hint.
    r = ptinstall("pip", "install", whl, cwd=work, check=False)
    assert "error: no virtual environment found" in r.stderr
    assert "hint: create one with `ptinstall venv`" in r.stderr and "--system" in r.stderr
    # A .venv in a parent directory.
    dot = make_venv(tmp_path / "project" / ".venv")
    ptinstall("pip", "install", whl, cwd=work, check=True)
    assert installed_in(dot)
    # CONDA_PREFIX beats .venv; VIRTUAL_ENV beats CONDA_PREFIX; --python beats VIRTUAL_ENV.
    conda, active, explicit = (make_venv(tmp_path / n) for n in ("conda", "active", "explicit"))
    ptinstall("pip", "install", whl, cwd=work, env={"CONDA_PREFIX": str(conda)}, check=True)
    assert installed_in(conda)
    ptinstall("pip", "install", whl, cwd=work, env={"CONDA_PREFIX": str(conda), "VIRTUAL_ENV": str(active)},
              check=True)
    assert installed_in(active)
    ptinstall("pip", "install", "--python", explicit, whl, cwd=work,
              env={"CONDA_PREFIX": str(conda), "VIRTUAL_ENV": str(active)}, check=True)
    assert installed_in(explicit)
    # --python also takes the interpreter itself, and a version request found on PATH.
    other = make_venv(tmp_path / "other")
    ptinstall("pip", "install", "--python", venv_python(other), whl, cwd=work, check=True)
    assert installed_in(other)
    # A version request is looked up on PATH (read-only here: the system python is never changed).
    version = subprocess.run([SYSTEM_PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True).stdout.strip()
    r = ptinstall("pip", "list", "--python", version, "-v", cwd=work, env={"PATH": "/usr/bin:/bin"}, check=True)
    assert "Location" in r.stdout or r.stdout == ""
    # One query per interpreter, cached on disk.
    assert list((tmp_path / "cache").glob("interpreter-v1/*.json"))


@pytest.mark.parametrize("var", ["PTINSTALL_SYSTEM_PYTHON", "UV_SYSTEM_PYTHON", "--system"])
def test_system_takes_the_first_python3_on_path(ptinstall, tmp_path, var):
    # Read-only (pip list), so the real system python is never changed.
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3").symlink_to(SYSTEM_PYTHON)
    env = {"PATH": f"{bindir}:/usr/bin:/bin"}
    args = ["pip", "list", "-v", "--format", "json"]
    if var == "--system":
        args.insert(2, "--system")
    else:
        env[var] = "1"
    r = ptinstall(*args, cwd=tmp_path, env=env, check=True)
    import json
    rows = json.loads(r.stdout)
    expected = subprocess.run([SYSTEM_PYTHON, "-c", "import sys; print(sys.prefix)"], capture_output=True,
                              text=True).stdout.strip()
    assert rows == [] or all(row["location"].startswith(expected) or "/usr/" in row["location"] for row in rows)
    r = ptinstall("pip", "list", cwd=tmp_path, env={"PATH": f"{bindir}:/usr/bin:/bin"}, check=False)
    assert "no virtual environment found" in r.stderr


# --- activation scripts in every shell they are written for ------------------------------------------

SHELL_SCRIPTS = {
    "zsh": ("activate", ["-f", "-c"], 'source "{env}/bin/activate"; echo "$VIRTUAL_ENV"; command -v python; '
            'python -c "import sys; print(sys.prefix)"; deactivate; echo "${{VIRTUAL_ENV-unset}}"'),
    "fish": ("activate.fish", ["--no-config", "-c"], 'source "{env}/bin/activate.fish"; echo $VIRTUAL_ENV; '
             'command -v python; python -c "import sys; print(sys.prefix)"; deactivate; '
             'set -q VIRTUAL_ENV; and echo set; or echo unset'),
    # csh expands aliases per input line, so its commands go one per line in a script file.
    "csh": ("activate.csh", ["-f"], 'source "{env}/bin/activate.csh"\necho "$VIRTUAL_ENV"\nwhich python\n'
            'python -c "import sys; print(sys.prefix)"\ndeactivate\nif ($?VIRTUAL_ENV) echo set\n'
            'if (! $?VIRTUAL_ENV) echo unset\n'),
}


@pytest.mark.parametrize("shell", sorted(SHELL_SCRIPTS))
def test_activate_in_other_shells(ptinstall, tmp_path, shell):
    import shutil
    exe = shutil.which(shell)
    if not exe:
        pytest.skip(f"no {shell} on this machine")
    ptinstall("venv", "env", "--python", SYSTEM_PYTHON, check=True)
    env = tmp_path / "env"
    _, flags, script = SHELL_SCRIPTS[shell]
    if shell == "csh":
        (tmp_path / "t.csh").write_text(script.format(env=env))
        argv = [exe, *flags, str(tmp_path / "t.csh")]
    else:
        argv = [exe, *flags, script.format(env=env)]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == str(env), proc.stdout
    assert lines[1] == str(env / "bin" / "python")
    assert Path(lines[2]).resolve() == env.resolve()
    assert lines[-1] == "unset"


# A stand-in for the venv's bin/python (which --compile-bytecode runs): it behaves as the real one,
# except for the first bytecode compilation after ARM is written: "after" compiles every file, its
# output lost, then kills ptinstall (its parent) before ptinstall hears of them; "before" takes the
# list of files, kills ptinstall and only then runs the compiler, writing its exit status to DONE.
KILLING_PYTHON = """#!/bin/sh
real="$(dirname "$0")/python3"
if [ "$1" = "-c" ] && [ -e {arm} ]; then
  case "$2" in *compileall*)
    mode=$(cat {arm}); rm -f {arm}
    if [ "$mode" = after ]; then
      "$real" "$@" >/dev/null
      kill -9 $PPID
      exit 1
    fi
    cat > {arm}.in
    kill -9 $PPID
    n=0; while kill -0 $PPID 2>/dev/null && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done
    "$real" "$@" < {arm}.in
    echo $? > {done}
    exit 0;;
  esac
fi
exec "$real" "$@"
"""


@pytest.mark.parametrize("when", ["after", "before"])
def test_install_killed_while_compiling_bytecode_leaves_no_bytecode(ptinstall, tmp_path, when):
    venv = make_venv(tmp_path / "venv")
    arm, done = tmp_path / "ARM", tmp_path / "DONE"
    python = venv_python(venv)
    python.unlink()
    python.write_text(KILLING_PYTHON.format(arm=arm, done=done))
    python.chmod(0o755)
    wheels = tmp_path / "wheels"
    v1 = demo_wheel(wheels, "1.0", packages={"demo/__init__.py": "V = 1\n", "demo/a.py": "A = 1\n"})
    v2 = demo_wheel(wheels, "2.0", packages={"demo/__init__.py": "V = 2\n", "demo/a.py": "A = 2\n",
                                             "demo/extra/__init__.py": "", "demo/extra/b.py": "B = 2\n"})
    install(ptinstall, venv, "--compile-bytecode", v1.path, check=True)
    sp = site_packages(venv)
    assert list((sp / "demo" / "__pycache__").glob("a.*.pyc"))
    before = snapshot(venv)

    arm.write_text(when)
    r = install(ptinstall, venv, "--compile-bytecode", v2.path, check=None)
    assert r.returncode == -signal.SIGKILL, r
    assert (sp / ".ptinstall-journal").exists()
    if when == "after":
        # The killed run's compiler wrote its files: only the journal knows them.
        assert list((sp / "demo" / "extra" / "__pycache__").glob("b.*.pyc"))
    else:
        # The compiler started after ptinstall died: it stops at its first file instead of writing
        # .pyc files that the next run could not know about.
        # (A deadline, not a count of naps: on a loaded machine the interpreter may take a while; and
        # the status once written, not the file once created.)
        deadline = time.monotonic() + 120
        while not (done.exists() and done.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert done.read_text().strip() not in ("", "0")
        # (1.0's .pyc files are moved aside by now: any .pyc in sight is the orphan's.)
        assert not list(sp.rglob("*.pyc"))
        assert not (sp / "demo" / "extra" / "__pycache__").exists()

    # The next run that locks the environment rolls the killed one back: no .pyc, no __pycache__ of
    # 2.0, 1.0's own bytecode back in place.
    r = ptinstall("pip", "uninstall", "--python", venv, "-y", "not-installed-anywhere")
    assert "an interrupted ptinstall run in " + str(sp) in r.stderr, r.stderr
    assert snapshot(venv) == before
    assert "demo==1.0" in run_pip(venv, "list", "--format", "freeze").stdout
