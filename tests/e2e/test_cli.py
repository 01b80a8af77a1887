"""The command line itself: version, help, the option set, and how errors look."""

PIP_INSTALL_OPTIONS = [
    "--requirement", "--constraint", "--overrides", "--index-url", "--extra-index-url", "--find-links",
    "--no-index", "--index-strategy", "--torch-backend", "--python", "--system", "--target", "--prefix",
    "--break-system-packages", "--no-deps", "--upgrade", "--upgrade-package", "--reinstall", "--pre",
    "--prerelease", "--resolution", "--python-version", "--python-platform", "--only-binary", "--no-binary",
    "--require-hashes", "--dry-run", "--report", "--link-mode", "--compile-bytecode", "--no-cache",
    "--cache-dir", "--refresh", "--offline", "--quiet", "--verbose", "--color", "--no-progress",
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
