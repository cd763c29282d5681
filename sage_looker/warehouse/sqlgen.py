"""SQL text shared by every backend: DDL from the catalog, slice predicates, column plans, inserts.

Identifiers are always quoted; values are never interpolated — every function returns SQL with
placeholders (`param`, `?` for DuckDB, `%s` for psycopg) and the list of values to bind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa

from sage_looker.sage300.catalog_model import Table
from sage_looker.sage300.columns import COMPANY_COLUMN, LINEAGE_COLUMNS
from sage_looker.warehouse.errors import SchemaConflictError, WarehouseError
from sage_looker.warehouse.slices import Slice
from sage_looker.warehouse.sqltypes import can_store, canonical, spelled, sql_type_for

SCHEMA = "sage300"
MAX_IDENTIFIER = 63  # PostgreSQL's limit; DuckDB has none, the stricter one keeps both backends open


def quote_ident(name: str) -> str:
    if not isinstance(name, str) or not name or "\x00" in name or len(name.encode()) > MAX_IDENTIFIER:
        raise WarehouseError(f"invalid SQL identifier {name!r}")
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, table_name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(table_name)}"


def declared_schema(table: Table) -> pa.Schema:
    """Arrow schema of a catalog table as stored: company_id, declared columns in order, lineage."""
    fields = [pa.field(name, t.arrow) for name, t in table.column_types().items()]
    return pa.schema(fields + [pa.field(name, t) for name, t in LINEAGE_COLUMNS.items()])


def declared_columns(table: Table) -> dict[str, str]:
    """Column → canonical SQL type of a catalog table (the CREATE TABLE of an empty first partition)."""
    return {f.name: sql_type_for(f.type) for f in declared_schema(table)}


def create_schema_sql(schema: str) -> str:
    return f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}"


def create_table_sql(schema: str, table_name: str, columns: Mapping[str, str], dialect: str = "duckdb") -> str:
    body = ", ".join(f"{quote_ident(c)} {spelled(t, dialect)}" for c, t in columns.items())
    return f"CREATE TABLE IF NOT EXISTS {qualified(schema, table_name)} ({body})"


def add_column_sql(schema: str, table_name: str, column: str, sql_type: str, dialect: str = "duckdb") -> str:
    return f"ALTER TABLE {qualified(schema, table_name)} ADD COLUMN {quote_ident(column)} {spelled(sql_type, dialect)}"


def columns_sql(param: str = "?") -> str:
    """Columns of one table, in order; bind (schema, table name)."""
    return (
        "SELECT column_name, data_type FROM information_schema.columns "
        f"WHERE table_schema = {param} AND table_name = {param} ORDER BY ordinal_position"
    )


def slice_predicate(table: Table, sl: Slice, param: str = "?") -> tuple[str, list]:
    """`company_id IN (…) [AND partition BETWEEN CAST(… AS DATE) AND CAST(… AS DATE)]` and its values."""
    sl.check_table(table)
    marks = ", ".join([param] * len(sl.companies))
    sql, params = f"{quote_ident(COMPANY_COLUMN)} IN ({marks})", list(sl.companies)
    if sl.dated and table.partition_column:
        sql += f" AND {quote_ident(table.partition_column)} BETWEEN CAST({param} AS DATE) AND CAST({param} AS DATE)"
        params += [sl.start, sl.end]
    return sql, params


def delete_slice_sql(schema: str, table: Table, sl: Slice, param: str = "?") -> tuple[str, list]:
    where, params = slice_predicate(table, sl, param)
    return f"DELETE FROM {qualified(schema, table.name)} WHERE {where}", params


def insert_by_name_sql(
    schema: str, table_name: str, columns: list[str], source: str, exprs: Mapping[str, str] | None = None
) -> str:
    """Insert the named columns of `source` (a quoted relation) by name; absent table columns get NULL.
    `exprs` replaces the plain column reference for some columns (e.g. a CAST out of a staging type)."""
    cols = ", ".join(quote_ident(c) for c in columns)
    select = ", ".join((exprs or {}).get(c) or quote_ident(c) for c in columns)
    return f"INSERT INTO {qualified(schema, table_name)} ({cols}) SELECT {select} FROM {source}"


# Quoted text and comments are copied untouched: a `?` or `%` inside them is not a placeholder.
_QMARK_TOKENS = re.compile(
    r"""(?P<skip>'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|(?P<dollar>\$(?:[A-Za-z_]\w*)?\$).*?(?P=dollar))"""
    r"|(?P<qmark>\?)|(?P<percent>%)",
    re.S,
)


def qmark_to_pyformat(sql: str) -> str:
    """SQL with `?` placeholders (the portable style every backend accepts) → psycopg's `%s` style.

    Every literal `%` is doubled (psycopg reads `%%` back as `%` everywhere, quotes included);
    `?` inside quotes, dollar quotes and comments stays. Backslash escapes (E'…\\'…') are not parsed.
    """

    def repl(m: re.Match[str]) -> str:
        if m.group("skip") is not None:
            return m.group("skip").replace("%", "%%")
        return "%s" if m.group("qmark") else "%%"

    return _QMARK_TOKENS.sub(repl, sql)


@dataclass(frozen=True)
class ColumnPlan:
    """What a write needs before it can insert: create the table, add these columns."""

    table_name: str
    create: dict[str, str] | None
    add: tuple[tuple[str, str], ...]


def plan_columns(table: Table, existing: Mapping[str, str], incoming: pa.Schema | None = None) -> ColumnPlan:
    """Compare the table as it exists (empty mapping when missing) with the catalog and the incoming data.

    Declared and incoming columns the table lacks are added; a column whose existing type cannot hold
    the declared or incoming type exactly raises SchemaConflictError. Nothing is ever dropped or cast.
    """
    create = None if existing else declared_columns(table)
    current = {c: canonical(t) for c, t in (existing or create).items()}
    lower = {c.lower(): c for c in current}
    add: list[tuple[str, str]] = []
    for field in [*declared_schema(table), *(incoming or [])]:
        name, have = field.name, current.get(field.name)
        quote_ident(name)
        if have is None and name.lower() in lower:
            raise SchemaConflictError(
                f"{table.name}: column {name!r} differs only in letter case from existing {lower[name.lower()]!r}"
            )
        if have is None:
            have = current[name] = sql_type_for(field.type)
            lower[name.lower()] = name
            add.append((name, have))
        elif not can_store(field.type, have):
            raise SchemaConflictError(
                f"{table.name}.{name}: the table column is {have} and cannot hold {field.type} data without loss"
            )
    return ColumnPlan(table.name, create, tuple(add))
