"""--keyring-provider subprocess: credentials for a private index (nginx with basic auth) from a
`keyring` command on PATH, asked as pip and uv ask it (`keyring get SERVICE USERNAME`, the index URL
first, then host:port; `--mode creds` without a username), only after a 401, and never printed."""
import os
import stat
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import make_venv  # noqa: E402
from indexserver import nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

PASSWORD = "k3yr1ng-Pa55"

# Python's keyring CLI in miniature: logs each call, answers from the table file next to it
# ("SERVICE USERNAME PASSWORD" lines); `--mode creds` prints the first username and password of the
# service. KEYRING_OLD=1 refuses --mode as keyring < 25.2.1 does.
FAKE_KEYRING = r"""#!/bin/sh
here=$(dirname "$0")
echo "$*" >> "$here/calls.log"
[ "$1" = get ] || exit 2
if [ "$3" = --mode ]; then
  if [ -n "$KEYRING_OLD" ]; then echo "keyring: error: unrecognized arguments: --mode" >&2; exit 2; fi
  awk -v s="$2" '$1 == s { print $2; print $3; found = 1; exit } END { exit !found }' "$here/table"
  exit $?
fi
awk -v s="$2" -v u="$3" '$1 == s && $2 == u { print $3; found = 1; exit } END { exit !found }' "$here/table"
"""


@pytest.fixture
def private_index(tmp_path, make_index):
    out = tmp_path / "wheels"
    wheels = [wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["lib>=1.0"]),
              wheelmaker.build_wheel(out, "lib", "1.0")]
    return make_index(wheels, basic_auth={"alice": PASSWORD})


class Keyring:
    def __init__(self, bin_dir: Path, table: str):
        bin_dir.mkdir(parents=True, exist_ok=True)
        self.dir = bin_dir
        (bin_dir / "table").write_text(table)
        prog = bin_dir / "keyring"
        prog.write_text(FAKE_KEYRING)
        prog.chmod(prog.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

    def env(self, **extra):
        return {"PATH": f"{self.dir}{os.pathsep}{os.environ['PATH']}", **extra}

    def calls(self):
        log = self.dir / "calls.log"
        return log.read_text().splitlines() if log.exists() else []


def hostport(server):
    return f"127.0.0.1:{server.port}"


def installed(venv):
    return sorted(p.name for p in (venv / "lib").glob("python*/site-packages/*.dist-info"))


def test_install_with_username_in_the_index_url(ptinstall, tmp_path, private_index):
    server = private_index
    keyring = Keyring(tmp_path / "bin", f"{hostport(server)} alice {PASSWORD}\n")
    venv = make_venv(tmp_path / "venv")
    index = f"http://alice@{hostport(server)}/simple/"
    r = ptinstall("pip", "install", "-v", "--python", venv / "bin" / "python", "--index-url", index,
                  "--keyring-provider", "subprocess", "app", env=keyring.env(), check=True)
    assert " + app==1.0" in r.stderr and " + lib==1.0" in r.stderr
    # pip's and uv's order: the index URL (credentials removed), then host:port; asked once each.
    assert keyring.calls() == [f"get http://{hostport(server)}/simple/ alice", f"get {hostport(server)} alice"]
    assert PASSWORD not in r.stdout + r.stderr
    import subprocess
    subprocess.run([str(venv / "bin" / "python"), "-c", "import app, lib"], check=True)
    # Every page and file after the first 401 went with the credentials: one 401 in nginx's log.
    statuses = [q.status for q in server.requests()]
    assert statuses.count(401) == 1, [(q.uri, q.status) for q in server.requests()]


@pytest.mark.parametrize("how", ["UV_KEYRING_PROVIDER", "PIP_KEYRING_PROVIDER", "PTINSTALL_KEYRING_PROVIDER",
                                 "uv.toml"])
def test_the_environment_and_config_files_turn_it_on(ptinstall, tmp_path, private_index, how):
    server = private_index
    keyring = Keyring(tmp_path / "bin", f"{hostport(server)} alice {PASSWORD}\n")
    venv = make_venv(tmp_path / "venv")
    args = ["pip", "install", "--python", venv / "bin" / "python", "--index-url",
            f"http://alice@{hostport(server)}/simple/", "app"]
    env = keyring.env()
    if how == "uv.toml":
        (tmp_path / "uv.toml").write_text('keyring-provider = "subprocess"\n')
        args[2:2] = ["--config-file", tmp_path / "uv.toml"]
    else:
        env[how] = "subprocess"
    r = ptinstall(*args, env=env, check=True)
    assert " + app==1.0" in r.stderr
    assert "does not implement" not in r.stderr and "warning" not in r.stderr, r


def test_without_a_username_asks_for_creds_mode(ptinstall, tmp_path, private_index):
    server = private_index
    keyring = Keyring(tmp_path / "bin", f"http://{hostport(server)}/simple/ alice {PASSWORD}\n")
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "--keyring-provider", "subprocess", "app", env=keyring.env(), check=True)
    assert " + app==1.0" in r.stderr
    assert keyring.calls() == [f"get http://{hostport(server)}/simple/ --mode creds"]


