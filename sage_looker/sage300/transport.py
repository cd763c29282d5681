"""One GET against the Sage 300 Web API, done right: auth, headers, budget, per-host bound, retries, errors.

- One `httpx.Client` per Sage300Client: keep-alive, a cookie jar (Sage/IIS session cookies are kept) and HTTP
  Basic on EVERY request, as Sage's reference asks. The user ID is sent upper-cased; the password upper-cased
  unless `password_case=preserve`. Every request carries `Content-Type: application/json` (Sage answers 500
  without it, even on GET) and `Accept: application/json`. TLS is verified (optionally against a CA bundle).
- Before every attempt (retries included) the run's `RequestBudget` is charged, then a slot of the host's
  `HostLimiter` is taken for the duration of the request.
- Retries (tenacity, exponential backoff with jitter, Retry-After honoured up to a cap) on 5xx, 429 and Sage
  codes TooManyRequests/SessionError/DBLinkError/InternalServerError, connection errors and resets, timeouts,
  and bodies that are HTML pages or malformed/truncated JSON. Never on 400/401/403/404. When the attempts run
  out: `SageBadResponse` for HTML/malformed bodies, `SageUnavailable` otherwise.
- JSON is parsed with `msgspec.json.Decoder(float_hook=Decimal)`: every non-integer number becomes an exact
  Decimal; no float ever appears on the money path.
- Nothing here logs or raises the password or the Authorization header: messages are built from URLs without
  credentials and server text is scrubbed of every form of the password.
"""

from __future__ import annotations

import decimal
import email.utils
import json
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from sage_looker.sage300.budget import HostLimiter, RequestBudget
from sage_looker.sage300.errors import (
    SageAuthError,
    SageBadResponse,
    SageConfigError,
    SageDataError,
    SageError,
    SagePermissionError,
    SageRequestError,
    SageResourceMissing,
    SageUnavailable,
    is_retryable,
    looks_like_html,
    parse_error_body,
)
from sage_looker.sage300.settings import Sage300Settings

log = logging.getLogger(__name__)

HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "User-Agent": "sage_looker/0.1 (+httpx)",
}


@dataclass
class Target:
    """What a request is about, for error messages."""

    path: str  # AP/APVendors
    company: str
    optional: bool = False

    keys: tuple[str, ...] = ()  # the resource's natural key fields, to name a record in an error

    @property
    def module(self) -> str:
        return self.path.partition("/")[0]


def _has_lone_surrogate(value: Any) -> str | None:
    if isinstance(value, str):
        return value if any("\ud800" <= ch <= "\udfff" for ch in value) else None
    if isinstance(value, dict):
        return next((k for k, v in value.items() if _has_lone_surrogate(v) is not None), None)
    if isinstance(value, list):
        return next((r for r in (_has_lone_surrogate(v) for v in value) if r is not None), None)
    return None


def unusable_record(body: bytes, target: Target) -> str | None:
    """Why a body msgspec refused is nonetheless complete JSON (so not a truncated response worth a retry):
    a record carrying a lone UTF-16 surrogate (text no database can store). None when the body really is
    malformed or truncated."""
    try:
        doc = json.loads(body, parse_float=decimal.Decimal, parse_constant=decimal.Decimal)
    except (ValueError, RecursionError):
        return None
    rows = doc.get("value") if isinstance(doc, dict) else None
    for i, rec in enumerate(rows if isinstance(rows, list) else [doc]):
        field = _has_lone_surrogate(rec)
        if field is not None:
            key = ", ".join(f"{k}={rec.get(k)!r}" for k in target.keys) if isinstance(rec, dict) else ""
            return (f"record {key or f'#{i + 1} of the page'} has a lone UTF-16 surrogate (invalid text) in field "
                    f"{field!r}; no warehouse can store it. Correct the text of that record in Sage, then re-run.")
    return "the body is complete JSON that the exact parser refuses (invalid text in a string); re-run after fixing it in Sage"


@dataclass
class Counters:
    """Per-read request accounting (one read may span many requests)."""

    requests: int = 0
    retries: int = 0
    bytes: int = 0


@dataclass
class Response:
    url: str
    status: int
    body: bytes
    doc: Any
    seconds: float
    server_date: str | None = None  # the HTTP Date header: the Sage server's clock


