"""The warehouse interface every backend implements, its results, and `open_warehouse`.

Callers (the Dagster glue, dbt checks, the CLI) see only `Warehouse`; a backend is chosen from the
target: a path or `duckdb:///path` → DuckDB; `postgresql://…`, `postgres://…` or
`postgresql+psycopg://…` → PostgreSQL.
"""

from __future__ import annotations

import abc
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from sage_looker.sage300.catalog_model import Table
from sage_looker.warehouse.errors import BackendNotAvailableError, WarehouseConfigError, WarehouseError
from sage_looker.warehouse.moves import delete_moved, find_moves, root_of
from sage_looker.warehouse.sqlgen import SCHEMA, delete_slice_sql

log = logging.getLogger("sage_looker.warehouse")


@dataclass(frozen=True)
class TableWrite:
    """What one replace_slice did to one table."""

    table: str
    deleted: int
    inserted: int
    columns_added: tuple[str, ...] = ()
    created: bool = False
    moved_out: int = 0  # rows of records that moved here from another date, deleted under their old date


@dataclass(frozen=True)
class SliceResult:
    """Outcome of one committed replace_slice: per-table counts, timings (seconds)."""

    tables: dict[str, TableWrite]
    seconds: float
    lock_wait_seconds: float = 0.0
    moves: tuple[Any, ...] = ()  # warehouse.moves.Move: records whose date changed, removed from the old date

    @property
    def rows_deleted(self) -> int:
        return sum(t.deleted for t in self.tables.values())

    @property
    def rows_inserted(self) -> int:
        return sum(t.inserted for t in self.tables.values())


class SliceHook:
    """Something that takes part in one `replace_slice` transaction (the audit trail: the shrink guard and
    the load ledger). The default does nothing.

    Everything runs inside the write transaction, after the backend holds the slice's writer lock (DuckDB:
    the file; PostgreSQL: the advisory locks) and after any DDL, so a check sees exactly the rows the write is
    about to replace (no other writer can change them before the delete), and the rows it returns commit or
    roll back together with the data: a crash can never leave data without its ledger row or the reverse.
    """

    def before_write(self, read: Callable[[str, Sequence[Any]], pa.Table], writes: Sequence[Any],
                     schema: str) -> None:
        """Called before the first delete. `read(sql, params)` queries inside the transaction (`?`
        placeholders); `writes` are the checked writes (`.table`, `.data`). Raise to abort: nothing changes."""

    def at(self, point: str) -> None:
        """Step boundaries: `written:<table>` after each table's delete+insert, `before_rows` before the
        hook's rows are appended, `committed` after the commit. (Crash tests stop the process here.)"""

    def rows(self, result: "SliceResult") -> Sequence[tuple[str, str, pa.Table]]:
        """(schema, table, rows) to append in the same transaction, given what the write did."""
        return ()


@dataclass(frozen=True)
class EnsureResult:
    created: tuple[str, ...] = ()
    columns_added: dict[str, tuple[str, ...]] = field(default_factory=dict)


