"""`ptinstall pip download -d DIR` (issue 17): resolves like install for a target, writes the files and
nothing else, and an offline `--no-index --find-links DIR` install from them works."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import wheelmaker  # noqa: E402
from envtools import installed, make_venv, py  # noqa: E402
from indexserver import ProjectOptions  # noqa: E402


def test_download_for_another_target_then_install_offline(ptinstall, torch_index, tmp_path):
    dest = tmp_path / "wheelhouse"
    base = ["--index-url", torch_index.index_url(), "--torch-backend-index", torch_index.url + "/whl"]
    r = ptinstall("pip", "download", "-d", dest, *base, "torch", "--torch-backend", "cu128",
                  "--python-version", "3.12", "--python-platform", "x86_64-manylinux_2_28", check=True)
    names = sorted(p.name for p in dest.iterdir())
    # The CUDA 12.8 build for CPython 3.12, its nvidia-* dependencies, and nothing but .whl files.
    assert "torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl" in names
    assert "triton-3.5.1-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl" in names
    assert any(n.startswith("nvidia_cudnn_cu12-") for n in names)
    assert all(n.endswith(".whl") for n in names), names
    assert r.stderr.count("Saved ") == len(names)
    assert f"Downloaded {len(names)} files (" in r.stderr
    # Again: nothing fetched, every file kept.
    r = ptinstall("pip", "download", "-d", dest, *base, "torch", "--torch-backend", "cu128",
                  "--python-version", "3.12", "--python-platform", "x86_64-manylinux_2_28", check=True)
    assert "Saved " not in r.stderr and r.stderr.count("File was already downloaded") == len(names)


def test_downloaded_files_install_without_the_index(ptinstall, torch_index, tmp_path):
    venv = make_venv(tmp_path / "venv")
    dest = tmp_path / "wheelhouse"
    ptinstall("pip", "download", "--python", venv, "-d", dest, "--index-url", torch_index.index_url(),
              "--torch-backend-index", torch_index.url + "/whl", "torch", "--torch-backend", "cpu", check=True)
    # A dead index URL: the install may only use the directory.
    ptinstall("pip", "install", "--python", venv, "--no-index", "--find-links", dest, "--index-url",
              "http://127.0.0.1:9/simple/", "torch", check=True)
    assert installed(venv)["torch"] == "2.9.1+cpu"
    assert py(venv, "import torch; print(torch.__version__)").strip() == "2.9.1+cpu"


def test_no_deps_requirements_files_and_a_bad_hash(ptinstall, make_index, tmp_path):
    out = tmp_path / "w"
    ws = [wheelmaker.build_wheel(out, "alpha", "1.0", requires_dist=["beta"]),
          wheelmaker.build_wheel(out, "beta", "1.0")]
    server = make_index(ws)
    (tmp_path / "req.txt").write_text("alpha\n")
    dest = tmp_path / "d1"
    ptinstall("pip", "download", "--dest", dest, "-i", server.index_url(), "-r", "req.txt", "--no-deps", check=True)
    assert sorted(p.name for p in dest.iterdir()) == ["alpha-1.0-py3-none-any.whl"]
    assert (dest / "alpha-1.0-py3-none-any.whl").read_bytes() == (out / "alpha-1.0-py3-none-any.whl").read_bytes()

    bad = make_index(ws, options={"beta": ProjectOptions(wrong_hashes=True)})
    dest = tmp_path / "d2"
    r = ptinstall("pip", "download", "-d", dest, "-i", bad.index_url(), "alpha", check=False)
    assert r.returncode == 1
    assert "error: hash mismatch for beta-1.0-py3-none-any.whl" in r.stderr and "hint:" in r.stderr
    # Nothing half-written stays: at most the good file.
    assert [p.name for p in dest.iterdir()] in ([], ["alpha-1.0-py3-none-any.whl"])


def test_download_needs_packages(ptinstall, tmp_path):
    r = ptinstall("pip", "download", "-d", tmp_path / "x", check=False)
    assert r.returncode == 2
    assert r.stderr.startswith("error: no packages to download\nhint: ")
    assert not (tmp_path / "x").exists()
