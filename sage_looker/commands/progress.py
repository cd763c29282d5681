"""Live progress of a CLI run, read from the run's own event log as it is written.

The Sage asset logs structured debug lines of its pages (`defs/sage300/loading.py` `PageLog`: counts only, at most
one a second per slice);
steps and materializations are Dagster's own events. Each update is one line per resource: pages, rows,
rows Sage announced (when it sent a count), requests left in the run's budget, rate and ETA. On a terminal the
line of the resource being read is redrawn in place; elsewhere (logs, CI) only a resource's last line and
step outcomes are printed, so a piped log is not flooded with one line per page.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from typing import IO, Callable

from sage_looker.defs.sage300.loading import PAGE_EVENT


@dataclass
class ResourceProgress:
    name: str
    started: float
    pages: int = 0
    rows: int = 0
    announced: int | None = None  # Sage's $count for the slice being read, when it sends one
    requests_left: int | None = None
    slices: set = field(default_factory=set)

    def line(self, now: float) -> str:
        elapsed = now - self.started
        parts = [f"{self.name}: {self.pages} pages", f"{self.rows} rows"]
        if self.announced is not None:
            parts[-1] += f" of {self.announced} announced"
        if self.requests_left is not None:
            parts.append(f"{self.requests_left} requests left")
        if elapsed >= 1.0:  # a rate over a few milliseconds says nothing
            rate = self.rows / elapsed
            parts.append(f"{rate:.0f} rows/s")
            if self.announced is not None and rate > 0 and self.announced > self.rows:
                parts.append(f"ETA {(self.announced - self.rows) / rate:.0f} s")
        return ", ".join(parts)


class RunProgress:
    """An event listener (`instance.add_event_listener(run_id, progress)`) that draws progress on `stream`."""

    def __init__(self, label: str, stream: IO[str] | None = None, *, live: bool | None = None,
                 total_steps: int | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.clock = clock
        self.label = label
        self.resources: dict[str, ResourceProgress] = {}
        self.steps_done = 0
        self.total_steps = total_steps
        self.began = clock()
        self._step_started = self.began  # a resource's rate counts from its step's start, not its first page
        self._current: str | None = None
        self._write(f"{label}\n")

    def __call__(self, entry) -> None:
        message = entry.user_message or ""
        if message.startswith(PAGE_EVENT + " "):
            self._page(json.loads(message[len(PAGE_EVENT) + 1:]))
            return
        event = entry.dagster_event
        if event is None:
            return
        if event.is_step_start:
            self._step_started = self.clock()
        elif event.is_step_success or event.is_step_failure:
            self.steps_done += 1
            self._finish_line()
            outcome = "done" if event.is_step_success else "FAILED"
            self._write(f"  step {event.step_key} {outcome} ({self._steps()})\n")

    def _steps(self) -> str:
        if not self.total_steps:
            return f"{self.steps_done} steps finished"
        text = f"{self.steps_done}/{self.total_steps} steps"
        left = self.total_steps - self.steps_done
        if left > 0:  # the run's ETA from the pace of its finished steps
            text += f", ETA {(self.clock() - self.began) / self.steps_done * left:.0f} s"
        return text

    def _page(self, page: dict) -> None:
        now = self.clock()
        name = f"{page['asset']} {page['company']}"
        if self._current not in (None, name):
            self._finish_line()
        res = self.resources.setdefault(name, ResourceProgress(name, self._step_started))
        if page.get("restarted"):  # Sage's data moved under the read: the pass starts again
            res.rows = 0
        res.pages += int(page.get("pages", 1))  # a line covers the pages read since the previous one
        res.rows += int(page["records"])
        res.announced = page.get("count") if page.get("count") is not None else res.announced
        res.requests_left = page.get("requests_left")
        self._current = name
        if self.live:
            self._write("\r  " + res.line(now) + "\x1b[K")

    def _finish_line(self) -> None:
        if self._current is None:
            return
        res = self.resources[self._current]
        self._write("\n" if self.live else "  " + res.line(self.clock()) + "\n")
        self._current = None

    def close(self) -> None:
        self._finish_line()

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
