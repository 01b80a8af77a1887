"""The README's Quickstart runs as written: every `sh` block, in order, in a scratch directory, against the
built binary and the demo index (tests/e2e/indexserver.py demo). Lines marked `# needs the internet` are
left out, and so are ./scripts/bootstrap and ./scripts/test (the harness has built the binary; the suite
cannot run itself). Also: the demo's nginx stops however the demo ends."""
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, binary
from indexserver import free_port, nginx_binary

README = ROOT / "README.md"
INTERNET = "# needs the internet"
HARNESS = ("./scripts/bootstrap", "./scripts/test")


def quickstart_commands(text: str):
    """The commands of the Quickstart's sh blocks (continuation lines joined), and those left out."""
    section = text[text.index("## Quickstart"):text.index("## Status")]
    run, skipped = [], []
    for block in re.findall(r"^```sh\n(.*?)^```", section, re.M | re.S):
        for command in re.sub(r"\\\n\s*", "", block).splitlines():
            if not command.strip():
                continue
            if INTERNET in command or command.split()[0] in HARNESS:
                skipped.append(command)
            else:
                run.append(command)
    return run, skipped


def port_closed(port: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                pass
        except OSError:
            return True
        time.sleep(0.1)
    return False


def clean_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("UV_", "PTINSTALL_", "VIRTUAL_ENV", "CONDA_PREFIX"))}
    env.update(PTINSTALL_CACHE_DIR=str(tmp_path / "cache"), HOME=str(tmp_path / "home"), NO_COLOR="1",
               XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"))
    return env


def test_quickstart_parses_into_the_commands_it_shows():
    run, skipped = quickstart_commands(README.read_text())
    assert any("--torch-backend=auto" in c and "127.0.0.1:8765" in c for c in run)
    assert any(c.startswith("python3 tests/e2e/indexserver.py demo") for c in run)
    assert run[-1] == "kill %1"
    assert all(INTERNET in c or c.split()[0] in HARNESS for c in skipped)
    # Every command meant for the internet says so: none of those that run names a remote host.
    assert not [c for c in run if re.search(r"https?://(?!127\.0\.0\.1)", c)]


@pytest.mark.skipif(not nginx_binary(), reason="nginx is not installed (./scripts/bootstrap installs it)")
def test_readme_quickstart_runs(tmp_path):
    run, _ = quickstart_commands(README.read_text())
    port = free_port()
    demo = tmp_path / "ptdemo"
    script = "\n".join(c.replace("8765", str(port)).replace("/tmp/ptdemo", str(demo)) for c in run)
    work = tmp_path / "work"
    (work / "build").mkdir(parents=True)
    (work / "build" / "ptinstall").symlink_to(binary())
    (work / "tests").symlink_to(ROOT / "tests")
    (work / "scripts").symlink_to(ROOT / "scripts")
    proc = subprocess.run(["bash", "-euxo", "pipefail", "-c", script], cwd=work, env=clean_env(tmp_path),
                          capture_output=True, text=True, timeout=900)
    try:
        assert proc.returncode == 0, f"{script}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        # What the commands printed: the torch stand-in and torchvision of one backend, the local project.
        m = re.search(r"^2\.9\.1\+(\w+) 0\.24\.1\+(\w+)$", proc.stdout, re.M)
        assert m and m.group(1) == m.group(2), proc.stdout
        assert "hello from a local project" in proc.stdout
        # pip freeze after pip sync: exactly the pins (sync removed torch and the rest)
        assert proc.stdout.endswith("jinja2==3.1.6\nmarkupsafe==3.0.2\n"), proc.stdout
        # `kill %1` stopped the demo, and the demo stopped its nginx.
        assert port_closed(port), "the demo's nginx still answers after `kill %1`"
    finally:
        if not port_closed(port, timeout=0.1):
            subprocess.run(["fuser", "-k", f"{port}/tcp"], capture_output=True)


@pytest.mark.skipif(not nginx_binary(), reason="nginx is not installed")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL])
def test_demo_server_stops_nginx_however_it_ends(tmp_path, sig):
    (tmp_path / "root" / "simple").mkdir(parents=True)
    (tmp_path / "root" / "simple" / "index.html").write_text("<html></html>")
    port = free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "tests/e2e/indexserver.py"), "serve",
                               str(tmp_path / "root"), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "serving" in server.stdout.readline()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        server.send_signal(sig)
        server.wait(timeout=30)
        assert port_closed(port), f"nginx outlived the server stopped by {sig.name}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
