"""--exclude-newer (uv), UV_EXCLUDE_NEWER, `exclude-newer` in uv.toml / [tool.uv], --exclude-newer-package and
pip's --uploaded-prior-to: files uploaded after the cut-off (PEP 700 upload-time) are not candidates; an index
that gives no upload times is warned about and its files kept (docs/locks.md)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import make_venv, installed  # noqa: E402
from indexserver import ProjectOptions, nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

QUIET = {"PTINSTALL_HTTP_RETRIES": "0"}

TIMES = {"lib-1.0-py3-none-any.whl": "2024-01-10T12:00:00Z",
         "lib-2.0-py3-none-any.whl": "2024-06-10T12:00:00.250000Z",
         "lib-3.0-py3-none-any.whl": "2025-03-01T00:00:00Z",
         "app-1.0-py3-none-any.whl": "2024-01-01T00:00:00Z",
         "app-2.0-py3-none-any.whl": "2025-02-01T00:00:00Z",
         "notime-1.0-py3-none-any.whl": None,
         "notime-2.0-py3-none-any.whl": None}


@pytest.fixture
def server(make_index, tmp_path):
    out = tmp_path / "wheels"
    wheels = [wheelmaker.build_wheel(out, "lib", v) for v in ("1.0", "2.0", "3.0")]
    wheels += [wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["lib"]),
               wheelmaker.build_wheel(out, "app", "2.0", requires_dist=["lib>=3"]),
               wheelmaker.build_wheel(out, "notime", "1.0"), wheelmaker.build_wheel(out, "notime", "2.0")]
    opts = {name: ProjectOptions(upload_times={k: v for k, v in TIMES.items() if k.startswith(name + "-")})
            for name in ("lib", "app", "notime")}
    return make_index(wheels, options=opts)


def dry(ptinstall, server, venv, *args, env=None):
    r = ptinstall("pip", "install", "--dry-run", "--python", venv / "bin" / "python", "--index-url",
                  server.index_url(), *args, env={**QUIET, **(env or {})}, check=None)
    return r, {l.split("==")[0][3:]: l.split("==")[1] for l in r.stderr.splitlines() if l.startswith(" + ")}


def test_cut_off_by_timestamp_date_and_variable(ptinstall, server, tmp_path):
    venv = make_venv(tmp_path / "venv")
    assert dry(ptinstall, server, venv, "app")[1] == {"app": "2.0", "lib": "3.0"}
    # A timestamp between lib 2.0 and 3.0 (and app 2.0): the dependency walks back too.
    assert dry(ptinstall, server, venv, "app", "--exclude-newer", "2024-12-31T00:00:00Z")[1] == {"app": "1.0", "lib": "2.0"}
    # The cut-off is inclusive of its own instant, to the microsecond.
    assert dry(ptinstall, server, venv, "lib", "--exclude-newer", "2024-06-10T12:00:00.250000Z")[1] == {"lib": "2.0"}
    assert dry(ptinstall, server, venv, "lib", "--exclude-newer", "2024-06-10T12:00:00.249999Z")[1] == {"lib": "1.0"}
    # A date is midnight UTC; pip's spelling; the variables.
    assert dry(ptinstall, server, venv, "lib", "--exclude-newer", "2024-06-10")[1] == {"lib": "1.0"}
    assert dry(ptinstall, server, venv, "lib", "--uploaded-prior-to", "2024-06-11")[1] == {"lib": "2.0"}
    assert dry(ptinstall, server, venv, "lib", env={"UV_EXCLUDE_NEWER": "2024-02-01T00:00:00Z"})[1] == {"lib": "1.0"}
    assert dry(ptinstall, server, venv, "lib", env={"PTINSTALL_EXCLUDE_NEWER": "2024-02-01"})[1] == {"lib": "1.0"}
    # A duration back from now keeps everything uploaded before (all of it here).
    assert dry(ptinstall, server, venv, "lib", "--exclude-newer", "1 week")[1] == {"lib": "3.0"}
    # An exact pin that is too new: no solution, and the reason.
    r, got = dry(ptinstall, server, venv, "lib==3.0", "--exclude-newer", "2025-01-01")
    assert r.returncode == 1 and "hint: lib==3.0 was uploaded at 2025-03-01T00:00:00Z, after the --exclude-newer cut-off" in r.stderr
    # Installing for real takes the same version.
    ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app",
              "--exclude-newer", "2024-12-31T00:00:00Z", env=QUIET, check=True)
    assert installed(venv) == {"app": "1.0", "lib": "2.0"}


def test_per_package_cut_off_and_config_files(ptinstall, server, tmp_path):
    venv = make_venv(tmp_path / "venv")
    got = dry(ptinstall, server, venv, "app", "lib<3", "--exclude-newer", "2024-03-01",
              "--exclude-newer-package", "lib=2025-01-01")[1]
    assert got == {"app": "1.0", "lib": "2.0"}
    # uv.toml and [tool.uv] in pyproject.toml.
    (tmp_path / "uv.toml").write_text('exclude-newer = "2024-02-01T00:00:00Z"\n')
    assert dry(ptinstall, server, venv, "lib")[1] == {"lib": "1.0"}
    (tmp_path / "uv.toml").unlink()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n[tool.uv]\nexclude-newer = "2024-07-01"\n')
    assert dry(ptinstall, server, venv, "lib")[1] == {"lib": "2.0"}
    # The command line wins over the file.
    assert dry(ptinstall, server, venv, "lib", "--exclude-newer", "2026-01-01")[1] == {"lib": "3.0"}
    (tmp_path / "pyproject.toml").unlink()
    # exclude-newer-package as uv writes it: a table of package names to cut-offs (uv.toml, [tool.uv],
    # ptinstall.toml), or a list of NAME=DATE.
    (tmp_path / "uv.toml").write_text('exclude-newer = "2024-03-01"\n'
                                      'exclude-newer-package = { lib = "2025-01-01T00:00:00Z" }\n')
    assert dry(ptinstall, server, venv, "app", "lib<3")[1] == {"app": "1.0", "lib": "2.0"}
    (tmp_path / "uv.toml").unlink()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\n[tool.uv]\n'
                                             'exclude-newer-package = { lib = "2024-02-01" }\n')
    assert dry(ptinstall, server, venv, "lib")[1] == {"lib": "1.0"}
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "ptinstall.toml").write_text('exclude-newer-package = ["lib=2024-07-01"]\n')
    assert dry(ptinstall, server, venv, "lib")[1] == {"lib": "2.0"}
    (tmp_path / "ptinstall.toml").write_text('exclude-newer-package = { lib = 2024 }\n')
    r, _ = dry(ptinstall, server, venv, "lib")
    assert r.returncode != 0 and "`exclude-newer-package` must be a table of package names to dates or durations" in r.stderr
    (tmp_path / "ptinstall.toml").write_text('exclude-newer-package = { lib = "someday" }\n')
    r, _ = dry(ptinstall, server, venv, "lib")
    assert r.returncode != 0 and "invalid value `someday`" in r.stderr, r.stderr


def test_index_without_upload_times_is_kept_with_a_warning(ptinstall, server, tmp_path):
    venv = make_venv(tmp_path / "venv")
    r, got = dry(ptinstall, server, venv, "notime", "lib", "--exclude-newer", "2024-02-01")
    assert got == {"notime": "2.0", "lib": "1.0"}
    warn = [l for l in r.stderr.splitlines() if l.startswith("warning:")]
    assert len(warn) == 1, r.stderr
    assert warn[0].startswith(f"warning: {server.index_url()} gives no upload times (PEP 700) for its files (notime-")
    assert warn[0].endswith("-py3-none-any.whl, ...); --exclude-newer cannot judge them, so they are kept")
    # Without a cut-off, nothing is said.
    r, _ = dry(ptinstall, server, venv, "notime")
    assert "warning" not in r.stderr


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "1 month", "P1Y"])
def test_invalid_cut_off_is_a_usage_error(ptinstall, server, tmp_path, value):
    venv = make_venv(tmp_path / "venv")
    r, _ = dry(ptinstall, server, venv, "lib", "--exclude-newer", value)
    assert r.returncode == 2
    assert f"error: invalid value `{value}` for --exclude-newer" in r.stderr and "hint: give a timestamp" in r.stderr
    r, _ = dry(ptinstall, server, venv, "lib", env={"UV_EXCLUDE_NEWER": value})
    assert r.returncode == 2 and f"error: invalid value `{value}` for UV_EXCLUDE_NEWER" in r.stderr
