"""Platform benchmark, measured side by side in one run:

1. a one-company 365-day backfill through `sage-looker sync` (Dagster run + warehouse IO manager + checks)
   vs the same resources and rows through the bare client (read + flatten, no Dagster, no warehouse);
2. one partition run (one company, one day) vs a no-op Dagster asset run (Dagster's own floor).

    .venv/bin/python -m benchmarks.bench_platform [--days 365] [--scale 0.5]

Both sides read the same in-process simulator over loopback with the same settings (page size 100, the
default request budget raised so a year fits).
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
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--scale", type=float, default=0.5)
    ap.add_argument("--latency", default="0,0.3",
                    help="simulated seconds per Sage request, comma list (a real IIS page takes 0.3-2 s)")
    args = ap.parse_args()
    for latency in [float(x) for x in args.latency.split(",")]:
        run_once(args, latency)


def run_once(args, latency: float) -> None:

    import dagster as dg

    from sage_looker.sage300 import catalog
    from sage_looker.sage300.budget import RequestBudget
    from sage_looker.sage300.client import Sage300Client
    from sage_looker.sage300.settings import Sage300Settings
    from sage_looker.sage300_sim import SimulatorConfig, run_simulator

    today = dt.date.today()
    start = today - dt.timedelta(days=args.days - 1)
    budget = 100_000
    faults = f"slow=1.0:{latency}" if latency else ""
    with run_simulator(SimulatorConfig(seed=3, days=args.days, scale=args.scale, companies=("SAMINC",),
                                       faults=faults)) as sim, \
            tempfile.TemporaryDirectory() as tmp:
        os.environ.update(SAGE300_URL=sim.url, SAGE300_USER="WEBAPI", SAGE300_PASSWORD="WEBAPI",
                          SAGE300_COMPANIES="SAMINC", SAGE_LOOKER_HOME=tmp, DAGSTER_HOME=tmp,
                          SAGE300_START_DATE=(start - dt.timedelta(days=1)).isoformat(),
                          SAGE300_MAX_REQUESTS_PER_RUN=str(budget))
        Path(tmp, "dagster.yaml").write_text("telemetry:\n  enabled: false\n")

        # --- bare client: masters, then every transaction resource for the whole range
        settings = Sage300Settings.from_env()
        t0 = time.perf_counter()
        rows = requests = 0
        with Sage300Client(settings, budget=RequestBudget(budget)) as client:
            for r in catalog.MASTERS:
                res = client.read_resource(r, "SAMINC")
                rows += sum(res.stats.rows.values())
                requests += res.stats.requests
            for r in catalog.TRANSACTIONS:
                res = client.read_resource(r, "SAMINC", start, today)
                rows += sum(res.stats.rows.values())
                requests += res.stats.requests
        t_client = time.perf_counter() - t0

        # --- the same through Dagster: sync = masters run + one transactions run for the range
        from sage_looker.commands.runner import sync
        from sage_looker.definitions import build_definitions

        defs = build_definitions()
        instance = dg.DagsterInstance.ephemeral()
        t0 = time.perf_counter()
        summary = sync(defs, "SAMINC", start, today, instance=instance)
        t_sync = time.perf_counter() - t0
        assert summary.success, summary.failures
        sync_rows = sum(summary.rows.values())

        # --- one partition vs a no-op asset
        day = today - dt.timedelta(days=1)
        t0 = time.perf_counter()
        one = sync(defs, "SAMINC", day, day, masters=False, instance=instance)
        t_partition = time.perf_counter() - t0
        assert one.success, one.failures

        @dg.asset
        def noop() -> None:
            return None

        dg.materialize([noop], instance=instance)  # warm imports, like the partition run had
        t0 = time.perf_counter()
        dg.materialize([noop], instance=instance)
        t_noop = time.perf_counter() - t0

    print(f"\n== {args.days}-day one-company backfill, scale {args.scale}, {latency * 1000:.0f} ms per Sage request")
    print(f"  bare client (read + flatten):   {t_client:8.2f} s  {rows:>9,} rows  {requests} requests  "
          f"{rows / t_client:,.0f} rows/s")
    print(f"  sage-looker sync (2 runs):      {t_sync:8.2f} s  {sync_rows:>9,} rows  {summary.requests} requests  "
          f"{sync_rows / t_sync:,.0f} rows/s")
    print(f"  ratio sync / bare client:       {t_sync / t_client:8.2f}  (goal <= 1.3)")
    print("one partition run vs Dagster's floor")
    print(f"  one partition (8 resources):    {t_partition:8.2f} s  {one.requests} requests")
    print(f"  no-op asset run:                {t_noop:8.2f} s")
    print(f"  ratio partition / no-op:        {t_partition / t_noop:8.2f}")


if __name__ == "__main__":
    main()
