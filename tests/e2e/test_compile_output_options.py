"""`ptinstall pip compile`'s output options, uv's spelling and format: --annotation-style, --no-emit-package
(--unsafe-package), --emit-index-url, --emit-find-links, --emit-build-options, --emit-index-annotation,
--emit-marker-expression, --no-strip-extras and --no-deps, from the command line and from a config file,
against indexes served by nginx on 127.0.0.1. Whole outputs are compared where the wording matters, and
files that carry their indexes are installed without naming an index again."""
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import make_venv, installed  # noqa: E402
from indexserver import nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

QUIET = {"PTINSTALL_HTTP_RETRIES": "0"}


def graph(tmp_path: Path):
    out = tmp_path / "wheels"
    return [
        wheelmaker.build_wheel(out, "app", "1.0", provides_extra=["fast"],
                               requires_dist=["lib>=1.0", "util", "fastdep; extra == 'fast'",
                                              "winonly; sys_platform == 'win32'"]),
        wheelmaker.build_wheel(out, "lib", "2.0", requires_dist=["util>=2"]),
        wheelmaker.build_wheel(out, "util", "2.5"),
        wheelmaker.build_wheel(out, "fastdep", "0.5"),
        wheelmaker.build_wheel(out, "winonly", "1.0"),
    ]


@pytest.fixture
def setup(ptinstall, make_index, tmp_path):
    server = make_index(graph(tmp_path))
    venv = make_venv(tmp_path / "venv")
    (tmp_path / "requirements.in").write_text("app[fast]\n")

    def compile_(*args, check=True, env=None):
        return ptinstall("pip", "compile", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
                         "--no-header", "requirements.in", *args, env={**QUIET, **(env or {})}, check=check)
    return server, venv, compile_


SPLIT = ("app==1.0\n"
         "    # via -r requirements.in\n"
         "fastdep==0.5\n"
         "    # via app\n"
         "lib==2.0\n"
         "    # via app\n"
         "util==2.5\n"
         "    # via\n"
         "    #   app\n"
         "    #   lib\n")


def test_annotation_style_split_is_the_default_and_line_is_uvs(setup, tmp_path):
    _, _, compile_ = setup
    assert compile_().stdout == SPLIT
    assert compile_("--annotation-style", "split").stdout == SPLIT
    # uv's line style: the pin padded to 24 columns, then its dependents (sorted), then the files.
    (tmp_path / "requirements.in").write_text("app[fast]\nutil\n")
    assert compile_("--annotation-style", "line").stdout == (
        "app==1.0                  # via -r requirements.in\n"
        "fastdep==0.5              # via app\n"
        "lib==2.0                  # via app\n"
        "util==2.5                 # via app, lib, -r requirements.in\n")
    # With hashes the annotation goes on its own line after them.
    out = compile_("--annotation-style", "line", "--generate-hashes").stdout
    lines = out.splitlines()
    i = lines.index("util==2.5 \\")
    assert lines[i + 1].startswith("    --hash=sha256:") and lines[i + 2] == "    # via app, lib, -r requirements.in"
    r = compile_("--annotation-style", "column", check=False)
    assert r.returncode == 2 and "column" in r.stderr


def test_no_emit_package_and_unsafe_package(setup):
    _, _, compile_ = setup
    r = compile_("--no-emit-package", "util", "--unsafe-package", "FastDep", "--unsafe-package", "not-resolved")
    assert r.stdout == ("app==1.0\n"
                        "    # via -r requirements.in\n"
                        "lib==2.0\n"
                        "    # via app\n"
                        "\n"
                        "# The following packages were excluded from the output:\n"
                        "# util\n"
                        "# fastdep\n")


@pytest.mark.parametrize("universal", [False, True])
def test_no_emit_package_in_a_lock(setup, ptinstall, tmp_path, universal):
    _, _, compile_ = setup
    (tmp_path / "requirements.in").write_text("app\n")
    r = compile_("--no-emit-package", "util", "-o", "pylock.toml", *(["--universal"] if universal else []))
    text = (tmp_path / "pylock.toml").read_text()
    assert 'name = "util"' not in text and 'name = "lib"' in text and 'name = "app"' in text
    # uv's closing comment follows the lock (a TOML comment).
    assert text.endswith("\n# The following packages were excluded from the output:\n# util\n")
    assert "warning" not in r.stderr
    # The lock still installs: without util.
    target = make_venv(tmp_path / "target")
    ptinstall("pip", "sync", "--python", target / "bin" / "python", "pylock.toml", env=QUIET, check=True)
    assert installed(target) == {"app": "1.0", "lib": "2.0"}


