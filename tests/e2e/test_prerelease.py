"""Pre-release rules of the resolver against uv's documented behaviour (PEP 440's rules with uv's
--prerelease modes), on an index served by nginx on 127.0.0.1: a specifier that names a pre-release
allows that package's pre-releases, a root requirement that opts in carries to the requirements of
dependencies on the same package, and each --prerelease mode."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import make_venv  # noqa: E402
from indexserver import nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

QUIET = {"PTINSTALL_HTTP_RETRIES": "0"}


@pytest.fixture
def server(make_index, tmp_path):
    out = tmp_path / "wheels"
    w = [wheelmaker.build_wheel(out, "a", v) for v in ("0.1.0", "0.2.0a1", "0.2.0a2")]
    w += [wheelmaker.build_wheel(out, "b", v) for v in ("0.0.1", "1.0.0a1")]
    w += [wheelmaker.build_wheel(out, "needs-b", "1.0", requires_dist=["b>0.1"])]
    w += [wheelmaker.build_wheel(out, "onlypre", v) for v in ("1.0a1", "1.0b2")]
    w += [wheelmaker.build_wheel(out, "c", v) for v in ("1.0", "2.0rc1")]
    w += [wheelmaker.build_wheel(out, "needs-c", "1.0", requires_dist=["c>=2.0rc1"])]
    return make_index(w)


def resolve(ptinstall, server, tmp_path, *args):
    venv = tmp_path / "venv"
    if not venv.exists():
        make_venv(venv)
    r = ptinstall("pip", "install", "--dry-run", "--python", venv / "bin" / "python", "--index-url",
                  server.index_url(), *args, env=QUIET, check=None)
    got = {l.split("==")[0][3:]: l.split("==")[1] for l in r.stderr.splitlines() if l.startswith(" + ")}
    return r, got


@pytest.mark.parametrize("args,expected", [
    # A specifier naming a pre-release allows that package's pre-releases (PEP 440): the newest below a2.
    (["a<0.2.0a2"], {"a": "0.2.0a1"}),
    (["a>=0.2.0a1"], {"a": "0.2.0a2"}),
    (["a"], {"a": "0.1.0"}),                       # no opt-in: the final release
    (["a<=0.2.0a1"], {"a": "0.2.0a1"}),
    # The root opts in for b: a dependency's `b>0.1` may take b's pre-release (the only match).
    (["needs-b", "b>0.0.0a1"], {"needs-b": "1.0", "b": "1.0.0a1"}),
    # Only pre-releases exist: if-necessary takes the newest.
    (["onlypre"], {"onlypre": "1.0b2"}),
    # --pre / --prerelease allow: every package.
    (["a", "--pre"], {"a": "0.2.0a2"}),
    (["a", "--prerelease", "allow"], {"a": "0.2.0a2"}),
    # explicit: only what the root names; onlypre is then unavailable in its pre-releases.
    (["a>=0.2.0a1", "--prerelease", "explicit"], {"a": "0.2.0a2"}),
    (["c", "--prerelease", "if-necessary"], {"c": "1.0"}),
])
def test_prerelease_rules(ptinstall, server, tmp_path, args, expected):
    r, got = resolve(ptinstall, server, tmp_path, *args)
    assert r.returncode == 0, r.stderr
    assert got == expected


def test_transitive_prerelease_needs_an_opt_in(ptinstall, server, tmp_path):
    # uv's rule: a dependency's pre-release specifier alone does not enable pre-releases (the root did
    # not opt in), and the explanation says how to.
    r, _ = resolve(ptinstall, server, tmp_path, "needs-c")
    assert r.returncode == 1 and "pre-releases weren't enabled" in r.stderr
    r, got = resolve(ptinstall, server, tmp_path, "needs-c", "c>=2.0rc1")
    assert r.returncode == 0 and got == {"needs-c": "1.0", "c": "2.0rc1"}
    r, got = resolve(ptinstall, server, tmp_path, "needs-c", "--prerelease", "allow")
    assert r.returncode == 0 and got == {"needs-c": "1.0", "c": "2.0rc1"}
    # disallow: even a pre-release-only package has no candidate.
    r, _ = resolve(ptinstall, server, tmp_path, "onlypre", "--prerelease", "disallow")
    assert r.returncode == 1
    r, _ = resolve(ptinstall, server, tmp_path, "needs-b", "b>0.0.0a1", "--prerelease", "disallow")
    assert r.returncode == 1
    r, _ = resolve(ptinstall, server, tmp_path, "onlypre", "--prerelease", "explicit")
    assert r.returncode == 1
