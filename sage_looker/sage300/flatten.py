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
  text (ISO dates stay text), nested lists/objects → JSON text. OData annotations (`@odata.etag`) are dropped.
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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.compute as pc

from sage_looker.sage300 import catalog
from sage_looker.sage300.catalog_model import Collection, Resource, Table
from sage_looker.sage300.columns import COMPANY_COLUMN, ColumnType, snake
from sage_looker.sage300.errors import SageDataError
from sage_looker.sage300.odata import company_code, strip_credentials

Decimal = decimal.Decimal
NoneType = type(None)
SOURCE_URL = "_source_url"
RECORD_HASH = "_record_hash"
_JSON = msgspec.json.Encoder(decimal_format="number")
_WIDE = decimal.Context(prec=80)
_DATE_SHAPE = r"^\d{4}-\d{2}-\d{2}(?:[T ]|$)"
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _describe(v: Any) -> str:
    s = repr(v) if not isinstance(v, Decimal) else str(v)
    return s if len(s) <= 80 else s[:77] + "..."


def _json_text(v: Any) -> str:
    return _JSON.encode(v).decode()


def _text(v: Any) -> str | None:
    if v is None or type(v) is str:
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, (dict, list)):
        return _json_text(v)
    return str(v)


def _decimal_offender(vals: Sequence[Any], t: pa.Decimal128Type) -> tuple[Any, str] | None:
    quantum = Decimal(1).scaleb(-t.scale)
    limit = Decimal(10) ** (t.precision - t.scale)
    for v in vals:
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
            return v, "is not a number"
        d = Decimal(v)
        if not d.is_finite():
            return v, "is not a finite number"
        if _WIDE.quantize(d, quantum) != d:
            return v, f"has more than {t.scale} decimals; refusing to round it"
        if abs(d) >= limit:
            return v, f"has more than {t.precision - t.scale} integer digits"
    return None


def _decimals(vals: Sequence[Any], t: pa.Decimal128Type, where: str) -> pa.Array:
    if set(map(type, vals)) <= {Decimal, int, NoneType}:
        try:
            arr = pa.array(vals, t)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            arr = None
        # pyarrow rescales silently when no digit is lost; check it did not drop one (it raises, but be sure).
        if arr is not None:
            return arr
    else:
        fixed = []
        for v in vals:
            if type(v) is str:
                try:
                    v = Decimal(v.strip())
                except decimal.InvalidOperation:
                    raise SageDataError(f"{where}: value {_describe(v)} is not a number") from None
            fixed.append(v)
        vals = fixed
    bad = _decimal_offender(vals, t)
    if bad is None:
        try:
            return pa.array(vals, t)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
            raise SageDataError(f"{where}: cannot store as DECIMAL({t.precision},{t.scale}): {exc}") from None
    v, why = bad
    raise SageDataError(
        f"{where}: value {_describe(v)} {why} (column type DECIMAL({t.precision},{t.scale})). Widen the column "
        "type in sage_looker/sage300/catalog.py if Sage really stores such values."
    )


def _ints(vals: Sequence[Any], where: str) -> pa.Array:
    if set(map(type, vals)) <= {int, NoneType}:
        try:
            return pa.array(vals, pa.int64())
        except OverflowError:
            pass
    out = []
    for v in vals:
        if v is None:
            out.append(None)
            continue
        if isinstance(v, bool):
            raise SageDataError(f"{where}: value {v!r} is a boolean, not an integer")
        if isinstance(v, int):
            n = v
        elif isinstance(v, Decimal):
            if not v.is_finite() or v != v.to_integral_value():
                raise SageDataError(f"{where}: value {_describe(v)} is not a whole number (column type INT)")
            n = int(v)
        elif isinstance(v, str) and v.strip().lstrip("-").isdigit():
            n = int(v.strip())
        else:
            raise SageDataError(f"{where}: value {_describe(v)} is not a whole number (column type INT)")
        if not -(2**63) <= n < 2**63:
            raise SageDataError(f"{where}: value {n} does not fit a 64-bit integer")
        out.append(n)
    return pa.array(out, pa.int64())


