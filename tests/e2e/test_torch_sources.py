"""A dependency's own [tool.uv.sources] must not defeat the root's --torch-backend (uv #20493): a local project
that pins torch to the CPU index in its own pyproject.toml, installed with --torch-backend=cu128, gets the
cu128 torch. Only the root project's [tool.uv.sources] apply (docs/torch-backend.md)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import buildtools as bt  # noqa: E402
from envtools import make_venv  # noqa: E402
from test_torch_install import builds, mirror, pip_install, pytestmark  # noqa: E402,F401


def test_dependency_sources_do_not_override_the_root_backend(ptinstall, mirror, tmp_path):
    dep = bt.make_intree_project(tmp_path / "src", name="gpuapp", dependencies=["torch"], editable=False)
    pyproject = dep.path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f'''
[tool.uv.sources]
torch = {{ index = "pytorch-cpu" }}

[[tool.uv.index]]
name = "pytorch-cpu"
url = "{mirror.url}/whl/cpu"
explicit = true
''')
    venv = make_venv(tmp_path / "venv")
    r = pip_install(ptinstall, mirror, venv, "--torch-backend", "cu128", str(dep.path))
    assert builds(venv)["torch"][0] == "2.9.1+cu128", r.stderr
    assert f" + torch==2.9.1+cu128 (from {mirror.url}/whl/cu128)" in r.stderr.splitlines()
    # The same pin in the root project wins over the backend, as documented (an explicit per-package pin).
    root = tmp_path / "root"
    root.mkdir()
    (root / "pyproject.toml").write_text(f'''[project]
name = "rootapp"
version = "1.0"
dependencies = ["gpuapp", "torch"]

[tool.uv.sources]
gpuapp = {{ path = "{dep.path}" }}
torch = {{ index = "pytorch-cpu" }}

[[tool.uv.index]]
name = "pytorch-cpu"
url = "{mirror.url}/whl/cpu"
explicit = true
''')
    venv2 = make_venv(tmp_path / "venv2")
    r = pip_install(ptinstall, mirror, venv2, "--torch-backend", "cu128", "-r", root / "pyproject.toml", cwd=root)
    assert builds(venv2)["torch"][0] == "2.9.1+cpu", r.stderr
