"""Global options of pip and uv that every command takes: --project (uv: config files and the .venv are
looked for from a project directory), --isolated (pip: no PIP_/UV_/PTINSTALL_ variables, no config files),
--log FILE (pip: an appended verbose log, credentials redacted)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from conftest import system_python  # noqa: E402


def test_project_finds_config_and_venv_there(ptinstall, tmp_path):
    proj = tmp_path / "proj"
    (proj / "sub").mkdir(parents=True)
    (proj / "uv.toml").write_text('index-strategy = "first-index"\n')
    ptinstall("venv", proj / ".venv", "--python", system_python(), check=True)
    wheel = wheelmaker.build_wheel(tmp_path / "wheels", "inproj", "1.0")
    ptinstall("pip", "install", "--python", proj / ".venv" / "bin" / "python", "--no-index", wheel.path, check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = ptinstall("pip", "list", "-v", "--project", proj / "sub", cwd=elsewhere, check=True)
    assert "inproj" in r.stdout
    assert f"config file: {proj / 'uv.toml'}" in r.stderr
    # Without it, nothing is found from the other directory.
    r = ptinstall("pip", "list", cwd=elsewhere, check=False)
    assert "no virtual environment found" in r.stderr
    # UV_PROJECT does the same; a project that is not a directory is a usage error.
    r = ptinstall("pip", "freeze", cwd=elsewhere, env={"UV_PROJECT": str(proj)}, check=True)
    assert r.stdout.startswith("inproj @ file:")
    r = ptinstall("pip", "list", "--project", tmp_path / "nope", cwd=elsewhere, check=False)
    assert r.returncode == 2 and "(--project) is not a directory" in r.stderr


def test_venv_without_a_path_goes_into_the_project(ptinstall, tmp_path):
    """uv's `venv --project DIR` (and UV_PROJECT) creates DIR/.venv, not .venv in the working directory."""
    proj, elsewhere = tmp_path / "proj", tmp_path / "elsewhere"
    proj.mkdir()
    elsewhere.mkdir()
    r = ptinstall("venv", "--project", proj, "--python", system_python(), cwd=elsewhere, check=True)
    assert (proj / ".venv" / "pyvenv.cfg").is_file() and not (elsewhere / ".venv").exists()
    assert f"at: {proj / '.venv'}" in r.stderr
    ptinstall("venv", "--python", system_python(), cwd=elsewhere, env={"UV_PROJECT": str(tmp_path / "other")},
              check=False)  # not a directory: a usage error, nothing made
    assert not (elsewhere / ".venv").exists() and not (tmp_path / "other").exists()
    (tmp_path / "other").mkdir()
    ptinstall("venv", "--python", system_python(), cwd=elsewhere, env={"UV_PROJECT": str(tmp_path / "other")},
              check=True)
    assert (tmp_path / "other" / ".venv" / "pyvenv.cfg").is_file()


def test_isolated_ignores_variables_and_config_files(ptinstall, tmp_path):
    venv = tmp_path / "venv"
    ptinstall("venv", venv, "--python", system_python(), check=True)
    (tmp_path / "uv.toml").write_text("this-key-does-not-exist = 1\n")
    env = {"UV_CONFIG_FILE": str(tmp_path / "missing.toml"), "PIP_KEYRING_PROVIDER": "nonsense",
           "UV_PYTHON_PREFERENCE": "only-managed"}
    r = ptinstall("pip", "list", "--python", venv / "bin" / "python", env=env, check=False)
    assert r.returncode != 0
    r = ptinstall("pip", "list", "--isolated", "--python", venv / "bin" / "python", env=env, check=True)
    assert r.stderr == ""
    # The local config file alone: an error without --isolated, ignored with it.
    r = ptinstall("pip", "list", "--python", venv / "bin" / "python", check=False)
    assert "this-key-does-not-exist" in r.stderr
    ptinstall("pip", "list", "--isolated", "--python", venv / "bin" / "python", check=True)


def test_log_file_gets_a_verbose_appended_log(ptinstall, tmp_path):
    venv = tmp_path / "venv"
    ptinstall("venv", venv, "--python", system_python(), check=True)
    wheel = wheelmaker.build_wheel(tmp_path / "wheels", "logged", "1.0")
    log = tmp_path / "pip.log"
    r = ptinstall("pip", "install", "-q", "--log", log, "--python", venv / "bin" / "python", "--no-index",
                  "--index-url", "https://alice:s3cr3t@example.invalid/simple", wheel.path, check=True)
    assert r.stderr == ""  # -q: nothing on the terminal
    text = log.read_text()
    assert " + logged==1.0" in text            # the summary
    assert "ptinstall pip install -q --log" in text  # the command line, a debug line
    assert "s3cr3t" not in text and "alice:****@example.invalid" in text
    lines = text.splitlines()
    assert all(line[:4].isdigit() and line[10] == "T" for line in lines), lines[:3]
    # Appended, never truncated; warnings go there too.
    ptinstall("pip", "uninstall", "-y", "--log", log, "--python", venv / "bin" / "python", "logged", "nothere")
    again = log.read_text()
    assert again.startswith(text)
    assert "Uninstalled" in again[len(text):] or "- logged==1.0" in again[len(text):]
    # A log that cannot be written is an error before anything is done.
    r = ptinstall("pip", "list", "--log", tmp_path / "no" / "such" / "dir" / "x.log", "--python",
                  venv / "bin" / "python", check=False)
    assert "cannot open the log file" in r.stderr
