"""The Sage host is protected across runs and processes: a shared per-host request budget over a rolling window and
a shared bound on requests in flight (sage_looker/sage300/host_budget.py).

The proof is the simulator's own request log: two `sage-looker sync` runs in separate real processes, each needing
more than half of the host budget, together send exactly the budget and never more than the host's concurrency;
the run that meets the full window stops and says why."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sage_looker.sage300.host_budget import GateSettings, SageHostBudgetExceeded, SharedHostGate
from sage_looker.sage300_sim import SimulatorConfig, run_simulator

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 20)


def _sync(home: Path, sim, company: str, env_extra: dict[str, str]) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAGE300_", "SAGE_LOOKER_", "LOOKER_", "DAGSTER_"))}
    own = home / company
    own.mkdir(parents=True)
    env.update({
        "SAGE300_URL": sim.url, "SAGE300_USER": "WEBAPI", "SAGE300_PASSWORD": "WEBAPI",
        "SAGE300_COMPANIES": "SAMINC,SAMLTD", "SAGE300_START_DATE": (TODAY - dt.timedelta(days=30)).isoformat(),
        "SAGE_LOOKER_HOME": str(home),  # one machine: the default store is $SAGE_LOOKER_HOME/sage_host_budget.sqlite
        "SAGE_LOOKER_WAREHOUSE": str(own / "warehouse.duckdb"), "DAGSTER_HOME": str(own / "dagster_home"),
        **env_extra,
    })
    start, end = TODAY - dt.timedelta(days=3), TODAY - dt.timedelta(days=1)
    return subprocess.Popen([sys.executable, "-m", "sage_looker.cli", "sync", "--company", company,
                             "--start", start.isoformat(), "--end", end.isoformat()],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_runs_in_separate_processes_share_the_host_budget_and_concurrency(tmp_path):
    with run_simulator(SimulatorConfig(seed=5, days=10, today=TODAY, scale=0.2)) as sim:
        # Measure one sync's need on this simulator (its own log), so the budget is set below two of them.
        alone = _sync(tmp_path / "alone", sim, "SAMINC", {"SAGE300_CONCURRENCY": "2"})
        out = alone.communicate(timeout=600)[0]
        assert alone.returncode == 0, out[-3000:]
        need = sim.request_count()
        assert need > 10, out[-2000:]
        sim.reset_log()

        budget = need + need // 2  # room for one run and a half: the pair cannot both finish
        env = {"SAGE300_CONCURRENCY": "1", "SAGE300_HOST_BUDGET": str(budget), "SAGE300_HOST_BUDGET_WINDOW": "3600",
               "SAGE300_HOST_BUDGET_WAIT": "1"}
        runs = [_sync(tmp_path / "shared", sim, company, env) for company in ("SAMINC", "SAMLTD")]
        outputs = [p.communicate(timeout=900)[0] for p in runs]

        sent = sim.request_count()
        assert sent == budget, f"simulator saw {sent} requests, host budget {budget}\n" + "\n".join(o[-1500:] for o in outputs)
        assert sim.max_concurrency() <= 1, sim.max_concurrency()  # SAGE300_CONCURRENCY per host, not per process
        print(f"one sync alone: {need} requests; two at once under a host budget of {budget}: {sent} sent, "
              f"max in flight {sim.max_concurrency()}, exit codes {[p.returncode for p in runs]}")
        stopped = [o for p, o in zip(runs, outputs) if p.returncode != 0]
        assert stopped, "both runs reported success although the host budget could not hold both"
        assert all("host budget exhausted" in o and "SAGE300_HOST_BUDGET" in o for o in stopped), stopped[0][-3000:]


def _gate(tmp_path, budget=3, window=100.0, wait=30.0, clock=None, sleep=None) -> SharedHostGate:
    settings = GateSettings(budget, window, wait, str(tmp_path / "budget.sqlite"))
    kwargs = {k: v for k, v in (("clock", clock), ("sleep", sleep)) if v is not None}
    return SharedHostGate(settings, **kwargs)


def test_a_full_window_waits_for_its_oldest_request_then_stops_when_the_wait_would_be_too_long(tmp_path):
    now = [1000.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    gate = _gate(tmp_path, budget=2, window=10.0, wait=8.0, clock=lambda: now[0], sleep=sleep)
    gate.leave(gate.enter("http://sage:80", 1))
    now[0] += 4
    gate.leave(gate.enter("http://sage:80", 1))
    # Full: the oldest (t=1000) leaves the window at t=1010; now is 1004, so this one waits 5-6 s and goes.
    gate.leave(gate.enter("http://sage:80", 1))
    assert 5.9 <= sum(slept) <= 6.1 and now[0] >= 1010.0
    assert gate.usage("http://sage:80")[0] == 2
    # Full again until t=1014; with 8 s of waiting allowed per request, a budget of 2 per 10 s still fits...
    slept.clear()
    gate.leave(gate.enter("http://sage:80", 1))
    # ...but another host's budget is its own.
    gate.leave(gate.enter("http://other:80", 1))
    tight = _gate(tmp_path / "t", budget=1, window=100.0, wait=8.0, clock=lambda: now[0], sleep=sleep)
    tight.leave(tight.enter("http://sage:80", 1))
    with pytest.raises(SageHostBudgetExceeded, match=r"host budget exhausted: http://sage:80 has had 1 requests"):
        tight.enter("http://sage:80", 1)


def test_slots_are_shared_between_gates_of_one_store_and_a_dead_process_frees_its_slot(tmp_path):
    a, b = _gate(tmp_path, budget=100), _gate(tmp_path, budget=100)  # two processes' views of one store
    held = a.enter("http://sage:80", 1)
    entered = threading.Event()

    def other() -> None:
        b.leave(b.enter("http://sage:80", 1))
        entered.set()

    t = threading.Thread(target=other, daemon=True)
    t.start()
    assert not entered.wait(0.3)  # the only slot is a's
    a.leave(held)
    assert entered.wait(30)
    # A lease left behind by a killed process on this machine does not hold the slot.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    con = a._connection()
    con.execute("INSERT INTO sage_host_leases VALUES ('orphan', 'http://sage:80', ?, 1e18)",
                (f"{__import__('socket').gethostname()}:{pid}",))
    b.leave(b.enter("http://sage:80", 1))
    assert a.usage("http://sage:80")[1] == 0


def test_the_postgresql_store_shares_slots_and_budget_between_gates():
    import psycopg

    from sage_looker_tests.pgserver import fresh_database

    with fresh_database("hostbudget") as url:
        settings = GateSettings(3, 3600.0, 0.2, url)
        a, b = SharedHostGate(settings), SharedHostGate(settings)  # two hosts' processes, one warehouse
        held = a.enter("https://erp:443", 1)
        entered = threading.Event()

        def other() -> None:
            b.leave(b.enter("https://erp:443", 1))
            entered.set()

        t = threading.Thread(target=other, daemon=True)
        t.start()
        assert not entered.wait(0.3)  # the host's only slot is a's, although b is another process
        a.leave(held)
        assert entered.wait(30)
        a.leave(a.enter("https://erp:443", 1))
        with pytest.raises(SageHostBudgetExceeded, match="has had 3 requests in the last 3600 s"):
            b.enter("https://erp:443", 1)
        with psycopg.connect(url) as con:
            assert con.execute("SELECT COUNT(*) FROM sage300_audit.sage_host_requests").fetchone()[0] == 3
            assert con.execute("SELECT COUNT(*) FROM sage300_audit.sage_host_leases").fetchone()[0] == 0
