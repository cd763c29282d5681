"""Sage protected across runs, processes and hosts: a per-host request budget over a rolling window and a
per-host bound on requests in flight, kept in a store every process of a deployment shares.

Why a store of our own and not Dagster pools: a pool slot is held by an op for its whole duration, not per
HTTP request, and a pool cannot count requests over a time window. The budget must be charged per request
(retries included) by the Sage client, which knows nothing of Dagster. So the state is two small tables:

- `sage_host_requests(host, sent_at)`: one row per request sent; the rows inside the window are the budget used;
- `sage_host_leases(lease_id, host, owner, expires_at)`: one row per request in flight. A lease expires
  (`lease_seconds`) so a process killed mid-request cannot hold a slot for ever; a lease of a dead process on
  the same machine is dropped at once.

Every decision is one serialized transaction per host (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a transaction
advisory lock on the host), so two processes never both take the last slot or the last request of the window.

Where the store lives (`store_location`): `SAGE300_HOST_BUDGET_STORE` when set (a file path or a
`postgresql://` URL); else the warehouse when it is PostgreSQL (shared by every host of a deployment); else
`$SAGE_LOOKER_HOME/sage_host_budget.sqlite` (the embedded default: every run on this machine).

When the window is full a request waits for the oldest request to leave it, at most `max_wait_seconds` in all,
then the run stops with `SageHostBudgetExceeded` naming the host, the figures and the variables to change.
Waiting for a slot has no bound of its own: slots are released when requests end (or their lease expires).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sage_looker.home import home_dir
from sage_looker.sage300.errors import SageBudgetExceeded, SageConfigError, SageError

ENV_BUDGET = "SAGE300_HOST_BUDGET"  # requests per window per Sage host; 0 or "off" disables the shared gate
ENV_WINDOW = "SAGE300_HOST_BUDGET_WINDOW"  # seconds
ENV_WAIT = "SAGE300_HOST_BUDGET_WAIT"  # seconds a request may wait for the window before the run stops
ENV_STORE = "SAGE300_HOST_BUDGET_STORE"  # path or postgresql:// URL
DEFAULTS = {ENV_BUDGET: 1200, ENV_WINDOW: 600.0, ENV_WAIT: 600.0}


class SageHostBudgetExceeded(SageBudgetExceeded):
    """The Sage host's shared budget (all runs, all processes) has no room within the allowed wait."""

    def __init__(self, *, host: str, limit: int, used: int, window: float, waited: float, wait_needed: float) -> None:
        SageError.__init__(self, (
            f"Sage 300 host budget exhausted: {host} has had {used} requests in the last {window:g} s from all "
            f"runs sharing it (limit {limit}, {ENV_BUDGET} per {ENV_WINDOW}); the next request would have to wait "
            f"{wait_needed:.0f} s more after {waited:.0f} s already waited ({ENV_WAIT}). Nothing more was sent. "
            "The budget protects the Sage IIS app pool across runs; re-run later, or raise the limit if the Sage "
            "admin agrees."))
        self.limit, self.used, self.host = limit, used, host


@dataclass(frozen=True)
class GateSettings:
    budget: int
    window_seconds: float
    max_wait_seconds: float
    store: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "GateSettings | None":
        """None when the shared gate is switched off (SAGE300_HOST_BUDGET=0/off)."""
        env = os.environ if env is None else env
        raw = (env.get(ENV_BUDGET) or "").strip().lower()
        if raw in ("0", "off", "false", "no"):
            return None
        problems, values = [], {}
        for var, default in DEFAULTS.items():
            text = (env.get(var) or "").strip()
            try:
                value = type(default)(text) if text else default
                if value <= 0:
                    raise ValueError
                values[var] = value
            except ValueError:
                problems.append(f"{var} (got {text!r}): give a number greater than 0 ({ENV_BUDGET}: a whole number "
                                "of requests, or 0/off to switch the shared budget off)")
        if problems:
            raise SageConfigError("invalid Sage 300 settings:\n  " + "\n  ".join(problems))
        return cls(values[ENV_BUDGET], values[ENV_WINDOW], values[ENV_WAIT], store_location(env))


