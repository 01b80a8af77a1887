"""Big wheels (install/ranged_download.hpp): several range requests of one file at once against nginx,
unpacked while they come in; a killed run's partial file continued by the next run (bytes counted in
nginx's access log); servers without ranges. The threshold is lowered to 1 MiB so that a wheel of tens of
MB takes the path a 1-2 GB torch wheel takes at the default 64 MiB."""
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from conftest import binary  # noqa: E402
from envtools import installed, make_venv, py  # noqa: E402
from faultproxy import FaultProxy  # noqa: E402
from indexserver import IndexServer, build_simple_index, nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

RANGED = {"PTINSTALL_DOWNLOAD_RANGES_MIN_SIZE": "1", "PTINSTALL_DOWNLOAD_RANGES": "4"}
FILES = 12
FILE_BYTES = 2 << 20  # 12 random files of 2 MiB, stored: a 24 MiB wheel whose bytes are its payload


def big_wheel(out: Path) -> wheelmaker.Wheel:
    rnd = __import__("random").Random(19)
    files = {f"bigpkg/part{i:02d}.bin": rnd.randbytes(FILE_BYTES) for i in range(FILES)}
    # A few small deflated files between the big ones: entries of both kinds cross piece boundaries.
    files.update({f"bigpkg/note{i}.txt": (f"note {i}\n" * 5000).encode() for i in range(3)})
    return wheelmaker.build_wheel(out, "bigpkg", "1.0", files=files, compression=0)


def wheel_path(w: wheelmaker.Wheel) -> str:
    return f"/files/{w.filename}"


def same_files(venv: Path, w: wheelmaker.Wheel) -> None:
    """Every file of the wheel's package is byte-identical in the environment."""
    site = Path(py(venv, "import bigpkg, os; print(os.path.dirname(os.path.dirname(bigpkg.__file__)))"))
    with zipfile.ZipFile(w.path) as z:
        names = [n for n in z.namelist() if n.startswith("bigpkg/")]
        assert len(names) == FILES + 4
        for n in names:
            assert (site / n).read_bytes() == z.read(n), n


def wheel_gets(server: IndexServer, w: wheelmaker.Wheel):
    return [r for r in server.requests() if r.uri == wheel_path(w) and r.method == "GET"]


def partials(cache: Path):
    d = cache / "downloads-v1"
    return sorted(p.name for p in d.rglob("*") if p.suffix in (".part", ".json")) if d.exists() else []


@pytest.fixture
def wheel(tmp_path):
    return big_wheel(tmp_path / "wheels")


def serve(tmp_path, wheels, **kw) -> IndexServer:
    root = tmp_path / "index"
    build_simple_index(root, wheels)
    server = IndexServer(root, **kw)
    server.start()
    return server


def install_args(venv, url, cache):
    return ["pip", "install", "--python", venv / "bin" / "python", "--index-url", url, "--cache-dir", cache, "bigpkg"]


def test_a_big_wheel_downloads_in_parallel_ranges_and_is_byte_identical(ptinstall, wheel, tmp_path):
    server = serve(tmp_path, [wheel])
    try:
        venv = make_venv(tmp_path / "venv")
        cache = tmp_path / "cache"
        r = ptinstall(*install_args(venv, server.index_url(), cache), "-v", env=RANGED, check=True)
        assert installed(venv) == {"bigpkg": "1.0"}
        same_files(venv, wheel)
        gets = wheel_gets(server, wheel)
        size = wheel.path.stat().st_size
        # Pieces of 4 MiB (the smallest piece), each a range (206), every byte sent once.
        assert len(gets) == -(-size // (4 << 20)) >= 6, gets
        assert all(g.status == 206 and g.range.startswith("bytes=") for g in gets), gets
        assert sum(g.bytes_sent for g in gets) == size
        assert "in ranges, 4 at once" in r.stderr, r.stderr
        assert partials(cache) == []  # the partial file goes once the wheel is in the cache
    finally:
        server.stop()


def test_a_killed_download_continues_where_it_stopped(ptinstall, wheel, tmp_path):
    # 1 MB/s a connection, 4 connections: the 25 MB take about 6 s, so the kill lands in the middle.
    server = serve(tmp_path, [wheel], limit_rate="1m")
    try:
        size = wheel.path.stat().st_size
        cache = tmp_path / "cache"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PTINSTALL_", "VIRTUAL_ENV"))}
        env.update(RANGED, HOME=str(tmp_path / "home"), NO_COLOR="1")
        venv = make_venv(tmp_path / "venv")
        proc = subprocess.Popen([binary(), *map(str, install_args(venv, server.index_url(), cache))], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        state = None
        deadline = time.monotonic() + 60
        have = 0
        while time.monotonic() < deadline and proc.poll() is None:
            states = list((cache / "downloads-v1").rglob("*.json")) if (cache / "downloads-v1").exists() else []
            if states:
                try:
                    state = json.loads(states[0].read_text())
                    have = sum(p[2] for p in state["pieces"])
                except (ValueError, OSError):
                    pass
            if have >= size // 3:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert size // 3 <= have < size, (have, size)
        first = sum(g.bytes_sent for g in wheel_gets(server, wheel))
        assert installed(venv) == {}
        assert any(n.endswith(".part") for n in partials(cache))

        server.clear_log()
        ptinstall(*install_args(venv, server.index_url(), cache), env=RANGED, check=True)
        same_files(venv, wheel)
        again = wheel_gets(server, wheel)
        second = sum(g.bytes_sent for g in again)
        # The rerun asked only for what the first run had not saved: at least the third it had is not
        # sent again.
        assert second <= size - have, (first, second, have, size)
        assert first + second >= size
        assert all(g.status == 206 for g in again), again
        assert partials(cache) == []
    finally:
        server.stop()


def test_a_server_without_ranges_sends_the_wheel_whole_once(ptinstall, wheel, tmp_path):
    server = serve(tmp_path, [wheel])
    proxy = FaultProxy(server.url, ranges=False).start()  # no Accept-Ranges, every Range ignored
    try:
        venv = make_venv(tmp_path / "venv")
        cache = tmp_path / "cache"
        ptinstall(*install_args(venv, proxy.index_url(), cache), env=RANGED, check=True)
        same_files(venv, wheel)
        asked = [(m, p) for m, p, _rng, _f in proxy.stats()["log"] if p == wheel_path(wheel) and m == "GET"]
        assert len(asked) == 1, asked  # the first piece's request brought the whole file; no other was sent
        assert partials(cache) == []
    finally:
        proxy.stop()
        server.stop()


def test_a_big_wheel_with_a_wrong_hash_leaves_nothing_behind(ptinstall, wheel, tmp_path):
    root = tmp_path / "index"
    build_simple_index(root, [wheel])
    # The index's sha256 for the wheel is wrong (the PEP 691 page and the HTML page both).
    for page in (root / "simple" / "bigpkg").iterdir():
        page.write_text(page.read_text().replace(wheel.sha256, "0" * 64))
    server = IndexServer(root)
    server.start()
    try:
        venv = make_venv(tmp_path / "venv")
        cache = tmp_path / "cache"
        r = ptinstall(*install_args(venv, server.index_url(), cache), env=RANGED, check=False)
        assert r.returncode == 1, r
        assert "hash mismatch for " + wheel.filename in r.stderr, r.stderr
        assert installed(venv) == {}
        assert partials(cache) == []  # bad bytes are not kept for a later run
        assert not list((cache / "wheels-v1").glob("[0-9a-f]*")) if (cache / "wheels-v1").exists() else True
    finally:
        server.stop()
