"""Wheels that lie: an entry inflating past its declared size, a wheel unpacking past the bound, a bad CRC-32,
RECORD naming a file the wheel lacks, and entry points whose names or object references would write outside
bin/ or inject code into a launcher. Each is refused with an error naming the wheel and what is wrong, and leaves
the environment exactly as it was and no half-written entry in the cache."""
import struct
import sys
import time
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import installed, make_venv, snapshot  # noqa: E402


def member_offsets(path: Path, member: str):
    """(local header offset, central directory entry offset) of a member."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        local = zf.getinfo(member).header_offset
    name = member.encode()
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == name:
            return local, pos
        pos = data.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(member)


def patch_header(path: Path, member: str, *, crc=None, size=None):
    """Rewrites the CRC-32 and/or the uncompressed size of `member` in both its local header and its
    central directory entry (consistently, so only the data disagrees)."""
    data = bytearray(path.read_bytes())
    local, central = member_offsets(path, member)
    if crc is not None:
        struct.pack_into("<I", data, local + 14, crc)
        struct.pack_into("<I", data, central + 16, crc)
    if size is not None:
        struct.pack_into("<I", data, local + 22, size)
        struct.pack_into("<I", data, central + 24, size)
    path.write_bytes(bytes(data))


def add_record_lines(path: Path, lines):
    """The same wheel with more lines in its RECORD."""
    with zipfile.ZipFile(path) as zf:
        members = [(i, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            if info.filename.endswith(".dist-info/RECORD"):
                data = data + "".join(line + "\n" for line in lines).encode()
            zf.writestr(info, data)


def leftovers(cache: Path):
    if not cache.exists():
        return []
    return [str(p) for p in cache.rglob("*") if p.name.startswith((".download-", ".part", ".tmp", ".staging"))]


def wheel_entries(cache: Path):
    """Committed wheel entries in the cache."""
    root = cache / "wheels-v1"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def refuse(ptinstall, tmp_path, wheel: Path, *fragments, env=None, new_cache_entries=False):
    venv = tmp_path / "venv"
    if not venv.exists():
        make_venv(venv)
    before = snapshot(venv)
    cache = tmp_path / "cache"
    entries = wheel_entries(cache)
    r = ptinstall("pip", "install", "--python", venv / "bin" / "python", "--cache-dir", cache, wheel, env=env or {},
                  check=False)
    assert r.returncode == 1, r
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, r.stderr
    for f in fragments:
        assert f in errors[0], r.stderr
    assert snapshot(venv) == before
    assert leftovers(cache) == []
    if not new_cache_entries:  # a bad archive is never committed; a good archive refused at install may be
        assert wheel_entries(cache) == entries
    return r


def test_an_entry_inflating_past_its_declared_size_is_stopped_at_once(ptinstall, tmp_path):
    w = wheelmaker.build_wheel(tmp_path / "w", "bomb", "1.0", files={"bomb/zeros.bin": b"\0" * (200 << 20)})
    patch_header(w.path, "bomb/zeros.bin", size=100)
    assert w.path.stat().st_size < (1 << 20)
    t0 = time.monotonic()
    r = refuse(ptinstall, tmp_path, w.path, "wheel bomb-1.0-py3-none-any.whl is invalid",
               "`bomb/zeros.bin` inflates to more than the 100 bytes its header declares")
    assert "hint:" in r.stderr
    assert time.monotonic() - t0 < 10  # not after inflating 200 MB


def test_a_wheel_unpacking_past_the_bound_is_refused(ptinstall, tmp_path):
    w = wheelmaker.build_wheel(tmp_path / "w", "large", "1.0", files={"large/zeros.bin": b"\0" * (3 << 20)})
    r = refuse(ptinstall, tmp_path, w.path, "wheel large-1.0-py3-none-any.whl is invalid",
               "it unpacks to more than 2 MiB", env={"PTINSTALL_MAX_UNPACKED_SIZE": "2"})
    assert "hint: raise PTINSTALL_MAX_UNPACKED_SIZE (MiB)" in r.stderr
    # Within the bound it installs.
    venv = tmp_path / "venv"
    ptinstall("pip", "install", "--python", venv / "bin" / "python", "--cache-dir", tmp_path / "cache", w.path,
              env={"PTINSTALL_MAX_UNPACKED_SIZE": "4"}, check=True)
    assert installed(venv) == {"large": "1.0"}


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED], ids=["stored", "deflated"])
def test_a_bad_crc32_is_refused(ptinstall, tmp_path, compression):
    # RECORD's hash matches the data; only the zip's CRC-32 does not (pip refuses this too).
    w = wheelmaker.build_wheel(tmp_path / "w", "crc", "1.0", files={"crc/data.txt": "payload\n" * 1000},
                               compression=compression)
    with zipfile.ZipFile(w.path) as zf:
        crc = zf.getinfo("crc/data.txt").CRC
    patch_header(w.path, "crc/data.txt", crc=crc ^ 0xFFFF)
    refuse(ptinstall, tmp_path, w.path, "wheel crc-1.0-py3-none-any.whl is invalid",
           "the zip file is truncated or corrupt at `crc/data.txt`", "bad CRC")


def test_record_naming_a_file_the_wheel_lacks_is_refused(ptinstall, tmp_path):
    w = wheelmaker.build_wheel(tmp_path / "w", "phantom", "1.0")
    add_record_lines(w.path, ["phantom/ghost.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0"])
    refuse(ptinstall, tmp_path, w.path, "wheel phantom-1.0-py3-none-any.whl is invalid",
           "RECORD lists `phantom/ghost.py`, which is not in the wheel")


@pytest.mark.parametrize("name,value,fragment", [
    ("sub/evil_ep", "evil:main", "console_scripts entry point `sub/evil_ep` is not a valid file name"),
    ("..", "evil:main", "console_scripts entry point `..` is not a valid file name"),
    ("ep", "evil:main\n  import os; os.system('touch /tmp/pwned')",
     "console_scripts entry point `ep` has an invalid object reference `evil:main import os; os.system"),
    ("ep", "evil:main;import os", "console_scripts entry point `ep` has an invalid object reference `evil:main;import os`"),
    ("ep", "evil:", "has an invalid object reference `evil:`"),
], ids=["slash", "dotdot", "newline", "semicolon", "empty-attr"])
def test_entry_points_that_would_write_elsewhere_or_inject_code_are_refused(ptinstall, tmp_path, name, value,
                                                                           fragment):
    w = wheelmaker.build_wheel(tmp_path / "w", "evil", "1.0", console_scripts={name: value},
                               packages={"evil/__init__.py": "def main():\n    return 0\n"})
    refuse(ptinstall, tmp_path, w.path, "wheel evil==1.0 is invalid", fragment, new_cache_entries=True)
    assert not (tmp_path / "venv" / "bin" / "sub").exists()


def test_ordinary_entry_points_still_install(ptinstall, tmp_path):
    w = wheelmaker.build_wheel(tmp_path / "w", "tool", "1.0",
                               console_scripts={"tool": "tool:main", "tool-3.12": "tool.cli:App.run [extra]"},
                               packages={"tool/__init__.py": "def main():\n    print('ok')\n",
                                         "tool/cli.py": "class App:\n    @staticmethod\n    def run():\n        print('run')\n"})
    venv = make_venv(tmp_path / "venv")
    ptinstall("pip", "install", "--python", venv / "bin" / "python", w.path, check=True)
    assert (venv / "bin" / "tool").exists() and (venv / "bin" / "tool-3.12").exists()
