"""What a read returns (tables, stats, pages) and how records are keyed for de-duplication and overlap checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.compute as pc

from sage_looker.sage300 import odata
from sage_looker.sage300.catalog_model import Resource
from sage_looker.sage300.columns import snake
from sage_looker.sage300.errors import SageBadResponse

_HASH_ENCODER = msgspec.json.Encoder(decimal_format="number", order="sorted")


@dataclass
class ReadStats:
    """What one read cost and found."""

    resource: str = ""
    company: str = ""
    requests: int = 0
    pages: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    seconds: float = 0.0
    odata_filter: str | None = None
    budget_used: int = 0
    budget_left: int = 0
    retries: int = 0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # information for the run log (INFO), not problems
    passes: int = 0
    count: int | None = None
    shifts: int = 0


@dataclass
class ReadResult:
    tables: dict[str, pa.Table]
    stats: ReadStats


@dataclass
class Page:
    """One response of a paged read. `records` holds only records not seen before in this pass.

    A page with `restarted=True` starts a new pass: discard everything taken from earlier pages."""

    url: str
    index: int
    pass_number: int
    records: list[dict[str, Any]]
    received: int
    count: int | None
    body: bytes
    restarted: bool = False


def _key_function(res: Resource) -> Callable[[dict[str, Any]], Any]:
    """Natural key of a root record: the catalog keys, or a hash of the whole record for key-less resources.
    A record missing its key gets a unique placeholder (never merged with another)."""
    keys = res.keys
    unique = itertools.count()
    if not keys:
        def record_key(rec: dict[str, Any]) -> Any:
            return hashlib.blake2b(_HASH_ENCODER.encode(rec), digest_size=16).digest()
        return record_key
    if len(keys) == 1:
        k = keys[0]

        def one(rec: dict[str, Any]) -> Any:
            v = rec.get(k)
            return v if v is not None else ("<no key>", next(unique))
        return one

    def many(rec: dict[str, Any]) -> Any:
        t = tuple(map(rec.get, keys))
        return t if None not in t else ("<no key>", next(unique))
    return many


def _describe_shift(tail: list[Any], keys: list[Any], overlap: int) -> str:
    """How the page moved against the previous tail: for the warning and the SageDataChanged message."""
    if not keys:
        return "rows were deleted (the page came back empty)"
    if tail and tail[-1] in keys:
        shift = keys.index(tail[-1]) - (overlap - 1)
        if shift > 0:
            return f"{shift} row(s) were inserted"
        if shift < 0:
            return f"{-shift} row(s) were deleted"
        return "rows were replaced"
    return f"rows moved by more than {overlap} positions (inserts/deletes)"


def check_window(res: Resource, root: pa.Table, start: Any, end: Any) -> None:
    """Refuse rows outside the requested window: a server that ignored `$filter` must not fill wrong partitions."""
    col = root.column(snake(res.partition_date or ""))
    lo, hi = odata.as_date(start) if start else dt.date.min, odata.as_date(end) if end else dt.date.max
    outside = pc.sum(pc.invert(pc.and_(pc.greater_equal(col, pa.scalar(lo, pa.date32())),
                                       pc.less_equal(col, pa.scalar(hi, pa.date32()))))).as_py() or 0
    if outside:
        raise SageBadResponse(
            f"Sage 300 returned {outside} {res.path} record(s) whose {res.partition_date} is outside the requested "
            f"window {lo}..{hi}: the server ignored the $filter; refusing to load them into the wrong partitions.",
            kind="unexpected JSON",
        )
