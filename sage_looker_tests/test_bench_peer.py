"""The peer benchmark (benchmarks/bench_peer.py) runs end to end and prints the issue's table with the goal
beside each figure. Only that it runs is checked, never the times (performance is read from `make bench`)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_quick_peer_benchmark_prints_its_goal_table(tmp_path):
    # P5 (a nightly run vs a no-op run + the network floor) is the cheapest goal; the long run adds P1-P3.
    goals = "P1,P5" if os.environ.get("SAGE_LOOKER_LONG") == "1" else "P5"
    out = tmp_path / "peer.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.bench_peer", "--quick", "--only", goals, "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert "| goal | measured | target | |" in lines
    rows = {line.split("|")[1].strip(): line for line in lines if line.startswith("| P")}
    assert set(rows) == set(goals.split(",")) | ({"P2", "P3"} if "P1" in goals else set())
    assert "<= 1.5x" in rows["P5"]  # the goal is printed beside the figure
    result = json.loads(out.read_text())
    assert result["P5"]["nightly_s"] > 0 and result["P5"]["noop_s"] > 0
