"""`ptinstall pip install` from package indexes served by nginx on 127.0.0.1 (tests/e2e/indexserver.py):
dependency graphs with extras and markers, pip as the oracle for the chosen versions, --report, -r with
--hash, hash mismatches, dead servers, and --torch-backend against the PyTorch-shaped mirror."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import make_venv, py, installed  # noqa: E402
from indexserver import ProjectOptions, free_port, nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")



def graph(tmp_path: Path):
    out = tmp_path / "wheels"
    return [
        wheelmaker.build_wheel(out, "app", "1.0", provides_extra=["fast"],
                               requires_dist=["lib>=1.0", "fastdep; extra == 'fast'", "winonly; sys_platform == 'win32'"],
                               packages={"app/__init__.py": "import lib\nVALUE = lib.VALUE\n"}),
        wheelmaker.build_wheel(out, "lib", "1.0", packages={"lib/__init__.py": "VALUE = 1\n"}),
        wheelmaker.build_wheel(out, "lib", "2.0", packages={"lib/__init__.py": "VALUE = 2\n"}),
        wheelmaker.build_wheel(out, "lib", "3.0", requires_python=">=3.99", packages={"lib/__init__.py": "VALUE = 3\n"}),
        wheelmaker.build_wheel(out, "lib", "4.0", tags="cp27-cp27m-win32"),
        wheelmaker.build_wheel(out, "lib", "5.0b1", packages={"lib/__init__.py": "VALUE = 5\n"}),
        wheelmaker.build_wheel(out, "fastdep", "0.5", packages={"fastdep/__init__.py": ""}),
        wheelmaker.build_wheel(out, "winonly", "1.0"),
    ]


def quiet_env(**extra):
    env = {"PTINSTALL_HTTP_RETRIES": "0"}
    env.update(extra)
    return env


def test_graph_with_extras_and_markers(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "app[fast]", check=True)
    assert "Resolved 3 packages in" in r.stderr
    for line in (" + app==1.0", " + lib==2.0", " + fastdep==0.5"):
        assert line in r.stderr
    assert "winonly" not in r.stderr
    assert py(venv, "import app, fastdep; print(app.VALUE)") == "2"
    assert installed(venv) == {"app": "1.0", "lib": "2.0", "fastdep": "0.5"}
    # Satisfied: nothing to do, and the installed lib stays without -U.
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app", check=True)
    assert "Audited 2 packages" in r.stderr
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "lib<2", check=True)
    assert " - lib==2.0" in r.stderr and " + lib==1.0" in r.stderr
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "-U", "--pre", "lib", check=True)
    assert " + lib==5.0b1" in r.stderr
    r = ptinstall("pip", "install", "-v", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "--dry-run", "--reinstall", "app", check=True)
    assert "Would install" in r.stderr
    assert "project pages," in r.stderr and "HTTP requests" in r.stderr
    assert installed(venv)["lib"] == "5.0b1"


def test_resolution_matches_pip(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv", with_pip=True)
    for spec in (["app[fast]"], ["app", "lib<3"], ["lib>=1.0,!=2.0"]):
        pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--dry-run", "--ignore-installed",
                              "--quiet", "--disable-pip-version-check", "--report", "-", "--index-url",
                              server.index_url(), *spec], capture_output=True, text=True)
        assert pip.returncode == 0, pip.stderr
        theirs = {i["metadata"]["name"].lower(): i["metadata"]["version"] for i in json.loads(pip.stdout)["install"]}
        r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--dry-run", "--report", "-",
                      "--index-url", server.index_url(), *spec, check=True)
        report = json.loads(r.stdout)
        ours = {i["metadata"]["name"].lower(): i["metadata"]["version"] for i in report["install"]
                if i["metadata"]["name"].lower() not in ("pip", "setuptools")}
        theirs = {k: v for k, v in theirs.items() if k not in ("pip", "setuptools")}
        assert ours == theirs, (spec, r.stderr)


def test_report_file(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    report_path = tmp_path / "report.json"
    ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
              "--report", report_path, "app[fast]", check=True)
    report = json.loads(report_path.read_text())
    assert report["version"] == "1"
    assert set(report["environment"]) >= {"python_version", "sys_platform", "platform_machine"}
    by_name = {i["metadata"]["name"]: i for i in report["install"]}
    assert set(by_name) == {"app", "lib", "fastdep"}
    assert by_name["app"]["requested"] is True and by_name["app"]["requested_extras"] == ["fast"]
    assert by_name["lib"]["requested"] is False
    assert by_name["lib"]["download_info"]["url"].endswith("lib-2.0-py3-none-any.whl")
    assert len(by_name["lib"]["download_info"]["archive_info"]["hashes"]["sha256"]) == 64
    assert by_name["app"]["metadata"]["requires_dist"][0] == "lib>=1.0"


def test_requirements_with_hashes(ptinstall, make_index, tmp_path):
    wheels = graph(tmp_path)
    server = make_index(wheels)
    sha = {(w.name, w.version): w.sha256 for w in wheels}
    venv = make_venv(tmp_path / "venv")
    req = tmp_path / "requirements.txt"
    req.write_text(f"app==1.0 --hash=sha256:{sha[('app', '1.0')]}\n"
                   f"lib==2.0 \\\n    --hash=sha256:{'0' * 64} \\\n    --hash=sha256:{sha[('lib', '2.0')]}\n")
    ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "-r", req,
              check=True)
    assert installed(venv) == {"app": "1.0", "lib": "2.0"}

    venv2 = make_venv(tmp_path / "venv2")
    req.write_text(f"app==1.0 --hash=sha256:{sha[('app', '1.0')]}\nlib==2.0 --hash=sha256:{'1' * 64}\n")
    r = ptinstall("pip", "install", "--python", venv2 / "bin" / "python", "--index-url", server.index_url(), "-r", req,
                  check=False)
    assert "hash mismatch for lib-2.0-py3-none-any.whl" in r.stderr
    assert "1" * 64 in r.stderr and sha[("lib", "2.0")] in r.stderr
    assert installed(venv2) == {}

    # --require-hashes: every package needs one.
    req.write_text(f"app==1.0 --hash=sha256:{sha[('app', '1.0')]}\n")
    r = ptinstall("pip", "install", "--python", venv2 / "bin" / "python", "--index-url", server.index_url(), "-r", req,
                  "--require-hashes", check=False)
    assert "lib==2.0 has no --hash" in r.stderr
    assert installed(venv2) == {}
    req.write_text(f"app>=1.0 --hash=sha256:{sha[('app', '1.0')]}\n")
    r = ptinstall("pip", "install", "--python", venv2 / "bin" / "python", "--index-url", server.index_url(), "-r", req,
                  "--no-deps", check=False)
    assert "`app>=1.0` is not pinned with ==" in r.stderr


def test_index_hash_mismatch_leaves_the_environment_alone(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path), options={"lib": ProjectOptions(wrong_hashes=True)})
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app",
                  check=False)
    assert r.returncode == 1
    assert "hash mismatch for lib-2.0-py3-none-any.whl" in r.stderr
    assert installed(venv) == {}


def test_dead_server_is_a_clear_error(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    url = f"http://127.0.0.1:{free_port()}/simple/"
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", url, "anything",
                  env=quiet_env(), check=False)
    assert r.returncode != 0
    assert "error:" in r.stderr and "127.0.0.1" in r.stderr
    assert "hint:" in r.stderr


def test_sdist_only_is_explained(ptinstall, make_index, tmp_path):
    wheels = graph(tmp_path)
    server = make_index(wheels)
    # An sdist-only project on the same index.
    root = Path(server.root)
    (root / "simple" / "srconly").mkdir(parents=True)
    (root / "files" / "srconly-1.0.tar.gz").write_bytes(b"not really")
    (root / "simple" / "srconly" / "index.html").write_text(
        '<html><body><a href="../../files/srconly-1.0.tar.gz">srconly-1.0.tar.gz</a></body></html>')
    venv = make_venv(tmp_path / "venv")
    def tree():
        return sorted(str(p.relative_to(venv)) for p in (venv / "lib").rglob("*") if p.name != ".ptinstall.lock")
    before = tree()
    # The sdist is a candidate: ptinstall builds it, and this one is no archive at all.
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "srconly",
                  "--cache-dir", tmp_path / "cache", check=False)
    assert r.returncode == 1
    assert "srconly-1.0.tar.gz" in r.stderr and "hint: a source distribution is a .tar.gz or .zip archive" in r.stderr
    assert tree() == before
    assert not list((tmp_path / "cache").glob("sdists-v1/*/srconly-1.0.tar.gz"))  # no broken entry is kept
    # --only-binary: the sdist is no candidate, and the explanation says why.
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "srconly",
                  "--only-binary", ":all:", check=False)
    assert r.returncode != 0
    assert "only wheels are allowed" in r.stderr and "--only-binary (or --no-build) forbids building" in r.stderr


def test_no_deps_constraints_overrides(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "--dry-run")
    r = ptinstall(*base, "--no-deps", "app[fast]", check=True)
    assert " + app==1.0" in r.stderr and "lib" not in r.stderr
    (tmp_path / "c.txt").write_text("lib<2\n")
    r = ptinstall(*base, "-c", tmp_path / "c.txt", "app", check=True)
    assert " + lib==1.0" in r.stderr
    (tmp_path / "o.txt").write_text("lib==3.0; python_version < '3'\nfastdep==0.5\n")
    r = ptinstall(*base, "--overrides", tmp_path / "o.txt", "app", check=True)
    assert " + app==1.0" in r.stderr and "lib" not in r.stderr  # the override's marker never holds: lib is dropped
    (tmp_path / "o.txt").write_text("lib==1.0\n")
    r = ptinstall(*base, "--overrides", tmp_path / "o.txt", "app", check=True)
    assert " + lib==1.0" in r.stderr
    r = ptinstall(*base, "--python-version", "3.99", "app", check=True)
    assert " + lib==3.0" in r.stderr
    r = ptinstall(*base, "--python-platform", "windows", "app", check=True)
    assert " + winonly==1.0" in r.stderr


def test_excludes_leave_packages_out_of_the_resolution(ptinstall, make_index, tmp_path):
    """uv's --excludes FILE (UV_EXCLUDE): the named packages leave every dependency list, the root's included,
    whatever specifier or marker the file gives, and what only they needed goes with them (the PyTorch use:
    leave triton or an nvidia-* runtime out when the image provides it)."""
    out = tmp_path / "wheels"
    server = make_index([
        wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["heavy", "lib"],
                               packages={"app/__init__.py": "import lib\n"}),
        wheelmaker.build_wheel(out, "heavy", "1.0", requires_dist=["heavydep"]),
        wheelmaker.build_wheel(out, "heavydep", "1.0"),
        wheelmaker.build_wheel(out, "lib", "1.0", requires_dist=["heavydep"], packages={"lib/__init__.py": ""}),
        wheelmaker.build_wheel(out, "other", "1.0"),
    ])
    venv = make_venv(tmp_path / "venv")
    (tmp_path / "ex.txt").write_text("heavy>=99; sys_platform == 'win32'\nother\n")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "--excludes", tmp_path / "ex.txt", "app", "other", check=True)
    assert set(installed(venv)) == {"app", "lib", "heavydep"}, r.stderr
    py(venv, "import app")
    # lib still needs heavydep; with both excluded (UV_EXCLUDE, the --exclude spelling), heavydep goes too
    (tmp_path / "ex2.txt").write_text("heavy\n")
    (tmp_path / "ex3.txt").write_text("heavydep\n")
    (tmp_path / "requirements.in").write_text("app\n")
    compile_ = ("pip", "compile", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                tmp_path / "requirements.in")

    def locked(r):
        return [line.split("==")[0] for line in r.stdout.splitlines() if "==" in line]

    r = ptinstall(*compile_, env={"UV_EXCLUDE": str(tmp_path / "ex2.txt")}, check=True)
    assert locked(r) == ["app", "heavydep", "lib"], r.stdout
    r = ptinstall(*compile_, "--exclude", tmp_path / "ex2.txt", "--excludes", tmp_path / "ex3.txt", check=True)
    assert locked(r) == ["app", "lib"], r.stdout
    # the requirements from standard input (`pip compile -`, as uv reads them)
    r = ptinstall(*compile_[:-1], "-", "--excludes", tmp_path / "ex2.txt", input="app\n", check=True)
    assert locked(r) == ["app", "heavydep", "lib"], r.stdout
    # a missing file is an error naming it, and nothing changes
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "--excludes", tmp_path / "missing.txt", "other", check=False)
    assert r.returncode != 0 and "missing.txt" in r.stderr and "error:" in r.stderr, r.stderr
    assert "other" not in installed(venv)


def test_negations_override_the_environment_and_config(ptinstall, make_index, tmp_path):
    """uv's hidden negations (`--no-upgrade`, `--no-reinstall`, `--deps`, `--build-isolation`, ...): the command
    line turns off what UV_UPGRADE or a config file turned on; both spellings at once are a usage error."""
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url())
    ptinstall(*base, "lib==1.0", check=True)
    r = ptinstall(*base, "--no-upgrade", "lib", env={"UV_UPGRADE": "1"}, check=True)
    assert installed(venv)["lib"] == "1.0", r.stderr
    config = tmp_path / "uv.toml"
    config.write_text("[pip]\nupgrade = true\n")
    ptinstall(*base, "--config-file", config, "--no-upgrade", "lib", check=True)
    assert installed(venv)["lib"] == "1.0"
    r = ptinstall(*base, "--upgrade", "--no-upgrade", "lib", check=False)
    assert r.returncode == 2 and "error: --upgrade and --no-upgrade cannot be used together" in r.stderr, r.stderr
    ptinstall(*base, "--config-file", config, "lib", check=True)
    assert installed(venv)["lib"] == "2.0"
    # --deps turns --no-deps (given earlier in an alias or script) back off: app brings lib
    venv2 = make_venv(tmp_path / "venv2")
    r = ptinstall("pip", "install", "--python", venv2 / "bin" / "python", "--index-url", server.index_url(),
                  "--deps", "app", check=True)
    assert "lib" in installed(venv2), r.stderr


def test_strict_warns_about_what_pip_check_finds(ptinstall, make_index, tmp_path):
    """uv's --strict: after install (and list, freeze, show, tree) the environment's broken requirements are said
    as warnings, with pip check's wording; the exit code stays the command's. Without it nothing is said."""
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    python = ("--python", venv / "bin" / "python")
    expected = "warning: app 1.0 requires lib, which is not installed."
    r = ptinstall("pip", "install", *python, "--index-url", server.index_url(), "--no-deps", "app", check=True)
    assert "warning:" not in r.stderr, r.stderr
    r = ptinstall("pip", "install", *python, "--index-url", server.index_url(), "--no-deps", "--strict", "app",
                  check=True)
    assert expected in r.stderr.splitlines(), r.stderr  # the no-op says it too
    for command in (("list",), ("freeze",), ("show", "app"), ("tree",)):
        r = ptinstall("pip", *command, *python, "--strict", check=True)
        assert [line for line in r.stderr.splitlines() if line.startswith("warning:")] == [expected], (command, r.stderr)
    r = ptinstall("pip", "check", *python, check=False)
    assert r.returncode == 1 and r.stdout == "app 1.0 requires lib, which is not installed.\n", r.stdout
    # once lib is there, --strict has nothing to say
    r = ptinstall("pip", "install", *python, "--index-url", server.index_url(), "--strict", "app", check=True)
    assert "warning:" not in r.stderr, r.stderr


def test_override_and_constraint_dependencies_from_config(ptinstall, make_index, tmp_path):
    """uv's override-dependencies / constraint-dependencies in a uv.toml (or [tool.uv]) act as --overrides / -c
    files; `pip compile` names them in `# via`; a malformed list is an error naming the file."""
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    config = tmp_path / "uv.toml"
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "--dry-run",
            "--config-file", config)
    config.write_text('constraint-dependencies = ["lib<2"]\n')
    r = ptinstall(*base, "app", check=True)
    assert " + lib==1.0" in r.stderr, r.stderr
    # the override replaces app's `lib>=1.0` (and so the constraint's pin wins over nothing else)
    config.write_text('override-dependencies = ["lib==2.0"]\n')
    r = ptinstall(*base, "app", check=True)
    assert " + lib==2.0" in r.stderr, r.stderr
    (tmp_path / "requirements.in").write_text("app\n")
    config.write_text('constraint-dependencies = ["lib<2"]\n')
    r = ptinstall("pip", "compile", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "--config-file", config, "--no-header", tmp_path / "requirements.in", check=True)
    assert f"lib==1.0\n    # via\n    #   constraint-dependencies ({config})\n    #   app\n" in r.stdout, r.stdout
    config.write_text('override-dependencies = ["lib >>> 2"]\n')
    r = ptinstall(*base, "app", check=False)
    assert r.returncode == 2 and f"error: {config}: `override-dependencies`:" in r.stderr, r.stderr


def test_install_exact_removes_what_the_resolution_does_not_hold(ptinstall, make_index, tmp_path):
    """uv's `pip install --exact`: the resolution, dependencies included, becomes the environment; what goes is
    listed, `--dry-run` only says so, `--inexact` turns it back off."""
    server = make_index(graph(tmp_path) + [wheelmaker.build_wheel(tmp_path / "wheels", "other", "1.0")])
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url())
    ptinstall(*base, "app", "other", check=True)
    before = installed(venv)
    r = ptinstall(*base, "--exact", "--dry-run", "app", check=True)
    assert "Would uninstall 1 package" in r.stderr and " - other==1.0" in r.stderr, r.stderr
    assert installed(venv) == before
    (tmp_path / "uv.toml").write_text("[pip]\nexact = true\n")
    r = ptinstall(*base, "--config-file", tmp_path / "uv.toml", "--inexact", "app", check=True)
    assert installed(venv) == before, r.stderr
    r = ptinstall(*base, "--exact", "app", check=True)
    assert " - other==1.0" in r.stderr, r.stderr
    after = installed(venv)
    assert "other" not in after and {"app", "lib"} <= set(after), after
    py(venv, "import app")


def test_verify_hashes_is_uvs_hash_mode(ptinstall, make_index, tmp_path):
    """Unset, pip's rule: the first --hash requires one for every package. uv's --verify-hashes (UV_VERIFY_HASHES):
    the hashes given are checked, no others required. --no-verify-hashes: the file's hashes are not checked."""
    wheels = graph(tmp_path)
    app = next(w for w in wheels if w.filename.startswith("app-"))
    server = make_index(wheels)
    base = ("pip", "install", "--index-url", server.index_url(), "-r", tmp_path / "req.txt")

    def target(name):
        return ("--python", make_venv(tmp_path / name) / "bin" / "python")

    (tmp_path / "req.txt").write_text(f"app==1.0 --hash=sha256:{app.sha256}\n")
    r = ptinstall(*base, *target("pip-rule"), check=False)
    assert r.returncode == 1 and "--require-hashes: lib==2.0 has no --hash" in r.stderr, r.stderr
    r = ptinstall(*base, *target("uv-rule"), env={"UV_VERIFY_HASHES": "1"}, check=True)
    assert " + app==1.0" in r.stderr and " + lib==2.0" in r.stderr, r.stderr
    (tmp_path / "req.txt").write_text("app==1.0 --hash=sha256:" + "0" * 64 + "\n")
    r = ptinstall(*base, *target("wrong"), "--verify-hashes", check=False)
    assert r.returncode == 1 and "hash mismatch" in r.stderr, r.stderr
    r = ptinstall(*base, *target("ignored"), "--no-verify-hashes", check=True)
    assert " + app==1.0" in r.stderr, r.stderr
    # --require-hashes keeps pip's rule whatever --verify-hashes says
    r = ptinstall(*base, *target("required"), "--verify-hashes", "--require-hashes", check=False)
    assert r.returncode == 1 and "--require-hashes:" in r.stderr, r.stderr


