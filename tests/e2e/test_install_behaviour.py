"""`ptinstall pip install` from nginx indexes, checked point by point against what issue 4 asks of it:
the summary and --dry-run output, explained resolution failures with their hints, request counts of warm
runs (from -v and from nginx's access log), the HTTP cache (--offline, --refresh, --refresh-package),
credentials never printed, failing servers leaving the environment untouched, requirements files as pip
reads them, and the progress display (only on a TTY)."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import PYTHON, make_venv  # noqa: E402
from conftest import binary  # noqa: E402
from indexserver import ProjectOptions, nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")



def wheels(tmp_path: Path):
    out = tmp_path / "wheels"
    return [
        wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["lib>=1.0"]),
        wheelmaker.build_wheel(out, "lib", "1.0"),
        wheelmaker.build_wheel(out, "lib", "2.0"),
        wheelmaker.build_wheel(out, "flask", "3.0.0", requires_dist=["werkzeug>=3.0"]),
        wheelmaker.build_wheel(out, "flask", "3.0.1", requires_dist=["werkzeug>=3.0"]),
        wheelmaker.build_wheel(out, "werkzeug", "2.3.0"),
        wheelmaker.build_wheel(out, "werkzeug", "3.0.1"),
        wheelmaker.build_wheel(out, "newpy", "1.0", requires_python=">=3.99"),
        wheelmaker.build_wheel(out, "pkg", "1.0"),
        wheelmaker.build_wheel(out, "pkg", "2.0b1"),
        wheelmaker.build_wheel(out, "usespre", "1.0", requires_dist=["pkg>=1.5"]),
    ]


def snapshot(root: Path) -> dict:
    """Every file under root with its content hash (symlinks by target): the environment's state. The
    environment's lock file (.ptinstall.lock, empty, left in place as uv leaves its .lock) is not state."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if rel == ".ptinstall.lock":
            continue
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


# --- resolution failures ----------------------------------------------------------------------------

def test_unsatisfiable_request_is_explained_with_hints(ptinstall, make_index, tmp_path):
    server = make_index(wheels(tmp_path))
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url())
    r = ptinstall(*base, "flask>=3", "werkzeug<3", check=False)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert lines[0] == "error: no solution found when resolving dependencies:"
    assert "depend on werkzeug>=3.0 and you require werkzeug<3" in lines[1]
    assert "flask" in lines[1] and "cannot be used" in lines[1]
    assert lines[2].strip() == "And because you require flask>=3, your requirements are unsatisfiable."
    assert snapshot(venv) == before

    # Requires-Python (from data-requires-python on the page): the hint names the target Python.
    r = ptinstall(*base, "newpy", check=False)
    assert r.returncode == 1
    assert "newpy==1.0 requires Python >=3.99" in r.stderr
    target = subprocess.run([str(venv / "bin" / "python"), "-c", "import platform; print(platform.python_version())"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert f"hint: the target Python is {target}" in r.stderr and "--python-version" in r.stderr
    # The same when only the .metadata file says so (no data-requires-python on the page).
    server2 = make_index(wheels(tmp_path / "second"), json_pages=False,
                         options={"newpy": ProjectOptions(requires_python={"newpy-1.0-py3-none-any.whl": None})})
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server2.index_url(), "newpy",
                  check=False)
    assert r.returncode == 1 and "requires Python >=3.99" in r.stderr and "hint: the target Python is" in r.stderr
    assert ptinstall(*base, "--dry-run", "--python-version", "3.99", "newpy", check=True)

    # Pre-releases in range but not enabled, for a direct and for a transitive requirement.
    for req in ("pkg>=1.5", "usespre"):
        r = ptinstall(*base, req, check=False)
        assert r.returncode == 1, r
        assert "there is no version of pkg>=1.5" in r.stderr
        assert "hint: pre-releases are available for pkg in the requested range (e.g. 2.0b1)" in r.stderr
        assert "--pre" in r.stderr
    r = ptinstall(*base, "--dry-run", "--pre", "usespre", check=True)
    assert " + pkg==2.0b1" in r.stderr
    assert snapshot(venv) == before


# --- request counts and the HTTP cache --------------------------------------------------------------

def settled_log(server, expected_at_least=0):
    """The access log once nginx has written it (it logs a request just after answering it)."""
    import time
    deadline = time.time() + 5
    last = None
    while time.time() < deadline:
        reqs = server.requests()
        if len(reqs) >= expected_at_least and last is not None and len(reqs) == len(last):
            return reqs
        last = reqs
        time.sleep(0.05)
    return server.requests()


def counts(stderr: str):
    import re
    m = re.search(r"^(\d+) project pages?, (\d+) metadata fetch(?:es)?, (\d+) HTTP requests?, \d+ sequential round trips?$",
                  stderr, re.M)
    assert m, stderr
    return tuple(int(x) for x in m.groups())


@pytest.fixture
def served(tmp_path):
    from indexserver import IndexServer, build_simple_index
    servers = []

    def make(cache_headers):
        root = tmp_path / f"idx{len(servers)}"
        build_simple_index(root, wheels(tmp_path / f"w{len(servers)}"))
        server = IndexServer(root, cache_headers=cache_headers)
        server.start()
        servers.append(server)
        return server
    yield make
    for s in servers:
        s.stop()


@pytest.mark.parametrize("cache_headers", [True, False])
def test_warm_runs_make_at_most_one_request_per_page_and_metadata(ptinstall, served, tmp_path, cache_headers):
    server = served(cache_headers)
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "-v", "--dry-run", "--python", venv / "bin" / "python", "--index-url",
            server.index_url(), "app", "flask")
    cold = ptinstall(*base, check=True)
    pages, metadata, http = counts(cold.stderr)
    log = settled_log(server, http)
    assert (pages, metadata) == (4, 4)  # app, lib, flask, werkzeug; one version of each considered
    assert http == len(log) == pages + metadata
    assert all(q.status == 200 for q in log)
    assert sorted(q.path for q in log if q.path.startswith("/simple/")) == \
        ["/simple/app/", "/simple/flask/", "/simple/lib/", "/simple/werkzeug/"]
    server.clear_log()

    warm = ptinstall(*base, check=True)
    assert counts(warm.stderr)[:2] == (pages, metadata)
    if cache_headers:
        # Pages fresh for max-age=600, files immutable: nothing goes to the network.
        assert counts(warm.stderr)[2] == 0
        assert settled_log(server) == []
    else:
        # No Cache-Control: every entry is revalidated (ETag / Last-Modified) and nginx answers 304.
        assert counts(warm.stderr)[2] == pages + metadata
        log = settled_log(server, pages + metadata)
        assert len(log) == pages + metadata and all(q.status == 304 for q in log), log
    server.clear_log()

    # --refresh revalidates everything; --refresh-package only that package's page and files.
    r = ptinstall(*base, "--refresh", check=True)
    log = settled_log(server, pages + metadata)
    assert counts(r.stderr)[2] == len(log) == pages + metadata and all(q.status == 304 for q in log)
    server.clear_log()
    r = ptinstall(*base, "--refresh-package", "Werkzeug", check=True)
    log = settled_log(server, 1)
    if cache_headers:
        assert sorted(q.path for q in log) == ["/files/werkzeug-3.0.1-py3-none-any.whl.metadata", "/simple/werkzeug/"]
        assert counts(r.stderr)[2] == 2
    else:
        assert len(log) == pages + metadata
    assert all(q.status == 304 for q in log)

    # --offline answers from the cache with the server gone; a miss is a clear error.
    server.stop()
    r = ptinstall(*base, "--offline", check=True)
    assert " + werkzeug==3.0.1" in r.stderr and counts(r.stderr)[2] == 0
    r = ptinstall("pip", "install", "--dry-run", "--offline", "--python", venv / "bin" / "python", "--index-url",
                  server.index_url(), "newpy", check=False)
    assert r.returncode != 0
    assert "error: failed to fetch" in r.stderr and "not in the cache and --offline was given" in r.stderr
    assert "hint:" in r.stderr


