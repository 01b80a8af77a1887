"""`pip uninstall` of a distribution whose RECORD points outside the environment (a relative path climbing out,
an absolute path): nothing outside is touched, each skipped entry is named, the rest is uninstalled. And every
command keeps its cache files under the configured cache directory."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import installed, make_venv, py  # noqa: E402


def test_uninstall_never_touches_files_outside_the_environment(ptinstall, tmp_path):
    w = wheelmaker.build_wheel(tmp_path / "w", "victimizer", "1.0")
    venv = make_venv(tmp_path / "venv")
    cache = tmp_path / "cache"
    env = {"PTINSTALL_CACHE_DIR": str(cache)}
    ptinstall("pip", "install", "--python", venv / "bin" / "python", w.path, env=env, check=True)
    canary = tmp_path / "canary"
    canary.mkdir()
    (canary / "victim").write_text("keep me\n")
    (canary / "absolute").write_text("keep me too\n")
    site = Path(py(venv, "import victimizer, os; print(os.path.dirname(os.path.dirname(victimizer.__file__)))"))
    record = next(site.glob("victimizer-1.0.dist-info")) / "RECORD"
    climb = os.path.relpath(canary / "victim", site)
    assert climb.startswith("..")
    with record.open("a") as f:
        f.write(f"{climb},,\n{canary / 'absolute'},,\n")
    home = tmp_path / "home"
    r = ptinstall("pip", "uninstall", "-y", "--python", venv / "bin" / "python", "victimizer", env=env, check=True)
    assert (canary / "victim").read_text() == "keep me\n"
    assert (canary / "absolute").read_text() == "keep me too\n"
    assert f"not removing {canary / 'victim'}: it is outside the environment" in r.stderr, r
    assert f"not removing {canary / 'absolute'}: it is outside the environment" in r.stderr, r
    assert "victimizer" not in installed(venv)
    assert not list(site.glob("victimizer*"))
    # The interpreter cache went to PTINSTALL_CACHE_DIR, nothing under $HOME/.cache.
    assert not (home / ".cache").exists(), list(home.rglob("*"))
    assert list((cache / "interpreter-v1").iterdir())


@pytest.mark.parametrize("command", [["pip", "list"], ["pip", "freeze"], ["pip", "show", "x"], ["pip", "check"],
                                     ["pip", "uninstall", "-y", "x"]])
@pytest.mark.parametrize("variable", ["PTINSTALL_CACHE_DIR", "UV_CACHE_DIR"])
def test_every_command_keeps_its_cache_under_the_configured_cache_dir(ptinstall, tmp_path, command, variable):
    venv = make_venv(tmp_path / "venv")
    cache = tmp_path / "elsewhere"
    env = {"PTINSTALL_CACHE_DIR": "", variable: str(cache)}  # the fixture's own PTINSTALL_CACHE_DIR unset
    ptinstall(*command, "--python", venv / "bin" / "python", env=env)
    home = tmp_path / "home"
    assert not (home / ".cache").exists(), list(home.rglob("*"))
    assert list((cache / "interpreter-v1").iterdir())
