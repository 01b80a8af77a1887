"""Tests of the test harness itself: wheelmaker's wheels and indexserver's indexes, with pip as the oracle
that both are valid (pip install / download / install --dry-run --report against the nginx index)."""
import base64
import hashlib
import html.parser
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import indexserver as ix  # noqa: E402
import wheelmaker as wm  # noqa: E402

JSON_ACCEPT = ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
               "text/html;q=0.01")


# --- helpers -------------------------------------------------------------------------------------

def fetch(url, accept=None):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, dict(r.headers), r.read()


def fetch_status(url, accept=None):
    try:
        return fetch(url, accept)[0]
    except urllib.error.HTTPError as e:
        return e.code


class Anchors(html.parser.HTMLParser):
    """Collects <a> elements like pip's collector: (attrs dict with entities decoded, text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors = []
        self.metas = {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._current = [dict(attrs), ""]
        elif tag == "meta":
            d = dict(attrs)
            self.metas[d.get("name")] = d.get("content")

    def handle_data(self, data):
        if self._current is not None:
            self._current[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._current is not None:
            self.anchors.append(tuple(self._current))
            self._current = None


def anchors(body):
    p = Anchors()
    p.feed(body.decode())
    return p


@pytest.fixture(scope="session")
def pip_venv(tmp_path_factory):
    """A venv of Debian's python3 with its bundled pip: the oracle."""
    d = tmp_path_factory.mktemp("pipvenv") / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", str(d)], check=True)
    return d


def pip(venv, *args, check=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PIP_NO_CACHE_DIR="1")
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "--isolated", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=300)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def dry_run_report(venv, tmp_path, *args):
    report = tmp_path / "report.json"
    pip(venv, "install", "--dry-run", "--ignore-installed", "--report", report, *args)
    return {i["metadata"]["name"].lower(): i for i in json.loads(report.read_text())["install"]}


# --- wheelmaker ----------------------------------------------------------------------------------

def test_wheel_record_matches_members(tmp_path):
    w = wm.build_wheel(tmp_path, "Demo.Pkg", "1.0.post1", requires_dist=["six>=1.0", 'tomli; python_version < "3.11"'],
                       requires_python=">=3.8", provides_extra=["cli"],
                       console_scripts={"demo": "demo_pkg:main"}, tags="py2.py3-none-any")
    assert w.filename == "demo_pkg-1.0.post1-py2.py3-none-any.whl"
    with zipfile.ZipFile(w.path) as zf:
        names = zf.namelist()
        record = zf.read("demo_pkg-1.0.post1.dist-info/RECORD").decode().splitlines()
        wheel_file = zf.read("demo_pkg-1.0.post1.dist-info/WHEEL").decode()
        assert zf.read("demo_pkg-1.0.post1.dist-info/METADATA") == w.metadata
        for line in record:
            path, digest, size = line.rsplit(",", 2)
            assert path in names
            if path.endswith("RECORD"):
                assert digest == "" and size == ""
                continue
            data = zf.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == "sha256=" + expected and int(size) == len(data)
        assert len(record) == len(names)
    assert "Tag: py2-none-any" in wheel_file and "Tag: py3-none-any" in wheel_file
    assert "Root-Is-Purelib: true" in wheel_file
    meta = w.metadata.decode()
    assert "Requires-Python: >=3.8" in meta and "Provides-Extra: cli" in meta
    assert 'Requires-Dist: tomli; python_version < "3.11"' in meta


