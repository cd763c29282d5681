"""Crash points for the crash tests: `SAGE_LOOKER_CRASH_AT=<point>[:<asset>]` makes the process SIGKILL itself
when the load reaches that step boundary (for that asset only, when one is named). A no-op unless set.

Points: `after_fetch` (every page read and archived, nothing written), `mid_write` (inside the warehouse
transaction, the root table replaced, its children not yet), `before_ledger` (all tables written, the ledger
row not yet, still uncommitted), `after_commit` (data and ledger row committed, Dagster not told).
A real SIGKILL, not an exception: no `finally`, no rollback, no atexit handler runs, exactly like the OOM
killer or a pulled plug on the process (the OS still has the files' written pages).
"""

from __future__ import annotations

import os
import signal
import sys

ENV = "SAGE_LOOKER_CRASH_AT"
POINTS = ("after_fetch", "mid_write", "before_ledger", "after_commit")


def crash_point(point: str, asset: str | None = None) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    want, _, scope = spec.partition(":")
    if want != point or (scope and scope != asset):
        return
    sys.stderr.write(f"sage_looker: crash point {point} ({asset}) reached: SIGKILL\n")
    sys.stderr.flush()
    os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
    os._exit(137)  # not reached where SIGKILL exists
