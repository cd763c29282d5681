"""A 365-day one-company backfill through `sage-looker sync` into DuckDB and into PostgreSQL, side by side
in one run: same simulator, same Dagster jobs, only SAGE_LOOKER_WAREHOUSE differs.

    .venv/bin/python -m benchmarks.bench_backfill_backends [--days 365] [--scale 0.5] [--pg-url postgresql://…]

Prints, per backend, the whole sync (masters run + one transactions run for the range: Sage reads, flatten,
checks, warehouse writes) and the warehouse load alone (time inside `replace_slice`/`ensure_tables`), as
rows/s, and the PostgreSQL/DuckDB ratios. PostgreSQL: --pg-url, else $SAGE_LOOKER_TEST_PG_URL, else a
throwaway server from scripts/postgres.sh (stopped afterwards); each run writes into a fresh database
(PostgreSQL) or file (DuckDB). Without a server the PostgreSQL column says why.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.bench_postgres import _pg_targets, postgres_server
from sage_looker.warehouse.targets import redact

COMPANY = "SAMINC"


@dataclass
class Result:
    seconds: float
    rows: int
    requests: int
    write_seconds: float
    rows_written: int


@contextmanager
def _timed_writes(totals: dict[str, float]):
    """Accumulate time and rows inside every backend's replace_slice and ensure_tables."""
    from sage_looker.warehouse.duckdb_backend import DuckDBWarehouse
    from sage_looker.warehouse.postgres_backend import PostgresWarehouse

    saved = []
    for cls in (DuckDBWarehouse, PostgresWarehouse):
        for name in ("replace_slice", "ensure_tables"):
            original = getattr(cls, name)
            saved.append((cls, name, original))

            def wrapper(self, *args, _original=original, _name=name, **kwargs):
                t0 = time.perf_counter()
                try:
                    result = _original(self, *args, **kwargs)
                finally:
                    totals["seconds"] += time.perf_counter() - t0
                if _name == "replace_slice":
                    totals["rows"] += result.rows_inserted
                return result

            setattr(cls, name, wrapper)
    try:
        yield
    finally:
        for cls, name, original in saved:
            setattr(cls, name, original)


@contextmanager
def _environ(values: dict[str, str]):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def backfill(sim_url: str, warehouse: str | None, start: dt.date, end: dt.date) -> Result:
    """One `sync` (masters + the whole range in one run) into `warehouse` (None: a DuckDB file in a temp home)."""
    import dagster as dg

    from sage_looker.commands.runner import sync
    from sage_looker.definitions import build_definitions

    with tempfile.TemporaryDirectory(prefix="bench_backfill_") as home:
        env = {"SAGE300_URL": sim_url, "SAGE300_USER": "WEBAPI", "SAGE300_PASSWORD": "WEBAPI",
               "SAGE300_COMPANIES": COMPANY, "SAGE_LOOKER_HOME": home, "DAGSTER_HOME": home,
               "SAGE300_START_DATE": (start - dt.timedelta(days=1)).isoformat(),
               "SAGE300_MAX_REQUESTS_PER_RUN": "100000",
               "SAGE_LOOKER_WAREHOUSE": warehouse or str(Path(home) / "warehouse.duckdb")}
        Path(home, "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        totals = {"seconds": 0.0, "rows": 0}
        with _environ(env), _timed_writes(totals):
            defs = build_definitions()
            instance = dg.DagsterInstance.ephemeral()
            t0 = time.perf_counter()
            summary = sync(defs, COMPANY, start, end, instance=instance)
            seconds = time.perf_counter() - t0
        if not summary.success:
            raise SystemExit(f"backfill into {redact(env['SAGE_LOOKER_WAREHOUSE'])} failed: {summary.failures}")
        return Result(seconds, sum(summary.rows.values()), summary.requests, totals["seconds"], int(totals["rows"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--scale", type=float, default=0.5)
    ap.add_argument("--pg-url", help="admin URL of a PostgreSQL server (a database is created on it)")
    args = ap.parse_args()

    from sage_looker.sage300_sim import SimulatorConfig, run_simulator

    end = dt.date.today()
    start = end - dt.timedelta(days=args.days - 1)
    results: dict[str, Result | str] = {}
    with run_simulator(SimulatorConfig(seed=3, days=args.days, scale=args.scale, companies=(COMPANY,))) as sim:
        results["DuckDB"] = backfill(sim.url, None, start, end)
        with postgres_server(args.pg_url) as (url, how):
            if url:
                import psycopg

                with psycopg.connect(url) as con:
                    version = con.execute("SHOW server_version").fetchone()[0]
                print(f"PostgreSQL {version} ({how})")
                target = _pg_targets(url)("backfill")
                try:
                    results["PostgreSQL"] = backfill(sim.url, target, start, end)
                finally:  # a given server keeps nothing of the run
                    with psycopg.connect(url, autocommit=True) as con:
                        con.execute(f'DROP DATABASE IF EXISTS "{urlsplit(target).path.lstrip("/")}" WITH (FORCE)')
            else:
                results["PostgreSQL"] = f"skipped: {how}"

    print(f"{args.days}-day one-company backfill through `sync` ({COMPANY}, scale {args.scale}, {start}..{end})")
    print(f"{'backend':12} {'sync s':>8} {'rows':>9} {'sync rows/s':>12} {'load s':>8} {'load rows/s':>12}")
    for name, r in results.items():
        if isinstance(r, str):
            print(f"{name:12} {r}")
            continue
        print(f"{name:12} {r.seconds:8.2f} {r.rows:9,} {r.rows / r.seconds:12,.0f} {r.write_seconds:8.2f} "
              f"{r.rows_written / r.write_seconds:12,.0f}")
    duck, pg = results["DuckDB"], results["PostgreSQL"]
    if isinstance(pg, Result) and isinstance(duck, Result):
        assert pg.rows == duck.rows, f"row counts differ: PostgreSQL {pg.rows}, DuckDB {duck.rows}"
        print(f"ratio PostgreSQL / DuckDB rows/s: sync {duck.seconds / pg.seconds:.2f}, "
              f"load {(pg.rows_written / pg.write_seconds) / (duck.rows_written / duck.write_seconds):.2f}")


if __name__ == "__main__":
    main()
