"""Flatten Sage 300 records (nested ComplexType collections) into one Arrow table per catalog table.

`Flattener(resource, company).add_records(records, source_url)` takes each page's records as they arrive;
`.to_arrow()` returns {table name: pa.Table} for EVERY table of the resource (empty tables keep their schema).

Rows are accumulated row-wise as tuples of raw values (one `map(record.get, fields)` per record) and
converted column-wise into Arrow every `chunk_rows` rows, so memory holds Arrow columns plus at most one chunk
of Python values per table. Columns, in order:

- `company_id`, then every declared column of `Table.column_types()` with its declared Arrow type. A child
  row's ancestor keys and the root's partition date come from the parent objects (never from the child's own
  copy); a child key Sage omitted falls back to the 1-based position within the parent.
- Fields Sage sent that the catalog does not declare, after the declared ones (first-seen order), with inferred
  types: bool → BOOLEAN, int/decimal → NUMBER (decimal(38,10), or exact text if it does not fit), strings →
  text (ISO dates stay text), nested lists/objects → JSON text. OData annotations (`@odata.etag`) and
  Sage's framework properties (`UpdateOperation`) are dropped.
- `_source_url` (the page URL, without credentials) and `_record_hash` (blake2b-128 hex over the row's
  non-null values in canonical text form, columns sorted by name: same data → same hash on every run).

Conversions never lose information: a fractional INT, a value with more decimals than its column's scale, a
number too large for its column or an unparseable date raises `SageDataError` naming table, column and value.
Dates are calendar dates: `2019-06-13T00:00:00Z` and `2019-06-13` both give 2019-06-13, never shifted.
"""

from __future__ import annotations

import decimal
import hashlib
import itertools
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sage_looker.sage300 import catalog
from sage_looker.sage300.catalog_model import FRAMEWORK_PROPERTIES, Collection, Resource, Table
from sage_looker.sage300.columns import COMPANY_COLUMN, ColumnType, snake
from sage_looker.sage300.convert import _describe, convert, infer_extra
from sage_looker.sage300.errors import SageDataError
from sage_looker.sage300.odata import company_code, strip_credentials

Decimal = decimal.Decimal
NoneType = type(None)
SOURCE_URL = "_source_url"
RECORD_HASH = "_record_hash"


