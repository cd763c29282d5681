"""The partition slice a write replaces, and the checks every write passes before any SQL is built.

A slice is `company_id IN companies` and, for transaction tables, `partition_column BETWEEN start AND
end` (inclusive, compared as DATE). Company codes and dates are validated here, once, for every
backend; the data of each write must lie inside the slice, or nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from sage_looker.sage300.catalog_model import Table
from sage_looker.sage300.companies import COMPANY_CODE
from sage_looker.sage300.columns import COMPANY_COLUMN
from sage_looker.warehouse.errors import InvalidSliceError

RUN_COLUMN, LOADED_COLUMN = "_run_id", "_loaded_at"
_SAMPLE = 5


def _check_date(name: str, value: object) -> dt.date | None:
    if value is None:
        return None
    # datetime is a subclass of date: refuse it rather than guess which calendar day it means.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidSliceError(f"{name} must be a datetime.date or None, got {type(value).__name__} {value!r}")
    return value


@dataclass(frozen=True)
class Slice:
    companies: tuple[str, ...]
    start: dt.date | None
    end: dt.date | None

    @classmethod
    def of(cls, companies: Sequence[str], start: object, end: object) -> "Slice":
        """Validate the arguments of a write (raises InvalidSliceError before any SQL exists)."""
        if isinstance(companies, (str, bytes)) or not isinstance(companies, Sequence):
            raise InvalidSliceError(f"companies must be a sequence of company codes, got {companies!r}")
        if not companies:
            raise InvalidSliceError("companies is empty: a slice names at least one company")
        for c in companies:
            if not isinstance(c, str) or not COMPANY_CODE.match(c):
                raise InvalidSliceError(f"invalid company code {c!r}: expected 1-6 characters A-Z or 0-9")
        s, e = _check_date("start", start), _check_date("end", end)
        if (s is None) != (e is None):
            raise InvalidSliceError(f"give both start and end or neither, got start={s} end={e}")
        if s is not None and e is not None and s > e:
            raise InvalidSliceError(f"start {s} is after end {e}")
        return cls(tuple(sorted(set(companies))), s, e)

    @property
    def dated(self) -> bool:
        return self.start is not None

    def check_table(self, table: Table) -> None:
        if self.dated and table.partition_column is None:
            raise InvalidSliceError(
                f"{table.name} is a master table partitioned by company only: pass start=None, end=None"
            )

    def describe(self) -> str:
        dates = f" {self.start}..{self.end}" if self.dated else ""
        return f"{','.join(self.companies)}{dates}"


def _outside(mask: pa.ChunkedArray, values: pa.ChunkedArray) -> tuple[int, list]:
    bad = pc.filter(values, mask)
    return len(bad), pc.unique(bad).to_pylist()[:_SAMPLE]


def check_rows_in_slice(table: Table, data: pa.Table, sl: Slice) -> None:
    """Every row of `data` belongs to the slice; otherwise InvalidSliceError naming a few strays."""
    names = data.column_names
    if len(set(names)) != len(names):
        raise InvalidSliceError(f"{table.name}: duplicate column names in the data: {sorted(names)}")
    if data.num_rows == 0:
        return
    if COMPANY_COLUMN not in names:
        raise InvalidSliceError(f"{table.name}: the data has no {COMPANY_COLUMN} column")
    company = data.column(COMPANY_COLUMN)
    inside = pc.fill_null(pc.is_in(company, value_set=pa.array(sl.companies, company.type)), False)
    n, sample = _outside(pc.invert(inside), company)
    if n:
        raise InvalidSliceError(
            f"{table.name}: {n} rows of companies {sample} outside the slice companies {list(sl.companies)}"
        )
    column = table.partition_column
    if not sl.dated or column is None:
        return
    if column not in names:
        raise InvalidSliceError(f"{table.name}: the data has no partition column {column}")
    dates = data.column(column)
    if not pa.types.is_date(dates.type):
        raise InvalidSliceError(f"{table.name}.{column} must be an Arrow date, got {dates.type}")
    dates = dates.cast(pa.date32())
    lo, hi = pa.scalar(sl.start, pa.date32()), pa.scalar(sl.end, pa.date32())
    inside = pc.fill_null(pc.and_(pc.greater_equal(dates, lo), pc.less_equal(dates, hi)), False)
    n, sample = _outside(pc.invert(inside), dates)
    if n:
        raise InvalidSliceError(f"{table.name}: {n} rows dated {sample} outside the slice {sl.start}..{sl.end}")


def with_lineage(data: pa.Table, run_id: str, loaded_at: dt.datetime) -> pa.Table:
    """The data with `_run_id` and `_loaded_at` set for every row (replacing any the data carried)."""
    for name in (RUN_COLUMN, LOADED_COLUMN):
        if name in data.column_names:
            data = data.drop_columns([name])
    n = data.num_rows
    data = data.append_column(RUN_COLUMN, pa.repeat(pa.scalar(run_id, pa.string()), n))
    return data.append_column(LOADED_COLUMN, pa.repeat(pa.scalar(loaded_at, pa.timestamp("us", tz="UTC")), n))


def check_lineage_args(run_id: object, loaded_at: object) -> dt.datetime:
    """Validate run_id and return loaded_at as an aware UTC datetime (now when None)."""
    if not isinstance(run_id, str) or not run_id.strip() or len(run_id) > 256:
        raise InvalidSliceError(f"run_id must be a non-empty string of at most 256 characters, got {run_id!r}")
    if loaded_at is None:
        return dt.datetime.now(dt.timezone.utc)
    if not isinstance(loaded_at, dt.datetime) or loaded_at.utcoffset() is None:
        raise InvalidSliceError(f"loaded_at must be a timezone-aware datetime, got {loaded_at!r}")
    return loaded_at.astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class PreparedWrite:
    table: Table
    data: pa.Table


def prepare_writes(
    writes: Sequence[tuple[Table, pa.Table]], sl: Slice, run_id: str, loaded_at: dt.datetime
) -> list[PreparedWrite]:
    """Check every write against the slice and add lineage. Pure Arrow: runs before any SQL."""
    if not writes:
        raise InvalidSliceError("writes is empty: pass (table, data) pairs, with an empty Arrow table to clear a slice")
    seen: set[str] = set()
    out = []
    for table, data in writes:
        if not isinstance(table, Table) or not isinstance(data, pa.Table):
            raise InvalidSliceError(f"writes are (catalog Table, pyarrow.Table) pairs, got {type(table)}, {type(data)}")
        if table.name in seen:
            raise InvalidSliceError(f"{table.name} appears twice in one write")
        seen.add(table.name)
        sl.check_table(table)
        check_rows_in_slice(table, data, sl)
        out.append(PreparedWrite(table, with_lineage(data, run_id, loaded_at)))
    return out
