"""Typed Sage 300 errors, each with one message that says what happened and how to fix it.

Messages never carry the password: the client builds them from URLs without credentials and scrubs
every piece of server-provided text (see `Sage300Client._scrub`) before it reaches an exception.
Sage's error body is `{"error": {"code": "<Code>", "message": {"lang": "en-US", "value": "<text>"}}}`;
Sage advises keying automation on `code`, so `code` drives the retry decision (`is_retryable`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import msgspec

from sage_looker.errors import ConfigurationError

# Codes that mean "try again later" (Sage's own list: docs/reference/SAGE300-WEB-API.md §4).
RETRYABLE_CODES = frozenset({"InternalServerError", "TooManyRequests", "SessionError", "DBLinkError"})
# Codes that mean "this request will never work".
PERMANENT_CODES = frozenset({
    "Unauthorized", "Forbidden", "InvalidParameters", "ResourceNotFound", "InvalidEntityKey", "RecordNotFound",
    "MethodNotAllowed", "InvalidPayload", "InvalidAction", "RecordDuplicate", "RecordInvalid",
})
# HTTP statuses that are never retried whatever the body says.
NEVER_RETRY_STATUS = frozenset({400, 401, 403, 404})
# Statuses retried when the body carries no (or an unknown) Sage code.
RETRY_STATUS = frozenset({408, 423, 429, 500, 502, 503, 504})

_AUTHORIZATION_HELP = (
    'the Sage user needs the "Sage 300 Web API" security authorization in each module read (AP, AR, CS, GL, '
    "IC, OE, PO) plus view rights on the data"
)


class SageError(Exception):
    """Base of every error raised by the Sage 300 client layer."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None,
                 code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url
        self.status = status
        self.code = code

    def __str__(self) -> str:
        return self.message


class SageConfigError(SageError, ConfigurationError):
    """A setting (usually a SAGE300_* environment variable) is invalid: one line per bad field (a ValueError,
    through `ConfigurationError`)."""


class SageDataError(SageError, ValueError):
    """A value Sage sent does not fit its declared column (fractional INT, too many decimals, bad date)."""


class SageAuthError(SageError):
    """401: Sage refused the credentials."""

    @classmethod
    def build(cls, *, url: str, user: str, company: str | None, password_case: str,
              sage_code: str | None, sage_message: str | None) -> "SageAuthError":
        said = f" Sage said: {sage_code or 'Unauthorized'}: {sage_message}." if sage_message else ""
        pw = (
            "the password is sent upper-cased (classic Sage installs); if this install's passwords are mixed "
            "case set SAGE300_PASSWORD_CASE=preserve"
            if password_case == "upper"
            else "the password is sent exactly as given (SAGE300_PASSWORD_CASE=preserve); if this install "
            "expects upper-case passwords unset SAGE300_PASSWORD_CASE"
        )
        msg = (
            f"Sage 300 refused the credentials of user {user!r} (HTTP 401) for {url}.{said} Check: "
            f"SAGE300_USER and SAGE300_PASSWORD are right (the user ID is sent upper case, {pw}); {_AUTHORIZATION_HELP}; "
            "the built-in ADMIN user is blocked from the Web API unless AllowWebApiAccessForAdmin=true is set in "
            "both Online\\Web\\web.config and Online\\WebApi\\web.config (better: a dedicated user such as WEBAPI); "
            f"and the company code {company!r} exists (SAGE300_COMPANIES)."
        )
        return cls(msg, url=url, status=401, code=sage_code)


class SagePermissionError(SageError):
    """403: the user lacks the Web API authorization for one module."""

    @classmethod
    def build(cls, *, url: str, user: str, company: str, module: str, sage_code: str | None,
              sage_message: str | None) -> "SagePermissionError":
        said = f" Sage said: {sage_code or 'Forbidden'}: {sage_message}." if sage_message else ""
        msg = (
            f"Sage 300 forbids user {user!r} to read module {module} of company {company} (HTTP 403) at {url}.{said} "
            f'Fix: in Sage 300 Administrative Services > Security Groups, give the user\'s {module} security group '
            f'the "Sage 300 Web API" authorization (plus view rights on the data), then assign it to the user for '
            f"company {company}."
        )
        return cls(msg, url=url, status=403, code=sage_code)


