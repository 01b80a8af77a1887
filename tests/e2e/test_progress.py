"""Progress on a terminal during big downloads (issue 17): an overall line with a bar, a line per large file
in flight (name, bytes of total, rate), counts that only go up, at most 10 redraws a second, nothing but
the summary when stderr is not a terminal, and --no-progress honoured. The files come from a server that
sends them slowly (1.5 MB/s), so the display has time to show them."""
import re
import shutil
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import wheelmaker  # noqa: E402
from envtools import installed, make_venv  # noqa: E402
from indexserver import build_simple_index  # noqa: E402
from test_install_behaviour import run_on_tty  # noqa: E402

RATE = 1_500_000  # bytes a second, per transfer


class SlowHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        while True:
            chunk = source.read(64 * 1024)
            if not chunk:
                return
            outputfile.write(chunk)
            time.sleep(len(chunk) / RATE)


@pytest.fixture
def slow_index(tmp_path):
    out = tmp_path / "w"
    wheels = [wheelmaker.build_wheel(out, f"big{i}", "1.0",
                                     files=wheelmaker.payload_files(f"big{i}", files=3, compressed_bytes=2_400_000))
              for i in range(2)]
    wheels.append(wheelmaker.build_wheel(out, "tiny", "1.0"))
    root = tmp_path / "index"
    build_simple_index(root, wheels, json_pages=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SlowHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/simple/", wheels
    server.shutdown()
    server.server_close()


def screens(tty: str):
    """The successive states drawn: the text between erase sequences."""
    return [s for s in re.split(r"(?:\x1b\[\d+A)?\r\x1b\[J", tty)]


def test_big_downloads_show_a_line_per_file(slow_index, tmp_path):
    url, wheels = slow_index
    venv = make_venv(tmp_path / "v")
    start = time.monotonic()
    # Early downloads off: with them the big files may finish while the resolver runs, before the display
    # this test reads exists (a fresh-clone CI run saw exactly that).
    rc, tty = run_on_tty(("pip", "install", "--python", venv, "--index-url", url, "big0", "big1", "tiny"),
                         {"PTINSTALL_PREPARE_AHEAD": "0"}, tmp_path)
    elapsed = time.monotonic() - start
    assert rc == 0, tty
    assert installed(venv) == {"big0": "1.0", "big1": "1.0", "tiny": "1.0"}
    tty = tty.replace("\r\n", "\n")  # the terminal's line discipline
    states = screens(tty)
    # The overall line with its bar, and under it the big files with bytes of their size and a rate.
    file_line = re.compile(r"^  (big[01]-1\.0-py3-none-any\.whl)\s+([\d.]+ [kM]?B)/([\d.]+ MB)  [\d.]+ [kM]?B/s(  ETA \d+:\d\d)?$", re.M)
    with_files = [s for s in states if file_line.search(s)]
    assert with_files, repr(tty[:2000])
    assert "\nPreparing 0/3 packages [>" in tty, repr(tty[:500])  # the first state, at once
    sizes = {w.filename: w.path.stat().st_size for w in wheels}
    for m in file_line.finditer("\n".join(with_files)):
        total = float(m.group(3).split()[0]) * 1e6
        assert abs(total - sizes[m.group(1)]) < 0.06e6, (m.group(0), sizes)
    assert not any("tiny-1.0" in s for s in states)  # small files get no line of their own
    # Counts only go up.
    counts = [int(c) for c in re.findall(r"Preparing (\d+)/3 packages", tty)]
    assert counts == sorted(counts), counts
    # At most 10 redraws a second (one erase per redraw after the first).
    redraws = len(re.findall(r"\r\x1b\[J", tty))
    assert redraws <= elapsed * 10 + 2, (redraws, elapsed)
    # Erased before the summary: what stays on screen after the last erase is the summary.
    final = states[-1]
    assert final.startswith("Resolved 3 packages") or "Prepared 3 packages" in final.split("\n")[0], repr(final)
    assert "Preparing" not in final and " + big1==1.0" in final


def test_no_progress_and_not_a_terminal(slow_index, tmp_path, ptinstall):
    url, _ = slow_index
    rc, tty = run_on_tty(("pip", "install", "--python", make_venv(tmp_path / "v1"), "--index-url", url,
                          "--no-progress", "big0"), {}, tmp_path)
    assert rc == 0 and "Preparing" not in tty and "\x1b[" not in tty and "Installed 1 package" in tty
    r = ptinstall("pip", "install", "--python", make_venv(tmp_path / "v2"), "--index-url", url, "big1", check=True)
    assert "Preparing" not in r.stderr and "\x1b[" not in r.stderr and "\r" not in r.stderr
    assert "Installed 1 package" in r.stderr
