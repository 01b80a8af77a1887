"""`ptinstall pip tree` (uv's command and options) over a real environment (issue 17).

    app 1.0 -> web>=2, db; extra "cli" -> click
    web 2.1 -> util, db<5
    db 4.0 -> util
    util 1.0
    loop-a 1.0 -> loop-b       (a cycle nothing else requires)
    loop-b 1.0 -> loop-a
    gone 1.0 -> not-installed  (a requirement on a package that is not there)
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import wheelmaker  # noqa: E402
from envtools import make_venv  # noqa: E402


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    from conftest import binary
    import subprocess
    tmp = tmp_path_factory.mktemp("tree")
    d = tmp / "links"
    for name, version, reqs in [
        ("app", "1.0", ["web>=2", "db", 'click; extra == "cli"']),
        ("web", "2.1", ["util", "db<5"]),
        ("db", "4.0", ["util"]),
        ("util", "1.0", []),
        ("loop-a", "1.0", ["loop-b"]),
        ("loop-b", "1.0", ["loop-a"]),
        ("gone", "1.0", ["not-installed"]),
    ]:
        wheelmaker.build_wheel(d, name, version, requires_dist=reqs,
                               provides_extra=["cli"] if name == "app" else ())
    v = make_venv(tmp / "venv")
    subprocess.run([binary(), "pip", "install", "--python", str(v), "--no-index", "-f", str(d), "--no-deps",
                    "app", "web", "db", "util", "loop-a", "loop-b", "gone"], check=True, capture_output=True,
                   env={"PTINSTALL_CACHE_DIR": str(tmp / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp)})
    return v


def tree(ptinstall, venv, *args):
    r = ptinstall("pip", "tree", "--python", venv, *args, check=True)
    assert r.stderr == ""
    return r.stdout


def test_tree(ptinstall, venv):
    assert tree(ptinstall, venv) == (
        "app v1.0\n"
        "├── db v4.0\n"
        "│   └── util v1.0\n"
        "└── web v2.1\n"
        "    ├── db v4.0 (*)\n"
        "    └── util v1.0\n"
        "gone v1.0\n"
        "loop-a v1.0\n"
        "└── loop-b v1.0\n"
        "    └── loop-a v1.0 (*)\n"
        "(*) Package tree already displayed\n")


def test_depth_specifiers_and_no_dedupe(ptinstall, venv):
    assert tree(ptinstall, venv, "--package", "app", "--depth", "1", "--show-version-specifiers") == (
        "app v1.0\n"
        "├── db v4.0 [required: *]\n"
        "└── web v2.1 [required: >=2]\n")
    assert tree(ptinstall, venv, "--package", "app", "--no-dedupe", "-d", "3") == (  # db twice, in full
        "app v1.0\n"
        "├── db v4.0\n"
        "│   └── util v1.0\n"
        "└── web v2.1\n"
        "    ├── db v4.0\n"
        "    │   └── util v1.0\n"
        "    └── util v1.0\n")
    assert tree(ptinstall, venv, "--package", "app", "-d", "2").endswith("    ├── db v4.0 (*)\n    └── util v1.0\n"
                                                                          "(*) Package tree already displayed\n")
    assert tree(ptinstall, venv, "--package", "web", "--depth", "0") == "web v2.1\n"


def test_invert_and_prune(ptinstall, venv):
    assert tree(ptinstall, venv, "--invert", "--package", "util", "--show-version-specifiers") == (
        "util v1.0\n"
        "├── db v4.0 [requires: util]\n"
        "│   ├── app v1.0 [requires: db]\n"
        "│   └── web v2.1 [requires: db<5]\n"
        "│       └── app v1.0 [requires: web>=2]\n"
        "└── web v2.1 [requires: util] (*)\n"
        "(*) Package tree already displayed\n")
    # --reverse is uv's other spelling; roots are the packages that require nothing (by name), then the
    # cycles nothing leads to.
    out = tree(ptinstall, venv, "--reverse")
    assert out.startswith("gone v1.0\nutil v1.0\n├── db v4.0\n"), out
    assert out.endswith("loop-a v1.0\n└── loop-b v1.0\n    └── loop-a v1.0 (*)\n(*) Package tree already displayed\n")
    # Pruned: web and what only it requires are left out; db stays (app requires it too).
    assert tree(ptinstall, venv, "--prune", "web", "--prune", "loop-a") == (
        "app v1.0\n"
        "└── db v4.0\n"
        "    └── util v1.0\n"
        "gone v1.0\n")


def test_bad_depth(ptinstall, venv):
    r = ptinstall("pip", "tree", "--python", venv, "--depth", "-1", check=False)
    assert r.returncode == 2
    assert r.stderr == "error: invalid value `-1` for --depth\nhint: a number of levels: 0, 1, 2, ...\n"


def test_empty_environment(ptinstall, tmp_path):
    assert ptinstall("pip", "tree", "--python", make_venv(tmp_path / "empty"), check=True).stdout == ""
