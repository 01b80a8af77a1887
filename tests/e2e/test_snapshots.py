"""Snapshot tests of the command line: the whole stdout, stderr and exit code of representative commands
against a local index, compared with tests/e2e/snapshots/<name>.txt after filtering what changes from run
to run (tests/e2e/snapshot.py). They pin the current wording, order and exit codes, so a refactor that
changes any of them shows up as a diff.

Update after an intended change: PTINSTALL_UPDATE_SNAPSHOTS=1 ./scripts/test -k snapshots
"""
import functools
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import PYTHON, make_venv  # noqa: E402
from indexserver import IndexServer, build_simple_index, free_port, nginx_binary  # noqa: E402
from snapshot import SNAPSHOT_DIR, Filters, Run, assert_snapshot  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")


# --- the index: a small fixed graph -------------------------------------------------------------------
#
#   alpha 1.0      -> beta>=1.0, gamma; extra "fast" -> epsilon
#   beta 1.0, 2.0  (2.0 -> gamma>=1.1)
#   gamma 1.0, 1.1
#   delta 1.0, 1.1 -> beta<2          (conflicts with beta>=2)
#   epsilon 1.0
#   srconly 1.0    an sdist only
# and, not on the index, localpkg 0.1 (-> alpha) as a wheel file.

def index_wheels(out: Path):
    return [
        wheelmaker.build_wheel(out, "alpha", "1.0", requires_dist=["beta>=1.0", "gamma", 'epsilon; extra == "fast"'],
                               provides_extra=["fast"], summary="The first package",
                               extra_metadata=[("Home-page", "https://example.org/alpha"),
                                               ("Author", "A. Author"), ("Author-email", "a@example.org"),
                                               ("License", "MIT")]),
        wheelmaker.build_wheel(out, "beta", "1.0"),
        wheelmaker.build_wheel(out, "beta", "2.0", requires_dist=["gamma>=1.1"]),
        wheelmaker.build_wheel(out, "gamma", "1.0"),
        wheelmaker.build_wheel(out, "gamma", "1.1"),
        wheelmaker.build_wheel(out, "delta", "1.0", requires_dist=["beta<2"]),
        wheelmaker.build_wheel(out, "delta", "1.1", requires_dist=["beta<2"]),
        wheelmaker.build_wheel(out, "epsilon", "1.0"),
    ]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """One nginx index per module (per xdist worker)."""
    root = tmp_path_factory.mktemp("snapshot-index")
    build_simple_index(root / "srv", index_wheels(root / "wheels"))
    # an sdist-only project, as in test_install_index.py
    (root / "srv" / "simple" / "srconly").mkdir(parents=True)
    sdist = b"not really an sdist"
    (root / "srv" / "files" / "srconly-1.0.tar.gz").write_bytes(sdist)
    (root / "srv" / "simple" / "srconly" / "index.html").write_text(
        '<html><body><a href="../../files/srconly-1.0.tar.gz#sha256=' + hashlib.sha256(sdist).hexdigest() +
        '">srconly-1.0.tar.gz</a></body></html>\n')
    server = IndexServer(root / "srv")
    server.start()
    server.test_root = root
    yield server
    server.stop()


@functools.lru_cache(maxsize=None)
def python_version():
    """(major.minor, full) of the interpreter the venvs are made from."""
    out = subprocess.run([PYTHON, "-c", "import platform; print(platform.python_version())"],
                         capture_output=True, text=True, check=True).stdout.strip()
    return ".".join(out.split(".")[:2]), out


