"""The index layer (tests/tools/index_probe) against nginx: the PyTorch-shaped mirror and local PyPI of
indexserver.py (HTML-only, root-relative %2B links, 403 for unknown projects, .metadata files), PEP 691
content negotiation, range reads of real wheels through nginx, and the index strategies."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import indexserver as ix  # noqa: E402
import wheelmaker as wm  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ACCEPT = ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
          "text/html;q=0.01")
TAGS = ",".join(["cp312-cp312-manylinux_2_28_x86_64", "cp312-cp312-manylinux_2_27_x86_64",
                 "cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-manylinux2014_x86_64",
                 "cp312-abi3-manylinux_2_28_x86_64", "cp312-none-manylinux_2_28_x86_64",
                 "py3-none-manylinux_2_28_x86_64", "py3-none-manylinux_2_17_x86_64",
                 "py3-none-manylinux2014_x86_64", "py2-none-manylinux_2_28_x86_64",
                 "cp312-none-any", "py3-none-any", "py2-none-any"])


def probe_path() -> str:
    build = Path(os.environ.get("PTINSTALL_BUILD_DIR", str(ROOT / "build")))
    path = build / "tests" / "index_probe"
    if not path.exists():
        pytest.skip(f"{path} is not built (cmake --build <dir> --target index_probe)")
    return str(path)


def probe(*args, expect_ok=True):
    proc = subprocess.run([probe_path(), *args], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip(), (proc.returncode, proc.stderr)
    out = json.loads(proc.stdout)
    if expect_ok:
        assert proc.returncode == 0, (proc.stdout, proc.stderr)
    return out


@pytest.fixture(scope="module")
def torch_server(tmp_path_factory):
    if not ix.nginx_binary():
        pytest.skip("nginx is not installed")
    root = tmp_path_factory.mktemp("torch-index-layer")
    ix.build_torch_mirror(root, no_metadata_files=["triton-3.5.1-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl"])
    ix.build_local_pypi(root)
    server = ix.IndexServer(root)
    server.start()
    yield server
    server.stop()


def test_routed_torch_uses_only_the_pytorch_indexes(torch_server):
    s = torch_server
    torch_server.clear_log()
    out = probe("--index", s.index_url("/simple/"), "--python", "3.12.4", "--tags", TAGS,
                "--route", f"torch={s.index_url('/whl/cu128')},{s.index_url('/whl/cpu')}",
                "--route", f"triton={s.index_url('/whl/cu128')},{s.index_url('/whl/cpu')}",
                "torch", "numpy", "triton", "nvidia-cublas-cu12")
    torch = out["torch"]
    assert torch["routed"]
    assert torch["found_on"] == [s.index_url("/whl/cu128"), s.index_url("/whl/cpu")]
    # every +cu128 version before any +cpu one (unsafe-first-match), each from its index
    labels = [v.split("+")[1] if "+" in v else "" for v in torch["versions"]]
    assert labels[0] == "cu128"
    assert labels.index("cpu") > max(i for i, l in enumerate(labels) if l == "cu128")
    first = torch["files"][0]
    assert first["filename"].startswith("torch-") and "+cu128-cp312-cp312-manylinux_2_28_x86_64" in first["filename"]
    assert first["url"].startswith(s.url + "/whl/cu128/torch-") and "%2Bcu128" in first["url"]
    assert first["core_metadata"] and len(first["hashes"]["sha256"]) == 64
    # aarch64, other Pythons and macOS wheels are skipped for their tags
    assert any(x["reason"] == "incompatible-tags" for x in torch["skipped"])
    # numpy is not routed: from the user's index only, never from /whl/
    assert not out["numpy"]["routed"]
    assert out["numpy"]["found_on"] == [s.index_url("/simple/")]
    assert out["nvidia-cublas-cu12"]["found_on"] == [s.index_url("/simple/")]
    paths = [r.path for r in s.requests()]
    assert "/simple/torch/" not in paths
    assert not any(p.startswith("/whl/") and "numpy" in p for p in paths)
    # the JSON-first Accept header went out
    assert all(r.accept == ACCEPT for r in s.requests() if r.path.endswith("/") and r.path != "/")


def test_unknown_projects_answer_403_and_count_as_missing(torch_server):
    s = torch_server
    out = probe("--index", s.index_url("/simple/"),
                "--route", f"torchvision={s.index_url('/whl/cu128')}", "--route", f"nope={s.index_url('/whl/cu128')}",
                "nope")
    assert out["nope"]["found_on"] == []
    assert out["nope"]["files"] == []
    assert any(r.status == 403 for r in s.requests() if r.path == "/whl/cu128/nope/")


def test_metadata_files_and_range_reads_through_nginx(torch_server, tmp_path):
    s = torch_server
    s.clear_log()
    out = probe("--index", s.index_url("/simple/"), "--python", "3.12.4", "--tags", TAGS, "--metadata",
                "--download-dir", str(tmp_path / "dl"),
                "--route", f"torch={s.index_url('/whl/cu128')}", "--route", f"triton={s.index_url('/whl/cu128')}",
                "torch", "triton")
    torch = out["torch"]["metadata"]
    assert torch["source"] == "metadata file"
    assert torch["name"] == "torch" and torch["version"].endswith("+cu128")
    assert any(r.startswith("nvidia-cublas-cu12") for r in torch["requires_dist"])
    # triton has no .metadata on this mirror: its METADATA comes from range requests, not a download
    triton = out["triton"]["metadata"]
    assert triton["source"] == "range read", out
    assert triton["wheel_path"] is None
    ranged = [r for r in s.requests() if r.path.startswith("/whl/cu128/triton-") and r.path.endswith(".whl")]
    assert ranged and all(r.status == 206 and r.range for r in ranged)
    assert out["_stats"]["range_requests"] == len(ranged)
    assert out["_stats"]["full_downloads"] == 0


def test_pep691_json_is_used_where_offered(make_index, tmp_path):
    wheels = [wm.build_wheel(tmp_path / "w", "alpha", v, requires_python=">=3.8") for v in ("1.0", "2.0")]
    wheels.append(wm.build_wheel(tmp_path / "w", "alpha", "3.0", requires_python=">=3.13"))
    server = make_index(wheels, options={"alpha": ix.ProjectOptions(yanked={"alpha-2.0-py3-none-any.whl": "bad"})})
    out = probe("--index", server.index_url(), "--python", "3.12.4", "--metadata", "--download-dir",
                str(tmp_path / "dl"), "alpha")
    a = out["alpha"]
    assert a["versions"] == ["1.0"]
    reasons = {x["filename"]: x["reason"] for x in a["skipped"]}
    assert reasons == {"alpha-3.0-py3-none-any.whl": "requires-python", "alpha-2.0-py3-none-any.whl": "yanked"}
    assert a["metadata"]["source"] == "metadata file"
    page = [r for r in server.requests() if r.path == "/simple/alpha/"]
    assert page and page[0].accept == ACCEPT


def test_wheels_without_metadata_files_are_read_with_ranges(make_index, tmp_path):
    wheels = [wm.build_wheel(tmp_path / "w", "beta", "1.0", requires_dist=["alpha>=1"])]
    server = make_index(wheels, options={"beta": ix.ProjectOptions(no_metadata=True)})
    out = probe("--index", server.index_url(), "--metadata", "--download-dir", str(tmp_path / "dl"), "beta")
    m = out["beta"]["metadata"]
    # nginx honours ranges: METADATA comes from range requests, nothing is downloaded
    assert m["source"] == "range read"
    assert m["requires_dist"] == ["alpha>=1"]


@pytest.mark.parametrize("strategy,expected", [
    ("first-index", ["1.0"]),
    ("unsafe-first-match", ["1.0", "2.0"]),
    ("unsafe-best-match", ["2.0", "1.0"]),
])
def test_strategies_across_two_nginx_indexes(make_index, tmp_path, strategy, expected):
    first = make_index([wm.build_wheel(tmp_path / "a", "gamma", "1.0")])
    second = make_index([wm.build_wheel(tmp_path / "b", "gamma", "2.0"), wm.build_wheel(tmp_path / "b", "gamma", "1.0")])
    out = probe("--index", first.index_url(), "--index", second.index_url(), "--strategy", strategy, "gamma")
    assert out["gamma"]["versions"] == expected
    if strategy == "unsafe-best-match":
        assert out["gamma"]["files"][0]["index"] == second.index_url()
        assert [f["index"] for f in out["gamma"]["files"][1:]] == [first.index_url()]