# --- credentials -----------------------------------------------------------------------------------

class AuthIndex:
    """A static server of a built index that wants HTTP basic auth (user `alice`, password below) for
    everything, as private indexes do; it records the Authorization headers it saw."""
    PASSWORD = "s3cr3t-Pa55"

    def __init__(self, root: Path):
        import base64
        import functools
        import threading
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
        expected = "Basic " + base64.b64encode(f"alice:{self.PASSWORD}".encode()).decode()
        seen = self.seen = []

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self):
                seen.append(self.headers.get("Authorization"))
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="private"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.port = self.httpd.server_address[1]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def auth_index(tmp_path):
    """The index of wheels() behind basic auth, stopped at the end of the test."""
    from indexserver import build_simple_index
    build_simple_index(tmp_path / "private", wheels(tmp_path), json_pages=False)
    server = AuthIndex(tmp_path / "private")
    yield server
    server.stop()


def test_credentials_from_url_and_netrc_are_never_printed(ptinstall, tmp_path, auth_index):
    server = auth_index
    venv = make_venv(tmp_path / "venv")
    pw = AuthIndex.PASSWORD
    plain = f"http://127.0.0.1:{server.port}/simple/"
    with_creds = f"http://alice:{pw}@127.0.0.1:{server.port}/simple/"
    base = ("pip", "install", "-v", "--python", venv / "bin" / "python")

    r = ptinstall(*base, "--index-url", plain, "app", check=False)
    assert r.returncode != 0 and "401" in r.stderr and "hint:" in r.stderr, r
    assert "credentials" in r.stderr.lower() or "netrc" in r.stderr.lower()

    # In the URL: installs, and the password shows up nowhere (-v logs every request).
    r = ptinstall(*base, "--report", "-", "--index-url", with_creds, "app", check=True)
    assert " + app==1.0" in r.stderr
    assert pw not in r.stderr and pw not in r.stdout
    assert "alice:****@" in r.stderr or "127.0.0.1" in r.stderr
    for item in json.loads(r.stdout)["install"]:
        assert pw not in item["download_info"]["url"]
    # Nor in the HTTP cache on disk.
    for p in (tmp_path / "cache").rglob("*"):
        if p.is_file() and p.stat().st_size < 1 << 20:
            assert pw.encode() not in p.read_bytes(), p

    # Errors name the index with the password hidden: a missing project, a dead server.
    r = ptinstall(*base, "--dry-run", "--index-url", with_creds, "nosuchproject", check=False)
    assert r.returncode == 1 and pw not in r.stderr and "nosuchproject" in r.stderr
    dead = f"http://alice:{pw}@127.0.0.1:1/simple/"
    # (-U: app is installed, and a satisfied install asks no index at all)
    r = ptinstall(*base, "--dry-run", "-U", "--index-url", dead, "app", env={"PTINSTALL_HTTP_RETRIES": "0"},
                  check=False)
    assert r.returncode != 0 and "error:" in r.stderr and pw not in r.stderr
    assert "alice:****@127.0.0.1:1" in r.stderr

    # From ~/.netrc (HOME is private to the test): the plain URL works.
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / ".netrc").write_text(f"machine 127.0.0.1 login alice password {pw}\n")
    (home / ".netrc").chmod(0o600)
    venv2 = make_venv(tmp_path / "venv2")
    r = ptinstall("pip", "install", "-v", "--python", venv2 / "bin" / "python", "--index-url", plain, "--refresh",
                  "app", check=True)
    assert " + lib==2.0" in r.stderr and pw not in r.stderr


