"""SQL text shared by every backend: DDL from the catalog, slice predicates, column plans, inserts.

Identifiers are always quoted; values are never interpolated — every function returns SQL with
placeholders (`param`, `?` for DuckDB, `%s` for psycopg) and the list of values to bind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

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
    """What a write needs before it can insert: create the table, add these columns, widen these (fields Sage
    added, not in the catalog), and send these incoming columns as exact text."""

    table_name: str
    create: dict[str, str] | None
    add: tuple[tuple[str, str], ...]
    alter: tuple[tuple[str, str], ...] = ()
    as_text: tuple[str, ...] = ()


WIDE_DECIMAL = "DECIMAL(38,10)"


def _numeric(sql_type: str) -> bool:
    return sql_type in ("BIGINT", "INTEGER", "SMALLINT") or sql_type.startswith("DECIMAL")


def _widen(name: str, have: str, field: pa.Field) -> tuple[str | None, bool]:
    """A field Sage added whose values changed type since its column was made: (new column type or None,
    whether the incoming values go in as text). Numbers widen to DECIMAL(38,10) when that holds both exactly;
    anything else becomes exact text (VARCHAR holds every value). Never a float."""
    incoming = sql_type_for(field.type)
    if have == "VARCHAR":
        return None, True
    if _numeric(have) and _numeric(incoming) and can_store(field.type, WIDE_DECIMAL):
        parts = have.startswith("DECIMAL") and have[8:-1].split(",")
        if not parts or (int(parts[1]) <= 10 and int(parts[0]) - int(parts[1]) <= 28):
            return WIDE_DECIMAL, False
    return "VARCHAR", incoming != "VARCHAR"


def plan_columns(table: Table, existing: Mapping[str, str], incoming: pa.Schema | None = None) -> ColumnPlan:
    """Compare the table as it exists (empty mapping when missing) with the catalog and the incoming data.

    Declared and incoming columns the table lacks are added. A catalog column keeps its declared type: when
    its existing type cannot hold the declared or incoming type exactly, SchemaConflictError. A column of a
    field the catalog does not declare (one Sage added) is widened instead, so a Sage upgrade whose new field
    first carried text and later numbers never stops the resource loading. Nothing is ever dropped."""
    create = None if existing else declared_columns(table)
    current = {c: canonical(t) for c, t in (existing or create).items()}
    lower = {c.lower(): c for c in current}
    declared = set(declared_schema(table).names)
    add: list[tuple[str, str]] = []
    alter: dict[str, str] = {}
    as_text: list[str] = []
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
            if name in declared:
                raise SchemaConflictError(
                    f"{table.name}.{name}: the table column is {have} and cannot hold {field.type} data without loss"
                )
            new_type, text = _widen(name, have, field)
            if new_type is not None:
                alter[name] = current[name] = new_type
            if text:
                as_text.append(name)
    return ColumnPlan(table.name, create, tuple(add), tuple(alter.items()), tuple(as_text))


def alter_column_sql(schema: str, table_name: str, column: str, sql_type: str, dialect: str = "duckdb") -> str:
    target = spelled(sql_type, dialect)
    using = f" USING {quote_ident(column)}::{target}" if dialect == "postgres" else ""
    return f"ALTER TABLE {qualified(schema, table_name)} ALTER COLUMN {quote_ident(column)} TYPE {target}{using}"


def as_planned(data: pa.Table, plan: ColumnPlan) -> pa.Table:
    """The incoming data with the plan's text columns cast to exact text (decimals in full, booleans true/false)."""
    for name in plan.as_text:
        i = data.column_names.index(name)
        data = data.set_column(i, name, pc.cast(data.column(name), pa.string()))
    return data
