"""ptinstall's benchmark suite (issue 7): ptinstall against pip on a local nginx index, beside the physical
floor of each scenario. Run it with bench/run (see bench/README.md)."""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
import dataset  # noqa: E402
import indexserver  # noqa: E402
from wheelmaker import normalize_name  # noqa: E402

TOOLS = ("ptinstall", "pip")
BUILD_SCENARIOS = ("build-cold", "build-warm", "editable", "rebuild", "git-cold", "git-warm")
TORCH_SCENARIOS = ("noop-torch", "noop-torch-auto", "noop-moto-torch")
LATENCY_SCENARIOS = ("latency-resolve-cold", "latency-install-cold", "latency-install-cold-noahead",
                     "latency-moto-cold", "latency-moto-cold-noahead")
HUGE_SCENARIOS = ("huge-cold", "huge-cold-1conn", "huge-resume")
MIXED_SCENARIOS = ("mixed-cold", "mixed-warm")
UNIVERSAL_SCENARIOS = ("universal",)
SCENARIOS = ("install-cold", "install-warm", "install-noop", "lock-warm", "lock-noop", "local-warm", "resolve-warm",
             "resolve-backtrack", "big-cold", "big-warm") + TORCH_SCENARIOS + LATENCY_SCENARIOS + HUGE_SCENARIOS + MIXED_SCENARIOS + BUILD_SCENARIOS + UNIVERSAL_SCENARIOS
# pip 23.0 (Debian's) installs a project without pyproject.toml with `setup.py install` when the venv lacks
# `wheel`; --use-pep517 makes it build a wheel in an isolated environment, as pip >= 23.1 always does
PIP_BUILD_ARGS = ["--use-pep517"]


# --- measuring -----------------------------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    rc: int
    maxrss_kb: int
    error: str = ""
    output: str = ""          # stdout + stderr, for the result checks


def first_error_line(text: str) -> str:
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for l in lines:
        if re.match(r"(error|fatal|traceback)\b", l, re.I) or l.lower().startswith("error:"):
            return l[:200]
    return (lines[0][:200] if lines else "no output")


def timed(cmd: Sequence[str], env: Dict[str, str], cwd: Optional[Path] = None, log: Optional[Path] = None) -> Run:
    """Runs cmd, returns wall time, exit status, output and peak RSS. The RSS comes from GNU time's %M when
    /usr/bin/time exists: the rusage of a child this Python forks counts the Python's own pages before the
    exec (Linux keeps the old image's high-water mark), which read 121 MiB for every fast command. Without
    it, the wait4 rusage (an upper bound)."""
    import tempfile
    rss_file = None
    argv = list(map(str, cmd))
    if os.path.exists("/usr/bin/time"):
        fd, rss_file = tempfile.mkstemp(prefix="bench-rss-")
        os.close(fd)
        argv = ["/usr/bin/time", "-q", "-f", "%M", "-o", rss_file] + argv
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.PIPE)
        except OSError as e:
            return Run(0.0, 127, 0, f"cannot run {cmd[0]}: {e}")
        # stderr is small for both tools; read it fully, then reap with wait4 for the rusage
        stderr = b"".join(iter(lambda: proc.stderr.read(65536), b"")).decode(errors="replace")
        _, status, rusage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = rc = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read().decode(errors="replace")
    maxrss = rusage.ru_maxrss
    if rss_file:
        try:
            text = Path(rss_file).read_text().split()
            maxrss = int(text[-1]) if text and text[-1].isdigit() else maxrss
        except OSError:
            pass
        os.unlink(rss_file)
    if log:
        with open(log, "a") as f:
            f.write("\n$ " + " ".join(map(str, cmd)) + f"\n{stdout}{stderr}[rc={rc}, {seconds:.3f}s]\n")
    return Run(seconds, rc, maxrss, first_error_line(stderr) if rc else "", stdout + stderr)


def installed_set(site_packages: Path) -> Dict[str, str]:
    """normalized name -> version of the distributions in site-packages (pip itself left out)."""
    out = {}
    for d in site_packages.glob("*.dist-info"):
        name, _, version = d.name[:-len(".dist-info")].partition("-")
        if normalize_name(name) != "pip":
            out[normalize_name(name)] = version
    return out


def dry_run_set(output: str) -> Dict[str, str]:
    """The would-be installs printed by pip ("Would install a-1.0 b-2.0") or ptinstall (" + a==1.0")."""
    out = {}
    for line in output.splitlines():
        if line.startswith("Would install ") and "==" not in line and " packages" not in line:
            for token in line[len("Would install "):].split():
                name, _, version = token.rpartition("-")
                out[normalize_name(name)] = version
        m = re.match(r"\s*\+ (\S+?)==(\S+)", line)
        if m:
            out[normalize_name(m.group(1))] = m.group(2)
    out.pop("pip", None)
    return out


@dataclass
class Cell:
    runs: List[Run] = field(default_factory=list)

    @property
    def ok(self) -> List[float]:
        return [r.seconds for r in self.runs if r.rc == 0]

    @property
    def failed(self) -> Optional[Run]:
        return next((r for r in self.runs if r.rc != 0), None)

    def median(self) -> Optional[float]:
        return statistics.median(self.ok) if self.ok and not self.failed else None

    def fmt(self) -> str:
        f = self.failed
        if f:
            return f"failed: {f.error}"
        if not self.ok:
            return "-"
        return f"{statistics.median(self.ok):.3f} ({min(self.ok):.3f}-{max(self.ok):.3f})"

    def rss(self) -> str:
        vals = [r.maxrss_kb for r in self.runs if r.rc == 0]
        return f"{max(vals) / 1024:.0f}" if vals and not self.failed else "-"


# --- environments --------------------------------------------------------------------------------

