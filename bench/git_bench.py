"""The git scenarios of the suite (issue 15): five git requirements from a local smart-HTTP server (git
http-backend behind nginx, tests/e2e/gittools.py), made from five of the build dataset's real sdists, each
unpacked into a repository with a tag.

* git-cold: `pip install git+http://.../<name>.git@v<version>` x5 into a fresh venv, empty caches: clone,
  build (isolated, setuptools from the build index), install. pip clones and builds one at a time.
* git-warm: the same into a fresh venv, warm cache (the same commits: ptinstall's git cache and built
  wheels); floor: ptinstall installing the same packages as wheels (the ones it built) from --find-links
  --no-index, warm cache. Target: within 1.5x of that floor."""
from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Dict, List, Optional

import gittools


def make_repositories(b, count: int = 5) -> Optional[Dict[str, str]]:
    """Bare repositories of `count` pure-Python sdists of the build dataset under a fresh directory:
    {name: requirement}; None when the machine cannot serve them."""
    bd = b.build_ds
    served = b.fresh("git-served")
    work = b.fresh("git-work")
    reqs: Dict[str, str] = {}
    for name, sdist in sorted(bd.sdists.items()):
        if len(reqs) == count:
            break
        if bd.c_extension and name == bd.c_extension:
            continue
        with tarfile.open(sdist) as tf:
            tf.extractall(work)  # our own generated sdists (Debian 12's tarfile has no filter=)
        top = next(p for p in work.iterdir() if p.is_dir() and not (p / ".git").exists())
        repo_dir = work / f"{name}-repo"
        top.rename(repo_dir)
        repo = gittools.make_repo(repo_dir, f"{name} {bd.versions[name]}")
        repo.tag(f"v{bd.versions[name]}")
        gittools.bare_copy(repo, served, f"{name}.git")
        reqs[name] = f"v{bd.versions[name]}"
    return reqs, served


def git_scenarios(b, runs: int, selected: Optional[set], scenario, warm_cache, installed_set, tools,
                  pip_build_args: List[str]) -> list:
    results = []
    reqs, served = make_repositories(b)
    with gittools.GitServer(served) as server:
        lines = [f"{n} @ git+{server.url(n + '.git')}@{tag}" for n, tag in reqs.items()]
        url = b.build_url
        caches = {t: b.fresh(f"git-cache-{t}") for t in tools}

        def args(tool):
            return (pip_build_args if tool == "pip" else []) + lines

        if not selected or "git-cold" in selected:
            def once(tool, i):
                venv = b.venv(with_pip=(tool == "pip"))
                cache = b.fresh("git-cold-cache") if tool == "ptinstall" else None
                run = b.run(tool, venv, cache, args(tool), url)
                return run, None, [venv] + ([cache] if cache else []), installed_set(b.site_packages(venv))
            results.append(scenario(b, "git-cold", f"{len(lines)} git requirements (tags) from a local smart-HTTP "
                                    "server, built, fresh venv, empty cache", runs, once))

        if not selected or "git-warm" in selected:
            for t in tools:
                warm_cache(b, t, caches[t], args(t), url)
            links = b.fresh("git-built-wheels")
            for w in caches["ptinstall"].glob("built-wheels-v1/*/*/*.whl"):
                shutil.copyfile(w, links / w.name)
            names = [f"{n}" for n in reqs]
            floor_args = ["--no-index", "--find-links", str(links)] + names
            floor_cache = b.fresh("git-floor-cache")
            warm_cache(b, "ptinstall", floor_cache, floor_args, url)

            def once(tool, i):
                venv = b.venv(with_pip=(tool == "pip"))
                run = b.run(tool, venv, caches[tool], args(tool), url)
                floor = None
                if tool == "ptinstall":
                    fvenv = b.venv(with_pip=False)
                    floor = b.run("ptinstall", fvenv, floor_cache, floor_args, url)
                    b.trash.append(fvenv.parent)
                return run, floor, [venv], installed_set(b.site_packages(venv))
            results.append(scenario(b, "git-warm", f"the same {len(lines)} git requirements, fresh venv, warm cache",
                                    runs, once, "ptinstall installing the same packages as wheels from --find-links "
                                    "--no-index, warm cache"))
        b.cleanup(*caches.values())
    return results
