"""Installs through tests/e2e/faultproxy.py: flaky networks (500s, resets, truncation, stalls, slow bodies at a
set rate and seed), responses that never end, and the settings that bound them. Every test also checks that the
environment is either the complete result or untouched, and that the cache holds nothing half-written."""
import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import installed, make_venv, py, snapshot  # noqa: E402
from faultproxy import FaultProxy  # noqa: E402
from indexserver import nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

N_DEPS = 59  # with `top`: a 60-package install, the shape of moto[server]


def many_wheels(out: Path):
    ws = [wheelmaker.build_wheel(out, "top", "1.0", requires_dist=[f"dep{i:02d}" for i in range(N_DEPS)])]
    for i in range(N_DEPS):
        ws.append(wheelmaker.build_wheel(out, f"dep{i:02d}", "1.0"))
    # One bigger wheel (stored, so its size is its payload): truncation lands inside its body.
    ws.append(wheelmaker.build_wheel(out, "big", "1.0", files={"big/data.bin": os.urandom(3 << 20)},
                                     compression=0))
    return ws


@pytest.fixture
def index(make_index, tmp_path):
    return make_index(many_wheels(tmp_path / "wheels"))


@pytest.fixture
def proxy():
    proxies = []

    def make(upstream, **kw):
        p = FaultProxy(upstream, **kw).start()
        proxies.append(p)
        return p
    yield make
    for p in proxies:
        p.stop()


def leftovers(cache: Path):
    """Files of unfinished work in the cache: temporary download directories and .part files."""
    if not cache.exists():
        return []
    return [str(p) for p in cache.rglob("*") if p.name.startswith((".download-", ".part", ".tmp"))]


def install(ptinstall, venv, url, *reqs, env=None, check=None, cache=None, extra=()):
    args = ["pip", "install", "--python", venv / "bin" / "python", "--index-url", url, *extra, *reqs]
    if cache:
        args += ["--cache-dir", cache]
    return ptinstall(*args, env=env or {}, check=check)


@pytest.mark.parametrize("fault", ["500", "reset", "truncate"])
def test_a_60_package_install_succeeds_behind_a_proxy_failing_25_percent(ptinstall, index, proxy, tmp_path, fault):
    p = proxy(index.url, rate=0.25, faults=[fault], seed=18)
    venv = make_venv(tmp_path / "venv")
    cache = tmp_path / "cache"
    # The defaults, untouched: 10 retries (docs/network.md).
    install(ptinstall, venv, p.index_url(), "top", "big", cache=cache, check=True)
    got = installed(venv)
    assert len(got) == N_DEPS + 2 and got["top"] == "1.0" and got["dep58"] == "1.0", got
    assert py(venv, "import dep00, dep58, big; print(big.__version__)") == "1.0"
    stats = p.stats()
    assert stats["faults"].get(fault, 0) >= 20, stats["faults"]  # the proxy did fail a quarter of ~180 requests
    assert leftovers(cache) == []
    # The cache is whole: a second environment installs from it alone.
    again = make_venv(tmp_path / "again")
    install(ptinstall, again, p.index_url(), "top", "big", cache=cache, extra=["--offline"], check=True)
    assert installed(again) == got


def test_a_truncated_wheel_download_resumes_from_the_byte_reached(ptinstall, index, proxy, tmp_path):
    path = "/files/big-1.0-py3-none-any.whl"
    p = proxy(index.url, rules={path: "truncate*2"})
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, venv, p.index_url(), "big", check=True)
    assert py(venv, "import big, os; print(os.path.getsize(os.path.join(os.path.dirname(big.__file__), 'data.bin')))") \
        == str(3 << 20)
    asked = [rng for method, pth, rng, _ in p.stats()["log"] if pth == path and method == "GET"]
    # Whole, then the second half from where the first attempt stopped, then the rest of that.
    assert len(asked) == 3, asked
    assert asked[0] == "" and asked[1].startswith("bytes=") and asked[2].startswith("bytes="), asked
    first, second = int(asked[1][6:].rstrip("-")), int(asked[2][6:].rstrip("-"))
    assert 0 < first < second, asked


def test_a_server_without_ranges_gets_the_whole_wheel_again(ptinstall, index, proxy, tmp_path):
    path = "/files/big-1.0-py3-none-any.whl"
    p = proxy(index.url, rules={path: "truncate*1"}, ranges=False)  # no Accept-Ranges: nothing to resume from
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, venv, p.index_url(), "big", check=True)
    assert installed(venv) == {"big": "1.0"}
    asked = [rng for method, pth, rng, _ in p.stats()["log"] if pth == path and method == "GET"]
    # Every request whole (a streaming unzip cannot take the body back, so the installer fetches the
    # file again into a file after the client's own retry started over).
    assert 2 <= len(asked) <= 3 and set(asked) == {""}, asked


