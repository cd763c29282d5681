"""Looker client errors: one type per way a call can fail, each with one clear message.

Messages are built by the client from parts it controls (operation, status, Looker's `message`),
always passed through `Redactor.scrub`, so a client secret or access token never appears in them.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from typing import Any

from sage_looker.errors import ConfigurationError

_REDACTED = "[REDACTED]"


class LookerError(Exception):
    """Base of every error the Looker client raises."""


class LookerConfigError(LookerError, ConfigurationError):
    """Bad or missing settings (names the environment variable)."""


class LookerAuthError(LookerError):
    """Login failed, or Looker rejected a freshly issued token (names the client id, never the secret)."""


class LookerHTTPError(LookerError):
    """Looker answered with an error that retrying cannot fix (4xx other than 401/429, or 500)."""

    def __init__(self, message: str, *, operation: str, status: int | None,
                 looker_message: str | None = None, documentation_url: str | None = None,
                 field_errors: tuple[dict[str, Any], ...] = (), reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message  # the part after "METHOD /path (operation): "
        self.operation = operation
        self.status = status
        self.looker_message = looker_message
        self.documentation_url = documentation_url
        self.field_errors = field_errors


class LookerNotFoundError(LookerHTTPError):
    """404: the id or name does not exist (or the API user may not see it)."""


class LookerValidationError(LookerHTTPError):
    """422: Looker rejected the request body; `field_errors` lists the fields."""


class LookerUnavailableError(LookerHTTPError):
    """429, 502, 503, 504 or a connection failure, still failing after every retry."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class LookerAmbiguousError(LookerUnavailableError):
    """A non-idempotent request may or may not have been applied (5xx, timeout or reset after sending)."""


class LookerDeliveryError(LookerError):
    """A scheduled plan could not be delivered, or whether it was delivered is unknown."""

    def __init__(self, message: str, *, plan_id: str, delivered: bool | None) -> None:
        super().__init__(message)
        self.plan_id = plan_id
        self.delivered = delivered  # None: unknown


class Redactor:
    """Remembers the secrets of one client (its client secret, recent tokens) and scrubs text of them."""

    def __init__(self, *secrets: str) -> None:
        self._lock = threading.Lock()
        self._fixed = tuple(s for s in secrets if s)
        self._tokens: deque[str] = deque(maxlen=16)  # old tokens too: a late log line may quote one

    def add(self, secret: str) -> None:
        if secret:
            with self._lock:
                self._tokens.append(secret)

    def scrub(self, text: str) -> str:
        with self._lock:
            secrets = self._fixed + tuple(self._tokens)
        for secret in sorted(secrets, key=len, reverse=True):
            text = text.replace(secret, _REDACTED)
        # Belt and braces for anything that looks like a credential assignment or auth header.
        text = re.sub(r"(?i)(client_secret=)[^&\s]+", r"\1" + _REDACTED, text)
        return re.sub(r"(?i)((?:token|bearer)\s+)[A-Za-z0-9._~+/=-]{16,}", r"\1" + _REDACTED, text)