def test_an_old_keyring_without_creds_mode_is_explained(ptinstall, tmp_path, private_index):
    server = private_index
    keyring = Keyring(tmp_path / "bin", f"{hostport(server)} alice {PASSWORD}\n")
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                  "--keyring-provider", "subprocess", "app", env=keyring.env(KEYRING_OLD="1"), check=False)
    assert "401" in r.stderr
    assert r.stderr.count("does not support `--mode creds`") == 1, r
    assert "USER@host" in r.stderr
    assert installed(venv) == []


def test_off_by_default_and_the_hint_names_it(ptinstall, tmp_path, private_index):
    server = private_index
    keyring = Keyring(tmp_path / "bin", f"{hostport(server)} alice {PASSWORD}\n")
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url",
                  f"http://alice@{hostport(server)}/simple/", "app", env=keyring.env(), check=False)
    assert "HTTP 401" in r.stderr
    assert "--keyring-provider subprocess" in r.stderr  # the hint
    assert keyring.calls() == []
    assert installed(venv) == []


def test_wrong_password_and_missing_program(ptinstall, tmp_path, private_index):
    server = private_index
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url",
            f"http://alice@{hostport(server)}/simple/", "--keyring-provider", "subprocess", "app")
    keyring = Keyring(tmp_path / "bin", f"{hostport(server)} alice not-{PASSWORD}\n")
    r = ptinstall(*base, env=keyring.env(), check=False)
    assert "HTTP 401" in r.stderr
    assert "not-" + PASSWORD not in r.stderr + r.stdout
    # Asked once per service, not once per retry.
    assert len(keyring.calls()) == 2, keyring.calls()
    assert installed(venv) == []

    # No keyring on PATH: said once, then the 401 as without the option.
    r = ptinstall(*base, env={"PATH": "/usr/bin:/bin"}, check=False)
    assert r.stderr.count("`keyring` command was not found on PATH") == 1, r
    assert "HTTP 401" in r.stderr


def test_pip_values_auto_and_import(ptinstall, tmp_path, private_index):
    server = private_index
    keyring = Keyring(tmp_path / "bin", f"{hostport(server)} alice {PASSWORD}\n")
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url",
            f"http://alice@{hostport(server)}/simple/", "app")
    # auto: the keyring on PATH is used (pip's default provider when keyring is installed).
    r = ptinstall(*base, "--keyring-provider", "auto", env=keyring.env(), check=True)
    assert " + app==1.0" in r.stderr
    r = ptinstall("pip", "uninstall", "-y", "--python", venv / "bin" / "python", "app", "lib", check=True)
    # import: no Python module to import here; the command stands in for it, with a warning.
    r = ptinstall(*base, "--keyring-provider", "import", env=keyring.env(), check=True)
    assert "warning: --keyring-provider: ptinstall cannot import Python's keyring module" in r.stderr
    # An unknown value is refused before anything is fetched.
    r = ptinstall(*base, "--keyring-provider", "always", check=False)
    assert "keyring-provider" in r.stderr


@pytest.mark.parametrize("authenticate", ["auto", "never"])
def test_authenticate_never_sends_and_looks_up_nothing(ptinstall, tmp_path, private_index, authenticate):
    """uv's `authenticate = "never"`: requests under the index carry no credentials from ~/.netrc, from the
    keyring, or from another URL of the same host; the same setup with `auto` authenticates (the netrc
    answers first, so the keyring is not asked)."""
    server = private_index
    keyring = Keyring(tmp_path / "bin", f"http://{hostport(server)}/simple/ alice {PASSWORD}\n")
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login alice password {PASSWORD}\n")
    netrc.chmod(0o600)
    config = tmp_path / "uv.toml"
    config.write_text(f'[[index]]\nname = "private"\nurl = "{server.index_url()}"\ndefault = true\n'
                      f'authenticate = "{authenticate}"\n')
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--config-file", config,
                  "--keyring-provider", "subprocess", "app", env=keyring.env(NETRC=str(netrc)),
                  check=authenticate == "auto")
    assert PASSWORD not in r.stdout + r.stderr
    if authenticate == "auto":
        assert installed(venv) == ["app-1.0.dist-info", "lib-1.0.dist-info"]
        return
    assert r.returncode == 1 and "HTTP 401" in r.stderr, r.stderr
    assert keyring.calls() == []
    assert installed(venv) == []
    # credentials in the URL of a `never` index are an error before any request
    config.write_text(f'[[index]]\nname = "private"\nurl = "http://alice:{PASSWORD}@{hostport(server)}/simple/"\n'
                      'default = true\nauthenticate = "never"\n')
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--config-file", config, "app",
                  check=False)
    assert 'authenticate = "never"' in r.stderr and PASSWORD not in r.stderr
