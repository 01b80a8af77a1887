"""The command line itself: version, help, the option set, and how errors look."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from envtools import make_venv  # noqa: E402

PIP_INSTALL_OPTIONS = [
    "--requirement", "--constraint", "--overrides", "--index-url", "--extra-index-url", "--find-links",
    "--no-index", "--index-strategy", "--torch-backend", "--python", "--system", "--target", "--prefix",
    "--break-system-packages", "--no-deps", "--upgrade", "--upgrade-package", "--reinstall", "--pre",
    "--prerelease", "--resolution", "--python-version", "--python-platform", "--only-binary", "--no-binary",
    "--require-hashes", "--dry-run", "--report", "--link-mode", "--compile-bytecode", "--no-cache",
    "--cache-dir", "--refresh", "--offline", "--quiet", "--verbose", "--color", "--no-progress",
    "--allow-insecure-host", "--trusted-host", "--timeout", "--retries", "--cert", "--client-cert", "--proxy",
    "--native-tls", "--system-certs",
]

# Every variable the HTTP client honours (docs/network.md), flag or not.
NETWORK_VARIABLES = [
    "PTINSTALL_HTTP_TIMEOUT", "UV_HTTP_TIMEOUT", "UV_REQUEST_TIMEOUT", "PTINSTALL_HTTP_CONNECT_TIMEOUT",
    "UV_HTTP_CONNECT_TIMEOUT", "PTINSTALL_HTTP_RETRIES", "UV_HTTP_RETRIES", "PTINSTALL_CONCURRENT_DOWNLOADS",
    "UV_CONCURRENT_DOWNLOADS", "SSL_CERT_FILE", "SSL_CERT_DIR", "UV_NATIVE_TLS", "UV_SYSTEM_CERTS",
    "PTINSTALL_INSECURE_HOST", "UV_INSECURE_HOST", "all_proxy", "ALL_PROXY", "https_proxy", "HTTPS_PROXY",
    "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY", "NETRC",
]


def test_version(ptinstall):
    r = ptinstall("--version", check=True)
    assert r.stdout.startswith("ptinstall ")


def test_help_lists_commands(ptinstall):
    r = ptinstall("pip", "--help", check=True)
    for cmd in ("install", "uninstall", "list", "freeze", "show", "check", "compile", "sync"):
        assert cmd in r.stdout
    assert "venv" in ptinstall("--help", check=True).stdout


def test_pip_install_help_shows_every_option(ptinstall):
    out = ptinstall("pip", "install", "--help", check=True).stdout
    missing = [o for o in PIP_INSTALL_OPTIONS if o not in out]
    assert not missing, missing
    # short forms
    for short in ("-r,", "-c,", "-i,", "-f,", "-p,", "-t,", "-U,", "-P,", "-q,", "-v,"):
        assert short in out, short
    assert "UV_TORCH_BACKEND" in out


def test_help_lists_the_network_variables(ptinstall):
    for cmd in ("install", "compile", "sync"):
        out = ptinstall("pip", cmd, "--help", check=True).stdout
        missing = [v for v in NETWORK_VARIABLES if v not in out]
        assert not missing, (cmd, missing)
    out = ptinstall("pip", "install", "--help", check=True).stdout
    # The ones without a flag come after the options, with their default and config-file key.
    footer = out.split("Environment variables without a flag:\n", 1)[1]
    assert "  PTINSTALL_HTTP_CONNECT_TIMEOUT, UV_HTTP_CONNECT_TIMEOUT\n" in footer
    assert "[default: 10]" in footer and "[config: concurrent-downloads]" in footer
    assert "--timeout SECONDS" in out and "[env: PTINSTALL_HTTP_TIMEOUT, UV_HTTP_TIMEOUT, UV_REQUEST_TIMEOUT]" in out
    # --client-cert is declared, in the group of the options not supported yet.
    assert out.index("--client-cert") > out.index("Options (not supported yet):")
    # Commands that never fetch anything do not list them.
    assert "UV_HTTP_TIMEOUT" not in ptinstall("pip", "list", "--help", check=True).stdout


def test_invalid_network_settings_name_their_origin(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--dry-run", "--python", venv / "bin" / "python", "--index-url",
            "http://127.0.0.1:1/simple/", "x")
    r = ptinstall(*base, env={"UV_HTTP_TIMEOUT": "soon"}, check=False)
    assert r.returncode == 1, r
    assert "error: invalid value for UV_HTTP_TIMEOUT: 'soon'" in r.stderr and "hint: expected a number > 0" in r.stderr
    r = ptinstall(*base, "--retries", "-1", env={"UV_HTTP_RETRIES": "2"}, check=False)
    assert "error: invalid value for --retries: '-1'" in r.stderr and "hint: expected a number >= 0" in r.stderr
    r = ptinstall(*base, "--cert", tmp_path / "missing.pem", check=False)
    assert f"error: invalid value for --cert: '{tmp_path / 'missing.pem'}' is not a file" in r.stderr, r
    r = ptinstall(*base, "--client-cert", tmp_path / "me.pem", check=False)
    assert "error: --client-cert is not supported yet" in r.stderr, r
    # A config file's value is named by its key and file.
    (tmp_path / "uv.toml").write_text("concurrent-downloads = 0\n")
    r = ptinstall(*base, check=False)
    assert "error: invalid value for `concurrent-downloads` in " in r.stderr and "uv.toml: '0'" in r.stderr, r


def test_each_subcommand_has_help(ptinstall):
    for cmd in (["pip", "install"], ["pip", "uninstall"], ["pip", "list"], ["pip", "freeze"], ["pip", "show"],
                ["pip", "check"], ["pip", "compile"], ["pip", "sync"], ["venv"], ["torch-backend"]):
        r = ptinstall(*cmd, "--help")
        assert r.returncode == 0, (cmd, r)
        assert "Usage:" in r.stdout


def test_unknown_option_is_an_error_with_hint(ptinstall):
    r = ptinstall("pip", "install", "--no-such-option", check=False)
    assert r.returncode == 2
    assert r.stderr.startswith("error: ")
    assert "hint: " in r.stderr


def test_bad_choice_from_environment(ptinstall):
    r = ptinstall("pip", "install", "x", env={"UV_INDEX_STRATEGY": "bogus"}, check=False)
    assert "error: invalid value `bogus` for UV_INDEX_STRATEGY" in r.stderr
    assert "first-index" in r.stderr


def test_unknown_command_suggests_the_closest(ptinstall):
    r = ptinstall("pip", "lst", check=False)
    assert r.returncode == 2
    assert "error: unrecognized command `ptinstall pip lst`" in r.stderr
    assert "hint: did you mean `list`?" in r.stderr
    r = ptinstall("frobnicate", check=False)
    assert "hint: commands: pip, venv, torch-backend" in r.stderr


def test_missing_command_lists_the_commands(ptinstall):
    r = ptinstall("pip", check=False)
    assert r.returncode == 2
    assert "error: `ptinstall pip` needs a command" in r.stderr
    assert "install, uninstall, list" in r.stderr


def test_misspelt_option_suggests_the_closest(ptinstall):
    r = ptinstall("pip", "install", "--offlin", "x", check=False)
    assert r.returncode == 2
    assert "error: unexpected argument `--offlin` for `ptinstall pip install`" in r.stderr
    assert "hint: did you mean `--offline`?" in r.stderr


def test_managed_python_flags(ptinstall, tmp_path):
    """uv's --no-managed-python is what ptinstall always does (the machine's interpreters); --managed-python (or
    UV_MANAGED_PYTHON) asks for what it never does: a usage error that says so."""
    venv = make_venv(tmp_path / "venv")
    r = ptinstall("pip", "list", "--python", venv / "bin" / "python", "--no-managed-python", check=True)
    assert r.stderr == "", r.stderr
    r = ptinstall("pip", "list", "--python", venv / "bin" / "python", "--managed-python", check=False)
    assert r.returncode == 2 and r.stderr == (
        "error: --managed-python: ptinstall does not install or manage Python; it uses the interpreters on this machine\n"
        "hint: drop it, or name an interpreter with --python\n"), r.stderr
    r = ptinstall("pip", "list", "--python", venv / "bin" / "python", env={"UV_MANAGED_PYTHON": "1"}, check=False)
    assert r.returncode == 2 and r.stderr.startswith("error: UV_MANAGED_PYTHON (managed-python): "), r.stderr
