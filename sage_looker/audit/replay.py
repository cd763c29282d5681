"""Replay from the archive: which archived read holds each partition, and the rows it gives back.

The authority for "which read is in the warehouse" is the ledger: for every date the latest successful load
of the asset and company whose window covers it (a re-pull the shrink guard refused is never chosen: it
failed). When the ledger has nothing for a date (a warehouse rebuilt from scratch), the archive's own
committed markers are used. A date neither knows about cannot be replayed: `NoArchivedLoad` names them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from sage_looker.audit.archive import ArchiveError, PageArchive, rebuild_tables
from sage_looker.audit.ledger import read_ledger
from sage_looker.sage300.catalog_model import Resource
from sage_looker.warehouse.backend import Warehouse

SOURCE_TAG = "sage_looker/source"  # "archive": rebuild from the raw page archive, zero Sage requests


class NoArchivedLoad(ArchiveError):
    """No committed archived read covers some requested partition."""


@dataclass
class ArchivedRead:
    manifest: str
    days: list[dt.date | None]  # the requested days this read serves (None: a master read)
    tables: dict[str, pa.Table]  # as the original read produced them (its whole window)
    pages: int
    bytes: int
    odata_filter: str | None


def _days(start: dt.date | None, end: dt.date | None) -> list[dt.date | None]:
    if start is None:
        return [None]
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _window_of(name: str) -> tuple[dt.date | None, dt.date | None]:
    window = name.split("/")[-2]
    if window == "all":
        return None, None
    a, _, b = window.partition("_")
    return dt.date.fromisoformat(a), dt.date.fromisoformat(b)


def find_manifests(wh: Warehouse | None, archive: PageArchive, asset: str, company: str,
                   days: Sequence[dt.date | None]) -> dict[dt.date | None, str]:
    """{day: manifest} for the requested days that some committed read covers (latest read wins)."""
    found: dict[dt.date | None, str] = {}
    dated = [d for d in days if d is not None]
    if wh is not None:
        if dated:
            rows = read_ledger(wh, "asset = ? AND company = ? AND status = 'success' AND archive_manifest IS NOT "
                               "NULL AND window_start <= ? AND window_end >= ?",
                               [asset, company, max(dated), min(dated)])
        else:
            rows = read_ledger(wh, "asset = ? AND company = ? AND status = 'success' AND archive_manifest IS NOT "
                               "NULL AND window_start IS NULL", [asset, company])
        for r in rows:  # oldest first: later loads overwrite
            for d in days:
                if d is None or r["window_start"] <= d <= r["window_end"]:
                    found[d] = r["archive_manifest"]
    missing = [d for d in days if d not in found]
    if missing:
        fallback: dict[dt.date | None, str] = {}
        for name in archive.committed_manifests(company, asset):  # oldest first
            s, e = _window_of(name)
            for d in missing:
                if (d is None and s is None) or (d is not None and s is not None and s <= d <= e):
                    fallback[d] = name
        found.update(fallback)
    return found


def archived_reads(wh: Warehouse | None, archive: PageArchive, asset: str, company: str,
                   start: dt.date | None, end: dt.date | None) -> list[ArchivedRead]:
    """The archived reads serving every day of [start, end] (masters: start=end=None), rebuilt; raises
    NoArchivedLoad naming the days none serves before rebuilding anything."""
    days = _days(start, end)
    found = find_manifests(wh, archive, asset, company, days)
    missing = [d for d in days if d not in found]
    if missing:
        shown = ", ".join(str(d) for d in missing[:10]) + ("…" if len(missing) > 10 else "")
        what = f"{company} {shown}" if missing != [None] else company
        raise NoArchivedLoad(
            f"No archived load of {asset} covers {what}: the archive keeps the pages of loads made since the "
            "audit trail was enabled, and none of those (that was committed) includes these partitions.")
    reads: dict[str, ArchivedRead] = {}
    for d in days:
        name = found[d]
        if name not in reads:
            doc = archive.manifest(name)
            accepted = [p for p in doc["pages"] if p["pass"] == doc.get("accepted_pass")]
            reads[name] = ArchivedRead(name, [], rebuild_tables(archive, name, doc), len(accepted),
                                       sum(p["bytes"] for p in accepted), doc.get("odata_filter"))
        reads[name].days.append(d)
    return list(reads.values())


def runs_of(days: list[dt.date | None]) -> list[tuple[dt.date | None, dt.date | None]]:
    """Consecutive runs of days: [(start, end)] ([(None, None)] for a master read)."""
    if days == [None]:
        return [(None, None)]
    out: list[tuple[dt.date, dt.date]] = []
    for d in sorted(days):
        if out and out[-1][1] + dt.timedelta(days=1) == d:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def window_rows(resource: Resource, tables: dict[str, pa.Table], start: dt.date | None,
                end: dt.date | None) -> dict[str, pa.Table]:
    """The rows of each table whose partition date is in [start, end] (all rows for masters)."""
    if start is None:
        return dict(tables)
    out = {}
    for t in resource.tables:
        data = tables[t.name]
        col = data.column(t.partition_column)
        mask = pc.and_(pc.greater_equal(col, pa.scalar(start, pa.date32())),
                       pc.less_equal(col, pa.scalar(end, pa.date32())))
        out[t.name] = data.filter(pc.fill_null(mask, False))
    return out
