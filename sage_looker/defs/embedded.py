"""The embedded default: with nothing configured, each bundled simulator is started once per process and kept
for the life of the process. The simulators are deterministic, so every process sees the same data."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

_lock = threading.Lock()
_running: dict[str, Any] = {}
_contexts: dict[str, AbstractContextManager] = {}


def once_per_process(name: str, start: Callable[[], AbstractContextManager]) -> Any:
    """The object `start()`'s context manager yields, entered the first time `name` is asked for."""
    with _lock:
        if name not in _running:
            if not _contexts:
                atexit.register(stop_all)
            ctx = start()
            _running[name] = ctx.__enter__()
            _contexts[name] = ctx
        return _running[name]


def stop_all() -> None:
    """Stop the bundled simulators, last started first. Registered with atexit because atexit runs while the
    simulators' daemon server threads still run: left to the interpreter's final garbage collection, their
    generator context managers would call `server.shutdown()`, which waits for a serve_forever thread the
    interpreter has already frozen, and the process (e.g. `sage-looker ping`) would never exit."""
    with _lock:
        contexts = list(_contexts.items())[::-1]
        _contexts.clear()
        _running.clear()
    for _, ctx in contexts:
        ctx.__exit__(None, None, None)


# Asking for a bundled simulator on purpose: SAGE300_URL=simulator, LOOKER_BASE_URL=simulator.
SIMULATOR = "simulator"


def uses_simulator(value: object) -> bool:
    """An empty setting (the embedded default) or the explicit word `simulator`."""
    text = str(value or "").strip()
    return not text or text.lower() == SIMULATOR


def embedded_problems(env, warehouse_target: str) -> list[str]:
    """The bundled simulators never feed a warehouse Looker reads. With the embedded kind of warehouse (a DuckDB
    file, which Looker cannot read) an empty SAGE300_URL / LOOKER_BASE_URL means the simulator; with any other
    warehouse it is a configuration error naming the variable, unless the simulator is asked for by name."""
    from sage_looker.warehouse.targets import is_postgres, redact

    if not is_postgres(warehouse_target):
        return []
    out = []
    for var, what in (("SAGE300_URL", "Sage 300 Web API base (e.g. https://erp.example.com/Sage300WebApi)"),
                      ("LOOKER_BASE_URL", "Looker API host (e.g. https://yourcompany.looker.com)")):
        if not str(env.get(var) or "").strip():
            out.append(f"- {var} is not set, but SAGE_LOOKER_WAREHOUSE names a real warehouse "
                       f"({redact(warehouse_target)}): the bundled simulator would load invented data into it. Set "
                       f"{var} to your {what}, or {var}={SIMULATOR} to use the simulator on purpose.")
    return out
