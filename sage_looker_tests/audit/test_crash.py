"""Crash tests: a real `sage-looker replay` process, SIGKILLed at each step boundary of a load.

After each kill every resource's partition is fully old or fully new (parent and children together, compared
by `_record_hash` multisets with the state before and after), the ledger agrees with the data, and a plain
re-run converges to Sage's truth. The kill point is chosen with `SAGE_LOOKER_CRASH_AT=<point>:ap_invoice_batches`
(`sage_looker/audit/crash.py`); AP invoice batches are edited in Sage between the loads, so "old" and "new" differ.

Cost: one baseline sync, then the four crash runs in parallel, then their four re-runs in parallel
(~9 CLI processes, each ~4-6 s of Dagster start-up). One PostgreSQL point runs when a test server is configured.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sage_looker.audit.crash import ENV as CRASH_ENV
from sage_looker.audit.crash import POINTS
from sage_looker.audit.ledger import slice_checksum
from sage_looker.sage300 import catalog
from sage_looker.sage300_sim import SimulatorConfig, run_simulator
from sage_looker.warehouse import open_warehouse

from .conftest import TODAY

DAY = TODAY
TARGET = "ap_invoice_batches"
RESOURCES = {r.table: [t.name for t in r.tables] for r in catalog.TRANSACTIONS}


def _env(sim, home: Path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAGE300_", "SAGE_LOOKER_", "LOOKER_", "DAGSTER_"))}
    env.update(SAGE300_URL=sim.url, SAGE300_USER="WEBAPI", SAGE300_PASSWORD="WEBAPI", SAGE300_COMPANIES="SAMINC",
               SAGE300_START_DATE=(TODAY - dt.timedelta(days=40)).isoformat(), SAGE_LOOKER_HOME=str(home),
               DAGSTER_HOME=str(home / "dagster_home"),
               # The sync never reaches Looker; with a PostgreSQL warehouse the bundled Looker simulator must be
               # asked for by name (the guard that keeps simulators away from a real warehouse).
               LOOKER_BASE_URL="simulator", **extra)
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sage_looker.cli", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def _replay(env):
    return _cli(env, "replay", "--company", "SAMINC", "--date", DAY.isoformat())


def _state(target: str) -> dict[str, Counter]:
    """{table: Counter(_record_hash)} of the DAY slice of every transaction table."""
    wh = open_warehouse(target)
    out = {}
    for tables in RESOURCES.values():
        for name in tables:
            t = catalog.table(name)
            rows = wh.read_arrow(f'SELECT _record_hash FROM sage300."{name}" WHERE company_id = ? AND '
                                 f'"{t.partition_column}" = ?', ["SAMINC", DAY]).column(0).to_pylist()
            out[name] = Counter(rows)
    return out


def _ledger(target: str, run_filter: str = "TRUE") -> list[dict]:
    wh = open_warehouse(target)
    return wh.read_arrow(f"SELECT * FROM sage300_audit.load_ledger WHERE {run_filter} ORDER BY finished_at").to_pylist()


def _edit_sage(sim) -> None:
    """Between the loads Sage changes: an open AP batch of DAY is edited and a new one is entered."""
    with sim.db.lock:
        batch = next(r for r in sim.db.records("SAMINC", "APInvoiceBatches")
                     if r["BatchStatus"] != "Posted" and r["BatchDate"] == DAY)
    sim.db.edit_batch("SAMINC", "APInvoiceBatches", batch["BatchNumber"], "12.34")
    sim.db.insert_batch("SAMINC", "APInvoiceBatches", DAY, entries=2)
    sim.db.edit_batch("SAMINC", "GLJournalBatches", next(
        r["BatchNumber"] for r in sim.db.records("SAMINC", "GLJournalBatches")
        if r["Status"] != "Posted" and r["DateCreated"] == DAY), "5.00")


@pytest.fixture(scope="module")
def crashed(tmp_path_factory):
    """Every crash point run once against a copy of one baseline: {point: (home, crash, state, rerun, final)}."""
    with run_simulator(SimulatorConfig(seed=11, days=45, today=TODAY, scale=0.5)) as sim:
        base = tmp_path_factory.mktemp("baseline")
        first = _cli(_env(sim, base), "sync", "--company", "SAMINC", "--start", DAY.isoformat(), "--end",
                     DAY.isoformat())
        assert first.returncode == 0, first.stderr[-3000:]
        old = _state(str(base / "warehouse.duckdb"))
        _edit_sage(sim)
        homes = {}
        for point in POINTS:
            homes[point] = tmp_path_factory.mktemp(point)
            shutil.rmtree(homes[point])
            shutil.copytree(base, homes[point])

        def crash(point):
            return _replay(_env(sim, homes[point], **{CRASH_ENV: f"{point}:{TARGET}"}))

        with ThreadPoolExecutor(len(POINTS)) as pool:
            crashes = dict(zip(POINTS, pool.map(crash, POINTS)))
        states = {p: _state(str(homes[p] / "warehouse.duckdb")) for p in POINTS}
        ledgers = {p: _ledger(str(homes[p] / "warehouse.duckdb")) for p in POINTS}
        with ThreadPoolExecutor(len(POINTS)) as pool:
            reruns = dict(zip(POINTS, pool.map(lambda p: _replay(_env(sim, homes[p])), POINTS)))
        truth = sim.truth()["companies"]["SAMINC"]["tables"]
        yield {"old": old, "truth": truth, "points": {
            p: (homes[p], crashes[p], states[p], ledgers[p], reruns[p], _state(str(homes[p] / "warehouse.duckdb")))
            for p in POINTS}}


def _resource_state(state: dict[str, Counter], root: str) -> list[Counter]:
    return [state[t] for t in RESOURCES[root]]


@pytest.mark.parametrize("point", POINTS)
def test_a_load_killed_at_each_step_leaves_every_partition_fully_old_or_fully_new(crashed, point):
    home, crash, state, ledger_after_crash, rerun, final = crashed["points"][point]
    old = crashed["old"]
    assert crash.returncode == -signal.SIGKILL, (crash.returncode, crash.stderr[-3000:])
    assert f"crash point {point}" in crash.stderr
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert _resource_state(final, TARGET) != _resource_state(old, TARGET)  # Sage really changed
    for root in RESOURCES:
        now = _resource_state(state, root)
        assert now in (_resource_state(old, root), _resource_state(final, root)), f"{root} is half-written"
    expected = final if point == "after_commit" else old
    assert _resource_state(state, TARGET) == _resource_state(expected, TARGET)
    # the ledger agrees with the data: a success row for the crashed run's batches exactly when they committed
    warehouse = str(home / "warehouse.duckdb")
    crashed_rows = [r for r in ledger_after_crash if r["asset"] == TARGET and r["window_start"] == DAY]
    assert len(crashed_rows) == (2 if point == "after_commit" else 1)  # baseline (+ the committed crash run)
    last = _ledger(warehouse, f"asset = '{TARGET}' AND status = 'success'")[-1]
    wh = open_warehouse(warehouse)
    assert last["checksum"] == slice_checksum(wh, catalog.resource("APInvoiceBatches").tables, "SAMINC", DAY, DAY)


@pytest.mark.parametrize("point", POINTS)
def test_a_re_run_after_the_crash_converges_to_sages_truth(crashed, point):
    home, *_ = crashed["points"][point]
    wh = open_warehouse(str(home / "warehouse.duckdb"))
    for root, tables in RESOURCES.items():
        for name in tables:
            t = catalog.table(name)
            expected = crashed["truth"][name]["partitions"].get(DAY.isoformat(), {"rows": 0})["rows"]
            keys = ", ".join(f'"{k}"' for k in t.key_columns)
            got = wh.read_arrow(
                f'SELECT COUNT(*) AS n, COUNT(DISTINCT ({keys})) AS k FROM sage300."{name}" WHERE company_id = ? '
                f'AND "{t.partition_column}" = ?', ["SAMINC", DAY]).to_pylist()[0]
            assert got["n"] == expected == got["k"], f"{name}: {got} vs truth {expected}"  # no dup, no gap
    # every run converged on the same rows
    finals = {p: crashed["points"][p][5] for p in POINTS}
    assert all(f == finals[POINTS[0]] for f in finals.values())


def test_postgres_a_kill_mid_write_rolls_back_and_a_re_run_converges(tmp_path):
    from sage_looker_tests.pgserver import fresh_database
    with fresh_database("crash") as url, \
            run_simulator(SimulatorConfig(seed=11, days=45, today=TODAY, scale=0.5)) as sim:
        env = _env(sim, tmp_path, SAGE_LOOKER_WAREHOUSE=url)
        first = _cli(env, "sync", "--company", "SAMINC", "--start", DAY.isoformat(), "--end", DAY.isoformat())
        assert first.returncode == 0, first.stderr[-3000:]
        old = _state(url)
        _edit_sage(sim)
        crash = _replay({**env, CRASH_ENV: f"mid_write:{TARGET}"})
        assert crash.returncode == -signal.SIGKILL, crash.stderr[-3000:]
        assert _resource_state(_state(url), TARGET) == _resource_state(old, TARGET)
        assert _replay(env).returncode == 0
        final = _state(url)
        assert _resource_state(final, TARGET) != _resource_state(old, TARGET)
        truth = sim.truth()["companies"]["SAMINC"]["tables"]
        for name in RESOURCES[TARGET]:
            assert sum(final[name].values()) == truth[name]["partitions"][DAY.isoformat()]["rows"]
