#!/usr/bin/env python3
"""Writes the seed corpus of the wheel_zip fuzz harness (tests/fuzz/corpus/wheel_zip/): small wheels,
one good of each zip shape and one per way a zip can lie, written byte by byte (Python's zipfile
cannot write most of the lies). The files are committed; rerun this only to change them:
    python3 tests/fuzz/make_wheel_zip_seeds.py tests/fuzz/corpus/wheel_zip
Deterministic: the same bytes every run (fixed times, no randomness)."""
import base64
import hashlib
import struct
import sys
import zlib
from pathlib import Path

DOS_TIME, DOS_DATE = 0, (2020 - 1980) << 9 | 1 << 5 | 1
REG = 0o100644 << 16
EXE = 0o100755 << 16
LINK = 0o120777 << 16
DIR = (0o040755 << 16) | 0x10


def record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def files(extra=(), record_extra=(), record_skip=()):
    """The files of wheel `demo` 1.0: a package, METADATA, WHEEL and a RECORD that lists them."""
    out = [("demo/__init__.py", b"def main():\n    return 0\n"),
           ("demo-1.0.dist-info/METADATA", b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"),
           ("demo-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\nGenerator: seeds\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
           ("demo-1.0.dist-info/entry_points.txt", b"[console_scripts]\ndemo = demo:main\n")]
    out += list(extra)
    lines = [f"{n},{record_hash(d)},{len(d)}" for n, d in out if n not in record_skip]
    lines += list(record_extra)
    lines.append("demo-1.0.dist-info/RECORD,,")
    out.append(("demo-1.0.dist-info/RECORD", ("\n".join(lines) + "\n").encode()))
    return out


def entry(name, data, **kw):
    e = dict(name=name, data=data, method=8, attr=REG, descriptor=False, zip64=False)
    e.update(kw)
    return e


def build(entries, *, zip64_end=False, cut=None, cd_extra=(), cd_skip=(), comment=b""):
    """A zip of `entries` (dicts: name, data, method 0/8, attr, descriptor, zip64, and lies: crc,
    usize, csize, local_name). cd_extra: central-only names; cd_skip: names left out of it."""
    body, central = bytearray(), bytearray()
    count = 0
    for e in entries:
        data = e["data"]
        comp = data if e["method"] == 0 else zlib.compress(data, 9)[2:-4]
        crc = e.get("crc", zlib.crc32(data))
        usize, csize = e.get("usize", len(data)), e.get("csize", len(comp))
        name = e["name"].encode()
        local_name = e.get("local_name", e["name"]).encode()
        flags = 0x800 | (0x8 if e["descriptor"] else 0)
        offset = len(body)
        extra = b""
        l_crc, l_usize, l_csize = (0, 0, 0) if e["descriptor"] else (crc, usize, csize)
        if e["zip64"]:
            extra = struct.pack("<HHQQ", 1, 16, l_usize, l_csize)
            l_usize = l_csize = 0xFFFFFFFF
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if e["zip64"] else 20, flags, e["method"], DOS_TIME,
                            DOS_DATE, l_crc, l_csize, l_usize, len(local_name), len(extra)) + local_name + extra
        body += comp
        if e["descriptor"]:
            if e["zip64"]:
                body += struct.pack("<IIQQ", 0x08074B50, crc, csize, usize)
            else:
                body += struct.pack("<IIII", 0x08074B50, crc, csize, usize)
        if e["name"] in cd_skip:
            continue
        c_extra, c_usize, c_csize, c_off = b"", usize, csize, offset
        if e["zip64"]:
            c_extra = struct.pack("<HHQQQ", 1, 24, usize, csize, offset)
            c_usize = c_csize = c_off = 0xFFFFFFFF
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 3 << 8 | 45, 45 if e["zip64"] else 20, flags,
                               e["method"], DOS_TIME, DOS_DATE, crc, c_csize, c_usize, len(name), len(c_extra), 0, 0, 0,
                               e["attr"], c_off) + name + c_extra
        count += 1
    for name in cd_extra:
        n = name.encode()
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 3 << 8 | 20, 20, 0x800, 0, DOS_TIME, DOS_DATE, 0, 0, 0,
                               len(n), 0, 0, 0, 0, REG, len(body)) + n
        count += 1
    cd_offset, cd_size = len(body), len(central)
    out = body + central
    if zip64_end:
        rec = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, cd_size, cd_offset)
        out += struct.pack("<IIQI", 0x07064B50, 0, rec, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, len(comment))
    else:
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, cd_size, cd_offset, len(comment))
    out += comment
    return bytes(out[:cut] if cut is not None else out)


