"""./scripts/package (issue 17) on the binary of this build (--existing; the portable build itself takes
minutes and is run by ./scripts/package without it): a .tar.gz, a .deb (CPack) and a wheel that carries
the binary, each installed and run by the script itself (pip into a fresh venv, ptinstall itself)."""
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, binary

pytestmark = pytest.mark.skipif(not shutil.which("dpkg-deb") or not shutil.which("cpack"),
                                reason="needs dpkg-deb and cpack")


def build_dir() -> Path:
    return Path(os.environ.get("PTINSTALL_BUILD_DIR", ROOT / "build"))


def test_package_existing_build(tmp_path):
    if not (build_dir() / "CPackConfig.cmake").exists():
        pytest.skip("the build directory was configured before cmake/Package.cmake")
    dist = tmp_path / "dist"
    env = {**os.environ, "BUILD_DIR": str(build_dir()), "DIST_DIR": str(dist), "HOME": str(tmp_path)}
    r = subprocess.run([str(ROOT / "scripts" / "package"), "--existing"], env=env, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "package: wrote and checked" in r.stdout
    version = subprocess.run([binary(), "--version"], capture_output=True, text=True).stdout.split()[1]
    glibc = re.search(r"needs glibc >= (\d+)\.(\d+)", r.stdout)
    assert glibc
    names = sorted(p.name for p in dist.iterdir())
    wheel = f"ptinstall-{version}-py3-none-manylinux_{glibc.group(1)}_{glibc.group(2)}_x86_64.whl"
    assert names == sorted([wheel, f"ptinstall-{version}-x86_64-linux.tar.gz", f"ptinstall_{version}_amd64.deb"])
    with zipfile.ZipFile(dist / wheel) as z:
        members = z.namelist()
        assert f"ptinstall-{version}.data/scripts/ptinstall" in members
        info = z.getinfo(f"ptinstall-{version}.data/scripts/ptinstall")
        assert (info.external_attr >> 16) & 0o111  # executable
        assert z.read(f"ptinstall-{version}.dist-info/WHEEL").decode().count("Root-Is-Purelib: false") == 1
        assert z.read(f"ptinstall-{version}.data/scripts/ptinstall") == Path(binary()).read_bytes()
    listing = subprocess.run(["dpkg-deb", "-c", str(dist / f"ptinstall_{version}_amd64.deb")],
                             capture_output=True, text=True, check=True).stdout
    for path in ("./usr/bin/ptinstall", "./usr/share/man/man1/ptinstall.1",
                 "./usr/share/fish/vendor_completions.d/ptinstall.fish"):
        assert path in listing, listing