def _dates(vals: Sequence[Any], where: str) -> pa.Array:
    if set(map(type, vals)) <= {str, NoneType}:
        arr = pa.array(vals, pa.string())
        shaped = pc.all(pc.match_substring_regex(arr, _DATE_SHAPE)).as_py()
        if shaped is not False:
            try:
                # cast validates the calendar (strptime would roll 2024-02-30 over to March 1st)
                return pc.utf8_slice_codeunits(arr, 0, 10).cast(pa.date32())
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                pass
    import datetime as dt

    out = []
    for v in vals:
        if v is None:
            out.append(None)
        elif isinstance(v, dt.datetime):
            out.append(v.date())
        elif isinstance(v, dt.date):
            out.append(v)
        else:
            try:
                if not isinstance(v, str) or len(v) < 10 or (len(v) > 10 and v[10] not in "T "):
                    raise ValueError
                out.append(dt.date.fromisoformat(v[:10]))
            except ValueError:
                raise SageDataError(f"{where}: value {_describe(v)} is not an ISO date (YYYY-MM-DD...)") from None
    return pa.array(out, pa.date32())


def _bools(vals: Sequence[Any], where: str) -> pa.Array:
    if set(map(type, vals)) <= {bool, NoneType}:
        return pa.array(vals, pa.bool_())
    out = []
    for v in vals:
        if v is None or isinstance(v, bool):
            out.append(v)
        elif isinstance(v, str) and v.strip().lower() in _TRUE | _FALSE:
            out.append(v.strip().lower() in _TRUE)
        elif isinstance(v, (int, Decimal)) and v in (0, 1):
            out.append(bool(v))
        else:
            raise SageDataError(f"{where}: value {_describe(v)} is not a boolean")
    return pa.array(out, pa.bool_())


def _texts(vals: Sequence[Any]) -> pa.Array:
    if set(map(type, vals)) <= {str, NoneType}:
        return pa.array(vals, pa.string())
    return pa.array([_text(v) for v in vals], pa.string())


def convert(vals: Sequence[Any], ctype: ColumnType, where: str) -> pa.Array:
    """Python values of one column → Arrow array of the column's declared type (exact, or SageDataError)."""
    if ctype is ColumnType.TEXT:
        return _texts(vals)
    if ctype is ColumnType.JSON:
        # Sage sends most optional-field collections empty: skip the encoder for them.
        return pa.array([None if v is None else "[]" if v == [] else _json_text(v) for v in vals], pa.string())
    if ctype.is_decimal:
        return _decimals(vals, ctype.arrow, where)
    if ctype is ColumnType.INT:
        return _ints(vals, where)
    if ctype is ColumnType.DATE:
        return _dates(vals, where)
    if ctype is ColumnType.BOOL:
        return _bools(vals, where)
    raise AssertionError(ctype)


def infer_extra(vals: Sequence[Any]) -> ColumnType:
    """Type of a field the catalog does not declare, from the values Sage sent."""
    kinds = {type(v) for v in vals} - {NoneType}
    if not kinds:
        return ColumnType.TEXT
    if kinds == {bool}:
        return ColumnType.BOOL
    if kinds <= {int, Decimal}:
        return ColumnType.NUMBER
    if kinds & {dict, list}:
        return ColumnType.JSON
    return ColumnType.TEXT


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
        OData annotations (`@odata.etag`) are ignored from now on."""
        for k in rec:
            if k in extra and k not in self.extras:
                if k[:1] == "@" or k.startswith("odata."):
                    self.known.add(k)
                else:
                    self.extras[k] = {}

    def flush(self) -> None:
        if not self.rows:
            return
        cols = list(zip(*self.rows))
        arrays = []
        for f, values in zip(self.fields, cols):
            where = f"{self.table.name}.{snake(f)}"
            arrays.append(convert(values, self.table.fields[f], where))
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
            self.warnings.append(
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
