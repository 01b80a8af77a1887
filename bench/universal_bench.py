"""Issue 16's universal measure: `pip compile --universal` of the seed's multi-platform configuration
(uv's marker-gated torch sources: torch from the cu128 index on Linux, from the cpu index elsewhere),
against the same compile for this machine alone.

The index is tests/e2e's PyTorch-shaped mirror (indexserver.build_torch_mirror: /whl/cpu with macOS arm64
and Windows wheels, /whl/cu128 with Linux x86_64/aarch64 wheels, the nvidia-* libraries, and a small
PyPI under /simple/), for CPython 3.10-3.13, served by nginx. The project allows Python >= 3.10, so the
grid is 5 platforms x the Python ranges the markers split (torch's `setuptools; python_version >= "3.12"`
splits at 3.12). Warm cache (one untimed compile of each kind first). Target: within 3x of the floor."""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import List

import indexserver

PROJECT = """[project]
name = "app"
version = "1.0"
requires-python = ">=3.10"
dependencies = ["torch>=2.9", "jinja2"]

[tool.uv.sources]
torch = [
  {{ index = "pytorch-cpu", marker = "sys_platform != 'linux'" }},
  {{ index = "pytorch-cu128", marker = "sys_platform == 'linux'" }},
]

[[tool.uv.index]]
name = "pytorch-cpu"
url = "{url}/whl/cpu"
explicit = true

[[tool.uv.index]]
name = "pytorch-cu128"
url = "{url}/whl/cu128"
explicit = true
"""


def universal_scenarios(b, runs: int, scenario, timed) -> list:
    root = b.fresh("universal-mirror")
    indexserver.build_torch_mirror(root, variants=("cpu", "cu128"), pythons=indexserver.DEFAULT_PYTHONS,
                                   extra_platforms={"cpu": ["win_amd64"], "cu128": ["win_amd64"]})
    indexserver.build_local_pypi(root, pythons=indexserver.DEFAULT_PYTHONS)
    cache = b.fresh("universal-cache")
    work = b.fresh("universal-work")
    results: List = []
    with indexserver.IndexServer(root, workers=max(1, os.cpu_count() or 1)) as server:
        project = work / "proj" / "pyproject.toml"
        project.parent.mkdir(parents=True)
        project.write_text(PROJECT.format(url=server.url))
        probe = b.venv(with_pip=False)
        python = str(probe / "bin" / "python")

        def compile_cmd(universal: bool, out: Path) -> list:
            return ([b.args.ptinstall, "pip", "compile", "--no-config", "--python", python, "--default-index",
                     server.index_url("/simple/"), "--cache-dir", str(cache), str(project), "-o", str(out)]
                    + (["--universal"] if universal else []) + list(b.args.ptinstall_arg))

        lock, single = work / "pylock.toml", work / "single.txt"
        for universal, out in ((True, lock), (False, single)):  # warm the cache
            timed(compile_cmd(universal, out), b.env, cwd=work, log=b.log)

        def once(tool, i):
            run = timed(compile_cmd(True, lock), b.env, cwd=work, log=b.log)
            floor = timed(compile_cmd(False, single), b.env, cwd=work, log=b.log)
            return run, floor, [], None
        result = scenario(b, "universal", "pip compile --universal -o pylock.toml of the marker-gated torch "
                          "project (5 platforms x Python >= 3.10), warm cache", runs, once,
                          "pip compile of the same project for this machine", ("ptinstall",))
        if lock.exists():
            doc = tomllib.loads(lock.read_text())
            torch = sorted(f"{p['version']} ({p.get('marker', 'always')})" for p in doc["packages"] if p["name"] == "torch")
            result.check = (f"{len(doc['packages'])} entries, {len(doc.get('environments', []))} environments; "
                            f"torch: {'; '.join(torch)}")
        results.append(result)
        b.cleanup(probe)
    b.cleanup(root, cache, work)
    return results
