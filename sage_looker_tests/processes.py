"""Start and stop a real child process from a test with bounds that hold on a busy 2-core machine.

stderr goes to a file, never an unread pipe: a child blocked writing to a full pipe cannot run its signal
handler. Every wait has a bound; the bounds are generous (a loaded CI box), and a test asserts what happened
(the exit code, the message, the port closed), never how fast.
"""

from __future__ import annotations

import selectors
import signal
import subprocess
import tempfile
import time
from typing import IO

START_BOUND = 120.0  # seconds for a child to import, generate data and print its first line
STOP_BOUND = 60.0    # seconds for a child to exit after a stop signal


class Child:
    def __init__(self, cmd: list[str], env: dict[str, str] | None = None) -> None:
        self.stderr_file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.stderr_file, text=True, env=env)

    def first_line(self, bound: float = START_BOUND) -> str:
        """The child's first stdout line, or a failure that shows its stderr."""
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        if not sel.select(bound):
            self.kill()
            raise AssertionError(f"no output within {bound:.0f}s; stderr: {self.stderr()}")
        line = self.proc.stdout.readline()
        assert line, f"child exited with {self.proc.wait()}; stderr: {self.stderr()}"
        return line

    def stop(self, sig: int = signal.SIGTERM, bound: float = STOP_BOUND) -> int:
        """Send `sig` and wait for the exit code; a child still running after `bound` is killed and fails."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=bound)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"still running {bound:.0f}s after {signal.Signals(sig).name}") from None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_BOUND)

    def stderr(self) -> str:
        self.stderr_file.flush()
        self.stderr_file.seek(0)
        return self.stderr_file.read()

    def __enter__(self) -> "Child":
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.stderr_file.close()


def wait_until(predicate, bound: float = STOP_BOUND, what: str = "condition") -> None:
    """Poll `predicate` until true, failing with `what` after `bound` seconds."""
    deadline = time.monotonic() + bound
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {bound:.0f}s waiting for {what}")
        time.sleep(0.05)


def restore_interrupts() -> None:
    """Give SIGINT back its default handler when this process inherited it ignored.

    A shell without job control (CI's runner, `nohup make test &`, `cmd &` in a script) starts background
    commands with SIGINT ignored, and every process a test starts inherits that. Dagster maps SIGTERM onto
    SIGINT's handler (`dagster._utils.interrupts.setup_interrupt_handlers`), so `dagster dev` and the gRPC code
    server then ignored SIGTERM too: each stop waited out its bound and ended in SIGKILL (60 s for the browser
    module's `dagster dev`, 30 s for the code server). Called once, from conftest.py, in each test process.
    """
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