@dataclass
class _Builder:
    """Accumulates one table's rows."""

    table: Table
    chunk_rows: int
    fields: list[str] = field(init=False)
    own: list[str] = field(init=False)
    known: set[str] = field(init=False)
    n_inherited: int = field(init=False)
    key_slots: list[int] = field(init=False)
    rows: list[tuple] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    chunks: list[list[pa.Array]] = field(default_factory=list)
    extras: dict[str, dict[int, Any]] = field(default_factory=dict)
    n: int = 0
    missing_keys: int = 0

    def __post_init__(self) -> None:
        t = self.table
        self.fields = list(t.fields)
        self.own = list(t.own_columns)
        self.n_inherited = len(t.inherited)
        kids = t.collection.children if t.collection else t.resource.children
        self.known = set(self.fields) | {c.field for c in kids}
        self.key_slots = [self.n_inherited + self.own.index(k) for k in t.own_keys]

    def add_many(self, recs: list, ctx: tuple, url: str, is_child: bool, want_keys: bool) -> list[tuple] | None:
        """Append rows for `recs` (all sharing the ancestor values `ctx`); return each row's own key values
        (after the positional fallback for children) when `want_keys`. A hot loop: locals only."""
        own = self.own
        rows = self.rows
        append = rows.append
        known = self.known
        extras = self.extras
        slots = self.key_slots
        pick = operator.itemgetter(*slots) if len(slots) > 1 else None
        single = slots[0] if len(slots) == 1 else None
        keys_out: list[tuple] | None = [] if want_keys else None
        n0 = self.n
        position = 0
        for position, rec in enumerate(recs, 1):
            if type(rec) is not dict and not isinstance(rec, Mapping):
                raise SageDataError(f"{self.table.name}: item {position} is not a JSON object ({url})")
            vals = ctx + tuple(map(rec.get, own))
            if slots:
                if single is not None:
                    keys = (vals[single],)
                else:
                    keys = pick(vals)
                if None in keys:
                    if is_child:
                        lv = list(vals)
                        for i in slots:
                            if lv[i] is None:
                                lv[i] = position
                        vals = tuple(lv)
                        keys = tuple(vals[i] for i in slots)
                    else:
                        self.missing_keys += 1
                if keys_out is not None:
                    keys_out.append(keys)
            elif keys_out is not None:
                keys_out.append(())
            extra = rec.keys() - known
            if extra:
                row = n0 + position - 1
                for k in extra:
                    store = extras.get(k)
                    if store is None:
                        self._register_extras(rec, extra)
                        store = extras.get(k)
                        if store is None:  # an OData annotation: now in `known`, never seen again
                            continue
                    store[row] = rec[k]
            append(vals)
        self.urls.extend(itertools.repeat(url, position))
        self.n = n0 + position
        if len(rows) >= self.chunk_rows:
            self.flush()
        return keys_out

    def _register_extras(self, rec: Mapping[str, Any], extra: set[str]) -> None:
        """New undeclared fields get their column in Sage's field order (first-seen order across records);
        OData annotations (`@odata.etag`) and Sage's framework properties are ignored from now on."""
        for k in rec:
            if k in extra and k not in self.extras:
                if k[:1] == "@" or k.startswith("odata.") or k in FRAMEWORK_PROPERTIES:
                    self.known.add(k)
                else:
                    self.extras[k] = {}

    def _naming_record(self, exc: SageDataError, f: str, values: tuple) -> SageDataError:
        """The conversion error, with the resource and the natural key of the first record that carries it."""
        ctype, where = self.table.fields[f], f"{self.table.name}.{snake(f)}"
        for row, v in zip(self.rows, values):
            try:
                convert([v], ctype, where)
            except SageDataError:
                key = ", ".join(f"{k}={row[self.fields.index(k)]!r}" for k in self.table.keys if k in self.fields)
                return SageDataError(f"Sage 300 {self.table.resource.path} record {key or '(no key)'}: {exc}")
        return exc

    def flush(self) -> None:
        if not self.rows:
            return
        cols = list(zip(*self.rows))
        arrays = []
        for f, values in zip(self.fields, cols):
            where = f"{self.table.name}.{snake(f)}"
            try:
                arrays.append(convert(values, self.table.fields[f], where))
            except SageDataError as exc:
                raise self._naming_record(exc, f, values) from None
        arrays.append(pa.array(self.urls, pa.string()))
        self.chunks.append(arrays)
        self.rows = []
        self.urls = []


