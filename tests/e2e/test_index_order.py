"""Under the default `--index-strategy first-index`, the indexes are asked one after the other for each
name: a later index (the default one, PyPI in real life) never hears of a name that an earlier, private
index has (dependency confusion). Two nginx indexes on 127.0.0.1; their access logs are the proof."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import make_venv  # noqa: E402
from indexserver import nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")


def chosen(r):
    return sorted(line.strip() for line in r.stderr.splitlines() if line.startswith(" + "))


def pages(server):
    """The project pages an index was asked for: {'/simple/name/', ...}."""
    return {q.path for q in server.requests() if q.path.startswith("/simple/") and q.path != "/simple/"}


@pytest.fixture
def two_indexes(make_index, tmp_path):
    # The private index (searched first, as --extra-index-url) has the company's packages. The public
    # one (the default index, searched last) has the public dependencies, and also a `corp-lib` 9.0 that
    # an attacker uploaded under the private name.
    priv = tmp_path / "private"
    pub = tmp_path / "public"
    private = make_index([
        wheelmaker.build_wheel(priv, "corp-app", "1.0", requires_dist=["corp-lib>=1", "pubdep", "pubtool"]),
        wheelmaker.build_wheel(priv, "corp-lib", "1.0", requires_dist=["pubdep>=1"]),
    ])
    public = make_index([
        wheelmaker.build_wheel(pub, "corp-lib", "9.0"),
        wheelmaker.build_wheel(pub, "pubdep", "1.0", requires_dist=["pubdep-core"]),
        wheelmaker.build_wheel(pub, "pubdep-core", "2.0"),
        wheelmaker.build_wheel(pub, "pubtool", "3.0"),
    ])
    return private, public


def install(ptinstall, tmp_path, private, public, *args, check=True):
    venv = tmp_path / "venv"
    if not venv.exists():
        make_venv(venv)
    return ptinstall("pip", "install", "--dry-run", "--python", venv / "bin" / "python",
                     "--index-url", public.index_url(), "--extra-index-url", private.index_url(), *args,
                     env={"PTINSTALL_HTTP_RETRIES": "0"}, check=check)


def test_a_name_on_the_first_index_is_never_asked_of_the_next(ptinstall, two_indexes, tmp_path):
    private, public = two_indexes
    r = install(ptinstall, tmp_path, private, public, "corp-app")
    assert chosen(r) == ["+ corp-app==1.0", "+ corp-lib==1.0", "+ pubdep-core==2.0", "+ pubdep==1.0",
                         "+ pubtool==3.0"], r
    # The public index never heard of the private names...
    assert "/simple/corp-app/" not in pages(public)
    assert "/simple/corp-lib/" not in pages(public)
    assert not [q for q in public.requests() if "corp" in q.path]
    # ... and got the public ones only after the private index said "not found".
    assert pages(public) == {"/simple/pubdep/", "/simple/pubdep-core/", "/simple/pubtool/"}
    missing = {q.path for q in private.requests() if q.status == 404}
    assert missing == {"/simple/pubdep/", "/simple/pubdep-core/", "/simple/pubtool/"}
    assert {"/simple/corp-app/", "/simple/corp-lib/"} <= pages(private)


def test_a_name_missing_from_the_first_index_is_found_on_the_next(ptinstall, two_indexes, tmp_path):
    private, public = two_indexes
    r = install(ptinstall, tmp_path, private, public, "pubtool")
    assert chosen(r) == ["+ pubtool==3.0"], r
    assert [(q.path, q.status) for q in private.requests() if q.path == "/simple/pubtool/"] == [
        ("/simple/pubtool/", 404)]
    assert [(q.path, q.status) for q in public.requests() if q.path == "/simple/pubtool/"] == [
        ("/simple/pubtool/", 200)]


def test_the_hint_names_the_later_index_without_asking_it(ptinstall, two_indexes, tmp_path):
    private, public = two_indexes
    r = install(ptinstall, tmp_path, private, public, "corp-lib>=2", check=False)
    assert r.returncode == 1, r
    assert "hint: `corp-lib` was found on " + private.index_url() in r.stderr, r.stderr
    assert "not asked and may have other versions (" + public.index_url() + ")" in r.stderr, r.stderr
    assert "--index-strategy unsafe-best-match" in r.stderr
    assert "/simple/corp-lib/" not in pages(public)


def test_unsafe_strategies_ask_every_index(ptinstall, two_indexes, tmp_path):
    private, public = two_indexes
    r = install(ptinstall, tmp_path, private, public, "--index-strategy", "unsafe-best-match", "corp-lib")
    assert chosen(r) == ["+ corp-lib==9.0"], r  # the attacker's copy wins: why these are "unsafe"
    assert "/simple/corp-lib/" in pages(public)
    private.clear_log()
    public.clear_log()
    r = install(ptinstall, tmp_path, private, public, "--no-cache", "--index-strategy", "unsafe-first-match", "corp-lib")
    assert "+ corp-lib==1.0" in chosen(r), r
    assert "/simple/corp-lib/" in pages(public)


def test_an_error_of_the_first_index_is_reported_and_the_next_is_not_asked(ptinstall, make_index, tmp_path):
    pub = tmp_path / "public"
    public = make_index([wheelmaker.build_wheel(pub, "pubtool", "3.0")])
    broken = make_index([wheelmaker.build_wheel(tmp_path / "private", "other", "1.0")],
                        faults={"/simple/pubtool/": "500"})
    r = install(ptinstall, tmp_path, broken, public, "pubtool", check=False)
    assert r.returncode != 0, r
    assert "HTTP 500" in r.stderr and broken.index_url() + "pubtool/" in r.stderr, r.stderr
    assert "/simple/pubtool/" not in pages(public)
