"""Sage JSON values → typed Arrow arrays, exactly: decimals never pass through float and never round
silently, dates are calendar dates (never shifted by a time zone), integers must be integral."""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.compute as pc

from sage_looker.sage300.columns import ColumnType
from sage_looker.sage300.errors import SageDataError

Decimal = decimal.Decimal
NoneType = type(None)
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
        # Magnitude first: quantizing 1E+400 would overflow the context (a bare InvalidOperation).
        if abs(d) >= limit:
            return v, f"has more than {t.precision - t.scale} integer digits"
        try:
            exact = _WIDE.quantize(d, quantum) == d
        except decimal.InvalidOperation:
            exact = False
        if not exact:
            return v, f"has more than {t.scale} decimals; refusing to round it"
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
