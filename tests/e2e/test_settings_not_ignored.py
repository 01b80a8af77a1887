"""A uv variable ptinstall does not implement is named in a warning, not silently ignored; the command still
runs and changes nothing it would not have changed."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from envtools import make_venv, snapshot  # noqa: E402


@pytest.mark.parametrize("variable", ["UV_PYTHON_PREFERENCE", "UV_EXCLUDE_NEWER_PACKAGE"])
def test_an_unimplemented_uv_variable_warns(ptinstall, tmp_path, variable):
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    r = ptinstall("pip", "list", "--python", venv / "bin" / "python", env={variable: "subprocess"}, check=True)
    assert r.stderr.count(f"warning: {variable} is a uv setting ptinstall does not implement yet; ignored") == 1, r
    assert snapshot(venv) == before
    quiet = ptinstall("pip", "list", "--python", venv / "bin" / "python", check=True)
    assert "warning" not in quiet.stderr
