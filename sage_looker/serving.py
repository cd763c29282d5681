"""Run a loopback server in the foreground until SIGTERM or SIGINT, then stop it promptly.

Both bundled simulators serve from a daemon thread; the foreground only waits. Without handlers a SIGTERM
kills the process where it stands and Ctrl-C lands as a KeyboardInterrupt in whatever the main thread was
doing; with them the main thread wakes at once, the caller's `stop` closes the listening socket and every
open connection (requests in flight end with a reset, their daemon threads die with the process), and the
process exits 0 — well under a second, however busy the server is.
"""

from __future__ import annotations

import signal
import threading
from typing import Callable

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def serve_until_signalled(stop: Callable[[], None]) -> int:
    """Block until SIGTERM/SIGINT, call `stop`, and return the signal number received."""
    received = threading.Event()
    got: list[int] = []

    def _handler(signum: int, _frame: object) -> None:
        got.append(signum)
        received.set()

    previous = {s: signal.signal(s, _handler) for s in STOP_SIGNALS}
    try:
        # A timed wait so the main thread returns to the interpreter and runs the handler at once.
        while not received.wait(0.2):
            pass
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        stop()
    return got[0]