class Warehouse(abc.ABC):
    """A warehouse holding the `sage300` schema. Connections live only for the duration of one call."""

    schema: str = SCHEMA

    @abc.abstractmethod
    def ensure_tables(self, tables: Sequence[Table]) -> EnsureResult:
        """Create each catalog table with its declared schema (and add declared columns it lacks)."""

    @abc.abstractmethod
    def replace_slice(
        self,
        writes: Sequence[tuple[Table, pa.Table]],
        *,
        companies: Sequence[str],
        start: dt.date | None,
        end: dt.date | None,
        run_id: str,
        loaded_at: dt.datetime | None = None,
        hook: SliceHook | None = None,
    ) -> SliceResult:
        """Atomically replace the slice (companies × [start, end] of each table's partition column; masters:
        companies) of every table in `writes` with the given rows, in one transaction (with `hook`'s check
        before the deletes and its rows appended before the commit)."""

    @abc.abstractmethod
    def append_rows(self, schema: str, table_name: str, data: pa.Table) -> int:
        """Append `data` to `<schema>.<table_name>` in a transaction of its own, creating the schema and table
        from the Arrow schema (and adding columns it lacks) first. For small audit tables, not catalog data."""

    @abc.abstractmethod
    def read_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run a read-only query (placeholders bound from `params`) and return its rows."""

    @abc.abstractmethod
    def table_columns(self, table_name: str) -> dict[str, str]:
        """Column → canonical SQL type of `<schema>.<table_name>` in order; empty when the table is missing."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release what the backend holds (connections are per call, so usually nothing)."""

    # Protected hooks shared by the backends; the tests inject faults through them.
    @abc.abstractmethod
    def _connect(self, *, write: bool) -> AbstractContextManager[Any]:
        """A connection for one call (waits for the database lock when another process holds it)."""

    @abc.abstractmethod
    def _insert_rows(self, con: Any, table_name: str, data: pa.Table) -> int:
        """Insert `data` by column name into the table inside the open transaction; returns rows inserted."""

    @abc.abstractmethod
    def _delete_rows(self, con: Any, sql: str, params: Sequence[Any]) -> int:
        """Run a DELETE inside the open transaction; returns rows deleted."""

    @abc.abstractmethod
    def _append(self, con: Any, schema: str, table_name: str, data: pa.Table) -> int:
        """Create/extend `<schema>.<table_name>` from the Arrow schema and insert, inside the open transaction."""

    def _write_slice(self, con: Any, prepared: Sequence[Any], plans: Sequence[Any], sl: Any, hook: "SliceHook",
                     read: Callable[..., pa.Table], started: float, waited: float) -> SliceResult:
        """What both backends do inside their open transaction, once they hold the slice: the hook's check of
        what is about to be deleted, per table the slice's DELETE and the INSERT by name, then the hook's rows
        (the ledger) so data and ledger commit together."""
        hook.before_write(read, prepared, self.schema)
        # A natural key lives under one date only: the old copies of records whose date changed leave first.
        moves: list[Any] = []
        moved_out: dict[str, int] = {}
        root = root_of([w.table for w in prepared])
        if root is not None:
            data = next(w.data for w in prepared if w.table is root)
            moves = find_moves(read, self.schema, root, data, sl)
            if moves:
                moved_out = delete_moved(lambda q, p: self._delete_rows(con, q, p), self.schema,
                                         [w.table for w in prepared], root, moves, sl)
        results: dict[str, TableWrite] = {}
        for w, plan in zip(prepared, plans):
            sql, params = delete_slice_sql(self.schema, w.table, sl)
            deleted = self._delete_rows(con, sql, params)
            inserted = self._insert_rows(con, w.table.name, w.data) if w.data.num_rows else 0
            if inserted != w.data.num_rows:
                raise WarehouseError(f"{w.table.name}: inserted {inserted} of {w.data.num_rows} rows")
            results[w.table.name] = TableWrite(
                w.table.name, deleted, inserted, tuple(c for c, _ in plan.add), plan.create is not None,
                moved_out.get(w.table.name, 0),
            )
            hook.at(f"written:{w.table.name}")
        result = SliceResult(results, time.monotonic() - started, waited, tuple(moves))
        hook.at("before_rows")
        for schema, name, rows in hook.rows(result):
            self._append(con, schema, name, rows)
        return result

    def _log_replaced(self, sl: Any, run_id: str, result: SliceResult) -> None:
        self.log.info(
            "replaced %s [%s] run %s: %s", self.schema, sl.describe(), run_id,
            ", ".join(f"{t.table} -{t.deleted}/+{t.inserted}" for t in result.tables.values()),
        )

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_duckdb(location: str, **options: Any) -> Warehouse:
    from sage_looker.warehouse.duckdb_backend import DuckDBWarehouse

    if location in ("", ":memory:") or location.startswith(":memory:"):
        raise WarehouseConfigError("SAGE_LOOKER_WAREHOUSE: an in-memory DuckDB cannot back the warehouse "
                                   "(connections are per call); give a file path")
    return DuckDBWarehouse(Path(location), **options)


def _open_postgresql(location: str, **options: Any) -> Warehouse:
    try:
        from sage_looker.warehouse.postgres_backend import PostgresWarehouse
    except ImportError as exc:  # psycopg is a dependency, but a trimmed install may lack it
        raise BackendNotAvailableError(f"the PostgreSQL backend needs psycopg 3 (pip install 'psycopg[binary]'): {exc}")
    if not location.strip("/"):
        raise WarehouseConfigError("SAGE_LOOKER_WAREHOUSE: a PostgreSQL target needs a host or database, "
                                   "e.g. postgresql://user@host:5432/db")
    return PostgresWarehouse("postgresql://" + location, **options)


_BACKENDS: dict[str, Callable[..., Warehouse]] = {
    "duckdb": _open_duckdb,
    "postgresql": _open_postgresql,
    "postgres": _open_postgresql,
    "postgresql+psycopg": _open_postgresql,  # SQLAlchemy's spelling of the same driver
}


def _split_target(target: str | Path) -> tuple[str, str]:
    if isinstance(target, Path):
        return "duckdb", str(target)
    if not isinstance(target, str):
        raise WarehouseError(f"warehouse target must be a path or URL string, got {type(target).__name__}")
    scheme, sep, rest = target.partition("://")
    if not sep:
        return "duckdb", target
    scheme = scheme.lower()
    if scheme not in _BACKENDS:
        raise WarehouseConfigError(
            f"SAGE_LOOKER_WAREHOUSE: unknown warehouse target scheme {scheme!r}: use a path, duckdb:///path or postgresql://…"
        )
    # duckdb:///abs/path → /abs/path; duckdb://rel/path → rel/path
    if scheme == "duckdb" and rest.startswith("//"):
        rest = "/" + rest.lstrip("/")
    return scheme, rest


def open_warehouse(target: str | Path, **options: Any) -> Warehouse:
    """Open the warehouse at `target` (a path, `duckdb:///path`, or `postgresql://…`).

    DuckDB options: `lock_timeout` (seconds to wait for another process's lock, default 300),
    `schema` (default `sage300`), `logger`. PostgreSQL: `lock_timeout` (seconds a writer waits for another
    writer of the same table and company), `schema`, `connect_timeout`, `logger`; the URL is libpq's.
    """
    scheme, location = _split_target(target)
    return _BACKENDS[scheme](location, **options)

