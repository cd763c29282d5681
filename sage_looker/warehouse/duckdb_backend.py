"""DuckDB backend: one file, one writer process at a time.

Every call opens its own connection and closes it when done, so the file lock is held only while a
call runs. When another process holds the lock the call waits (retrying with backoff, logging that it
waits) up to `lock_timeout` seconds instead of failing. Reads open read-only. Each connection runs with
`TimeZone='UTC'` and without Python replacement scans (a query can never read a stray Python variable).
Within one process, calls on the same file are serialized (DuckDB caches one database instance per
file and refuses a second one with a different read-only flag).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from sage_looker.sage300.catalog_model import Table
from sage_looker.warehouse.backend import EnsureResult, SliceHook, SliceResult, Warehouse, log
from sage_looker.warehouse.errors import LockTimeoutError, WarehouseError
from sage_looker.warehouse.slices import PreparedWrite, Slice, check_lineage_args, prepare_writes
from sage_looker.warehouse.sqlgen import (
    SCHEMA,
    ColumnPlan,
    add_column_sql,
    alter_column_sql,
    as_planned,
    create_schema_sql,
    create_table_sql,
    insert_by_name_sql,
    plan_columns,
    quote_ident,
)
from sage_looker.warehouse.sqltypes import canonical, sql_type_for

_DUCKDB_COLUMNS = (
    "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
    "AND schema_name = ? AND table_name IN ({marks}) ORDER BY table_name, column_index"
)
_FILE_LOCKS: dict[Path, threading.Lock] = {}
_FILE_LOCKS_GUARD = threading.Lock()
_LOG_EVERY = 30.0  # seconds between "still waiting" messages


def _file_lock(path: Path) -> threading.Lock:
    with _FILE_LOCKS_GUARD:
        return _FILE_LOCKS.setdefault(path, threading.Lock())


def _is_lock_conflict(exc: duckdb.Error) -> bool:
    # duckdb 1.x/2.x: 'IO Error: Could not set lock on file "…": Conflicting lock is held in … (PID n)'
    return "lock" in str(exc).lower()


class DuckDBWarehouse(Warehouse):
    def __init__(
        self,
        path: Path,
        *,
        schema: str = SCHEMA,
        lock_timeout: float = 300.0,
        logger: logging.Logger | None = None,
        max_backoff: float = 2.0,
    ) -> None:
        self.path = Path(path).expanduser().resolve()
        self.schema = schema
        self.lock_timeout = float(lock_timeout)
        self.max_backoff = max_backoff
        self.log = logger or log
        self._local = threading.local()
        quote_ident(schema)

    def __repr__(self) -> str:
        return f"DuckDBWarehouse({str(self.path)!r}, schema={self.schema!r})"

    # ------------------------------------------------------------------ connections

    def _open(self, write: bool, started: float) -> duckdb.DuckDBPyConnection:
        deadline, delay, last_log = started + self.lock_timeout, 0.05, None
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=not write)
            except duckdb.IOException as exc:
                now = time.monotonic()
                if not _is_lock_conflict(exc):
                    raise
                if now >= deadline:
                    raise LockTimeoutError(
                        f"{self.path}: another process held the DuckDB lock for more than {self.lock_timeout:.0f}s "
                        f"(lock_timeout); last error: {exc}"
                    ) from exc
                if last_log is None or now - last_log >= _LOG_EVERY:
                    self.log.warning(
                        "waiting for the DuckDB %s lock on %s (waited %.1fs, timeout %.0fs): %s",
                        "write" if write else "read", self.path, now - started, self.lock_timeout, exc,
                    )
                    last_log = now
                time.sleep(min(delay * random.uniform(0.5, 1.0), max(deadline - now, 0.0)))
                delay = min(delay * 2, self.max_backoff)
                continue
            self._local.lock_wait = waited = time.monotonic() - started
            if last_log is not None:
                self.log.info("got the DuckDB lock on %s after %.1fs", self.path, waited)
            return con

    @contextmanager
    def _connect(self, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        if write:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise WarehouseError(f"no DuckDB warehouse at {self.path}")
        started, lock = time.monotonic(), _file_lock(self.path)
        if not lock.acquire(timeout=self.lock_timeout):
            raise LockTimeoutError(
                f"{self.path}: another call in this process used the warehouse for more than "
                f"{self.lock_timeout:.0f}s (lock_timeout)"
            )
        try:
            con = self._open(write, started)
            try:
                con.execute("SET TimeZone = 'UTC'")
                con.execute("SET python_enable_replacements = false")
                yield con
            finally:
                con.close()
        finally:
            lock.release()

    @contextmanager
    def _transaction(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error as exc:  # keep the original error; a failed rollback leaves nothing committed
                self.log.warning("rollback on %s failed: %s", self.path, exc)
            raise
        con.execute("COMMIT")

    # ------------------------------------------------------------------ schema

    def _columns(self, con: duckdb.DuckDBPyConnection, table_name: str) -> dict[str, str]:
        return self._columns_of(con, [table_name])[table_name]

    def _columns_of(self, con: duckdb.DuckDBPyConnection, names: Sequence[str],
                    schema: str | None = None) -> dict[str, dict[str, str]]:
        """Columns of several tables in one catalog query (duckdb_columns() is ~4× faster than
        information_schema; the portable query is sqlgen.columns_sql)."""
        out: dict[str, dict[str, str]] = {n: {} for n in names}
        rows = con.execute(_DUCKDB_COLUMNS.format(marks=", ".join("?" * len(names))),
                           [schema or self.schema, *names]).fetchall()
        for table_name, column, sql_type in rows:
            out[table_name][column] = canonical(sql_type)
        return out

    def _apply(self, con: duckdb.DuckDBPyConnection, plans: Sequence[ColumnPlan]) -> None:
        con.execute(create_schema_sql(self.schema))
        for plan in plans:
            if plan.create is not None:
                con.execute(create_table_sql(self.schema, plan.table_name, plan.create))
            for column, sql_type in plan.add:
                con.execute(add_column_sql(self.schema, plan.table_name, column, sql_type))
            for column, sql_type in plan.alter:
                con.execute(alter_column_sql(self.schema, plan.table_name, column, sql_type))
            if plan.create is not None or plan.add or plan.alter:
                self.log.info("%s.%s: created=%s, columns added %s, widened %s", self.schema, plan.table_name,
                              plan.create is not None, [c for c, _ in plan.add], list(plan.alter))

    def ensure_tables(self, tables: Sequence[Table]) -> EnsureResult:
        tables = list(tables)
        for t in tables:
            if not isinstance(t, Table):
                raise WarehouseError(f"ensure_tables takes catalog Tables, got {type(t).__name__}")
        with self._connect(write=True) as con:
            existing = self._columns_of(con, [t.name for t in tables]) if tables else {}
            plans = [plan_columns(t, existing[t.name]) for t in tables]
            with self._transaction(con):
                self._apply(con, plans)
        return EnsureResult(
            created=tuple(p.table_name for p in plans if p.create is not None),
            columns_added={p.table_name: tuple(c for c, _ in p.add) for p in plans if p.add},
        )

    def table_columns(self, table_name: str) -> dict[str, str]:
        quote_ident(table_name)
        if not self.path.exists():
            return {}
        with self._connect(write=False) as con:
            return self._columns(con, table_name)

    # ------------------------------------------------------------------ data

    def _insert_rows(self, con: duckdb.DuckDBPyConnection, table_name: str, data: pa.Table) -> int:
        return self._insert_arrow(con, self.schema, table_name, data)

    def _insert_arrow(self, con: duckdb.DuckDBPyConnection, schema: str, table_name: str, data: pa.Table) -> int:
        view = f"_sage_looker_incoming_{uuid.uuid4().hex}"
        con.register(view, data)
        try:
            sql = insert_by_name_sql(schema, table_name, data.column_names, quote_ident(view))
            return con.execute(sql).fetchone()[0]
        finally:
            con.unregister(view)

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
        # Everything that can be checked without the database is checked before connecting.
        sl = Slice.of(companies, start, end)
        prepared = prepare_writes(writes, sl, run_id, check_lineage_args(run_id, loaded_at))
        hook = hook or SliceHook()
        started = time.monotonic()
        with self._connect(write=True) as con:
            existing = self._columns_of(con, [w.table.name for w in prepared]) if prepared else {}
            plans = [plan_columns(w.table, existing[w.table.name], w.data.schema) for w in prepared]
            prepared = [PreparedWrite(w.table, as_planned(w.data, p)) for w, p in zip(prepared, plans)]
            with self._transaction(con):
                self._apply(con, plans)
                # One writer holds the file, so what the hook reads here is exactly what the deletes remove.
                read = lambda q, p=(): con.sql(q, params=list(p) or None).to_arrow_table()  # noqa: E731
                result = self._write_slice(con, prepared, plans, sl, hook, read, started,
                                           getattr(self._local, "lock_wait", 0.0))
        hook.at("committed")
        self._log_replaced(sl, run_id, result)
        return result

    def _delete_rows(self, con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> int:
        return con.execute(sql, params).fetchone()[0]

    def _append(self, con: duckdb.DuckDBPyConnection, schema: str, table_name: str, data: pa.Table) -> int:
        """Create/extend `<schema>.<table_name>` from the Arrow schema, then insert by name (same transaction)."""
        existing = self._columns_of(con, [table_name], schema)[table_name]
        wanted = {f.name: sql_type_for(f.type) for f in data.schema}
        if not existing:
            con.execute(create_schema_sql(schema))
            con.execute(create_table_sql(schema, table_name, wanted))
        for column, sql_type in wanted.items():
            if existing and column not in existing:
                con.execute(add_column_sql(schema, table_name, column, sql_type))
        return self._insert_arrow(con, schema, table_name, data) if data.num_rows else 0

    def append_rows(self, schema: str, table_name: str, data: pa.Table) -> int:
        quote_ident(schema), quote_ident(table_name)
        with self._connect(write=True) as con:
            with self._transaction(con):
                return self._append(con, schema, table_name, data)

    def read_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        with self._connect(write=False) as con:
            rel = con.sql(sql, params=list(params) if params else None)
            return rel.to_arrow_table() if rel is not None else pa.table({})

    def close(self) -> None:
        """Nothing to release: every call closes its own connection."""
