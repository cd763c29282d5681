"""PostgreSQL beside DuckDB: replace_slice rows/s for a 365-day one-company backfill of ap_invoices +
ap_invoice_lines, same data, same scenarios, one run.

    .venv/bin/python -m benchmarks.bench_postgres [--days 365] [--invoices-per-day 100] [--lines-per-invoice 5]
                                                  [--pg-url postgresql://…]

PostgreSQL: --pg-url, else $SAGE_LOOKER_TEST_PG_URL, else a throwaway server started with
scripts/postgres.sh for this run (stopped afterwards); without one the PostgreSQL column says why it is
missing. Each scenario writes into a fresh database (DuckDB: a new file; PostgreSQL: CREATE DATABASE).
Timings include connect/close per call (both backends open a connection per call).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.bench_warehouse import COMPANY, INVOICES, LINES, _by_day, _timed
from sage_looker.warehouse import open_warehouse
from sage_looker.warehouse.synthetic import invoice_pair

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def postgres_server(url: str | None) -> Iterator[tuple[str | None, str]]:
    """(admin URL or None, how it was found / why it is missing)."""
    url = url or os.environ.get("SAGE_LOOKER_TEST_PG_URL")
    if url:
        yield url, "given URL"
        return
    with tempfile.TemporaryDirectory(prefix="bench_pg_") as pg_dir:
        env = dict(os.environ, SAGE_LOOKER_PG_DIR=pg_dir)
        script = str(REPO / "scripts" / "postgres.sh")
        out = subprocess.run(["bash", script, "start"], env=env, capture_output=True, text=True)
        lines = dict(line.removeprefix("export ").split("=", 1) for line in out.stdout.splitlines() if "=" in line)
        try:
            if out.returncode == 0 and "SAGE_LOOKER_TEST_PG_URL" in lines:
                yield lines["SAGE_LOOKER_TEST_PG_URL"], "throwaway server from scripts/postgres.sh"
            else:
                yield None, lines.get("SAGE_LOOKER_TEST_PG_SKIP_REASON", out.stderr.strip()[-300:])
        finally:
            subprocess.run(["bash", script, "stop"], env=env, capture_output=True)


def _pg_targets(admin_url: str) -> Callable[[str], str]:
    import psycopg

    def fresh(name: str) -> str:
        db = f"bench_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin_url, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{db}"')
        return urlsplit(admin_url)._replace(path="/" + db).geturl()

    return fresh


def _scenarios(fresh: Callable[[str], str], days, per_day, inv, ln, repeat: int) -> dict[str, float]:
    def per_day_backfill() -> None:
        wh = open_warehouse(fresh("per_day"), lock_timeout=60)
        for d, (i, l) in zip(days, per_day):
            wh.replace_slice([(INVOICES, i), (LINES, l)], companies=[COMPANY], start=d, end=d, run_id="bench")

    def one_range(wh) -> None:
        wh.replace_slice([(INVOICES, inv), (LINES, ln)], companies=[COMPANY], start=days[0], end=days[-1],
                         run_id="bench")

    first, replay = [], []
    for n in range(repeat):
        wh = open_warehouse(fresh(f"whole{n}"), lock_timeout=60)
        first.append(_timed(lambda: one_range(wh)))
        replay.append(_timed(lambda: one_range(wh)))
    return {
        f"{len(days)} per-day replace_slice calls (fresh)": _timed(per_day_backfill),
        f"one {len(days)}-day replace_slice (fresh)": min(first),
        f"one {len(days)}-day replay (delete + insert)": min(replay),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--invoices-per-day", type=int, default=100)
    p.add_argument("--lines-per-invoice", type=int, default=5)
    p.add_argument("--repeat", type=int, default=2, help="best of N for the one-call scenarios")
    p.add_argument("--pg-url", help="admin URL of a PostgreSQL server (databases are created on it)")
    args = p.parse_args()
    days = [dt.date(2024, 1, 1) + dt.timedelta(n) for n in range(args.days)]
    inv, ln = invoice_pair(COMPANY, days, args.invoices_per_day, args.lines_per_invoice)
    per_day = list(zip(_by_day(inv, days), _by_day(ln, days)))
    rows = inv.num_rows + ln.num_rows
    print(f"data: {inv.num_rows:,} ap_invoices + {ln.num_rows:,} ap_invoice_lines = {rows:,} rows, "
          f"one company, {len(days)} days")

    with tempfile.TemporaryDirectory(prefix="bench_duckdb_") as tmp:
        duck = _scenarios(lambda name: f"duckdb://{Path(tmp) / (name + '.duckdb')}", days, per_day, inv, ln,
                          args.repeat)
    with postgres_server(args.pg_url) as (url, how):
        if url:
            import psycopg

            with psycopg.connect(url) as con:
                version = con.execute("SHOW server_version").fetchone()[0]
            print(f"PostgreSQL {version} ({how}); psycopg {psycopg.__version__}, binary COPY from Arrow")
            pg = _scenarios(_pg_targets(url), days, per_day, inv, ln, args.repeat)
        else:
            print(f"PostgreSQL skipped: {how}")
            pg = {}

    print(f"\n{'scenario':42} {'DuckDB s':>9} {'rows/s':>10} {'PostgreSQL s':>13} {'rows/s':>10}")
    for name, seconds in duck.items():
        pg_cols = f"{pg[name]:13.2f} {rows / pg[name]:10,.0f}" if name in pg else f"{'skipped':>13} {'-':>10}"
        print(f"{name:42} {seconds:9.2f} {rows / seconds:10,.0f} {pg_cols}")


if __name__ == "__main__":
    main()
