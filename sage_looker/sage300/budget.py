"""How hard one run may push a Sage server: a request budget and a per-host concurrency bound.

`RequestBudget` is shared by every read of one run and is charged BEFORE each request (retries included),
so a run stops with `SageBudgetExceeded` before it sends request number limit+1.

`HostLimiter` bounds requests in flight per Sage host (scheme, host, port) across every client of the
process; Sage (IIS app pools) copes with 1-2 concurrent requests. By itself it does not span processes: a
`HostGate` installed for the host with `set_host_gate` (host_budget.py: a per-host request budget over a rolling window and
slots shared by every run, process and host of a deployment) is entered inside each slot, so the request is
counted and bounded there too before it is sent.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from collections.abc import Iterator
from typing import Protocol
from urllib.parse import urlsplit

from sage_looker.sage300.errors import SageBudgetExceeded


class RequestBudget:
    """A thread-safe request counter with a hard limit."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a request budget needs a limit of at least 1")
        self.limit = int(limit)
        self._used = 0
        self._lock = threading.Lock()

    def charge(self, what: str = "") -> int:
        """Take one request from the budget or raise SageBudgetExceeded (nothing is sent then)."""
        with self._lock:
            if self._used >= self.limit:
                raise SageBudgetExceeded(limit=self.limit, used=self._used, what=what)
            self._used += 1
            return self._used

    def check(self, needed: int = 1, what: str = "") -> None:
        """Fail early when `needed` more requests cannot fit."""
        with self._lock:
            if self._used + needed > self.limit:
                raise SageBudgetExceeded(limit=self.limit, used=self._used, what=what)

    @property
    def used(self) -> int:
        return self._used

    @property
    def left(self) -> int:
        return max(0, self.limit - self._used)

    def __repr__(self) -> str:
        return f"RequestBudget(limit={self.limit}, used={self._used})"


class HostGate(Protocol):
    """Shared across processes: `enter` waits for room (or raises a SageError saying why not) and records the
    request; `leave` frees its slot."""

    def enter(self, host: str, limit: int) -> str: ...

    def leave(self, lease: str) -> None: ...


_host_gates: dict[tuple[str, str, int], HostGate] = {}


def set_host_gate(url: str, gate: HostGate | None) -> None:
    """Install (or remove, with None) the gate the HostLimiter of `url`'s host enters for each request. Per
    host: only the Sage servers configured for shared protection are gated."""
    key = HostLimiter.host_key(url)
    if gate is None:
        _host_gates.pop(key, None)
    else:
        _host_gates[key] = gate


class HostLimiter:
    """At most `limit` requests in flight to one host. Get the shared one with `HostLimiter.for_url`."""

    _registry: dict[tuple[str, str, int], "HostLimiter"] = {}
    _registry_lock = threading.Lock()

    def __init__(self, key: tuple[str, str, int], limit: int) -> None:
        self.key = key
        self._limit = max(1, int(limit))
        self._in_flight = 0
        self.max_in_flight = 0
        self._cond = threading.Condition()

    @staticmethod
    def host_key(url: str) -> tuple[str, str, int]:
        parts = urlsplit(url)
        scheme = (parts.scheme or "http").lower()
        port = parts.port or (443 if scheme == "https" else 80)
        return scheme, (parts.hostname or "").lower(), port

    @classmethod
    def for_url(cls, url: str, limit: int) -> "HostLimiter":
        """The process-wide limiter of the URL's host; `limit` (settings.concurrency) updates its bound."""
        key = cls.host_key(url)
        with cls._registry_lock:
            lim = cls._registry.get(key)
            if lim is None:
                lim = cls._registry[key] = cls(key, limit)
            else:
                lim.limit = limit
            return lim

    @property
    def limit(self) -> int:
        return self._limit

    @limit.setter
    def limit(self, value: int) -> None:
        with self._cond:
            self._limit = max(1, int(value))
            self._cond.notify_all()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def acquire(self) -> None:
        with self._cond:
            while self._in_flight >= self._limit:
                self._cond.wait()
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def release(self) -> None:
        with self._cond:
            self._in_flight -= 1
            self._cond.notify()

    @property
    def host(self) -> str:
        scheme, host, port = self.key
        return f"{scheme}://{host}:{port}"

    @contextmanager
    def slot(self) -> Iterator[None]:
        self.acquire()
        try:
            gate = _host_gates.get(self.key)
            if gate is None:
                yield
                return
            lease = gate.enter(self.host, self._limit)
            try:
                yield
            finally:
                gate.leave(lease)
        finally:
            self.release()
