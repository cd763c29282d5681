"""HTTP layer of the Looker client: auth header, 401 re-login, retries and error classification.

Retry policy (docs/reference/LOOKER-API.md §3): 429 (honouring Retry-After), 502, 503, 504 and connection failures
are retried with exponential backoff and jitter; other 4xx and 500 never are. A 401 triggers one
re-login and one repeat; a second 401 is an auth error. Non-idempotent requests (`Mode.UNSAFE`) are
retried only when the request certainly was not processed (429, connection refused); an ambiguous
failure is raised as `LookerAmbiguousError` for the caller to reconcile (see delivery.py).
"""

from __future__ import annotations

import email.utils
import enum
import logging
import re
import time
from typing import Any, Callable, Mapping

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from sage_looker.looker.auth import Token, TokenManager
from sage_looker.security.redaction import register_secret
from sage_looker.looker.endpoints import LOGIN, LOGOUT, Endpoint
from sage_looker.looker.errors import (
    LookerAmbiguousError, LookerAuthError, LookerHTTPError, LookerNotFoundError, LookerUnavailableError,
    LookerValidationError, Redactor,
)
from sage_looker.looker.settings import LookerSettings

log = logging.getLogger("sage_looker.looker")

_RETRY_STATUSES = frozenset({502, 503, 504})
# Raised before a single byte of the request reached the server: safe to repeat any request.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Mode(enum.Enum):
    SAFE = "safe"  # idempotent or harmless to repeat
    UNSAFE = "unsafe"  # repeating could deliver twice