class Flattener:
    """Flattens the records of one resource and company into its catalog tables."""

    def __init__(self, resource: Resource | str, company: str, *, chunk_rows: int = 16384) -> None:
        self.resource = catalog.resource(resource) if isinstance(resource, str) else resource
        self.company = company_code(company)
        self.builders = {t.name: _Builder(t, max(1, chunk_rows)) for t in self.resource.tables}
        self.extra_types: dict[str, dict[str, ColumnType]] = {}
        self.warnings: list[str] = []
        # Information for the run log, not a problem: e.g. fields Sage added that the catalog does not declare.
        self.notes: list[str] = []
        self._pd = self.resource.partition_date
        root = self.resource.root_table
        self._root = self.builders[root.name]
        self._plan = self._children_plan(self.resource.children)

    def _children_plan(self, collections: tuple[Collection, ...]) -> list[tuple[str, _Builder, list]]:
        return [(c.field, self.builders[c.table], self._children_plan(c.children)) for c in collections]

    @property
    def rows(self) -> dict[str, int]:
        return {name: b.n for name, b in self.builders.items()}

    def add_records(self, records: Iterable[Mapping[str, Any]], source_url: str) -> int:
        """Add root records (with their nested collections); returns how many root records were added."""
        url = strip_credentials(source_url)
        recs = records if isinstance(records, list) else list(records)
        plan = self._plan
        keys = self._root.add_many(recs, (), url, False, bool(plan))
        if plan and keys is not None:
            pd = self._pd
            for rec, k in zip(recs, keys):
                self._walk(rec, ((rec.get(pd),) if pd else ()) + k, plan, url)
        return len(recs)

    def _walk(self, parent: Mapping[str, Any], ctx: tuple, plan: list, url: str) -> None:
        for fld, builder, sub in plan:
            kids = parent.get(fld)
            if not kids:
                continue
            if type(kids) is not list:
                raise SageDataError(
                    f"{builder.table.name}: field {fld} should be a list of objects, got {_describe(kids)} ({url})"
                )
            keys = builder.add_many(kids, ctx, url, True, bool(sub))
            if sub and keys is not None:
                for kid, k in zip(kids, keys):
                    self._walk(kid, ctx + k, sub, url)

    def to_arrow(self) -> dict[str, pa.Table]:
        """One Arrow table per catalog table of the resource, root first, each with company_id first."""
        out: dict[str, pa.Table] = {}
        for name, b in self.builders.items():
            out[name] = self._table(b)
        return out

    def _table(self, b: _Builder) -> pa.Table:
        b.flush()
        t = b.table
        decl = t.column_types()
        names: list[str] = [COMPANY_COLUMN]
        arrays: list[pa.Array] = [pa.array([self.company] * b.n, pa.string())]
        for i, f in enumerate(b.fields):
            names.append(snake(f))
            ctype = t.fields[f]
            if b.chunks:
                arrays.append(pa.concat_arrays([c[i] for c in b.chunks]))
            else:
                arrays.append(pa.array([], ctype.arrow))
        extra_types: dict[str, ColumnType] = {}
        taken = set(decl) | {SOURCE_URL, RECORD_HASH}
        collisions = []
        for f, sparse in b.extras.items():
            if all(v is None for v in sparse.values()):
                continue  # a column only once the field carries a value: its type is then known, not guessed
            vals: list[Any] = [None] * b.n
            for row, v in sparse.items():
                vals[row] = v
            ctype = infer_extra(vals)
            col = snake(f)
            if col in taken:
                base, k = col + "_extra", 1
                col = base
                while col in taken:
                    k += 1
                    col = f"{base}_{k}"
                collisions.append(f"{f}→{col}")
            where = f"{t.name}.{col} (field {f} not in the catalog)"
            try:
                arr = convert(vals, ctype, where)
            except SageDataError:
                ctype = ColumnType.TEXT  # keep every digit as text rather than round
                arr = convert(vals, ctype, where)
                self.warnings.append(f"{where}: numbers too large or precise for DECIMAL(38,10) kept as text")
            taken.add(col)
            names.append(col)
            arrays.append(arr)
            extra_types[col] = ctype
        self.extra_types[t.name] = extra_types
        if extra_types:
            self.notes.append(
                f"{t.name}: {len(extra_types)} field(s) not in the catalog kept as extra columns: "
                + ", ".join(extra_types)
            )
        if collisions:
            self.warnings.append(f"{t.name}: extra fields renamed to avoid a column-name clash: {', '.join(collisions)}")
        if b.missing_keys:
            self.warnings.append(f"{t.name}: {b.missing_keys} record(s) without their key {', '.join(t.keys)}")
        if b.chunks:
            urls = pa.concat_arrays([c[-1] for c in b.chunks])
        else:
            urls = pa.array([], pa.string())
        hashes = record_hashes(names, arrays, b.n)
        names += [SOURCE_URL, RECORD_HASH]
        arrays += [urls, hashes]
        return pa.Table.from_arrays(arrays, names=names)


def record_hashes(names: list[str], arrays: list[pa.Array], n: int) -> pa.Array:
    """blake2b-128 hex per row of the canonical text `name␞value␟...` over non-null values, names sorted."""
    if n == 0:
        return pa.array([], pa.string())
    parts = []
    for name, arr in sorted(zip(names, arrays), key=lambda p: p[0]):
        if arr.null_count == len(arr):
            continue
        text = arr if pa.types.is_string(arr.type) else pc.cast(arr, pa.string())
        parts.append(pc.binary_join_element_wise(name + "\x1e", text, ""))
    joined = pc.binary_join_element_wise(*parts, "\x1f", null_handling="skip").cast(pa.binary())
    blake = hashlib.blake2b
    return pa.array([blake(b, digest_size=16).hexdigest() for b in joined.to_pylist()], pa.string())