class SageResourceMissing(SageError):
    """404 / ResourceNotFound: this Sage version or edition does not have the resource."""

    @classmethod
    def build(cls, *, url: str, resource: str, company: str, optional: bool, sage_code: str | None,
              sage_message: str | None) -> "SageResourceMissing":
        said = f" Sage said: {sage_code or 'NotFound'}: {sage_message}." if sage_message else ""
        tail = (
            "It is optional in the catalog, so the asset is skipped with a warning."
            if optional
            else "This Sage 300 version or edition probably lacks it (check the module's $metadata or Swagger); "
            "the asset is skipped with a warning."
        )
        msg = f"Sage 300 has no resource {resource} for company {company} (HTTP 404) at {url}.{said} {tail}"
        return cls(msg, url=url, status=404, code=sage_code)


class SageBadResponse(SageError):
    """The body was an HTML error page or malformed JSON (after the last retry)."""

    def __init__(self, message: str, *, kind: str = "malformed JSON", url: str | None = None,
                 status: int | None = None, code: str | None = None) -> None:
        super().__init__(message, url=url, status=status, code=code)
        self.kind = kind


class SageBudgetExceeded(SageError):
    """The run would exceed its request budget."""

    def __init__(self, *, limit: int, used: int, what: str = "") -> None:
        msg = (
            f"Sage 300 request budget exhausted: the next request{' (' + what + ')' if what else ''} would exceed "
            f"the limit of {limit} requests for this run ({used} already used, retries included). The budget "
            "protects the Sage server (IIS app pools stall under long bursts); if the run really needs more, raise "
            "SAGE300_MAX_REQUESTS_PER_RUN, or ask the Sage admin to raise PageSize in Online\\WebApi\\Web.config "
            "and set SAGE300_PAGE_SIZE to match."
        )
        super().__init__(msg)
        self.limit = limit
        self.used = used


class SageRequestError(SageError):
    """Another 4xx: Sage rejected the request (bad filter, unsupported option...)."""


class SageUnavailable(SageError):
    """Retries exhausted on 5xx / TooManyRequests / SessionError / DBLinkError / timeouts / resets."""

    def __init__(self, message: str, *, attempts: int = 0, seconds: float = 0.0, url: str | None = None,
                 status: int | None = None, code: str | None = None) -> None:
        super().__init__(message, url=url, status=status, code=code)
        self.attempts = attempts
        self.seconds = seconds


class SageDataChanged(SageError):
    """Paging could not get a consistent read of a live table after N attempts."""


@dataclass(frozen=True)
class SageErrorBody:
    """What Sage's error body said: its machine code, its text and the body's kind."""

    code: str | None
    message: str | None
    kind: str  # "json" | "html" | "text" | "empty"


_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def looks_like_html(body: bytes, content_type: str = "") -> bool:
    head = body[:512].lstrip().lower()
    return "html" in content_type.lower() or head.startswith((b"<!doctype", b"<html", b"<head", b"<body"))


def parse_error_body(body: bytes, content_type: str = "") -> SageErrorBody:
    """Parse Sage's JSON error (`error.code`, `error.message.value`; v3 `odata.error`), an HTML page or text."""
    if not body.strip():
        return SageErrorBody(None, None, "empty")
    if looks_like_html(body, content_type):
        m = _TITLE.search(body)
        text = m.group(1) if m else body[:2000]
        msg = _SPACE.sub(" ", _TAGS.sub(" ", text.decode("utf-8", "replace"))).strip()
        return SageErrorBody(None, msg[:300] or None, "html")
    try:
        doc = msgspec.json.decode(body)
    except msgspec.DecodeError:
        text = _SPACE.sub(" ", body[:1000].decode("utf-8", "replace")).strip()
        return SageErrorBody(None, text[:300] or None, "text")
    if isinstance(doc, dict):
        err = doc.get("error") or doc.get("odata.error") or doc.get("Error")
        if isinstance(err, dict):
            code = err.get("code") or err.get("Code")
            m = err.get("message") or err.get("Message")
            if isinstance(m, dict):
                m = m.get("value") or m.get("Value")
            return SageErrorBody(str(code) if code else None, str(m) if m is not None else None, "json")
        m = doc.get("message") or doc.get("Message")
        if m is not None:
            return SageErrorBody(None, str(m)[:300], "json")
    return SageErrorBody(None, _SPACE.sub(" ", body[:300].decode("utf-8", "replace")).strip(), "json")


def is_retryable(status: int, code: str | None) -> bool:
    """Whether a failed response is worth retrying: the Sage code decides, the HTTP status breaks ties."""
    if status in NEVER_RETRY_STATUS:
        return False
    if code in RETRYABLE_CODES:
        return True
    if code in PERMANENT_CODES:
        return False
    if code == "General":
        return status >= 500
    return status in RETRY_STATUS or status >= 500
