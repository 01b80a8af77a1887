"""A tiny run of the benchmark suite (bench/run): it generates its index, serves it, measures pip, and
reports a ptinstall that fails as "failed: <first error line>" instead of aborting."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_and_reports_failures(tmp_path):
    fake = tmp_path / "fake-ptinstall"
    fake.write_text("#!/bin/sh\n"
                    "[ \"$1\" = --version ] && { echo 'ptinstall 0.0.0'; exit 0; }\n"
                    "echo 'resolving...' >&2\necho 'error: install from an index is not ready' >&2\nexit 2\n")
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    proc = subprocess.run(
        ["/usr/bin/python3", str(ROOT / "bench" / "bench.py"), "--quick", "--big-size", "1", "--big-files", "40",
         "--app-scale", "0.002", "--nvidia-scale", "0.0001", "--scenario", "big-cold", "--runs", "2",
         "--ptinstall", str(fake), "--work", str(tmp_path / "work"), "--results", str(tmp_path / "results")],
        capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (report,) = (tmp_path / "results").glob("*-quick*.md")
    text = report.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| big-cold |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "failed: error: install from an index is not ready"
    median, _, spread = cells[2].partition(" ")
    assert float(median) > 0 and spread.startswith("(")        # pip measured twice
    assert float(cells[4].split()[0]) > 0                        # the unzip floor
    assert cells[7] != "-" and int(cells[7]) > 0                 # pip's peak RSS in MiB
    assert "- machine:" in text and "ptinstall 0.0.0" in text
    # the index was generated once and is reused
    assert len(list((tmp_path / "work").glob("index-*/dataset.json"))) == 1
    assert not (tmp_path / "work" / "run").exists()


def test_bench_warm_scenarios_with_the_real_binary(tmp_path):
    """local-warm (issue 3's measure) and big-warm with tiny data: both tools install the same packages,
    and the cp -al floor is measured beside them."""
    from conftest import binary
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PTINSTALL_", "UV_"))}
    proc = subprocess.run(
        ["/usr/bin/python3", str(ROOT / "bench" / "bench.py"), "--quick", "--big-size", "1", "--big-files", "40",
         "--app-scale", "0.002", "--nvidia-scale", "0.0001", "--scenario", "local-warm", "--scenario", "big-warm",
         "--runs", "1", "--ptinstall", binary(), "--work", str(tmp_path / "work"), "--results", str(tmp_path / "results")],
        capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (report,) = (tmp_path / "results").glob("*-quick*.md")
    text = report.read_text()
    for name, packages in (("local-warm", 50), ("big-warm", 1)):
        row = next(line for line in text.splitlines() if line.startswith(f"| {name} |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert not cells[1].startswith("failed"), row
        assert float(cells[1].split()[0]) > 0 and float(cells[4].split()[0]) > 0, row  # ptinstall and cp -al
        assert f"{name}: " in text and f"check: same {packages} package" in text.split(f"- {name}:")[1].splitlines()[0]
    assert not (tmp_path / "work" / "run").exists()


def test_bench_noop_torch_with_the_real_binary(tmp_path):
    """noop-torch-auto with tiny data: both tools install the same packages through the bench index's
    PyTorch-shaped /whl/cu128/, the timed no-ops run no nvidia-smi, and the floor (ptinstall without the flag)
    is measured beside them."""
    from conftest import binary
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PTINSTALL_", "UV_"))}
    proc = subprocess.run(
        ["/usr/bin/python3", str(ROOT / "bench" / "bench.py"), "--quick", "--big-size", "1", "--big-files", "40",
         "--app-scale", "0.002", "--nvidia-scale", "0.0001", "--scenario", "noop-torch-auto",
         "--runs", "1", "--ptinstall", binary(), "--work", str(tmp_path / "work"), "--results", str(tmp_path / "results")],
        capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (report,) = (tmp_path / "results").glob("*-quick*.md")
    text = report.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| noop-torch-auto |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert not cells[1].startswith("failed") and float(cells[4].split()[0]) > 0, row
    line = text.split("- noop-torch-auto:")[1].splitlines()[0]
    assert "check: same " in line and "nvidia-smi runs during the timed no-ops: 0" in line, line
