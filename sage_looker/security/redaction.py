"""Redact every configured secret from log records, Dagster events, metadata values and exception text.

Secrets are registered as they become known (`register_secret`, `register_sage_credentials` when the Sage
settings are built, the Looker client secret, each Looker access token as it is issued). `install()` then:

- wraps the process's LogRecord factory: EVERY record, from any logger (Dagster's per-run log managers and
  `@logger`s included, which are created after install and never pass a root-logger filter), is scrubbed
  when it is created (msg, args, exception text) and again whenever Dagster rewrites it (`msg`,
  `dagster_meta` with its DagsterEvent: step-failure error text and stack, materialization metadata, which
  is what Dagster writes to the event log);
- adds `RedactingFilter` to the root logger, the `dagster` logger and their handlers, for records built
  outside the factory (`logging.makeLogRecord`).

`scrub`, `scrub_value` (metadata dicts, Dagster metadata values, any NamedTuple/record) and
`scrub_exception` are there to clean text at the source, before it is stored anywhere.
Matching is case-insensitive: Sage upper-cases passwords on classic installs, so every case form leaks alike.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

REDACTED = "[REDACTED]"
# Shorter strings would redact ordinary words ("on", "SAM"); such a secret cannot be protected anyway.
MIN_SECRET_LENGTH = 4

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_installed_factory: Any = None
_previous_factory: Any = None


def register_secret(value: str | None) -> None:
    """Redact `value` (any case) from now on. Safe to call repeatedly and from any thread."""
    global _pattern
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        # Longest first, so a secret containing another is replaced whole.
        alternatives = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in alternatives), re.IGNORECASE)


def register_sage_credentials(user: str, password: str, password_case: str = "upper") -> None:
    """The Sage password in every form it can travel in: as given, upper/lower case, URL-encoded, and the
    HTTP Basic token (`base64(USER:password)`) httpx puts in every Authorization header."""
    if not password:
        return
    cases = {password, password.upper(), password.lower()}
    forms: set[str] = set()
    wire = password if password_case == "preserve" else password.upper()
    for form in cases:
        forms.add(quote(form, safe=""))
        forms.add(base64.b64encode(form.encode()).decode())
        for u in {user, user.upper()}:
            forms.add(base64.b64encode(f"{u}:{form}".encode()).decode())
    forms.add(base64.b64encode(f"{user.upper()}:{wire}".encode()).decode())
    if not (user and password.upper() == user.upper()):
        forms |= cases
    else:
        forms = {f for f in forms if f.upper() != user.upper()}  # its %-encoding is the user ID too
    # else: a password equal to the user ID is shown wherever the user ID is (messages name the user for good
    # reasons) and cannot be hidden as text; its encoded forms (the Basic token above all) still are.
    for form in forms:
        register_secret(form)


def register_from_env(env: Mapping[str, str] | None = None) -> None:
    """Secrets already in the environment (never the credential store: reading it needs the key)."""
    env = os.environ if env is None else env
    register_sage_credentials(env.get("SAGE300_USER", ""), env.get("SAGE300_PASSWORD", ""),
                              (env.get("SAGE300_PASSWORD_CASE") or "upper").strip().lower())
    register_secret(env.get("LOOKER_CLIENT_SECRET"))
    # The store's key, and database passwords (the warehouse URL's, the Dagster storage's).
    for var in ("SAGE_LOOKER_SECRET_KEY", "SAGE_LOOKER_PG_PASSWORD", "DAGSTER_PG_PASSWORD"):
        register_secret(env.get(var))
    register_database_password(env.get("SAGE_LOOKER_WAREHOUSE", ""))


_KEYWORD_PASSWORD = re.compile(r"\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S*)", re.IGNORECASE)


def register_database_password(target: str | None) -> None:
    """A database URL's (or libpq keyword string's) password in every form: as written (percent-encoded),
    decoded (what libpq sends and may echo), and encoded again."""
    if not target:
        return
    password: str | None = None
    if "://" in target:
        rest = target.partition("://")[2]
        end = min([i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0], default=len(rest))
        userinfo, at, _ = rest[:end].rpartition("@")  # the LAST @, as redact() does
        if at and ":" in userinfo:
            password = userinfo.split(":", 1)[1]
        query = re.search(r"[?&]password=([^&#]*)", rest, re.IGNORECASE)
        if query:
            register_database_password(f"password={query.group(1)}")
    else:
        m = _KEYWORD_PASSWORD.search(target)
        if m:
            password = m.group(1).strip("'")
    if not password:
        return
    for form in {password, unquote(password), quote(unquote(password), safe="")}:
        register_secret(form)


def registered_count() -> int:
    with _lock:
        return len(_secrets)


def clear() -> None:
    """Forget every secret (tests)."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None


