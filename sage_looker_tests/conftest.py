"""Session-wide hooks. The proof tests (sage_looker_tests/proof/) write their figures as JSON under
$SAGE_LOOKER_HOME/proof/; under pytest-xdist they run in worker processes whose output the controller does
not show, so the controller prints the figures written during this session at the end."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from sage_looker_tests.processes import restore_interrupts

restore_interrupts()  # before any test starts a process (processes.py says why)
_PROOF_DIR = Path(os.environ.get("SAGE_LOOKER_HOME") or ".sage_looker").resolve() / "proof"
_STARTED = time.time()
# Step retries wait a minute in production (an app pool coming back); the suite waits a fraction of a second.
os.environ.setdefault("SAGE_LOOKER_STEP_RETRY_DELAY", "0.2")
# dbt's manifest lives in state, under each SAGE_LOOKER_HOME; the many homes of one test session share one
# parse (per process: xdist workers each get theirs), so `dbt parse` does not run once per test.
# The process that makes the folder removes it at the end (about 80 MB a session: runs used to leave them in /tmp).
_DBT_STATE_MADE_HERE = None
if not os.environ.get("SAGE_LOOKER_DBT_STATE"):
    _DBT_STATE_MADE_HERE = os.environ["SAGE_LOOKER_DBT_STATE"] = tempfile.mkdtemp(prefix="sage_looker_dbt_state_")


@pytest.fixture(autouse=True)
def _no_host_gate_outlives_its_test():
    """A Dagster run installs the shared per-host gate for its Sage URL in this process (one deployment, one
    host: right for the product). In a test worker the next simulator can get the same loopback port, and a
    gate left behind would throttle a test that never asked for one against a budget that counted another
    server's requests (CI: the direct fault-schedule test waited out its 600 s timeout in the gate)."""
    from sage_looker.sage300 import budget, host_budget

    yield
    budget._host_gates.clear()
    with host_budget._gates_lock:
        host_budget._gates.clear()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: the controller reports
        return
    fresh = sorted(p for p in _PROOF_DIR.glob("*.json") if p.stat().st_mtime >= _STARTED)
    if not fresh:
        return
    terminalreporter.section("proof figures")
    for path in fresh:
        figures = json.loads(path.read_text())
        terminalreporter.write_line(f"{figures.pop('name', path.stem)}: "
                                    + ", ".join(f"{k}={v}" for k, v in figures.items() if v not in ({}, 0)))
    terminalreporter.write_line(f"(JSON in {_PROOF_DIR})")


def pytest_unconfigure(config) -> None:
    # Only the folder this process made: one it inherited through the environment belongs to its parent.
    if _DBT_STATE_MADE_HERE:
        shutil.rmtree(_DBT_STATE_MADE_HERE, ignore_errors=True)
