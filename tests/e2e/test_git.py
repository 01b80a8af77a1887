"""End-to-end tests of git and URL sources (issue 15), through the real binary, the real `git`, real
repositories (tags, branches, several commits, a subdirectory project, a submodule) served as git+file://
and over smart HTTP (git http-backend behind nginx, one location behind basic auth), with pip as the
oracle for what is recorded. The projects use the in-tree PEP 517 backend (buildtools), which needs no
index and logs every hook call, so a test can prove that a cached commit built nothing."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import buildtools as bt
import gittools as gt
from buildtools import backends, build_index  # noqa: F401 (fixtures)


def install(ptinstall, tmp_path, venv, *args, check=None, cwd=None, env=None):
    return ptinstall("pip", "install", "--python", venv, "--cache-dir", tmp_path / "cache", "--no-index", *args,
                     check=check, cwd=cwd, env=env)


def call_f(venv: Path, module: str) -> str:
    proc = subprocess.run([str(venv / "bin" / "python"), "-c", f"import {module}; print({module}.f())"],
                          capture_output=True, text=True, cwd="/")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def builds(project: bt.Project) -> int:
    return sum(1 for c in project.hook_calls() if c["hook"] in ("build_wheel", "build_editable"))


@pytest.fixture
def venv(tmp_path):
    return bt.make_venv(tmp_path / "venv")


@pytest.fixture
def project(tmp_path):
    """An in-tree-backend project in a git repository: v1 (tag) -> main (2.0 greeting) and a branch `feature`."""
    p = bt.make_intree_project(tmp_path / "repos", name="gitproj", dirname="gitproj", greeting="one")
    repo = gt.make_repo(p.path, "one")
    repo.tag("v1")
    repo.commit("two", {"gitproj/__init__.py": "def f():\n    return 'two'\n"})
    repo.branch("feature")
    repo.commit("three", {"gitproj/__init__.py": "def f():\n    return 'three'\n"})
    repo.checkout("main")
    p.repo = repo
    return p


def commit_of(repo: gt.Repo, rev: str) -> str:
    return gt.git(repo.path, "rev-parse", rev + "^{commit}")


# --- revisions ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("rev,expected", [(None, "two"), ("main", "two"), ("v1", "one"), ("feature", "three"),
                                          ("short", "one"), ("full", "three")])
def test_install_git_revision(ptinstall, tmp_path, venv, project, rev, expected):
    repo = project.repo
    at = {"short": commit_of(repo, "v1")[:8], "full": commit_of(repo, "feature")}.get(rev, rev)
    url = f"git+{repo.url}" + (f"@{at}" if at else "")
    r = install(ptinstall, tmp_path, venv, url)
    assert r.returncode == 0, r
    assert call_f(venv, "gitproj") == expected
    commit = commit_of(repo, {"short": "v1", "full": "feature"}.get(rev, rev or "HEAD"))
    info = {"url": repo.url, "vcs_info": {"vcs": "git", "commit_id": commit}}
    if at:
        info["vcs_info"]["requested_revision"] = at
    assert bt.direct_url(venv, "gitproj") == info
    freeze = ptinstall("pip", "freeze", "--python", venv, check=True).stdout
    assert freeze == f"gitproj @ git+{repo.url}@{commit}\n"


def test_pull_request_ref(ptinstall, tmp_path, venv, project):
    repo = project.repo
    gt.git(repo.path, "update-ref", "refs/pull/7/head", commit_of(repo, "feature"))
    r = install(ptinstall, tmp_path, venv, f"gitproj @ git+{repo.url}@refs/pull/7/head")
    assert r.returncode == 0, r
    assert call_f(venv, "gitproj") == "three"


def test_pip_records_the_same(ptinstall, tmp_path, venv, project):
    """Differential: pip and ptinstall pick the same commit, install the same files, and pip reads ours."""
    url = f"git+{project.repo.url}@v1#egg=gitproj"  # pip refuses `name @ git+file:` (ptinstall takes it)
    assert install(ptinstall, tmp_path, venv, url).returncode == 0
    pip_venv = bt.make_venv(tmp_path / "pip-venv")
    bt.run_pip(pip_venv, "install", "--no-index", "--no-cache-dir", url)
    assert bt.direct_url(venv, "gitproj") == bt.direct_url(pip_venv, "gitproj")

    def files(v):
        record = (bt.dist_info(v, "gitproj") / "RECORD").read_text().splitlines()
        return sorted(line.split(",")[0] for line in record if "__pycache__" not in line
                      and not line.split(",")[0].endswith(("INSTALLER", "REQUESTED", "direct_url.json", "RECORD")))
    assert files(venv) == files(pip_venv)
    ours = bt.run_pip(venv, "freeze").stdout
    assert ours == bt.run_pip(pip_venv, "freeze").stdout
    assert f"@ git+{project.repo.url}@{commit_of(project.repo, 'v1')}" in ours


# --- the cache and the no-op ----------------------------------------------------------------------------

def test_same_commit_is_a_noop_and_a_new_commit_reinstalls(ptinstall, tmp_path, venv, project):
    url = f"gitproj @ git+{project.repo.url}@main"
    assert install(ptinstall, tmp_path, venv, url).returncode == 0
    assert builds(project) == 1
    r = install(ptinstall, tmp_path, venv, url)
    assert r.returncode == 0 and "Audited 1 package" in r.stderr, r
    other = bt.make_venv(tmp_path / "venv2")
    assert install(ptinstall, tmp_path, other, url).returncode == 0
    assert builds(project) == 1  # the wheel of this commit came from the cache
    project.repo.commit("four", {"gitproj/__init__.py": "def f():\n    return 'four'\n"})
    r = install(ptinstall, tmp_path, venv, url)
    assert r.returncode == 0, r
    assert "- gitproj==1.0" in r.stderr and "+ gitproj==1.0" in r.stderr, r
    assert call_f(venv, "gitproj") == "four"
    assert bt.direct_url(venv, "gitproj")["vcs_info"]["commit_id"] == project.repo.head()


def test_offline_with_a_cached_commit(ptinstall, tmp_path, venv, project):
    commit = commit_of(project.repo, "v1")
    url = f"gitproj @ git+{project.repo.url}@{commit}"
    assert install(ptinstall, tmp_path, venv, url).returncode == 0
    shutil.rmtree(project.repo.path)  # the repository is gone: only the cache has the commit
    other = bt.make_venv(tmp_path / "venv2")
    r = install(ptinstall, tmp_path, other, "--offline", url)
    assert r.returncode == 0, r
    assert call_f(other, "gitproj") == "one"
    r = install(ptinstall, tmp_path, bt.make_venv(tmp_path / "venv3"), "--offline",
                f"gitproj @ git+{project.repo.url}@feature")
    assert r.returncode != 0
    assert "--offline" in r.stderr and "hint:" in r.stderr, r


def test_concurrent_installs_share_the_mirror(ptinstall, tmp_path, project):
    venvs = [bt.make_venv(tmp_path / f"v{i}") for i in range(3)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PTINSTALL_", "UV_", "VIRTUAL_ENV"))}
    procs = [subprocess.Popen([bt_binary(), "pip", "install", "--python", v, "--cache-dir", tmp_path / "cache",
                               "--no-index", f"gitproj @ git+{project.repo.url}@feature"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for v in venvs]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    for v in venvs:
        assert call_f(v, "gitproj") == "three"


def bt_binary():
    from conftest import binary
    return binary()


# --- subdirectories, names, submodules ------------------------------------------------------------------

def test_subdirectory_and_egg(ptinstall, tmp_path, venv):
    mono = tmp_path / "repos" / "mono"
    bt.make_intree_project(mono / "pkgs", name="subproj", dirname="sub")
    (mono / "README").write_text("a monorepo\n")
    repo = gt.make_repo(mono)
    r = install(ptinstall, tmp_path, venv, f"git+{repo.url}#egg=subproj&subdirectory=pkgs/sub")
    assert r.returncode == 0, r
    assert bt.direct_url(venv, "subproj")["subdirectory"] == "pkgs/sub"
    assert ptinstall("pip", "freeze", "--python", venv).stdout == \
        f"subproj @ git+{repo.url}@{repo.head()}#subdirectory=pkgs/sub\n"
    r = install(ptinstall, tmp_path, venv, f"git+{repo.url}#subdirectory=pkgs/nothing")
    assert r.returncode != 0
    assert "subdirectory `pkgs/nothing`" in r.stderr and "holds no Python project" in r.stderr, r
    r = install(ptinstall, tmp_path, venv, f"git+{repo.url}")
    assert r.returncode != 0 and "#subdirectory=" in r.stderr, r


def test_name_must_match_the_metadata(ptinstall, tmp_path, venv, project):
    for req in (f"git+{project.repo.url}#egg=other", f"other @ git+{project.repo.url}"):
        r = install(ptinstall, tmp_path, venv, req)
        assert r.returncode != 0, r
        assert "gitproj" in r.stderr and "other" in r.stderr, r
        assert bt.dist_info(venv, "gitproj") is None


def test_submodules_are_checked_out(ptinstall, tmp_path, venv):
    inner = tmp_path / "repos" / "inner"
    (inner / "helper").mkdir(parents=True)
    (inner / "helper" / "__init__.py").write_text("def g():\n    return 'from the submodule'\n")
    inner_repo = gt.make_repo(inner)
    outer = bt.make_intree_project(tmp_path / "repos", name="outerproj", dirname="outer")
    outer_repo = gt.make_repo(outer.path)
    gt.git(outer.path, "submodule", "add", "-q", inner_repo.url, "outerproj/vendored", env=gt.ALLOW_FILE_PROTOCOL)
    outer_repo.commit("with a submodule")
    r = install(ptinstall, tmp_path, venv, f"git+{outer_repo.url}", env=gt.ALLOW_FILE_PROTOCOL)
    assert r.returncode == 0, r
    files = (bt.dist_info(venv, "outerproj") / "RECORD").read_text()
    assert "outerproj/vendored/helper/__init__.py" in files, files


# --- editables ------------------------------------------------------------------------------------------

def test_editable_git_clones_into_src(ptinstall, tmp_path, venv, project):
    r = install(ptinstall, tmp_path, venv, "-e", f"git+{project.repo.url}@feature#egg=gitproj")
    assert r.returncode == 0, r
    clone = venv / "src" / "gitproj"
    assert gt.git(clone, "rev-parse", "--abbrev-ref", "HEAD") == "feature"
    assert call_f(venv, "gitproj") == "three"
    (clone / "gitproj" / "__init__.py").write_text("def f():\n    return 'edited'\n")
    assert call_f(venv, "gitproj") == "edited"  # the edit is visible without reinstalling
    commit = commit_of(project.repo, "feature")
    line = f"-e git+{project.repo.url}@{commit}#egg=gitproj\n"
    assert ptinstall("pip", "freeze", "--python", venv).stdout == line
    assert bt.run_pip(venv, "freeze").stdout == line
    assert bt.direct_url(venv, "gitproj") == {"url": clone.as_uri(), "dir_info": {"editable": True}}


def test_editable_git_in_a_requirements_file(ptinstall, tmp_path, venv, project):
    reqs = tmp_path / "requirements.txt"
    reqs.write_text(f"-e git+{project.repo.url}@v1#egg=gitproj\n")
    r = install(ptinstall, tmp_path, venv, "-r", reqs)
    assert r.returncode == 0, r
    assert call_f(venv, "gitproj") == "one"
    assert (venv / "src" / "gitproj" / ".git").exists()


# --- compile, report, pyproject sources -----------------------------------------------------------------

def test_compile_pins_the_commit(ptinstall, tmp_path, project):
    reqs = tmp_path / "requirements.in"
    reqs.write_text(f"gitproj @ git+{project.repo.url}@main\n")
    r = ptinstall("pip", "compile", reqs, "--no-index", "--cache-dir", tmp_path / "cache", "--no-header")
    assert r.returncode == 0, r
    assert f"gitproj @ git+{project.repo.url}@{project.repo.head()}" in r.stdout, r


def test_report_carries_vcs_info(ptinstall, tmp_path, venv, project):
    r = install(ptinstall, tmp_path, venv, "--dry-run", "--report", "-", f"git+{project.repo.url}@v1")
    assert r.returncode == 0, r
    item = json.loads(r.stdout)["install"][0]
    assert item["download_info"] == {"url": project.repo.url, "vcs_info": {
        "vcs": "git", "commit_id": commit_of(project.repo, "v1"), "requested_revision": "v1"}}
    assert bt.dist_info(venv, "gitproj") is None


def test_uv_sources_git(ptinstall, tmp_path, venv, project):
    app = tmp_path / "app"
    app.mkdir()
    (app / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0"\ndependencies = ["gitproj"]\n'
        f'[tool.uv.sources]\ngitproj = {{ git = "{project.repo.url}", tag = "v1" }}\n')
    r = install(ptinstall, tmp_path, venv, "-r", app / "pyproject.toml")
    assert r.returncode == 0, r
    assert call_f(venv, "gitproj") == "one"
    assert bt.direct_url(venv, "gitproj")["vcs_info"]["requested_revision"] == "v1"


# --- smart HTTP, credentials ------------------------------------------------------------------------------

def test_smart_http_and_basic_auth(ptinstall, tmp_path, venv, project):
    served = tmp_path / "served"
    served.mkdir()
    gt.bare_copy(project.repo, served, "gitproj.git")
    with gt.GitServer(served) as server:
        r = install(ptinstall, tmp_path, venv, f"gitproj @ git+{server.url('gitproj.git')}@v1")
        assert r.returncode == 0, r
        assert call_f(venv, "gitproj") == "one"
        # Warm: the tag is checked with one request (the ref advertisement, through ptinstall's HTTP
        # client), nothing fetched.
        before = len(server.requests())
        r = install(ptinstall, tmp_path, bt.make_venv(tmp_path / "venv-warm"), f"gitproj @ git+{server.url('gitproj.git')}@v1")
        assert r.returncode == 0, r
        assert server.requests()[before:] == ["GET /git/gitproj.git/info/refs?service=git-upload-pack 200"]
        # Private: without credentials a clear error and nothing installed.
        other = bt.make_venv(tmp_path / "venv2")
        r = install(ptinstall, tmp_path, other, f"gitproj @ git+{server.private_url('gitproj.git')}@feature")
        assert r.returncode != 0
        assert "credentials" in r.stderr and "hint:" in r.stderr, r
        assert bt.dist_info(other, "gitproj") is None
        # With them in the URL: used, and never printed or recorded.
        secret = server.users["alice"]
        r = install(ptinstall, tmp_path, other, "-v",
                    f"gitproj @ git+{server.private_url('gitproj.git', 'alice', secret)}@feature")
        assert r.returncode == 0, r
        assert secret not in r.stdout + r.stderr
        assert call_f(other, "gitproj") == "three"
        assert secret not in json.dumps(bt.direct_url(other, "gitproj"))
        assert secret not in ptinstall("pip", "freeze", "--python", other).stdout
        # A wrong password: the error hides it too.
        r = install(ptinstall, tmp_path, bt.make_venv(tmp_path / "venv3"),
                    f"gitproj @ git+{server.private_url('gitproj.git', 'alice', 'wrong-pw-123')}@feature")
        assert r.returncode != 0 and "wrong-pw-123" not in r.stderr, r
        # A cached full commit asks nothing of the server.
        before = len(server.requests())
        commit = commit_of(project.repo, "v1")
        r = install(ptinstall, tmp_path, bt.make_venv(tmp_path / "venv4"), f"gitproj @ git+{server.url('gitproj.git')}@{commit}")
        assert r.returncode == 0, r
        assert len(server.requests()) == before, server.requests()[before:]


# --- bad input --------------------------------------------------------------------------------------------

def test_unknown_revision_and_missing_repository(ptinstall, tmp_path, venv, project):
    r = install(ptinstall, tmp_path, venv, f"git+{project.repo.url}@no-such-tag")
    assert r.returncode != 0
    assert "unknown revision `no-such-tag`" in r.stderr and "feature" in r.stderr, r
    r = install(ptinstall, tmp_path, venv, f"git+{(tmp_path / 'nothing').as_uri()}")
    assert r.returncode != 0 and "error: git ls-remote of" in r.stderr and "hint:" in r.stderr, r
    assert bt.dist_info(venv, "gitproj") is None


def test_git_missing_from_path(ptinstall, tmp_path, venv, project):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    r = install(ptinstall, tmp_path, venv, f"git+{project.repo.url}", env={"PATH": str(empty)})
    assert r.returncode != 0
    assert "git is not installed" in r.stderr and "hint:" in r.stderr, r


# --- requirement files from URLs --------------------------------------------------------------------------

def test_requirements_from_a_url(ptinstall, tmp_path, venv, make_index, project):
    from wheelmaker import build_wheel
    dep = build_wheel(tmp_path / "wheels", "depa", "1.0")
    server = make_index([dep])
    (server.root / "reqs").mkdir()
    (server.root / "reqs" / "top.txt").write_text(f"-r nested/more.txt\ngitproj @ git+{project.repo.url}@v1\n")
    (server.root / "reqs" / "nested").mkdir()
    (server.root / "reqs" / "nested" / "more.txt").write_text("depa==1.0\n")
    r = ptinstall("pip", "install", "--python", venv, "--cache-dir", tmp_path / "cache",
                  "--index-url", server.index_url("/simple/"), "-r", server.url + "/reqs/top.txt")
    assert r.returncode == 0, r
    assert bt.dist_info(venv, "depa") and call_f(venv, "gitproj") == "one"
    (server.root / "reqs" / "constraints.txt").write_text("depa<1.0\n")
    r = ptinstall("pip", "install", "--python", bt.make_venv(tmp_path / "venv2"), "--cache-dir", tmp_path / "cache",
                  "--index-url", server.index_url("/simple/"), "depa", "-c", server.url + "/reqs/constraints.txt")
    assert r.returncode != 0 and "depa<1.0" in r.stderr, r  # the constraint from the URL applied
    r = ptinstall("pip", "install", "--python", venv, "--cache-dir", tmp_path / "cache",
                  "--index-url", server.index_url("/simple/"), "-r", server.url + "/reqs/missing.txt")
    assert r.returncode != 0 and "missing.txt" in r.stderr, r


def test_require_hashes_refuses_a_repository(ptinstall, tmp_path, venv, project):
    r = install(ptinstall, tmp_path, venv, "--require-hashes", f"gitproj @ git+{project.repo.url}@v1")
    assert r.returncode != 0
    assert "a git repository has no hash to check" in r.stderr and "hint:" in r.stderr, r
    assert bt.dist_info(venv, "gitproj") is None


# --- archive URLs -----------------------------------------------------------------------------------------

def test_sdist_url_with_hash_is_checked_and_cached(ptinstall, tmp_path, venv, make_index):
    project = bt.make_intree_project(tmp_path / "src", name="urlproj")
    sdist = bt.make_sdist(project, tmp_path / "dist")
    server = make_index([])
    (server.root / "files").mkdir()
    shutil.copyfile(sdist.path, server.root / "files" / sdist.path.name)
    url = f"{server.url}/files/{sdist.path.name}"
    bad = install(ptinstall, tmp_path, venv, f"urlproj @ {url}#sha256={'0' * 64}")
    assert bad.returncode != 0 and "hash mismatch" in bad.stderr, bad
    assert bt.dist_info(venv, "urlproj") is None
    assert not list((tmp_path / "cache").glob("sdists-v1/*/*.tar.gz")), "a mismatching download stayed in the cache"
    r = install(ptinstall, tmp_path, venv, f"urlproj @ {url}#sha256={sdist.sha256}")
    assert r.returncode == 0, r
    assert call_f(venv, "urlproj") == project.expected
    assert bt.direct_url(venv, "urlproj")["archive_info"]["hashes"] == {"sha256": sdist.sha256}
    server.clear_log()
    other = bt.make_venv(tmp_path / "venv2")
    assert install(ptinstall, tmp_path, other, f"urlproj @ {url}#sha256={sdist.sha256}").returncode == 0
    assert [q.path for q in server.requests()] == [], "the cached download was fetched again"
    assert builds(project) == 1


def test_git_lfs_files_are_fetched(ptinstall, tmp_path, venv):
    if subprocess.run(["git", "lfs", "version"], capture_output=True).returncode != 0:
        pytest.skip("git-lfs is not installed (scripts/test installs it)")
    project = bt.make_intree_project(tmp_path / "repos", name="lfsproj", dirname="lfsproj")
    (project.path / "lfsproj" / "__init__.py").write_text(
        "import os\n\ndef f():\n    with open(os.path.join(os.path.dirname(__file__), 'blob.bin')) as fh:\n"
        "        return fh.read().strip()\n")
    repo = gt.make_repo(project.path)
    gt.git(project.path, "lfs", "install", "--local")
    gt.git(project.path, "lfs", "track", "*.bin")
    (project.path / "lfsproj" / "blob.bin").write_text("the real LFS content\n")
    repo.commit("an LFS file")
    served = tmp_path / "served"
    served.mkdir()
    bare = gt.bare_copy(repo, served, "lfsproj.git")
    gt.git(project.path, "lfs", "push", "--all", bare.as_uri())
    assert "oid sha256:" in gt.git(bare, "show", "HEAD:lfsproj/blob.bin")  # the repository holds a pointer
    r = install(ptinstall, tmp_path, venv, f"lfsproj @ git+{bare.as_uri()}")
    assert r.returncode == 0, r
    assert call_f(venv, "lfsproj") == "the real LFS content"