class Cli:
    """Runs the binary (conftest's ptinstall fixture) and keeps the command for the snapshot."""

    def __init__(self, ptinstall, tmp_path: Path, index: IndexServer):
        self._run = ptinstall
        self.tmp = tmp_path
        self.index = index
        self.index_url = index.index_url("/simple/")
        minor, full = python_version()
        self.filters = (Filters()
                        .path(tmp_path / "cache", "[CACHE]")
                        .path(tmp_path, "[TMP]")
                        .path(index.test_root, "[INDEX_DIR]")
                        .literal(index.url, "[SERVER]"))
        # the Python version of the venvs: in site-packages paths, hints and the report's environment
        self.filters.regex(r"\bpython" + minor.replace(".", r"\.") + r"\b", "python[X.Y]")
        self.filters.regex(r"(?<![\d.])" + full.replace(".", r"\.") + r"(?![\d.])", "[PYTHON_FULL_VERSION]")

    def venv(self, name: str = "venv") -> Path:
        path = make_venv(self.tmp / name)
        self.filters.path(path, "[VENV]" if name == "venv" else f"[VENV:{name}]")
        return path

    def __call__(self, *args, env=None, cwd=None, input=None) -> Run:
        result = self._run(*args, env=env, cwd=cwd, input=input)
        return Run(args, result, env)

    def snapshot(self, name: str, *runs: Run, filters: Filters = None) -> None:
        assert_snapshot(name, list(runs), filters or self.filters)

    # the common prefixes
    def install(self, venv, *args, **kw) -> Run:
        return self("pip", "install", "--python", venv / "bin" / "python", "--index-url", self.index_url, *args, **kw)


@pytest.fixture
def cli(ptinstall, tmp_path, index):
    return Cli(ptinstall, tmp_path, index)


def ok(run: Run) -> Run:
    assert run.returncode == 0, run
    return run


# --- pip install --------------------------------------------------------------------------------------

def test_install_with_dependencies(cli):
    venv = cli.venv()
    cli.snapshot("install_with_dependencies", cli.install(venv, "alpha"))


def test_install_dry_run(cli):
    venv = cli.venv()
    cli.snapshot("install_dry_run", cli.install(venv, "--dry-run", "alpha", "delta"))


def test_install_report_stdout(cli):
    venv = cli.venv()
    run = cli.install(venv, "--dry-run", "--report", "-", "alpha[fast]")
    # The environment's values that depend on the machine (kernel, architecture, Python) are filtered;
    # the keys stay, and so do the values that hold on every Linux CPython.
    filters = cli.filters.copy()
    for key in ("implementation_version", "platform_machine", "platform_release", "platform_version",
                "python_full_version", "python_version"):
        filters.regex(r'("' + key + r'":\s*)"[^"]*"', r'\1"[' + key.upper() + ']"')
    filters.regex(r'("pip_version":\s*)"[^"]*"', r'\1"[VERSION]"')
    cli.snapshot("install_report_stdout", run, filters=filters)
    assert json.loads(run.stdout)["install"]  # stdout is the JSON document and nothing else


def test_install_already_satisfied(cli):
    venv = cli.venv()
    ok(cli.install(venv, "alpha"))
    cli.snapshot("install_already_satisfied", cli.install(venv, "alpha"), cli.install(venv, "beta", "gamma>=1"))


def test_install_upgrade(cli):
    venv = cli.venv()
    cli.snapshot("install_upgrade", ok(cli.install(venv, "beta==1.0")), cli.install(venv, "--upgrade", "beta"))


def test_install_local_wheel_no_deps(cli):
    venv = cli.venv()
    wheelmaker.build_wheel(cli.tmp / "dist", "localpkg", "0.1", requires_dist=["alpha"])
    cli.snapshot("install_local_wheel_no_deps",
                 cli("pip", "install", "--python", venv / "bin" / "python", "./dist/localpkg-0.1-py3-none-any.whl",
                     "--no-deps"))


# --- compile, sync, uninstall -------------------------------------------------------------------------

def test_compile(cli):
    venv = cli.venv()
    (cli.tmp / "requirements.in").write_text("alpha\nbeta<2\n")
    base = ("pip", "compile", "requirements.in", "--python", venv / "bin" / "python", "--index-url", cli.index_url)
    cli.snapshot("compile", cli(*base))
    cli.snapshot("compile_generate_hashes", cli(*base, "--generate-hashes"))


def test_sync(cli):
    venv = cli.venv()
    ok(cli.install(venv, "alpha"))
    (cli.tmp / "requirements.txt").write_text("beta==1.0\ngamma==1.0\nepsilon==1.0\n")
    base = ("pip", "sync", "requirements.txt", "--python", venv / "bin" / "python", "--index-url", cli.index_url)
    cli.snapshot("sync", cli(*base, "--dry-run"), cli(*base), cli(*base))


def test_uninstall(cli):
    venv = cli.venv()
    ok(cli.install(venv, "alpha"))
    py = ("--python", venv / "bin" / "python")
    cli.snapshot("uninstall", cli("pip", "uninstall", *py, "alpha", "gamma"), cli("pip", "uninstall", *py, "alpha"))


