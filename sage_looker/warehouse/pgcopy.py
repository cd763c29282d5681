"""Arrow → PostgreSQL binary COPY stream, built column-wise with pyarrow kernels (no per-row Python).

PostgreSQL's binary COPY format: a signature, then per row an int16 field count and per field an int32
byte length (-1 = NULL) followed by the value in network byte order; an int16 -1 ends the stream.
Each column is turned into Arrow binary arrays holding its encoded fields (text: the length prefixes
and the bytes, kept apart so the string data is copied once); `binary_join_element_wise` then glues the
parts of each row together in C++, and the joined buffer is sent as it is.

Fixed-width values (integers, floats, dates, timestamps) are byte-swapped with `array.byteswap` and
interleaved with their length prefix by strided bytearray assignment. Decimals travel as text — the exact
digits of Arrow's own decimal→string cast — into a text staging column that INSERT … SELECT casts to
NUMERIC(p,s): exact, and it spares us PostgreSQL's base-10000 numeric wire format.
"""

from __future__ import annotations

import array
import struct
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from sage_looker.warehouse.errors import UnsupportedTypeError
from sage_looker.warehouse.sqlgen import quote_ident

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)  # signature, flags, header extension length
TRAILER = struct.pack(">h", -1)
NULL_FIELD = pa.scalar(struct.pack(">i", -1), pa.binary())
_PG_EPOCH_DAYS = 10_957  # 2000-01-01, PostgreSQL's epoch, in days since 1970-01-01
_PG_EPOCH_US = _PG_EPOCH_DAYS * 86_400 * 1_000_000
ROWS_PER_CHUNK = 50_000  # keeps one chunk's buffers small (int32 offsets, modest memory)


def _big_endian(values: pa.Array, code: str, width: int) -> bytes:
    """The value buffer of a primitive array in network byte order (nulls carry whatever the buffer holds)."""
    start = values.offset * width
    buf = array.array(code)
    assert buf.itemsize == width, (code, buf.itemsize)
    buf.frombytes(memoryview(values.buffers()[1])[start : start + len(values) * width])
    if sys.byteorder == "little":
        buf.byteswap()
    return buf.tobytes()


def _records(payload: bytes, width: int, n: int, prefix: bool) -> pa.Array:
    """Fixed-size records [int32 length = width][value] (or bare values), as a variable binary array."""
    rec = width + 4 if prefix else width
    out = bytearray(n * rec)
    if prefix:
        out[3::rec] = bytes([width]) * n  # bytes 0-2 of the big-endian length are zero
    for k in range(width):
        out[rec - width + k :: rec] = payload[k::width]
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(rec), n, [None, pa.py_buffer(out)]).cast(pa.binary())


Encoder = Callable[[pa.Array], list[pa.Array]]


def _fixed(code: str, width: int, prepare: Callable[[pa.Array], pa.Array]) -> Encoder:
    def encode(values: pa.Array) -> list[pa.Array]:
        prepared = prepare(values)
        fields = _records(_big_endian(prepared, code, width), width, len(prepared), prefix=True)
        return [pc.if_else(values.is_valid(), fields, NULL_FIELD) if values.null_count else fields]

    return encode


def _text(values: pa.Array) -> list[pa.Array]:
    data = pc.cast(values, pa.binary())
    lengths = pc.binary_length(data)
    prefix = _records(_big_endian(pc.fill_null(lengths, 0), "i", 4), 4, len(data), prefix=False)
    if data.null_count:  # a NULL is the length -1 and no bytes
        return [pc.if_else(data.is_valid(), prefix, NULL_FIELD), pc.fill_null(data, b"")]
    return [prefix, data]


def _bool(values: pa.Array) -> list[pa.Array]:
    true, false = (pa.scalar(struct.pack(">ib", 1, v), pa.binary()) for v in (1, 0))
    return [pc.fill_null(pc.if_else(values, true, false), NULL_FIELD)]


def _shifted(to: pa.DataType, epoch: int) -> Callable[[pa.Array], pa.Array]:
    def prepare(values: pa.Array) -> pa.Array:
        return pc.subtract(pc.cast(values, to), pa.scalar(epoch, to))

    return prepare


@dataclass(frozen=True)
class StagedColumn:
    """One incoming column: its staging-table type, how INSERT … SELECT reads it, how to encode it."""

    name: str
    stage_type: str | None  # None: all-NULL column, not staged at all
    select: str
    encode: Encoder | None
    arrow: pa.DataType | None = None  # what the column is cast to before encoding


def stage_column(name: str, arrow_type: pa.DataType) -> StagedColumn:
    t = arrow_type.value_type if pa.types.is_dictionary(arrow_type) else arrow_type
    q = quote_ident(name)
    if pa.types.is_null(t):
        return StagedColumn(name, None, "NULL", None)
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return StagedColumn(name, "TEXT", q, _text, pa.large_string())
    if pa.types.is_decimal(t):
        return StagedColumn(name, "TEXT", f"CAST({q} AS NUMERIC({t.precision},{t.scale}))", _text, pa.large_string())
    if pa.types.is_boolean(t):
        return StagedColumn(name, "BOOLEAN", q, _bool, pa.bool_())
    if pa.types.is_signed_integer(t) or (pa.types.is_unsigned_integer(t) and t.bit_width <= 32):
        return StagedColumn(name, "BIGINT", q, _fixed("q", 8, lambda v: v), pa.int64())
    if pa.types.is_floating(t):
        return StagedColumn(name, "DOUBLE PRECISION", q, _fixed("d", 8, lambda v: v), pa.float64())
    if pa.types.is_date(t):
        return StagedColumn(name, "DATE", q, _fixed("i", 4, _shifted(pa.int32(), _PG_EPOCH_DAYS)), pa.date32())
    if pa.types.is_timestamp(t):
        stage = pa.timestamp("us", tz=t.tz)
        return StagedColumn(name, "TIMESTAMPTZ" if t.tz else "TIMESTAMP", q,
                            _fixed("q", 8, _shifted(pa.int64(), _PG_EPOCH_US)), stage)
    raise UnsupportedTypeError(f"{name}: no PostgreSQL staging type for Arrow type {arrow_type}")


def stage_columns(schema: pa.Schema) -> list[StagedColumn]:
    return [stage_column(f.name, f.type) for f in schema]


def copy_chunks(data: pa.Table, columns: list[StagedColumn], rows_per_chunk: int = ROWS_PER_CHUNK) -> Iterator[bytes]:
    """The binary COPY stream of the staged columns of `data`, in chunks (signature first, trailer last)."""
    staged = [c for c in columns if c.encode is not None]
    count = pa.scalar(struct.pack(">h", len(staged)), pa.binary())
    # The safe casts refuse lossy conversions (e.g. nanosecond timestamps); decimals cast to their exact text.
    table = pa.table({c.name: pc.cast(data.column(c.name), c.arrow) for c in staged}) if staged else None
    yield SIGNATURE
    if table is not None and table.num_rows:
        for batch in table.to_batches(max_chunksize=rows_per_chunk):
            parts = [part for i, c in enumerate(staged) for part in c.encode(batch.column(i))]
            rows = pc.binary_join_element_wise(count, *parts, b"")
            _, offsets, values = rows.buffers()
            lo, hi = struct.unpack_from("=i", offsets, rows.offset * 4)[0], struct.unpack_from(
                "=i", offsets, (rows.offset + len(rows)) * 4)[0]
            yield memoryview(values)[lo:hi]
    yield TRAILER
