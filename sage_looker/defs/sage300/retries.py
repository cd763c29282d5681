"""Transient faults end in a successful night: per-asset Dagster retries for the error classes a tired IIS
produces, none for the errors a retry cannot fix.

Layers: each HTTP request is retried by the client (tenacity, exponential backoff with jitter, Retry-After,
never past the run's request budget); a read whose requests still fail raises SageUnavailable /
SageBadResponse / SageDataChanged, and the Sage asset step is then retried by this RetryPolicy after a
longer, jittered delay (an app pool that is recycling has time to come back). The retry re-reads the whole
slice from the same run's request budget, so a bad night stops at the budget instead of hammering Sage.
Errors a retry cannot fix (credentials, permissions, configuration, unstorable data, a rejected query, the
shrink guard, an exhausted budget, a full disk) fail the step at once with `dg.Failure(allow_retries=False)`;
the warehouse IO manager does the same for its writes.

`SAGE_LOOKER_STEP_RETRIES` (default 2) and `SAGE_LOOKER_STEP_RETRY_DELAY` (seconds, default 60) tune it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from functools import wraps

import dagster as dg

from sage_looker.sage300.errors import SageBadResponse, SageDataChanged, SageUnavailable
from sage_looker.warehouse.errors import LockTimeoutError

# What a later attempt can cure: an overloaded or recycling IIS, a truncated body, rows moving under the reader,
# another writer holding the DuckDB file.
TRANSIENT: tuple[type[BaseException], ...] = (SageUnavailable, SageBadResponse, SageDataChanged, LockTimeoutError)


def _int(name: str, default: int) -> int:
    raw = (os.environ.get(name) or "").strip()
    return int(raw) if raw.isdigit() else default


def _float(name: str, default: float) -> float:
    try:
        return max(0.0, float((os.environ.get(name) or "").strip() or default))
    except ValueError:
        return default


def sage_retry_policy() -> dg.RetryPolicy:
    return dg.RetryPolicy(max_retries=_int("SAGE_LOOKER_STEP_RETRIES", 2),
                          delay=_float("SAGE_LOOKER_STEP_RETRY_DELAY", 60.0),
                          backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)


def permanent(exc: BaseException) -> dg.Failure | None:
    """The step failure for an error a retry cannot fix (None: let the RetryPolicy have it)."""
    if isinstance(exc, (dg.Failure, *TRANSIENT)) or not isinstance(exc, Exception):
        return None
    return dg.Failure(description=f"{type(exc).__name__}: {exc}", allow_retries=False)


def no_retry_for_permanent_errors(fn: Callable[..., Iterator]) -> Callable[..., Iterator]:
    """Wrap an asset body: only the transient error classes use the step's retries."""
    @wraps(fn)
    def body(*args, **kwargs):
        try:
            yield from fn(*args, **kwargs)
        except Exception as exc:
            failure = permanent(exc)
            if failure is None:
                raise
            raise failure from exc
    return body
