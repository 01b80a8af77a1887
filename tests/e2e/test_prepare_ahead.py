"""Downloads that start while the resolution runs (docs/install.md, "Prepare"): the wheel of a package the
resolver has decided is fetched before the resolution ends; a version the resolver takes back is never
installed, and a failure of its early download says nothing; a wheel that is needed and fails says the same
error as without the early start, without asking the server twice."""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import delay_proxy  # noqa: E402
import wheelmaker  # noqa: E402
from envtools import installed, make_venv, py  # noqa: E402

DELAY = 0.1


def chain_graph(out):
    """app -> early, c1; c1 -> c2 -> c3 -> c4. `early` is decided two levels in, c4's metadata is asked for
    five levels in: without the early start, early's wheel would be fetched after it."""
    ws = [wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["early", "c1"]),
          wheelmaker.build_wheel(out, "early", "1.0", files={"early/data.py": "VALUE = 'early'\n"})]
    for i in range(1, 5):
        ws.append(wheelmaker.build_wheel(out, f"c{i}", "1.0", requires_dist=[f"c{i + 1}"] if i < 4 else []))
    return ws


def run_through_proxy(ptinstall, server, tmp_path, name, env=None):
    host, port = server.url.rsplit("/", 1)[1].split(":")
    venv = make_venv(tmp_path / name)
    with delay_proxy.DelayProxy(host, int(port), DELAY) as proxy:
        r = ptinstall("pip", "install", "-v", "--python", venv / "bin" / "python", "--cache-dir", tmp_path / f"cache-{name}",
                      "--index-url", proxy.url + "/simple/", "app", env=env, check=True)
        started = proxy.take_started()
    return r, venv, started


def first(started, suffix):
    return next(t for t, path in started if path.endswith(suffix))


def test_a_decided_wheel_downloads_before_the_resolution_ends(ptinstall, make_index, tmp_path):
    server = make_index(chain_graph(tmp_path / "w"))
    r, venv, started = run_through_proxy(ptinstall, server, tmp_path, "ahead")
    assert py(venv, "import early.data; print(early.data.VALUE)") == "early"
    assert set(installed(venv)) >= {"app", "early", "c1", "c2", "c3", "c4"}
    # early's wheel was asked for before c4's metadata, i.e. while the resolver still had levels to go.
    assert first(started, "/early-1.0-py3-none-any.whl") < first(started, "/c4-1.0-py3-none-any.whl.metadata")
    # Each wheel once: the install took what the early downloads prepared.
    wheel_gets = [p for _, p in started if p.endswith(".whl")]
    assert sorted(wheel_gets) == sorted(set(wheel_gets)) and len(wheel_gets) == 6, wheel_gets
    # How many were done when the resolution ended depends on the machine's load (a fresh-clone CI run had 5).
    assert re.search(r"\b6 wheels started downloading while resolving, [0-6] of them prepared$", r.stderr, re.M), \
        r.stderr

    # PTINSTALL_PREPARE_AHEAD=0: the downloads wait for the resolution (the test above can fail).
    r0, venv0, started0 = run_through_proxy(ptinstall, server, tmp_path, "after", env={"PTINSTALL_PREPARE_AHEAD": "0"})
    assert first(started0, "/early-1.0-py3-none-any.whl") > first(started0, "/c4-1.0-py3-none-any.whl.metadata")
    assert "while resolving" not in r0.stderr
    assert installed(venv0) == installed(venv)


def test_a_version_taken_back_is_not_installed_and_its_failure_says_nothing(ptinstall, make_index, tmp_path):
    """x 2.0 needs w==1, y needs w==2: the resolver decides x 2.0, then takes it back for x 1.0. x 2.0's
    wheel is gone from the server (its PEP 658 metadata is still there): its early download fails, and the
    install, which does not need it, says nothing of it."""
    out = tmp_path / "w"
    ws = [wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["x", "y"]),
          wheelmaker.build_wheel(out, "x", "2.0", requires_dist=["w==1"]),
          wheelmaker.build_wheel(out, "x", "1.0"),
          wheelmaker.build_wheel(out, "y", "1.0", requires_dist=["w==2"]),
          wheelmaker.build_wheel(out, "w", "1"),
          wheelmaker.build_wheel(out, "w", "2")]
    server = make_index(ws)
    gone = next(server.root.rglob("x-2.0-py3-none-any.whl"))
    gone.unlink()
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "-v", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "app", check=True)
    assert installed(venv) == {"app": "1.0", "x": "1.0", "y": "1.0", "w": "2"}
    asked = [q for q in server.requests() if q.path.endswith("/x-2.0-py3-none-any.whl")]
    assert asked and all(q.status == 404 for q in asked), asked   # tried early, never needed
    assert "preparing x-2.0-py3-none-any.whl while resolving failed" in r.stderr
    assert not [line for line in r.stderr.splitlines() if line.startswith(("error:", "warning:"))], r.stderr


def test_a_needed_wheel_that_fails_says_the_same_error_as_without_the_early_start(ptinstall, make_index, tmp_path):
    out = tmp_path / "w"
    server = make_index([wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["z"]),
                         wheelmaker.build_wheel(out, "z", "1.0")])
    next(server.root.rglob("z-1.0-py3-none-any.whl")).unlink()
    errors = []
    for setting in ("8", "0"):
        server.clear_log()
        venv = make_venv(tmp_path / f"venv{setting}")
        r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                      "app", env={"PTINSTALL_PREPARE_AHEAD": setting})
        assert r.returncode == 1
        assert installed(venv) == {}
        errors.append([line for line in r.stderr.splitlines() if line.startswith(("error:", "hint:"))])
        gets = [q for q in server.requests() if q.path.endswith("/z-1.0-py3-none-any.whl")]
        assert len(gets) == 1, gets   # one request either way: the early one's error is the install's
    assert errors[0] == errors[1] and errors[0], errors
    assert "z-1.0-py3-none-any.whl" in errors[0][0]
