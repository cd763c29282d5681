"""PostgreSQL query results → Arrow, typed from the result's column types (not guessed from the values).

Money must come back as the same decimal128(p,s) DuckDB returns and dates as date32, so callers and the
shared test suite see one warehouse whatever the backend. NUMERIC without a declared precision (sum(),
arithmetic) is sized from its values; a type with no Arrow counterpart comes back as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

# Type OIDs of the built-in types (pg_type.oid, stable across PostgreSQL versions). Domains arrive as
# their base type: the server reports the base type in the row description.
_BY_OID: dict[int, pa.DataType] = {
    16: pa.bool_(), 17: pa.binary(), 18: pa.string(), 19: pa.string(), 20: pa.int64(), 21: pa.int16(),
    23: pa.int32(), 25: pa.string(), 26: pa.int64(), 700: pa.float32(), 701: pa.float64(),
    1042: pa.string(), 1043: pa.string(), 1082: pa.date32(), 1083: pa.time64("us"),
    1114: pa.timestamp("us"), 1184: pa.timestamp("us", tz="UTC"),
}
_NUMERIC = 1700


def _numeric_type(precision: int | None, scale: int | None) -> pa.DataType | None:
    if precision is None or scale is None:
        return None  # unconstrained NUMERIC: let pyarrow size it from the values
    return pa.decimal128(precision, scale) if precision <= 38 else pa.decimal256(min(precision, 76), scale)


def _as_text(values: Sequence[Any]) -> pa.Array:
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def _column(values: Sequence[Any], oid: int, precision: int | None, scale: int | None) -> pa.Array:
    arrow_type = _numeric_type(precision, scale) if oid == _NUMERIC else _BY_OID.get(oid)
    if arrow_type is not None:
        if pa.types.is_timestamp(arrow_type) and arrow_type.tz is None:
            values = [v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in values]
        return pa.array(values, arrow_type)
    try:  # unconstrained numeric, json, uuid, arrays, …: what pyarrow infers, else the text form
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        return _as_text(values)


def rows_to_arrow(description: Sequence[Any], rows: Sequence[Sequence[Any]]) -> pa.Table:
    """Arrow table from a psycopg cursor's `description` and fetched rows."""
    columns = list(zip(*rows)) if rows else [()] * len(description)
    arrays = [_column(list(values), d.type_code, d.precision, d.scale) for values, d in zip(columns, description)]
    return pa.Table.from_arrays(arrays, names=[d.name for d in description])