def test_stalls_and_slow_bodies_are_survived(ptinstall, index, proxy, tmp_path):
    p = proxy(index.url, rate=0.2, faults=["stall", "slow"], seed=7, stall=30, slow_bps=200_000)
    venv = make_venv(tmp_path / "venv")
    t0 = time.monotonic()
    install(ptinstall, venv, p.index_url(), "top", env={"UV_HTTP_TIMEOUT": "2"}, check=True)
    assert len(installed(venv)) == N_DEPS + 1
    assert p.stats()["faults"].get("stall", 0) >= 3
    assert time.monotonic() - t0 < 120


def test_http_retries_is_still_respected(ptinstall, index, proxy, tmp_path):
    p = proxy(index.url, rules={"/simple/dep07/": "500"})
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    cache = tmp_path / "cache"
    r = install(ptinstall, venv, p.index_url(), "top", cache=cache, env={"PTINSTALL_HTTP_RETRIES": "1"}, check=False)
    assert "error: failed to fetch the page of `dep07` from " + p.index_url() + "dep07/: HTTP 500" in r.stderr, r
    assert len([1 for _, pth, _, _ in p.stats()["log"] if pth == "/simple/dep07/"]) == 2
    assert snapshot(venv) == before
    assert leftovers(cache) == []


def test_retry_after_is_honoured(ptinstall, index, proxy, tmp_path):
    p = proxy(index.url, rules={"/simple/top/": "503+retry-after:2*1"})
    venv = make_venv(tmp_path / "venv")
    t0 = time.monotonic()
    install(ptinstall, venv, p.index_url(), "dep01", "top", check=True)
    assert time.monotonic() - t0 >= 2  # the backoff alone would have waited 0.5 s at most
    assert len([1 for _, pth, _, _ in p.stats()["log"] if pth == "/simple/top/"]) == 2


def test_an_endless_index_page_is_refused_at_the_page_limit(ptinstall, index, proxy, tmp_path):
    p = proxy(index.url, rules={"/simple/top/": "endless"})
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    cache = tmp_path / "cache"
    t0 = time.monotonic()
    r = install(ptinstall, venv, p.index_url(), "top", cache=cache, env={"PTINSTALL_HTTP_MAX_PAGE_SIZE": "4"},
                check=False)
    assert time.monotonic() - t0 < 30
    assert ("error: failed to fetch " + p.index_url() + "top/: the response is larger than 4 MiB, the limit for "
            "index pages and metadata") in r.stderr, r
    assert "hint: raise PTINSTALL_HTTP_MAX_PAGE_SIZE (MiB)" in r.stderr
    assert snapshot(venv) == before
    assert leftovers(cache) == []
    # The bad answer was not cached: the same cache installs once the page is sane.
    install(ptinstall, venv, index.index_url(), "top", cache=cache, check=True)


def test_a_dripping_page_times_out(ptinstall, index, proxy, tmp_path):
    p = proxy(index.url, rules={"/simple/top/": "drip"})
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    t0 = time.monotonic()
    r = install(ptinstall, venv, p.index_url(), "top", env={"UV_HTTP_TIMEOUT": "2", "PTINSTALL_HTTP_RETRIES": "0"},
                check=False)
    assert time.monotonic() - t0 < 20
    assert "error: failed to fetch " + p.index_url() + "top/: timed out (the server sends too slowly)" in r.stderr, r
    assert snapshot(venv) == before


def test_an_endless_wheel_stops_at_the_size_the_index_declared(ptinstall, index, proxy, tmp_path):
    path = "/files/dep03-1.0-py3-none-any.whl"
    p = proxy(index.url, rules={path: "endless"})
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    cache = tmp_path / "cache"
    r = install(ptinstall, venv, p.index_url(), "dep03", cache=cache, check=False)
    size = (Path(index.root) / path.lstrip("/")).stat().st_size if hasattr(index, "root") else None
    assert "error: failed to fetch " + p.url + path + ": the response is larger than the " in r.stderr, r
    if size:
        assert f"the {size} bytes the index declared" in r.stderr
    assert snapshot(venv) == before
    assert leftovers(cache) == []


def test_an_endless_wheel_without_a_declared_size_stops_at_the_download_limit(ptinstall, make_index, proxy,
                                                                               tmp_path):
    server = make_index(many_wheels(tmp_path / "wheels"), json_pages=False)  # HTML: no sizes
    path = "/files/dep03-1.0-py3-none-any.whl"
    p = proxy(server.url, rules={path: "endless-zip"})  # a zip entry whose data never ends
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    cache = tmp_path / "cache"
    r = install(ptinstall, venv, p.index_url(), "dep03", cache=cache, env={"PTINSTALL_HTTP_MAX_DOWNLOAD_SIZE": "8"},
                check=False)
    assert ("error: failed to fetch " + p.url + path + ": the response is larger than 8 MiB, the limit for "
            "downloads") in r.stderr, r
    assert "PTINSTALL_HTTP_MAX_DOWNLOAD_SIZE" in r.stderr
    assert snapshot(venv) == before
    assert leftovers(cache) == []
