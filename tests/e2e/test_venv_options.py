"""`ptinstall venv` options beyond the basics, with `python -m venv` and real pip as oracles:
--system-site-packages (the environment sees the base interpreter's and the user's site-packages, exactly as
a `python -m venv --system-site-packages` environment does), --relocatable (uv's: move the environment and its
entry points and activation scripts still work), --allow-existing (uv's: nothing is removed), -c for --clear,
--no-project; and `pip list` / `pip freeze` --local, --user, --path against pip on the same environment."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from conftest import system_python  # noqa: E402


def run_py(venv: Path, code: str, env=None) -> str:
    proc = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, timeout=120,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def user_env(tmp_path: Path) -> dict:
    """A user site of our own (PYTHONUSERBASE) holding one package, `usermod`."""
    base = tmp_path / "userbase"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_"))}
    env.update(PYTHONUSERBASE=str(base), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return env


def put_in_user_site(ptinstall, tmp_path: Path, env: dict, python: str):
    ver = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True,
                         text=True, check=True).stdout.strip()
    site = Path(env["PYTHONUSERBASE"]) / "lib" / f"python{ver}" / "site-packages"
    wheel = wheelmaker.build_wheel(tmp_path / "wheels", "usermod", "1.5")
    ptinstall("pip", "install", "--python", python, "--target", site, "--no-index", wheel.path, check=True)
    return site


def normalize_paths(paths, root: Path):
    return [p.replace(str(root), "<venv>") for p in paths]


def test_system_site_packages_matches_python_venv(ptinstall, tmp_path):
    python = system_python()
    env = user_env(tmp_path)
    put_in_user_site(ptinstall, tmp_path, env, python)
    ours, theirs, plain = tmp_path / "ours", tmp_path / "theirs", tmp_path / "plain"
    ptinstall("venv", ours, "--python", python, "--system-site-packages", check=True)
    subprocess.run([python, "-m", "venv", "--without-pip", "--system-site-packages", str(theirs)], check=True)
    ptinstall("venv", plain, "--python", python, check=True)

    assert "include-system-site-packages = true\n" in (ours / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = true\n" in (theirs / "pyvenv.cfg").read_text()
    # The interpreter reads both files the same way: the same sys.path, user site included.
    code = "import sys, site; print('\\n'.join(sys.path)); print(site.ENABLE_USER_SITE)"
    assert normalize_paths(run_py(ours, code, env).splitlines(), ours) == \
        normalize_paths(run_py(theirs, code, env).splitlines(), theirs)
    assert run_py(ours, "import usermod; print(usermod.__version__)", env) == "1.5"
    # Without the option, neither the user site nor the base's site-packages is visible.
    proc = subprocess.run([str(plain / "bin" / "python"), "-c", "import usermod"], env=env, capture_output=True)
    assert proc.returncode != 0


def test_list_and_freeze_local_user_path_match_pip(ptinstall, tmp_path):
    python = system_python()
    env = user_env(tmp_path)
    site = put_in_user_site(ptinstall, tmp_path, env, python)
    venv = tmp_path / "venv"
    # A pip of its own in the environment (Debian's or the interpreter's bundled one) is the oracle.
    made = subprocess.run([python, "-m", "venv", "--system-site-packages", str(venv)], env=env,
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip("python3 -m venv cannot seed pip here: " + made.stderr[-200:])
    wheel = wheelmaker.build_wheel(tmp_path / "wheels", "inside", "2.0")
    ptinstall("pip", "install", "--python", venv / "bin" / "python", "--no-index", wheel.path, check=True)

    def pip(*args):
        proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", *map(str, args)], env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def ours(*args):
        r = ptinstall("pip", *args, "--python", venv / "bin" / "python", env={"PYTHONUSERBASE": env["PYTHONUSERBASE"]},
                      check=True)
        return r.stdout

    for args in (("list", "--local", "--format", "freeze"), ("list", "--user"), ("list", "-l", "--format", "json"),
                 ("freeze", "--local"), ("freeze", "-l", "--all"), ("freeze", "--user"),
                 ("list", "--path", site), ("freeze", "--path", site), ("list", "--user", "--local")):
        assert ours(*args) == pip(*args), args
    local = ours("freeze", "--local")
    assert "inside @ file:" in local and "usermod" not in local
    assert ours("freeze", "--user").startswith("usermod @ file:")
    assert "inside" not in ours("list", "--user")
    # pip refuses --path with --local or --user; so do we, as a usage error.
    r = ptinstall("pip", "freeze", "--path", site, "--local", "--python", venv / "bin" / "python", check=False)
    assert r.returncode == 2 and "error: cannot combine --path with --user or --local" in r.stderr


def test_relocatable_environment_moves(ptinstall, tmp_path):
    wheel = wheelmaker.build_wheel(tmp_path / "wheels", "tool", "1.0", console_scripts={"tool": "tool:main"},
                                   packages={"tool/__init__.py": "def main():\n    import sys; print(sys.prefix)\n"})
    for relocatable in (True, False):
        name = "reloc" if relocatable else "fixed"
        venv = tmp_path / name
        ptinstall("venv", venv, "--python", system_python(), *(["--relocatable"] if relocatable else []), check=True)
        cfg = (venv / "pyvenv.cfg").read_text()
        assert ("relocatable = true\n" in cfg) == relocatable
        ptinstall("pip", "install", "--python", venv / "bin" / "python", "--no-index", wheel.path, check=True)
        moved = tmp_path / "elsewhere" / name
        moved.parent.mkdir(exist_ok=True)
        shutil.move(str(venv), str(moved))
        if relocatable:
            proc = subprocess.run([str(moved / "bin" / "tool")], capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr
            assert Path(proc.stdout.strip()).resolve() == moved.resolve()
        else:
            with pytest.raises(FileNotFoundError):  # the shebang names the old path
                subprocess.run([str(moved / "bin" / "tool")], capture_output=True, text=True)

    moved = tmp_path / "elsewhere" / "reloc"
    shells = {"bash": 'source "{a}"; echo "$VIRTUAL_ENV"; command -v python',
              "zsh": 'source "{a}"; echo "$VIRTUAL_ENV"; command -v python',
              "fish": 'source "{a}"; echo "$VIRTUAL_ENV"; command -v python'}
    tried = 0
    for shell, script in shells.items():
        exe = shutil.which(shell)
        if not exe:
            continue
        tried += 1
        activate = moved / "bin" / ("activate.fish" if shell == "fish" else "activate")
        args = [exe, "--norc", "--noprofile", "-c"] if shell == "bash" else [exe, "-f", "-c"] if shell == "zsh" \
            else [exe, "--no-config", "-c"]
        proc = subprocess.run(args + [script.format(a=activate)], capture_output=True, text=True, timeout=60,
                              env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
        assert proc.returncode == 0, (shell, proc.stderr)
        lines = proc.stdout.splitlines()
        assert Path(lines[0]).resolve() == moved.resolve(), shell
        assert Path(lines[1]).parent.resolve() == (moved / "bin").resolve(), shell
    assert tried >= 1


def test_allow_existing_keeps_what_is_there(ptinstall, tmp_path):
    venv = tmp_path / "env"
    ptinstall("venv", venv, "--python", system_python(), check=True)
    wheel = wheelmaker.build_wheel(tmp_path / "wheels", "kept", "1.0")
    ptinstall("pip", "install", "--python", venv / "bin" / "python", "--no-index", wheel.path, check=True)
    (venv / "notes.txt").write_text("mine\n")
    r = ptinstall("venv", venv, "--python", system_python(), "--allow-existing", "--prompt", "again", check=True)
    assert "warning" not in r.stderr
    assert run_py(venv, "import kept; print(kept.__version__)") == "1.0"
    assert (venv / "notes.txt").read_text() == "mine\n"
    assert "prompt = again" in (venv / "pyvenv.cfg").read_text()

    # A directory that is not an environment: written into, its files kept (without the option: refused).
    other = tmp_path / "project"
    other.mkdir()
    (other / "data.csv").write_text("1,2\n")
    ptinstall("venv", other, "--python", system_python(), check=False)
    ptinstall("venv", other, "--python", system_python(), "--allow-existing", check=True)
    assert (other / "data.csv").read_text() == "1,2\n"
    assert run_py(other, "import sys; print(sys.prefix != sys.base_prefix)") == "True"

    # With --clear on the same command line: a contradiction, nothing touched.
    r = ptinstall("venv", venv, "--python", system_python(), "--allow-existing", "--clear", check=False)
    assert r.returncode == 2 and "--clear and --allow-existing" in r.stderr
    assert run_py(venv, "import kept; print(kept.__version__)") == "1.0"
    # UV_VENV_CLEAR from the environment gives way to --allow-existing on the command line.
    ptinstall("venv", venv, "--python", system_python(), "--allow-existing", env={"UV_VENV_CLEAR": "1"}, check=True)
    assert run_py(venv, "import kept; print(kept.__version__)") == "1.0"
    # A file in the way is still an error.
    (tmp_path / "afile").write_text("x")
    r = ptinstall("venv", tmp_path / "afile", "--python", system_python(), "--allow-existing", check=False)
    assert "not a directory" in r.stderr


def test_short_clear_and_no_project(ptinstall, tmp_path):
    venv = tmp_path / "env"
    ptinstall("venv", venv, "--python", system_python(), check=True)
    (venv / "lib" / "marker").write_text("x")
    ptinstall("venv", venv, "--python", system_python(), "-c", "--no-project", check=True)
    assert not (venv / "lib" / "marker").exists()
    ptinstall("venv", venv, "--python", system_python(), "--clear", "--no-workspace", check=True)
