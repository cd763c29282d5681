"""The embedded default: with nothing configured, each bundled simulator is started once per process and kept
for the life of the process. The simulators are deterministic, so every process sees the same data."""

from __future__ import annotations

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
            ctx = start()
            _running[name] = ctx.__enter__()
            _contexts[name] = ctx
        return _running[name]
