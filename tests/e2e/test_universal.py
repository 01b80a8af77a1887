"""`pip compile --universal` (pylock.toml and requirements.txt): one resolution over a grid of platforms and
Python-version ranges, the Python axis split only where markers in the resolution compare Python versions,
preferences carried between the cells, `[tool.uv] environments` to narrow the grid, and each package written
with the short marker of the cells that have it (docs/locks.md, "--universal"). Against indexes served by
nginx on 127.0.0.1; installs of the locks for other Python versions and platforms are dry runs with
--python-version / --python-platform, so only this machine's python3 is needed."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import make_venv, installed  # noqa: E402
from indexserver import nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

QUIET = {"PTINSTALL_HTTP_RETRIES": "0"}


def wheels(tmp_path: Path):
    out = tmp_path / "wheels"
    return [
        # Requirements that differ by Python version (numpy's 1.x/2.x split) and by platform.
        wheelmaker.build_wheel(out, "app", "1.0", requires_dist=[
            "arr>=2; python_version >= '3.10'", "arr<2; python_version < '3.10'",
            "backport; python_version < '3.9'", "winonly; sys_platform == 'win32'",
            "posixonly; sys_platform != 'win32'", "macarm; sys_platform == 'darwin' and platform_machine == 'arm64'",
            "native", "common"]),
        wheelmaker.build_wheel(out, "arr", "1.5"),
        wheelmaker.build_wheel(out, "arr", "2.1", requires_python=">=3.10"),
        wheelmaker.build_wheel(out, "backport", "1.0"),
        wheelmaker.build_wheel(out, "winonly", "1.0"),
        wheelmaker.build_wheel(out, "posixonly", "1.0"),
        wheelmaker.build_wheel(out, "macarm", "1.0"),
        # native 2.0 has a wheel for Linux x86_64 only: the other platforms take 1.0.
        wheelmaker.build_wheel(out, "native", "1.0"),
        wheelmaker.build_wheel(out, "native", "2.0", tags="py3-none-manylinux_2_17_x86_64"),
        # common: the newest version fits everywhere, so every cell agrees on it.
        wheelmaker.build_wheel(out, "common", "1.0"),
        wheelmaker.build_wheel(out, "common", "3.0", requires_python=">=3.8"),
    ]


def project(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\nrequires-python = ">=3.8"\ndependencies = ["app"]\n' + extra)
    return tmp_path / "pyproject.toml"


def lock_doc(path: Path) -> dict:
    import tomllib
    return tomllib.loads(path.read_text())


def entries(doc: dict) -> dict:
    """{(name, version): marker or None}"""
    return {(p["name"], p.get("version")): p.get("marker") for p in doc["packages"]}


def report(ptinstall, *args) -> dict:
    r = ptinstall("pip", "install", "--dry-run", "--report", "-", *args, env=QUIET, check=None)
    assert r.returncode == 0, r.stderr
    return {i["metadata"]["name"]: i["metadata"]["version"] for i in json.loads(r.stdout)["install"]}


EXPECTED = {
    ("app", "1.0"): None,
    ("arr", "1.5"): 'python_version < "3.10"',
    ("arr", "2.1"): 'python_version >= "3.10"',
    ("backport", "1.0"): 'python_version < "3.9"',
    ("winonly", "1.0"): 'sys_platform == "win32"',
    ("posixonly", "1.0"): 'sys_platform != "win32"',
    ("macarm", "1.0"): 'sys_platform == "darwin" and platform_machine == "arm64"',
    ("native", "2.0"): 'sys_platform == "linux" and platform_machine == "x86_64"',
    ("native", "1.0"): 'sys_platform == "darwin" or sys_platform == "win32" or sys_platform == "linux" and '
                       'platform_machine == "aarch64"',
    ("common", "3.0"): None,
}


def test_universal_lock_forks_by_python_version_and_platform(ptinstall, make_index, tmp_path):
    server = make_index(wheels(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    proj = project(tmp_path)
    r = ptinstall("pip", "compile", *base, "--universal", proj, "-o", "pylock.toml", env=QUIET, check=True)
    # requires-python >=3.8, split at 3.9 and 3.10 by app's markers: 3 ranges x 5 platforms.
    assert "(15 resolutions)" in r.stderr, r.stderr
    doc = lock_doc(tmp_path / "pylock.toml")
    assert doc["requires-python"] == ">=3.8"
    assert len(doc["environments"]) == 5
    assert entries(doc) == EXPECTED
    # Locked again over the lock (its versions preferred): the same entries.
    ptinstall("pip", "compile", *base, "--universal", proj, "-o", "pylock.toml", env=QUIET, check=True)
    assert entries(lock_doc(tmp_path / "pylock.toml")) == EXPECTED
    # native 2.0 holds its one wheel, 1.0 the pure one; every file hashed.
    native = {p["version"]: p for p in doc["packages"] if p["name"] == "native"}
    assert [w["name"] for w in native["2.0"]["wheels"]] == ["native-2.0-py3-none-manylinux_2_17_x86_64.whl"]
    assert all(w["hashes"]["sha256"] for p in doc["packages"] for w in p["wheels"])

    # Each target takes its own entries, without resolving.
    lock = tmp_path / "pylock.toml"
    assert report(ptinstall, *base[:2], "--python-version", "3.8", "--python-platform", "x86_64-manylinux_2_28",
                  "-r", lock) == {"app": "1.0", "arr": "1.5", "backport": "1.0", "posixonly": "1.0",
                                  "native": "2.0", "common": "3.0"}
    assert report(ptinstall, *base[:2], "--python-version", "3.9", "--python-platform", "x86_64-pc-windows-msvc",
                  "-r", lock) == {"app": "1.0", "arr": "1.5", "winonly": "1.0", "native": "1.0", "common": "3.0"}
    assert report(ptinstall, *base[:2], "--python-version", "3.12", "--python-platform", "aarch64-apple-darwin",
                  "-r", lock) == {"app": "1.0", "arr": "2.1", "posixonly": "1.0", "macarm": "1.0", "native": "1.0",
                                  "common": "3.0"}
    # This machine, for real (its Python is 3.10 or newer where the suite runs; 3.8/3.9 take arr 1.5).
    ptinstall("pip", "sync", *base[:2], lock, env=QUIET, check=True)
    got = installed(venv)
    assert got["app"] == "1.0" and got["common"] == "3.0" and "winonly" not in got
    assert got["arr"] == ("2.1" if sys.version_info >= (3, 10) else "1.5")


def test_universal_requirements_txt_has_markers(ptinstall, make_index, tmp_path):
    """requirements.txt output of --universal: a line per entry, `name==version ; marker`, as uv writes it;
    pip and ptinstall install it on this machine and get the lock's selection."""
    server = make_index(wheels(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    proj = project(tmp_path)
    r = ptinstall("pip", "compile", *base, "--universal", proj, "--no-header", "-o", "requirements.txt",
                  env=QUIET, check=True)
    text = (tmp_path / "requirements.txt").read_text()
    pins = [line for line in text.splitlines() if line and not line.startswith(" ")]
    want = []
    for (name, version), marker in sorted(EXPECTED.items(), key=lambda kv: kv[0][0]):
        want.append(f"{name}=={version}" + (f" ; {marker}" if marker else ""))
    assert sorted(pins) == sorted(want), text
    assert "arr==2.1 ; python_version >= \"3.10\"\n    # via app\n" in text
    # Compiled again over its own output (whose pins are preferred): the same file, arr 2.1 still for 3.10+; the
    # second time with `universal = true` in the [pip] table of a config file (uv's key) instead of the flag.
    (tmp_path / "uv.toml").write_text("[pip]\nuniversal = true\n")
    ptinstall("pip", "compile", *base, "--config-file", tmp_path / "uv.toml", proj, "--no-header", "-o",
              "requirements.txt", env=QUIET, check=True)
    assert (tmp_path / "requirements.txt").read_text() == text
    # With hashes: every line hashed.
    r = ptinstall("pip", "compile", *base, "--universal", proj, "--no-header", "--generate-hashes", env=QUIET,
                  check=True)
    assert r.stdout.count("--hash=sha256:") >= len(EXPECTED), r.stdout
    # Installed here: the lines whose markers hold.
    ptinstall("pip", "sync", *base, tmp_path / "requirements.txt", env=QUIET, check=True)
    got = installed(venv)
    want_here = {"app", "arr", "posixonly", "native", "common"} | ({"backport"} if sys.version_info < (3, 9) else set())
    assert set(got) == want_here
    if sys.version_info >= (3, 10):
        assert got["arr"] == "2.1"


def test_environments_narrow_the_lock(ptinstall, make_index, tmp_path):
    """[tool.uv] environments: only the cells they allow are resolved; markers are as short as the
    narrower space allows, and the lock's `environments` are the project's."""
    server = make_index(wheels(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    proj = project(tmp_path, "[tool.uv]\nenvironments = [\"sys_platform == 'linux' and python_version >= '3.10'\"]\n")
    r = ptinstall("pip", "compile", *base, "--universal", proj, "-o", "pylock.toml", env=QUIET, check=True)
    assert "(2 resolutions)" in r.stderr, r.stderr
    doc = lock_doc(tmp_path / "pylock.toml")
    assert doc["environments"] == ['sys_platform == "linux" and python_version >= "3.10"']
    assert entries(doc) == {("app", "1.0"): None, ("arr", "2.1"): None, ("posixonly", "1.0"): None,
                            ("native", "2.0"): 'sys_platform == "linux" and platform_machine == "x86_64"',
                            ("native", "1.0"): 'sys_platform == "linux" and platform_machine == "aarch64"',
                            ("common", "3.0"): None}
    # An environment the lock does not cover is refused.
    r = ptinstall("pip", "install", "--dry-run", *base[:2], "--python-platform", "x86_64-pc-windows-msvc",
                  "-r", tmp_path / "pylock.toml", env=QUIET, check=False)
    assert r.returncode != 0 and "environments" in r.stderr
    # A bad marker there is an error naming the file.
    project(tmp_path, "[tool.uv]\nenvironments = [\"sys_platform = 'linux'\"]\n")
    r = ptinstall("pip", "compile", *base, "--universal", proj, "-o", "pylock.toml", env=QUIET, check=False)
    assert r.returncode != 0 and "tool.uv.environments" in r.stderr and "pyproject.toml" in r.stderr


def test_preferences_carried_between_python_ranges(ptinstall, make_index, tmp_path):
    """Cells agree on a version wherever it fits: `lib` 2.0 needs Python 3.10 and the newest ranges are
    resolved first, so the older range takes 1.0 only because it must, and `common` stays one entry."""
    out = tmp_path / "wheels"
    server = make_index([
        wheelmaker.build_wheel(out, "top", "1.0", requires_dist=["lib", "common", "old; python_version < '3.10'"]),
        wheelmaker.build_wheel(out, "lib", "1.0"),
        wheelmaker.build_wheel(out, "lib", "2.0", requires_python=">=3.10"),
        wheelmaker.build_wheel(out, "old", "1.0"),
        wheelmaker.build_wheel(out, "common", "1.0"),
        wheelmaker.build_wheel(out, "common", "2.0"),
    ])
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    (tmp_path / "requirements.in").write_text("top\n")
    args = ["pip", "compile", *base, "--universal", "--python-version", "3.9", "requirements.in", "-o", "pylock.toml"]
    ptinstall(*args, env=QUIET, check=True)
    doc = lock_doc(tmp_path / "pylock.toml")
    assert doc["requires-python"] == ">=3.9"
    assert entries(doc) == {("top", "1.0"): None, ("lib", "1.0"): 'python_version < "3.10"',
                            ("lib", "2.0"): 'python_version >= "3.10"', ("old", "1.0"): 'python_version < "3.10"',
                            ("common", "2.0"): None}
    # The versions of the lock being replaced are preferred in every cell: common 1.0 pinned once
    # stays one entry, in every range, until --upgrade.
    (tmp_path / "requirements.in").write_text("top\ncommon==1.0\n")
    ptinstall(*args, env=QUIET, check=True)
    (tmp_path / "requirements.in").write_text("top\n")
    ptinstall(*args, env=QUIET, check=True)
    assert entries(lock_doc(tmp_path / "pylock.toml"))[("common", "1.0")] is None
    ptinstall(*args, "--upgrade", env=QUIET, check=True)
    assert ("common", "2.0") in entries(lock_doc(tmp_path / "pylock.toml"))


def test_default_groups_from_the_project(ptinstall, make_index, tmp_path):
    """[tool.uv] default-groups is written to the lock, and an install without --group takes them."""
    out = tmp_path / "wheels"
    server = make_index([wheelmaker.build_wheel(out, "lib", "1.0"), wheelmaker.build_wheel(out, "tool", "1.0"),
                         wheelmaker.build_wheel(out, "doc", "1.0")])
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\ndependencies = ["lib"]\n'
        '[dependency-groups]\ndev = ["tool"]\ndocs = ["doc"]\n[tool.uv]\ndefault-groups = ["dev"]\n')
    ptinstall("pip", "compile", *base, "pyproject.toml", "--group", "dev", "--group", "docs", "-o", "pylock.toml",
              env=QUIET, check=True)
    doc = lock_doc(tmp_path / "pylock.toml")
    assert doc["dependency-groups"] == ["dev", "docs"] and doc["default-groups"] == ["dev"]
    ptinstall("pip", "sync", *base[:2], "pylock.toml", env=QUIET, check=True)
    assert set(installed(venv)) == {"lib", "tool"}
    ptinstall("pip", "sync", *base[:2], "pylock.toml", "--group", "docs", env=QUIET, check=True)
    assert set(installed(venv)) == {"lib", "doc"}
    # "all": every locked group.
    (tmp_path / "pyproject.toml").write_text((tmp_path / "pyproject.toml").read_text().replace('["dev"]', '"all"'))
    ptinstall("pip", "compile", *base, "pyproject.toml", "--group", "dev", "--group", "docs", "-o", "pylock.toml",
              env=QUIET, check=True)
    assert lock_doc(tmp_path / "pylock.toml")["default-groups"] == ["dev", "docs"]
    # Without the key: none (an install of a lock has no --no-dev to leave a default group out).
    (tmp_path / "pyproject.toml").write_text((tmp_path / "pyproject.toml").read_text().replace(
        'default-groups = "all"\n', ""))
    ptinstall("pip", "compile", *base, "pyproject.toml", "--group", "dev", "-o", "pylock.toml", env=QUIET, check=True)
    assert lock_doc(tmp_path / "pylock.toml")["default-groups"] == []


def test_universal_with_conflicting_extras(ptinstall, make_index, tmp_path):
    """--universal and [tool.uv] conflicts together: each extra's fork over the whole grid, markers of both
    kinds combined (`'old' in extras and python_version < '3.10'`)."""
    out = tmp_path / "wheels"
    server = make_index([
        wheelmaker.build_wheel(out, "lib", "1.0"),
        wheelmaker.build_wheel(out, "lib", "2.0", requires_python=">=3.10"),
        wheelmaker.build_wheel(out, "lib", "3.0", requires_python=">=3.10"),
        wheelmaker.build_wheel(out, "winhelper", "1.0"),
        wheelmaker.build_wheel(out, "base", "1.0", requires_dist=["winhelper; sys_platform == 'win32'",
                                                                 "compat; python_version < '3.10'"]),
        wheelmaker.build_wheel(out, "compat", "1.0"),
    ])
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\nrequires-python = ">=3.9"\ndependencies = ["base"]\n'
        '[project.optional-dependencies]\nold = ["lib<3"]\nnew = ["lib>=3; python_version >= \'3.10\'"]\n'
        '[tool.uv]\nconflicts = [[{ extra = "old" }, { extra = "new" }]]\n')
    r = ptinstall("pip", "compile", *base, "--universal", "pyproject.toml", "--all-extras", "-o", "pylock.toml",
                  env=QUIET, check=True)
    doc = lock_doc(tmp_path / "pylock.toml")
    got = entries(doc)
    assert got[("base", "1.0")] is None
    assert got[("winhelper", "1.0")] == 'sys_platform == "win32"'
    assert got[("compat", "1.0")] == 'python_version < "3.10"'
    # lib: 1.0 for `old` before 3.10, 2.0 for `old` from 3.10, 3.0 for `new` from 3.10 (before that
    # `new` asks for no lib).
    assert got[("lib", "1.0")] == 'python_version < "3.10" and "old" in extras'
    assert got[("lib", "2.0")] == 'python_version >= "3.10" and "old" in extras'
    assert got[("lib", "3.0")] == 'python_version >= "3.10" and "new" in extras', r.stderr
    assert len(got) == 6
    # A Python 3.9 Windows target with --extra old.
    assert report(ptinstall, *base[:2], "--python-version", "3.9", "--python-platform", "x86_64-pc-windows-msvc",
                  "--extra", "old", "-r", tmp_path / "pylock.toml") == {
        "base": "1.0", "winhelper": "1.0", "compat": "1.0", "lib": "1.0"}
    assert report(ptinstall, *base[:2], "--python-version", "3.12", "--python-platform", "aarch64-apple-darwin",
                  "--extra", "new", "-r", tmp_path / "pylock.toml") == {"base": "1.0", "lib": "3.0"}
    # Without a Python marker on `new`, Python 3.9 has no solution for it, in any cell: an error, as uv's.
    (tmp_path / "pyproject.toml").write_text((tmp_path / "pyproject.toml").read_text().replace(
        "; python_version >= '3.10'", ""))
    r = ptinstall("pip", "compile", *base, "--universal", "pyproject.toml", "--all-extras", "-o", "other.toml",
                  env=QUIET, check=False)
    assert r.returncode == 1 and "hint: lib==3.0 requires Python >=3.10" in r.stderr
    assert not (tmp_path / "other.toml").exists()
