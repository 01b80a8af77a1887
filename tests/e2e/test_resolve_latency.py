"""A far-away index: the resolver keeps the whole frontier in flight, so latency costs about the dependency
graph's depth in round trips, not its size. The index sits behind bench/delay_proxy.py (every request waits
100 ms); a graph three levels deep and 40 packages wide must resolve in about 2 round trips per level, and
`-v` says how many ran in sequence."""
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import delay_proxy  # noqa: E402
import wheelmaker  # noqa: E402
from envtools import make_venv  # noqa: E402

DELAY = 0.1


def graph(out):
    """app -> a0..a9, each ai -> bi0..bi2, each bij -> cij: 1 + 10 + 30 + 30 packages, 4 levels (the root's
    own page and metadata included). The solver decides one package at a time, so without looking ahead the
    round trips would grow with the 70 packages."""
    ws = [wheelmaker.build_wheel(out, "app", "1.0", requires_dist=[f"a{i}" for i in range(10)])]
    for i in range(10):
        ws.append(wheelmaker.build_wheel(out, f"a{i}", "1.0", requires_dist=[f"b{i}x{j}" for j in range(3)]))
        for j in range(3):
            ws.append(wheelmaker.build_wheel(out, f"b{i}x{j}", "1.0", requires_dist=[f"c{i}x{j}>=1"]))
            ws.append(wheelmaker.build_wheel(out, f"c{i}x{j}", "1.0"))
            ws.append(wheelmaker.build_wheel(out, f"c{i}x{j}", "0.9"))
    return ws


def test_cold_resolution_pays_the_depth_not_the_size(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path / "w"))
    host, port = server.url.rsplit("/", 1)[1].split(":")
    venv = make_venv(tmp_path / "venv")
    with delay_proxy.DelayProxy(host, int(port), DELAY) as proxy:
        start = time.monotonic()
        r = ptinstall("pip", "install", "-v", "--dry-run", "--python", venv / "bin" / "python",
                      "--index-url", proxy.url + "/simple/", "app", check=True)
        elapsed = time.monotonic() - start
        spans = proxy.take_spans()
    assert "Would install 71 packages" in r.stderr
    assert len(spans) == 142  # a page and a metadata file per package, each once
    m = re.search(r"^\d+ project pages, \d+ metadata fetches, (\d+) HTTP requests, (\d+) sequential round trips$",
                  r.stderr, re.M)
    assert m and int(m.group(1)) == 142, r.stderr
    # 4 levels x (page, metadata) = 8; the proxy's log agrees with -v.
    assert int(m.group(2)) <= 9 and delay_proxy.sequential_chain(spans) <= 9, (m.group(2), r.stderr)
    # 142 requests of 100 ms each in about 8 sequential round trips (loaded CI machines: a wide margin).
    assert elapsed < 8 * DELAY + 2.5, elapsed