def test_wheel_installs_with_pip_and_runs(tmp_path, pip_venv):
    wm.build_wheel(tmp_path / "w", "demo-tool", "2.1", packages={
        "demo_tool/__init__.py": '__version__ = "2.1"\ndef main():\n    print("demo-tool says hi")\n'},
        console_scripts={"demo-tool": "demo_tool:main"}, requires_dist=["demo-dep"])
    wm.build_wheel(tmp_path / "w", "demo-dep", "1.0")
    target = tmp_path / "target"
    pip(pip_venv, "install", "--no-index", "--find-links", tmp_path / "w", "--target", target, "demo-tool")
    assert (target / "demo_tool" / "__init__.py").exists() and (target / "demo_dep" / "__init__.py").exists()
    out = subprocess.run([sys.executable, "-c", "import demo_tool; print(demo_tool.__version__)"],
                         env={"PYTHONPATH": str(target)}, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "2.1"
    script = (target / "bin" / "demo-tool").read_text()
    assert "demo_tool" in script and "main" in script


def test_corrupt_record_is_rejected_by_pip(tmp_path, pip_venv):
    wm.build_wheel(tmp_path / "w", "broken", "1.0", corrupt_record=True)
    proc = pip(pip_venv, "install", "--no-index", "--find-links", tmp_path / "w", "--target", tmp_path / "t",
               "broken", check=False)
    # pip (23.0) does not verify RECORD hashes on install; the generated RECORD still names a wrong hash
    with zipfile.ZipFile(next((tmp_path / "w").glob("*.whl"))) as zf:
        first = zf.read("broken-1.0.dist-info/RECORD").decode().splitlines()[0]
        data = zf.read("broken/__init__.py")
    good = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    assert first.startswith("broken/__init__.py,") and good not in first
    assert proc.returncode in (0, 1)


def test_torch_wheel_version_module(tmp_path, pip_venv):
    wm.torch_wheel(tmp_path / "w", "2.9.1+rocm6.4", hip="6.4.43482", tags="py3-none-any")
    target = tmp_path / "t"
    pip(pip_venv, "install", "--no-index", "--no-deps", "--find-links", tmp_path / "w", "--target", target, "torch")
    out = subprocess.run([sys.executable, "-c",
                          "import torch; print(torch.__version__, torch.version.cuda, torch.version.hip)"],
                         env={"PYTHONPATH": str(target)}, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["2.9.1+rocm6.4", "None", "6.4.43482"]


def test_payload_files_shape(tmp_path):
    files = wm.payload_files("pkg", files=300, compressed_bytes=3_000_000, seed=7)
    assert len(files) == 300
    w = wm.build_wheel(tmp_path, "pkg", "1.0", files=files, tags="cp311-cp311-manylinux_2_28_x86_64")
    size = w.path.stat().st_size
    assert 1_500_000 < size < 6_000_000, size
    with zipfile.ZipFile(w.path) as zf:
        assert len(zf.namelist()) == 300 + 4  # payload, __init__.py, METADATA, WHEEL, RECORD
        assert zf.testzip() is None
    # deterministic for a seed
    again = wm.payload_files("pkg", files=300, compressed_bytes=3_000_000, seed=7)
    assert sorted(again) == sorted(files)


# --- simple index --------------------------------------------------------------------------------

@pytest.fixture
def small_wheels(tmp_path):
    out = tmp_path / "wheels"
    return [
        wm.build_wheel(out, "alpha", "1.0", requires_dist=["beta>=1.0"], requires_python=">=3.7"),
        wm.build_wheel(out, "alpha", "1.1", requires_dist=["beta>=2.0"], requires_python=">=3.7, <4"),
        wm.build_wheel(out, "beta", "1.0"),
        wm.build_wheel(out, "beta", "2.0", requires_python="<3"),          # skipped by Python 3
        wm.build_wheel(out, "beta", "1.5"),
        wm.build_wheel(out, "gamma-pkg", "3.0", dist_name="Gamma_Pkg"),  # legacy filename spelling
        wm.build_wheel(out, "gamma-pkg", "3.1"),                          # yanked below
    ]


def test_html_pages_parse_like_pip_expects(make_index, small_wheels):
    server = make_index(small_wheels, options={"gamma-pkg": ix.ProjectOptions(
        yanked={"gamma_pkg-3.1-py3-none-any.whl": "broken <build>"})})
    status, headers, body = fetch(server.index_url())
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    root = anchors(body)
    assert sorted(t for _, t in root.anchors) == ["alpha", "beta", "gamma-pkg"]
    assert root.metas.get("pypi:repository-version") == "1.1"

    page_url = server.index_url() + "alpha/"
    _, _, body = fetch(page_url)
    files = anchors(body).anchors
    assert [t for _, t in files] == ["alpha-1.0-py3-none-any.whl", "alpha-1.1-py3-none-any.whl"]
    for attrs, text in files:
        url, _, frag = urllib.parse.urljoin(page_url, attrs["href"]).partition("#")
        _, _, data = fetch(url)
        assert frag == "sha256=" + hashlib.sha256(data).hexdigest()
        _, _, meta = fetch(url + ".metadata")
        with zipfile.ZipFile(__import__("io").BytesIO(data)) as zf:
            assert zf.read(text[:-len("-py3-none-any.whl")] + ".dist-info/METADATA") == meta
        assert attrs["data-core-metadata"] == "sha256=" + hashlib.sha256(meta).hexdigest()
        assert attrs["data-dist-info-metadata"] == attrs["data-core-metadata"]
    assert files[1][0]["data-requires-python"] == ">=3.7, <4"   # HTML-escaped on the wire, decoded here
    assert b'data-requires-python="&gt;=3.7, &lt;4"' in body

    _, _, body = fetch(server.index_url() + "gamma-pkg/")
    g = dict((t, a) for a, t in anchors(body).anchors)
    assert "data-yanked" not in g["Gamma_Pkg-3.0-py3-none-any.whl"]
    assert g["gamma_pkg-3.1-py3-none-any.whl"]["data-yanked"] == "broken <build>"


def test_json_content_negotiation(make_index, small_wheels):
    server = make_index(small_wheels, options={"beta": ix.ProjectOptions(no_hashes=True, no_metadata=True)})
    for accept in (JSON_ACCEPT, "application/vnd.pypi.simple.latest+json",
                   "application/vnd.pypi.simple.v1+json"):
        status, headers, body = fetch(server.index_url() + "alpha/", accept)
        assert headers["Content-Type"] == ix.PEP691_JSON and headers["Vary"] == "Accept"
        page = json.loads(body)
    assert page["meta"]["api-version"] == "1.1" and page["name"] == "alpha"
    assert page["versions"] == ["1.0", "1.1"]
    f = page["files"][1]
    assert f["requires-python"] == ">=3.7, <4" and f["yanked"] is False
    assert f["core-metadata"] == f["data-dist-info-metadata"] and set(f["core-metadata"]) == {"sha256"}
    _, _, data = fetch(urllib.parse.urljoin(server.index_url() + "alpha/", f["url"]))
    assert f["hashes"] == {"sha256": hashlib.sha256(data).hexdigest()} and f["size"] == len(data)

    for accept in (None, "text/html", "application/vnd.pypi.simple.v1+html"):
        _, headers, body = fetch(server.index_url() + "alpha/", accept)
        assert headers["Content-Type"].startswith("text/html") and body.startswith(b"<!DOCTYPE html>")

    _, _, body = fetch(server.index_url(), JSON_ACCEPT)
    assert [p["name"] for p in json.loads(body)["projects"]] == ["alpha", "beta", "gamma-pkg"]

    beta = json.loads(fetch(server.index_url() + "beta/", JSON_ACCEPT)[2])
    assert all(f["hashes"] == {} and f["core-metadata"] is False for f in beta["files"])
    assert fetch_status(server.url + "/files/beta-1.0-py3-none-any.whl.metadata") == 404
    _, _, body = fetch(server.index_url() + "beta/")
    assert b"#sha256" not in body and b"data-core-metadata" not in body

    # non-normalized and slash-less project URLs: a relative redirect to the canonical page
    assert fetch_status(server.index_url() + "alpha") == 200
    assert [r.status for r in server.requests() if r.uri == "/simple/alpha"] == [301]


def test_html_only_index(make_index, small_wheels):
    server = make_index(small_wheels, json_pages=False)
    _, headers, body = fetch(server.index_url() + "alpha/", JSON_ACCEPT)
    assert headers["Content-Type"].startswith("text/html") and b"<h1>Links for alpha</h1>" in body


@pytest.mark.parametrize("json_pages", [True, False])
def test_pip_resolves_against_the_index(make_index, small_wheels, pip_venv, tmp_path, json_pages):
    server = make_index(small_wheels, json_pages=json_pages, options={"gamma-pkg": ix.ProjectOptions(
        yanked={"gamma_pkg-3.1-py3-none-any.whl": "broken"})})
    # alpha 1.1 needs beta>=2.0, whose only file requires Python < 3: pip backtracks to alpha 1.0
    report = dry_run_report(pip_venv, tmp_path, "--index-url", server.index_url(), "alpha", "gamma-pkg")
    assert {n: i["metadata"]["version"] for n, i in report.items()} == \
        {"alpha": "1.0", "beta": "1.5", "gamma-pkg": "3.0"}
    url = report["alpha"]["download_info"]["url"]
    assert url.startswith(server.url) and "alpha-1.0" in url
    reqs = server.requests()
    accepts = {r.accept for r in reqs if r.uri == "/simple/alpha/"}
    assert any("vnd.pypi.simple.v1+json" in a for a in accepts)
    assert not any(r.uri.endswith("beta-2.0-py3-none-any.whl") for r in reqs)
    if not json_pages:
        # pip 23.0 reads data-dist-info-metadata and resolves from the .metadata files (from JSON it reads
        # only "dist-info-metadata", which warehouse and we spell differently); its --dry-run still
        # downloads the chosen wheels afterwards
        uris = [r.uri for r in reqs]
        assert "/files/alpha-1.1-py3-none-any.whl.metadata" in uris
        assert "/files/alpha-1.1-py3-none-any.whl" not in uris


def test_pip_download_verifies_hash(make_index, small_wheels, pip_venv, tmp_path):
    server = make_index(small_wheels)
    out = tmp_path / "dl"
    pip(pip_venv, "download", "--no-deps", "--index-url", server.index_url(), "-d", out, "alpha==1.0")
    assert [p.name for p in out.iterdir()] == ["alpha-1.0-py3-none-any.whl"]
    assert (out / "alpha-1.0-py3-none-any.whl").read_bytes() == small_wheels[0].path.read_bytes()

    bad = make_index(small_wheels, options={"alpha": ix.ProjectOptions(wrong_hashes=True)})
    proc = pip(pip_venv, "download", "--no-deps", "--index-url", bad.index_url(), "-d", tmp_path / "dl2",
               "alpha==1.0", check=False)
    assert proc.returncode != 0 and "HASH" in proc.stderr.upper()


def test_pip_installs_yanked_only_when_pinned(make_index, small_wheels, pip_venv, tmp_path):
    server = make_index(small_wheels, options={"gamma-pkg": ix.ProjectOptions(
        yanked={"gamma_pkg-3.1-py3-none-any.whl": True})})
    report = dry_run_report(pip_venv, tmp_path, "--index-url", server.index_url(), "gamma-pkg==3.1")
    assert report["gamma-pkg"]["metadata"]["version"] == "3.1"
    assert report["gamma-pkg"].get("is_yanked", True)  # the key exists from pip 23.1 on


# --- faults --------------------------------------------------------------------------------------

def test_fault_routes(make_index, small_wheels):
    wheel = "/files/beta-1.0-py3-none-any.whl"
    server = make_index(small_wheels, faults={
        "/simple/alpha/": "500", "/simple/beta/": "drop", wheel: "truncate",
        "/simple/gamma-pkg/": "flaky:2:503", "/files/alpha-1.0-py3-none-any.whl": "slow:0.3"})
    assert fetch_status(server.index_url() + "alpha/") == 500
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        fetch(server.index_url() + "beta/")
    with pytest.raises(Exception) as exc:
        fetch(server.url + wheel)
    assert "IncompleteRead" in repr(exc.value) or isinstance(exc.value, OSError)
    assert [fetch_status(server.index_url() + "gamma-pkg/", JSON_ACCEPT) for _ in range(3)] == [503, 503, 200]
    status, headers, body = fetch(server.index_url() + "gamma-pkg/", JSON_ACCEPT)
    assert headers["Content-Type"] == ix.PEP691_JSON and json.loads(body)["name"] == "gamma-pkg"
    assert fetch(server.url + "/files/alpha-1.0-py3-none-any.whl")[2] == small_wheels[0].path.read_bytes()
    # other routes are untouched
    assert fetch_status(server.url + "/files/beta-1.5-py3-none-any.whl") == 200
    statuses = [(r.uri, r.status) for r in server.requests()]
    assert ("/simple/alpha/", 500) in statuses and ("/simple/beta/", 444) in statuses


def test_pip_reports_server_errors(make_index, small_wheels, pip_venv, tmp_path):
    server = make_index(small_wheels, faults={"/files/beta-1.5-py3-none-any.whl": "truncate"})
    proc = pip(pip_venv, "download", "--no-deps", "--retries", "0", "--index-url", server.index_url(),
               "-d", tmp_path / "dl", "beta==1.5", check=False)
    assert proc.returncode != 0


def test_servers_are_independent_and_stop(small_wheels, tmp_path):
    ix.build_simple_index(tmp_path / "r", small_wheels)
    with ix.IndexServer(tmp_path / "r") as a, ix.IndexServer(tmp_path / "r") as b:
        assert a.port != b.port
        assert fetch_status(a.index_url()) == 200 and fetch_status(b.index_url()) == 200
        prefix, proc = a.prefix, a.proc
    assert proc.poll() is not None and not prefix.exists()
    with pytest.raises(OSError):
        fetch(a.index_url())


# --- PyTorch-shaped mirror and local PyPI --------------------------------------------------------

def test_torch_mirror_shape(torch_index):
    base = torch_index.url
    for variant in ix.TORCH_VARIANTS:
        status, headers, body = fetch(f"{base}/whl/{variant}/", JSON_ACCEPT)
        assert status == 200 and headers["Content-Type"].startswith("text/html")   # no PEP 691 here
        assert body.rstrip().endswith(ix.TORCH_TIMESTAMP.encode())
        names = {t for _, t in anchors(body).anchors}
        assert {"torch", "torchvision", "jinja2", "numpy", "markupsafe", "filelock"} <= names
        assert all(a["href"] == f"/whl/{variant}/{t}/" for a, t in anchors(body).anchors)

    _, _, body = fetch(f"{base}/whl/cu128/torch/")
    torch_anchors = anchors(body).anchors
    assert body.rstrip().endswith(ix.TORCH_TIMESTAMP.encode()) and b"<h1>Links for torch</h1>" in body
    a, text = next((a, t) for a, t in torch_anchors if t == "torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl")
    assert a["href"].startswith("/whl/cu128/torch-2.9.1%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl#sha256=")
    assert "data-requires-python" not in a and "data-yanked" not in a
    assert a["data-core-metadata"] == a["data-dist-info-metadata"] and a["data-upload-time"]
    url, _, frag = (base + a["href"]).partition("#")
    _, _, data = fetch(url)
    assert frag == "sha256=" + hashlib.sha256(data).hexdigest()
    meta = fetch(url + ".metadata")[2].decode()
    assert 'Requires-Dist: nvidia-cublas-cu12==12.8.4.1; sys_platform == "linux"' in meta
    assert 'Requires-Dist: triton==3.5.1; sys_platform == "linux"' in meta

    # shared dependencies live under /whl/ and are listed by every variant (legacy spellings kept)
    _, _, body = fetch(f"{base}/whl/cpu/jinja2/")
    (a, text), = anchors(body).anchors
    assert text == "Jinja2-3.1.4-py3-none-any.whl" and a["href"].startswith("/whl/Jinja2-3.1.4-py3-none-any.whl#")

    # unknown projects and files: 403, like the real S3 bucket
    assert fetch_status(f"{base}/whl/cu128/no-such-project/") == 403
    assert fetch_status(f"{base}/whl/cu128/no-such-file.whl") == 403
    assert fetch_status(f"{base}/simple/no-such-project/") == 404


def test_torch_mirror_variants_metadata(torch_index):
    base = torch_index.url

    def meta(variant, filename):
        return fetch(f"{base}/whl/{variant}/{urllib.parse.quote(filename)}.metadata")[2].decode()

    cpu = meta("cpu", "torch-2.9.1+cpu-cp312-cp312-manylinux_2_28_x86_64.whl")
    assert "nvidia" not in cpu and "Requires-Dist: sympy>=1.13.3" in cpu
    cu126 = meta("cu126", "torch-2.9.1+cu126-cp312-cp312-manylinux_2_28_x86_64.whl")
    assert "nvidia-cufft-cu12==11.3.0.4" in cu126
    cu130 = meta("cu130", "torch-2.9.1+cu130-cp312-cp312-manylinux_2_28_x86_64.whl")
    assert "nvidia-cuda-runtime==13.0.48" in cu130 and "nvidia-cudnn-cu13==9.13.0.50" in cu130
    rocm = meta("rocm6.4", "torch-2.9.1+rocm6.4-cp312-cp312-manylinux_2_28_x86_64.whl")
    assert "pytorch-triton-rocm==3.5.1" in rocm
    xpu = meta("xpu", "torch-2.9.1+xpu-cp312-cp312-linux_x86_64.whl")
    assert "intel-cmplr-lib-rt==2025.2.1" in xpu
    # the CPU index's macOS wheels carry no local label
    _, _, body = fetch(f"{base}/whl/cpu/torch/")
    assert b">torch-2.9.1-cp312-none-macosx_11_0_arm64.whl<" in body


def test_pip_installs_torch_from_the_mirror(torch_index, pip_venv, tmp_path):
    target = tmp_path / "t"
    py = f"cp{sys.version_info.major}{sys.version_info.minor}"
    if py not in ix.DEFAULT_PYTHONS:
        pytest.skip(f"no {py} torch wheels in the mirror")
    pip(pip_venv, "install", "--no-deps", "--index-url", torch_index.url + "/whl/cu128/", "--target", target,
        "torch==2.9.1")
    out = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__, torch.version.cuda)"],
                         env={"PYTHONPATH": str(target)}, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["2.9.1+cu128", "12.8"]


def test_pip_resolves_plain_torch_from_local_pypi(torch_index, pip_venv, tmp_path):
    report = dry_run_report(pip_venv, tmp_path, "--index-url", torch_index.url + "/simple/",
                            "--python-version", "3.12", "--platform", "manylinux_2_28_x86_64",
                            "--only-binary", ":all:", "--target", tmp_path / "t", "torch")
    versions = {n: i["metadata"]["version"] for n, i in report.items()}
    assert versions["torch"] == "2.9.1"
    for name, version in ix.CUDA_PINS["12.8"].items():
        assert versions[name] == version, name
    assert versions["triton"] == "3.5.1" and versions["mpmath"] == "1.3.0"
    assert versions["jinja2"] == "3.1.6" and versions["markupsafe"] == "3.0.2"


def test_pip_mixing_indexes_sees_the_shadowing_copies(torch_index, pip_venv, tmp_path):
    # --index-url the torch mirror with PyPI as extra: pip takes the best version from either
    report = dry_run_report(pip_venv, tmp_path, "--index-url", torch_index.url + "/whl/cpu/",
                            "--extra-index-url", torch_index.url + "/simple/",
                            "--python-version", "3.12", "--platform", "manylinux_2_28_x86_64",
                            "--only-binary", ":all:", "--target", tmp_path / "t", "torch", "filelock==3.9.0")
    versions = {n: i["metadata"]["version"] for n, i in report.items()}
    assert versions["torch"] == "2.9.1+cpu" and versions["filelock"] == "3.9.0"
    assert "nvidia-cublas-cu12" not in versions
    assert report["filelock"]["download_info"]["url"].startswith(torch_index.url + "/whl/filelock-3.9.0")


def test_cache_headers_like_pypi(make_index, small_wheels, tmp_path):
    server = make_index(small_wheels)
    _, headers, _ = fetch(server.index_url() + "alpha/", JSON_ACCEPT)
    assert headers["Cache-Control"] == "max-age=600, public" and headers["Vary"] == "Accept"
    _, headers, _ = fetch(server.url + "/files/alpha-1.0-py3-none-any.whl")
    assert "immutable" in headers["Cache-Control"]
    _, headers, _ = fetch(server.url + "/files/alpha-1.0-py3-none-any.whl.metadata")
    assert "immutable" in headers["Cache-Control"]
    # static pages carry an ETag and answer conditional requests with 304 (HTTP cache revalidation)
    _, headers, _ = fetch(server.index_url() + "alpha/", JSON_ACCEPT)
    req = urllib.request.Request(server.index_url() + "alpha/",
                                 headers={"Accept": JSON_ACCEPT, "If-None-Match": headers["ETag"]})
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req)
    assert exc.value.code == 304
    ix.build_simple_index(tmp_path / "plain", small_wheels)
    with ix.IndexServer(tmp_path / "plain", cache_headers=False) as plain:
        _, headers, _ = fetch(plain.index_url() + "alpha/")
        assert "Cache-Control" not in headers and headers["Vary"] == "Accept"
        _, headers, _ = fetch(plain.url + "/files/alpha-1.0-py3-none-any.whl")
        assert "Cache-Control" not in headers