class Transport:
    def __init__(self, settings: LookerSettings, *, http: httpx.Client | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.redactor = Redactor(settings.client_secret.get_secret_value())
        self._http = http or httpx.Client(
            base_url=settings.api_url, timeout=settings.timeout, verify=settings.verify_tls,
            headers={"Accept": "application/json", "User-Agent": "sage_looker (httpx)"},
        )
        self._sleep = sleep
        self._backoff = wait_random_exponential(multiplier=settings.backoff_initial_seconds,
                                                max=settings.backoff_max_seconds)
        self.tokens = TokenManager(self._login, renew_margin=settings.renew_margin_seconds, clock=clock)
        self._server_offset = 0.0  # server wall clock minus ours, from the login response's Date header

    def close(self) -> None:
        self._http.close()

    def server_now(self) -> float:
        """A conservative "now" for timestamps Looker will compare with its own clock."""
        return min(time.time(), time.time() + self._server_offset)

    # ------------------------------------------------------------------ public entry point
    def request(self, ep: Endpoint, *, path_params: Mapping[str, str] | None = None,
                params: Mapping[str, Any] | None = None, json: Any = None,
                form: Mapping[str, str] | None = None, authenticated: bool = True,
                mode: Mode = Mode.SAFE) -> httpx.Response:
        url = ep.path(**(path_params or {}))
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, LookerUnavailableError)
                                     and not isinstance(e, LookerAmbiguousError)),
            sleep=self._sleep,
            before_sleep=lambda rs: self._log_retry(ep, rs),
            retry_error_callback=lambda rs: self._give_up(ep, rs),
        )
        return retrying(self._attempt, ep, url, params, json, form, authenticated, mode)

    def call(self, ep: Endpoint, **kw: Any) -> Any:
        """`request`, then the JSON body (None for 204/empty). A non-JSON success is an error: it is
        typically an SSO or proxy login page answering in Looker's place."""
        resp = self.request(ep, **kw)
        if resp.status_code == 204 or not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            ctype = resp.headers.get("content-type", "no content type")
            raise LookerHTTPError(
                f"{ep.method} {ep.template} ({ep.operation_id}): HTTP {resp.status_code} with {ctype}, not JSON; "
                f"is LOOKER_BASE_URL the Looker API host, and is no SSO proxy in the way?",
                operation=str(ep), status=resp.status_code) from None

    # ------------------------------------------------------------------ one attempt
    def _attempt(self, ep: Endpoint, url: str, params: Mapping[str, Any] | None, json: Any,
                 form: Mapping[str, str] | None, authenticated: bool, mode: Mode) -> httpx.Response:
        token = self.tokens.current() if authenticated else None
        resp = self._send(ep, url, params, json, form, token, mode)
        if resp.status_code == 401 and token is not None:
            token = self.tokens.after_unauthorized(token)
            resp = self._send(ep, url, params, json, form, token, mode)
            if resp.status_code == 401:
                reason = self._describe(resp)[0].rstrip(".")
                raise LookerAuthError(self.redactor.scrub(
                    f"Looker rejected a freshly issued token for client id {self.settings.client_id!r} on "
                    f"{ep.method} {ep.template}: {reason}. The API key may have been revoked, or its user "
                    f"disabled or lacking permission."))
        return self._check(ep, resp, mode)

    def _send(self, ep: Endpoint, url: str, params: Mapping[str, Any] | None, json: Any,
              form: Mapping[str, str] | None, token: Token | None, mode: Mode) -> httpx.Response:
        headers = {"Authorization": f"token {token.value}"} if token is not None else None
        try:
            return self._http.request(ep.method, url, params=_query(params), json=json, data=form, headers=headers)
        except httpx.TransportError as exc:
            reason = self.redactor.scrub(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            cls = LookerAmbiguousError if mode is Mode.UNSAFE and not isinstance(exc, _NOT_SENT) else LookerUnavailableError
            raise cls(f"{ep.method} {ep.template} ({ep.operation_id}): {reason}", operation=str(ep),
                      status=None, reason=reason) from None

    def _check(self, ep: Endpoint, resp: httpx.Response, mode: Mode) -> httpx.Response:
        status = resp.status_code
        if 200 <= status < 300:
            return resp
        reason, looker_message, doc_url, field_errors = self._describe(resp)
        message = f"{ep.method} {ep.template} ({ep.operation_id}): {reason}"
        kw: dict[str, Any] = dict(operation=str(ep), status=status, looker_message=looker_message,
                                  documentation_url=doc_url, field_errors=field_errors, reason=reason)
        if status == 429:  # rejected before processing, even for non-idempotent requests
            raise LookerUnavailableError(message, retry_after=_retry_after(resp), **kw)
        if status >= 500 and mode is Mode.UNSAFE:
            raise LookerAmbiguousError(message, **kw)
        if status in _RETRY_STATUSES:
            raise LookerUnavailableError(message, **kw)
        if status == 404:
            raise LookerNotFoundError(message, **kw)
        if status == 422:
            raise LookerValidationError(message, **kw)
        raise LookerHTTPError(message, **kw)

    def _describe(self, resp: httpx.Response) -> tuple[str, str | None, str | None, tuple[dict[str, Any], ...]]:
        """A one-line reason for an error response, plus Looker's message, doc URL and field errors."""
        status = f"HTTP {resp.status_code} {resp.reason_phrase}".strip()
        ctype = resp.headers.get("content-type", "")
        text = resp.text[:4000]
        if "json" in ctype:
            try:
                body = resp.json()
            except ValueError:
                body = None
            if isinstance(body, dict):
                msg = body.get("message")
                errors = tuple(e for e in body.get("errors") or () if isinstance(e, dict))
                detail = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in errors)
                reason = f"{status}: {msg}" + (f" ({detail})" if detail else "") if msg else status
                return self.redactor.scrub(reason), msg, body.get("documentation_url"), errors
        if "html" in ctype or text.lstrip().startswith("<"):
            title = re.search(r"<title>(.*?)</title>", text, re.I | re.S)
            page = f" ({title.group(1).strip()!r})" if title else ""
            reason = f"{status}: an HTML error page{page} came back instead of JSON; a proxy or load balancer in front of Looker answered"
            return self.redactor.scrub(reason), None, None, ()
        snippet = " ".join(text.split())[:200]
        return self.redactor.scrub(f"{status}: {snippet}" if snippet else status), None, None, ()

    # ------------------------------------------------------------------ retries
    def backoff_seconds(self, attempt: int) -> float:
        """Exponential backoff with full jitter after the `attempt`-th failure (1-based)."""
        return self._backoff(_Attempt(attempt))  # type: ignore[arg-type]

    def _wait(self, rs: RetryCallState) -> float:
        backoff = self._backoff(rs)
        exc = rs.outcome.exception() if rs.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            # Honour the server, plus a little jitter so parallel callers do not return in lockstep.
            return min(retry_after, self.settings.retry_after_max_seconds) + backoff * 0.1
        return backoff

    def _log_retry(self, ep: Endpoint, rs: RetryCallState) -> None:
        exc = rs.outcome.exception() if rs.outcome else None
        log.warning("Looker %s %s: %s; retry %d of %d in %.2fs", ep.method, ep.template,
                    getattr(exc, "reason", exc), rs.attempt_number, self.settings.max_retries,
                    rs.next_action.sleep if rs.next_action else 0.0)

    def _give_up(self, ep: Endpoint, rs: RetryCallState) -> None:
        exc = rs.outcome.exception() if rs.outcome else None
        assert isinstance(exc, LookerUnavailableError)
        raise LookerUnavailableError(
            f"{ep.method} {ep.template} ({ep.operation_id}) failed after {rs.attempt_number} attempts; "
            f"last error: {exc.reason}", operation=exc.operation, status=exc.status,
            looker_message=exc.looker_message, documentation_url=exc.documentation_url,
            retry_after=exc.retry_after, reason=exc.reason) from None

    # ------------------------------------------------------------------ login / logout
    def _login(self) -> tuple[str, float]:
        cid = self.settings.client_id
        form = {"client_id": cid, "client_secret": self.settings.client_secret.get_secret_value()}
        try:
            resp = self.request(LOGIN, form=form, authenticated=False)
        except LookerUnavailableError:
            raise
        except LookerHTTPError as exc:
            raise LookerAuthError(self.redactor.scrub(
                f"Looker login failed for client id {cid!r} at {self.settings.api_url}/login: {exc.reason.rstrip('.')}. "
                f"Check LOOKER_CLIENT_ID and LOOKER_CLIENT_SECRET, and that LOOKER_BASE_URL is the instance "
                f"root (e.g. https://acme.cloud.looker.com).")) from None
        try:
            body = resp.json()
            token, expires_in = str(body["access_token"]), float(body.get("expires_in") or 3600)
        except (ValueError, KeyError, TypeError):
            raise LookerAuthError(f"Looker login for client id {cid!r} returned no access token "
                                  f"(HTTP {resp.status_code}, {resp.headers.get('content-type', 'no content type')})") from None
        self.redactor.add(token)
        register_secret(token)  # process-wide: no log line, Dagster event or exception may carry the token
        date = resp.headers.get("date")
        if date:
            try:
                self._server_offset = email.utils.parsedate_to_datetime(date).timestamp() - time.time()
            except (TypeError, ValueError):
                pass
        log.info("Logged in to Looker as client id %r; token valid for %.0fs", cid, expires_in)
        return token, expires_in

    def logout(self) -> bool:
        """Invalidate the current token (one attempt, best effort). True if Looker confirmed it."""
        token = self.tokens.forget()
        if token is None or not self.tokens.is_fresh(token):
            return False  # never log in just to log out
        try:
            resp = self._http.request(LOGOUT.method, LOGOUT.template, headers={"Authorization": f"token {token.value}"})
        except httpx.TransportError as exc:
            log.info("Looker logout failed (%s); the token will expire on its own", type(exc).__name__)
            return False
        return resp.status_code == 204


class _Attempt:
    """The one field of tenacity's RetryCallState that its wait strategies read."""

    def __init__(self, attempt_number: int) -> None:
        self.attempt_number = attempt_number


def _query(params: Mapping[str, Any] | None) -> dict[str, str] | None:
    if not params:
        return None
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            out[key] = ",".join(str(v) for v in value)  # Looker's delimited arrays, as its SDKs send them
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        else:
            out[key] = str(value)
    return out or None


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