def test_concurrent_installs(ptinstall, make_index, tmp_path):
    """UV_CONCURRENT_INSTALLS (and `concurrent-installs` in a config file): how many wheels are linked into the
    environment at once; a value below 1 is a usage error naming the variable."""
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "-v", "app")
    r = ptinstall(*base, env={"UV_CONCURRENT_INSTALLS": "1"}, check=True)
    assert "installing 2 wheels, 1 at once" in r.stderr and {"app", "lib"} <= set(installed(venv)), r.stderr
    r = ptinstall(*base, "--reinstall", check=True)
    assert "installing 2 wheels, 2 at once" in r.stderr, r.stderr
    r = ptinstall(*base, env={"UV_CONCURRENT_INSTALLS": "0"}, check=False)
    assert r.returncode == 2 and "invalid value for UV_CONCURRENT_INSTALLS: '0'" in r.stderr, r.stderr


# --- --torch-backend against the PyTorch-shaped mirror ------------------------------------------------

def torch_install(ptinstall, torch_index, venv, *args, env=None):
    return ptinstall("pip", "install", "--python", venv / "bin" / "python",
                     "--index-url", torch_index.index_url("/simple/"),
                     "--torch-backend-index", torch_index.url + "/whl", *args, env=env, check=True)


def whl_requests(torch_index, name):
    return [q.path for q in torch_index.requests() if q.path.startswith("/whl/") and f"/{name}" in q.path]


