"""The simulator's in-memory database: per company and resource, a list of records kept in primary-key order.

Records are plain dicts keyed by Sage field names holding Decimal/date/str/int/bool values and nested
lists of dicts, so tests and mutations can read and change them directly (under `db.lock`). Every change
goes through `touch()`, which bumps a version: query results and key indexes are cached per version,
so paging through 100k records does not re-filter them for every page.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sage_looker.sage300 import catalog
from sage_looker.sage300.catalog_model import Resource
from sage_looker.sage300_sim.config import SimulatorConfig
from sage_looker.sage300_sim.shapes import entity_keys

Record = dict[str, Any]
_QUERY_CACHE_SIZE = 64


def key_getter(resource: Resource) -> Callable[[Record], tuple]:
    keys = entity_keys(resource)
    return lambda rec: tuple(rec.get(k) for k in keys)


class Store:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.today = config.effective_today
        # Re-entrant: mutation helpers call each other while holding it.
        self.lock = threading.RLock()
        self._data: dict[str, dict[str, list[Record]]] = {}
        self._version: dict[tuple[str, str], int] = {}
        self._index: dict[tuple[str, str], tuple[int, dict[tuple, Record]]] = {}
        self._queries: OrderedDict[tuple, tuple[int, list[Record]]] = OrderedDict()
        self._keyfn = {r.name: key_getter(r) for r in catalog.RESOURCES}
        # Fields added at run time (schema evolution): resource name → field → type name.
        self.added_fields: dict[str, dict[str, str]] = {}

    # ------------------------------------------------------------------ reading

    @property
    def companies(self) -> tuple[str, ...]:
        return tuple(self._data)

    def has_company(self, company: str) -> bool:
        return company in self._data

    def records(self, company: str, resource: str | Resource) -> list[Record]:
        """The live, key-ordered list. Hold `db.lock` while iterating if other threads may mutate."""
        return self._data[company][_name(resource)]

    def version(self, company: str, resource: str | Resource) -> int:
        return self._version.get((company, _name(resource)), 0)

    def key_of(self, resource: str | Resource, rec: Record) -> tuple:
        return self._keyfn[_name(resource)](rec)

    def get(self, company: str, resource: str | Resource, key: Any) -> Record | None:
        name = _name(resource)
        k = self.normalize_key(name, key)
        with self.lock:
            ver = self.version(company, name)
            cached = self._index.get((company, name))
            if cached is None or cached[0] != ver:
                fn = self._keyfn[name]
                cached = (ver, {fn(r): r for r in self.records(company, name)})
                self._index[(company, name)] = cached
            return cached[1].get(k)

    def query(self, company: str, resource: str, cache_key: Any, predicate: Callable[[Record], bool] | None
              ) -> list[Record]:
        """Records matching `predicate`, in key order; cached until the resource changes."""
        with self.lock:
            rows = self.records(company, resource)
            if predicate is None:
                return rows
            ver = self.version(company, resource)
            ck = (company, resource, cache_key)
            hit = self._queries.get(ck)
            if hit is not None and hit[0] == ver:
                self._queries.move_to_end(ck)
                return hit[1]
            out = [r for r in rows if predicate(r)]
            self._queries[ck] = (ver, out)
            if len(self._queries) > _QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
            return out

    def normalize_key(self, resource: str | Resource, key: Any) -> tuple:
        """Accept `65`, `("CA", 65)` or `{"BatchRecordType": "CA", "BatchNumber": 65}`."""
        res = catalog.resource(_name(resource))
        names = entity_keys(res)
        if isinstance(key, dict):
            return tuple(key[k] for k in names)
        if isinstance(key, (tuple, list)):
            return tuple(key)
        return (key,)

    # ------------------------------------------------------------------ writing

    def touch(self, company: str, resource: str | Resource) -> None:
        k = (company, _name(resource))
        self._version[k] = self._version.get(k, 0) + 1

    def load(self, company: str, by_resource: dict[str, list[Record]]) -> None:
        with self.lock:
            self._data[company] = {}
            for r in catalog.RESOURCES:
                rows = by_resource.get(r.name, [])
                rows.sort(key=self._keyfn[r.name])
                self._data[company][r.name] = rows
                self.touch(company, r.name)

    def insert(self, company: str, resource: str | Resource, rec: Record) -> Record:
        name = _name(resource)
        fn = self._keyfn[name]
        with self.lock:
            rows = self.records(company, name)
            k = fn(rec)
            i = bisect.bisect_left(rows, k, key=fn)
            if i < len(rows) and fn(rows[i]) == k:
                raise KeyError(f"{name}{k} already exists in {company}")
            rows.insert(i, rec)
            self.touch(company, name)
        return rec

    def remove(self, company: str, resource: str | Resource, key: Any) -> Record:
        name = _name(resource)
        fn = self._keyfn[name]
        k = self.normalize_key(name, key)
        with self.lock:
            rows = self.records(company, name)
            i = bisect.bisect_left(rows, k, key=fn)
            if i >= len(rows) or fn(rows[i]) != k:
                raise KeyError(f"{name}{k} not found in {company}")
            rec = rows.pop(i)
            self.touch(company, name)
        return rec

    def remove_where(self, company: str, resource: str, predicate: Callable[[Record], bool]) -> list[Record]:
        with self.lock:
            rows = self.records(company, resource)
            gone = [r for r in rows if predicate(r)]
            if gone:
                rows[:] = [r for r in rows if not predicate(r)]
                self.touch(company, resource)
        return gone


def _name(resource: str | Resource) -> str:
    return resource if isinstance(resource, str) else resource.name
