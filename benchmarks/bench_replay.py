"""Replay benchmark, measured side by side in one run: re-materializing a company's transaction range from Sage
(every page 100 ms away: simulator fault `slow=1.0:0.1`) vs rebuilding the same rows from the raw page archive
(`sage-looker replay --from-archive`: zero Sage requests).

    .venv/bin/python -m benchmarks.bench_replay [--days 90] [--scale 1.0] [--latency 0.1]

Both go through the same Dagster job, warehouse IO manager, ledger and shrink guard; only the source differs.
The first load (untimed) creates the tables and the archive; then the re-pull and the replay are timed, and
the replayed rows are checked to equal the re-pulled ones.
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
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--latency", type=float, default=0.1, help="seconds added to every Sage request")
    args = ap.parse_args()

    import dagster as dg

    from sage_looker.audit.replay import SOURCE_TAG
    from sage_looker.commands.runner import sync
    from sage_looker.sage300_sim import SimulatorConfig, run_simulator
    from sage_looker.warehouse import open_warehouse

    today = dt.date.today()
    start = today - dt.timedelta(days=args.days - 1)
    with run_simulator(SimulatorConfig(seed=3, days=args.days + 5, scale=args.scale, companies=("SAMINC",))) as sim, \
            tempfile.TemporaryDirectory() as tmp:
        os.environ.update(SAGE300_URL=sim.url, SAGE300_USER="WEBAPI", SAGE300_PASSWORD="WEBAPI",
                          SAGE300_COMPANIES="SAMINC", SAGE_LOOKER_HOME=tmp, DAGSTER_HOME=tmp,
                          SAGE300_START_DATE=(start - dt.timedelta(days=1)).isoformat(),
                          SAGE300_MAX_REQUESTS_PER_RUN="100000")
        Path(tmp, "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        from sage_looker.definitions import build_definitions

        defs = build_definitions()
        instance = dg.DagsterInstance.ephemeral()
        first = sync(defs, "SAMINC", start, today, instance=instance)  # tables, masters and the archive
        assert first.success, first.failures
        sim.set_faults(f"slow=1.0:{args.latency}")

        before = len(sim.requests())
        t0 = time.perf_counter()
        pulled = sync(defs, "SAMINC", start, today, masters=False, instance=instance)
        t_pull = time.perf_counter() - t0
        assert pulled.success, pulled.failures
        pull_requests = len(sim.requests()) - before
        wh = open_warehouse(Path(tmp) / "warehouse.duckdb")
        rows_sql = ("SELECT _record_hash FROM sage300.ap_invoice_lines UNION ALL SELECT _record_hash FROM "
                    "sage300.gl_journal_lines UNION ALL SELECT _record_hash FROM sage300.ar_invoice_lines ORDER BY 1")
        after_pull = wh.read_arrow(rows_sql).column(0).to_pylist()

        before = len(sim.requests())
        t0 = time.perf_counter()
        replayed = sync(defs, "SAMINC", start, today, masters=False, instance=instance, tags={SOURCE_TAG: "archive"})
        t_replay = time.perf_counter() - t0
        assert replayed.success, replayed.failures
        replay_requests = len(sim.requests()) - before
        assert replay_requests == 0, replay_requests
        assert wh.read_arrow(rows_sql).column(0).to_pylist() == after_pull
        rows = sum(pulled.rows.values())

        # --- the source side alone (no Dagster, no warehouse): client read + flatten vs archive rebuild
        from sage_looker.audit.archive import PageArchive, rebuild_tables
        from sage_looker.sage300 import catalog
        from sage_looker.sage300.client import Sage300Client
        from sage_looker.sage300.settings import Sage300Settings

        archive = PageArchive(str(Path(tmp) / "bench-archive"))
        manifests = []
        t0 = time.perf_counter()
        with Sage300Client(Sage300Settings.from_env()) as client:
            for r in catalog.TRANSACTIONS:
                rec = archive.recorder(run_id="bench", asset=r.table, resource=r, company="SAMINC", start=start,
                                       end=today)
                res = client.read_resource(r, "SAMINC", start, today, on_page=rec.add)
                manifests.append(rec.finish(complete=True, odata_filter=res.stats.odata_filter, rows=res.stats.rows))
        t_read = time.perf_counter() - t0
        t0 = time.perf_counter()
        for m in manifests:
            rebuild_tables(archive, m)
        t_rebuild = time.perf_counter() - t0
        archive_mb = sum(f.stat().st_size for f in (Path(tmp) / "archive").rglob("*") if f.is_file()) / 1e6

    print(f"replay vs re-pull: one company, {args.days} days, {rows:,} rows, "
          f"{args.latency * 1000:.0f} ms per Sage request")
    print(f"  re-pull from Sage:        {t_pull:8.2f} s  {pull_requests:>5} requests")
    print(f"  replay from the archive:  {t_replay:8.2f} s  {replay_requests:>5} requests  "
          f"(archive {archive_mb:.1f} MB)")
    print(f"  ratio replay / re-pull:   {t_replay / t_pull:8.2f}  ({t_pull / t_replay:.1f}x faster; the rest is "
          "Dagster's per-partition events and the warehouse write, the same on both sides)")
    print("source side only (no Dagster, no warehouse), same resources and range")
    print(f"  client read + archive:    {t_read:8.2f} s")
    print(f"  rebuild from archive:     {t_rebuild:8.2f} s")
    print(f"  ratio rebuild / read:     {t_rebuild / t_read:8.2f}  ({t_read / t_rebuild:.1f}x faster)")


if __name__ == "__main__":
    main()
