"""Access-token lifecycle: proactive renewal and single-flight re-login.

Token age is measured on a monotonic clock from the moment the login request was *sent*, so the
client always believes its token is older than the server does, and wall-clock jumps (NTP, DST,
suspended laptops) cannot make a stale token look fresh.

Single flight: logins happen under one lock. A caller that saw a 401 passes the token it used; if a
newer token already exists, someone else has renewed it in the meantime and the caller reuses that
one, so N threads hitting 401 together cause exactly one login.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger("sage_looker.looker")


@dataclass(frozen=True)
class Token:
    value: str
    obtained_at: float  # monotonic, taken just before the login request went out
    lifetime: float  # seconds, from expires_in
    generation: int

    def __repr__(self) -> str:  # a token must never reach a log through a repr
        return f"Token(generation={self.generation}, lifetime={self.lifetime})"


# login() -> (access_token, expires_in seconds)
LoginFn = Callable[[], tuple[str, float]]


class TokenManager:
    def __init__(self, login: LoginFn, *, renew_margin: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._login = login
        self._margin = renew_margin
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Token | None = None
        self._generation = 0
        self.logins = 0

    def effective_margin(self, lifetime: float) -> float:
        # With a 5-minute margin a 2-second token would be "stale" on arrival and every call would log
        # in again; renew after three quarters of a short lifetime instead.
        return min(self._margin, lifetime / 4)

    def is_fresh(self, token: Token) -> bool:
        return self._clock() - token.obtained_at < token.lifetime - self.effective_margin(token.lifetime)

    def current(self) -> Token:
        token = self._token
        if token is not None and self.is_fresh(token):
            return token
        with self._lock:
            token = self._token  # another thread may have renewed while we waited for the lock
            if token is not None and self.is_fresh(token):
                return token
            if token is not None:
                log.info("Looker token is %.0fs old (lifetime %.0fs): renewing before it expires",
                         self._clock() - token.obtained_at, token.lifetime)
            return self._renew_locked()

    def after_unauthorized(self, rejected: Token) -> Token:
        """Called when `rejected` got a 401: log in again unless someone already did."""
        with self._lock:
            if self._token is not None and self._token.generation != rejected.generation:
                return self._token
            log.info("Looker answered 401 to a token of generation %d: logging in again", rejected.generation)
            return self._renew_locked()

    def forget(self) -> Token | None:
        with self._lock:
            token, self._token = self._token, None
            return token

    def peek(self) -> Token | None:
        return self._token

    def _renew_locked(self) -> Token:
        started = self._clock()
        value, expires_in = self._login()
        self._generation += 1
        self.logins += 1
        self._token = Token(value, started, float(expires_in), self._generation)
        return self._token