# --- failing servers -------------------------------------------------------------------------------

FAULTS = [
    # (path, fault, retried?, words the error must contain)
    ("/simple/app/", "500", True, ["/simple/app/", "500"]),
    ("/files/lib-2.0-py3-none-any.whl", "500", True, ["lib-2.0-py3-none-any.whl", "500"]),
    ("/files/lib-2.0-py3-none-any.whl", "503", True, ["lib-2.0-py3-none-any.whl", "503"]),
    ("/files/lib-2.0-py3-none-any.whl", "drop", True, ["lib-2.0-py3-none-any.whl"]),
    ("/files/lib-2.0-py3-none-any.whl", "truncate", True, ["lib-2.0-py3-none-any.whl"]),
    ("/files/lib-2.0-py3-none-any.whl.metadata", "500", True, ["lib-2.0-py3-none-any.whl.metadata", "500"]),
    ("/files/lib-2.0-py3-none-any.whl", "410", False, ["lib-2.0-py3-none-any.whl", "410"]),
]


@pytest.mark.parametrize("path,fault,retried,words", FAULTS, ids=[f"{f}-{p.rsplit('/', 2)[-2] or p}" for p, f, _, _ in FAULTS])
def test_failing_server_leaves_the_environment_untouched(ptinstall, make_index, tmp_path, path, fault, retried, words):
    ws = wheels(tmp_path)
    good = make_index(ws)
    venv = make_venv(tmp_path / "venv")
    ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", good.index_url(), "lib==1.0",
              check=True)
    before = snapshot(venv)
    bad = make_index(ws, faults={path: fault})
    r = ptinstall("pip", "install", "-U", "--python", venv / "bin" / "python", "--index-url", bad.index_url(), "app",
                  "--cache-dir", tmp_path / "cold-cache", env={"PTINSTALL_HTTP_RETRIES": "2"}, check=False)
    assert r.returncode == 1, r
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, r.stderr
    for w in words:
        assert w in errors[0], r.stderr
    assert "hint:" in r.stderr
    assert "Installed" not in r.stderr and " + " not in r.stderr
    hits = [q for q in settled_log(bad) if q.path == path]
    if retried:  # 1 + PTINSTALL_HTTP_RETRIES at least (a stream cut short is fetched again into a file)
        assert 3 <= len(hits) <= 6, hits
    else:
        assert len(hits) == 1, hits
    assert snapshot(venv) == before


def test_flaky_server_succeeds_on_retry(ptinstall, make_index, tmp_path):
    server = make_index(wheels(tmp_path), faults={"/simple/lib/": "flaky:2:502",
                                                  "/files/lib-2.0-py3-none-any.whl": "flaky:1"})
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app",
                  env={"PTINSTALL_HTTP_RETRIES": "2"}, check=True)
    assert " + lib==2.0" in r.stderr
    assert len([q for q in settled_log(server) if q.path == "/simple/lib/"]) == 3


def test_wheel_with_a_wrong_hash_leaves_the_environment_untouched(ptinstall, make_index, tmp_path):
    ws = wheels(tmp_path)
    good = make_index(ws)
    venv = make_venv(tmp_path / "venv")
    ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", good.index_url(), "lib==1.0",
              check=True)
    before = snapshot(venv)
    bad = make_index(ws, options={"lib": ProjectOptions(wrong_hashes=True)})
    r = ptinstall("pip", "install", "-U", "--python", venv / "bin" / "python", "--index-url", bad.index_url(), "app",
                  check=False)
    assert r.returncode == 1
    assert "error: hash mismatch for lib-2.0-py3-none-any.whl" in r.stderr and "hint:" in r.stderr
    assert len([q for q in settled_log(bad) if q.path == "/files/lib-2.0-py3-none-any.whl"]) == 1  # not retried
    assert snapshot(venv) == before


# --- the progress display --------------------------------------------------------------------------

