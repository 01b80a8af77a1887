"""Start-up cost: libcurl and libarchive (and the ~35 shared objects they pull in) are loaded on first
use, not at start-up (docs/architecture.md, "Lazily loaded libraries"). Commands that need neither
never map them; an install loads them and works; a library that cannot be loaded is an `error:`
line with a hint, not a crash."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from conftest import binary  # noqa: E402
from envtools import installed, make_venv  # noqa: E402

LAZY = ("libcurl.so.4", "libarchive.so.13")


def lazy_build() -> bool:
    """False for a build configured with -DPTINSTALL_LAZY_LIBS=OFF (both linked as usual)."""
    build_dir = Path(os.environ.get("PTINSTALL_BUILD_DIR") or Path(binary()).parent)
    cache = build_dir / "CMakeCache.txt"
    return not (cache.exists() and re.search(r"^PTINSTALL_LAZY_LIBS:BOOL=OFF$", cache.read_text(), re.M))


pytestmark = pytest.mark.skipif(not lazy_build(), reason="built with PTINSTALL_LAZY_LIBS=OFF")


def loaded_objects(ptinstall, tmp_path, *args, env=None):
    """Runs ptinstall under LD_DEBUG=files; returns (result, text of the loader's log of every process)."""
    logs = tmp_path / "ld-debug"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir()
    r = ptinstall(*args, env={"LD_DEBUG": "files", "LD_DEBUG_OUTPUT": str(logs / "log"), **(env or {})})
    text = "".join(p.read_text(errors="replace") for p in logs.iterdir())
    assert "file=" in text, "LD_DEBUG=files wrote nothing: the check below would prove nothing"
    return r, text


def bogus_libraries(tmp_path, *names):
    """A directory with empty files named like the libraries: dlopen finds them first and fails."""
    d = tmp_path / ("bogus-" + "-".join(names))
    d.mkdir(exist_ok=True)
    for n in names:
        (d / n).write_bytes(b"")
    return {"LD_LIBRARY_PATH": str(d)}


@pytest.mark.skipif(not shutil.which("readelf"), reason="no readelf")
def test_the_binary_does_not_link_them():
    out = subprocess.run(["readelf", "-d", binary()], check=True, capture_output=True, text=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out)
    assert needed, out
    assert not [n for n in needed if n.startswith(("libcurl", "libarchive"))], needed


def test_commands_that_need_neither_do_not_load_them(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    py = venv / "bin" / "python"
    for args in (["--version"], ["--help"], ["pip", "list", "--python", py], ["pip", "freeze", "--python", py]):
        r, log = loaded_objects(ptinstall, tmp_path, *args)
        assert r.returncode == 0, r
        for lib in LAZY:
            assert lib not in log, f"{args} loaded {lib}"
        # And with unloadable copies first on the search path they still work: nothing tries.
        r = ptinstall(*args, env=bogus_libraries(tmp_path, *LAZY))
        assert r.returncode == 0, r


def test_an_install_loads_them_and_a_satisfied_one_does_not(ptinstall, make_index, tmp_path):
    out = tmp_path / "wheels"
    server = make_index([wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["leaf"]),
                         wheelmaker.build_wheel(out, "leaf", "1.0")])
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python", "--index-url", server.index_url(), "app")
    r, log = loaded_objects(ptinstall, tmp_path, *base)
    assert r.returncode == 0, r
    assert installed(venv) == {"app": "1.0", "leaf": "1.0"}
    for lib in LAZY:
        assert lib in log, f"the install did not load {lib}: the LD_DEBUG check is blind"
    # Nothing to do: answered from the environment, without either library.
    r, log = loaded_objects(ptinstall, tmp_path, *base)
    assert r.returncode == 0, r
    assert "Audited" in r.stderr
    for lib in LAZY:
        assert lib not in log, f"a satisfied install loaded {lib}"


def test_a_library_that_cannot_be_loaded_is_an_error_line(ptinstall, make_index, tmp_path):
    out = tmp_path / "wheels"
    wheel = wheelmaker.build_wheel(out, "leaf", "1.0")
    server = make_index([wheel])
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python")

    r = ptinstall(*base, "--index-url", server.index_url(), "leaf", env=bogus_libraries(tmp_path, "libcurl.so.4"))
    assert r.returncode == 1, r
    assert re.search(r"^error: cannot load libcurl\.so\.4: .*libcurl\.so\.4: ", r.stderr, re.M), r
    assert "hint: install the Debian package libcurl4" in r.stderr, r

    # A local wheel needs libarchive (its metadata, its files) but not libcurl.
    r = ptinstall(*base, wheel.path, env=bogus_libraries(tmp_path, "libarchive.so.13"))
    assert r.returncode == 1, r
    assert re.search(r"^error: cannot load libarchive\.so\.13: ", r.stderr, re.M), r
    assert "hint: install the Debian package libarchive13" in r.stderr, r
    assert installed(venv) == {}
