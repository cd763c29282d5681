"""`sage-looker simulate sage300`: --dump-truth, and serving as a separate process driven over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
from click.testing import CliRunner

from sage_looker.cli import main
from sage_looker.sage300_sim import generate
from sage_looker.sage300_sim.truth import truth
from sage_looker_tests.sage300_sim.conftest import AUTH, HEADERS, config


def test_dump_truth_writes_json_and_exits(tmp_path):
    out = tmp_path / "truth.json"
    result = CliRunner().invoke(main, ["simulate", "sage300", "--days", "4", "--today", "2025-03-14", "--seed", "7",
                                       "--companies", "SAMINC", "--dump-truth", str(out)])
    assert result.exit_code == 0, result.output
    dumped = json.loads(out.read_text())
    expected = json.loads(json.dumps(truth(generate(config(days=4, companies=("SAMINC",))))))
    assert dumped == expected


def test_serves_in_a_separate_process():
    cmd = [sys.executable, "-m", "sage_looker.cli", "simulate", "sage300", "--port", "0", "--days", "3",
           "--today", "2025-03-14", "--faults", "5xx=burst:1", "--forbid", "SAMLTD:GL"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("Sage 300 simulator at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].strip()
        base = url.rsplit("/Sage300WebApi", 1)[0]
        with httpx.Client(auth=AUTH, headers=HEADERS, timeout=10) as c:
            assert c.get(f"{url}/v1.0/-/SAMINC/AP/APVendors").status_code == 500
            assert c.get(f"{url}/v1.0/-/SAMINC/AP/APVendors").status_code == 200
            assert c.get(f"{url}/v1.0/-/SAMLTD/GL/GLAccounts").status_code == 403
        stats = httpx.get(f"{base}/_simulator/stats").json()
        assert stats["requests"] == 3 and stats["fault_counts"] == {"5xx": 1}
        log = httpx.get(f"{base}/_simulator/requests", params={"since": 1}).json()
        assert [e["status"] for e in log] == [200, 403]
        assert httpx.post(f"{base}/_simulator/requests/reset").status_code == 200
        assert httpx.get(f"{base}/_simulator/requests").json() == []
    finally:
        proc.terminate()
        proc.wait(timeout=10)