class Bench:
    def __init__(self, args, ds: Optional[dataset.Dataset], server: Optional[indexserver.IndexServer],
                 build_ds: Optional[dataset.BuildDataset] = None,
                 build_server: Optional[indexserver.IndexServer] = None):
        self.args = args
        self.ds = ds
        self.server = server
        self.build_ds = build_ds
        self.build_url = build_server.index_url("/simple/") if build_server else ""
        self.work = Path(args.work)
        self.tmp = self.work / "run"
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir(parents=True)
        self.log = self.tmp / "commands.log"
        self.index_url = server.index_url("/simple/") if server else ""
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PIP_", "UV_", "PTINSTALL_", "VIRTUAL_ENV", "CONDA_PREFIX", "PYTHON"))}
        self.env.update(HOME=str(self.work / "home"), XDG_CONFIG_HOME=str(self.work / "home" / ".config"),
                        NO_COLOR="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
        self.counter = 0
        self.trash: List[Path] = []  # what the floors made, removed with the scenario's leftovers

    def fresh(self, name: str) -> Path:
        self.counter += 1
        p = self.tmp / f"{self.counter:03d}-{name}"
        p.mkdir(parents=True)
        return p

    def venv(self, with_pip: bool) -> Path:
        d = self.fresh("venv") / "venv"
        cmd = [self.args.python, "-m", "venv", str(d)] + ([] if with_pip else ["--without-pip"])
        subprocess.run(cmd, check=True, env=self.env)
        return d

    def site_packages(self, venv: Path) -> Path:
        return next((venv / "lib").glob("python3*/site-packages"))

    def command(self, tool: str, venv: Path, cache: Optional[Path], args: Sequence[str],
                index_url: Optional[str] = None) -> List[str]:
        index_url = index_url or self.index_url
        if tool == "ptinstall":
            cmd = [self.args.ptinstall, "pip", "install", "--no-config", "--python", str(venv / "bin" / "python"),
                   "--index-url", index_url]
            cmd += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
            return cmd + list(args) + list(self.args.ptinstall_arg)
        cmd = [str(venv / "bin" / "python"), "-m", "pip", "install", "--isolated", "--disable-pip-version-check",
               "--index-url", index_url]
        cmd += ["--cache-dir", str(cache)] if cache else ["--no-cache-dir"]
        return cmd + list(args) + list(self.args.pip_arg)

    def run(self, tool: str, venv: Path, cache: Optional[Path], args: Sequence[str],
            index_url: Optional[str] = None, env_extra: Optional[Dict[str, str]] = None) -> Run:
        return timed(self.command(tool, venv, cache, args, index_url), dict(self.env, **(env_extra or {})),
                     cwd=self.tmp, log=self.log)

    def cleanup(self, *paths: Path) -> None:
        for p in paths:
            shutil.rmtree(p.parent if p.name == "venv" else p, ignore_errors=True)

    # --- floors ---

    def installed_wheels(self, venv: Path) -> List[Path]:
        """The index's wheel files of the distributions installed in venv (what a cold install unpacked)."""
        out = []
        for d in self.site_packages(venv).glob("*.dist-info"):
            stem = d.name[:-len(".dist-info")]
            name, _, version = stem.partition("-")
            w = self.ds.wheels.get((normalize_name(name), version))
            if w:
                out.append(w)
        return out

    def floor_unzip_parallel(self, wheels: Sequence[Path]) -> Run:
        """unzip -q of every wheel, as many at once as there are cores."""
        dest = self.fresh("unzip")
        jobs = os.cpu_count() or 1
        pending = list(enumerate(wheels))
        running: List[subprocess.Popen] = []
        rc = 0
        start = time.perf_counter()
        while pending or running:
            while pending and len(running) < jobs:
                i, w = pending.pop(0)
                running.append(subprocess.Popen(["unzip", "-q", "-o", str(w), "-d", str(dest / str(i))]))
            done = running.pop(0)
            rc = rc or done.wait()
        run = Run(time.perf_counter() - start, rc, 0, "unzip failed" if rc else "")
        self.trash.append(dest)
        return run

    def floor_unzip_one(self, wheel: Path) -> Run:
        dest = self.fresh("unzip1")
        run = timed(["unzip", "-q", "-o", str(wheel), "-d", str(dest)], self.env)
        self.trash.append(dest)
        return run

    def floor_link_copy(self, venv: Path) -> Run:
        dest = self.fresh("cpal") / "site-packages"
        run = timed(["cp", "-al", str(self.site_packages(venv)), str(dest)], self.env)
        self.trash.append(dest.parent)
        return run


# --- scenarios -----------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    description: str
    cells: Dict[str, Cell]
    floor: Cell
    floor_name: str
    check: str = ""


def scenario(b: Bench, name: str, description: str, runs: int, once: Callable[[str, int], tuple],
             floor_name: str = "", tools: Sequence[str] = TOOLS) -> Result:
    """once(tool, i) -> (Run, floor Run or None, cleanup paths, {name: version} or None). Tools alternate
    their order each run; the package sets of the first successful run of each tool are compared."""
    cells = {t: Cell() for t in TOOLS}
    sets: Dict[str, Dict[str, str]] = {}
    floor = Cell()
    # Removed after the last run, not between runs: on ext4, files created in the minute after a big
    # tree was deleted make the inode allocator skip every recently freed inode (recently_deleted()),
    # which slowed each run by up to 5x depending on what the run before it had deleted.
    leftovers: List[Path] = []
    print(f"== {name}: {description}", flush=True)
    for i in range(runs):
        order = tuple(tools) if i % 2 == 0 else tuple(reversed(tools))
        for tool in order:
            if cells[tool].failed:
                continue
            run, floor_run, paths, pkgs = once(tool, i)
            cells[tool].runs.append(run)
            if run.rc == 0 and pkgs is not None and tool not in sets:
                sets[tool] = pkgs
            status = f"{run.seconds:.3f}s" if run.rc == 0 else f"failed ({run.error})"
            print(f"   run {i + 1} {tool}: {status}, {run.maxrss_kb / 1024:.0f} MiB", flush=True)
            if floor_run is not None:
                floor.runs.append(floor_run)
            leftovers.extend(paths)
    b.cleanup(*leftovers, *b.trash)
    b.trash.clear()
    check = ""
    if len(sets) == 2:
        a, b_ = dict(sets["ptinstall"]), dict(sets["pip"])
        for seeded in ("setuptools", "wheel"):   # python -m venv seeds them into pip's venvs only
            if (seeded in a) != (seeded in b_):
                a.pop(seeded, None)
                b_.pop(seeded, None)
        if a == b_:
            check = f"same {len(a)} package{'' if len(a) == 1 else 's'}" if a else ""
        else:
            only_pt = sorted(f"{k}=={v}" for k, v in a.items() if b_.get(k) != v)
            only_pip = sorted(f"{k}=={v}" for k, v in b_.items() if a.get(k) != v)
            check = (f"DIFFERENT packages: ptinstall only {', '.join(only_pt) or '-'}; "
                     f"pip only {', '.join(only_pip) or '-'}")
        print(f"   check: {check}", flush=True)
    return Result(name, description, cells, floor, floor_name, check)


def warm_cache(b: Bench, tool: str, cache: Path, args: Sequence[str], index_url: Optional[str] = None) -> Run:
    venv = b.venv(with_pip=(tool == "pip"))
    run = b.run(tool, venv, cache, args, index_url)
    b.cleanup(venv)
    return run


def warm_install(b: Bench, caches: Dict[str, Path], args: Sequence[str]) -> Callable[[str, int], tuple]:
    """once() of the warm scenarios: a fresh venv, the install from the tool's warm cache, and beside
    pip's result the floor, cp -al of the finished site-packages."""
    def once(tool, i):
        venv = b.venv(with_pip=(tool == "pip"))
        run = b.run(tool, venv, caches[tool], args)
        floor = b.floor_link_copy(venv) if run.rc == 0 and tool == "pip" else None
        return run, floor, [venv], installed_set(b.site_packages(venv))
    return once


def all_scenarios(b: Bench, runs: int, selected: Optional[set]) -> List[Result]:
    # requirements on the command line (the same lines as app.txt/backtrack.txt), so the suite runs
    # before ptinstall reads -r files
    app = dataset.APP_REQUIREMENTS
    big = ["--no-deps", "torch==2.9.1"]
    backtrack = dataset.BACKTRACK_REQUIREMENTS
    results: List[Result] = []
    caches = {t: b.fresh(f"cache-{t}") for t in TOOLS}

    def want(name):
        return not selected or name in selected

    def cold_install(requirements):
        """One run of a cold install of `requirements` (fresh venv, empty cache); pip's runs measure the floor:
        unzip -q of the wheels it installed, as many at once as there are cores."""
        def once(tool, i):
            venv = b.venv(with_pip=(tool == "pip"))
            cache = b.fresh("cold-cache") if tool == "ptinstall" else None
            run = b.run(tool, venv, cache, requirements)
            floor = b.floor_unzip_parallel(b.installed_wheels(venv)) if run.rc == 0 and tool == "pip" else None
            return run, floor, [venv] + ([cache] if cache else []), installed_set(b.site_packages(venv))
        return once

    if want("install-cold"):
        results.append(scenario(b, "install-cold", "application (the 31 lines of app.txt) into a fresh venv, empty cache",
                                runs, cold_install(app), f"unzip -q of its wheels, {os.cpu_count()} at once"))

    if want("install-warm") or want("install-noop") or want("resolve-warm"):
        for t in TOOLS:
            warm_cache(b, t, caches[t], app)

    if want("install-warm"):
        once = warm_install(b, caches, app)
        results.append(scenario(b, "install-warm", "application into a fresh venv, warm cache", runs, once,
                                "cp -al of the finished site-packages"))

    if want("install-noop"):
        noop_venvs = {}
        for t in TOOLS:
            noop_venvs[t] = b.venv(with_pip=(t == "pip"))
            b.run(t, noop_venvs[t], caches[t], app)

        def once(tool, i):
            run = b.run(tool, noop_venvs[tool], caches[tool], app)
            return run, None, [], installed_set(b.site_packages(noop_venvs[tool]))
        results.append(scenario(b, "install-noop", "application again into the venv that has it", runs, once))
        b.cleanup(*noop_venvs.values())

    if want("lock-warm") or want("lock-noop"):
        # Issue 16's measure: the application locked into a pylock.toml (ptinstall pip lock), installed
        # without resolution; pip installs the same pins from a requirements.txt (it reads no pylock.toml
        # before 26.1), and the floor is ptinstall installing that requirements.txt (a resolution of exact
        # pins): the ratio ptinstall/floor is lock vs requirements.txt, both warm.
        import tomllib
        locks = b.fresh("lock")
        lock_file, pins_file = locks / "pylock.toml", locks / "pins.txt"
        probe = b.venv(with_pip=False)
        made = timed([b.args.ptinstall, "pip", "lock", "--no-config", "--python", str(probe / "bin" / "python"),
                      "--index-url", b.index_url, "--cache-dir", str(caches["ptinstall"]), "-o", str(lock_file)] + app,
                     b.env, cwd=b.tmp, log=b.log)
        b.cleanup(probe)
        if made.rc == 0:
            pins = {p["name"]: p["version"] for p in tomllib.loads(lock_file.read_text())["packages"]}
            pins_file.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins.items())))
        else:
            print(f"   pip lock failed: {made.error}", flush=True)
            pins_file.write_text("\n".join(app) + "\n")
        by_tool = {"ptinstall": ["-r", str(lock_file)], "pip": ["-r", str(pins_file)]}
        for t in TOOLS:
            warm_cache(b, t, caches[t], by_tool[t])

        if want("lock-warm"):
            def once(tool, i):
                venv = b.venv(with_pip=(tool == "pip"))
                run = b.run(tool, venv, caches[tool], by_tool[tool])
                floor = None
                if tool == "pip":
                    fvenv = b.venv(with_pip=False)
                    floor = b.run("ptinstall", fvenv, caches["ptinstall"], ["-r", str(pins_file)])
                    b.trash.append(fvenv.parent)
                return run, floor, [venv], installed_set(b.site_packages(venv))
            results.append(scenario(b, "lock-warm", "the application's pylock.toml (ptinstall) / its pins as "
                                    "requirements.txt (pip) into a fresh venv, warm cache", runs, once,
                                    "ptinstall -r requirements.txt of the same pins"))

        if want("lock-noop"):
            noop_venvs = {}
            for t in TOOLS:
                noop_venvs[t] = b.venv(with_pip=(t == "pip"))
                b.run(t, noop_venvs[t], caches[t], by_tool[t])

            def once(tool, i):
                run = b.run(tool, noop_venvs[tool], caches[tool], by_tool[tool])
                floor = b.run("ptinstall", noop_venvs["ptinstall"], caches["ptinstall"], ["-r", str(pins_file)]) \
                    if tool == "pip" else None
                return run, floor, [], installed_set(b.site_packages(noop_venvs[tool]))
            results.append(scenario(b, "lock-noop", "the pylock.toml / requirements.txt again into the venv that "
                                    "has it", runs, once, "ptinstall -r requirements.txt of the same pins (no-op)"))
            b.cleanup(*noop_venvs.values())
        b.trash.append(locks)

    if want("local-warm"):
        # Issue 3's measure: 50 wheels already in the cache, from a --find-links directory, no index.
        # The 50 are the first by name of what the application installs (real file counts and sizes).
        probe = b.venv(with_pip=False)
        b.run("ptinstall", probe, caches["ptinstall"], app)
        chosen = sorted(b.installed_wheels(probe), key=lambda w: w.name)[:50]
        b.cleanup(probe)
        links = b.fresh("find-links")
        names = []
        for w in chosen:
            os.symlink(w, links / w.name)
            names.append(f"{w.name.split('-')[0]}=={w.name.split('-')[1]}")
        local = ["--no-index", "--find-links", str(links), "--no-deps"] + names
        for t in TOOLS:
            warm_cache(b, t, caches[t], local)

        once = warm_install(b, caches, local)
        results.append(scenario(b, "local-warm", f"{len(names)} wheels from --find-links --no-index --no-deps into a "
                                "fresh venv, warm cache", runs, once, "cp -al of the finished site-packages"))

    if want("resolve-warm"):
        def once(tool, i):
            venv = b.venv(with_pip=(tool == "pip"))
            extra = ["--dry-run"] + (["--ignore-installed"] if tool == "pip" else [])
            run = b.run(tool, venv, caches[tool], extra + app)
            return run, None, [venv], dry_run_set(run.output)
        results.append(scenario(b, "resolve-warm", "--dry-run of the application, warm cache", runs, once))

    if want("resolve-backtrack"):
        for t in TOOLS:
            warm_cache(b, t, caches[t], ["--dry-run"] + backtrack)

        def once(tool, i):
            venv = b.venv(with_pip=(tool == "pip"))
            extra = ["--dry-run"] + (["--ignore-installed"] if tool == "pip" else [])
            run = b.run(tool, venv, caches[tool], extra + backtrack)
            return run, None, [venv], dry_run_set(run.output)
        results.append(scenario(b, "resolve-backtrack",
                                f"--dry-run boto3 aiobotocore ({dataset.BOTO_VERSIONS} boto3/botocore versions), "
                                "warm cache", runs, once))

    if want("big-cold"):
        def once(tool, i):
            venv = b.venv(with_pip=(tool == "pip"))
            cache = b.fresh("cold-cache") if tool == "ptinstall" else None
            run = b.run(tool, venv, cache, big)
            floor = b.floor_unzip_one(b.ds.big_wheel) if tool == "pip" else None
            return run, floor, [venv] + ([cache] if cache else []), installed_set(b.site_packages(venv))
        results.append(scenario(b, "big-cold", f"torch wheel alone ({b.ds.big_wheel.stat().st_size / 1e6:.0f} MB), "
                                "fresh venv, empty cache", runs, once, "unzip -q of the wheel"))

    # Issue 19's mixed realistic set: the application and torch with its dependencies (the torch-shaped
    # wheel and the nvidia-* stack), the targets of the application held with the big wheel in it.
    mixed = app + ["torch==2.9.1"]
    if want("mixed-cold"):
        results.append(scenario(b, "mixed-cold", "application + torch (the torch-shaped wheel and its nvidia-* "
                                "dependencies) into a fresh venv, empty cache", runs, cold_install(mixed),
                                f"unzip -q of its wheels, {os.cpu_count()} at once"))
    if want("mixed-warm"):
        mixed_caches = {t: b.fresh(f"mixed-cache-{t}") for t in TOOLS}
        for t in TOOLS:
            warm_cache(b, t, mixed_caches[t], mixed)
        once = warm_install(b, mixed_caches, mixed)
        results.append(scenario(b, "mixed-warm", "application + torch into a fresh venv, warm cache", runs, once,
                                "cp -al of the finished site-packages"))
        b.cleanup(*mixed_caches.values())

    if want("big-warm"):
        for t in TOOLS:
            warm_cache(b, t, caches[t], big)

        once = warm_install(b, caches, big)
        results.append(scenario(b, "big-warm", "torch wheel alone, fresh venv, warm cache", runs, once,
                                "cp -al of the finished site-packages"))
    if any(want(n) for n in TORCH_SCENARIOS):
        results += torch_noop_scenarios(b, runs, caches, want)
    if any(want(n) for n in LATENCY_SCENARIOS):
        results += latency_scenarios(b, runs, want)
    if any(want(n) for n in HUGE_SCENARIOS):
        results += huge_scenarios(b, runs, want)
    if any(want(n) for n in UNIVERSAL_SCENARIOS):
        import universal_bench
        results += universal_bench.universal_scenarios(b, runs, scenario, timed)
    b.cleanup(*caches.values())
    if any(want(n) for n in BUILD_SCENARIOS):
        results += build_scenarios(b, runs, selected)
    if want("git-cold") or want("git-warm"):
        import git_bench
        results += git_bench.git_scenarios(b, runs, selected, scenario, warm_cache, installed_set, TOOLS,
                                           PIP_BUILD_ARGS)
    return results