def test_emit_index_url_redacted_and_the_file_installs_from_it(ptinstall, make_index, tmp_path):
    public = make_index(graph(tmp_path))
    private = make_index([wheelmaker.build_wheel(tmp_path / "private", "secretpkg", "1.0")],
                         basic_auth={"alice": "s3cret"})
    venv = make_venv(tmp_path / "venv")
    (tmp_path / "requirements.in").write_text("app\nsecretpkg\n")
    private_url = private.index_url().replace("http://", "http://alice:s3cret@")
    base = ["pip", "compile", "--python", venv / "bin" / "python", "--index-url", public.index_url(),
            "--extra-index-url", private_url, "requirements.in", "--no-annotate"]
    r = ptinstall(*base, "--emit-index-url", "--no-header", env=QUIET, check=True)
    assert r.stdout == (f"--index-url {public.index_url()}\n"
                        f"--extra-index-url {private.index_url().replace('http://', 'http://alice:****@')}\n"
                        "\n"
                        "app==1.0\nlib==2.0\nsecretpkg==1.0\nutil==2.5\n")
    assert "s3cret" not in r.stdout
    # Without the option: no index lines (the header still names the command, redacted).
    r = ptinstall(*base, env=QUIET, check=True)
    assert "--index-url " not in r.stdout.split("\n", 2)[2] and "s3cret" not in r.stdout
    # A file with its public index installs without naming it.
    public_only = ["pip", "compile", "--python", venv / "bin" / "python", "--index-url", public.index_url(),
                   "--emit-index-url", "-o", "requirements.txt"]
    (tmp_path / "public.in").write_text("app\n")
    ptinstall(*public_only, "public.in", env=QUIET, check=True)
    target = make_venv(tmp_path / "target")
    ptinstall("pip", "sync", "--python", target / "bin" / "python", "requirements.txt", env=QUIET, check=True)
    assert installed(target) == {"app": "1.0", "lib": "2.0", "util": "2.5"}


def test_emit_find_links_and_no_index(ptinstall, tmp_path):
    wheels = graph(tmp_path)
    venv = make_venv(tmp_path / "venv")
    (tmp_path / "requirements.in").write_text("app\n")
    base = ["pip", "compile", "--python", venv / "bin" / "python", "--no-index", "--find-links", tmp_path / "wheels",
            "--no-header", "--no-annotate", "requirements.in"]
    r = ptinstall(*base, "--emit-find-links", "--emit-index-url", env=QUIET, check=True)
    # --no-index: no index line, whatever --emit-index-url says.
    assert r.stdout == f"--find-links {tmp_path / 'wheels'}\n\napp==1.0\nlib==2.0\nutil==2.5\n"
    assert wheels  # built above
    r = ptinstall(*base, env=QUIET, check=True)
    assert r.stdout == "app==1.0\nlib==2.0\nutil==2.5\n"
    # The file installs with its find-links line alone.
    (tmp_path / "requirements.txt").write_text(ptinstall(*base, "--emit-find-links", env=QUIET, check=True).stdout)
    target = make_venv(tmp_path / "target")
    ptinstall("pip", "sync", "--python", target / "bin" / "python", "--no-index", "requirements.txt", env=QUIET,
              check=True)
    assert installed(target) == {"app": "1.0", "lib": "2.0", "util": "2.5"}