@pytest.mark.parametrize("backend,cuda", [("cpu", None), ("cu128", "12.8")])
def test_torch_backend_explicit(ptinstall, torch_index, tmp_path, backend, cuda):
    venv = make_venv(tmp_path / "venv")
    torch_index.clear_log()
    r = torch_install(ptinstall, torch_index, venv, "--torch-backend", backend, "torch", "jinja2", "numpy")
    assert f" + torch==2.9.1+{backend}" in r.stderr, r.stderr
    out = py(venv, "import torch, json; print(json.dumps([torch.__version__, torch.version.cuda]))")
    assert json.loads(out) == [f"2.9.1+{backend}", cuda]
    have = installed(venv)
    assert have["jinja2"] == "3.1.6" and have["numpy"] in ("2.2.6", "2.3.3")  # from the plain index
    assert not whl_requests(torch_index, "jinja2") and not whl_requests(torch_index, "numpy")
    if cuda:
        assert have["nvidia-cublas-cu12"] == "12.8.4.1" and have["triton"] == "3.5.1"


def test_torch_backend_auto(ptinstall, torch_index, make_index, tmp_path):
    # torchvision needs pillow, which the local PyPI of the fixture lacks: a second plain index has it.
    extra = make_index([wheelmaker.build_wheel(tmp_path / "extra", "pillow", "11.3.0")])
    venv = make_venv(tmp_path / "venv")
    r = torch_install(ptinstall, torch_index, venv, "--torch-backend", "auto", "--no-torch-compute-check",
                      "--extra-index-url", extra.index_url(), "torch", "torchvision",
                      env={"PTINSTALL_CUDA_DRIVER_VERSION": "550.54.14"})
    assert " + torch==2.9.1+cu128" in r.stderr, r.stderr
    assert " + torchvision==0.24.1+cu128" in r.stderr
    assert py(venv, "import torch; print(torch.version.cuda)") == "12.8"
    assert installed(venv)["pillow"] == "11.3.0"
    # Without the driver variable there is no GPU here: the CPU index is the last resort.
    venv2 = make_venv(tmp_path / "venv2")
    r = torch_install(ptinstall, torch_index, venv2, "--torch-backend", "auto", "--dry-run", "torch",
                      env={"PTINSTALL_CUDA_DRIVER_VERSION": ""})
    assert " + torch==2.9.1+" in r.stderr