# --- the headline no-op: pip install ... torch --torch-backend=... where everything is installed -----------

def torch_index(b: Bench) -> str:
    """A PyTorch-shaped index under the benchmark's root, /whl/cu128/: torch 2.9.1+cu128 (small: the no-op never
    opens it) with the real Requires-Dist of the cu128 build, and triton (routed too). Returns the base URL
    for --torch-backend-index."""
    import wheelmaker
    whl = b.ds.root / "whl"
    if not (whl / "cu128" / "torch").is_dir():
        out = b.fresh("torch-index")
        tag = f"{b.ds.params.python_tag}-{b.ds.params.python_tag}-manylinux_2_28_{b.ds.params.machine}"
        torch = wheelmaker.torch_wheel(out, "2.9.1+cu128", tags=tag, cuda="12.8",
                                       requires_dist=indexserver.torch_requires("cu128"))
        triton = wheelmaker.wheel_from_file(b.ds.wheels[("triton", "3.5.1")])
        indexserver.build_simple_index(b.ds.root, [torch, triton], prefix="whl/cu128", files_prefix="whl/files")
        b.trash.append(out)
    return b.server.url + "/whl"


def fake_nvidia_host(b: Bench) -> Dict[str, str]:
    """Environment of a faked NVIDIA machine: the driver in <root>/sys/module/nvidia/version (read through
    PTINSTALL_SYSFS_ROOT) and an nvidia-smi first on PATH that takes 100 ms, as a real one does when the GPU
    is idle, and logs each run (a no-op that runs it shows in the times and in the log)."""
    host = b.fresh("nvidia-host")
    (host / "root" / "sys" / "module" / "nvidia").mkdir(parents=True)
    (host / "root" / "sys" / "module" / "nvidia" / "version").write_text("580.65.06\n")
    (host / "bin").mkdir()
    smi = host / "bin" / "nvidia-smi"
    smi.write_text(f'#!/bin/sh\necho "$*" >> {host}/nvidia-smi.runs\nsleep 0.1\n'
                   'case "$1" in *compute_cap*) echo 9.0 ;; *) echo 580.65.06 ;; esac\n')
    smi.chmod(0o755)
    return {"PTINSTALL_SYSFS_ROOT": str(host / "root"), "PATH": f"{host / 'bin'}:{b.env['PATH']}",
            "_RUNS": str(host / "nvidia-smi.runs")}


