"""The client's small reads: counts, filtered probes (the change sensor's), and the churn probe that ends a
consistent read (see `churn.py`). A mixin of `Sage300Client`, split out to keep modules short."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sage_looker.sage300 import odata
from sage_looker.sage300.catalog_model import Resource
from sage_looker.sage300.churn import ChangeWatch
from sage_looker.sage300.errors import SageBadResponse, SageRequestError
from sage_looker.sage300.reads import ReadStats
from sage_looker.sage300.transport import Counters, Target


class Probes:
    # ------------------------------------------------------------------ count

    def count(self, resource: Resource | str, company: str, start: Any = None, end: Any = None) -> int:
        """Number of records of the resource (in the date window for a transaction resource)."""
        res = self._resource(resource)
        company = odata.company_code(company)
        counters = Counters()
        if self.settings.warm_up:
            self.warm_up(company, counters)
        n = self._count(res, company, self._filter(res, start, end, []), counters)
        if n is None:
            raise SageBadResponse(
                f"Sage 300 did not return @odata.count for {company} {res.path} although $count=true was asked",
                url=odata.resource_url(self.settings.url or "", company, res.path),
            )
        return n

    def _count(self, res: Resource, company: str, flt: str | None, counters: Counters) -> int | None:
        base = odata.resource_url(self.settings.url or "", company, res.path)
        target = Target(res.path, company, res.optional)
        for top in ((1,) if self._top0_refused else (0, 1)):
            url = odata.with_query(base, {"$filter": flt, "$top": top, "$count": "true"})
            try:
                resp = self._get(url, target, counters)
            except SageRequestError:
                if top == 0:
                    self._top0_refused = True
                    continue
                raise
            doc = resp.doc
            return odata.envelope_count(doc) if isinstance(doc, dict) else None
        return None

    def _changed_behind(self, res: Resource, company: str, flt: str | None, select: str | None,
                        watch: ChangeWatch | None, key_of, counters: Counters) -> list[str]:
        """The churn probe (sage300/churn.py): records changed since the read began that the pass missed or
        read with other content. One filtered read; [] when the resource has no change field."""
        pf = watch.probe_filter(flt) if watch is not None and watch.active else None
        if pf is None:
            return []
        records: list[dict[str, Any]] = []
        sub = ReadStats(res.name, company, odata_filter=pf)
        for page in self._paged(res, company, pf, select, sub, counters, probe=False):
            if page.restarted:
                records = []
            records.extend(page.records)
        return watch.differences(records, key_of)

    # ------------------------------------------------------------------ filtered reads

    def count_where(self, resource: Resource | str, company: str, odata_filter: str | None) -> int:
        """`$count` of the records matching an arbitrary filter: one cheap request."""
        res = self._resource(resource)
        n = self._count(res, odata.company_code(company), odata_filter, Counters())
        if n is None:
            raise SageBadResponse(f"Sage 300 returned no @odata.count for {res.path}", kind="unexpected JSON")
        return n

    def select_records(self, resource: Resource | str, company: str, odata_filter: str,
                       select: Sequence[str]) -> list[dict[str, Any]]:
        """Records matching an arbitrary `$filter`, with only the `select`ed fields: the cheap probe a change
        sensor needs (the natural key must be among the selected fields so paging stays consistent)."""
        res = self._resource(resource)
        company = odata.company_code(company)
        stats = ReadStats(res.name, company, odata_filter=odata_filter)
        counters = Counters()
        records: list[dict[str, Any]] = []
        try:
            for page in self._paged(res, company, odata_filter, self._select(res, select), stats, counters,
                                    probe=False):
                if page.restarted:
                    records = []
                records.extend(page.records)
        finally:
            stats.requests += counters.requests
        return records