def test_torch_backend_warns_about_user_indexes(ptinstall, torch_index, tmp_path):
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--dry-run",
                  "--index-url", torch_index.index_url("/simple/"), "--torch-backend-index", torch_index.url + "/whl",
                  "--torch-backend", "cpu", "torch", check=True)
    assert "warning: --torch-backend routes torch to" in r.stderr
    assert " + torch==2.9.1+cpu" in r.stderr


def test_offline_from_a_warm_cache_and_upgrade_package(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    args = ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url())
    ptinstall(*args, "app", "lib<2", check=True)
    assert installed(venv) == {"app": "1.0", "lib": "1.0"}
    # -P lib upgrades lib only; app stays.
    r = ptinstall(*args, "-P", "lib", "app", check=True)
    assert " - lib==1.0" in r.stderr and " + lib==2.0" in r.stderr and "app==" not in r.stderr
    # Everything is cached now: a fresh environment installs with the server gone and --offline.
    server.stop()
    venv2 = make_venv(tmp_path / "venv2")
    r = ptinstall("pip", "install", "--offline", "--python", venv2 / "bin" / "python", "--index-url", server.index_url(),
                  "app", check=True)
    assert " + app==1.0" in r.stderr and " + lib==2.0" in r.stderr
    assert py(venv2, "import app; print(app.VALUE)") == "2"
    r = ptinstall("pip", "install", "--offline", "--python", venv2 / "bin" / "python", "--index-url", server.index_url(),
                  "fastdep", check=False)
    assert r.returncode != 0 and "offline" in r.stderr