def torch_noop_scenarios(b: Bench, runs: int, caches: Dict[str, Path], want) -> List[Result]:
    """noop-torch / noop-torch-auto: the application plus torch again into the venv that has them, ptinstall with
    --torch-backend=cu128 (auto: on a faked NVIDIA host whose driver allows cu132 first; the bench index has
    only cu128, so the untimed install falls through to it), pip with the same requirements (its no-op, the
    PyTorch index as an extra index). Floor: ptinstall's same no-op without --torch-backend (target: within
    1.5x of it, and under 15 ms)."""
    base = torch_index(b)
    results = []
    for name, backend in (("noop-torch", "cu128"), ("noop-torch-auto", "auto"), ("noop-moto-torch", "cpu")):
        if not want(name):
            continue
        # noop-moto-torch: issue 19's own measure, `moto[server] torch --torch-backend=cpu` (66 packages)
        reqs = dataset.MOTO_REQUIREMENTS if backend == "cpu" else dataset.APP_REQUIREMENTS + ["torch"]
        pip_index = f"{base}/{'cpu' if backend == 'cpu' else 'cu128'}/"
        host = fake_nvidia_host(b) if backend == "auto" else {}
        env = dict(b.env, **{k: v for k, v in host.items() if not k.startswith("_")})
        flag = ["--torch-backend", backend, "--torch-backend-index", base]
        venvs = {}
        for t in TOOLS:
            venvs[t] = b.venv(with_pip=(t == "pip"))
            args = reqs if t == "ptinstall" else ["--extra-index-url", pip_index] + reqs
            cmd = b.command(t, venvs[t], caches[t], (flag if t == "ptinstall" else []) + args)
            first = timed(cmd, env, cwd=b.tmp, log=b.log)
            if first.rc != 0:
                print(f"   {name}: the untimed install failed for {t}: {first.error}", flush=True)
        smi_before = Path(host["_RUNS"]).read_text().count("\n") if host and Path(host["_RUNS"]).exists() else 0

        def once(tool, i, venvs=venvs, env=env, flag=flag, reqs=reqs, pip_index=pip_index):
            args = flag + reqs if tool == "ptinstall" else ["--extra-index-url", pip_index] + reqs
            run = timed(b.command(tool, venvs[tool], caches[tool], args), env, cwd=b.tmp, log=b.log)
            floor = None
            if tool == "ptinstall":
                floor = timed(b.command(tool, venvs[tool], caches[tool], reqs), env, cwd=b.tmp, log=b.log)
            return run, floor, [], installed_set(b.site_packages(venvs[tool]))
        what = ("moto[server] and torch" if backend == "cpu" else "the application and torch")
        build = "2.9.1+cpu" if backend == "cpu" else "2.9.1+cu128"
        desc = (f"{what} again into the venv that has them (torch {build}), "
                f"ptinstall with --torch-backend={backend}" + (" on a faked NVIDIA host (driver 580.65.06 in /sys, "
                                                                 "an nvidia-smi taking 100 ms)" if host else ""))
        r = scenario(b, name, desc, runs, once, "ptinstall's same no-op without --torch-backend")
        if host:
            runs_after = Path(host["_RUNS"]).read_text().count("\n") if Path(host["_RUNS"]).exists() else 0
            r.check += f"; nvidia-smi runs during the timed no-ops: {runs_after - smi_before}"
        results.append(r)
        b.cleanup(*venvs.values())
    return results


