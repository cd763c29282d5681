"""The load ledger: `sage300_audit.load_ledger`, one row per asset partition-slice write, in the same warehouse.

A successful row is written by `LedgerHook` inside the slice's `replace_slice` transaction, so the data and
its ledger row commit together or not at all. A failed attempt (Sage error, shrink guard, disk full) gets
its row in a small transaction of its own after the failed one rolled back. A process killed outright leaves
no row for that attempt (and no data: the transaction rolled back), and Dagster shows the run as failed.

Columns: who (run id, asset, company, Sage resource and filter, source sage|archive), what was read
(requests, pages, bytes, retries, passes), what was written (rows per table, rows replaced per table,
records that disappeared since the previous load — posted or not — with sample keys, and a checksum of the
rows written: sha256 over each table's sorted `_record_hash`es, recomputable from the warehouse with
`slice_checksum`), where the raw pages are (archive manifest, relative to the archive root), when, and the
outcome (status, error class, error message scrubbed of credentials). Never a password, URL userinfo or
archive root.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sage_looker.audit import AUDIT_SCHEMA
from sage_looker.audit.crash import crash_point
from sage_looker.audit.shrink import PostedRecordsWouldBeDeleted, Removal, refusal_message, removed_records
from sage_looker.sage300.catalog_model import Table
from sage_looker.warehouse.backend import SliceHook, SliceResult, Warehouse
from sage_looker.warehouse.slices import Slice
from sage_looker.warehouse.sqlgen import qualified, slice_predicate

LEDGER = "load_ledger"
TS = pa.timestamp("us", tz="UTC")
LEDGER_SCHEMA = pa.schema([
    ("load_id", pa.string()), ("run_id", pa.string()), ("asset", pa.string()), ("module", pa.string()),
    ("resource", pa.string()), ("company", pa.string()), ("window_start", pa.date32()),
    ("window_end", pa.date32()), ("odata_filter", pa.string()), ("source", pa.string()),
    ("requests", pa.int64()), ("pages", pa.int64()), ("bytes", pa.int64()), ("retries", pa.int64()),
    ("passes", pa.int64()), ("rows_json", pa.string()), ("replaced_json", pa.string()),
    ("removed_json", pa.string()), ("accepted_deletions", pa.bool_()), ("checksum", pa.string()),
    ("archive_manifest", pa.string()), ("started_at", TS), ("finished_at", TS), ("status", pa.string()),
    ("error_class", pa.string()), ("error_message", pa.string()),
    # records whose date changed in Sage: removed from their old date in this write [{company, key, from, to}]
    ("moved_json", pa.string()),
])
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@]+@")


@dataclass
class SliceInfo:
    """What the ledger needs to know about one slice read, filled by the asset, written by the IO manager."""

    run_id: str
    asset: str  # the asset's root table: ap_invoice_batches, ic_item_snapshots
    module: str
    resource: str  # the Sage path read: AP/APInvoiceBatches
    company: str
    start: dt.date | None = None
    end: dt.date | None = None
    source: str = "sage"  # or "archive"
    odata_filter: str | None = None
    requests: int = 0
    pages: int = 0
    bytes: int = 0
    retries: int = 0
    passes: int = 0
    manifest: str | None = None
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    accept_deletions: bool = False


def scrub(text: str) -> str:
    """Error text for the ledger: URL userinfo removed, then every registered secret (log redaction)."""
    text = _USERINFO.sub(r"\1***@", text)
    try:
        from sage_looker.security.redaction import scrub as redact
    except ImportError:  # pragma: no cover - the redaction module ships with the package
        return text
    return redact(text)


def rows_checksum(tables: Mapping[str, pa.Table]) -> str:
    """Order-independent fingerprint of the rows of a slice: sha256 over, per table (by name), its row count
    and its sorted `_record_hash`es. Lineage columns are not in `_record_hash`, so a replay of the same data
    gives the same checksum."""
    h = hashlib.sha256()
    for name in sorted(tables):
        t = tables[name]
        hashes = t.column("_record_hash") if "_record_hash" in t.column_names else pa.chunked_array([], pa.string())
        ordered = pc.take(hashes, pc.sort_indices(hashes)).to_pylist() if len(hashes) else []
        h.update(f"{name}\x1e{len(ordered)}\x1e".encode())
        h.update("\x1f".join(v or "" for v in ordered).encode())
    return "sha256:" + h.hexdigest()


def slice_checksum(wh: Warehouse, tables: Sequence[Table], company: str, start: dt.date | None,
                   end: dt.date | None) -> str:
    """`rows_checksum` of what the warehouse holds now for the slice (to verify a ledger row)."""
    sl = Slice.of([company], start, end)
    found = {}
    for t in tables:
        where, params = slice_predicate(t, sl)
        found[t.name] = wh.read_arrow(f'SELECT "_record_hash" FROM {qualified(wh.schema, t.name)} WHERE {where}',
                                      params)
    return rows_checksum(found)


def ledger_row(info: SliceInfo, *, status: str, rows: Mapping[str, int] | None = None,
               replaced: Mapping[str, int] | None = None, removed: Mapping[str, Removal] | None = None,
               checksum: str | None = None, error: BaseException | None = None,
               moves: Sequence[Any] = ()) -> pa.Table:
    row = {
        "load_id": uuid.uuid4().hex, "run_id": info.run_id, "asset": info.asset, "module": info.module,
        "resource": info.resource, "company": info.company, "window_start": info.start,
        "window_end": info.end, "odata_filter": info.odata_filter, "source": info.source,
        "requests": info.requests, "pages": info.pages, "bytes": info.bytes, "retries": info.retries,
        "passes": info.passes,
        "rows_json": json.dumps(dict(rows)) if rows is not None else None,
        "replaced_json": json.dumps(dict(replaced)) if replaced is not None else None,
        "removed_json": json.dumps({t: r.as_json() for t, r in removed.items() if r.removed})
        if removed is not None else None,
        "accepted_deletions": info.accept_deletions, "checksum": checksum, "archive_manifest": info.manifest,
        "started_at": info.started_at, "finished_at": dt.datetime.now(dt.timezone.utc), "status": status,
        "error_class": type(error).__name__ if error is not None else None,
        "error_message": scrub(str(error))[:2000] if error is not None else None,
        "moved_json": json.dumps([m.as_json() for m in moves], default=str) if moves else None,
    }
    return pa.Table.from_pylist([row], schema=LEDGER_SCHEMA)


class LedgerHook(SliceHook):
    """The audit's part in one slice write: shrink guard before the deletes, crash points, the ledger row."""

    def __init__(self, info: SliceInfo, tables: Mapping[str, pa.Table]) -> None:
        self.info = info
        self.checksum = rows_checksum(tables)
        self.removed: dict[str, Removal] = {}

    def before_write(self, read, writes, schema: str) -> None:
        i = self.info
        self.removed = removed_records(read, schema, writes, i.company, i.start, i.end)
        if any(r.posted for r in self.removed.values()) and not i.accept_deletions:
            raise PostedRecordsWouldBeDeleted(
                refusal_message(self.removed, asset=i.asset, company=i.company, start=i.start, end=i.end))

    def at(self, point: str) -> None:
        if point == f"written:{self.info.asset}":  # the root table: replaced; its children: not yet
            crash_point("mid_write", self.info.asset)
        elif point == "before_rows":
            crash_point("before_ledger", self.info.asset)
        elif point == "committed":
            crash_point("after_commit", self.info.asset)

    def rows(self, result: SliceResult) -> list[tuple[str, str, pa.Table]]:
        row = ledger_row(
            self.info, status="success", rows={t: w.inserted for t, w in result.tables.items()},
            replaced={t: w.deleted for t, w in result.tables.items()}, removed=self.removed,
            checksum=self.checksum, moves=result.moves)
        return [(AUDIT_SCHEMA, LEDGER, row)]


def record_failure(wh: Warehouse, info: SliceInfo, error: BaseException, status: str = "failed") -> None:
    """A failed (or skipped) attempt, in its own transaction (the data transaction already rolled back)."""
    wh.append_rows(AUDIT_SCHEMA, LEDGER, ledger_row(info, status=status, error=error))


def read_ledger(wh: Warehouse, where: str = "TRUE", params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Ledger rows matching `where` (`?` placeholders), oldest first; [] when there is no ledger yet."""
    sql = f"SELECT * FROM {qualified(AUDIT_SCHEMA, LEDGER)} WHERE {where} ORDER BY finished_at, load_id"
    try:
        return wh.read_arrow(sql, list(params)).to_pylist()
    except Exception as exc:  # no ledger yet: DuckDB CatalogException, psycopg UndefinedTable, no warehouse file
        text = str(exc).lower()
        if "does not exist" in text or "no duckdb warehouse" in text:
            return []
        raise
