#!/usr/bin/env python3
"""Issue 20's speed check: a warm `pip install --dry-run torch filelock` with and without --variants, against
the variant index of tests/e2e/test_variants.py (nginx on loopback; torch 2.13.0 as cuda12.8 / cuda13.0 /
rocm7.1 / null variant wheels plus a non-variant wheel and torch-2.13.0-variants.json) on a faked NVIDIA host
(driver 580.65.06 in a fake /sys; the compute capability from a fake nvidia-smi, or with --env-detection from
PTINSTALL_CUDA_COMPUTE_CAPABILITY, so no tool runs). Both tools' caches are warm; runs alternate.

With --abi: an extension built per torch release (PEP 850 abi_dependency, the abi_index of the same tests) with
an older torch pinned: `torch==2.12.0 flashplain` without --variants (its plain wheel) against `torch==2.12.0
flashy` with them (the build for torch 2.12 chosen after the solution) and `torch==2.12.0 flashdep` (whose build
has other dependencies: a second resolution).

    PTINSTALL_BINARY=build/ptinstall python3 bench/variants_bench.py [--runs 15] [--env-detection] [--abi]"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

E2E = Path(__file__).resolve().parent.parent / "tests" / "e2e"
sys.path.insert(0, str(E2E))
import test_variants as T  # noqa: E402
from envtools import make_venv  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--env-detection", action="store_true", help="no nvidia-smi: capability from the environment")
    ap.add_argument("--smi-sleep", type=float, default=0.0,
                    help="seconds each fake nvidia-smi run sleeps first (a real one takes 0.05-0.5 s)")
    ap.add_argument("--abi", action="store_true", help="the abi_dependency scenario (see above)")
    args = ap.parse_args()
    binary = os.environ.get("PTINSTALL_BINARY", str(E2E.parent.parent / "build" / "ptinstall"))
    tmp = Path(tempfile.mkdtemp(prefix="ptinstall-variants-bench-"))

    class Factory:
        def mktemp(self, name):
            p = tmp / name
            p.mkdir()
            return p

    gen = (T.abi_index if args.abi else T.index).__wrapped__(Factory())
    server = next(gen)
    try:
        (tmp / "host").mkdir()
        host = T.Host(tmp / "host").nvidia("580.65.06", "9.0")
        # a real Linux machine has a boot id; the remembered compute capability is tied to it
        (host.root / "proc/sys/kernel/random").mkdir(parents=True)
        (host.root / "proc/sys/kernel/random/boot_id").write_text("6a8f0b9e-1111-4222-8333-944455556666\n")
        if args.smi_sleep:
            tool = host.bin / "nvidia-smi"
            text = tool.read_text()
            tool.write_text(text.replace("#!/bin/sh\n", f"#!/bin/sh\n/bin/sleep {args.smi_sleep}\n", 1))
        if args.env_detection:
            (host.bin / "nvidia-smi").unlink()
            host.vars["PTINSTALL_CUDA_COMPUTE_CAPABILITY"] = "9.0"
        venv = make_venv(tmp / "venv")

        def run(extra, reqs=("torch", "filelock")):
            env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PTINSTALL_"))}
            env.update(PTINSTALL_CACHE_DIR=str(tmp / "cache"), NO_COLOR="1", **host.env())
            t = time.perf_counter()
            p = subprocess.run([binary, "pip", "install", "--dry-run", "--python", str(venv / "bin" / "python"),
                                "--index-url", server.index_url(), *extra, *reqs],
                               env=env, capture_output=True, text=True)
            if p.returncode != 0:
                raise SystemExit(p.stderr)
            return time.perf_counter() - t

        if args.abi:
            scenarios = {"without": ([], ("torch==2.12.0", "flashplain")),
                         "with --variants": (["--variants"], ("torch==2.12.0", "flashy")),
                         "with --variants, resolved again": (["--variants"], ("torch==2.12.0", "flashdep"))}
        else:
            scenarios = {"without": ([], ("torch", "filelock")), "with --variants": (["--variants"], ("torch", "filelock"))}
        cells = {name: [] for name in scenarios}
        for extra, reqs in scenarios.values():
            run(extra, reqs)  # warm the cache
        for _ in range(args.runs):
            for name, (extra, reqs) in scenarios.items():
                cells[name].append(run(extra, reqs))
        for name, xs in cells.items():
            print(f"{name}: median {statistics.median(xs) * 1000:.1f} ms (min {min(xs) * 1000:.1f}, "
                  f"max {max(xs) * 1000:.1f}) over {len(xs)} runs")
        for name in list(cells)[1:]:
            print(f"{name} / without: {statistics.median(cells[name]) / statistics.median(cells['without']):.2f}")
        runs = host.root / "smi.runs"
        if runs.exists():
            n = len(runs.read_text().splitlines())
            print(f"nvidia-smi runs: {n} over {2 + 2 * args.runs} commands")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