def test_range_requests_and_cross_host_files(small_wheels, tmp_path, pip_venv):
    # files on one server, pages on another that links to it with absolute URLs (PyPI's shape)
    ix.build_simple_index(tmp_path / "files-root", small_wheels)
    with ix.IndexServer(tmp_path / "files-root") as files:
        ix.build_simple_index(tmp_path / "pages-root", small_wheels, files_url=files.url)
        with ix.IndexServer(tmp_path / "pages-root") as pages:
            _, _, body = fetch(pages.index_url() + "beta/")
            hrefs = [a["href"] for a, _ in anchors(body).anchors]
            assert all(h.startswith(files.url + "/files/beta-") for h in hrefs)
            page = json.loads(fetch(pages.index_url() + "beta/", JSON_ACCEPT)[2])
            assert all(f["url"].startswith(files.url + "/files/") for f in page["files"])
            out = tmp_path / "dl"
            pip(pip_venv, "download", "--no-deps", "--index-url", pages.index_url(), "-d", out, "beta==1.5")
            assert (out / "beta-1.5-py3-none-any.whl").exists()
            assert not any(r.uri.endswith(".whl") for r in pages.requests())
            assert "/files/beta-1.5-py3-none-any.whl" in [r.uri for r in files.requests()]
        # nginx answers range requests (the metadata fallback of installers: the zip's central directory)
        data = small_wheels[0].path.read_bytes()
        req = urllib.request.Request(files.url + "/files/" + small_wheels[0].filename, headers={"Range": "bytes=-22"})
        with urllib.request.urlopen(req) as r:
            assert r.status == 206 and r.read() == data[-22:]
            assert r.headers["Content-Range"] == f"bytes {len(data) - 22}-{len(data) - 1}/{len(data)}"
        assert files.requests()[-1].range == "bytes=-22"


def test_torch_mirror_files_without_hashes_or_metadata(tmp_path):
    no_hash = "torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl"
    no_meta = "torchvision-0.24.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl"
    ix.build_torch_mirror(tmp_path, variants=["cu128"], pythons=["cp312"], no_hash_files=[no_hash],
                          no_metadata_files=[no_meta])
    page = (tmp_path / "whl" / "cu128" / "torch" / "index.html").read_text()
    line = next(l for l in page.splitlines() if f">{no_hash}<" in l)
    assert "#sha256=" not in line and "data-core-metadata" in line
    page = (tmp_path / "whl" / "cu128" / "torchvision" / "index.html").read_text()
    line = next(l for l in page.splitlines() if f">{no_meta}<" in l)
    assert "#sha256=" in line and "data-core-metadata" not in line and "data-dist-info-metadata" not in line
    assert not (tmp_path / "whl" / "cu128" / (no_meta + ".metadata")).exists()
    assert (tmp_path / "whl" / "cu128" / (no_hash + ".metadata")).exists()
    assert not (tmp_path / "whl" / "cpu").exists()