def run_on_tty(args, env_extra, tmp_path):
    """Runs the binary with stderr on a pseudo-terminal; returns (returncode, what the terminal got)."""
    import pty
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PTINSTALL_", "VIRTUAL_ENV"))}
    env.update({"PTINSTALL_CACHE_DIR": str(tmp_path / "tty-cache"), "HOME": str(tmp_path / "home"),
                "NO_COLOR": "1", "TERM": "xterm"})
    env.update(env_extra)
    master, slave = pty.openpty()
    proc = subprocess.Popen([binary(), *map(str, args)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=slave, env=env, cwd=tmp_path)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO once the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    proc.stdout.read()
    return proc.wait(timeout=120), b"".join(chunks).decode(errors="replace")


def test_progress_only_on_a_terminal(ptinstall, make_index, tmp_path):
    out = tmp_path / "big"
    ws = [wheelmaker.build_wheel(out, f"p{i}", "1.0", files=wheelmaker.payload_files(f"p{i}", files=5,
                                                                                      compressed_bytes=300_000))
          for i in range(6)]
    server = make_index(ws)
    names = [f"p{i}" for i in range(6)]

    def args(venv, *extra):
        return ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), *extra, *names)

    rc, tty = run_on_tty(args(make_venv(tmp_path / "v1")), {}, tmp_path)
    assert rc == 0, tty
    # The first state is drawn at once (later ones at most 10 times a second, tests/e2e/test_progress.py).
    assert "\nPreparing 0/6 packages [" in tty.replace("\r", ""), repr(tty)
    # The display is erased before the summary: what is left on screen are the summary lines.
    before_summary = tty.split("Prepared 6 packages")[0]
    assert before_summary.endswith("\r\x1b[J"), repr(before_summary)
    assert " + p5==1.0" in tty

    for extra in (("--no-progress",), ("-q",)):
        rc, tty = run_on_tty(args(make_venv(tmp_path / f"v{extra[0]}"), *extra), {}, tmp_path)
        assert rc == 0, tty
        assert "Preparing" not in tty and "\r" not in tty.replace("\r\n", "\n"), repr(tty)
        if extra == ("-q",):
            assert tty.strip() == ""
    rc, tty = run_on_tty(args(make_venv(tmp_path / "v-env")), {"PTINSTALL_NO_PROGRESS": "1"}, tmp_path)
    assert rc == 0 and "Preparing" not in tty
    rc, tty = run_on_tty(args(make_venv(tmp_path / "v-dumb")), {"TERM": "dumb"}, tmp_path)
    assert rc == 0 and "Preparing" not in tty

    # Not a terminal (stderr captured): no progress, no carriage returns.
    r = ptinstall(*args(make_venv(tmp_path / "v-pipe")), check=True)
    assert "Preparing" not in r.stderr and "\r" not in r.stderr
    assert "Prepared 6 packages" in r.stderr


# --- requirements files, through the binary, with pip as the oracle -----------------------------------

def pip_choice(venv: Path, req: Path, env: dict, cwd: Path):
    p = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--dry-run", "--ignore-installed",
                        "--disable-pip-version-check", "-q", "--report", "-", "-r", str(req)],
                       env=env, capture_output=True, text=True, cwd=cwd)
    if p.returncode != 0:
        return None, p.stderr
    return {(i["metadata"]["name"], i["metadata"]["version"]) for i in json.loads(p.stdout)["install"]
            if i["metadata"]["name"] not in ("pip", "setuptools")}, p.stderr


def test_requirements_files_as_pip_reads_them(ptinstall, make_index, tmp_path):
    out = tmp_path / "wheels"
    ws = [wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["lib>=1.0"]),
          wheelmaker.build_wheel(out, "lib", "1.0"), wheelmaker.build_wheel(out, "lib", "2.0"),
          wheelmaker.build_wheel(out, "lib", "3.0b1")]
    main = make_index(ws)
    extra = make_index([wheelmaker.build_wheel(tmp_path / "extra", "extra1", "1.0")])
    links = tmp_path / "links"
    wheelmaker.build_wheel(links, "localpkg", "0.1")
    sha = {(w.name, w.version): w.sha256 for w in ws}
    venv = tmp_path / "venv"
    subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "PTINSTALL_"))}
    env.update({"IDX": main.index_url(), "PIP_NO_CACHE_DIR": "1", "HOME": str(tmp_path / "home")})

    def ours(req, *extra_args):
        return ptinstall("pip", "install", "--dry-run", "--report", "-", "--python", venv / "bin" / "python",
                         *extra_args, "-r", req, env={"IDX": main.index_url()}, cwd=tmp_path)

    def chosen(r):
        return {(i["metadata"]["name"], i["metadata"]["version"]) for i in json.loads(r.stdout)["install"]}

    # Nested -r / -c relative to the naming file, option lines, ${VAR}, continuations, comments, markers, URLs.
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.txt").write_text("lib<3  # inline comment\n-c ../cons.txt\n")
    (tmp_path / "cons.txt").write_text("lib<2\n")
    req = tmp_path / "requirements.txt"
    req.write_text("# a comment line\n"
                   "--index-url ${IDX}\n"
                   f"--extra-index-url {extra.index_url()}\n"
                   f"--find-links {links}\n"
                   "-r sub/inner.txt\n"
                   "app==1.0 ; \\\n"
                   "    python_version >= '3'\n"
                   "winonly ; sys_platform == 'win32'\n"
                   "extra1\n"
                   "localpkg\n")
    r = ours(req)
    assert r.returncode == 0, r
    theirs, err = pip_choice(venv, req, env, tmp_path)
    assert theirs is not None, err
    assert chosen(r) == theirs == {("app", "1.0"), ("lib", "1.0"), ("extra1", "1.0"), ("localpkg", "0.1")}

    # A direct URL line, and --pre as a line.
    req.write_text(f"--index-url {main.index_url()}\n--pre\nlib\n")
    r = ours(req)
    assert chosen(r) == pip_choice(venv, req, env, tmp_path)[0] == {("lib", "3.0b1")}
    req.write_text(f"--index-url {main.index_url()}\napp\nlib @ {main.url}/files/lib-1.0-py3-none-any.whl\n")
    r = ours(req)
    assert chosen(r) == pip_choice(venv, req, env, tmp_path)[0] == {("app", "1.0"), ("lib", "1.0")}
    assert [i["is_direct"] for i in json.loads(r.stdout)["install"] if i["metadata"]["name"] == "lib"] == [True]

    # The first --hash switches hash checking on for every requirement, as in pip.
    req.write_text(f"--index-url {main.index_url()}\napp==1.0 --hash=sha256:{sha[('app', '1.0')]}\nlib==2.0\n")
    r = ours(req)
    assert r.returncode == 1 and "lib==2.0 has no --hash" in r.stderr and "hint:" in r.stderr
    assert pip_choice(venv, req, env, tmp_path)[0] is None
    req.write_text(f"--index-url {main.index_url()}\napp==1.0 --hash=sha256:{sha[('app', '1.0')]}\n"
                   f"lib==2.0 \\\n    --hash=sha256:{sha[('lib', '2.0')]}\n")
    r = ours(req)
    assert r.returncode == 0 and chosen(r) == pip_choice(venv, req, env, tmp_path)[0]

    # Errors name the file and the line.
    for text, line, words in [
        (f"--index-url {main.index_url()}\napp==1.0\nlib===2.0 foo\n", 3, "invalid requirement"),
        (f"--index-url {main.index_url()}\n-r missing.txt\n", 2, "missing.txt"),
        (f"--index-url {main.index_url()}\nlib\n--bogus-option\n", 3, "--bogus-option"),
        ("app\n-c\n", 2, "-c"),
    ]:
        req.write_text(text)
        r = ours(req)
        assert r.returncode != 0, r
        first = r.stderr.splitlines()[0]
        assert first.startswith(f"error: {req} line {line}: ") and words in first, r.stderr
        assert pip_choice(venv, req, env, tmp_path)[0] is None  # pip refuses them too
    # In a nested file, the nested file and its line are named.
    (tmp_path / "sub" / "inner.txt").write_text("lib<3\n\nlib>=>2\n")
    req.write_text(f"--index-url {main.index_url()}\n-r sub/inner.txt\n")
    r = ours(req)
    assert r.returncode != 0 and "inner.txt line 3" in r.stderr.splitlines()[0], r.stderr


