"""The shrink guard: a re-materialization must not silently delete POSTED records from the warehouse.

Sage's Clear History removes old posted batches; a later re-pull of that partition returns fewer rows, and a
plain slice replace would delete the posted history from the warehouse (and from every report built on it).
Before the deletes, inside the write transaction (see `SliceHook`), the keys the slice holds now are compared
with the keys being written:

- removed = rows in the existing slice whose natural key is absent from the new data (per table);
- posted = removed rows of a batch whose status field (`Resource.status_field`) equals `posted_value` in the
  warehouse; for child tables, removed rows whose root batch is posted in the warehouse.

Posted removals abort the write (`PostedRecordsWouldBeDeleted`: what would be lost, how to replay from the
archive, the flag that accepts it) unless deletions are accepted. Unposted removals (batches legitimately
deleted in Sage) go through and are recorded in the ledger. Resources without a status field (masters,
orders) have no notion of posted: their removals are recorded, never blocked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sage_looker.sage300.catalog_model import Table
from sage_looker.sage300.columns import COMPANY_COLUMN, snake
from sage_looker.warehouse.slices import Slice
from sage_looker.warehouse.sqlgen import qualified, quote_ident, slice_predicate

ACCEPT_ENV = "SAGE_LOOKER_ACCEPT_DELETIONS"
ACCEPT_TAG = "sage_looker/accept_deletions"
SAMPLE = 5


class PostedRecordsWouldBeDeleted(Exception):
    """The new read lacks posted records the warehouse holds; nothing was changed."""


@dataclass
class Removal:
    removed: int = 0
    posted: int = 0
    sample: list[str] = field(default_factory=list)  # keys of removed posted records (posted first)

    def as_json(self) -> dict[str, Any]:
        return {"removed": self.removed, "posted": self.posted, "sample": self.sample}


Read = Callable[[str, Sequence[Any]], pa.Table]


def _old_rows(read: Read, schema: str, table: Table, sl: Slice, columns: Sequence[str]) -> pa.Table:
    where, params = slice_predicate(table, sl)
    cols = ", ".join(quote_ident(c) for c in columns)
    return read(f"SELECT {cols} FROM {qualified(schema, table.name)} WHERE {where}", params)


def _aligned(old: pa.Table, new: pa.Table, keys: Sequence[str]) -> pa.Table:
    """Old key columns cast to the incoming types (BIGINT vs int64, VARCHAR vs string…), rows without a
    complete key dropped: a row that cannot be identified cannot be said to be missing."""
    cols = {k: old.column(k).cast(new.schema.field(k).type) for k in keys}
    extra = {c: old.column(c) for c in old.column_names if c not in cols}
    out = pa.table({**cols, **extra})
    mask = None
    for k in keys:
        valid = pc.is_valid(out.column(k))
        mask = valid if mask is None else pc.and_(mask, valid)
    return out.filter(mask) if mask is not None else out


def _describe(rows: pa.Table, keys: Sequence[str]) -> list[str]:
    shown = [k for k in keys if k != COMPANY_COLUMN] or list(keys)
    return [", ".join(f"{k}={r[k]}" for k in shown) for r in rows.select(shown).slice(0, SAMPLE).to_pylist()]


def removed_records(read: Read, schema: str, writes: Sequence[Any], company: str,
                    start: dt.date | None, end: dt.date | None) -> dict[str, Removal]:
    """{table: Removal} for every table of the write whose rows have a natural key."""
    sl = Slice.of([company], start, end)
    by_name = {w.table.name: w for w in writes}
    root = next((w.table for w in writes if w.table.parent is None), None)
    out: dict[str, Removal] = {}
    if root is None or not root.resource.keys:
        return out  # key-less resources (the company profile) cannot tell a removal from a change
    res = root.resource
    status = snake(res.status_field) if res.status_field else None
    root_keys = list(root.key_columns)
    posted_roots: pa.Table | None = None
    for name, w in by_name.items():
        table, keys = w.table, list(w.table.key_columns)
        wanted = keys + ([status] if status and table is root else [])
        old = _aligned(_old_rows(read, schema, table, sl, wanted), w.data, keys)
        if table is root and status:
            posted = pc.fill_null(pc.equal(old.column(status).cast(pa.string()), res.posted_value), False)
            posted_roots = old.filter(posted).select(root_keys)
        gone = old.select(keys).join(w.data.select(keys), keys=keys, join_type="left anti")
        if not gone.num_rows:
            out[name] = Removal()
            continue
        lost = (gone.join(posted_roots, keys=root_keys, join_type="left semi")
                if posted_roots is not None and posted_roots.num_rows else gone.slice(0, 0))
        out[name] = Removal(gone.num_rows, lost.num_rows, _describe(lost if lost.num_rows else gone, keys))
    return out


def refusal_message(removals: dict[str, Removal], *, asset: str, company: str, start: dt.date | None,
                    end: dt.date | None) -> str:
    lost = {t: r for t, r in removals.items() if r.posted}
    where = f"{company} {start}..{end}" if start is not None else company
    counts = ", ".join(f"{t}: {r.posted}" for t, r in lost.items())
    root = next(iter(lost))
    sample = "; ".join(lost[root].sample)
    span = f"--date {start}" + (f" --to {end}" if end != start else "")
    replay = (f"sage-looker replay --company {company} {span} --from-archive" if start is not None
              else "a masters run with the run tag sage_looker/source=archive")
    return (
        f"Refusing to replace {asset} for {where}: the new read from Sage lacks POSTED records the warehouse "
        f"holds ({counts}; e.g. {sample}). Sage's Clear History removes old posted batches, so the re-pull "
        f"returns fewer rows; writing it would delete posted financial history. Nothing was changed. "
        f"To restore the slice exactly as it was loaded, replay it from the raw page archive: `{replay}`. "
        f"To accept the deletions, re-run with {ACCEPT_ENV}=1 or the run tag {ACCEPT_TAG}=true"
        + (f" (`sage-looker replay --company {company} {span} --accept-deletions`)." if start is not None else ".")
    )
