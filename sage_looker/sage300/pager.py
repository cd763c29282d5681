"""The paging state of ONE pass of a consistent read (the algorithm is told in `client.py`'s docstring).

A pager knows nothing of HTTP: it says which URL to request next (`next_request`), takes each parsed page
(`take` before the page is handed on, `update_state` after), and says whether the pass is over (`has_more`)
and, at the end, whether it read what Sage counts (`check_complete`). The client sends the requests, feeds
the budget and the churn watch, and yields the pages. Split out of the client's paging loop so that every
step (overlap check, de-duplication, stop conditions, next `$skip`) can be tested on hand-made pages without a
server. The shape follows dlt's REST paginators (`update_state` / `update_request` / `has_next_page`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sage_looker.sage300 import odata
from sage_looker.sage300.errors import SageBadResponse
from sage_looker.sage300.reads import _describe_shift


def page_rows(doc: Any, url: str, status: int) -> list[Any]:
    """The `value` array of an OData collection page, or one clear error."""
    rows = doc.get("value") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        raise SageBadResponse(
            f"Sage 300 answered GET {url} (HTTP {status}) with JSON that has no 'value' array "
            f"(keys: {sorted(doc)[:8] if isinstance(doc, dict) else type(doc).__name__}); expected an "
            "OData collection.", kind="unexpected JSON", url=url, status=status,
        )
    return rows


def page_cap_and_need(count: int, received: int, page_size: int, overlap_k: int) -> tuple[int, int]:
    """(page cap, requests still needed) for a pass whose first page brought `received` of `count` rows.

    The server may cap pages below $top (Web.config PageSize): both are sized on what came, not on $top."""
    served = min(page_size, received) if received < count else page_size
    new_per_page = max(1, served - overlap_k)
    slack = max(3 * served, count // 5)
    cap = math.ceil((count + slack) / new_per_page) + 2
    needed = math.ceil(max(0, count - received) / new_per_page) + 1
    return cap, needed


class Pager:
    """One pass over a resource: `$skip` paging with a K-row overlap, or the server's nextLinks."""

    def __init__(self, first_url: str, base_url: str, page_size: int, overlap_k: int,
                 key_of: Callable[[dict[str, Any]], Any], what: str) -> None:
        self.first_url = first_url
        self.base_url = base_url  # the configured base: a nextLink's host/scheme/prefix are replaced by it
        self.page_size = page_size
        self.overlap_k = overlap_k
        self.key_of = key_of
        self.what = what  # "<company> <path>", for the error text
        self.url = first_url
        self.req_skip = 0  # the $skip of the request in flight
        self.expect_overlap = 0  # rows at the start of the page in flight that should repeat our tail
        self.index = 0  # pages taken so far
        self.seen: set[Any] = set()  # distinct natural keys of this pass
        self.tail: list[Any] = []  # last K keys of the latest non-empty page
        self.count: int | None = None  # @odata.count of the first page
        self.page_cap: int | None = None
        self.requests_needed: int | None = None  # estimate from the first page, for the budget
        self.stalls = 0  # full pages in a row without a new key
        self.shift = ""  # the overlap mismatch found on the latest page ("" when it matched)
        self.restart = ""  # why the pass must start over at once
        self.dirty = ""  # why the pass, although read to its end, must be read again
        self.has_more = True
        # what `take` learnt of the page in flight, for `update_state`
        self._rows: list[Any] = []
        self._keys: list[Any] = []
        self._start_new = 0
        self._new = 0

    # ------------------------------------------------------------------ before the page is handed on

    def next_request(self) -> str:
        return self.url

    def keys_of(self, rows: list[Any]) -> list[Any]:
        return [self.key_of(r) if isinstance(r, dict) else ("<not an object>", i) for i, r in enumerate(rows)]

    def read_count(self, doc: dict[str, Any], received: int) -> None:
        """First page: the count C, and from it the page cap and the requests the pass still needs."""
        self.count = odata.envelope_count(doc)
        if self.count is not None:
            self.page_cap, self.requests_needed = page_cap_and_need(self.count, received, self.page_size,
                                                                    self.overlap_k)

    def check_overlap(self, keys: list[Any]) -> int | None:
        """Where this page's new rows start. The first `expect_overlap` keys must repeat our tail; if they do
        not, resynchronise after the latest tail key found in the page (the pass turns dirty), or return None
        (the pass must restart) when no tail key is in the page."""
        k = self.expect_overlap
        self.shift = ""
        if not k or keys[:k] == self.tail[-k:]:
            return k
        self.shift = (f"{_describe_shift(self.tail, keys, k)} before row {self.req_skip + k} "
                      f"between pages {self.index} and {self.index + 1}")
        positions = {key: i for i, key in enumerate(keys)}
        found = next((positions[key] for key in reversed(self.tail) if key in positions), None)
        if found is None:
            self.restart = f"{self.shift}; lost our place in the table"
            return None
        # Read on rather than restart: the pass is re-read anyway, but a burst of changes is absorbed in this one.
        self.dirty = self.dirty or self.shift
        return found + 1

    def dedupe(self, rows: list[Any], keys: list[Any], start: int) -> list[tuple[Any, Any]]:
        """(key, record) of the rows from `start` on whose key this pass has not had yet."""
        new = []
        for r, k in zip(rows[start:], keys[start:]):
            if k not in self.seen:
                self.seen.add(k)
                new.append((k, r))
        return new

    def take(self, doc: dict[str, Any], rows: list[Any]) -> list[tuple[Any, Any]] | None:
        """A page just received: its new (key, record) pairs, or None when the pass must restart at once
        (`restart` says why; the page is then not handed on)."""
        keys = self.keys_of(rows)
        if self.index == 0:
            self.read_count(doc, len(rows))
        start = self.check_overlap(keys)
        if start is None:
            self.has_more = False
            return None
        new = self.dedupe(rows, keys, start)
        self._rows, self._keys, self._start_new, self._new = rows, keys, start, len(new)
        return new

    # ------------------------------------------------------------------ after the page was handed on

    def update_state(self, doc: dict[str, Any]) -> None:
        """Decide, from the page `take` saw, whether the pass goes on, and if so the next request."""
        rows, keys = self._rows, self._keys
        self.index += 1
        position = self.req_skip + len(rows)
        if keys:
            self.tail = keys[-self.overlap_k:] if self.overlap_k else []
        next_link = odata.envelope_next_link(doc)
        if not self._goes_on(doc, rows, next_link):
            self.has_more = False
            return
        ov = min(self.overlap_k, position, len(self.tail))
        if next_link:
            nxt = odata.rebase_next_link(self.base_url, self.url, next_link)
            if "$skip" in odata.query_params(nxt):
                self._request(odata.set_query_params(nxt, _skip=position - ov), position - ov, ov)
            else:  # a server paging token: follow it verbatim, no overlap to check
                self._request(nxt, position, 0)
        else:
            self._request(odata.set_query_params(self.first_url, _skip=position - ov, _count=None),
                          position - ov, ov)

    def _request(self, url: str, skip: int, overlap: int) -> None:
        self.url, self.req_skip, self.expect_overlap = url, skip, overlap

    def _goes_on(self, doc: dict[str, Any], rows: list[Any], next_link: str | None) -> bool:
        """The stop conditions (client docstring, step 5). Raises on a looping nextLink; sets `restart` when the
        page cap is passed."""
        if not rows:
            return False
        full = len(rows) >= self.page_size
        latest = odata.envelope_count(doc) if self.index > 1 else self.count  # nextLinks usually keep $count
        latest = self.count if latest is None else latest
        short_of_count = latest is not None and len(self.seen) < latest and len(rows) > self._start_new
        if next_link is None and not full and not short_of_count:
            return False
        if not self._new and (not full or (self.count is not None and len(self.seen) >= self.count)):
            return False  # only rows we already had, and nothing more to expect: a nextLink past the end
        if not self._new:
            self.stalls += 1
            if self.stalls >= 2:
                raise SageBadResponse(
                    f"Sage 300 paging of {self.what} made no progress: two pages in a row brought "
                    f"no new record (last GET {self.url}); the server's nextLink loops. Read {len(self.seen)} of "
                    f"{self.count if self.count is not None else '?'} records.", kind="looping nextLink", url=self.url,
                )
        else:
            self.stalls = 0
        if self.page_cap is not None and self.index >= self.page_cap:
            self.restart = (f"paging did not end after {self.index} pages although $count said {self.count} "
                            f"(the table grew during the read, or the server ignores $skip)")
            return False
        return True

    # ------------------------------------------------------------------ end of the pass

    @property
    def problem(self) -> str:
        """Why the pass cannot be accepted whatever the final count says ("" when nothing was seen wrong)."""
        if self.restart or self.dirty:
            return self.restart or f"{self.dirty}: the part already read changed"
        return ""

    def check_complete(self, final: int | None) -> str:
        """The final-count verdict: "" when the distinct keys read equal Sage's count now (or no count came)."""
        if final is None or final == len(self.seen):
            return ""
        return (f"read {len(self.seen)} distinct records but Sage now counts {final} (rows were inserted "
                "or deleted in the part already read)")
