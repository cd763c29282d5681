"""Which partitions changed in Sage since the last look: the pure half of the change sensor.

Sage's change fields are calendar dates (DateLastEdited, DateLastMaintained), so "changed since" is read with
an overlapping `ge <last day seen>` window, and what was already seen on that day is remembered as a
fingerprint per partition date: an edit is a new fingerprint, a re-read of the same data is not. Posted GL
has no edit date but a posting sequence that only grows, read with `gt <last sequence>`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sage_looker.sage300 import odata
from sage_looker.sage300.catalog_model import Resource

# fetch(resource, company, odata_filter, select) -> records (dicts keyed by Sage field names)
Fetch = Callable[[Resource, str, str, list[str]], Iterable[dict]]
# count(resource, company, odata_filter) -> number of matching records
Count = Callable[[Resource, str, str], int]


@dataclass
class ChangeResult:
    partitions: dict[str, str]  # partition date (ISO) → fingerprint of what changed there
    state: dict  # the new cursor state for this resource × company
    changed: dict[tuple, str] = field(default_factory=dict)  # natural key → its partition date (ISO) now


def _day(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _fingerprint(rows: list[dict], fields: list[str]) -> str:
    h = hashlib.blake2b(digest_size=8)
    for row in sorted(repr([row.get(f) for f in fields]) for row in rows):
        h.update(row.encode())
    return h.hexdigest()


def probe_fields(resource: Resource) -> list[str]:
    """The cheap `$select`: keys, partition date, change field, and the batch total when there is one."""
    fields = [*resource.keys, resource.partition_date, resource.change_field]
    fields += [f for f in ("BatchTotal", "Debits") if f in resource.columns]
    return list(dict.fromkeys(f for f in fields if f))


def detect_changes(resource: Resource, company: str, state: dict | None, fetch: Fetch,
                   today: dt.date, count: Count | None = None) -> ChangeResult:
    fields = probe_fields(resource)
    if resource.change_kind == "sequence":
        return _by_sequence(resource, company, state, fetch, count, fields)
    since = _day((state or {}).get("since")) or today
    seen: dict[str, str] = dict((state or {}).get("seen", {}))
    flt = f"{resource.change_field} ge {odata.literal(since)}"
    rows = list(fetch(resource, company, flt, fields))
    by_partition: dict[str, list[dict]] = {}
    newest = since
    for row in rows:
        changed = _day(row.get(resource.change_field))
        part = _day(row.get(resource.partition_date))
        if changed is None or part is None:
            continue
        newest = max(newest, changed)
        by_partition.setdefault(part.isoformat(), []).append(row)
    prints = {p: _fingerprint(rs, fields) for p, rs in by_partition.items()}
    changed_parts = {p: fp for p, fp in prints.items() if seen.get(p) != fp}
    # Only what changed on the newest day can show up again in the next `ge` window.
    keep = {p: fp for p, fp in prints.items()
            if any(_day(r.get(resource.change_field)) == newest for r in by_partition[p])}
    new_state = {"since": newest.isoformat(), "seen": keep}
    if state is None:  # first look: a baseline, not a flood of runs for everything edited today
        changed_parts = {}
    keys = {tuple(r.get(k) for k in resource.keys): p for p, rs in by_partition.items() if p in changed_parts
            for r in rs}
    return ChangeResult(changed_parts, new_state, keys)


def highest_sequence(resource: Resource, company: str, count: Count) -> int:
    """The current highest posting sequence without `$orderby` (Sage does not document it): grow a bound until
    nothing lies above it, then bisect. About 2·log2(N) count requests, once, when the sensor first starts."""
    field = resource.change_field

    def above(n: int) -> bool:
        return count(resource, company, f"{field} ge {n}") > 0

    if not above(1):
        return 0
    lo, hi = 1, 2
    while above(hi):
        lo, hi = hi, hi * 2
    while hi - lo > 1:  # invariant: something at >= lo, nothing at >= hi
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if above(mid) else (lo, mid)
    return lo


def _by_sequence(resource, company, state, fetch, count, fields) -> ChangeResult:
    last = (state or {}).get("last")
    if last is None:
        if count is None:
            raise ValueError("a sequence-based change field needs a count function for its baseline")
        return ChangeResult({}, {"last": highest_sequence(resource, company, count)})
    rows = list(fetch(resource, company, f"{resource.change_field} gt {int(last)}", fields))
    seqs = [int(r[resource.change_field]) for r in rows if r.get(resource.change_field) is not None]
    by_partition: dict[str, list[dict]] = {}
    for r in rows:
        part = _day(r.get(resource.partition_date))
        if part:
            by_partition.setdefault(part.isoformat(), []).append(r)
    new_state = {"last": max(seqs + [int(last)])}
    return ChangeResult({p: _fingerprint(rs, fields) for p, rs in by_partition.items()}, new_state)


def count_mismatches(resource: Resource, company: str, loaded: dict[str, int], count: Count,
                     budget: int) -> dict[str, str]:
    """Dates whose record count in Sage differs from the warehouse's, found by bisection over the loaded range.

    Sage keeps no tombstones, so a deleted record never shows up in a "changed since" probe: the warehouse still
    holds it. One `$count` over the loaded date range (per resource and company, per tick) notices the difference;
    halving the range finds the dates, about 2·log2(days) counts per differing date, at most `budget` requests.
    `loaded` is {ISO date: rows in the warehouse}. Returns {ISO date: fingerprint of the two counts}."""
    if not loaded:
        return {}
    days = sorted(loaded)
    field = resource.partition_date
    spent = 0
    out: dict[str, str] = {}

    def sage(lo: int, hi: int) -> int | None:
        nonlocal spent
        if spent >= budget:
            return None
        spent += 1
        return count(resource, company, odata.date_window_filter(field, days[lo], days[hi]))

    def walk(lo: int, hi: int, theirs: int | None) -> None:
        ours = sum(loaded[d] for d in days[lo:hi + 1])
        if theirs is None or theirs == ours:
            return
        if lo == hi:
            out[days[lo]] = f"count:{theirs}:{ours}"
            return
        mid = (lo + hi) // 2
        left = sage(lo, mid)
        walk(lo, mid, left)
        # The right half by subtraction when no unloaded day lies between the halves, else by its own count.
        adjacent = dt.date.fromisoformat(days[mid + 1]) - dt.date.fromisoformat(days[mid]) == dt.timedelta(days=1)
        right = (theirs - left) if adjacent and left is not None else sage(mid + 1, hi)
        walk(mid + 1, hi, right)

    walk(0, len(days) - 1, sage(0, len(days) - 1))
    return out
