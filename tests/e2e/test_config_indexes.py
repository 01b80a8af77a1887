"""[[tool.uv.index]] / [[index]] tables of the discovered config files count for `pip install NAME`
without -r, as they do for `uv pip install`."""
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from indexserver import nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")


def venv(path: Path) -> Path:
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", str(path)], check=True)
    return path


@pytest.mark.parametrize("layout", ["pyproject", "uv.toml"])
def test_index_tables_of_the_project_config_are_used(ptinstall, make_index, tmp_path, layout):
    wheel = wheelmaker.build_wheel(tmp_path / "wheels", "onlyhere", "1.2")
    server = make_index([wheel])
    project = tmp_path / "proj"
    project.mkdir()
    table = "tool.uv.index" if layout == "pyproject" else "index"
    text = f'[[{table}]]\nname = "local"\nurl = "{server.index_url()}"\ndefault = true\n'
    if layout == "pyproject":
        (project / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\n[tool.uv]\n' + text)
    else:
        (project / "uv.toml").write_text(text)
    env = venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "onlyhere", "--python", env / "bin" / "python", cwd=project, check=True)
    assert "+ onlyhere==1.2" in r.stderr
    # --no-config drops them again: the default index (unreachable here) is all that is left.
    r = ptinstall("pip", "install", "onlyhere", "--no-config", "--offline", "--python", env / "bin" / "python",
                  "--reinstall", cwd=project, check=False)
    assert r.returncode != 0