def plain(**kw):
    return [entry(n, d, **kw) for n, d in files()]


def with_lie(target, **lie):
    return [entry(n, d, **(lie if n == target else {})) for n, d in files()]


def seeds():
    bomb = b"\0" * 65536
    yield "good-deflated", build(plain())
    yield "good-stored", build(plain(method=0))
    yield "good-descriptor", build(plain(descriptor=True))
    yield "good-zip64", build(plain(zip64=True), zip64_end=True)
    yield "good-zip64-descriptor", build(plain(zip64=True, descriptor=True), zip64_end=True)
    yield "good-comment", build(plain(), comment=b"a zip comment")
    yield "good-dirs-exec", build([entry("demo/", b"", method=0, attr=DIR)] +
                                  [entry(n, d, attr=EXE if n.endswith(".py") else REG) for n, d in
                                   files(extra=[("demo-1.0.data/scripts/tool", b"#!python\nprint(1)\n")])])
    yield "lie-usize-small", build(with_lie("demo/__init__.py", usize=4))
    yield "lie-usize-bomb", build([entry(n, d, **({"usize": 100} if n == "demo/bomb.bin" else {}))
                                   for n, d in files(extra=[("demo/bomb.bin", bomb)])])
    yield "lie-usize-bomb-descriptor", build([entry(n, d, descriptor=True) for n, d in
                                              files(extra=[("demo/bomb.bin", bomb)])])
    yield "lie-csize", build(with_lie("demo/__init__.py", csize=3))
    yield "lie-crc-deflated", build(with_lie("demo/__init__.py", crc=0x12345678))
    yield "lie-crc-stored", build(with_lie("demo/__init__.py", crc=0x12345678, method=0))
    yield "lie-crc-descriptor", build(with_lie("demo/__init__.py", crc=1, descriptor=True))
    yield "traversal-dotdot", build(plain() + [entry("../evil.py", b"x = 1\n")])
    yield "traversal-absolute", build(plain() + [entry("/tmp/evil.py", b"x = 1\n")])
    yield "traversal-inner", build(plain() + [entry("demo/../../evil.py", b"x = 1\n")])
    yield "traversal-backslash", build(plain() + [entry("..\\evil.py", b"x = 1\n")])
    yield "traversal-local-name", build(with_lie("demo/__init__.py", local_name="../demo/__init__.py"))
    yield "symlink", build(plain() + [entry("demo/link", b"/etc/passwd", method=0, attr=LINK)])
    yield "duplicate", build(plain() + [entry("demo/__init__.py", b"y = 2\n")])
    yield "cd-extra-name", build(plain(), cd_extra=["demo/ghost.py"])
    yield "cd-missing-name", build(plain(), cd_skip=["demo/__init__.py"])
    yield "record-phantom", build([entry(n, d) for n, d in files(record_extra=["demo/ghost.py,,"])])
    yield "record-unlisted", build([entry(n, d) for n, d in files(record_skip=["demo/__init__.py"])])
    good = build(plain())
    cd_at = struct.unpack("<I", good[-6:-2])[0]
    yield "truncated-central", good[:cd_at + 30]
    yield "truncated-eocd", good[:-10]
    yield "truncated-data", good[:40]
    yield "zip64-bad-locator", build(plain(zip64=True), zip64_end=True)[:-42] + b"\0" * 20 + build(plain())[-22:]
    yield "zip64-bad-extra", build(plain(zip64=True), zip64_end=True).replace(struct.pack("<HH", 1, 24), struct.pack("<HH", 1, 4), 1)
    yield "empty", b""
    yield "not-a-zip", b"PK\x03\x04 this is not really a zip file\n"


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "corpus" / "wheel_zip")
    out.mkdir(parents=True, exist_ok=True)
    for name, data in seeds():
        (out / name).write_bytes(data)


if __name__ == "__main__":
    main()
