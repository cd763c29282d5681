"""replace_slice throughput for a 365-day one-company backfill of ap_invoices + ap_invoice_lines, beside
the floor of a bare DuckDB `INSERT INTO … SELECT * FROM arrow` of the same rows.

    .venv/bin/python -m benchmarks.bench_warehouse [--days 365] [--invoices-per-day 100] [--lines-per-invoice 5]

Scenarios (each on a fresh file except the replay): one replace_slice per day (what a per-day backfill
does), one replace_slice over the whole range, the same range replayed over existing rows (delete +
insert). Floors: one connection inserting everything with two statements; one connection inserting per
day (no delete, no transaction, no checks, no lock handling, no open/close per call).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from sage_looker.sage300 import catalog
from sage_looker.warehouse import declared_columns, open_warehouse
from sage_looker.warehouse.slices import with_lineage
from sage_looker.warehouse.sqlgen import create_schema_sql, create_table_sql, qualified
from sage_looker.warehouse.synthetic import invoice_pair

INVOICES, LINES = catalog.table("ap_invoices"), catalog.table("ap_invoice_lines")
COMPANY = "ACME"
STAMP = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def _by_day(table: pa.Table, days: list[dt.date]) -> list[pa.Table]:
    col = table.column("batch_date")
    return [table.filter(pc.equal(col, pa.scalar(d, pa.date32()))) for d in days]


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _floor(path: Path, per_day: list[tuple[pa.Table, pa.Table]], whole: tuple[pa.Table, pa.Table]) -> tuple[float, float]:
    """Seconds for bare positional inserts: (everything in 2 statements, per day in 2×days statements)."""
    results = []
    for batches in ([whole], per_day):
        path.unlink(missing_ok=True)
        con = duckdb.connect(str(path))
        con.execute(create_schema_sql("sage300"))
        prepared = []
        for table in (INVOICES, LINES):
            con.execute(create_table_sql("sage300", table.name, declared_columns(table)))
        for inv, ln in batches:  # align the Arrow columns to the table (untimed: the floor is the INSERT)
            prepared.append(tuple(
                with_lineage(d, "bench", STAMP).select(list(declared_columns(t)))
                for t, d in ((INVOICES, inv), (LINES, ln))
            ))
        con.close()

        def run() -> None:
            c = duckdb.connect(str(path))
            for inv, ln in prepared:
                for table, arrow_data in ((INVOICES, inv), (LINES, ln)):
                    c.register("arrow_data", arrow_data)
                    c.execute(f"INSERT INTO {qualified('sage300', table.name)} SELECT * FROM arrow_data").fetchall()
                    c.unregister("arrow_data")
            c.close()

        results.append(_timed(run))
    return results[0], results[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--invoices-per-day", type=int, default=100)
    p.add_argument("--lines-per-invoice", type=int, default=5)
    p.add_argument("--repeat", type=int, default=3, help="best of N for the fast scenarios and the floors")
    args = p.parse_args()
    days = [dt.date(2024, 1, 1) + dt.timedelta(n) for n in range(args.days)]
    t0 = time.perf_counter()
    inv, ln = invoice_pair(COMPANY, days, args.invoices_per_day, args.lines_per_invoice)
    per_day = list(zip(_by_day(inv, days), _by_day(ln, days)))
    rows = inv.num_rows + ln.num_rows
    print(f"data: {inv.num_rows:,} ap_invoices ({inv.num_columns} cols) + {ln.num_rows:,} ap_invoice_lines "
          f"({ln.num_columns} cols) = {rows:,} rows over {len(days)} days, built in {time.perf_counter() - t0:.1f}s")
    print(f"duckdb {duckdb.__version__}, pyarrow {pa.__version__}")

    with tempfile.TemporaryDirectory(prefix="bench_warehouse_") as tmp:
        tmpdir = Path(tmp)

        def fresh(name: str):
            return open_warehouse(tmpdir / f"{name}.duckdb", lock_timeout=60)

        def per_day_backfill() -> None:
            wh = fresh("per_day")
            for d, (i, l) in zip(days, per_day):
                wh.replace_slice([(INVOICES, i), (LINES, l)], companies=[COMPANY], start=d, end=d, run_id="bench")

        def one_range(wh) -> None:
            wh.replace_slice([(INVOICES, inv), (LINES, ln)], companies=[COMPANY],
                             start=days[0], end=days[-1], run_id="bench")

        first, replay = [], []
        for n in range(args.repeat):
            wh = fresh(f"whole{n}")
            first.append(_timed(lambda: one_range(wh)))
            replay.append(_timed(lambda: one_range(wh)))
        timings = {
            f"replace_slice, {len(days)} per-day calls (fresh file)": _timed(per_day_backfill),
            f"replace_slice, one {len(days)}-day call (fresh file)": min(first),
            f"replace_slice, one {len(days)}-day replay (delete+insert)": min(replay),
        }
        floors = [_floor(tmpdir / "floor.duckdb", per_day, (inv, ln)) for _ in range(args.repeat)]
        floor_whole, floor_days = min(f[0] for f in floors), min(f[1] for f in floors)
    floor_rate = rows / floor_whole
    print(f"\n{'scenario':58} {'seconds':>8} {'rows/s':>12} {'vs floor':>9}")
    print(f"{'FLOOR bare INSERT … SELECT * FROM arrow (2 statements)':58} {floor_whole:8.2f} {floor_rate:12,.0f} {1:9.2f}")
    print(f"{f'floor, per day ({2 * len(days)} statements, one connection)':58} {floor_days:8.2f} "
          f"{rows / floor_days:12,.0f} {(rows / floor_days) / floor_rate:9.2f}")
    for name, seconds in timings.items():
        rate = rows / seconds
        print(f"{name:58} {seconds:8.2f} {rate:12,.0f} {rate / floor_rate:9.2f}")
    print(f"\n'vs floor' = rows/s ÷ floor rows/s (1.00 = as fast as a bare insert; 0.5 = twice as slow); "
          f"best of {args.repeat} except the per-day backfill (one pass). Timings include connect and close.")


if __name__ == "__main__":
    main()