# --- a far-away index: every request 50 ms late, one bandwidth cap -------------------------------------

def latency_scenarios(b: Bench, runs: int, want) -> List[Result]:
    """latency-resolve-cold / latency-install-cold: the application through bench/delay_proxy.py (each request
    waits --latency-ms before it is forwarded, bodies share --latency-mbps), empty caches. The check line gives
    the round trips each tool paid in sequence (the proxy's log: the longest chain of requests that ran one
    after another), the measure of how much of the graph's size the latency costs."""
    import delay_proxy
    host, _, port = b.server.url.rpartition("/")[2].partition(":")
    app = dataset.APP_REQUIREMENTS
    results = []
    with delay_proxy.DelayProxy(host, int(port), b.args.latency_ms / 1000.0,
                                b.args.latency_mbps * 1e6 / 8 if b.args.latency_mbps else None) as proxy:
        index = proxy.url + "/simple/"
        # (name, dry run, requirements, ptinstall's extra arguments, pip's, ptinstall's environment, tools).
        # The -noahead variants turn off the downloads that start while resolving (PTINSTALL_PREPARE_AHEAD=0),
        # the A/B of that design.
        moto_pt = ["--torch-backend", "cpu", "--torch-backend-index", proxy.url + "/whl"]
        moto_pip = ["--extra-index-url", proxy.url + "/whl/cpu/"]
        no_ahead = {"PTINSTALL_PREPARE_AHEAD": "0"}
        variants = (("latency-resolve-cold", True, app, [], [], {}, TOOLS),
                    ("latency-install-cold", False, app, [], [], {}, TOOLS),
                    ("latency-install-cold-noahead", False, app, [], [], no_ahead, ("ptinstall",)),
                    ("latency-moto-cold", False, dataset.MOTO_REQUIREMENTS, moto_pt, moto_pip, {}, TOOLS),
                    ("latency-moto-cold-noahead", False, dataset.MOTO_REQUIREMENTS, moto_pt, moto_pip, no_ahead,
                     ("ptinstall",)))
        for name, dry, reqs, pt_extra, pip_extra, env_extra, tools in variants:
            if not want(name):
                continue
            chains: Dict[str, List[int]] = {t: [] for t in TOOLS}

            def once(tool, i, dry=dry, chains=chains, reqs=reqs, pt_extra=pt_extra, pip_extra=pip_extra,
                     env_extra=env_extra):
                venv = b.venv(with_pip=(tool == "pip"))
                cache = b.fresh("cold-cache") if tool == "ptinstall" else None
                extra = (["--dry-run"] + (["--ignore-installed"] if tool == "pip" else [])) if dry else []
                extra += pt_extra if tool == "ptinstall" else pip_extra
                proxy.take_spans()
                run = b.run(tool, venv, cache, extra + list(reqs), index_url=index,
                            env_extra=env_extra if tool == "ptinstall" else None)
                chains[tool].append(delay_proxy.sequential_chain(proxy.take_spans()))
                pkgs = dry_run_set(run.output) if dry else installed_set(b.site_packages(venv))
                return run, None, [venv] + ([cache] if cache else []), pkgs
            if reqs is app:
                what = "--dry-run of the application" if dry else "the application into a fresh venv"
            else:
                what = "moto[server] torch --torch-backend=cpu (pip: --extra-index-url of /whl/cpu) into a fresh venv"
            if env_extra:
                what += ", ptinstall with " + " ".join(f"{k}={v}" for k, v in env_extra.items())
            r = scenario(b, name, f"{what}, empty caches, through a proxy adding {b.args.latency_ms:g} ms to every "
                         f"request" + (f" and capping bodies at {b.args.latency_mbps:g} Mbit/s" if b.args.latency_mbps
                                       else ""), runs, once, tools=tools)
            r.check += "; sequential round trips (median): " + ", ".join(
                f"{t} {statistics.median(chains[t]):g}" for t in TOOLS if chains[t])
            results.append(r)
    return results


# --- the torch-shaped wheel from a server capped per connection ------------------------------------------