def test_interrupted_downloads(ptinstall, make_index, tmp_path):
    wheels = graph(tmp_path)
    # The first request of app's wheel fails (retried); lib's wheel is always cut off half-way.
    server = make_index(wheels, faults={"/files/app-1.0-py3-none-any.whl": "flaky:1",
                                        "/files/lib-2.0-py3-none-any.whl": "truncate"})
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app",
                  env={"PTINSTALL_HTTP_RETRIES": "1"}, check=False)
    assert r.returncode == 1
    assert "lib-2.0-py3-none-any.whl" in r.stderr
    assert installed(venv) == {}
    # With lib pinned elsewhere, app's flaky download goes through on the retry.
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app",
                  "lib==1.0", env={"PTINSTALL_HTTP_RETRIES": "1"}, check=True)
    assert installed(venv) == {"app": "1.0", "lib": "1.0"}


def test_yanked_files(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path),
                        options={"lib": ProjectOptions(yanked={"lib-2.0-py3-none-any.whl": "broken build"})})
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "--dry-run")
    r = ptinstall(*base, "app", check=True)
    assert " + lib==1.0" in r.stderr and "yanked" not in r.stderr
    r = ptinstall(*base, "--report", "-", "lib==2.0", check=True)
    assert " + lib==2.0" in r.stderr
    assert "warning: lib==2.0 is yanked (reason: broken build)" in r.stderr
    assert json.loads(r.stdout)["install"][0]["is_yanked"] is True
