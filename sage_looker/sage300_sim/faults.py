"""Fault injection for data requests, chosen per run by a SPEC string (CLI `--faults`, config `faults`,
`Simulator.set_faults(spec)`, `POST /_simulator/faults`). Control endpoints (`/_simulator/*`) are never hit.

Grammar::

    SPEC    := ITEM ("," ITEM)*             empty or "none" = no faults
    ITEM    := KIND "=" TRIGGER [":" PARAM]
             | "recycle=" K ":" SECONDS     IIS app-pool recycle: after every K data requests, every
                                            request for SECONDS seconds gets a 503 HTML page
    TRIGGER := P                            probability per data request (0..1), e.g. 0.05
             | "burst:" N                   the next N data requests (counted from when the spec is set)
             | "every:" K                   every K-th data request

    KIND      effect                                                          PARAM (default)
    5xx       500 {"error":{"code":"InternalServerError",...}}
    toomany   429 TooManyRequests with a Retry-After header                     Retry-After seconds (1)
    session   500 SessionError
    dblink    500 DBLinkError
    reset     connection closed with SO_LINGER 0 (TCP RST), no response
    slow      sleep, then answer normally (combines with other faults)       seconds (0.5)
    timeout   sleep longer than a client timeout, then answer                 seconds (config, 30)
    html502   502 Bad Gateway as text/html (a proxy in front of IIS)
    truncated 200 with a correct Content-Length for a JSON body cut in half
    insert    before serving a page with $skip > 0: insert a matching row that sorts before the offset
    delete    before serving a page with $skip > 0: delete a row before the offset

Examples: ``5xx=0.05,toomany=0.05:2,reset=0.02,slow=0.1:0.5,recycle=200:3,insert=0.2``;
``5xx=burst:3`` (the next three data requests fail); ``truncated=every:10``.
`insert`/`delete` triggers count only paged requests. Every kind draws from its own random stream
seeded by (seed, kind) on every eligible request, so a given request sequence gets the same faults.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

RESPONSE_KINDS = ("reset", "html502", "5xx", "toomany", "session", "dblink", "timeout", "truncated")
DRIFT_KINDS = ("insert", "delete")
KINDS = (*RESPONSE_KINDS, "slow", *DRIFT_KINDS, "recycle")
DEFAULT_PARAM = {"toomany": 1.0, "slow": 0.5}


@dataclass
class Trigger:
    kind: str
    mode: str  # "p", "burst", "every"
    value: float
    param: float | None = None
    rng: random.Random = field(default_factory=random.Random)
    remaining: int = 0
    seen: int = 0

    def fires(self) -> bool:
        self.seen += 1
        roll = self.rng.random()  # drawn every time so later decisions do not depend on earlier ones
        if self.mode == "p":
            return roll < self.value
        if self.mode == "burst":
            if self.remaining > 0:
                self.remaining -= 1
                return True
            return False
        return self.seen % int(self.value) == 0


@dataclass
class Decision:
    kind: str | None = None
    delay: float = 0.0
    retry_after: float = 1.0
    labels: list[str] = field(default_factory=list)


def parse_spec(spec: str | None, seed: int = 0) -> dict[str, Trigger]:
    out: dict[str, Trigger] = {}
    spec = (spec or "").strip()
    if spec in ("", "none"):
        return out
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        kind, eq, value = item.partition("=")
        kind = kind.strip().lower()
        if not eq or kind not in KINDS:
            raise ValueError(f"bad fault {item!r}: expected KIND=TRIGGER with KIND in {', '.join(KINDS)}")
        parts = [p.strip() for p in value.split(":")]
        try:
            if kind == "recycle":
                k, secs = int(parts[0]), float(parts[1])
                if k < 1 or secs < 0:
                    raise ValueError
                t = Trigger(kind, "every", k, secs)
            elif parts[0] in ("burst", "every"):
                n = int(parts[1])
                if n < 1:
                    raise ValueError
                t = Trigger(kind, parts[0], n, float(parts[2]) if len(parts) > 2 else None, remaining=n)
                if len(parts) > 3:
                    raise ValueError
            else:
                p = float(parts[0])
                if not 0 <= p <= 1 or len(parts) > 2:
                    raise ValueError
                t = Trigger(kind, "p", p, float(parts[1]) if len(parts) > 1 else None)
        except (ValueError, IndexError):
            raise ValueError(f"bad fault {item!r}: see the grammar in sage300_sim/faults.py") from None
        t.rng = random.Random(f"{seed}:{kind}")
        if t.param is None:
            t.param = DEFAULT_PARAM.get(kind)
        out[kind] = t
    return out


class FaultInjector:
    def __init__(self, spec: str = "", seed: int = 0, timeout_seconds: float = 30.0) -> None:
        self._lock = threading.Lock()
        self.seed = seed
        self.timeout_seconds = timeout_seconds
        self.set(spec)

    def set(self, spec: str | None) -> None:
        triggers = parse_spec(spec, self.seed)
        with self._lock:
            self.spec = spec or ""
            self.triggers = triggers
            self.counts: dict[str, int] = {}
            self._served = 0
            self._window_until = 0.0
            # Drift draws get their own stream so choosing rows does not shift the fire/no-fire draws.
            self.drift_rng = random.Random(f"{self.seed}:drift-rows")

    def _count(self, label: str) -> None:
        self.counts[label] = self.counts.get(label, 0) + 1

    def decide(self) -> Decision:
        """Response-level faults for one data request."""
        d = Decision()
        with self._lock:
            rec = self.triggers.get("recycle")
            if rec is not None:
                now = time.monotonic()
                if now < self._window_until:
                    d.kind = "recycle"
                else:
                    self._served += 1
                    if self._served % int(rec.value) == 0:
                        self._window_until = now + (rec.param or 0)
            fired = [k for k in RESPONSE_KINDS if k in self.triggers and self.triggers[k].fires()]
            slow = self.triggers.get("slow")
            if slow is not None and slow.fires():
                d.delay += slow.param or 0
                d.labels.append("slow")
            if d.kind is None and fired:
                d.kind = fired[0]
            if d.kind == "timeout":
                d.delay += self.triggers["timeout"].param or self.timeout_seconds
            if d.kind == "toomany":
                d.retry_after = self.triggers["toomany"].param or 1.0
            if d.kind:
                d.labels.insert(0, d.kind)
            for label in d.labels:
                self._count(label)
        return d

    def drift(self) -> str | None:
        """Whether a paged request (`$skip` > 0) sees a row inserted or deleted before its offset."""
        with self._lock:
            fired = [k for k in DRIFT_KINDS if k in self.triggers and self.triggers[k].fires()]
            return fired[0] if fired else None

    def note(self, label: str) -> None:
        with self._lock:
            self._count(label)
