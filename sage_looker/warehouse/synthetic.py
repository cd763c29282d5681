"""Synthetic Arrow data shaped like the Sage client's output, for tests and benchmarks.

`synthetic_table` follows a catalog table's declared schema (company_id, declared columns with their
Arrow types, `_source_url`, `_record_hash`); `invoice_pair` builds consistent ap_invoices and
ap_invoice_lines rows over a range of batch dates. Vectorized with pyarrow.compute (no numpy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from sage_looker.sage300 import catalog
from sage_looker.sage300.catalog_model import Table
from sage_looker.sage300.columns import COMPANY_COLUMN, ColumnType

_EPOCH = dt.date(1970, 1, 1)


def _decimal(i: pa.Array, t: pa.Decimal128Type) -> pa.Array:
    """Exact decimals with fractional digits, e.g. 1234.567, built as text then cast (exact)."""
    raw = pc.add(pc.multiply(i, 7919), 13)
    unit = 10**t.scale
    whole = pc.divide(raw, unit)
    frac = pc.subtract(raw, pc.multiply(whole, unit))
    text = pc.binary_join_element_wise(
        pc.cast(whole, pa.string()), pc.utf8_lpad(pc.cast(frac, pa.string()), t.scale, "0"), "."
    )
    return pc.cast(text, t)


def _values(name: str, ctype: ColumnType, i: pa.Array, n: int) -> pa.Array:
    if ctype in (ColumnType.TEXT, ColumnType.JSON):
        return pc.binary_join_element_wise(name[:10], pc.cast(i, pa.string()), "-")
    if ctype is ColumnType.INT:
        return i
    if ctype.is_decimal:
        return _decimal(i, ctype.arrow)
    if ctype is ColumnType.DATE:
        return pc.cast(pc.cast(pc.add(pc.remainder(i, 365), 19723), pa.int32()), pa.date32())  # 2024-01-01 + i%365
    if ctype is ColumnType.BOOL:
        return pc.equal(pc.remainder(i, 2), 0)
    raise ValueError(ctype)


def synthetic_table(
    table: Table, n: int, *, company: str, columns: Mapping[str, pa.Array] | None = None, offset: int = 0
) -> pa.Table:
    """`n` rows of `table` for one company; `columns` overrides generated columns (keys, dates)."""
    i = pa.array(range(offset, offset + n), pa.int64())
    given = dict(columns or {})
    out: dict[str, pa.Array] = {COMPANY_COLUMN: pa.repeat(pa.scalar(company), n)}
    for name, ctype in table.column_types().items():
        if name != COMPANY_COLUMN:
            out[name] = given.pop(name) if name in given else _values(name, ctype, i, n)
    out.update(given)  # extra columns the catalog does not know
    out["_source_url"] = pa.repeat(pa.scalar(f"https://sage.example/{company}/{table.name}"), n)
    out["_record_hash"] = pc.binary_join_element_wise("h", pc.cast(i, pa.string()), "")
    return pa.table(out)


def _day_numbers(days: Sequence[dt.date]) -> list[int]:
    return [(d - _EPOCH).days for d in days]


def invoice_pair(
    company: str, days: Sequence[dt.date], invoices_per_day: int, lines_per_invoice: int
) -> tuple[pa.Table, pa.Table]:
    """ap_invoices and ap_invoice_lines for one company: one batch per day, consistent keys and dates."""
    day_nos = _day_numbers(days)
    n_inv = len(days) * invoices_per_day
    inv_day = pc.cast(pa.array([d for d in day_nos for _ in range(invoices_per_day)], pa.int32()), pa.date32())
    inv_batch = pa.array([b + 1 for b in range(len(days)) for _ in range(invoices_per_day)], pa.int64())
    inv_entry = pa.array([e + 1 for _ in days for e in range(invoices_per_day)], pa.int64())
    invoices = synthetic_table(
        catalog.table("ap_invoices"), n_inv, company=company,
        columns={"batch_date": inv_day, "batch_number": inv_batch, "entry_number": inv_entry,
                 "number_of_details": pa.repeat(pa.scalar(lines_per_invoice, pa.int64()), n_inv)},
    )
    take = pa.array([k for k in range(n_inv) for _ in range(lines_per_invoice)], pa.int64())
    n_lines = len(take)
    lines = synthetic_table(
        catalog.table("ap_invoice_lines"), n_lines, company=company,
        columns={"batch_date": pc.take(inv_day, take), "batch_number": pc.take(inv_batch, take),
                 "entry_number": pc.take(inv_entry, take),
                 "line_number": pa.array([ln + 1 for _ in range(n_inv) for ln in range(lines_per_invoice)], pa.int64())},
    )
    return invoices, lines