def partial_bytes(cache: Path) -> int:
    """Bytes a ptinstall run has saved of its ranged downloads (the .json states in downloads-v1)."""
    import json
    have = 0
    for state in (cache / "downloads-v1").rglob("*.json") if (cache / "downloads-v1").exists() else []:
        try:
            have += sum(p[2] for p in json.loads(state.read_text())["pieces"])
        except (ValueError, OSError, KeyError):
            pass
    return have


def huge_scenarios(b: Bench, runs: int, want) -> List[Result]:
    """huge-cold: the big torch-shaped wheel from a second nginx whose limit_rate caps every request at
    --huge-rate-mb (as a CDN caps a connection), fresh venv, empty cache; the floor is the wheel's size over
    that rate, what one connection (pip's) cannot beat. huge-cold-1conn: ptinstall with
    PTINSTALL_DOWNLOAD_RANGES=1 (one connection, still unzipping while it downloads). huge-resume: ptinstall
    killed (SIGKILL) once it has saved half the wheel, then run again; the cell is the second run, the check
    line the bytes nginx sent it (its access log), the floor the rest's size over the rate. pip keeps nothing
    of a killed run, so its second run costs a whole huge-cold."""
    wheel = b.ds.big_wheel
    size = wheel.stat().st_size
    rate = int(b.args.huge_rate_mb * 1e6)
    big = ["--no-deps", "torch==2.9.1"]
    results: List[Result] = []
    with indexserver.IndexServer(b.ds.root, workers=max(1, os.cpu_count() or 1), limit_rate=str(rate)) as server:
        index = server.index_url("/simple/")

        def wheel_bytes() -> int:
            return sum(r.bytes_sent for r in server.requests() if r.uri.endswith(wheel.name))

        desc = f"torch-shaped wheel ({size / 1e6:.0f} MB) from nginx at {rate / 1e6:g} MB/s per connection, "
        for name, env_extra, tools in (("huge-cold", {}, TOOLS),
                                       ("huge-cold-1conn", {"PTINSTALL_DOWNLOAD_RANGES": "1"}, ("ptinstall",))):
            if not want(name):
                continue

            def once(tool, i, env_extra=env_extra):
                venv = b.venv(with_pip=(tool == "pip"))
                cache = b.fresh("cold-cache") if tool == "ptinstall" else None
                env = dict(b.env, **env_extra)
                run = timed(b.command(tool, venv, cache, big, index), env, cwd=b.tmp, log=b.log)
                floor = Run(size / rate, 0, 0) if tool == "ptinstall" else None
                return run, floor, [venv] + ([cache] if cache else []), installed_set(b.site_packages(venv))
            results.append(scenario(b, name, desc + "fresh venv, empty cache" +
                                    (", one connection" if env_extra else ""), runs, once,
                                    "size / rate (one connection)", tools))
        if want("huge-resume"):
            sent: List[str] = []

            def once(tool, i):
                venv = b.venv(with_pip=False)
                cache = b.fresh("cold-cache")
                cmd = b.command(tool, venv, cache, big, index)
                proc = subprocess.Popen(list(map(str, cmd)), env=b.env, cwd=b.tmp, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                deadline = time.monotonic() + 600
                while proc.poll() is None and time.monotonic() < deadline and partial_bytes(cache) < size // 2:
                    time.sleep(0.02)
                proc.kill()
                proc.wait()
                have = partial_bytes(cache)
                server.clear_log()
                run = timed(cmd, b.env, cwd=b.tmp, log=b.log)
                got = wheel_bytes()
                sent.append(f"killed with {have / 1e6:.0f} MB saved, the rerun got {got / 1e6:.0f} MB of "
                            f"{size / 1e6:.0f} MB")
                return run, Run((size - have) / rate, 0, 0), [venv, cache], installed_set(b.site_packages(venv))
            r = scenario(b, "huge-resume", desc + "killed once half is in, then run again", runs, once,
                         "the rest's size / rate", ("ptinstall",))
            r.check = "; ".join(sent)
            results.append(r)
    return results


# --- building from source -------------------------------------------------------------------------

def edit_project(project: Path, rel: str, tag: str) -> str:
    """Appends a comment line to one .py file of the project (new size and mtime: any cache of an earlier
    build is stale) and returns the line, which the installed copy must then end with."""
    line = f"# edited by the benchmark: {tag}\n"
    with open(project / rel, "a") as f:
        f.write(line)
    return line


def copy_project(b: Bench, name: str) -> Path:
    dest = b.fresh(name) / b.build_ds.local_project.name
    shutil.copytree(b.build_ds.local_project, dest)
    return dest


def backend_venv(b: Bench) -> Path:
    """A venv with the index's setuptools and wheel, for the backend floors."""
    venv = b.venv(with_pip=True)
    pins = ["==".join(w.split("-")[:2]) for w in b.build_ds.backends]
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--isolated", "-q",
                    "--disable-pip-version-check", "--no-index", "--find-links", str(b.build_ds.root / "files")]
                   + pins, check=True, env=b.env, stdout=subprocess.DEVNULL)
    return venv


def backend_hook(b: Bench, venv: Path, project: Path, hook: str) -> Run:
    """The floor of editable and rebuild: the setuptools hook alone (build_editable / build_wheel) in a
    venv that has the backend, in-process, no isolated environment."""
    out = b.fresh("hook-out")
    b.trash.append(out)
    code = f"import setuptools.build_meta as m; print(m.{hook}({str(out)!r}))"
    return timed([str(venv / "bin" / "python"), "-c", code], b.env, cwd=project, log=b.log)


def result_check(run: Run, venv: Path, b: Bench, project: Path, edit: str, editable: bool) -> Run:
    """After a successful install the venv must see the edit: a wheel install must hold the edited file
    (not a wheel built before the edit), an editable one must import the module from the project."""
    if run.rc != 0:
        return run
    rel = b.build_ds.local_touch
    if editable:
        module = rel[:-len(".py")].replace("/", ".")
        where = subprocess.run([str(venv / "bin" / "python"), "-c", f"import {module} as m; print(m.__file__)"],
                               capture_output=True, text=True, env=b.env, cwd=b.tmp).stdout.strip()
        if Path(where or "/nonexistent").resolve() != (project / rel).resolve():
            run.rc, run.error = 1, f"not editable: {module} imports from {where or 'nowhere'}, not from the project"
    else:
        installed = b.site_packages(venv) / rel
        text = installed.read_text(errors="replace") if installed.exists() else ""
        if not text.endswith(edit):
            run.rc, run.error = 1, f"stale build: the installed {rel} lacks the edit made before the install"
    return run