# --- TLS: --allow-insecure-host, --trusted-host, SSL_CERT_FILE ----------------------------------------

def test_self_signed_https_index(ptinstall, tmp_path):
    import functools
    import ssl
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    from indexserver import build_simple_index
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    build_simple_index(tmp_path / "tls", wheels(tmp_path), json_pages=False)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path / "tls")))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"https://127.0.0.1:{httpd.server_address[1]}/simple/"
    try:
        venv = make_venv(tmp_path / "venv")
        base = ("pip", "install", "--dry-run", "--python", venv / "bin" / "python", "--index-url", url)
        r = ptinstall(*base, "app", env={"PTINSTALL_HTTP_RETRIES": "0"}, check=False)
        assert r.returncode != 0
        assert r.stderr.startswith("error:") and "127.0.0.1" in r.stderr and "hint:" in r.stderr, r.stderr
        assert "certificate" in r.stderr.lower() or "ssl" in r.stderr.lower(), r.stderr
        for flag in (("--allow-insecure-host", "127.0.0.1"), ("--trusted-host", f"127.0.0.1:{httpd.server_address[1]}")):
            r = ptinstall(*base, *flag, "--no-cache", "app", check=True)
            assert " + lib==2.0" in r.stderr
        r = ptinstall(*base, "--no-cache", "app", env={"UV_INSECURE_HOST": "127.0.0.1"}, check=True)
        assert " + lib==2.0" in r.stderr
        # A --trusted-host line of a requirements file, as with pip.
        (tmp_path / "r.txt").write_text("--trusted-host 127.0.0.1\napp\n")
        r = ptinstall(*base, "--no-cache", "-r", tmp_path / "r.txt", check=True)
        assert " + lib==2.0" in r.stderr
        # Or trust the certificate itself.
        r = ptinstall(*base, "--no-cache", "app", env={"SSL_CERT_FILE": str(tmp_path / "cert.pem")}, check=True)
        assert " + lib==2.0" in r.stderr
        # pip's --cert does the same, and wins over SSL_CERT_FILE (uv's --native-tls changes nothing).
        r = ptinstall(*base, "--no-cache", "--cert", tmp_path / "cert.pem", "--native-tls", "app",
                      env={"SSL_CERT_FILE": str(tmp_path / "key.pem")}, check=True)
        assert " + lib==2.0" in r.stderr
        # Another host is not trusted by a flag naming some other host.
        r = ptinstall(*base, "--no-cache", "--allow-insecure-host", "example.org", "app",
                      env={"PTINSTALL_HTTP_RETRIES": "0"}, check=False)
        assert r.returncode != 0
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- the summary and --dry-run -------------------------------------------------------------------------

def summary(stderr: str):
    import re
    return [re.sub(r" in \d+(\.\d+)?(ms|s|m \d+s)$", " in T", line) for line in stderr.splitlines()]