def store_location(env: Mapping[str, str]) -> str:
    explicit = (env.get(ENV_STORE) or "").strip()
    if explicit:
        return explicit
    warehouse = (env.get("SAGE_LOOKER_WAREHOUSE") or "").strip()
    scheme, sep, rest = warehouse.partition("://")
    if sep and scheme.lower() in ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"):
        return f"postgresql://{rest}"  # the warehouse every host of a deployment reaches
    return str(home_dir(env) / "sage_host_budget.sqlite")


_OWNER_HOST = socket.gethostname()


def _alive(owner: str) -> bool:
    """False only when the owner is a process of this machine that no longer exists."""
    host, _, pid = owner.rpartition(":")
    if host != _OWNER_HOST or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class SharedHostGate:
    """The `HostGate` of budget.py backed by SQLite or PostgreSQL (see the module docstring)."""

    def __init__(self, settings: GateSettings, *, lease_seconds: float = 600.0, poll_seconds: float = 0.02,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self._clock, self._sleep = clock, sleep
        self._local = threading.local()
        self._postgres = settings.store.startswith(("postgresql:", "postgres:"))
        self._owner = f"{_OWNER_HOST}:{os.getpid()}"
        with self._tx("sage_looker.host_budget.ddl") as tx:  # concurrent CREATE IF NOT EXISTS races on PG
            for sql in self._ddl():
                tx.execute(sql)

    # ------------------------------------------------------------------ storage

    def _ddl(self) -> list[str]:
        # Table names are written bare; `_Tx.execute` puts them in sage300_audit on PostgreSQL.
        out = ["CREATE SCHEMA IF NOT EXISTS sage300_audit"] if self._postgres else []
        return out + [
            "CREATE TABLE IF NOT EXISTS sage_host_requests (host TEXT NOT NULL, sent_at DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX IF NOT EXISTS host_budget_requests_by_host ON sage_host_requests (host, sent_at)",
            "CREATE TABLE IF NOT EXISTS sage_host_leases (lease_id TEXT PRIMARY KEY, host TEXT NOT NULL, "
            "owner TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)",
        ]

    def _connection(self) -> Any:
        con = getattr(self._local, "con", None)
        if con is None:
            try:
                if self._postgres:
                    import psycopg

                    con = psycopg.connect(self.settings.store, autocommit=True, connect_timeout=10)
                else:
                    path = Path(self.settings.store)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    con = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
                    con.execute("PRAGMA journal_mode=WAL")
                    con.execute("PRAGMA synchronous=NORMAL")
            except Exception as exc:  # never send to Sage unprotected: stop, saying where the store is
                from sage_looker.security.redaction import redact_target as redact

                raise SageConfigError(
                    f"the shared Sage host budget store {redact(self.settings.store)} cannot be opened "
                    f"({type(exc).__name__}); fix {ENV_STORE} (or the warehouse it defaults to), or set "
                    f"{ENV_BUDGET}=off to run without the shared budget") from None
            self._local.con = con
        return con

    class _Tx:
        def __init__(self, gate: "SharedHostGate", lock_key: str | None) -> None:
            self.gate, self.lock_key = gate, lock_key

        def __enter__(self) -> Any:
            con = self.gate._connection()
            self.cur = con.cursor()
            if self.gate._postgres:
                self.cur.execute("BEGIN")
                if self.lock_key is not None:  # one decision at a time per host, across every process
                    self.cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.lock_key,))
            else:
                self.cur.execute("BEGIN IMMEDIATE")
            return self

        def execute(self, sql: str, params: tuple = ()) -> Any:
            if self.gate._postgres:
                sql = sql.replace("?", "%s").replace(" sage_host_", " sage300_audit.sage_host_")
            self.cur.execute(sql, params)
            return self.cur

        def __exit__(self, exc_type, *_: object) -> None:
            self.cur.execute("ROLLBACK" if exc_type else "COMMIT")

    def _tx(self, lock_key: str | None) -> "SharedHostGate._Tx":
        return SharedHostGate._Tx(self, lock_key)

    # ------------------------------------------------------------------ the gate

    def enter(self, host: str, limit: int) -> str:
        """Wait for room in the host's window and a free slot, then record the request; returns the lease id."""
        s = self.settings
        waited = 0.0
        while True:
            now = self._clock()
            with self._tx(host) as tx:
                tx.execute("DELETE FROM sage_host_requests WHERE host = ? AND sent_at <= ?", (host, now - s.window_seconds))
                leases = tx.execute("SELECT lease_id, owner, expires_at FROM sage_host_leases WHERE host = ?",
                                    (host,)).fetchall()
                stale = [lid for lid, owner, expires in leases if expires < now or not _alive(owner)]
                for lid in stale:
                    tx.execute("DELETE FROM sage_host_leases WHERE lease_id = ?", (lid,))
                used, oldest = tx.execute("SELECT COUNT(*), MIN(sent_at) FROM sage_host_requests WHERE host = ?",
                                          (host,)).fetchone()
                in_flight = len(leases) - len(stale)
                if used < s.budget and in_flight < max(1, limit):
                    lease = uuid.uuid4().hex
                    tx.execute("INSERT INTO sage_host_requests (host, sent_at) VALUES (?, ?)", (host, now))
                    tx.execute("INSERT INTO sage_host_leases (lease_id, host, owner, expires_at) VALUES (?, ?, ?, ?)",
                               (lease, host, self._owner, now + self.lease_seconds))
                    return lease
            if used >= s.budget:
                needed = max(self.poll_seconds, float(oldest) + s.window_seconds - now)
                if waited + needed > s.max_wait_seconds:
                    raise SageHostBudgetExceeded(host=host, limit=s.budget, used=int(used), window=s.window_seconds,
                                                 waited=waited, wait_needed=needed)
                pause = min(needed, 5.0)
            else:
                pause = self.poll_seconds
            self._sleep(pause)
            waited += pause

    def leave(self, lease: str) -> None:
        with self._tx(None) as tx:
            tx.execute("DELETE FROM sage_host_leases WHERE lease_id = ?", (lease,))

    def usage(self, host: str) -> tuple[int, int]:
        """(requests inside the window, requests in flight) of the host, as the store sees them now."""
        now = self._clock()
        with self._tx(host) as tx:
            used = tx.execute("SELECT COUNT(*) FROM sage_host_requests WHERE host = ? AND sent_at > ?",
                              (host, now - self.settings.window_seconds)).fetchone()[0]
            flying = tx.execute("SELECT COUNT(*) FROM sage_host_leases WHERE host = ? AND expires_at >= ?",
                                (host, now)).fetchone()[0]
        return int(used), int(flying)


_gates: dict[GateSettings, SharedHostGate] = {}
_gates_lock = threading.Lock()


def install_shared_gate(url: str, env: Mapping[str, str] | None = None, *,
                        lease_seconds: float = 600.0) -> SharedHostGate | None:
    """Make every Sage client of this process that calls `url`'s host take the shared budget and slots
    configured by `env` (SAGE300_HOST_BUDGET*, SAGE_LOOKER_WAREHOUSE, SAGE_LOOKER_HOME); None when off."""
    from sage_looker.sage300.budget import set_host_gate

    settings = GateSettings.from_env(env)
    if settings is None:
        set_host_gate(url, None)
        return None
    with _gates_lock:
        gate = _gates.get(settings)
        if gate is None:
            gate = _gates[settings] = SharedHostGate(settings, lease_seconds=lease_seconds)
    set_host_gate(url, gate)
    return gate
