"""Deterministic fault injection for the Looker simulator.

A spec is a comma-separated list of `KIND[@OPERATION]=MODE` entries, for example
`429=burst:3,502html=0.1,503=0.05,503-after@scheduled_plan_run_once_by_id=burst:1`.

KIND    `400`, `401`, `403`, `404`, `409`, `422`, `429`, `500`, `502`, `503`, `504`, `502html` (an
        nginx HTML page, as a proxy sends),
        `reset` (the connection is closed without a response) or `slow` (the response is delayed by
        `slow_seconds`). A `-after` suffix (not for 4xx) applies the operation *before* failing:
        the server did the work and the client cannot tell. That is the case exactly-once delivery
        has to survive.
OPERATION  an operationId from the spec (`login`, `all_datagroups`, ...); default: every operation.
MODE    `burst:N` (the next N matching requests), `every:N` (every Nth matching request), `from:N`
        (the Nth matching request and all later ones) or a
        probability `p` drawn from a seeded RNG, so a run with the same seed and request order
        injects the same faults.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

KINDS = frozenset({"400", "401", "403", "404", "409", "422", "429", "500", "502", "503", "504", "502html",
                   "reset", "slow"})
_NO_AFTER = frozenset(k for k in KINDS if k.startswith("4"))  # 4xx means "not done"; "after" would lie


class FaultSpecError(ValueError):
    pass


@dataclass(frozen=True)
class Fault:
    kind: str
    after: bool  # True: the operation was applied before the fault

    @property
    def status(self) -> int | None:
        if self.kind in ("reset", "slow"):
            return None
        return int(self.kind[:3])


@dataclass
class _Rule:
    fault: Fault
    operation: str | None
    mode: str
    n: int = 0
    p: float = 0.0
    seen: int = 0

    def fires(self, rng: random.Random) -> bool:
        self.seen += 1
        if self.mode == "burst":
            if self.n > 0:
                self.n -= 1
                return True
            return False
        if self.mode == "every":
            return self.seen % self.n == 0
        if self.mode == "from":
            return self.seen >= self.n
        return rng.random() < self.p


def parse_faults(spec: str) -> list[_Rule]:
    rules: list[_Rule] = []
    for raw in (spec or "").split(","):
        entry = raw.strip()
        if not entry:
            continue
        if "=" not in entry:
            raise FaultSpecError(f"fault entry {entry!r}: expected KIND[@OPERATION]=MODE")
        lhs, mode = (s.strip() for s in entry.split("=", 1))
        kind, _, operation = lhs.partition("@")
        after = kind.endswith("-after")
        kind = kind.removesuffix("-after")
        if kind not in KINDS:
            raise FaultSpecError(f"fault entry {entry!r}: unknown kind {kind!r} (one of {sorted(KINDS)})")
        if after and kind in _NO_AFTER:
            raise FaultSpecError(f"fault entry {entry!r}: {kind} cannot be injected after the operation")
        rule = _Rule(Fault(kind, after), operation.strip() or None, "prob")
        try:
            if mode.startswith(("burst:", "every:", "from:")):
                rule.mode, count = mode.split(":", 1)
                rule.n = int(count)
                if rule.n < (0 if rule.mode == "burst" else 1):
                    raise ValueError
            else:
                rule.p = float(mode)
                if not 0.0 <= rule.p <= 1.0:
                    raise ValueError
        except ValueError:
            raise FaultSpecError(
                f"fault entry {entry!r}: MODE must be burst:N, every:N, from:N or a probability in [0, 1]"
            ) from None
        rules.append(rule)
    return rules


class FaultInjector:
    """Thread-safe; `pick` is called once per request, in arrival order."""

    def __init__(self, spec: str = "", seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self.set(spec)

    def set(self, spec: str) -> None:
        rules = parse_faults(spec)  # validate before swapping, so a bad spec leaves the old one active
        with self._lock:
            self._rules = rules
            self._rng = random.Random(self._seed)

    def pick(self, operation_id: str) -> Fault | None:
        with self._lock:
            for rule in self._rules:
                if rule.operation in (None, "*", operation_id) and rule.fires(self._rng):
                    return rule.fault
        return None
