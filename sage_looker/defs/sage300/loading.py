"""How a Sage asset gets the rows of one slice, with its audit trail: read from Sage while archiving every page
(the flattener and the archive are fed from the same page stream), or rebuild from the archive with zero Sage
requests (run tag `sage_looker/source=archive`). Either way the slice carries a `SliceInfo` for the ledger
row the IO manager writes in the slice's transaction; a failed read records its own failed ledger row here.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable

import dagster as dg
import pyarrow as pa

from sage_looker.audit.archive import PageArchive
from sage_looker.audit.crash import crash_point
from sage_looker.audit.ledger import SliceInfo, record_failure
from sage_looker.audit.replay import SOURCE_TAG, NoArchivedLoad, archived_reads, runs_of, window_rows
from sage_looker.audit.shrink import ACCEPT_ENV, ACCEPT_TAG
from sage_looker.defs.warehouse.payloads import Slice
from sage_looker.defs.warehouse.resources import WarehouseResource
from sage_looker.sage300.catalog_model import Resource
from sage_looker.sage300.client import ReadResult, Sage300Client
from sage_looker.sage300.errors import SageResourceMissing

_TRUE = {"1", "true", "yes", "on"}


def _run_tag(context: dg.AssetExecutionContext, key: str) -> str:
    """The run's tag, else the job's own run tag: the UI's "Materialize all…" on the replay or accept-deletions
    job launches runs without the job's run_tags (the run has 0 tags), so the choice the analyst made by picking
    the job has to be read from the job definition too."""
    return (context.run.tags.get(key) or context.job_def.run_tags.get(key) or "").strip().lower()


def from_archive(context: dg.AssetExecutionContext) -> bool:
    return _run_tag(context, SOURCE_TAG) == "archive"


def accepts_deletions(context: dg.AssetExecutionContext) -> bool:
    """The explicit flag that lets a re-pull delete posted records (env var or run tag)."""
    return ((os.environ.get(ACCEPT_ENV) or "").strip().lower() in _TRUE
            or _run_tag(context, ACCEPT_TAG) in _TRUE)


def slice_info(context: dg.AssetExecutionContext, asset: str, resource: Resource, sl: Slice, **kw) -> SliceInfo:
    return SliceInfo(run_id=context.run_id, asset=asset, module=resource.module, resource=resource.path,
                     company=sl.company, start=sl.start, end=sl.end, accept_deletions=accepts_deletions(context),
                     **kw)


def note_failure(context, warehouse: WarehouseResource, info: SliceInfo, exc: BaseException,
                 status: str = "failed") -> None:
    """Record a failed attempt; never let the bookkeeping hide the original error."""
    try:
        with warehouse.open() as wh:
            record_failure(wh, info, exc, status)
    except Exception as err:  # the warehouse itself may be what failed
        context.log.warning(f"could not record the {status} attempt of {info.asset} {info.company} in the "
                            f"load ledger: {type(err).__name__}: {err}")


PAGE_EVENT = "sage_page"  # prefix of the page-progress debug line the CLI's progress display reads from the event log
PAGE_EVENT_EVERY = 1.0  # seconds between two progress lines of one slice (every line is one event-log write)


class PageLog:
    """Structured debug lines of a slice's read progress (counts only: no URL, no body, nothing secret), so a live
    display can show pages, rows, requests left and rate while the run is still reading. The first page is
    reported at once, then at most one line per `PAGE_EVENT_EVERY` seconds, and `flush()` reports the rest: each
    line is one event-log write, and one per page was ~450 writes (2 s) of a year's sync and a run log of
    hundreds of lines. A line carries the pages and records since the previous one (`restarted`: Sage's data
    moved under the read and a new pass began among them, so the count of records starts again)."""

    def __init__(self, context, client: Sage300Client, asset: str, sl: Slice,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.context, self.client, self.asset, self.sl, self.clock = context, client, asset, sl, clock
        self.last: float | None = None
        self._reset()

    def _reset(self) -> None:
        self.pages = self.records = 0
        self.restarted = False
        self.page = None

    def __call__(self, page) -> None:
        if page.restarted:
            self.records, self.restarted = 0, True
        self.pages += 1
        self.records += len(page.records)
        self.page = page
        now = self.clock()
        if self.last is None or now - self.last >= PAGE_EVENT_EVERY:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if self.page is None:
            return
        budget = getattr(self.client, "budget", None)
        self.context.log.debug(PAGE_EVENT + " " + json.dumps({
            "asset": self.asset, "company": self.sl.company, "page": self.page.index + 1,
            "pass": self.page.pass_number, "pages": self.pages, "records": self.records,
            "count": self.page.count, "restarted": self.restarted,
            "requests_left": budget.left if budget is not None else None}))
        self.last = self.clock() if now is None else now
        self._reset()


def read_from_sage(context, client: Sage300Client, resource: Resource, sl: Slice, archive: PageArchive,
                   warehouse: WarehouseResource, *, asset: str) -> tuple[ReadResult, SliceInfo]:
    """One slice read from Sage, every page archived as it arrives; the manifest is written at the end."""
    info = slice_info(context, asset, resource, sl)
    recorder = archive.recorder(run_id=context.run_id, asset=asset, resource=resource, company=sl.company,
                                start=sl.start, end=sl.end)
    pages = PageLog(context, client, asset, sl)
    try:
        try:
            result = client.read_resource(resource, sl.company, sl.start, sl.end,
                                          on_page=lambda page: (recorder.add(page), pages(page)))
        finally:
            pages.flush()  # the pages read since the last progress line, also when the read failed
    except SageResourceMissing as exc:  # the asset skips it; the ledger says so
        note_failure(context, warehouse, info, exc, status="skipped")
        raise
    except Exception as exc:
        if recorder.doc["pages"]:  # what was read before the failure, for the audit (never replayed)
            info.manifest = recorder.finish(complete=False, error=exc)
        info.pages = len(recorder.doc["pages"])
        note_failure(context, warehouse, info, exc)
        raise
    st = result.stats
    info.manifest = recorder.finish(complete=True, odata_filter=st.odata_filter, rows=st.rows)
    info.odata_filter, info.requests, info.pages, info.bytes = st.odata_filter, st.requests, st.pages, st.bytes
    info.retries, info.passes = st.retries, st.passes
    return result, info


def read_from_archive(context, resource: Resource, sl: Slice, archive: PageArchive,
                      warehouse: WarehouseResource, *, asset: str,
                      shape: Callable[[dict[str, pa.Table], Slice], dict[str, pa.Table]] | None = None,
                      ) -> list[tuple[Slice, dict[str, pa.Table], SliceInfo]]:
    """The slice rebuilt from the archived reads covering it (one sub-slice per read), zero Sage requests.
    `shape` turns a read's tables into the asset's (default: the rows dated inside the sub-slice)."""
    try:
        with warehouse.open() as wh:
            reads = archived_reads(wh, archive, asset, sl.company, sl.start, sl.end)
    except Exception as exc:
        note_failure(context, warehouse, slice_info(context, asset, resource, sl, source="archive"), exc)
        if isinstance(exc, NoArchivedLoad):
            raise dg.Failure(description=str(exc)) from exc
        raise
    out = []
    for read in reads:
        for start, end in runs_of(read.days):
            part = Slice(sl.company, start, end)
            tables = shape(read.tables, part) if shape else window_rows(resource, read.tables, start, end)
            info = slice_info(context, asset, resource, part, source="archive", manifest=read.manifest,
                              odata_filter=read.odata_filter, pages=read.pages, bytes=read.bytes)
            out.append((part, tables, info))
    return out


def fetched(asset: str) -> None:
    """Every slice of the asset is read (and archived); nothing is written yet."""
    crash_point("after_fetch", asset)