# --- list, freeze, show -------------------------------------------------------------------------------

def test_list_freeze_show(cli):
    venv = cli.venv()
    ok(cli.install(venv, "alpha[fast]"))
    py = ("--python", venv / "bin" / "python")
    cli.snapshot("list", cli("pip", "list", *py), cli("pip", "list", *py, "--format", "json"))
    cli.snapshot("freeze", cli("pip", "freeze", *py))
    cli.snapshot("show", cli("pip", "show", *py, "alpha", "beta"), cli("pip", "show", *py, "gamma", "nothere"))


# --- errors and their hints ---------------------------------------------------------------------------

def test_error_unknown_package(cli):
    venv = cli.venv()
    cli.snapshot("error_unknown_package", cli.install(venv, "nothere"))


def test_error_unsatisfiable(cli):
    venv = cli.venv()
    cli.snapshot("error_unsatisfiable", cli.install(venv, "delta", "beta>=2"))


def test_error_hash_mismatch(cli):
    venv = cli.venv()
    (cli.tmp / "hashed.txt").write_text("gamma==1.1 --hash=sha256:" + "0" * 64 + "\n")
    (cli.tmp / "unhashed.txt").write_text("gamma==1.1\n")
    cli.snapshot("error_hash_mismatch", cli.install(venv, "--require-hashes", "-r", "hashed.txt"),
                 cli.install(venv, "--require-hashes", "-r", "unhashed.txt"))


def test_error_bad_requirement(cli):
    venv = cli.venv()
    (cli.tmp / "requirements.txt").write_text("alpha\nbeta >> 2\n")
    cli.snapshot("error_bad_requirement", cli.install(venv, "-r", "requirements.txt"), cli.install(venv, "alpha=="))


def test_error_unknown_option(cli):
    venv = cli.venv()
    cli.snapshot("error_unknown_option", cli.install(venv, "--frobnicate", "alpha"))


def test_error_dead_index(cli):
    venv = cli.venv()
    dead = f"http://127.0.0.1:{free_port()}/simple/"
    cli.snapshot("error_dead_index",
                 cli("pip", "install", "--python", venv / "bin" / "python", "--index-url", dead, "alpha"))


def test_error_no_binary(cli):
    venv = cli.venv()
    cli.snapshot("error_no_binary", cli.install(venv, "--no-binary", ":all:", "alpha"))


def test_error_sdist_only(cli):
    venv = cli.venv()
    cli.snapshot("error_sdist_only", cli.install(venv, "srconly"))


# --- the snapshot machinery itself --------------------------------------------------------------------

def test_snapshot_filters(tmp_path):
    filters = (Filters().path(tmp_path / "cache", "[CACHE]").path(tmp_path, "[TMP]")
               .literal("http://127.0.0.1:4321", "[SERVER]"))
    text = (f"Resolved 3 packages in 12ms\nInstalled 1 package in 1.52s\n{tmp_path}/cache/wheels {tmp_path}/x\n"
            "http://127.0.0.1:4321/simple/ http://127.0.0.1:9/simple/ localhost:80 [::1]:8080\n"
            "/tmp/pytest-of-me/pytest-7/popen-gw1/other0/f 12.5 MiB/40 MiB 3 KiB/s\n"
            "lib 1.0 in 3 days\n")
    assert filters.apply(text) == (
        "Resolved 3 packages in [TIME]\nInstalled 1 package in [TIME]\n[CACHE]/wheels [TMP]/x\n"
        "[SERVER]/simple/ http://127.0.0.1:[PORT]/simple/ localhost:[PORT] [::1]:[PORT]\n"
        "[PYTEST_TMP]/other0/f [SIZE]/[SIZE] [SIZE]\n"
        "lib 1.0 in 3 days\n")


def test_every_stored_snapshot_belongs_to_a_test():
    """A renamed or removed test must not leave its snapshot behind (it would never be compared again)."""
    source = Path(__file__).read_text()
    stored = sorted(p.stem for p in SNAPSHOT_DIR.glob("*.txt"))
    assert stored, f"no snapshots in {SNAPSHOT_DIR}"
    orphans = [name for name in stored if f'"{name}"' not in source]
    assert not orphans, f"snapshots no test writes: {orphans}; delete them"