class _Transient(Exception):
    """A failure worth another attempt; `final()` is what to raise when attempts run out."""

    def __init__(self, reason: str, *, url: str, status: int | None = None, code: str | None = None,
                 kind: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status = status
        self.code = code
        self.kind = kind  # "HTML error page" / "malformed JSON" / None
        self.retry_after = retry_after

    def final(self, attempts: int, seconds: float) -> SageError:
        tried = f"{attempts} attempt{'s' if attempts != 1 else ''} over {seconds:.1f} s"
        status = f"HTTP {self.status}" if self.status is not None else "no HTTP status"
        if self.kind:
            return SageBadResponse(
                f"Sage 300 returned {'an' if self.kind[0] in 'aeiouAEIOUH' else 'a'} {self.kind} instead of JSON "
                f"({status}) for GET {self.url}: {self.reason}. Gave up after {tried}. An HTML page usually comes "
                "from IIS or a reverse proxy (app pool stopped or recycling, gateway timeout, page size too large "
                "for the proxy: try a smaller SAGE300_PAGE_SIZE); malformed JSON from a truncated response.",
                kind=self.kind, url=self.url, status=self.status, code=self.code,
            )
        return SageUnavailable(
            f"Sage 300 is unavailable: GET {self.url} failed ({status}{', ' + self.code if self.code else ''}: "
            f"{self.reason}); gave up after {tried}. Check that the Sage 300 Web API app pool is running and "
            "not overloaded (lower SAGE300_CONCURRENCY), then re-run.",
            attempts=attempts, seconds=seconds, url=self.url, status=self.status, code=self.code,
        )


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class SageTransport:
    """GETs JSON from one Sage 300 Web API under a request budget and a per-host concurrency bound."""

    def __init__(self, settings: Sage300Settings, budget: RequestBudget, *,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] | None = None) -> None:
        if not settings.url:
            raise SageConfigError(
                "SAGE300_URL is empty: the client needs the Web API base (e.g. https://erp/Sage300WebApi); "
                "an empty URL means 'use the bundled simulator', which the caller must start and pass as url."
            )
        self.settings = settings
        self.base_url = settings.url
        self.budget = budget
        self.limiter = HostLimiter.for_url(settings.url, settings.concurrency)
        self._secrets = settings.secrets()
        self._sleep = sleep or time.sleep
        if not settings.verify_tls:
            verify: Any = False
        elif settings.ca_bundle:
            verify = ssl.create_default_context(cafile=str(settings.ca_bundle))
        else:
            verify = True
        self._http = httpx.Client(
            auth=httpx.BasicAuth(settings.user.upper(), settings.wire_password()),
            headers=HEADERS,
            timeout=httpx.Timeout(settings.timeout_seconds),
            verify=verify,
            transport=transport,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=max(4, settings.concurrency * 2),
                                max_keepalive_connections=max(2, settings.concurrency)),
        )
        self._decoder = msgspec.json.Decoder(float_hook=decimal.Decimal)

    def close(self) -> None:
        self._http.close()

    # ------------------------------------------------------------------ messages

    def scrub(self, text: str | None) -> str:
        """Server-provided text with every form of the password replaced by ***."""
        if not text:
            return text or ""
        for s in self._secrets:
            if s in text:
                text = text.replace(s, "***")
        return text

    def _scrubbed(self, exc: SageError) -> SageError:
        clean = self.scrub(exc.message)
        if clean != exc.message:
            exc.message = clean
            exc.args = (clean,)
        return exc

    # ------------------------------------------------------------------ requests

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        s = self.settings
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, s.retry_after_cap_seconds)
        return wait_exponential_jitter(
            initial=s.backoff_initial_seconds, max=s.backoff_max_seconds, jitter=s.backoff_initial_seconds
        )(state)

    def _before_sleep(self, target: Target) -> Callable[[RetryCallState], None]:
        def log_retry(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            log.warning(
                "Sage 300 %s %s: %s; attempt %d of %d failed, retrying in %.2f s",
                target.company, target.path, self.scrub(str(exc)), state.attempt_number,
                self.settings.max_retries + 1, wait,
            )
        return log_retry

    def get_json(self, url: str, target: Target, counters: Counters) -> Response:
        """GET `url` and parse its JSON, with retries; raises a typed SageError when it cannot."""
        started = time.monotonic()
        attempts = 0
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type(_Transient),
            sleep=self._sleep,
            before_sleep=self._before_sleep(target),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    attempts += 1
                    if attempts > 1:
                        counters.retries += 1
                    return self._once(url, target, counters)
        except _Transient as t:
            raise self._scrubbed(t.final(attempts, time.monotonic() - started)) from None
        except SageError as e:
            raise self._scrubbed(e) from None
        raise AssertionError("unreachable")

    def _once(self, url: str, target: Target, counters: Counters) -> Response:
        self.budget.charge(what=f"GET {target.company} {target.path}")
        counters.requests += 1
        t0 = time.monotonic()
        with self.limiter.slot():
            try:
                resp = self._http.get(url)
                body = resp.content
            except httpx.TimeoutException as exc:
                raise _Transient(f"no response within {self.settings.timeout_seconds:g} s ({type(exc).__name__})",
                                 url=url) from None
            except httpx.TransportError as exc:
                raise _Transient(f"connection failed: {type(exc).__name__}: {self.scrub(str(exc))[:200]}",
                                 url=url) from None
        seconds = time.monotonic() - t0
        counters.bytes += len(body)
        status = resp.status_code
        ctype = resp.headers.get("content-type", "")
        log.debug("GET %s -> %s (%d bytes, %.3f s)", url, status, len(body), seconds)
        if 200 <= status < 300:
            if looks_like_html(body, ctype):
                info = parse_error_body(body, ctype)
                raise _Transient(f"page titled {self.scrub(info.message or '')!r}", url=url, status=status,
                                 kind="HTML error page")
            try:
                doc = self._decoder.decode(body)
            except msgspec.DecodeError as exc:
                unusable = unusable_record(body, target)
                if unusable is not None:  # a complete body: asking again brings the same record back
                    raise SageDataError(f"Sage 300 {target.company} {target.path} (GET {url}): {unusable}") from None
                raise _Transient(f"malformed JSON ({exc}; {len(body)} bytes received)", url=url, status=status,
                                 kind="malformed JSON") from None
            return Response(url, status, body, doc, seconds, resp.headers.get("date"))
        if 300 <= status < 400:
            raise SageRequestError(
                f"Sage 300 redirected GET {url} (HTTP {status}) to {resp.headers.get('location', '?')}: "
                "set SAGE300_URL to the final Web API base (scheme and host included).",
                url=url, status=status,
            )
        info = parse_error_body(body, ctype)
        message = self.scrub(info.message)
        if is_retryable(status, info.code):
            if info.kind == "html":
                raise _Transient(f"page titled {message!r}", url=url, status=status, kind="HTML error page",
                                 retry_after=parse_retry_after(resp.headers.get("retry-after")))
            raise _Transient(message or "no error message", url=url, status=status, code=info.code,
                             retry_after=parse_retry_after(resp.headers.get("retry-after")))
        raise self._permanent(status, info.code, message, url, target)

    def _permanent(self, status: int, code: str | None, message: str, url: str, target: Target) -> SageError:
        s = self.settings
        if status == 401 or code == "Unauthorized":
            return SageAuthError.build(url=url, user=s.user.upper(), company=target.company,
                                       password_case=s.password_case, sage_code=code, sage_message=message)
        if status == 403 or code == "Forbidden":
            return SagePermissionError.build(url=url, user=s.user.upper(), company=target.company,
                                             module=target.module, sage_code=code, sage_message=message)
        if status == 404 or code == "ResourceNotFound":
            return SageResourceMissing.build(url=url, resource=target.path, company=target.company,
                                             optional=target.optional, sage_code=code, sage_message=message)
        hint = ""
        if code == "InvalidParameters" or status == 400:
            hint = (" The query may name a field or option this Sage version does not support; check the "
                    f"module's $metadata ({self.base_url}/v1.0/-/{target.company}/{target.module}/$metadata).")
        return SageRequestError(
            f"Sage 300 rejected GET {url} (HTTP {status}, code {code or 'none'}): {message or 'no message'}.{hint}",
            url=url, status=status, code=code,
        )
