"""`pip list --outdated` / `--uptodate` (pip's options, uv's --outdated): the newest version of each
installed package on the indexes, with pip's Latest and Type columns (issue 17)."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import wheelmaker  # noqa: E402
from envtools import make_venv  # noqa: E402


def test_outdated_and_uptodate(ptinstall, make_index, tmp_path):
    out = tmp_path / "w"
    ws = [wheelmaker.build_wheel(out, "alpha", "1.0"), wheelmaker.build_wheel(out, "alpha", "2.0"),
          wheelmaker.build_wheel(out, "beta", "1.0"), wheelmaker.build_wheel(out, "gamma", "1.0"),
          wheelmaker.build_wheel(out, "gamma", "1.1rc1"), wheelmaker.build_wheel(out, "Delta_Pkg", "0.1")]
    server = make_index(ws)
    venv = make_venv(tmp_path / "venv")
    ptinstall("pip", "install", "--python", venv, "-i", server.index_url(), "alpha==1.0", "beta", "gamma==1.0",
              "delta-pkg", check=True)
    (out / "delta_pkg-0.2.tar.gz").write_bytes(b"not read")
    # An sdist-only newer version on a second index: Type sdist.
    sd = tmp_path / "sd"
    sd.mkdir()
    import shutil
    shutil.copy(out / "delta_pkg-0.2.tar.gz", sd)
    base = ["pip", "list", "--python", venv, "-i", server.index_url(), "--find-links", sd]
    r = ptinstall(*base, "--outdated", check=True)
    assert r.stdout == ("Package   Version Latest Type\n"
                        "--------- ------- ------ -----\n"
                        "alpha     1.0     2.0    wheel\n"
                        "Delta_Pkg 0.1     0.2    sdist\n"), r.stdout
    r = ptinstall(*base, "-o", "--pre", "--format", "json", check=True)
    assert [(d["name"], d["latest_version"]) for d in json.loads(r.stdout)] == [
        ("alpha", "2.0"), ("Delta_Pkg", "0.2"), ("gamma", "1.1rc1")]
    assert json.loads(r.stdout)[0] == {"name": "alpha", "version": "1.0", "latest_version": "2.0",
                                       "latest_filetype": "wheel"}
    r = ptinstall(*base, "--uptodate", check=True)
    assert r.stdout.splitlines()[2:] == ["beta    1.0     1.0    wheel", "gamma   1.0     1.0    wheel"]
    r = ptinstall(*base, "--outdated", "--format", "freeze", check=False)
    assert r.returncode == 2 and "--format freeze cannot be used with --outdated" in r.stderr
    # Without them, pip list asks no index at all.
    before = len(server.requests())
    ptinstall("pip", "list", "--python", venv, "-i", server.index_url(), check=True)
    assert len(server.requests()) == before
