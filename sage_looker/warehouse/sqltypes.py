"""Arrow ↔ SQL column types, shared by every backend.

Types are compared in one canonical spelling (`VARCHAR`, `BIGINT`, `DECIMAL(19,3)`, `DATE`, `BOOLEAN`,
`TIMESTAMPTZ`, `TIMESTAMP`, `DOUBLE`, …) so a backend only has to report its own names through
`canonical()`. A value goes into an existing column only when the column holds every value of the Arrow
type exactly: DECIMAL(19,3) data fits DECIMAL(38,10), never VARCHAR, DOUBLE or DECIMAL(19,2).
"""

from __future__ import annotations

import re

import pyarrow as pa

from sage_looker.warehouse.errors import UnsupportedTypeError

_DECIMAL = re.compile(r"^(?:DECIMAL|NUMERIC)\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$")
_SYNONYMS = {
    "TEXT": "VARCHAR",
    "STRING": "VARCHAR",
    "CHARACTER VARYING": "VARCHAR",
    "INT8": "BIGINT",
    "LONG": "BIGINT",
    "INT": "INTEGER",
    "INT4": "INTEGER",
    "INT2": "SMALLINT",
    "BOOL": "BOOLEAN",
    "FLOAT8": "DOUBLE",
    "DOUBLE PRECISION": "DOUBLE",
    "FLOAT4": "REAL",
    "FLOAT": "REAL",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
    "TIMESTAMP WITHOUT TIME ZONE": "TIMESTAMP",
    "NUMERIC": "DECIMAL",  # PostgreSQL's unconstrained numeric: any precision
}
# Bit width of the SQL integer types.
_INT_BITS = {"SMALLINT": 16, "INTEGER": 32, "BIGINT": 64, "HUGEINT": 128}


# Canonical names a backend spells differently in DDL (DuckDB reads every canonical name as it is).
_SPELLINGS = {"postgres": {"DOUBLE": "DOUBLE PRECISION", "HUGEINT": "NUMERIC(39,0)"}}


def spelled(sql_type: str, dialect: str = "duckdb") -> str:
    """A canonical type as `dialect` writes it in CREATE/ALTER TABLE: `DOUBLE` → PostgreSQL `DOUBLE PRECISION`."""
    return _SPELLINGS.get(dialect, {}).get(sql_type, sql_type)


def canonical(sql_type: str) -> str:
    """One spelling per type: `decimal(19, 3)` → `DECIMAL(19,3)`, `TIMESTAMP WITH TIME ZONE` → `TIMESTAMPTZ`."""
    t = " ".join(sql_type.strip().upper().split())
    m = _DECIMAL.match(t)
    if m:
        return f"DECIMAL({int(m.group(1))},{int(m.group(2))})"
    return _SYNONYMS.get(t, t)


def _decimal_parts(sql_type: str) -> tuple[int, int] | None:
    m = _DECIMAL.match(sql_type)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _base(arrow_type: pa.DataType) -> pa.DataType:
    return arrow_type.value_type if pa.types.is_dictionary(arrow_type) else arrow_type


def _int_digits(arrow_type: pa.DataType) -> int:
    """Decimal digits needed for every value of an Arrow integer type."""
    return {8: 3, 16: 5, 32: 10, 64: 20 if pa.types.is_unsigned_integer(arrow_type) else 19}[arrow_type.bit_width]


def sql_type_for(arrow_type: pa.DataType) -> str:
    """The SQL type a new column gets for Arrow data of this type (canonical spelling)."""
    t = _base(arrow_type)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "VARCHAR"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_signed_integer(t) or (pa.types.is_unsigned_integer(t) and t.bit_width <= 32):
        return "BIGINT"
    if pa.types.is_decimal(t) and t.precision <= 38:
        return f"DECIMAL({t.precision},{t.scale})"
    if pa.types.is_date(t):
        return "DATE"
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ" if t.tz else "TIMESTAMP"
    if pa.types.is_floating(t):
        return "DOUBLE"
    raise UnsupportedTypeError(f"no lossless SQL column type for Arrow type {arrow_type}")


def can_store(arrow_type: pa.DataType, sql_type: str) -> bool:
    """Whether a column of `sql_type` holds every value of `arrow_type` exactly."""
    t, col = _base(arrow_type), canonical(sql_type)
    if pa.types.is_null(t):
        return True
    if pa.types.is_decimal(t):
        if col == "DECIMAL":
            return True
        parts = _decimal_parts(col)
        return parts is not None and parts[1] >= t.scale and parts[0] - parts[1] >= t.precision - t.scale
    if pa.types.is_integer(t):
        if col in _INT_BITS:
            unsigned = pa.types.is_unsigned_integer(t)
            return _INT_BITS[col] > t.bit_width if unsigned else _INT_BITS[col] >= t.bit_width
        parts = _decimal_parts(col)
        return col == "DECIMAL" or (parts is not None and parts[0] - parts[1] >= _int_digits(t))
    if pa.types.is_floating(t):
        return col == "DOUBLE" or (col == "REAL" and t.bit_width <= 32)
    try:
        return sql_type_for(t) == col
    except UnsupportedTypeError:
        return False