def test_emit_build_options(setup, tmp_path):
    _, _, compile_ = setup
    (tmp_path / "requirements.in").write_text("--only-binary winonly\napp\n")
    r = compile_("--emit-build-options", "--no-binary", "fastdep", "--only-binary", "util,lib", "--no-annotate")
    assert r.stdout == ("--no-binary fastdep\n"
                        "--only-binary lib\n"
                        "--only-binary util\n"
                        "--only-binary winonly\n"
                        "\n"
                        "app==1.0\nlib==2.0\nutil==2.5\n")
    r = compile_("--emit-build-options", "--only-binary", ":all:", "--no-annotate")
    assert r.stdout.startswith("--only-binary :all:\n\napp==1.0\n")
    # Nothing to say: no preamble at all.
    (tmp_path / "requirements.in").write_text("app\n")
    assert compile_("--emit-build-options", "--no-annotate").stdout.startswith("app==1.0\n")


def test_emit_index_annotation(setup):
    server, _, compile_ = setup
    index = server.index_url().rstrip("/")
    out = compile_("--emit-index-annotation").stdout
    from_lines = [line for line in out.splitlines() if line.startswith("    # from ")]
    assert len(from_lines) == 4 and all(line.strip().rstrip("/") == f"# from {index}" for line in from_lines)
    assert out.splitlines()[:3] == ["app==1.0", "    # via -r requirements.in", from_lines[0]]
    # uv writes it even without the `# via` lines.
    out = compile_("--emit-index-annotation", "--no-annotate").stdout
    assert out.splitlines()[:4] == ["app==1.0", from_lines[0], "fastdep==0.5", from_lines[0]]


def test_no_strip_extras(setup, tmp_path):
    _, _, compile_ = setup
    assert compile_("--no-strip-extras", "--no-annotate").stdout == "app[fast]==1.0\nfastdep==0.5\nlib==2.0\nutil==2.5\n"
    assert compile_("--no-strip-extras", "--strip-extras", "--no-annotate", check=False).returncode == 2


def test_emit_marker_expression(setup, tmp_path):
    _, _, compile_ = setup
    # app's Requires-Dist compares sys_platform; the requirements file compares python_version.
    (tmp_path / "requirements.in").write_text("app\nutil ; python_version >= '3.8'\n")
    r = compile_("--emit-marker-expression", "--no-annotate", "--python-version", "3.12", "--python-platform", "linux")
    assert r.stdout == ("# Pinned dependencies known to be valid for:\n"
                        "#    python_full_version == '3.12.0' and sys_platform == 'linux'\n"
                        "app==1.0\nlib==2.0\nutil==2.5\n")
    # No marker anywhere: no comment.
    (tmp_path / "requirements.in").write_text("lib\n")
    assert compile_("--emit-marker-expression", "--no-annotate").stdout == "lib==2.0\nutil==2.5\n"


def test_no_deps(setup, tmp_path):
    _, _, compile_ = setup
    assert compile_("--no-deps").stdout == "app==1.0\n    # via -r requirements.in\n"
    assert compile_("--no-deps", "--universal", "--no-annotate").stdout == "app==1.0\n"
    # A lock too: only the package asked for.
    compile_("--no-deps", "-o", "pylock.toml")
    lock = (tmp_path / "pylock.toml").read_text()
    assert 'name = "app"' in lock and 'name = "lib"' not in lock and 'name = "util"' not in lock


def test_config_file_keys(setup, tmp_path):
    _, _, compile_ = setup
    config = tmp_path / "uv.toml"
    config.write_text('[pip]\nannotation-style = "line"\nno-emit-package = ["util"]\nno-strip-extras = true\n'
                      'emit-index-annotation = false\nemit-marker-expression = true\nemit-index-url = false\n'
                      'emit-find-links = false\nemit-build-options = true\n')
    r = compile_("--config-file", config)
    assert "not implement" not in r.stderr
    assert r.stdout == ("# Pinned dependencies known to be valid for:\n"
                        "#    sys_platform == 'linux'\n"
                        "app[fast]==1.0            # via -r requirements.in\n"
                        "fastdep==0.5              # via app\n"
                        "lib==2.0                  # via app\n"
                        "\n"
                        "# The following packages were excluded from the output:\n"
                        "# util\n")
    # The command line wins over the file.
    r = compile_("--config-file", config, "--annotation-style", "split", "--strip-extras", "--no-emit-marker-expression")
    assert r.stdout.startswith("app==1.0\n    # via -r requirements.in\n")


