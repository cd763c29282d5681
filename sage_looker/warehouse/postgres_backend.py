"""PostgreSQL backend: the warehouse a hosted Looker can reach. Same contract as the DuckDB backend.

A slice write is one transaction: transaction-scoped advisory locks keyed by (table, company), then any
DDL, then per table DELETE of the slice + binary COPY into a temp table + INSERT … SELECT by name. The
advisory locks only serialize writers of the same company and table (two writers of one slice would
otherwise both delete, then both insert); writers of other companies never wait, because DELETE and
INSERT take row locks and ROW EXCLUSIVE table locks only. DDL (CREATE TABLE / ALTER TABLE ADD COLUMN,
rare) runs under one more advisory lock so concurrent writers never race to add the same column with
different types; it sits in the same transaction, so a failed write leaves no new column behind. A
client killed mid-load drops its connection and PostgreSQL rolls the transaction back: the old slice stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg.errors
import pyarrow as pa
from psycopg.conninfo import conninfo_to_dict

from sage_looker.sage300.catalog_model import Table
from sage_looker.security.redaction import register_database_password
from sage_looker.sage300.columns import COMPANY_COLUMN
from sage_looker.warehouse.backend import EnsureResult, SliceHook, SliceResult, Warehouse, log
from sage_looker.warehouse.errors import LockTimeoutError, WarehouseError
from sage_looker.warehouse.pgcopy import copy_chunks, stage_columns
from sage_looker.warehouse.pgread import rows_to_arrow
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
    qmark_to_pyformat,
    qualified,
    quote_ident,
)
from sage_looker.warehouse.sqltypes import canonical, sql_type_for
from sage_looker.warehouse.targets import redact

_COLUMNS = (
    "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
    "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = ? AND c.relname::text = ANY(?) AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
    "AND NOT a.attisdropped ORDER BY c.relname, a.attnum"
)
_STAGE = quote_ident("_sage_looker_stage")


def lock_key(*parts: str) -> int:
    """A stable signed 64-bit advisory lock key (hashtext() is not guaranteed stable across versions)."""
    digest = hashlib.blake2b("\x1f".join(("sage_looker", *parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _index_sql(schema: str, table: Table) -> str:
    # Slice deletes and Looker's per-company filters both read by (company_id, partition date).
    cols = [COMPANY_COLUMN, *([table.partition_column] if table.partition_column else [])]
    name = f"{table.name}__slice"
    if len(name.encode()) > 63:
        name = f"{table.name[:40]}__slice_{lock_key(table.name) & 0xFFFFFFFF:08x}"
    return (f"CREATE INDEX IF NOT EXISTS {quote_ident(name)} ON {qualified(schema, table.name)} "
            f"({', '.join(quote_ident(c) for c in cols)})")


class PostgresWarehouse(Warehouse):
    def __init__(
        self,
        url: str,
        *,
        schema: str = SCHEMA,
        lock_timeout: float = 300.0,
        connect_timeout: float = 10.0,
        logger: logging.Logger | None = None,
    ) -> None:
        register_database_password(url)  # every form of its password is redacted from here on
        try:
            info = conninfo_to_dict(url)
        except psycopg.ProgrammingError:
            # libpq's text quotes the offending token, which may be the password itself: never show it.
            raise WarehouseError(
                f"invalid PostgreSQL URL {redact(url)}: libpq cannot parse it. Percent-encode special characters "
                "in the user name and password (@ → %40, : → %3A, / → %2F, space → %20, % → %25)") from None
        self.url = url
        self.where = f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
        self.schema = schema
        self.lock_timeout = float(lock_timeout)
        self.connect_timeout = connect_timeout
        self.log = logger or log
        quote_ident(schema)

    def __repr__(self) -> str:  # never the URL: it may carry a password
        return f"PostgresWarehouse({self.where!r}, schema={self.schema!r})"

    # ------------------------------------------------------------------ connections

    @contextmanager
    def _connect(self, *, write: bool) -> Iterator[psycopg.Connection]:
        try:
            con = psycopg.connect(self.url, autocommit=write, connect_timeout=max(1, int(self.connect_timeout)),
                                  application_name="sage_looker")
        except psycopg.OperationalError as exc:
            raise WarehouseError(f"cannot connect to PostgreSQL at {self.where}: {exc}".strip()) from exc
        try:
            con.read_only = not write  # reads run in a READ ONLY transaction, rolled back at the end
            with con.cursor() as cur:
                cur.execute(f"SET TIME ZONE 'UTC'; SET lock_timeout = {max(1, int(self.lock_timeout * 1000))}; "
                            "SET temp_buffers = '64MB'")
            if not write:
                con.commit()
            yield con
        except psycopg.errors.LockNotAvailable as exc:
            raise LockTimeoutError(
                f"{self.where}: waited more than {self.lock_timeout:g}s (lock_timeout) for a lock held by another "
                f"writer of the same table and company, or by a schema change: {exc}".strip()
            ) from exc
        finally:
            con.close()

    @staticmethod
    def _run(con: psycopg.Connection, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor:
        return con.execute(qmark_to_pyformat(sql), list(params)) if params is not None else con.execute(sql)

    # ------------------------------------------------------------------ schema

    def _columns_of(self, con: psycopg.Connection, names: Sequence[str],
                    schema: str | None = None) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {n: {} for n in names}
        for table_name, column, sql_type in self._run(con, _COLUMNS, [schema or self.schema, list(names)]).fetchall():
            out[table_name][column] = canonical(sql_type)
        return out

    def _plan_and_apply(
        self, con: psycopg.Connection, tables: Sequence[Table], incoming: Mapping[str, pa.Schema]
    ) -> list[ColumnPlan]:
        def plan() -> list[ColumnPlan]:
            existing = self._columns_of(con, [t.name for t in tables])
            return [plan_columns(t, existing[t.name], incoming.get(t.name)) for t in tables]

        plans = plan()
        if not any(p.create is not None or p.add or p.alter for p in plans):
            return plans
        self._run(con, "SELECT pg_advisory_xact_lock(?)", [lock_key(self.schema, "ddl")])
        plans = plan()  # another writer may have committed the same DDL while we waited
        by_name = {t.name: t for t in tables}
        for p in plans:
            if p.create is not None:
                self._run(con, create_schema_sql(self.schema))
                self._run(con, create_table_sql(self.schema, p.table_name, p.create, dialect="postgres"))
                self._run(con, _index_sql(self.schema, by_name[p.table_name]))
            for column, sql_type in p.add:
                self._run(con, add_column_sql(self.schema, p.table_name, column, sql_type, dialect="postgres"))
            for column, sql_type in p.alter:
                self._run(con, alter_column_sql(self.schema, p.table_name, column, sql_type, dialect="postgres"))
            if p.create is not None or p.add or p.alter:
                self.log.info("%s.%s: created=%s, columns added %s", self.schema, p.table_name,
                              p.create is not None, [c for c, _ in p.add])
        return plans

    def ensure_tables(self, tables: Sequence[Table]) -> EnsureResult:
        tables = list(tables)
        for t in tables:
            if not isinstance(t, Table):
                raise WarehouseError(f"ensure_tables takes catalog Tables, got {type(t).__name__}")
        with self._connect(write=True) as con, con.transaction():
            plans = self._plan_and_apply(con, tables, {}) if tables else []
        return EnsureResult(
            created=tuple(p.table_name for p in plans if p.create is not None),
            columns_added={p.table_name: tuple(c for c, _ in p.add) for p in plans if p.add},
        )

    def table_columns(self, table_name: str) -> dict[str, str]:
        quote_ident(table_name)
        with self._connect(write=False) as con:
            return self._columns_of(con, [table_name])[table_name]

    # ------------------------------------------------------------------ data

    def _lock_slice(self, con: psycopg.Connection, tables: Sequence[Table], sl: Slice) -> float:
        """Take the (table, company) advisory locks, all at once in key order so writers never deadlock."""
        keys = sorted({lock_key(self.schema, t.name, c) for t in tables for c in sl.companies})
        started = time.monotonic()
        self._run(con, "SELECT " + ", ".join(["pg_advisory_xact_lock(?)"] * len(keys)), keys)
        return time.monotonic() - started

    def _insert_rows(self, con: psycopg.Connection, table_name: str, data: pa.Table) -> int:
        columns = stage_columns(data.schema)
        staged = [c for c in columns if c.stage_type is not None]
        body = ", ".join(f"{quote_ident(c.name)} {c.stage_type}" for c in staged)
        self._run(con, f"CREATE TEMP TABLE {_STAGE} ({body}) ON COMMIT DROP")
        names = ", ".join(quote_ident(c.name) for c in staged)
        with con.cursor() as cur, cur.copy(f"COPY {_STAGE} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            for chunk in copy_chunks(data, columns):
                copy.write(chunk)
        exprs = {c.name: c.select for c in columns}
        sql = insert_by_name_sql(self.schema, table_name, [c.name for c in columns], _STAGE, exprs)
        inserted = self._run(con, sql).rowcount
        self._run(con, f"DROP TABLE {_STAGE}")  # the next table of this transaction stages under the same name
        return inserted

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
        tables = [w.table for w in prepared]
        with self._connect(write=True) as con, con.transaction():
            waited = self._lock_slice(con, tables, sl)
            plans = self._plan_and_apply(con, tables, {w.table.name: w.data.schema for w in prepared})
            prepared = [PreparedWrite(w.table, as_planned(w.data, p)) for w, p in zip(prepared, plans)]
            # The advisory locks are held: no other writer of these tables and companies can change what the
            # hook reads before our deletes.
            result = self._write_slice(con, prepared, plans, sl, hook, lambda q, p=(): self._read(con, q, p),
                                       started, waited)
        hook.at("committed")
        self._log_replaced(sl, run_id, result)
        return result

    def _delete_rows(self, con: psycopg.Connection, sql: str, params: Sequence[Any]) -> int:
        return self._run(con, sql, params).rowcount

    def _read(self, con: psycopg.Connection, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        cur = self._run(con, sql, list(params) if params else None)
        return pa.table({}) if cur.description is None else rows_to_arrow(cur.description, cur.fetchall())

    def _append(self, con: psycopg.Connection, schema: str, table_name: str, data: pa.Table) -> int:
        """Create/extend `<schema>.<table_name>` from the Arrow schema, then insert (same transaction).
        Audit tables are small (a row per slice write), so plain parameterized INSERTs are enough."""
        wanted = {f.name: sql_type_for(f.type) for f in data.schema}

        def missing() -> tuple[bool, list[str]]:
            have = self._columns_of(con, [table_name], schema)[table_name]
            return not have, [c for c in wanted if have and c not in have]

        create, add = missing()
        if create or add:  # DDL under the schema-change lock, re-checked once it is held
            self._run(con, "SELECT pg_advisory_xact_lock(?)", [lock_key(schema, "ddl")])
            create, add = missing()
            if create:
                self._run(con, create_schema_sql(schema))
                self._run(con, create_table_sql(schema, table_name, wanted, dialect="postgres"))
            for column in add:
                self._run(con, add_column_sql(schema, table_name, column, wanted[column], dialect="postgres"))
        if not data.num_rows:
            return 0
        names = data.column_names
        sql = (f"INSERT INTO {qualified(schema, table_name)} ({', '.join(quote_ident(c) for c in names)}) "
               f"VALUES ({', '.join(['%s'] * len(names))})")
        with con.cursor() as cur:
            cur.executemany(sql, [tuple(r[c] for c in names) for r in data.to_pylist()])
        return data.num_rows

    def append_rows(self, schema: str, table_name: str, data: pa.Table) -> int:
        quote_ident(schema), quote_ident(table_name)
        with self._connect(write=True) as con, con.transaction():
            return self._append(con, schema, table_name, data)

    def read_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        with self._connect(write=False) as con:
            try:
                cur = self._run(con, sql, params or None)
                if cur.description is None:
                    return pa.table({})
                return rows_to_arrow(cur.description, cur.fetchall())
            finally:
                con.rollback()

    def close(self) -> None:
        """Nothing to release: every call closes its own connection."""
