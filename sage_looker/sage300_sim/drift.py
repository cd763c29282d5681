"""Rows appearing or disappearing *behind* a client that pages with `$skip` (the `insert`/`delete` faults).

Between two page requests of the same query, a record is inserted whose key sorts before the client's
offset (the next page repeats a row the client already has) or a record before the offset is deleted
(the next page skips one it never saw). The inserted record is a copy of a matching record with a key
that fits between it and its successor — generated data leaves gaps in batch numbers, as deleted
batches do in Sage — so it matches the client's filter and lands before the offset.
"""

from __future__ import annotations

import bisect
import copy
import random
from collections.abc import Callable

from sage_looker.sage300 import catalog
from sage_looker.sage300_sim.shapes import entity_keys


def _between(k: tuple, nxt: tuple | None) -> tuple | None:
    """A key strictly between `k` and `nxt` (the next existing key), changing only the last component."""
    last = k[-1]
    if isinstance(last, bool):
        return None
    if isinstance(last, int):
        cand = k[:-1] + (last + 1,)
    elif isinstance(last, str):
        if last.isdigit():
            cand = k[:-1] + (str(int(last) + 1).zfill(len(last)),)
        else:
            cand = k[:-1] + (last + "0",)
    else:
        return None
    if nxt is not None and not cand < nxt:
        # Zero-padded numbers with no gap: a longer string still sorts between ("000490" < "0004900").
        if isinstance(last, str) and last.isdigit():
            cand = k[:-1] + (last + "0",)
            if cand < nxt:
                return cand
        return None
    return cand


def _rekey(rec: dict, names: tuple[str, ...], new: tuple) -> None:
    """Set the key on the record and on every nested object that repeats it (children carry parent keys)."""
    old = {n: rec.get(n) for n in names}
    repl = dict(zip(names, new, strict=True))

    def walk(obj: dict) -> None:
        for n, v in repl.items():
            if n in obj and obj[n] == old[n]:
                obj[n] = v
        for v in obj.values():
            if isinstance(v, list):
                for child in v:
                    if isinstance(child, dict):
                        walk(child)

    walk(rec)


def insert_before(db, company: str, resource: str, matched: list[dict], offset: int,
                  predicate: Callable[[dict], bool] | None, rng: random.Random) -> str | None:
    res = catalog.resource(resource)
    names = entity_keys(res)
    if not names or offset < 2:
        return None
    full = db.records(company, resource)
    keyfn = lambda r: tuple(r.get(n) for n in names)  # noqa: E731
    # Insert right after matched[j] with j <= offset - 2, so the new row sits strictly before the offset.
    top = min(offset, len(matched)) - 2
    candidates = list(range(top, -1, -1))
    rng.shuffle(candidates)
    for j in candidates[:50]:
        base = matched[j]
        k = keyfn(base)
        i = bisect.bisect_right(full, k, key=keyfn)
        nxt = keyfn(full[i]) if i < len(full) else None
        new = _between(k, nxt)
        if new is None:
            continue
        rec = copy.deepcopy(base)
        _rekey(rec, names, new)
        for inv in rec.get("Invoices", ()):
            inv["DocumentNumber"] = f"{inv['DocumentNumber']}-{new[-1]}"
        if "DateLastEdited" in rec:
            rec["DateLastEdited"] = db.today
        if predicate is not None and not predicate(rec):
            continue
        db.insert(company, resource, rec)
        return f"insert {resource}{new}"
    return None


def delete_before(db, company: str, resource: str, matched: list[dict], offset: int,
                  rng: random.Random) -> str | None:
    res = catalog.resource(resource)
    names = entity_keys(res)
    if not names or offset < 1 or not matched:
        return None
    j = rng.randrange(min(offset, len(matched)))
    k = tuple(matched[j].get(n) for n in names)
    db.remove(company, resource, k)
    return f"delete {resource}{k}"