def test_summary_and_dry_run_lines(ptinstall, make_index, tmp_path):
    server = make_index(wheels(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url())
    assert summary(ptinstall(*base, "--dry-run", "app", "lib<2", check=True).stderr) == [
        "Resolved 2 packages in T", "Would install 2 packages", " + app==1.0", " + lib==1.0"]
    assert summary(ptinstall(*base, "app", "lib<2", check=True).stderr) == [
        "Resolved 2 packages in T", "Prepared 2 packages in T", "Installed 2 packages in T", " + app==1.0",
        " + lib==1.0"]
    # Satisfied: uv's fast path answers from the environment, without resolving.
    assert summary(ptinstall(*base, "app", check=True).stderr) == ["Audited 2 packages in T"]
    assert summary(ptinstall(*base, "--dry-run", "app", check=True).stderr) == [
        "Audited 2 packages in T", "Would make no changes"]
    assert summary(ptinstall(*base, "--dry-run", "-U", "app", check=True).stderr) == [
        "Resolved 2 packages in T", "Would uninstall 1 package", "Would install 1 package", " - lib==1.0",
        " + lib==2.0"]
    assert summary(ptinstall(*base, "-U", "app", check=True).stderr) == [
        "Resolved 2 packages in T", "Prepared 1 package in T", "Uninstalled 1 package in T",
        "Installed 1 package in T", " - lib==1.0", " + lib==2.0"]
    # A wheel already in the cache is not prepared again.
    assert summary(ptinstall(*base, "lib==1.0", check=True).stderr) == [
        "Resolved 1 package in T", "Uninstalled 1 package in T", "Installed 1 package in T", " - lib==2.0",
        " + lib==1.0"]
    # -q prints nothing at all on success.
    r = ptinstall(*base, "-q", "-U", "app", check=True)
    assert r.stderr == "" and r.stdout == ""


@pytest.mark.parametrize("given", ["environment", "flags"])
def test_http_timeout_is_honoured(ptinstall, make_index, tmp_path, given):
    import time
    # The server answers after a minute: ptinstall must give up long before, whatever the load of the
    # machine (two attempts of about a second each, a backoff, its own start).
    server = make_index(wheels(tmp_path), faults={"/simple/lib/": "slow:60"})
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    if given == "environment":
        args, env = (), {"UV_HTTP_TIMEOUT": "1", "PTINSTALL_HTTP_RETRIES": "1"}
    else:  # pip's flags, over the environment
        args, env = ("--timeout", "1", "--retries", "1"), {"UV_HTTP_TIMEOUT": "120", "UV_HTTP_RETRIES": "5"}
    start = time.monotonic()
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app",
                  *args, env=env, check=False)
    elapsed = time.monotonic() - start
    assert r.returncode == 1, r
    assert "/simple/lib/" in r.stderr and "hint:" in r.stderr
    assert "time" in r.stderr.lower(), r.stderr  # "timed out" / "timeout"
    assert "(after 2 attempts)" in r.stderr, r.stderr
    assert elapsed < 30, elapsed  # not the server's minute
    assert snapshot(venv) == before


# --- index options through the binary ------------------------------------------------------------------

def test_index_order_strategies_and_find_links(ptinstall, make_index, tmp_path):
    extra = make_index([wheelmaker.build_wheel(tmp_path / "a", "gamma", "1.0")])
    default = make_index([wheelmaker.build_wheel(tmp_path / "b", "gamma", "2.0"),
                          wheelmaker.build_wheel(tmp_path / "b", "delta", "1.0")])
    venv = make_venv(tmp_path / "venv")
    py = ("--python", venv / "bin" / "python")

    def chosen(r):
        return [line.strip() for line in r.stderr.splitlines() if line.startswith(" + ")]

    # --extra-index-url is searched before --index-url; under first-index a name found there is never
    # taken from a later index (no dependency confusion).
    r = ptinstall("pip", "install", "--dry-run", *py, "--index-url", default.index_url(), "--extra-index-url",
                  extra.index_url(), "gamma", "delta", check=True)
    assert chosen(r) == ["+ delta==1.0", "+ gamma==1.0"]
    r = ptinstall("pip", "install", "--dry-run", *py, "--index-url", default.index_url(), "--extra-index-url",
                  extra.index_url(), "gamma>=2", check=False)
    assert r.returncode == 1 and "hint:" in r.stderr and "unsafe-best-match" in r.stderr, r.stderr
    # The same from the environment (UV_INDEX_URL, UV_EXTRA_INDEX_URL, UV_INDEX_STRATEGY).
    env = {"UV_INDEX_URL": default.index_url(), "UV_EXTRA_INDEX_URL": extra.index_url()}
    assert chosen(ptinstall("pip", "install", "--dry-run", *py, "gamma", env=env, check=True)) == ["+ gamma==1.0"]
    env["UV_INDEX_STRATEGY"] = "unsafe-best-match"
    assert chosen(ptinstall("pip", "install", "--dry-run", *py, "gamma", env=env, check=True)) == ["+ gamma==2.0"]
    r = ptinstall("pip", "install", "--dry-run", *py, "--index-strategy", "unsafe-first-match", "gamma>=2", env=env,
                  check=True)
    assert chosen(r) == ["+ gamma==2.0"]

    # --find-links: a directory and an HTML page of links, beside the index or alone with --no-index.
    links = tmp_path / "links"
    wheelmaker.build_wheel(links, "epsilon", "3.0")
    (tmp_path / "page").mkdir()
    w = wheelmaker.build_wheel(tmp_path / "page", "zeta", "0.5")
    (tmp_path / "page" / "links.html").write_text(f'<html><body><a href="{w.filename}#sha256={w.sha256}">'
                                                  f'{w.filename}</a></body></html>')
    r = ptinstall("pip", "install", "--dry-run", *py, "--index-url", default.index_url(), "--find-links", links,
                  "--find-links", tmp_path / "page" / "links.html", "epsilon", "zeta", "delta", check=True)
    assert chosen(r) == ["+ delta==1.0", "+ epsilon==3.0", "+ zeta==0.5"]
    r = ptinstall("pip", "install", *py, "--no-index", "--find-links", links, "epsilon", check=True)
    assert chosen(r) == ["+ epsilon==3.0"]
    r = ptinstall("pip", "install", "--dry-run", *py, "--no-index", "--find-links", links, "delta", check=False)
    assert r.returncode == 1 and "delta" in r.stderr and "hint:" in r.stderr