def scrub(text: str) -> str:
    pattern = _pattern
    if pattern is None or not isinstance(text, str):
        return text
    return pattern.sub(REDACTED, text)


def contains_secret(text: str) -> bool:
    pattern = _pattern
    return bool(pattern is not None and isinstance(text, str) and pattern.search(text))


def scrub_value(value: Any, _depth: int = 0) -> Any:
    """`value` with every string inside scrubbed: str, bytes, mappings, lists/tuples/sets, NamedTuples and
    Dagster records (MetadataValue.text/json/md/url/path, DagsterEvent, SerializableErrorInfo: anything with
    `_fields` + `_replace`). Returns the SAME object when nothing changed, so the common case costs a walk."""
    if _pattern is None or _depth > 40:
        return value
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, bytes):
        text = value.decode("utf-8", "surrogateescape")
        clean = scrub(text)
        return value if clean == text else clean.encode("utf-8", "surrogateescape")
    if isinstance(value, BaseException):
        return scrub_exception(value)
    if isinstance(value, Mapping):
        items = [(scrub_value(k, _depth + 1), scrub_value(v, _depth + 1)) for k, v in value.items()]
        if all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(items, value.items())):
            return value
        try:
            return type(value)(items)
        except TypeError:
            return dict(items)
    fields = getattr(value, "_fields", None)
    if isinstance(fields, tuple) and hasattr(value, "_replace"):
        changed = {}
        for f in fields:
            old = getattr(value, f, None)
            new = scrub_value(old, _depth + 1)
            if new is not old:
                changed[f] = new
        if not changed:
            return value
        return _replace(value, changed)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [scrub_value(v, _depth + 1) for v in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        return tuple(items) if isinstance(value, tuple) else type(value)(items)
    return value


def _replace(value: Any, changed: dict[str, Any]) -> Any:
    if hasattr(value, "__hidden_iter__"):
        # A Dagster `@record` (MetadataValue.text, ...): namedtuple's _replace iterates, which records forbid.
        # Imported here, only when such a value is met: this module stays importable without Dagster.
        from dagster_shared.record import replace

        return replace(value, **changed)
    return value._replace(**changed)


def scrub_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """A Dagster metadata dict (plain values or MetadataValue objects) with every secret redacted."""
    return {k: scrub_value(v) for k, v in metadata.items()}


def scrub_exception(exc: BaseException) -> BaseException:
    """Scrub `exc` (and its causes) in place: its args and `message` attribute, which is what str(exc), the
    traceback text and Dagster's SerializableErrorInfo are built from. Returns `exc`, so `raise
    scrub_exception(exc)` works."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and _pattern is not None:
        seen.add(id(current))
        try:
            args = tuple(scrub_value(a) for a in current.args)
            if any(a is not b for a, b in zip(args, current.args)):
                current.args = args
            for attr in ("message", "msg", "reason", "detail", "description"):
                old = getattr(current, attr, None)
                if isinstance(old, str) and contains_secret(old):
                    setattr(current, attr, scrub(old))
        except (AttributeError, TypeError):  # read-only attributes on exotic exceptions: leave them
            pass
        current = current.__cause__ or current.__context__
    return exc


# ---------------------------------------------------------------------------------------------- logging

def _scrub_record(record: logging.LogRecord) -> None:
    if _pattern is None:
        return
    if record.args:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: scrub the pieces instead
            record.msg, record.args = scrub_value(record.msg), scrub_value(record.args)
        else:
            if contains_secret(message):
                record.msg, record.args = scrub(message), ()
    elif isinstance(record.msg, str):
        record.msg = scrub(record.msg)
    elif record.msg is not None:
        text = str(record.msg)
        if contains_secret(text):
            record.msg = scrub(text)
    if record.exc_info and record.exc_info[1] is not None:
        scrub_exception(record.exc_info[1])
        if not record.exc_text:
            # Formatters use exc_text when it is set: pre-format it scrubbed (locals never appear, but a
            # message captured before scrub_exception ran, e.g. by a custom __str__, still could).
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
    if record.exc_text:
        record.exc_text = scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)


class _RedactingRecord(logging.LogRecord):
    """A LogRecord that scrubs whatever is written to it later. Dagster converts a record in place
    (`record.msg = ...`, `record.dagster_meta = {... dagster_event ...}`) after it was created, then writes
    the event to the event log from those attributes."""

    def __setattr__(self, name: str, value: Any) -> None:
        if _pattern is not None:
            if name in ("msg", "exc_text", "stack_info") and isinstance(value, str):
                value = scrub(value)
            elif name == "args" and value:
                value = scrub_value(value)
            elif name == "dagster_meta" and isinstance(value, dict):
                value = scrub_value(value)
        object.__setattr__(self, name, value)


def _factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _previous_factory(*args, **kwargs)
    if type(record) is logging.LogRecord:
        record.__class__ = _RedactingRecord
    _scrub_record(record)
    return record


class RedactingFilter(logging.Filter):
    """Scrubs a record in place and lets it through."""

    def filter(self, record: logging.LogRecord) -> bool:
        _scrub_record(record)
        return True


_FILTER = RedactingFilter()


def _attach(logger: logging.Logger) -> None:
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    for handler in logger.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)


def install(env: Mapping[str, str] | None = None) -> None:
    """Install redaction process-wide (idempotent) and register the secrets already in the environment.
    Call at definitions load and at CLI start."""
    global _installed_factory, _previous_factory
    register_from_env(env)
    with _lock:
        # Once per process: wrapping again would chain the factory to itself.
        if _installed_factory is None:
            _previous_factory = logging.getLogRecordFactory()
            _installed_factory = _factory
            logging.setLogRecordFactory(_factory)
    for logger in (logging.getLogger(), logging.getLogger("dagster")):
        _attach(logger)


def uninstall() -> None:
    """Undo `install` (tests)."""
    global _installed_factory
    with _lock:
        if _installed_factory is not None and logging.getLogRecordFactory() is _installed_factory:
            logging.setLogRecordFactory(_previous_factory)
        _installed_factory = None
    for logger in (logging.getLogger(), logging.getLogger("dagster")):
        if _FILTER in logger.filters:
            logger.removeFilter(_FILTER)
        for handler in logger.handlers:
            handler.removeFilter(_FILTER)


# A warehouse target or store location as it can be shown: lower layers (the Sage host budget) show one too.
_QUERY_PASSWORD = re.compile(r"(?P<key>[?&]password=)[^&#]*", re.IGNORECASE)
_KEYWORD_PASSWORD = re.compile(r"(?P<key>\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)", re.IGNORECASE)


def redact_target(target: str | os.PathLike) -> str:
    """The target as it can be shown (logs, CLI output, the Dagster UI): a URL's password becomes `***`."""
    text = str(target)
    scheme, sep, rest = text.partition("://")
    if not sep:  # a path, or libpq's key=value form
        return _KEYWORD_PASSWORD.sub(lambda m: f"{m['key']}***", text) if "password" in text.lower() else text
    end = min([i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0], default=len(rest))
    userinfo, at, hosts = rest[:end].rpartition("@")  # the LAST @: a password may hold an unescaped one
    if at and ":" in userinfo:
        rest = f"{userinfo.split(':', 1)[0]}:***@{hosts}{rest[end:]}"
    return _QUERY_PASSWORD.sub(lambda m: f"{m['key']}***", f"{scheme}://{rest}")
