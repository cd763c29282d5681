"""Sage 300 Web API client: consistent paged reads of catalog resources, flattened into Arrow tables.

Paging over a live table (Sage pages with `$skip`, default order = the view's key; rows may be inserted or
deleted while we page):

1. The first request is `$filter=<window>&$top=P&$count=true`; it gives the first rows and the count C.
2. Each next request follows the server's nextLink (its scheme/host replaced by the configured ones), but with
   `$skip` rewritten to start K rows (settings.paging_overlap, default 3) BEFORE the end of what we have
   received: `$skip = received_position - K`. Without a nextLink a full page (or a count not yet reached)
   continues with our own `$skip`. A nextLink without `$skip` (a server paging token) is followed verbatim.
3. The first K rows of each page must equal the previous page's last K natural keys (catalog keys; a record
   hash for key-less resources). If they do not, rows were inserted or deleted at or before our position, i.e.
   in the part already read: we resynchronise after the latest previous-tail key found in the page and read
   on, but the pass is marked dirty and is re-read whatever the final count says (an insert behind us was
   missed, a delete behind us left a stale record, and an insert+delete pair keeps the count equal). Reading
   on rather than restarting at once lets a burst of changes (a batch being posted) settle within one pass.
   When no tail key is in the page (a shift larger than K) the pass restarts at once.
4. Every record is de-duplicated by natural key before it reaches the flattener (overlap rows, a server's
   paging token that repeats rows), so a pass never yields a duplicate.
5. A pass stops on: no nextLink and a short page; an empty page; a page cap of (C + slack) / (S - K) pages
   (S = rows the server actually serves per page, which Web.config PageSize may cap below P);
   two full pages in a row without a new key (a looping nextLink: `SageBadResponse`); the request budget.
6. At the end a cheap `$top=0&$count=true` (or `$top=1` when `$top=0` is refused) gives the final count; the
   pass is accepted when the distinct keys read equal it. Otherwise (rows inserted/deleted in the part already
   read) the whole pass is re-read, at most settings.consistency_attempts passes, then `SageDataChanged`.

7. Then the churn probe (`churn.py`): the records of the same window whose change field (`DateLastEdited`,
   `DateLastMaintained`, posting sequence) is at or after the read's start. A probed record the pass did not
   read, or read with other content, makes the pass dirty: it is re-read like in 6. This closes the gap the
   overlap check and the count leave: a delete and an insert behind the reader (the count unchanged).

Guarantee: `read_resource` returns Sage's records as they are at the end of the read (every record present
then, none deleted before then, each with its content at the end of the read), or raises `SageDataChanged`
after settings.consistency_attempts passes. Limits: a resource without a change field is checked by the
overlaps and the count only (an insert+delete pair after the last overlap check goes unseen until the next
read); a change racing the final probe itself is taken by the next read.

Cost per pass: ceil(C / (S - K)) + 1 page requests (K/S = 3 % overhead at S=100) + 1 count request + the probe
(one filtered read of the records changed since the day before the read), plus one warm-up request per company
per client; each change behind the reader costs one more pass.

Each page's new records go to the flattener as they arrive: memory holds one page of JSON plus the flattened
columns, never the raw JSON of the range.

Steps 2-5 and the count verdict of 6 live in `pager.Pager` (one pass's state, no HTTP); this client sends its
requests, checks the budget, feeds the churn watch and counts the stats.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx

from sage_looker.sage300 import catalog, odata
from sage_looker.sage300.budget import RequestBudget
from sage_looker.sage300.churn import ChangeWatch
from sage_looker.sage300.probes import Probes
from sage_looker.sage300.catalog_model import Resource
from sage_looker.sage300.errors import (
    SageBadResponse,
    SageDataChanged,
    SagePermissionError,
    SageResourceMissing,
)
from sage_looker.sage300.flatten import Flattener
from sage_looker.sage300.pager import Pager, page_rows
from sage_looker.sage300.reads import (  # noqa: F401  (ReadStats, ReadResult, Page are part of the client's API)
    Page,
    ReadResult,
    ReadStats,
    _describe_shift,
    _key_function,
    check_window,
)
from sage_looker.sage300.settings import Sage300Settings
from sage_looker.sage300.transport import Counters, SageTransport, Target

log = logging.getLogger(__name__)

class Sage300Client(Probes):
    """Reads catalog resources from one Sage 300 Web API. Thread-safe; share one per run with one budget."""

    def __init__(self, settings: Sage300Settings, budget: RequestBudget | None = None, *,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] | None = None) -> None:
        self.settings = settings
        self.budget = budget if budget is not None else RequestBudget(settings.max_requests_per_run)
        self.transport = SageTransport(settings, self.budget, transport=transport, sleep=sleep)
        self._warm: set[str] = set()
        self._warm_lock = threading.Lock()
        self._top0_refused = False

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> "Sage300Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Sage300Client(url={self.settings.url!r}, user={self.settings.user!r}, budget={self.budget!r})"

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _resource(resource: Resource | str) -> Resource:
        return catalog.resource(resource) if isinstance(resource, str) else resource

    def _filter(self, res: Resource, start: Any, end: Any, warnings: list[str]) -> str | None:
        if res.kind == "master" or not res.partition_date:
            if start is not None or end is not None:
                warnings.append(f"{res.name} is master data, read in full: the date window was ignored")
            return None
        return odata.date_window_filter(res.partition_date, start, end)

    def _select(self, res: Resource, select: Sequence[str] | str | None) -> str | None:
        if not select:
            return None
        fields = [s.strip() for s in (select.split(",") if isinstance(select, str) else select) if s.strip()]
        needed = list(res.keys) + ([res.partition_date] if res.partition_date else [])
        for f in reversed(needed):
            if f not in fields:
                fields.insert(0, f)
        return ",".join(fields)

    def _get(self, url: str, target: Target, counters: Counters) -> Any:
        return self.transport.get_json(url, target, counters)

    def _get_page(self, url: str, target: Target, counters: Counters, *, first: bool) -> Any:
        """A page of a read. A 404 on the read's FIRST request means this Sage version lacks the resource
        (`SageResourceMissing`, which a caller may skip); a 404 on any later request (a nextLink, a re-read, a
        page after the first) is an error: the resource answered a moment ago, so something else is wrong."""
        try:
            return self._get(url, target, counters)
        except SageResourceMissing as exc:
            if first:
                raise
            raise self._vanished(exc, "a page after the first") from None

    @staticmethod
    def _vanished(exc: SageResourceMissing, where: str) -> SageBadResponse:
        return SageBadResponse(
            f"Sage 300 answered HTTP 404 to {where} of a read that had already started ({exc.url}): the resource "
            "exists (its first page came back), so this is not a missing resource. A nextLink that points to the "
            "wrong place (a reverse proxy's internal path) or an app pool that lost its routes are the usual "
            "causes; check SAGE300_URL and the proxy, then re-run.", kind="404 mid-read", url=exc.url, status=404)

    def warm_up(self, company: str, counters: Counters | None = None) -> None:
        """One cheap request per company before heavy reads (wakes an idle IIS app pool, checks credentials)."""
        company = odata.company_code(company)
        counters = counters or Counters()
        with self._warm_lock:
            if company in self._warm:
                return
            base = self.settings.url or ""
            probes = [
                ("CS/CSCompanyProfile", {"$top": 1}),
                ("GL/GLAccounts", {"$top": 1, "$select": "UnformattedAccount"}),
            ]
            for path, params in probes:
                url = odata.with_query(odata.resource_url(base, company, path), params)
                try:
                    self._get(url, Target(path, company, optional=True), counters)
                    break
                except (SageResourceMissing, SagePermissionError) as exc:
                    log.info("Sage 300 warm-up %s for %s skipped: %s", path, company, exc.code or exc.status)
            self._warm.add(company)

    # ------------------------------------------------------------------ paging

    def iter_pages(self, resource: Resource | str, company: str, start: Any = None, end: Any = None,
                   select: Sequence[str] | str | None = None, *, stats: ReadStats | None = None) -> Iterator[Page]:
        """Stream the pages of one consistent read (see the module docstring). Records are de-duplicated."""
        res = self._resource(resource)
        company = odata.company_code(company)
        stats = stats if stats is not None else ReadStats(res.name, company)
        counters = Counters()
        t0 = time.monotonic()
        try:
            if self.settings.warm_up:
                self.warm_up(company, counters)
            flt = self._filter(res, start, end, stats.warnings)
            stats.odata_filter = flt
            yield from self._paged(res, company, flt, self._select(res, select), stats, counters)
        finally:
            stats.requests += counters.requests
            stats.retries += counters.retries
            stats.bytes += counters.bytes
            stats.seconds += time.monotonic() - t0
            stats.budget_used = self.budget.used
            stats.budget_left = self.budget.left

    def _paged(self, res: Resource, company: str, flt: str | None, select: str | None, stats: ReadStats,
               counters: Counters, *, probe: bool = True) -> Iterator[Page]:
        s = self.settings
        target = Target(res.path, company, res.optional, res.keys)
        key_of = _key_function(res)
        overlap_k = min(s.paging_overlap, max(0, s.page_size // 2))
        first_url = odata.with_query(
            odata.resource_url(s.url or "", company, res.path),
            {"$filter": flt, "$select": select, "$top": s.page_size, "$count": "true"},
        )
        problem = ""
        watch = ChangeWatch(res) if probe else None
        for pass_no in range(1, s.consistency_attempts + 1):
            stats.passes = pass_no
            if watch is not None:
                watch.reset()
            pager = Pager(first_url, s.url or "", s.page_size, overlap_k, key_of, f"{company} {res.path}")
            while pager.has_more:
                yield from self._page(pager, res, company, target, stats, counters, watch, pass_no)
            problem = pager.problem or self._verdict(pager, res, company, flt, select, stats, counters, watch)
            if not problem:
                return
            log.warning("Sage 300 %s %s pass %d inconsistent: %s; re-reading", company, res.path, pass_no, problem)
            stats.warnings.append(f"pass {pass_no}: {problem}")
        raise SageDataChanged(
            f"Sage 300 {company} {res.path}{' (' + flt + ')' if flt else ''}: no consistent read after "
            f"{s.consistency_attempts} passes; last problem: {problem}. The data is changing faster than it can be "
            "read: re-run later (e.g. outside posting hours) or narrow the date window."
        )

    def _page(self, pager: Pager, res: Resource, company: str, target: Target, stats: ReadStats,
              counters: Counters, watch: ChangeWatch | None, pass_no: int) -> Iterator[Page]:
        """One request of a pass: send what the pager asks, let it take the page, hand the new records on."""
        first = pager.index == 0
        url = pager.next_request()
        resp = self._get_page(url, target, counters, first=(pass_no == 1 and first))
        rows = page_rows(resp.doc, url, resp.status)
        new = pager.take(resp.doc, rows)
        if first:
            if watch is not None:
                watch.start(resp.server_date)
            stats.count = pager.count
            if pager.count is None:
                stats.warnings.append(f"{res.path}: Sage returned no @odata.count; consistency unchecked")
            else:
                needed = pager.requests_needed
                self.budget.check(needed, what=f"{company} {res.path}: ~{needed} more requests for "
                                               f"{pager.count} records")
        if pager.shift:
            stats.shifts += 1
        if new is None:
            return  # lost our place in the table: the pass restarts at once
        if watch is not None and watch.active:
            for k, r in new:
                watch.add(k, r)
        stats.pages += 1
        yield Page(url=odata.strip_credentials(url), index=pager.index, pass_number=pass_no,
                   records=[r for _, r in new], received=len(rows), count=pager.count, body=resp.body,
                   restarted=(pass_no > 1 and first))
        pager.update_state(resp.doc)

    def _verdict(self, pager: Pager, res: Resource, company: str, flt: str | None, select: str | None,
                 stats: ReadStats, counters: Counters, watch: ChangeWatch | None) -> str:
        """A pass read to its end without a shift: the final $count, then the churn probe. "" = accepted."""
        try:
            final = self._count(res, company, flt, counters)
        except SageResourceMissing as exc:
            raise self._vanished(exc, "the final $count") from None
        problem = pager.check_complete(final)
        if problem:
            return problem
        if final is None and pager.count is not None:
            stats.warnings.append(f"{res.path}: final $count unavailable; consistency unchecked")
        stats.count = final if final is not None else pager.count
        changed = self._changed_behind(res, company, flt, select, watch, pager.key_of, counters)
        if not changed:
            return ""
        return (f"{len(changed)} record(s) changed behind the reader with the count unchanged "
                f"({', '.join(changed[:5])}{', …' if len(changed) > 5 else ''})")

    # ------------------------------------------------------------------ read

    def read_resource(self, resource: Resource | str, company: str, start: Any = None, end: Any = None,
                      select: Sequence[str] | str | None = None, *,
                      on_page: Callable[[Page], None] | None = None) -> ReadResult:
        """Read one resource for one company (transactions: the partition-date window start..end, inclusive)
        and flatten it: {table: pa.Table} for every catalog table of the resource, plus ReadStats.
        `on_page` sees every page (raw body included) before its records are flattened: the raw page archive
        is fed from the same stream as the flattener, one page in memory at a time."""
        res = self._resource(resource)
        company = odata.company_code(company)
        stats = ReadStats(res.name, company)
        flattener = Flattener(res, company)
        for page in self.iter_pages(res, company, start, end, select, stats=stats):
            if on_page is not None:
                on_page(page)
            if page.restarted:
                flattener = Flattener(res, company)
            flattener.add_records(page.records, page.url)
        tables = flattener.to_arrow()
        stats.rows = {name: t.num_rows for name, t in tables.items()}
        stats.warnings.extend(flattener.warnings)
        stats.notes.extend(flattener.notes)
        if res.partition_date and (start is not None or end is not None):
            check_window(res, tables[res.table], start, end)
        return ReadResult(tables, stats)
