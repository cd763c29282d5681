"""Helpers shared by the warehouse tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa

from sage_looker.sage300 import catalog
from sage_looker.warehouse import SliceResult, Warehouse
from sage_looker.warehouse.synthetic import invoice_pair

WORKER = "sage_looker_tests.warehouse._wh_worker"  # run with `python -m` from the repository root
INVOICES = catalog.table("ap_invoices")
LINES = catalog.table("ap_invoice_lines")
D1, D2, D3 = dt.date(2024, 3, 1), dt.date(2024, 3, 2), dt.date(2024, 3, 3)


def pair(company: str, days: Sequence[dt.date], invoices: int = 2, lines: int = 2) -> tuple[pa.Table, pa.Table]:
    return invoice_pair(company, days, invoices, lines)


def write_pair(
    wh: Warehouse, company: str, days: Sequence[dt.date], run_id: str = "run-1", invoices: int = 2, lines: int = 2
) -> SliceResult:
    inv, ln = pair(company, days, invoices, lines)
    return wh.replace_slice(
        [(INVOICES, inv), (LINES, ln)], companies=[company], start=min(days), end=max(days), run_id=run_id
    )


def rows(wh: Warehouse, table: str, where: str = "TRUE", params: Sequence[object] = ()) -> list[dict]:
    """All rows, in one deterministic order (sorted here: ORDER BY ALL is DuckDB-only SQL)."""
    got = wh.read_arrow(f'SELECT * FROM sage300."{table}" WHERE {where}', params).to_pylist()
    return sorted(got, key=lambda r: [(v is None, str(v)) for v in r.values()])


def counts(wh: Warehouse, table: str) -> dict[tuple[str, dt.date | None], int]:
    """Row count per (company, partition date) — a table's slices at a glance."""
    part = catalog.table(table).partition_column
    expr = f'"{part}"' if part else "NULL"
    got = wh.read_arrow(f'SELECT company_id, {expr} AS d, count(*) AS n FROM sage300."{table}" GROUP BY 1, 2')
    return {(r["company_id"], r["d"]): r["n"] for r in got.to_pylist()}
