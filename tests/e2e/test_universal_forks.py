"""`pip compile --universal` beyond platforms and Python ranges: the Python-implementation axis
(`implementation_name` / `platform_python_implementation` markers split the resolution, as uv forks on
diverging requirements), `--fork-strategy fewest`, `environments` and `required-environments` from the
config files, and a platform the environments name that the default grid lacks (Windows on ARM64).
docs/locks.md, "--universal". Against indexes served by nginx on 127.0.0.1; only this machine's python3."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import make_venv, installed  # noqa: E402
from indexserver import nginx_binary  # noqa: E402
from test_universal import QUIET, entries, lock_doc, report  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")


def serve(ptinstall, make_index, tmp_path, wheels):
    server = make_index(wheels)
    venv = make_venv(tmp_path / "venv")
    return venv, ["--python", venv / "bin" / "python", "--index-url", server.index_url()]


def test_requirements_that_diverge_on_the_implementation_are_forked(ptinstall, make_index, tmp_path):
    """`fast>=2` for CPython and `fast<2` for PyPy: one resolution per implementation named (and one for
    the rest), each entry marked with the implementations that have it. Evaluated as CPython only, PyPy
    would get fast 2.0 and no pypyonly."""
    out = tmp_path / "wheels"
    venv, base = serve(ptinstall, make_index, tmp_path, [
        wheelmaker.build_wheel(out, "app", "1.0", requires_dist=[
            "fast>=2; implementation_name == 'cpython'", "fast<2; implementation_name == 'pypy'",
            "greenlet; platform_python_implementation == 'CPython'", "pypyonly; implementation_name == 'pypy'"]),
        wheelmaker.build_wheel(out, "fast", "1.0"),
        wheelmaker.build_wheel(out, "fast", "2.0"),
        wheelmaker.build_wheel(out, "greenlet", "3.0"),
        wheelmaker.build_wheel(out, "pypyonly", "1.0"),
    ])
    (tmp_path / "requirements.in").write_text("app\n")
    args = ["pip", "compile", *base, "--universal", "--python-platform", "x86_64-manylinux_2_28",
            "--python-version", "3.9", "requirements.in"]
    r = ptinstall(*args, "-o", "pylock.toml", env=QUIET, check=True)
    # One platform, one Python range; CPython, PyPy and the rest.
    assert "(3 resolutions)" in r.stderr, r.stderr
    doc = lock_doc(tmp_path / "pylock.toml")
    assert entries(doc) == {("app", "1.0"): None,
                            ("fast", "2.0"): 'implementation_name == "cpython"',
                            ("fast", "1.0"): 'implementation_name == "pypy"',
                            ("greenlet", "3.0"): 'implementation_name == "cpython"',
                            ("pypyonly", "1.0"): 'implementation_name == "pypy"'}
    # requirements.txt: the same lines.
    r = ptinstall(*args, "--no-header", "--no-annotate", env=QUIET, check=True)
    assert 'fast==1.0 ; implementation_name == "pypy"' in r.stdout.splitlines(), r.stdout
    # This machine is CPython: the lock installs fast 2.0 and greenlet.
    ptinstall("pip", "sync", *base[:2], tmp_path / "pylock.toml", env=QUIET, check=True)
    assert installed(venv) == {"app": "1.0", "fast": "2.0", "greenlet": "3.0"}


def test_only_pypy_named_keeps_cpython_as_the_rest(ptinstall, make_index, tmp_path):
    """A marker naming PyPy alone: two parts, `implementation_name != 'pypy'` (resolved as CPython) and
    `== 'pypy'`; an entry both parts have gets no implementation clause."""
    out = tmp_path / "wheels"
    venv, base = serve(ptinstall, make_index, tmp_path, [
        wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["cffi; platform_python_implementation != 'PyPy'",
                                                                 "common"]),
        wheelmaker.build_wheel(out, "cffi", "1.0"),
        wheelmaker.build_wheel(out, "common", "1.0"),
    ])
    (tmp_path / "requirements.in").write_text("app\n")
    r = ptinstall("pip", "compile", *base, "--universal", "--python-platform", "x86_64-manylinux_2_28",
                  "--python-version", "3.9", "requirements.in", "-o", "pylock.toml", env=QUIET, check=True)
    assert "(2 resolutions)" in r.stderr, r.stderr
    assert entries(lock_doc(tmp_path / "pylock.toml")) == {
        ("app", "1.0"): None, ("common", "1.0"): None, ("cffi", "1.0"): 'implementation_name != "pypy"'}


def fewest_wheels(out):
    return [
        wheelmaker.build_wheel(out, "top", "1.0", requires_dist=["lib", "old; python_version < '3.10'"]),
        wheelmaker.build_wheel(out, "lib", "1.0"),
        wheelmaker.build_wheel(out, "lib", "2.0", requires_python=">=3.10"),
        wheelmaker.build_wheel(out, "old", "1.0"),
    ]


def test_fork_strategy_fewest(ptinstall, make_index, tmp_path):
    """requires-python (the default): each Python range gets the newest version it allows; fewest: the
    version that fits the oldest range is kept for all (one entry). From the flag, the variable, and a
    config file."""
    venv, base = serve(ptinstall, make_index, tmp_path, fewest_wheels(tmp_path / "wheels"))
    (tmp_path / "requirements.in").write_text("top\n")
    args = ["pip", "compile", *base, "--universal", "--python-platform", "x86_64-manylinux_2_28",
            "--python-version", "3.9", "requirements.in", "-o", "pylock.toml"]
    ptinstall(*args, env=QUIET, check=True)
    got = entries(lock_doc(tmp_path / "pylock.toml"))
    assert got[("lib", "1.0")] == 'python_version < "3.10"' and got[("lib", "2.0")] == 'python_version >= "3.10"'
    fewest = {("top", "1.0"): None, ("lib", "1.0"): None, ("old", "1.0"): 'python_version < "3.10"'}
    ptinstall(*args, "--fork-strategy", "fewest", "--upgrade", env=QUIET, check=True)
    assert entries(lock_doc(tmp_path / "pylock.toml")) == fewest
    ptinstall(*args, "--upgrade", env=dict(QUIET, UV_FORK_STRATEGY="requires-python"), check=True)
    assert ("lib", "2.0") in entries(lock_doc(tmp_path / "pylock.toml"))
    ptinstall(*args, "--upgrade", env=dict(QUIET, UV_FORK_STRATEGY="fewest"), check=True)
    assert entries(lock_doc(tmp_path / "pylock.toml")) == fewest
    # uv.toml's key; a value it does not know is an error naming the file.
    (tmp_path / "uv.toml").write_text('fork-strategy = "fewest"\n')
    cfg = ["--config-file", tmp_path / "uv.toml"]
    ptinstall(*args, *cfg, "--upgrade", env=QUIET, check=True)
    assert entries(lock_doc(tmp_path / "pylock.toml")) == fewest
    (tmp_path / "uv.toml").write_text('fork-strategy = "most"\n')
    r = ptinstall(*args, *cfg, env=QUIET, check=False)
    assert r.returncode != 0 and "invalid value `most` for `fork-strategy`" in r.stderr


def required_wheels(out):
    return [
        wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["native"]),
        # native has a wheel for Linux x86_64 only: the other platforms have no solution.
        wheelmaker.build_wheel(out, "native", "1.0", tags="py3-none-manylinux_2_17_x86_64"),
    ]


def test_environments_and_required_environments_from_config_files(ptinstall, make_index, tmp_path):
    venv, base = serve(ptinstall, make_index, tmp_path, required_wheels(tmp_path / "wheels"))
    (tmp_path / "requirements.in").write_text("app\n")
    args = ["pip", "compile", *base, "--universal", "--python-version", "3.12", "requirements.in"]
    # Without either: the cells without a solution are left out, with a warning each.
    r = ptinstall(*args, "-o", "pylock.toml", env=QUIET, check=True)
    assert r.stderr.count("warning: --universal: no resolution for") == 4, r.stderr
    assert lock_doc(tmp_path / "pylock.toml")["environments"] == [
        'sys_platform == "linux" and platform_machine == "x86_64"']
    # environments in uv.toml: only the cells they allow (no warning for the others).
    (tmp_path / "uv.toml").write_text("environments = [\"sys_platform == 'linux' and platform_machine == 'x86_64'\"]\n")
    cfg = ["--config-file", tmp_path / "uv.toml"]
    r = ptinstall(*args, *cfg, "-o", "pylock.toml", env=QUIET, check=True)
    assert "resolutions)" not in r.stderr and "no resolution" not in r.stderr, r.stderr
    doc = lock_doc(tmp_path / "pylock.toml")
    assert doc["environments"] == ['sys_platform == "linux" and platform_machine == "x86_64"']
    assert entries(doc) == {("app", "1.0"): None, ("native", "1.0"): None}
    # One marker as a string, as uv allows.
    (tmp_path / "uv.toml").write_text("environments = \"sys_platform == 'linux'\"\n")
    r = ptinstall(*args, *cfg, "-o", "pylock.toml", env=QUIET, check=True)
    # Linux aarch64 has no solution: left out (said), so the lock names the platform it covers.
    assert r.stderr.count("no resolution for") == 1 and "aarch64-manylinux_2_28" in r.stderr, r.stderr
    assert lock_doc(tmp_path / "pylock.toml")["environments"] == [
        'sys_platform == "linux" and platform_machine == "x86_64"']
    # required-environments naming a platform that has no solution: an error naming the cell, no lock.
    (tmp_path / "uv.toml").write_text("required-environments = [\"sys_platform == 'darwin'\"]\n")
    r = ptinstall(*args, *cfg, "-o", "req.toml", env=QUIET, check=False)
    assert r.returncode != 0, r
    assert "error: --universal: no resolution for x86_64-apple-darwin with Python >=3.12" in r.stderr, r.stderr
    assert "required-environments" in r.stderr and not (tmp_path / "req.toml").exists()
    # The same in the project's [tool.uv].
    (tmp_path / "uv.toml").unlink()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\nrequires-python = ">=3.12"\ndependencies = ["app"]\n'
        "[tool.uv]\nrequired-environments = [\"sys_platform == 'win32'\"]\n")
    r = ptinstall("pip", "compile", *base, "--universal", "pyproject.toml", "-o", "req.toml", env=QUIET, check=False)
    assert r.returncode != 0 and "x86_64-pc-windows-msvc" in r.stderr and "required-environments" in r.stderr
    # A marker that does not parse: an error naming the key.
    (tmp_path / "uv.toml").write_text("environments = [\"sys_platform = 'linux'\"]\n")
    r = ptinstall(*args, *cfg, "-o", "bad.toml", env=QUIET, check=False)
    assert r.returncode != 0 and "`environments`" in r.stderr and str(tmp_path / "uv.toml") in r.stderr, r.stderr


def test_environments_name_windows_on_arm64(ptinstall, make_index, tmp_path):
    """A platform the default grid lacks joins it when the environments name it, and a lock for it
    installs there (pure wheels)."""
    out = tmp_path / "wheels"
    venv, base = serve(ptinstall, make_index, tmp_path, [
        wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["armhelp; platform_machine == 'ARM64'"]),
        wheelmaker.build_wheel(out, "armhelp", "1.0")])
    (tmp_path / "uv.toml").write_text(
        "environments = [\"sys_platform == 'win32' and platform_machine == 'ARM64'\", \"sys_platform == 'linux'\"]\n")
    (tmp_path / "requirements.in").write_text("app\n")
    r = ptinstall("pip", "compile", *base, "--config-file", tmp_path / "uv.toml", "--universal", "--python-version",
                  "3.12", "requirements.in", "-o", "pylock.toml", env=QUIET, check=True)
    assert "(3 resolutions)" in r.stderr, r.stderr  # Linux x86_64, Linux aarch64, Windows ARM64
    doc = lock_doc(tmp_path / "pylock.toml")
    # Windows is ARM64 only within the lock's environments: `sys_platform == "win32"` says enough.
    assert entries(doc) == {("app", "1.0"): None, ("armhelp", "1.0"): 'sys_platform == "win32"'}
    assert doc["environments"] == ['sys_platform == "win32" and platform_machine == "ARM64"', 'sys_platform == "linux"']
    assert report(ptinstall, *base[:2], "--python-version", "3.12", "--python-platform", "aarch64-pc-windows-msvc",
                  "-r", tmp_path / "pylock.toml") == {"app": "1.0", "armhelp": "1.0"}
    r = ptinstall("pip", "install", "--dry-run", *base[:2], "--python-version", "3.12", "--python-platform",
                  "x86_64-pc-windows-msvc", "-r", tmp_path / "pylock.toml", env=QUIET, check=False)
    assert r.returncode != 0 and "environments" in r.stderr
