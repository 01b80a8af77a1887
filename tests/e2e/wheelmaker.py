"""Builds valid wheels quickly with zipfile, for the end-to-end tests and the benchmarks (stdlib only).

    from wheelmaker import build_wheel
    path = build_wheel(tmp_path, "demo", "1.0", requires_dist=["six>=1.0"],
                       console_scripts={"demo": "demo.cli:main"})

Every wheel has METADATA (Metadata-Version 2.1), WHEEL (with the expanded Tag lines), optional
entry_points.txt, and a RECORD whose sha256/size lines match the archive, so pip installs it.
By default the wheel holds an importable package named after the project (`demo/__init__.py` with
`__version__`). `torch_wheel()` shapes a wheel like torch (a `torch/version.py` with `cuda`/`hip`/`xpu`),
`payload_files()` generates realistic file sets (many small .py files, a few big shared objects) of a
given count and compressed size for the benchmarks.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import random
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

Content = Union[bytes, str]

__all__ = [
    "Wheel", "build_wheel", "wheel_filename", "escape_name", "normalize_name", "metadata_text",
    "torch_wheel", "payload_files", "expand_tags", "read_metadata",
]


def normalize_name(name: str) -> str:
    """PEP 503 normalized name (`Foo_Bar.baz` -> `foo-bar-baz`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def escape_name(name: str) -> str:
    """The distribution part of a wheel filename and of the .dist-info directory (`foo_bar_baz`)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def wheel_filename(name: str, version: str, tags: str = "py3-none-any", build: Optional[str] = None,
                   dist_name: Optional[str] = None) -> str:
    """`dist_name` overrides the escaped name (e.g. the legacy `Jinja2`/`MarkupSafe` spellings)."""
    dist = dist_name or escape_name(name)
    parts = [dist, version.replace("-", "_")]
    if build:
        parts.append(build)
    parts.append(tags)
    return "-".join(parts) + ".whl"


def expand_tags(tags: str) -> List[str]:
    """`py2.py3-none-any` -> ['py2-none-any', 'py3-none-any'] (cartesian product of the parts)."""
    py, abi, plat = tags.split("-")
    return [f"{p}-{a}-{s}" for p in py.split(".") for a in abi.split(".") for s in plat.split(".")]


def metadata_text(name: str, version: str, *, requires_dist: Sequence[str] = (),
                  requires_python: Optional[str] = None, provides_extra: Sequence[str] = (),
                  summary: Optional[str] = None, extra_headers: Sequence[Tuple[str, str]] = (),
                  description: Optional[str] = None) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
             f"Summary: {summary if summary is not None else 'Test package ' + name}"]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    for extra in provides_extra:
        lines.append(f"Provides-Extra: {extra}")
    for req in requires_dist:
        lines.append(f"Requires-Dist: {req}")
    for key, value in extra_headers:
        lines.append(f"{key}: {value}")
    text = "\n".join(lines) + "\n"
    if description:
        text += "\n" + description + ("" if description.endswith("\n") else "\n")
    return text


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Wheel:
    path: Path
    name: str
    version: str
    filename: str
    metadata: bytes
    requires_python: Optional[str] = None
    files: List[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        h = hashlib.sha256()
        with open(self.path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()


# zipfile offers no deflate strategy; the benchmark payloads use Huffman-only deflate for big binary
# members, about twice as fast to write as level 1 and inflated by unzip like any other member.
@contextlib.contextmanager
def _huffman_only():
    original = zipfile._get_compressor  # type: ignore[attr-defined]

    def compressor(compress_type, compresslevel=None):
        if compress_type == zipfile.ZIP_DEFLATED and compresslevel == -99:
            return zlib.compressobj(1, zlib.DEFLATED, -15, 9, zlib.Z_HUFFMAN_ONLY)
        return original(compress_type, compresslevel)

    zipfile._get_compressor = compressor  # type: ignore[attr-defined]
    try:
        yield
    finally:
        zipfile._get_compressor = original  # type: ignore[attr-defined]


class Binary(bytes):
    """A payload member written with fast Huffman-only deflate (see payload_files)."""


class LazyBinary:
    """A big generated member, produced only while the wheel is written (keeps memory flat)."""

    def __init__(self, size: int, seed: int):
        self.size = size
        self.seed = seed

    def chunks(self, chunk: int = 1 << 24):
        rng = random.Random(self.seed)
        left = self.size
        while left > 0:
            n = min(left, chunk)
            yield rng.randbytes(n).translate(_BINARY_TABLE)
            left -= n

    def __call__(self) -> "Binary":
        return Binary(b"".join(self.chunks()))


def build_wheel(out_dir: Union[str, Path], name: str, version: str, *,
                tags: str = "py3-none-any",
                build: Optional[str] = None,
                dist_name: Optional[str] = None,
                requires_dist: Sequence[str] = (),
                requires_python: Optional[str] = None,
                provides_extra: Sequence[str] = (),
                summary: Optional[str] = None,
                description: Optional[str] = None,
                extra_metadata: Sequence[Tuple[str, str]] = (),
                packages: Optional[Mapping[str, Content]] = None,
                files: Optional[Mapping[str, Content]] = None,
                console_scripts: Optional[Mapping[str, str]] = None,
                gui_scripts: Optional[Mapping[str, str]] = None,
                entry_points: Optional[Mapping[str, Mapping[str, str]]] = None,
                data_files: Optional[Mapping[str, Content]] = None,
                root_is_purelib: Optional[bool] = None,
                compression: int = zipfile.ZIP_DEFLATED,
                filename: Optional[str] = None,
                corrupt_record: bool = False) -> Wheel:
    """Writes a wheel into out_dir and returns its description.

    packages: archive path -> content for the importable code. None (default) gives
        `<module>/__init__.py` with `__version__ = "<version>"`, where module is the escaped name; pass {}
        for a wheel without code.
    files: more archive members (paths inside the archive), added after packages.
    data_files: members under `<dist>-<ver>.data/` (e.g. {"scripts/tool": "#!python\\n..."}).
    root_is_purelib: default True for `*-none-any` wheels, else False.
    corrupt_record: write a wrong hash for the first file (fault tests).
    A content of type Binary is deflated Huffman-only (fast, for big generated payloads).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fname = filename or wheel_filename(name, version, tags, build, dist_name)
    dist_stem = fname[:-len(".whl")].split("-")
    dist_info = f"{dist_stem[0]}-{dist_stem[1]}.dist-info"
    data_dir = f"{dist_stem[0]}-{dist_stem[1]}.data"
    module = escape_name(name)
    if packages is None:
        packages = {f"{module}/__init__.py": f'__version__ = "{version}"\n'}
    if root_is_purelib is None:
        root_is_purelib = tags.endswith("-none-any")

    meta = metadata_text(name, version, requires_dist=requires_dist, requires_python=requires_python,
                         provides_extra=provides_extra, summary=summary, extra_headers=extra_metadata,
                         description=description).encode()
    wheel_lines = ["Wheel-Version: 1.0", "Generator: ptinstall-wheelmaker (0.1)",
                   f"Root-Is-Purelib: {'true' if root_is_purelib else 'false'}"]
    wheel_lines += [f"Tag: {t}" for t in expand_tags(tags)]
    if build:
        wheel_lines.append(f"Build: {build}")
    groups: Dict[str, Mapping[str, str]] = {}
    if console_scripts:
        groups["console_scripts"] = console_scripts
    if gui_scripts:
        groups["gui_scripts"] = gui_scripts
    for group, entries in (entry_points or {}).items():
        groups[group] = entries
    ep_text = "".join(f"[{g}]\n" + "".join(f"{k} = {v}\n" for k, v in e.items()) + "\n"
                      for g, e in groups.items())

    members: List[Tuple[str, object]] = []
    for arc, content in list(packages.items()) + list((files or {}).items()):
        members.append((arc, content))
    for arc, content in (data_files or {}).items():
        members.append((f"{data_dir}/{arc}", content))
    members.append((f"{dist_info}/METADATA", meta))
    members.append((f"{dist_info}/WHEEL", ("\n".join(wheel_lines) + "\n").encode()))
    if ep_text:
        members.append((f"{dist_info}/entry_points.txt", ep_text.encode()))
    record_path = f"{dist_info}/RECORD"

    path = out_dir / fname
    tmp = path.with_name(path.name + ".part")
    record = []
    with _huffman_only(), zipfile.ZipFile(tmp, "w", compression=compression) as zf:
        for i, (arc, content) in enumerate(members):
            if isinstance(content, LazyBinary):
                # streamed: members of any size (ZIP64 above 1 GiB), memory stays flat
                info = zipfile.ZipInfo(arc, date_time=(2024, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = compression
                level_attr = "compress_level" if "compress_level" in zipfile.ZipInfo.__slots__ else "_compresslevel"
                setattr(info, level_attr, -99)  # Huffman-only, see _huffman_only (3.13 renamed the slot)
                h = hashlib.sha256()
                with zf.open(info, "w", force_zip64=content.size > (1 << 30)) as dst:
                    for chunk in content.chunks():
                        dst.write(chunk)
                        h.update(chunk)
                digest = "sha256=" + base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode()
                record.append(f"{arc},{digest},{content.size}")
                continue
            data = content() if callable(content) else content
            if isinstance(data, str):
                data = data.encode()
            info = zipfile.ZipInfo(arc, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if arc.startswith(f"{data_dir}/scripts/") else 0o644) << 16
            info.compress_type = compression
            level = -99 if isinstance(data, Binary) and compression == zipfile.ZIP_DEFLATED else None
            zf.writestr(info, data, compress_type=compression, compresslevel=level)
            digest = _record_hash(data) if not (corrupt_record and i == 0) else _record_hash(b"corrupt")
            record.append(f"{arc},{digest},{len(data)}")
        record.append(f"{record_path},,")
        info = zipfile.ZipInfo(record_path, date_time=(2024, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        zf.writestr(info, "\n".join(record) + "\n", compress_type=compression)
    tmp.replace(path)
    return Wheel(path=path, name=name, version=version, filename=fname, metadata=meta,
                 requires_python=requires_python, files=[m[0] for m in members] + [record_path])


def read_metadata(path: Union[str, Path]) -> bytes:
    """The METADATA bytes of an existing wheel (e.g. a real one from /usr/share/python-wheels)."""
    with zipfile.ZipFile(path) as zf:
        for n in zf.namelist():
            parts = n.split("/")
            if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "METADATA":
                return zf.read(n)
    raise ValueError(f"no .dist-info/METADATA in {path}")


def wheel_from_file(path: Union[str, Path]) -> Wheel:
    """Describes an existing wheel file (name/version from its METADATA)."""
    path = Path(path)
    meta = read_metadata(path)
    headers = {}
    for line in meta.decode("utf-8", "replace").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        headers.setdefault(key.strip().lower(), value.strip())
    return Wheel(path=path, name=headers["name"], version=headers["version"], filename=path.name,
                 metadata=meta, requires_python=headers.get("requires-python"))


# --- torch-shaped wheels -------------------------------------------------------------------------

def torch_version_py(version: str, cuda: Optional[str] = None, hip: Optional[str] = None,
                     xpu: Optional[str] = None) -> str:
    """A torch/version.py like the real one (`torch.version.cuda` is '12.8' on a cu128 build)."""
    def lit(v):
        return "None" if v is None else repr(v)
    return ("from typing import Optional\n\n"
            "__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip', 'xpu']\n"
            f"__version__ = {version!r}\n"
            "debug = False\n"
            f"cuda: Optional[str] = {lit(cuda)}\n"
            "git_version = '5811a8d7da873dd699ff6687092c225caffcf1bb'\n"
            f"hip: Optional[str] = {lit(hip)}\n"
            f"xpu: Optional[str] = {lit(xpu)}\n")


def torch_wheel(out_dir: Union[str, Path], version: str = "2.9.1", *,
                tags: str = "cp312-cp312-manylinux_2_28_x86_64",
                cuda: Optional[str] = None, hip: Optional[str] = None, xpu: Optional[str] = None,
                name: str = "torch", requires_dist: Sequence[str] = (), requires_python: str = ">=3.10",
                provides_extra: Sequence[str] = ("optree", "opt-einsum", "pyyaml"),
                payload: Optional[Mapping[str, object]] = None, **kwargs) -> Wheel:
    """A torch-shaped wheel: `import torch; torch.__version__, torch.version.cuda` work like the real one.

    The module directory is the escaped name (torch, torchvision, ...); payload adds more members."""
    module = escape_name(name)
    packages = {
        f"{module}/__init__.py": (f"from . import version\n__version__ = version.__version__\n"
                                  f"def cuda_is_available():\n    return False\n"),
        f"{module}/version.py": torch_version_py(version, cuda, hip, xpu),
    }
    return build_wheel(out_dir, name, version, tags=tags, requires_dist=requires_dist,
                       requires_python=requires_python, provides_extra=provides_extra,
                       packages=packages, files=payload, root_is_purelib=False, **kwargs)


# --- realistic generated payloads ---------------------------------------------------------------

_WORDS = ("self", "return", "def", "class", "import", "from", "tensor", "module", "value", "None",
          "if", "else", "for", "in", "range", "len", "args", "kwargs", "dtype", "device", "shape",
          "assert", "raise", "TypeError", "isinstance", "list", "dict", "lambda", "yield", "with",
          "torch", "numpy", "grad", "backward", "forward", "weight", "bias", "output", "input")


def _text_corpus(seed: int, size: int = 1 << 20) -> str:
    rng = random.Random(seed)
    lines = []
    total = 0
    while total < size:
        indent = "    " * rng.randint(0, 3)
        line = indent + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 10)))
        line += rng.choice(("", ":", "()", f" = {rng.randint(0, 9999)}", "  # " + rng.choice(_WORDS)))
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines)


_BINARY_TABLE = bytes(i & 0x0F for i in range(256))


def payload_files(prefix: str, *, files: int, compressed_bytes: int, seed: int = 0,
                  binary_fraction: float = 0.06) -> Dict[str, Content]:
    """`files` archive members under `prefix/` whose deflated total is about `compressed_bytes`.

    Shaped like a big binary wheel: most members are small Python/header text files (about 4.5-13.5 KiB,
    compress about 3x); `binary_fraction` of them are shared objects (4-bit entropy, compress about 2x) holding
    the rest of the size with a heavy tail (one or two huge ones, like libtorch_cuda.so). With
    binary_fraction 0 (a pure-Python package) the text files carry the whole size."""
    rng = random.Random(seed)
    corpus = _text_corpus(seed)
    out: Dict[str, Content] = {}
    n_bin = max(1, int(files * binary_fraction)) if compressed_bytes > 0 and binary_fraction > 0 else 0
    n_text = max(0, files - n_bin)
    text_total = 0
    # pure-Python packages (binary_fraction 0): text files sized to reach the target (this text deflates ~4x)
    mean = 4 * compressed_bytes // max(1, n_text) if n_bin == 0 else 9216
    lo, hi = max(64, mean // 2), min(len(corpus) // 2, max(128, mean * 3 // 2))
    for i in range(n_text):
        size = rng.randint(min(lo, hi), hi)
        start = rng.randrange(0, len(corpus) - size)
        ext = rng.choice((".py", ".py", ".py", ".pyi", ".h"))
        sub = f"{prefix}/{rng.choice(('nn', 'utils', '_C', 'include/ATen', 'testing', 'distributed', 'fx'))}"
        out[f"{sub}/m{i:05d}{ext}"] = f"# {prefix} member {i}\n" + corpus[start:start + size]
        text_total += size
    text_compressed = text_total // 3
    remaining = max(0, compressed_bytes - text_compressed)
    if n_bin:
        weights = [rng.paretovariate(1.2) for _ in range(n_bin)]
        weights.sort(reverse=True)
        weights[0] *= 20  # the libtorch_cuda.so of the wheel
        total_w = sum(weights)
        for i, w in enumerate(weights):
            size = max(1024, int(remaining * 2 * w / total_w))  # 4-bit entropy: ~2x compression
            out[f"{prefix}/lib/lib{prefix.replace('/', '_')}_{i:04d}.so"] = LazyBinary(size, rng.randrange(1 << 30))
    return out
