"""Command lines written for pip, pip-tools, virtualenv and uv do not die on the flags they pass
(issue 17): each is accepted, and honoured where it means something (--no-color, --progress-bar off,
--no-compile, --require-virtualenv, --directory, --no-seed/--no-pip, --no-emit-options, --resolver)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import wheelmaker  # noqa: E402
from envtools import installed, make_venv  # noqa: E402


@pytest.fixture
def links(tmp_path):
    d = tmp_path / "links"
    wheelmaker.build_wheel(d, "alpha", "1.0", requires_dist=["beta"],
                           packages={"alpha/__init__.py": "VALUE = 'alpha'\n"})
    wheelmaker.build_wheel(d, "beta", "2.0", packages={"beta/__init__.py": "VALUE = 'beta'\n"})
    return d


@pytest.fixture
def venv(tmp_path):
    return make_venv(tmp_path / "venv")


# A Dockerfile's pip line, word for word but for the program name.
PIP_NOISE = ["--disable-pip-version-check", "--no-warn-script-location", "--progress-bar", "off",
             "--root-user-action", "ignore", "--no-input", "--no-color", "--no-compile", "--exists-action", "i"]


def test_a_dockerfile_pip_line_installs(ptinstall, links, venv):
    ptinstall("pip", "install", "--python", venv, "--no-index", "--find-links", links, *PIP_NOISE,
              "--require-virtualenv", "alpha", check=True)
    assert installed(venv) == {"alpha": "1.0", "beta": "2.0"}
    # --no-compile is honoured: no bytecode, even where UV_COMPILE_BYTECODE asks for it.
    assert not list(venv.rglob("alpha/__pycache__/*.pyc"))


def test_no_compile_wins_over_the_environment(ptinstall, links, venv):
    env = {"UV_COMPILE_BYTECODE": "1"}
    ptinstall("pip", "install", "--python", venv, "--no-index", "-f", links, "beta", env=env, check=True)
    assert list(venv.rglob("beta/__pycache__/*.pyc"))
    ptinstall("pip", "install", "--python", venv, "--no-index", "-f", links, "alpha", "--no-compile", env=env,
              check=True)
    assert not list(venv.rglob("alpha/__pycache__/*.pyc"))


@pytest.mark.parametrize("cmd", [["uninstall", "-y", "beta"], ["list"], ["freeze"], ["show", "beta"], ["check"]])
def test_pip_general_options_on_every_command(ptinstall, links, venv, cmd):
    ptinstall("pip", "install", "--python", venv, "--no-index", "-f", links, "beta", check=True)
    r = ptinstall("pip", *cmd, "--python", venv, "--disable-pip-version-check", "--no-input", "--no-color",
                  "--exists-action", "w", "--require-virtualenv", check=True)
    assert "warning" not in r.stderr


def test_require_virtualenv_refuses_a_plain_interpreter(ptinstall, links, tmp_path):
    python = Path(sys.executable).resolve()
    r = ptinstall("pip", "list", "--python", python, "--require-virtualenv", check=False)
    assert r.returncode == 1
    assert r.stderr.startswith("error: --require-virtualenv: ") and "is not in a virtual environment" in r.stderr
    assert "hint: create one with `ptinstall venv`" in r.stderr
    # pip's variable does the same; an install is refused before anything is resolved.
    r = ptinstall("pip", "install", "--python", python, "--no-index", "-f", links, "alpha", "--dry-run",
                  env={"PIP_REQUIRE_VIRTUALENV": "1"}, check=False)
    assert r.returncode == 1 and "--require-virtualenv" in r.stderr


def test_no_color_is_honoured(ptinstall, venv):
    # --color always colours the error prefix; --no-color wins over it.
    r = ptinstall("pip", "install", "--python", venv, "--no-index", "nosuch", "--color", "always", check=False)
    assert "\x1b[" in r.stderr  # the check below can fail
    r = ptinstall("pip", "install", "--python", venv, "--no-index", "nosuch", "--color", "always", "--no-color",
                  check=False)
    assert r.returncode == 1 and "\x1b[" not in r.stderr and r.stderr.startswith("error: ")


def test_progress_bar_off_is_no_progress(ptinstall, make_index, tmp_path):
    from test_install_behaviour import run_on_tty
    out = tmp_path / "big"
    ws = [wheelmaker.build_wheel(out, f"p{i}", "1.0", files=wheelmaker.payload_files(f"p{i}", files=5,
                                                                                      compressed_bytes=300_000))
          for i in range(4)]
    server = make_index(ws)
    names = [f"p{i}" for i in range(4)]
    rc, tty = run_on_tty(("pip", "install", "--python", make_venv(tmp_path / "v1"), "--index-url", server.index_url(),
                          *names), {}, tmp_path)
    assert rc == 0 and "Preparing" in tty, tty  # the check below can fail
    rc, tty = run_on_tty(("pip", "install", "--python", make_venv(tmp_path / "v2"), "--index-url", server.index_url(),
                          "--progress-bar", "off", *names), {}, tmp_path)
    assert rc == 0 and "Preparing" not in tty and "Installed 4 packages" in tty, tty
    r = ptinstall("pip", "install", "--python", tmp_path / "v2", "--progress-bar", "sideways", "p0", check=False)
    assert r.returncode == 2 and "sideways" in r.stderr


def test_directory_changes_where_the_command_runs(ptinstall, links, venv, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("alpha\n")
    ptinstall("pip", "install", "--directory", project, "--python", venv, "--no-index", "-f", links,
              "-r", "requirements.txt", check=True)
    assert installed(venv)["alpha"] == "1.0"
    r = ptinstall("pip", "list", "--directory", tmp_path / "missing", "--python", venv, check=False)
    assert r.returncode == 2 and "--directory" in r.stderr


def test_pip_tools_flags_on_compile(ptinstall, links, tmp_path):
    (tmp_path / "requirements.in").write_text("alpha\n")
    r = ptinstall("pip", "compile", "requirements.in", "--no-index", "-f", links, "--allow-unsafe",
                  "--resolver=backtracking", "--no-emit-trusted-host", "--no-reuse-hashes", "--no-emit-options",
                  "--no-header", check=True)
    assert r.stdout == "alpha==1.0\n    # via -r requirements.in\nbeta==2.0\n    # via alpha\n"
    r = ptinstall("pip", "compile", "requirements.in", "--no-index", "-f", links, "--no-allow-unsafe", check=True)
    assert "warning: --no-allow-unsafe has no effect" in r.stderr
    r = ptinstall("pip", "compile", "requirements.in", "--no-index", "-f", links, "--resolver", "legacy", check=False)
    assert r.returncode == 2
    assert r.stderr.startswith("error: pip-tools' legacy resolver (--resolver=legacy) is not available\nhint: ")


def test_virtualenv_flags_on_venv(ptinstall, tmp_path):
    ptinstall("venv", tmp_path / "a", "--no-setuptools", "--no-wheel", "--no-pip", "--no-seed", check=True)
    assert (tmp_path / "a" / "pyvenv.cfg").exists()
    assert not list((tmp_path / "a").rglob("pip/__init__.py"))
    # UV_VENV_SEED asks for pip; --no-seed wins (nothing is fetched, so no index is needed).
    ptinstall("venv", tmp_path / "b", "--no-seed", env={"UV_VENV_SEED": "1"}, check=True)
    assert not list((tmp_path / "b").rglob("pip/__init__.py"))


def test_global_uv_flags(ptinstall, venv):
    ptinstall("pip", "list", "--python", venv, "--no-python-downloads", "--native-tls", "--no-config",
              "--color", "never", check=True)
    ptinstall("torch-backend", "--no-color", "--directory", ".", check=True)


def test_help_shows_the_compat_flags(ptinstall):
    out = ptinstall("pip", "install", "--help", check=True).stdout
    for flag in ("--disable-pip-version-check", "--progress-bar", "--require-virtualenv", "--no-compile",
                 "--root-user-action", "--no-warn-script-location", "--no-color", "--directory"):
        assert flag in out, flag


def test_uv_spellings(ptinstall, links, venv, tmp_path):
    (tmp_path / "req.txt").write_text("alpha\n")
    (tmp_path / "c.txt").write_text("beta==2.0\n")
    (tmp_path / "o.txt").write_text("beta>=1\n")
    ptinstall("pip", "install", "--python", venv, "--no-index", "-f", links, "--requirements", "req.txt",
              "--constraints", "c.txt", "--override", "o.txt", check=True)
    assert installed(venv) == {"alpha": "1.0", "beta": "2.0"}
    r = ptinstall("pip", "show", "--python", venv, "-f", "beta", check=True)
    assert "Files:\n" in r.stdout and "beta/__init__.py" in r.stdout