def test_universal_output_options(setup):
    server, _, compile_ = setup
    r = compile_("--universal", "--emit-index-url", "--no-emit-package", "lib", "--no-strip-extras",
                 "--annotation-style", "line")
    assert r.stdout == (f"--index-url {server.index_url()}\n"
                        "\n"
                        "app[fast]==1.0            # via -r requirements.in\n"
                        "fastdep==0.5              # via app\n"
                        "util==2.5                 # via app, lib\n"
                        "winonly==1.0 ; sys_platform == \"win32\"  # via app\n"
                        "\n"
                        "# The following packages were excluded from the output:\n"
                        "# lib\n")


def test_pylock_output_warns_about_requirements_txt_options(setup):
    _, _, compile_ = setup
    r = compile_("--emit-index-url", "-o", "pylock.toml")
    assert "warning: --emit-index-url has no effect on pylock.toml output" in r.stderr


def test_installs_what_line_style_wrote(setup, ptinstall, tmp_path):
    """pip reads uv's line style (a comment after the requirement) and installs exactly the pins."""
    server, _, compile_ = setup
    compile_("--annotation-style", "line", "--no-strip-extras", "-o", "requirements.txt")
    target = make_venv(tmp_path / "target", with_pip=True)
    subprocess.run([str(target / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "--no-deps", "--index-url", server.index_url(), "-r", str(tmp_path / "requirements.txt")],
                   check=True)
    have = {k: v for k, v in installed(target).items() if k not in ("pip", "setuptools")}
    assert have == {"app": "1.0", "fastdep": "0.5", "lib": "2.0", "util": "2.5"}


def test_no_strip_markers(ptinstall, make_index, tmp_path):
    out = tmp_path / "wheels"
    server = make_index(graph(tmp_path) + [
        wheelmaker.build_wheel(out, "tool", "1.0", provides_extra=["plugins"],
                               requires_dist=["plug ; extra == 'plugins' and os_name == 'nt'", "util"]),
        wheelmaker.build_wheel(out, "plug", "1.0"),
    ])
    venv = make_venv(tmp_path / "venv")
    (tmp_path / "requirements.in").write_text("app[fast] ; python_version >= '3.8'\ntool[plugins]\n")
    base = ["pip", "compile", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "--no-header",
            "--no-annotate", "requirements.in", "--python-platform", "windows"]
    r = ptinstall(*base, "--no-strip-markers", env=QUIET, check=True)
    # Each pin with the conditions along the paths that need it; util is needed by tool unconditionally.
    assert r.stdout == ('app==1.0 ; python_version >= "3.8"\n'
                        'fastdep==0.5 ; python_version >= "3.8"\n'
                        'lib==2.0 ; python_version >= "3.8"\n'
                        'plug==1.0 ; os_name == "nt"\n'
                        'tool==1.0\n'
                        'util==2.5\n'
                        'winonly==1.0 ; python_version >= "3.8" and sys_platform == "win32"\n')
    # The same from a config file.
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "uv.toml").write_text("[pip]\nno-strip-markers = true\n")
    r2 = ptinstall(*base, "--config-file", tmp_path / "conf" / "uv.toml", env=QUIET, check=True)
    assert r2.stdout == r.stdout and "not implement" not in r2.stderr
    # The default strips them; --strip-markers says so explicitly (both at once is a usage error).
    plain = ptinstall(*base, env=QUIET, check=True).stdout
    assert plain == ptinstall(*base, "--strip-markers", env=QUIET, check=True).stdout
    assert " ; " not in plain and "winonly==1.0" in plain
    assert ptinstall(*base, "--no-strip-markers", "--strip-markers", env=QUIET).returncode == 2
    # pip reads the markers: on Linux it leaves the Windows-only pins out.
    (tmp_path / "requirements.txt").write_text(r.stdout)
    target = make_venv(tmp_path / "target", with_pip=True)
    subprocess.run([str(target / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "--no-deps", "--index-url", server.index_url(), "-r", str(tmp_path / "requirements.txt")],
                   check=True)
    have = {k: v for k, v in installed(target).items() if k not in ("pip", "setuptools")}
    assert have == {"app": "1.0", "fastdep": "0.5", "lib": "2.0", "tool": "1.0", "util": "2.5"}