def build_scenarios(b: Bench, runs: int, selected: Optional[set]) -> List[Result]:
    bd = b.build_ds
    url = b.build_url
    reqs = list(bd.requirements)
    results: List[Result] = []
    caches = {t: b.fresh(f"build-cache-{t}") for t in TOOLS}
    warmed: set = set()   # tools whose build cache already holds the sdists' built wheels

    def want(name):
        return not selected or name in selected

    def args(tool, extra):
        return (PIP_BUILD_ARGS if tool == "pip" else []) + list(extra)

    n = len(reqs)
    what = f"{n} sdist-only packages ({bd.c_extension or 'no C extension'} compiles)"
    if want("build-cold"):
        def once(tool, i):
            venv = b.venv(with_pip=(tool == "pip"))
            cache = b.fresh("cold-cache") if tool == "ptinstall" else None
            run = b.run(tool, venv, cache, args(tool, reqs), url)
            leftovers = [venv]
            if cache and run.rc == 0 and tool not in warmed:
                # the cache one cold install left is what build-warm's untimed install would make
                b.cleanup(caches[tool])
                caches[tool] = cache
                warmed.add(tool)
            elif cache:
                leftovers.append(cache)
            return run, None, leftovers, installed_set(b.site_packages(venv))
        results.append(scenario(b, "build-cold", f"{what} into a fresh venv, empty cache", runs, once))

    if want("build-warm"):
        for t in TOOLS:
            if t not in warmed:
                warm_cache(b, t, caches[t], args(t, reqs), url)
        # the floor: the same packages as prebuilt wheels (those ptinstall built, else pip's) from a
        # --find-links directory, --no-index, into a fresh venv with a warm cache
        wanted = {normalize_name(r.split("==")[0]) for r in reqs}
        links = b.fresh("built-wheels")
        source = "ptinstall's"
        found = sorted(caches["ptinstall"].glob("built-wheels-v1/*/*/*.whl"))
        if not {normalize_name(w.name.split("-")[0]) for w in found} >= wanted:
            source, found = "pip's", sorted(caches["pip"].glob("wheels/**/*.whl"))
        for w in found:
            name = normalize_name(w.name.split("-")[0])
            if name in wanted and not list(links.glob(f"{w.name.split('-')[0]}-*")):
                shutil.copyfile(w, links / w.name)
        floor_args = ["--no-index", "--find-links", str(links)] + reqs
        floor_cache = b.fresh("floor-cache")
        warm_cache(b, "ptinstall", floor_cache, floor_args, url)

        def once(tool, i):
            venv = b.venv(with_pip=(tool == "pip"))
            run = b.run(tool, venv, caches[tool], args(tool, reqs), url)
            floor = None
            if tool == "ptinstall":
                fvenv = b.venv(with_pip=False)
                floor = b.run("ptinstall", fvenv, floor_cache, floor_args, url)
                b.trash.append(fvenv.parent)
            return run, floor, [venv], installed_set(b.site_packages(venv))
        results.append(scenario(b, "build-warm", f"the same {n} sdists into a fresh venv, warm cache (built wheels "
                                "cached)", runs, once,
                                f"ptinstall installing the same {n} packages as wheels ({source} built wheels) from "
                                "--find-links --no-index, fresh venv, warm cache"))

    for name, editable, hook in (("editable", True, "build_editable"), ("rebuild", False, "build_wheel")):
        if not want(name):
            continue
        projects = {t: copy_project(b, f"proj-{t}") for t in TOOLS}
        floor_project = copy_project(b, "proj-floor")
        hook_venv = backend_venv(b)
        for t in TOOLS:   # untimed: the backends in the cache, a first build of the project
            warm_cache(b, t, caches[t], args(t, (["-e"] if editable else []) + [str(projects[t])]), url)

        def once(tool, i, editable=editable, hook=hook, name=name):
            venv = b.venv(with_pip=(tool == "pip"))
            edit = edit_project(projects[tool], bd.local_touch, f"{name} {tool} run {i + 1}")
            run = b.run(tool, venv, caches[tool], args(tool, (["-e"] if editable else []) + [str(projects[tool])]),
                        url)
            run = result_check(run, venv, b, projects[tool], edit, editable)
            floor = None
            if tool == "ptinstall":
                edit_project(floor_project, bd.local_touch, f"{name} floor run {i + 1}")
                floor = backend_hook(b, hook_venv, floor_project, hook)
            return run, floor, [venv], installed_set(b.site_packages(venv))
        local = f"{bd.local_project.name} (local setuptools project, [project] table)"
        if editable:
            desc = (f"-e of {local} into a fresh venv after an edit of {bd.local_touch}, warm cache; the "
                    "module must import from the project")
        else:
            desc = (f"{local} again (not editable) after an edit of {bd.local_touch}: a rebuild, fresh venv, "
                    "warm cache; the installed file must have the edit")
        results.append(scenario(b, name, desc, runs, once,
                                f"setuptools' {hook} hook alone in a venv that has setuptools"))
        b.cleanup(*projects.values(), floor_project, hook_venv)
    b.cleanup(*caches.values())
    return results


# --- report --------------------------------------------------------------------------------------

def machine_description(args, server) -> List[str]:
    def cmd_out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip() or \
                subprocess.run(cmd, capture_output=True, text=True, timeout=30).stderr.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "unavailable"
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    fs = cmd_out(["df", "-T", str(args.work)]).splitlines()[-1:] or ["unknown"]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        f"- machine: {cpu}, {os.cpu_count()} cores, {mem} RAM, {platform.system()} {platform.release()}; "
        f"load average at the end {load} (other work on the machine makes times noisy)",
        f"- filesystem of the work dir: {' '.join(fs[0].split()[:2])}",
        f"- python: {args.python} ({cmd_out([args.python, '--version'])}), "
        f"pip: {cmd_out([args.python, '-m', 'pip', '--version']).split(' from ')[0]}",
        f"- ptinstall: {args.ptinstall} ({cmd_out([args.ptinstall, '--version'])}), "
        f"commit {cmd_out(['git', '-C', str(ROOT), 'rev-parse', '--short', 'HEAD'])}",
        f"- index: {cmd_out([indexserver.nginx_binary() or 'nginx', '-v'])}"
        + (f" on {server.url}" if server else ""),
    ]


def ratio(a: Optional[float], b: Optional[float]) -> str:
    return f"{a / b:.2f}" if a and b else "-"


