"""Lock files (PEP 751 pylock.toml) and `pip sync` safety, against indexes served by nginx on 127.0.0.1
(tests/e2e/indexserver.py): input that names no package never empties an environment, a `.toml` that is
neither a project nor a lock is refused, and locks written by `pip compile`/`pip lock` install exactly what
was compiled."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import make_venv, installed, py  # noqa: E402
from indexserver import nginx_binary  # noqa: E402
from buildtools import backends, build_index  # noqa: E402,F401 (fixtures)

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

QUIET = {"PTINSTALL_HTTP_RETRIES": "0"}


def graph(tmp_path: Path):
    out = tmp_path / "wheels"
    return [
        wheelmaker.build_wheel(out, "app", "1.0", provides_extra=["fast"],
                               requires_dist=["lib>=1.0", "util", "fastdep; extra == 'fast'",
                                              "winonly; sys_platform == 'win32'"]),
        wheelmaker.build_wheel(out, "lib", "1.0"),
        wheelmaker.build_wheel(out, "lib", "2.0", requires_dist=["util>=2"]),
        wheelmaker.build_wheel(out, "util", "1.0"),
        wheelmaker.build_wheel(out, "util", "2.5"),
        wheelmaker.build_wheel(out, "util", "2.5", tags="py3-none-win_amd64"),
        wheelmaker.build_wheel(out, "fastdep", "0.5"),
        wheelmaker.build_wheel(out, "winonly", "1.0"),
    ]


# --- pip sync never empties an environment by accident ---------------------------------------------------

def test_sync_refuses_input_naming_no_package(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    ptinstall("pip", "install", *base, "app", env=QUIET, check=True)
    before = installed(venv)
    assert before == {"app": "1.0", "lib": "2.0", "util": "2.5"}
    (tmp_path / "empty.txt").write_text("# nothing pinned yet\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\ndependencies = []\n')
    for source in ("empty.txt", "pyproject.toml"):
        r = ptinstall("pip", "sync", *base, source, env=QUIET, check=False)
        assert r.returncode == 2, r.stderr
        assert "error: the requirements name no packages; syncing would uninstall every installed package" in r.stderr
        assert "hint: pass --allow-empty-requirements" in r.stderr
        assert installed(venv) == before
    # A pylock.toml with no package, or none for this environment (markers), is refused the same way.
    (tmp_path / "pylock.toml").write_text("lock-version = '1.0'\ncreated-by = 'hand'\npackages = []\n")
    (tmp_path / "pylock.win.toml").write_text(
        "lock-version = '1.0'\ncreated-by = 'hand'\n\n[[packages]]\nname = 'winonly'\nversion = '1.0'\n"
        "marker = \"sys_platform == 'win32'\"\n"
        "wheels = [{url = 'http://127.0.0.1:9/winonly-1.0-py3-none-any.whl', "
        "hashes = {sha256 = '" + "a" * 64 + "'}}]\n")
    for source in ("pylock.toml", "pylock.win.toml"):
        r = ptinstall("pip", "sync", *base, source, env=QUIET, check=False)
        assert r.returncode == 2, r.stderr
        assert (f"error: {source}: no package of the lock applies to this environment; syncing would uninstall "
                "every installed package") in r.stderr, r.stderr
        assert "hint: pass --allow-empty-requirements" in r.stderr
        assert installed(venv) == before
    # Asked for: the environment is emptied, with a warning.
    r = ptinstall("pip", "sync", *base, "--allow-empty-requirements", "empty.txt", env=QUIET, check=True)
    assert "warning: the requirements name no packages" in r.stderr
    assert "Uninstalled 3 packages" in r.stderr
    assert installed(venv) == {}


def test_toml_that_is_neither_project_nor_lock_is_an_error(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    ptinstall("pip", "install", *base, "util", env=QUIET, check=True)
    (tmp_path / "settings.toml").write_text('[tool.black]\nline-length = 100\n')
    (tmp_path / "broken.toml").write_text('[project\nname = "x"\n')
    for cmd in (["pip", "sync"], ["pip", "install", "-r"], ["pip", "compile"]):
        r = ptinstall(*cmd[:2], *base, *cmd[2:], "settings.toml", env=QUIET, check=False)
        assert r.returncode == 2, r.stderr
        assert "error: settings.toml is neither a pyproject.toml nor a pylock.toml" in r.stderr
        r = ptinstall(*cmd[:2], *base, *cmd[2:], "broken.toml", env=QUIET, check=False)
        assert r.returncode == 2, r.stderr
        assert "error: broken.toml:1: invalid TOML" in r.stderr
        assert installed(venv) == {"util": "2.5"}


# --- writing and reading pylock.toml ----------------------------------------------------------------------

def check_schema(text: str) -> dict:
    """The pylock.toml specification's rules, checked on a written lock: required keys and their types, one
    kind of source per package, a hash on every file, the index of every registry package."""
    import tomllib
    doc = tomllib.loads(text)
    assert doc["lock-version"] == "1.0"
    assert isinstance(doc["created-by"], str) and doc["created-by"].startswith("ptinstall")
    for key in ("environments", "extras", "dependency-groups", "default-groups"):
        assert isinstance(doc.get(key, []), list) and all(isinstance(x, str) for x in doc.get(key, []))
    assert isinstance(doc["packages"], list) and doc["packages"]
    allowed = {"name", "version", "marker", "requires-python", "dependencies", "index", "vcs", "directory",
               "archive", "sdist", "wheels", "attestation-identities", "tool"}
    for p in doc["packages"]:
        assert set(p) <= allowed, set(p) - allowed
        assert isinstance(p["name"], str) and isinstance(p.get("version", ""), str)
        assert "version" in p or "directory" in p, p  # only a source tree goes without one
        kinds = [k for k in ("vcs", "directory", "archive") if k in p] + (["files"] if "sdist" in p or "wheels" in p else [])
        assert len(kinds) == 1, p
        files = list(p.get("wheels", [])) + ([p["sdist"]] if "sdist" in p else []) + ([p["archive"]] if "archive" in p else [])
        for f in files:
            assert "url" in f or "path" in f
            assert f["hashes"] and all(isinstance(v, str) and len(v) >= 64 for v in f["hashes"].values())
            if "size" in f:
                assert isinstance(f["size"], int)
            if "upload-time" in f:
                import datetime
                assert isinstance(f["upload-time"], datetime.datetime)
        if "wheels" in p or "sdist" in p:
            assert p["index"].startswith("http"), p
        for d in p.get("dependencies", []):
            assert isinstance(d["name"], str)
        for ident in p.get("attestation-identities", []):  # an array of tables, each with a string kind
            assert isinstance(ident, dict) and isinstance(ident["kind"], str), ident
    return doc


def lock_pins(doc: dict) -> dict:
    return {p["name"]: p["version"] for p in doc["packages"]}


def test_compile_to_pylock_installs_exactly_the_compiled_set(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv", with_pip=True)
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    (tmp_path / "requirements.in").write_text("app[fast]\n")
    ptinstall("pip", "compile", *base, "requirements.in", "-o", "pylock.toml", env=QUIET, check=True)
    text = (tmp_path / "pylock.toml").read_text()
    doc = check_schema(text)
    assert lock_pins(doc) == {"app": "1.0", "lib": "2.0", "util": "2.5", "fastdep": "0.5"}
    by_name = {p["name"]: p for p in doc["packages"]}
    assert by_name["app"]["index"] == server.index_url().rstrip("/")
    assert sorted(d["name"] for d in by_name["app"]["dependencies"]) == ["fastdep", "lib", "util"]
    # Every file of util 2.5 on the index, the Windows wheel too, each with the index's size and time.
    assert sorted(w["name"] for w in by_name["util"]["wheels"]) == ["util-2.5-py3-none-any.whl",
                                                                     "util-2.5-py3-none-win_amd64.whl"]
    assert all(w["size"] > 0 and w["upload-time"].year == 2025 for w in by_name["util"]["wheels"])
    env_marker = doc["environments"][0]
    assert "sys_platform == 'linux'" in env_marker and "python_version ==" in env_marker
    # Same text from --format to stdout, and the same again when written a second time (stable order).
    r = ptinstall("pip", "compile", *base, "requirements.in", "--format", "pylock.toml", env=QUIET, check=True)
    assert r.stdout == text

    # Differential: pip installs from the pins the lock implies and gets the same set.
    pinned = tmp_path / "pins.txt"
    pinned.write_text("".join(f"{n}=={v}\n" for n, v in lock_pins(doc).items()))
    pip_venv = make_venv(tmp_path / "pipvenv", with_pip=True)
    subprocess.run([str(pip_venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "--no-deps", "--index-url", server.index_url(), "-r", str(pinned)], check=True)
    want = {k: v for k, v in installed(pip_venv).items() if k not in ("pip", "setuptools")}

    # sync into a fresh venv: exactly the locked set, no index asked for pages (no resolution).
    fresh = make_venv(tmp_path / "fresh")
    server.clear_log()
    r = ptinstall("pip", "sync", "--python", fresh / "bin" / "python", "pylock.toml", env=QUIET, check=True)
    assert installed(fresh) == want == lock_pins(doc)
    assert not [q for q in server.requests() if q.path.startswith("/simple/") and not q.path.endswith(".whl")]
    out = subprocess.run([str(fresh / "bin" / "python"), "-c", "import app, lib, util, fastdep; print('ok')"],
                         capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr
    # A second sync changes nothing; install -r of the lock into the first venv adds to what is there.
    r = ptinstall("pip", "sync", "--python", fresh / "bin" / "python", "pylock.toml", env=QUIET, check=True)
    assert "Audited 4 packages" in r.stderr
    ptinstall("pip", "install", *base, "winonly", env=QUIET, check=True)
    ptinstall("pip", "install", "--python", venv / "bin" / "python", "-r", "pylock.toml", env=QUIET, check=True)
    got = installed(venv)
    assert {k: got[k] for k in lock_pins(doc)} == lock_pins(doc) and got["winonly"] == "1.0" and "pip" in got
    # sync removes what the lock does not name.
    ptinstall("pip", "sync", "--python", venv / "bin" / "python", "pylock.toml", env=QUIET, check=True)
    assert installed(venv) == lock_pins(doc)


def test_pip_lock_and_named_locks(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    # pip lock: requirements like pip install, ./pylock.toml by default.
    r = ptinstall("pip", "lock", *base, "app", "lib<2", env=QUIET, check=True)
    doc = check_schema((tmp_path / "pylock.toml").read_text())
    assert lock_pins(doc) == {"app": "1.0", "lib": "1.0", "util": "2.5"}
    # -o pylock.NAME.toml is a lock too; a previous lock's versions are kept where they still fit.
    ptinstall("pip", "lock", *base, "-o", "pylock.dev.toml", "app", env=QUIET, check=True)
    assert lock_pins(check_schema((tmp_path / "pylock.dev.toml").read_text()))["lib"] == "2.0"
    (tmp_path / "req.in").write_text("app\n")
    ptinstall("pip", "compile", *base, "req.in", "-o", "pylock.toml", env=QUIET, check=True)
    assert lock_pins(check_schema((tmp_path / "pylock.toml").read_text()))["lib"] == "1.0"
    ptinstall("pip", "compile", *base, "req.in", "-o", "pylock.toml", "--upgrade", env=QUIET, check=True)
    assert lock_pins(check_schema((tmp_path / "pylock.toml").read_text()))["lib"] == "2.0"
    # Other names stay requirements.txt unless --format says otherwise.
    r = ptinstall("pip", "compile", *base, "req.in", "-o", "locked.txt", env=QUIET, check=True)
    assert (tmp_path / "locked.txt").read_text().count("==") == 3
    r = ptinstall("pip", "compile", *base, "req.in", "--format", "json", env=QUIET, check=False)
    assert r.returncode == 2
    fresh = make_venv(tmp_path / "fresh")
    ptinstall("pip", "sync", "--python", fresh / "bin" / "python", "pylock.dev.toml", env=QUIET, check=True)
    assert installed(fresh) == {"app": "1.0", "lib": "2.0", "util": "2.5"}
    # A lock handed to compile is refused.
    r = ptinstall("pip", "compile", *base, "pylock.toml", env=QUIET, check=False)
    assert r.returncode == 2 and "is a lock file" in r.stderr


def test_lock_without_index_hashes_hashes_the_chosen_files(ptinstall, make_index, tmp_path):
    from indexserver import ProjectOptions
    server = make_index(graph(tmp_path), options={"util": ProjectOptions(no_hashes=True)})
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    r = ptinstall("pip", "lock", *base, "util", env=QUIET, check=True)
    assert "util==2.5 (1 file)" in r.stderr  # the Windows wheel has no hash: left out, said so
    assert "Hashing 1 wheel the index gives no hash for" in r.stderr
    doc = check_schema((tmp_path / "pylock.toml").read_text())
    (util,) = doc["packages"]
    assert [w["name"] for w in util["wheels"]] == ["util-2.5-py3-none-any.whl"]
    import hashlib
    wheel = next((tmp_path / "wheels").glob("util-2.5-py3-none-any.whl"))
    assert util["wheels"][0]["hashes"]["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()
    ptinstall("pip", "sync", *base, "pylock.toml", env=QUIET, check=True)
    assert installed(venv) == {"util": "2.5"}
    # Hashed through the wheel cache: the install after the lock downloads nothing again.
    gets = [q for q in server.requests() if q.path.endswith("util-2.5-py3-none-any.whl")]
    assert len(gets) == 1, gets


def test_bad_locks_install_nothing(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    ptinstall("pip", "lock", *base, "app", env=QUIET, check=True)
    good = (tmp_path / "pylock.toml").read_text()
    ptinstall("pip", "install", *base, "fastdep", env=QUIET, check=True)
    import tomllib
    util_sha = next(p for p in tomllib.loads(good)["packages"] if p["name"] == "util")["wheels"][0]["hashes"]["sha256"]

    def bad(text, *expected, name="pylock.toml", cmd="sync"):
        (tmp_path / name).write_text(text)
        args = ["pip", "sync", *base, name] if cmd == "sync" else ["pip", "install", *base, "-r", name]
        r = ptinstall(*args, env=QUIET, check=False)
        assert r.returncode != 0, r.stderr
        for e in expected:
            assert e in r.stderr, r.stderr
        assert r.stderr.count("error:") == 1
        assert installed(venv) == {"fastdep": "0.5"}  # nothing installed, nothing removed
        return r

    bad(good.replace("[[packages]]", "[[packages]", 1), "error: pylock.toml:", "invalid TOML")
    bad(good.replace('lock-version = "1.0"', 'lock-version = "2.0"'), "unknown lock-version 2.0")
    first_hashes = good.index("hashes = {")
    bad(good[:first_hashes] + good[first_hashes:].replace(f'hashes = {{ sha256 = "', 'hashez = { sha256 = "', 1),
        "has no hashes")
    bad(good.replace(util_sha, "0" * 64), "util-2.5-py3-none-any.whl", "hash", cmd="install")
    # A size that does not match the file: checked while downloading (never read past it, and a body
    # that ends before it is short), before the hash.
    util_size = next(p for p in tomllib.loads(good)["packages"] if p["name"] == "util")["wheels"][0]["size"]
    util_line = next(line for line in good.splitlines() if util_sha in line)
    for wrong, why in ((util_size - 10, "is larger than"), (util_size + 10, "the body ended after")):
        bad(good.replace(util_line, util_line.replace(f"size = {util_size}", f"size = {wrong}")),
            "util-2.5-py3-none-any.whl", why, f"{wrong} bytes")
    bad(good.replace('name = "util"\n', 'name = "util"\nmarker = "sys_platform =="\n'),
        "`marker` of package `util`: invalid marker")
    twice = good + '\n[[packages]]\nname = "util"\nversion = "1.0"\nwheels = [{ url = "' + server.url + \
        '/x/util-1.0-py3-none-any.whl", hashes = { sha256 = "' + "1" * 64 + '" } }]\n'
    bad(twice, "two entries for package `util` apply to this environment (2.5 and 1.0)")
    bad(good.replace("environments = [", "environments = [\"sys_platform == 'win32'\"] #"),
        "the lock is for other environments")
    (tmp_path / "pylock.toml").write_text(good)
    r = ptinstall("pip", "sync", *base, "--extra", "gpu", "pylock.toml", env=QUIET, check=False)
    assert r.returncode == 2 and "the lock has no extra `gpu`" in r.stderr
    assert installed(venv) == {"fastdep": "0.5"}
    # A lock with other requirements is refused.
    r = ptinstall("pip", "install", *base, "-r", "pylock.toml", "util", env=QUIET, check=False)
    assert r.returncode == 2 and "it is installed on its own" in r.stderr
    # The good lock installs.
    ptinstall("pip", "sync", *base, "pylock.toml", env=QUIET, check=True)
    assert installed(venv) == {"app": "1.0", "lib": "2.0", "util": "2.5"}


def no_gpu_machine(tmp_path: Path, **extra) -> dict:
    """A machine without accelerators for --torch-backend=auto: empty sysfs root and PATH (as in
    test_torch_install.py's Machine)."""
    root, bin_ = tmp_path / "machine-root", tmp_path / "machine-bin"
    root.mkdir(exist_ok=True)
    bin_.mkdir(exist_ok=True)
    return {"PATH": str(bin_), "PTINSTALL_SYSFS_ROOT": str(root), **QUIET, **extra}


def test_torch_lock_records_the_backend_and_installs_the_locked_build(ptinstall, torch_index, tmp_path):
    venv = make_venv(tmp_path / "venv")
    mirror = torch_index.url + "/whl"
    (tmp_path / "requirements.in").write_text("torch\n")
    ptinstall("pip", "compile", "--python", venv / "bin" / "python", "--index-url", torch_index.index_url("/simple/"),
              "--torch-backend", "cu128", "--torch-backend-index", mirror, "--python-platform",
              "x86_64-manylinux_2_28", "requirements.in", "-o", "pylock.toml", env=QUIET, check=True)
    doc = check_schema((tmp_path / "pylock.toml").read_text())
    by_name = {p["name"]: p for p in doc["packages"]}
    assert by_name["torch"]["version"] == "2.9.1+cu128"
    assert by_name["torch"]["index"] == mirror + "/cu128"
    assert by_name["nvidia-cublas-cu12"]["index"] == torch_index.index_url("/simple/").rstrip("/")
    assert doc["tool"]["ptinstall"] == {"torch-backend": "cu128", "torch-indexes": [mirror + "/cu128"]}
    # Every locked wheel has a hash, computed where the mirror gives none.
    assert all(w["hashes"]["sha256"] for p in doc["packages"] for w in p["wheels"])

    # Installed on a machine without a GPU, without --torch-backend: the locked CUDA build, and a warning
    # that auto would select the CPU index here.
    target = make_venv(tmp_path / "target")
    r = ptinstall("pip", "sync", "--python", target / "bin" / "python", "pylock.toml",
                  env=no_gpu_machine(tmp_path), check=True)
    assert ("warning: this lock was made for cu128 (--torch-backend cu128); this machine selects cpu "
            "(--torch-backend auto, no accelerator found); installing the locked files") in r.stderr
    assert installed(target) == lock_pins(doc)
    assert py(target, "import torch; print(torch.__version__, torch.version.cuda)") == "2.9.1+cu128 12.8"
    # A machine whose driver allows CUDA 12.8: no warning.
    target2 = make_venv(tmp_path / "target2")
    r = ptinstall("pip", "sync", "--python", target2 / "bin" / "python", "pylock.toml",
                  env=no_gpu_machine(tmp_path, PTINSTALL_CUDA_DRIVER_VERSION="570.172.08"), check=True)
    assert "warning" not in r.stderr, r.stderr
    assert installed(target2) == lock_pins(doc)


def test_locked_url_gone_falls_back_to_the_index(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    ptinstall("pip", "lock", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app",
              env=QUIET, check=True)
    import tomllib
    text = (tmp_path / "pylock.toml").read_text()
    urls = [w["url"] for p in tomllib.loads(text)["packages"] for w in p["wheels"] if p["name"] in ("util", "lib")]
    for u in urls:
        text = text.replace(u, u.rsplit("/", 1)[0] + "/moved/" + u.rsplit("/", 1)[1])
    (tmp_path / "pylock.toml").write_text(text)
    # No index option: the lock's own `index` is asked.
    r = ptinstall("pip", "sync", "--python", venv / "bin" / "python", "pylock.toml", env=QUIET, check=True)
    assert r.stderr.count("is gone (HTTP 404); looking for") == 2, r.stderr
    assert installed(venv) == {"app": "1.0", "lib": "2.0", "util": "2.5"}
    # A file the index no longer lists either: an error, nothing installed.
    other = make_venv(tmp_path / "other")
    (tmp_path / "pylock.toml").write_text(text.replace("util-2.5-py3-none-any.whl", "util-2.5-py3-none-manylinux1_x86_64.whl"))
    fresh_cache = {**QUIET, "PTINSTALL_CACHE_DIR": str(tmp_path / "cache2")}  # the first sync cached util by hash
    r = ptinstall("pip", "sync", "--python", other / "bin" / "python", "pylock.toml", env=fresh_cache, check=False)
    assert r.returncode == 1 and "HTTP 404" in r.stderr and "no longer lists util-2.5-py3-none-manylinux1_x86_64.whl" in r.stderr
    assert installed(other) == {}


def test_locked_sdist_is_built_through_the_build_frontend(ptinstall, backends, build_index, tmp_path):
    import buildtools as bt
    backends.require("setuptools")
    project = bt.make_setuptools_project(tmp_path / "src", name="srconly", version="2.0", dependencies=["depa"])
    server = build_index([wheelmaker.build_wheel(tmp_path / "deps", "depa", "1.0"),
                          bt.make_sdist(project, tmp_path / "dist")])
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url("/simple/")]
    ptinstall("pip", "lock", *base, "srconly", env=QUIET, check=True)
    doc = check_schema((tmp_path / "pylock.toml").read_text())
    by_name = {p["name"]: p for p in doc["packages"]}
    assert by_name["srconly"]["sdist"]["name"] == "srconly-2.0.tar.gz" and "wheels" not in by_name["srconly"]
    # The build environment's requirements (setuptools) come from the index given; the lock's files are
    # installed as locked.
    ptinstall("pip", "sync", *base, "pylock.toml", env=QUIET, check=True)
    assert installed(venv) == {"srconly": "2.0", "depa": "1.0"}
    assert py(venv, "import srconly; print(srconly.f())") == project.expected
    # --no-build refuses it with the one wording of the build rule.
    other = make_venv(tmp_path / "other")
    r = ptinstall("pip", "sync", "--python", other / "bin" / "python", "--no-build", "pylock.toml", env=QUIET,
                  check=False)
    assert r.returncode != 0 and "srconly" in r.stderr and installed(other) == {}


def test_one_lock_for_extras_and_groups(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0"\nrequires-python = ">=3.8"\ndependencies = ["util"]\n'
        '[project.optional-dependencies]\nfast = ["fastdep"]\nall = ["demo[fast]", "winonly"]\n'
        '[dependency-groups]\ndev = ["lib<2"]\n')
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    ptinstall("pip", "compile", *base, "pyproject.toml", "--all-extras", "--group", "dev", "-o", "pylock.toml",
              env=QUIET, check=True)
    doc = check_schema((tmp_path / "pylock.toml").read_text())
    assert doc["extras"] == ["all", "fast"] and doc["dependency-groups"] == ["dev"] and doc["default-groups"] == []
    assert doc["requires-python"] == ">=3.8"
    markers = {p["name"]: p.get("marker") for p in doc["packages"]}
    assert markers == {"util": None, "fastdep": '"all" in extras or "fast" in extras',
                       "winonly": '"all" in extras', "lib": '"dev" in dependency_groups'}
    for args, want in (((), {"util"}), (("--extra", "fast"), {"util", "fastdep"}),
                       (("--extra", "all"), {"util", "fastdep", "winonly"}),
                       (("--group", "dev"), {"util", "lib"}), (("--all-extras", "--group", "dev"), set(markers))):
        ptinstall("pip", "sync", "--python", venv / "bin" / "python", "pylock.toml", *args, env=QUIET, check=True)
        assert set(installed(venv)) == want, args


def test_lock_from_a_url(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    ptinstall("pip", "lock", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app",
              env=QUIET, check=True)
    root = Path(server.root)
    (root / "locks").mkdir()
    (root / "locks" / "pylock.toml").write_text((tmp_path / "pylock.toml").read_text())
    (root / "locks" / "other.toml").write_text('[project]\nname = "x"\nversion = "0"\n')
    ptinstall("pip", "sync", "--python", venv / "bin" / "python", "-r", server.url + "/locks/pylock.toml",
              env=QUIET, check=True)
    assert installed(venv) == {"app": "1.0", "lib": "2.0", "util": "2.5"}
    r = ptinstall("pip", "sync", "--python", venv / "bin" / "python", "-r", server.url + "/locks/other.toml",
                  env=QUIET, check=False)
    assert r.returncode == 2 and "a pyproject.toml is read from a local path only" in r.stderr
    r = ptinstall("pip", "sync", "--python", venv / "bin" / "python", "-r", server.url + "/locks/missing.toml",
                  env=QUIET, check=False)
    assert "HTTP 404" in r.stderr
    assert installed(venv) == {"app": "1.0", "lib": "2.0", "util": "2.5"}


def test_universal_lock_installs_per_platform(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    (tmp_path / "requirements.in").write_text("app\n")
    r = ptinstall("pip", "compile", *base, "--universal", "requirements.in", "-o", "pylock.toml", env=QUIET, check=True)
    assert "(5 resolutions)" in r.stderr
    doc = check_schema((tmp_path / "pylock.toml").read_text())
    assert len(doc["environments"]) == 5
    markers = {p["name"]: p.get("marker") for p in doc["packages"]}
    assert markers == {"app": None, "lib": None, "util": None, "winonly": "sys_platform == \"win32\""}
    # This machine: no winonly.
    ptinstall("pip", "sync", "--python", venv / "bin" / "python", "pylock.toml", env=QUIET, check=True)
    assert installed(venv) == {"app": "1.0", "lib": "2.0", "util": "2.5"}
    # A Windows target: winonly, and util's Windows wheel.
    r = ptinstall("pip", "sync", "--python", venv / "bin" / "python", "--python-platform", "x86_64-pc-windows-msvc",
                  "--target", tmp_path / "win", "pylock.toml", env=QUIET, check=True)
    assert (tmp_path / "win" / "winonly").is_dir()
    assert list((tmp_path / "win").glob("util-2.5.dist-info"))
    wheel = (tmp_path / "win" / "util-2.5.dist-info" / "WHEEL").read_text()
    assert "Tag: py3-none-win_amd64" in wheel, wheel
    # requirements.txt output: the same pins, each with its marker (uv's form).
    r = ptinstall("pip", "compile", *base, "--universal", "requirements.in", "--no-header", env=QUIET, check=True)
    lines = [line for line in r.stdout.splitlines() if not line.startswith(" ")]
    assert lines == ["app==1.0", "lib==2.0", "util==2.5", 'winonly==1.0 ; sys_platform == "win32"'], r.stdout
    assert "    # via app\n" in r.stdout


def test_lock_of_a_project_directory_and_a_git_repository(ptinstall, backends, build_index, tmp_path):
    import buildtools as bt
    backends.require("setuptools")
    server = build_index([wheelmaker.build_wheel(tmp_path / "deps", "depa", "1.0")])
    proj = bt.make_setuptools_project(tmp_path, name="proj", version="1.5", dirname="proj", dependencies=["depa"])
    repo_src = bt.make_setuptools_project(tmp_path, name="gitproj", version="0.3", dirname="gitrepo")
    repo = repo_src.path
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "one"], check=True)
    commit = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url("/simple/")]
    ptinstall("pip", "lock", *base, "-e", "./proj", f"gitproj @ git+file://{repo}@main", env=QUIET, check=True)
    doc = check_schema((tmp_path / "pylock.toml").read_text())
    by_name = {p["name"]: p for p in doc["packages"]}
    assert by_name["proj"]["directory"] == {"path": "proj", "editable": True} and "version" not in by_name["proj"]
    assert by_name["gitproj"]["vcs"] == {"type": "git", "url": f"file://{repo}", "requested-revision": "main",
                                         "commit-id": commit}
    assert by_name["gitproj"]["version"] == "0.3"
    assert by_name["depa"]["version"] == "1.0"
    # A new commit on main does not change what the lock installs.
    (repo / "later.txt").write_text("x")
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "two"], check=True)
    ptinstall("pip", "sync", *base, "pylock.toml", env=QUIET, check=True)
    assert installed(venv) == {"proj": "1.5", "gitproj": "0.3", "depa": "1.0"}
    assert py(venv, "import proj, gitproj; print(proj.f(), gitproj.f())") == f"{proj.expected} {repo_src.expected}"
    direct = json.loads(next((venv / "lib").glob("python3*/site-packages/gitproj-0.3.dist-info/direct_url.json")).read_text())
    assert direct["vcs_info"]["commit_id"] == commit
    editable = json.loads(next((venv / "lib").glob("python3*/site-packages/proj-1.5.dist-info/direct_url.json")).read_text())
    assert editable["dir_info"] == {"editable": True}
