"""Records that move between date partitions: a natural key is unique per company across ALL partitions.

Sage lets a user change an open batch's (or a document's) date after it was loaded. A slice write replaces
only the dates it covers, so the old copy would stay under its old date and every mart would count the
record twice. Inside the slice's own transaction, before the slice is replaced, `find_moves` looks up the
incoming root keys under OTHER dates of the same company, and `delete_moved` removes those old copies from
the root table and from every child table of the write (child rows carry the root key columns). The moves
(key, from date, to date) go to the load ledger with the write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from sage_looker.sage300.catalog_model import Table
from sage_looker.sage300.columns import COMPANY_COLUMN
from sage_looker.warehouse.slices import Slice
from sage_looker.warehouse.sqlgen import qualified, quote_ident
from sage_looker.warehouse.sqltypes import sql_type_for

_CHUNK = 200  # keys per DELETE of moved records (rare): far below any backend's parameter limit
_KEYS_PER_QUERY = 50_000  # keys per lookup, passed as arrays (one parameter per key column)


@dataclass(frozen=True)
class Move:
    """One record found under another date than the one Sage now gives it."""

    company: str
    key: tuple[Any, ...]  # the root table's key values (after company_id), in key_columns order
    from_date: dt.date
    to_date: dt.date
    key_names: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"company": self.company, "key": dict(zip(self.key_names, self.key)),
                "from": self.from_date.isoformat(), "to": self.to_date.isoformat()}


def key_predicate(names: Sequence[str], keys: Sequence[tuple]) -> tuple[str, list]:
    if len(names) == 1:
        return f"{quote_ident(names[0])} IN ({', '.join('?' for _ in keys)})", [k[0] for k in keys]
    one = "(" + " AND ".join(f"{quote_ident(n)} = ?" for n in names) + ")"
    return "(" + " OR ".join([one] * len(keys)) + ")", [v for k in keys for v in k]


def _outside(column: str) -> str:
    return f"NOT ({quote_ident(column)} BETWEEN CAST(? AS DATE) AND CAST(? AS DATE))"


def root_of(tables: Sequence[Table]) -> Table | None:
    """The resource's root table when the write holds it and the resource is date-partitioned."""
    root = next((t for t in tables if t.parent is None), None)
    return root if root is not None and root.partition_column else None


def find_moves(read: Callable[[str, Sequence[Any]], pa.Table], schema: str, root: Table, data: pa.Table,
               sl: Slice) -> list[Move]:
    """Incoming root records whose key exists in the warehouse under a date outside the slice.

    The incoming keys go to the database as one typed array per key column, unnested and joined: a year of
    keys is one short query. (An `OR` of `(a = ? AND b = ?)` per key, 200 keys per query, cost ~60 ms of SQL
    parsing per query on duckdb 2.0: 16 of a year's 29-second sync, benchmarks/results/SUMMARY.md.)"""
    if not sl.dated or data.num_rows == 0:
        return []
    names = list(root.key_columns[1:])
    part = root.partition_column
    cols = data.select([COMPANY_COLUMN, *names, part]).to_pylist()
    new_date: dict[tuple, dt.date] = {}
    by_company: dict[str, dict[tuple, None]] = {}
    for r in cols:
        key = tuple(r[n] for n in names)
        if None in key:
            continue
        new_date[(r[COMPANY_COLUMN], key)] = r[part]
        by_company.setdefault(r[COMPANY_COLUMN], {})[key] = None  # each key once: the join must not repeat it
    moves: list[Move] = []
    # Array element types from the incoming data (the warehouse column may be wider; the join compares values).
    types = [sql_type_for(data.schema.field(n).type) for n in names]
    keys_sql = ", ".join(f"unnest(CAST(? AS {t}[])) AS k{i}" for i, t in enumerate(types))
    on = " AND ".join(f"t.{quote_ident(n)} = k.k{i}" for i, n in enumerate(names))
    select = ", ".join(f"t.{quote_ident(c)}" for c in [*names, part])
    sql = (f"SELECT {select} FROM {qualified(schema, root.name)} t JOIN (SELECT {keys_sql}) k ON {on} "
           f"WHERE t.{quote_ident(COMPANY_COLUMN)} = ? AND NOT (t.{quote_ident(part)} BETWEEN CAST(? AS DATE) "
           "AND CAST(? AS DATE))")
    for company, unique in by_company.items():
        keys = list(unique)
        for i in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[i:i + _KEYS_PER_QUERY]
            arrays = [[k[j] for k in chunk] for j in range(len(names))]
            for r in read(sql, [*arrays, company, sl.start, sl.end]).to_pylist():
                key = tuple(r[n] for n in names)
                moves.append(Move(company, key, r[part], new_date[(company, key)], tuple(names)))
    return moves


def delete_moved(delete: Callable[[str, Sequence[Any]], int], schema: str, tables: Sequence[Table],
                 root: Table, moves: Sequence[Move], sl: Slice) -> dict[str, int]:
    """Delete the old copies (root and child rows) of the moved records; rows deleted per table."""
    names = list(root.key_columns[1:])
    out: dict[str, int] = {}
    by_company: dict[str, list[tuple]] = {}
    for m in moves:
        by_company.setdefault(m.company, []).append(m.key)
    for t in tables:
        if t.partition_column is None or not all(n in t.key_columns for n in names):
            continue
        n = 0
        for company, keys in by_company.items():
            for i in range(0, len(keys), _CHUNK):
                where, params = key_predicate(names, keys[i:i + _CHUNK])
                sql = (f"DELETE FROM {qualified(schema, t.name)} WHERE {quote_ident(COMPANY_COLUMN)} = ? "
                       f"AND {_outside(t.partition_column)} AND {where}")
                n += delete(sql, [company, sl.start, sl.end, *params])
        out[t.name] = n
    return out