def test_resolution_and_prerelease_modes(ptinstall, make_index, tmp_path):
    out = tmp_path / "w"
    server = make_index([
        wheelmaker.build_wheel(out, "top", "1.0", requires_dist=["dep>=1.0"]),
        wheelmaker.build_wheel(out, "top", "2.0", requires_dist=["dep>=1.0"]),
        wheelmaker.build_wheel(out, "dep", "1.0"), wheelmaker.build_wheel(out, "dep", "1.5"),
        wheelmaker.build_wheel(out, "dep", "2.0rc1"),
        wheelmaker.build_wheel(out, "onlypre", "1.0a1"),
    ])
    venv = make_venv(tmp_path / "venv")

    def pins(*args):
        r = ptinstall("pip", "install", "--dry-run", "--python", venv / "bin" / "python", "--index-url",
                      server.index_url(), *args, check=True)
        return sorted(line.strip()[2:] for line in r.stderr.splitlines() if line.startswith(" + "))

    assert pins("top") == ["dep==1.5", "top==2.0"]
    assert pins("--resolution", "lowest", "top") == ["dep==1.0", "top==1.0"]
    assert pins("--resolution", "lowest-direct", "top") == ["dep==1.5", "top==1.0"]
    assert pins("--pre", "top") == ["dep==2.0rc1", "top==2.0"]
    assert pins("--prerelease", "allow", "top") == ["dep==2.0rc1", "top==2.0"]
    assert pins("top", "dep>=2.0rc1") == ["dep==2.0rc1", "top==2.0"]          # explicit
    assert pins("--prerelease", "if-necessary", "top", "dep>=1") == ["dep==1.5", "top==2.0"]
    assert pins("onlypre") == ["onlypre==1.0a1"]                           # if necessary
    r = ptinstall("pip", "install", "--dry-run", "--python", venv / "bin" / "python", "--index-url",
                  server.index_url(), "--prerelease", "disallow", "onlypre", check=False)
    assert r.returncode == 1 and "pre-releases" in r.stderr
    # Deterministic: the same answer, byte for byte, run after run.
    runs = {ptinstall("pip", "install", "--dry-run", "--report", "-", "--python", venv / "bin" / "python",
                      "--index-url", server.index_url(), "top", "onlypre", check=True).stdout for _ in range(3)}
    assert len(runs) == 1


@pytest.mark.parametrize("json_pages", [True, False], ids=["json", "html"])
def test_without_metadata_files_metadata_comes_from_range_reads(ptinstall, make_index, tmp_path,
                                                                json_pages):
    ws = wheels(tmp_path)
    server = make_index(ws, json_pages=json_pages,
                        options={n: ProjectOptions(no_metadata=True) for n in ("app", "lib")})
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "-v", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "app", check=True)
    assert " + app==1.0" in r.stderr and " + lib==2.0" in r.stderr
    log = settled_log(server, 4)
    pages = [q for q in log if q.path.startswith("/simple/")]
    assert {q.path for q in pages} == {"/simple/app/", "/simple/lib/"} and len(pages) == 2
    if json_pages:
        assert all("json" in q.accept for q in pages)
    assert not any(q.path.endswith(".metadata") for q in log)
    ranged = [q for q in log if q.range]
    assert ranged and all(q.status == 206 for q in ranged)  # metadata read from the zip directory
    # The wheels themselves: one full download each.
    full = [q.path for q in log if q.path.endswith(".whl") and not q.range]
    assert sorted(full) == ["/files/app-1.0-py3-none-any.whl", "/files/lib-2.0-py3-none-any.whl"]


def test_server_without_range_support_whole_wheel_is_kept_for_the_install(ptinstall, tmp_path):
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    from indexserver import build_simple_index
    build_simple_index(tmp_path / "plain", wheels(tmp_path), json_pages=False,
                       options={n: ProjectOptions(no_metadata=True) for n in ("app", "lib")})
    seen = []

    class NoRanges(SimpleHTTPRequestHandler):  # http.server ignores Range: every answer is the whole file
        def do_GET(self):
            seen.append((self.path, self.headers.get("Range")))
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(NoRanges, directory=str(tmp_path / "plain")))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        venv = make_venv(tmp_path / "venv")
        r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url",
                      f"http://127.0.0.1:{httpd.server_address[1]}/simple/", "app", check=True)
        assert " + app==1.0" in r.stderr and " + lib==2.0" in r.stderr
        assert r.stderr.count("range requests are not supported") == 1, r.stderr  # one warning per host
        wheel_gets = [p for p, _ in seen if p.endswith(".whl")]
        # The first wheel is asked for with a Range once; after that the host gets whole-file requests
        # only, and each wheel fetched for its metadata is installed from that copy.
        assert sorted(set(wheel_gets)) == ["/files/app-1.0-py3-none-any.whl", "/files/lib-2.0-py3-none-any.whl"]
        assert len(wheel_gets) <= 3, seen
        assert wheel_gets.count("/files/lib-2.0-py3-none-any.whl") == 1, seen
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- HTTP/2 and connection reuse --------------------------------------------------------------------