def report(results: List[Result], args, ds: Optional[dataset.Dataset], server, started: dt.datetime,
           build_ds: Optional[dataset.BuildDataset] = None) -> str:
    lines = [f"# ptinstall benchmark, {started:%Y-%m-%d %H:%M} UTC{' (--quick)' if args.quick else ''}", ""]
    lines += machine_description(args, server)
    if ds:
        s = ds.summary
        lines.append(f"- data: {s['wheels']} wheels of {s['projects']} projects, {s['bytes'] / 1e6:.0f} MB; big wheel "
                     f"{ds.big_wheel.name} {ds.big_wheel.stat().st_size / 1e6:.0f} MB with {ds.params.big_files} "
                     f"files; real wheels: {', '.join(s['real_wheels']) or 'none'}")
    if build_ds:
        lines.append(f"- build data: {len(build_ds.requirements)} sdists from real sources "
                     f"({', '.join(build_ds.requirements)}; C extension: {build_ds.c_extension or 'none'}"
                     f"{'; missing on this machine: ' + ', '.join(build_ds.missing) if build_ds.missing else ''}), "
                     f"backends {', '.join(build_ds.backends)}; local project {build_ds.local_project.name}; "
                     f"pip gets {' '.join(PIP_BUILD_ARGS)}")
    lines += [f"- runs per cell: {args.runs}, tools alternating; times in seconds: median (min-max); "
              "RSS = peak resident set in MiB", ""]
    lines.append("| scenario | ptinstall | pip | pip/ptinstall | floor | ptinstall/floor | RSS ptinstall | RSS pip |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for r in results:
        pt, pip = r.cells["ptinstall"], r.cells["pip"]
        floor = r.floor.fmt() if r.floor.runs else "-"
        lines.append(f"| {r.name} | {pt.fmt()} | {pip.fmt()} | {ratio(pip.median(), pt.median())} | {floor} | "
                     f"{ratio(pt.median(), r.floor.median())} | {pt.rss()} | {pip.rss()} |")
    lines += ["", "Scenarios (check: the installed or would-be-installed packages of both tools compared):"]
    for r in results:
        lines.append(f"- {r.name}: {r.description}" + (f"; floor: {r.floor_name}" if r.floor_name else "")
                     + (f"; check: {r.check}" if r.check else ""))
    return "\n".join(lines) + "\n"


def find_ptinstall() -> str:
    for c in (os.environ.get("PTINSTALL_BINARY"), str(ROOT / "build" / "ptinstall")):
        if c and os.path.exists(c):
            return c
    return str(ROOT / "build" / "ptinstall")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small data (50 MB big wheel, scaled packages), 1 run")
    ap.add_argument("--runs", type=int, help="runs per scenario and tool (default 5, --quick 1)")
    ap.add_argument("--big-size", type=float, help="compressed size of the big torch wheel in MB "
                                                   "(default 1000, --quick 50)")
    ap.add_argument("--big-files", type=int, help="files in the big wheel (default 15000, --quick 3000)")
    ap.add_argument("--app-scale", type=float, help="size of the application wheels relative to the real ones "
                                                    "(default 1, --quick 0.25)")
    ap.add_argument("--nvidia-scale", type=float, help="size of the nvidia-*/triton wheels relative to the real "
                                                       "ones (default 0.05, --quick 0.005)")
    ap.add_argument("--scenario", action="append", default=[], choices=SCENARIOS, metavar="NAME",
                    help="run only this scenario (repeatable): " + " ".join(SCENARIOS))
    ap.add_argument("--ptinstall", default=find_ptinstall(), help="the binary (default $PTINSTALL_BINARY or "
                                                                   "build/ptinstall)")
    ap.add_argument("--python", default="/usr/bin/python3", help="interpreter of the venvs (default /usr/bin/python3)")
    ap.add_argument("--latency-ms", type=float, default=50, help="delay per request of the latency scenarios "
                                                                 "(default 50)")
    ap.add_argument("--latency-mbps", type=float, default=400, help="bandwidth cap of the latency scenarios in "
                                                                    "Mbit/s, 0 for none (default 400)")
    ap.add_argument("--huge-rate-mb", type=float, default=100, help="per-connection cap of the huge scenarios in "
                                                                      "MB/s (default 100)")
    ap.add_argument("--ptinstall-arg", action="append", default=[], help="extra argument for ptinstall")
    ap.add_argument("--pip-arg", action="append", default=[], help="extra argument for pip")
    ap.add_argument("--work", default=str(HERE / "work"), help="generated data (default bench/work)")
    ap.add_argument("--results", default=str(HERE / "results"), help="where the report goes")
    ap.add_argument("--regenerate", action="store_true", help="rebuild the index even if it is cached")
    ap.add_argument("--generate-only", action="store_true", help="build the index and stop")
    args = ap.parse_args(argv)
    args.runs = args.runs or (1 if args.quick else 5)
    args.ptinstall = os.path.abspath(args.ptinstall)
    started = dt.datetime.now(dt.timezone.utc)

    pytag = subprocess.run([args.python, "-c", "import sys; print(f'cp{sys.version_info[0]}{sys.version_info[1]}')"],
                           capture_output=True, text=True, check=True).stdout.strip()
    params = dataset.default_params(pytag, args.quick, int(args.big_size * 1e6) if args.big_size else None,
                                    args.big_files)
    if args.app_scale is not None:
        params.app_scale = args.app_scale
    if args.nvidia_scale is not None:
        params.nvidia_scale = args.nvidia_scale
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    selected = set(args.scenario)
    need_main = not selected or bool(selected - set(BUILD_SCENARIOS)) or args.generate_only
    need_build = not selected or bool(selected & set(BUILD_SCENARIOS)) or args.generate_only
    ds = dataset.build(work, params, force=args.regenerate) if need_main else None
    build_ds = dataset.build_sources(work, args.python, force=args.regenerate) if need_build else None
    if args.generate_only:
        return 0
    if not os.path.exists(args.ptinstall):
        print(f"warning: {args.ptinstall} does not exist; its cells will read 'failed'", file=sys.stderr)
    workers = max(1, os.cpu_count() or 1)
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(indexserver.IndexServer(ds.root, workers=workers)) if ds else None
        build_server = stack.enter_context(indexserver.IndexServer(build_ds.root, workers=workers)) if build_ds else None
        for s in (server, build_server):
            if s:
                print(f"index: {s.index_url('/simple/')} ({s.root.name})", flush=True)
        bench = Bench(args, ds, server, build_ds, build_server)
        results = all_scenarios(bench, args.runs, selected)
        text = report(results, args, ds, server or build_server, started, build_ds)
    if (work / "run" / "commands.log").exists():
        shutil.copyfile(work / "run" / "commands.log", work / "last-commands.log")
    shutil.rmtree(work / "run", ignore_errors=True)
    out_dir = Path(args.results)
    out_dir.mkdir(parents=True, exist_ok=True)
    # One file per date and scenario set, so that a run of some scenarios never overwrites another's.
    tag = "-" + "-".join(sorted(selected)) if selected else ""
    if len(tag) > 80:
        tag = tag[:80]
    out = out_dir / f"{started:%Y-%m-%d}{'-quick' if args.quick else ''}{tag}.md"
    out.write_text(text)
    print()
    print(text)
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
