"""`ptinstall venv`: environments that real interpreters accept, activation, seeding, --clear."""
import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import system_python


def pyenv_pythons():
    """Every pyenv CPython 3.6+ present here (none is fine: the tests then use python3 only)."""
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    found = []
    for exe in sorted(glob.glob(os.path.join(root, "versions", "*", "bin", "python3"))):
        version = Path(exe).parents[1].name
        parts = version.split(".")
        if len(parts) >= 2 and parts[0] == "3" and parts[1].isdigit() and int(parts[1]) >= 6:
            found.append(pytest.param(exe, id="pyenv-" + version))
    return found


def interpreters():
    return [pytest.param("system", id="python3")] + pyenv_pythons()


def oldest_and_newest():
    """python3 plus the oldest and newest pyenv CPython: seeding runs pip, which is slow."""
    found = pyenv_pythons()
    key = lambda p: tuple(int(x) for x in p.id.split("-", 1)[1].split(".") if x.isdigit())
    found.sort(key=key)
    ends = found[:1] + found[-1:] if len(found) > 1 else found
    return [pytest.param("system", id="python3")] + ends


def resolve(python):
    return system_python() if python == "system" else python


def run_python(venv: Path, code: str) -> str:
    proc = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.mark.parametrize("python", interpreters())
def test_venv_works_with_every_interpreter(ptinstall, tmp_path, python):
    exe = resolve(python)
    version = subprocess.run([exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    result = ptinstall("venv", "env", "--python", exe, check=True)
    assert "interpreter at: " in result.stderr
    assert "Creating virtual environment at: env" in result.stderr
    assert "Activate with: source env/bin/activate" in result.stderr
    env = tmp_path / "env"
    assert run_python(env, "import sys; print(sys.prefix != sys.base_prefix)") == "True"
    assert Path(run_python(env, "import sys; print(sys.prefix)")).resolve() == env.resolve()
    assert run_python(env, "import sys; print('%d.%d' % sys.version_info[:2])") == version
    site = run_python(env, "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    assert Path(site).resolve() == (env / "lib" / ("python" + version) / "site-packages").resolve()
    for name in ("python", "python3", "python" + version):
        assert (env / "bin" / name).exists()
    cfg = (env / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = false" in cfg
    assert "ptinstall = " in cfg


def test_default_path_and_interpreter(ptinstall, tmp_path):
    result = ptinstall("venv", check=True)
    assert "Creating virtual environment at: .venv" in result.stderr
    assert "Activate with: source .venv/bin/activate" in result.stderr
    assert run_python(tmp_path / ".venv", "import sys; print(sys.prefix != sys.base_prefix)") == "True"


def test_activate_in_bash(ptinstall, tmp_path):
    bash = shutil.which("bash")
    if not bash:
        pytest.skip("no bash")
    ptinstall("venv", "my env", "--python", system_python(), check=True)
    env = tmp_path / "my env"
    script = ('source "%s/bin/activate"; echo "$VIRTUAL_ENV"; echo "$VIRTUAL_ENV_PROMPT"; command -v python; '
              'python -c "import sys; print(sys.prefix)"; deactivate; echo "${VIRTUAL_ENV-unset}"') % env
    proc = subprocess.run([bash, "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == str(env)
    assert lines[1] == "my env"
    assert lines[2] == str(env / "bin" / "python")
    assert Path(lines[3]).resolve() == env.resolve()
    assert lines[4] == "unset"


def test_prompt(ptinstall, tmp_path):
    ptinstall("venv", "env", "--prompt", "hello", "--python", system_python(), check=True)
    assert "prompt = hello" in (tmp_path / "env" / "pyvenv.cfg").read_text()
    assert "VIRTUAL_ENV_PROMPT='hello'" in (tmp_path / "env" / "bin" / "activate").read_text()


@pytest.mark.parametrize("python", oldest_and_newest())
def test_seed_installs_pip(ptinstall, tmp_path, python):
    result = ptinstall("venv", "env", "--seed", "--python", resolve(python))
    if result.returncode != 0 and "no pip wheel found" in result.stderr:
        pytest.skip("no pip wheel on this machine")
    assert result.returncode == 0, result
    assert "Creating virtual environment with seed packages at: env" in result.stderr
    assert " + pip==" in result.stderr
    env = tmp_path / "env"
    proc = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert str(env) in proc.stdout
    # Seeded by ptinstall's own installer (not by running pip): pip's own tools accept the result.
    dist_info = list(env.glob("lib/python3*/site-packages/pip-*.dist-info"))
    assert len(dist_info) == 1
    assert (dist_info[0] / "INSTALLER").read_text() == "ptinstall\n"
    assert (dist_info[0] / "REQUESTED").exists()
    assert (env / "bin" / "pip").exists()
    proc = subprocess.run([str(env / "bin" / "pip"), "show", "-v", "--files", "pip"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Installer: ptinstall" in proc.stdout
    assert "pip/__init__.py" in proc.stdout


def test_refuses_a_non_empty_directory_without_clear(ptinstall, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "keep.txt").write_text("precious")
    result = ptinstall("venv", "data", check=False)
    assert result.returncode == 1
    assert "error: the directory" in result.stderr and "is not a virtual environment" in result.stderr
    assert "hint: pass --clear" in result.stderr
    assert "Creating virtual environment" not in result.stderr
    assert (tmp_path / "data" / "keep.txt").read_text() == "precious"

    ptinstall("venv", "data", "--clear", check=True)
    assert not (tmp_path / "data" / "keep.txt").exists()
    assert (tmp_path / "data" / "pyvenv.cfg").exists()


def test_clear_and_replace_an_existing_venv(ptinstall, tmp_path):
    ptinstall("venv", "env", check=True)
    marker = tmp_path / "env" / "marker"
    marker.write_text("x")
    result = ptinstall("venv", "env", "--clear", check=True)
    assert not marker.exists()
    assert "warning" not in result.stderr
    marker.write_text("x")
    # Without a terminal and without --clear: refused, the environment kept as it was (uv's behaviour).
    before = sorted(str(p) for p in (tmp_path / "env").rglob("*"))
    result = ptinstall("venv", "env", check=False)
    assert result.returncode == 1
    assert "error: a virtual environment already exists at `env`" in result.stderr, result
    assert "hint: pass --clear to replace it" in result.stderr
    assert marker.exists() and sorted(str(p) for p in (tmp_path / "env").rglob("*")) == before


@pytest.mark.parametrize("answer,replaced", [("y", True), ("n", False)])
def test_replacing_an_existing_venv_asks_on_a_terminal(ptinstall, tmp_path, answer, replaced):
    import os
    import pty
    import subprocess
    from conftest import binary
    ptinstall("venv", "env", check=True)
    marker = tmp_path / "env" / "marker"
    marker.write_text("x")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PTINSTALL_", "VIRTUAL_ENV"))}
    env.update({"PTINSTALL_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path / "home"), "NO_COLOR": "1"})
    master, slave = pty.openpty()
    proc = subprocess.Popen([binary(), "venv", "env"], stdin=slave, stdout=subprocess.PIPE, stderr=slave, env=env,
                            cwd=tmp_path)
    os.close(slave)
    out = b""
    while b"[y/n]" not in out:
        chunk = os.read(master, 4096)
        if not chunk:
            break
        out += chunk
    os.write(master, (answer + "\n").encode())
    try:
        while True:
            chunk = os.read(master, 4096)
            if not chunk:
                break
            out += chunk
    except OSError:
        pass
    os.close(master)
    proc.stdout.read()
    rc = proc.wait(timeout=60)
    text = out.decode(errors="replace")
    assert "A virtual environment already exists at `env`. Do you want to replace it? [y/n]" in text, text
    assert rc == (0 if replaced else 1), text
    assert marker.exists() != replaced
    assert (tmp_path / "env" / "pyvenv.cfg").exists()


def test_clear_from_the_environment(ptinstall, tmp_path):
    ptinstall("venv", "env", check=True)
    (tmp_path / "env" / "marker").write_text("x")
    ptinstall("venv", "env", env={"UV_VENV_CLEAR": "1"}, check=True)
    assert not (tmp_path / "env" / "marker").exists()


def test_python_request_that_matches_nothing(ptinstall, tmp_path):
    result = ptinstall("venv", "env", "--python", "3.99", check=False)
    assert result.returncode == 1
    assert "error: no interpreter found for Python 3.99" in result.stderr
    assert not (tmp_path / "env").exists()


def test_venv_from_a_venv_uses_the_base_interpreter(ptinstall, tmp_path):
    ptinstall("venv", "first", "--python", system_python(), check=True)
    ptinstall("venv", "second", "--python", str(tmp_path / "first"), check=True)
    target = os.readlink(tmp_path / "second" / "bin" / "python")
    assert "first" not in target
    assert run_python(tmp_path / "second", "import sys; print(sys.prefix != sys.base_prefix)") == "True"


def test_interpreter_cache_is_written(ptinstall, tmp_path):
    ptinstall("venv", "env", "--python", system_python(), check=True)
    entries = list((tmp_path / "cache" / "interpreter-v1").glob("*.json"))
    assert entries, "no interpreter cache entry"


def test_default_interpreter_inside_an_active_venv(ptinstall, tmp_path):
    ptinstall("venv", "outer", "--python", system_python(), check=True)
    path = str(tmp_path / "outer" / "bin") + os.pathsep + os.environ["PATH"]
    ptinstall("venv", "inner", env={"PATH": path, "VIRTUAL_ENV": str(tmp_path / "outer")}, check=True)
    assert os.readlink(tmp_path / "outer" / "bin" / "python") == os.readlink(tmp_path / "inner" / "bin" / "python")


@pytest.mark.parametrize("python", pyenv_pythons())
def test_version_request_finds_pyenv_interpreters(ptinstall, tmp_path, python):
    version = Path(python).parents[1].name
    major_minor = ".".join(version.split(".")[:2])
    result = ptinstall("venv", "env", "--python", major_minor, check=True)
    assert "Using CPython " + major_minor in result.stderr
    assert run_python(tmp_path / "env", "import sys; print('%d.%d' % sys.version_info[:2])") == major_minor
