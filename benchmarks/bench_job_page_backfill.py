"""A two-year backfill for one company launched the way the Dagster UI's job page launches it (the GraphQL
`launchPartitionBackfill` mutation on `sage300_transactions_only_job`'s partition set), run by the backfill
daemon's own iterations with the default settings (runs of at most 31 days), then every day's rows compared
with the simulator's ledger. Prints runs, partitions, Sage requests and the time.

    .venv/bin/python -m benchmarks.bench_job_page_backfill [--days 730] [--sim-days 90]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=730, help="partitions (days) in the backfill")
    ap.add_argument("--sim-days", type=int, default=90, help="days of history the simulator holds")
    args = ap.parse_args()

    from sage_looker.defs.sage300.assets import asset_key
    from sage_looker.defs.sage300.jobs import MASTERS_JOB, TRANSACTIONS_ONLY_JOB
    from sage_looker.sage300 import catalog
    from sage_looker.sage300_sim import SimulatorConfig, run_simulator
    from sage_looker.warehouse import open_warehouse
    from sage_looker_tests.defs.backfill_harness import (backfill_runs, launch_job_page_backfill,
                                                         run_backfill_daemon, ui_workspace)

    home = Path(tempfile.mkdtemp(prefix="bench_job_page_backfill_"))
    today = dt.date.today()
    start = today - dt.timedelta(days=args.days - 1)
    with run_simulator(SimulatorConfig(seed=7, days=args.sim_days)) as sim:
        os.environ.update({"SAGE300_URL": sim.url, "SAGE300_USER": "WEBAPI", "SAGE300_PASSWORD": "WEBAPI",
                           "SAGE300_COMPANIES": "SAMINC", "SAGE_LOOKER_HOME": str(home),
                           "SAGE300_START_DATE": start.isoformat(), "DAGSTER_HOME": str(home)})
        with ui_workspace(home / "instance") as (instance, process):
            import sage_looker.definitions as d
            assert d.defs.resolve_job_def(MASTERS_JOB).execute_in_process(partition_key="SAMINC",
                                                                          instance=instance).success
            keys = [f"SAMINC|{(start + dt.timedelta(days=i)).isoformat()}" for i in range(args.days)]
            assets = [asset_key(r.root_table.name) for r in catalog.TRANSACTIONS]  # one asset per resource
            sim.reset_log()
            began = time.monotonic()
            backfill_id = launch_job_page_backfill(process, TRANSACTIONS_ONLY_JOB, keys, assets)
            backfill = run_backfill_daemon(instance, process, backfill_id, max_iterations=400)
            seconds = time.monotonic() - began
            runs = backfill_runs(instance, backfill_id)
        truth = sim.truth()["companies"]["SAMINC"]["tables"]
        requests = sim.request_count()
    wh = open_warehouse(str(home / "warehouse.duckdb"))
    missing = 0
    for resource in catalog.TRANSACTIONS:
        t = resource.root_table
        got = {r["d"]: r["n"] for r in wh.read_arrow(
            f'SELECT CAST("{t.partition_column}" AS VARCHAR) AS d, COUNT(*) AS n FROM sage300."{t.name}" '
            "GROUP BY 1").to_pylist()}
        expected = {d: p["rows"] for d, p in truth[t.name]["partitions"].items() if d >= start.isoformat()}
        missing += sum(1 for d, n in expected.items() if got.get(d) != n)
    wh.close()
    print(f"job-page backfill, {args.days} days, one company: status {backfill.status.value}, "
          f"{len(runs)} runs ({sum(r.is_success for r in runs)} succeeded), {requests} Sage requests, "
          f"{seconds:.1f} s; days whose rows differ from Sage's ledger: {missing}")


if __name__ == "__main__":
    main()
