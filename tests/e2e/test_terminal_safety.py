"""Bytes from a server never reach the terminal raw: a corrupted index page whose error or debug output quotes it
(control characters, an escape sequence, invalid UTF-8) is printed escaped, and the environment is untouched."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from conftest import binary  # noqa: E402
from envtools import make_venv, snapshot  # noqa: E402
from indexserver import nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")


GARBAGE = b"\x1b[2J\x1b]0;pwned\x07 \xff\xfe\r\x9b31m"


@pytest.mark.parametrize("page_name,body", [
    ("index.json", b'{"meta": {"api-version": "1.1"}, "name": "lib", "files": [{"filename": "' + GARBAGE + b'"'),
    ("index.json", b'{"meta": {"api-version": "1.1"}, "name": "lib", "files": [{"filename": '
                   b'"lib-1.0-py3-none-any.whl", "url": "../../files/lib-1.0-py3-none-any.whl", "hashes": {}, '
                   b'"requires-python": "\\u001b[2J\\u009b31m\\u0007"}]}'),
    ("index.html", b'<a href="../../files/lib-1.0-py3-none-any.whl" data-requires-python="' + GARBAGE + b'">x</a>'),
], ids=["json-garbage", "json-escaped-controls", "html-attribute"])
def test_a_corrupted_page_is_quoted_escaped(make_index, tmp_path, page_name, body):
    server = make_index([wheelmaker.build_wheel(tmp_path / "w", "lib", "1.0")], json_pages=page_name == "index.json")
    page = Path(server.root) / "simple" / "lib" / page_name
    page.write_bytes(body)
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PTINSTALL_", "VIRTUAL_ENV"))}
    env.update({"PTINSTALL_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path / "home"), "NO_COLOR": "1",
                "PTINSTALL_HTTP_RETRIES": "0"})
    proc = subprocess.run([binary(), "pip", "install", "--dry-run", "-vv", "--python", str(venv / "bin" / "python"), "--index-url",
                           server.index_url(), "lib"], env=env, capture_output=True, timeout=120)
    err = proc.stderr
    text = err.decode("utf-8")  # valid UTF-8, whatever the page held
    assert "lib" in text, text
    for raw in (b"\x1b", b"\x07", b"\r", b"\xff", b"\x9b"):
        assert raw not in err, err
    assert snapshot(venv) == before