def test_http2_and_reused_connections_over_tls(ptinstall, tmp_path):
    """nginx over TLS with HTTP/2 (a config of this test's own, logging the protocol and the connection
    serial number): every request of an install goes over HTTP/2, on very few connections."""
    import time
    from indexserver import build_simple_index, free_port
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    build_simple_index(tmp_path / "root", wheels(tmp_path), json_pages=False)
    prefix = tmp_path / "nginx"
    for d in ("logs", "tmp"):
        (prefix / d).mkdir(parents=True)
    port = free_port()
    user = "user root root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(f"""{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format p '$server_protocol\\t$connection\\t$request_uri\\t$status';
    access_log {prefix}/logs/access.log p;
    client_body_temp_path {prefix}/tmp/body; proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi; uwsgi_temp_path {prefix}/tmp/uwsgi; scgi_temp_path {prefix}/tmp/scgi;
    types {{ text/html html; application/octet-stream whl metadata; }}
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate {tmp_path}/cert.pem;
        ssl_certificate_key {tmp_path}/key.pem;
        root {tmp_path}/root;
        index index.html;
    }}
}}
""")
    proc = subprocess.Popen([nginx_binary(), "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        import socket
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.time() < deadline and proc.poll() is None, (prefix / "logs" / "error.log").read_text()
                time.sleep(0.05)
        venv = make_venv(tmp_path / "venv")
        r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url",
                      f"https://127.0.0.1:{port}/simple/", "app", "flask",
                      env={"SSL_CERT_FILE": str(tmp_path / "cert.pem")}, check=True)
        assert " + werkzeug==3.0.1" in r.stderr

        def logged():  # nginx writes a line just after answering: poll for it, not a fixed nap
            return [line.split("\t") for line in (prefix / "logs" / "access.log").read_text().splitlines()]
        deadline = time.monotonic() + 10
        while len(logged()) < 12 and time.monotonic() < deadline:
            time.sleep(0.05)
        rows = logged()
        assert len(rows) >= 12  # 4 pages, 4 metadata files, 4 wheels
        assert {row[0] for row in rows} == {"HTTP/2.0"}
        assert len({row[1] for row in rows}) <= 3, rows  # multiplexed: not one connection per request
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_proxy_and_no_proxy_from_the_environment(ptinstall, make_index, tmp_path):
    server = make_index(wheels(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--dry-run", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app")
    clean = {"no_proxy": "", "NO_PROXY": "", "PTINSTALL_HTTP_RETRIES": "0"}
    for var in ("http_proxy", "HTTP_PROXY", "ALL_PROXY"):
        # A dead proxy: every request goes to it and fails.
        r = ptinstall(*base, "--refresh", env={**clean, var: "http://127.0.0.1:1"}, check=False)
        assert r.returncode != 0 and "error:" in r.stderr and "hint:" in r.stderr, (var, r)
        assert not settled_log(server), var
        # NO_PROXY names the index host: straight to it.
        for no_proxy in ("NO_PROXY", "no_proxy"):
            r = ptinstall(*base, "--refresh", env={**clean, var: "http://127.0.0.1:1", no_proxy: "127.0.0.1"}, check=True)
            assert " + lib==2.0" in r.stderr
        server.clear_log()


def test_proxy_flag_and_config_file_proxies(ptinstall, make_index, tmp_path):
    server = make_index(wheels(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--dry-run", "--refresh", "--python", venv / "bin" / "python", "--index-url",
            server.index_url(), "app")
    clean = {name: "" for name in ("no_proxy", "NO_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY",
                                   "https_proxy", "HTTPS_PROXY")}
    clean["PTINSTALL_HTTP_RETRIES"] = "0"
    dead = "http://127.0.0.1:1"
    # pip's --proxy: every request goes to it and fails; the hint names the flag.
    r = ptinstall(*base, "--proxy", dead, env=clean, check=False)
    assert r.returncode == 1 and "error:" in r.stderr and "--proxy" in r.stderr, r
    assert not settled_log(server)
    # NO_PROXY still applies to it.
    r = ptinstall(*base, "--proxy", dead, env={**clean, "NO_PROXY": "127.0.0.1"}, check=True)
    assert " + lib==2.0" in r.stderr
    server.clear_log()
    # uv.toml's http-proxy, for http URLs; its https-proxy is not used for them; its no-proxy applies.
    project = tmp_path / "project"
    project.mkdir()
    (project / "uv.toml").write_text(f'http-proxy = "{dead}"\n')
    r = ptinstall(*base, env=clean, cwd=project, check=False)
    assert r.returncode == 1 and "error:" in r.stderr, r
    assert not settled_log(server)
    (project / "uv.toml").write_text(f'https-proxy = "{dead}"\n')
    assert " + lib==2.0" in ptinstall(*base, env=clean, cwd=project, check=True).stderr
    (project / "uv.toml").write_text(f'http-proxy = "{dead}"\nno-proxy = ["localhost", "127.0.0.1"]\n')
    assert " + lib==2.0" in ptinstall(*base, env=clean, cwd=project, check=True).stderr


def test_tampered_metadata_file_is_refused(ptinstall, make_index, tmp_path):
    server = make_index(wheels(tmp_path))
    meta = Path(server.root) / "files" / "lib-2.0-py3-none-any.whl.metadata"
    meta.write_bytes(meta.read_bytes().replace(b"Name: lib", b"Name: lib\nRequires-Dist: evil"))
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app",
                  check=False)
    assert r.returncode == 1, r
    assert "lib-2.0-py3-none-any.whl.metadata" in r.stderr and "hash" in r.stderr.lower(), r.stderr
    assert "evil" not in r.stderr.replace("error:", "")
    assert snapshot(venv) == before


def test_compile_never_writes_credentials(ptinstall, tmp_path, auth_index):
    server = auth_index
    venv = make_venv(tmp_path / "venv")
    pw = AuthIndex.PASSWORD
    url = f"http://alice:{pw}@127.0.0.1:{server.port}/simple/"
    (tmp_path / "req.in").write_text("app\n")
    r = ptinstall("pip", "compile", "-v", "--python", venv / "bin" / "python", "--index-url", url,
                  "--extra-index-url", url, tmp_path / "req.in", "-o", tmp_path / "out.txt", check=True)
    text = (tmp_path / "out.txt").read_text()
    assert "lib==2.0" in text and "alice:****@" in text
    assert pw not in text and pw not in r.stderr and pw not in r.stdout
    r = ptinstall("pip", "sync", "-v", "--python", venv / "bin" / "python", "--index-url", url, tmp_path / "out.txt",
                  check=True)
    assert " + lib==2.0" in r.stderr and pw not in r.stderr
