"""Connection settings for the Sage 300 Web API, from code or from SAGE300_* environment variables.

`url` is the `.../Sage300WebApi` base; None or empty means "use the bundled simulator", which higher layers
decide. The password is a `SecretStr`: it never appears in repr/str, logs or error messages.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from sage_looker.sage300.companies import company_codes
from sage_looker.sage300.errors import SageConfigError
from sage_looker.security.transport_safety import refuse_basic_over_http

_USER_PATTERN = re.compile(r"^[A-Za-z][^\s:]{0,7}$")

# field → (environment variable, how to fix a bad value)
ENV_VARS: dict[str, tuple[str, str]] = {
    "url": ("SAGE300_URL", "give the Web API base, e.g. https://erp.example.com/Sage300WebApi (no credentials, "
            "no /v1.0/... suffix), or leave it empty to use the bundled simulator"),
    "user": ("SAGE300_USER", "give a Sage 300 user ID: 1-8 characters starting with a letter, e.g. WEBAPI"),
    "password": ("SAGE300_PASSWORD", "give the Sage user's password (empty when system security is off)"),
    "password_case": ("SAGE300_PASSWORD_CASE", "use 'upper' (default: the password is upper-cased) or "
                      "'preserve' (send it exactly as given, for mixed-case passwords)"),
    "companies": ("SAGE300_COMPANIES", "give a comma-separated list of company (org/database) IDs of 1-6 letters "
                  "or digits, e.g. SAMLTD,SAMINC"),
    "page_size": ("SAGE300_PAGE_SIZE", "give a whole number between 1 and 10000; it should match PageSize in "
                  "Online\\WebApi\\Web.config (Sage's default 100)"),
    "max_requests_per_run": ("SAGE300_MAX_REQUESTS_PER_RUN", "give a whole number of at least 1 (default 1200)"),
    "concurrency": ("SAGE300_CONCURRENCY", "give a whole number between 1 and 16 (Sage copes with 1-2 requests "
                    "in flight per host; default 2)"),
    "timeout_seconds": ("SAGE300_TIMEOUT", "give a number of seconds greater than 0 (default 60)"),
    "verify_tls": ("SAGE300_VERIFY_TLS", "use true or false (default true; prefer SAGE300_CA_BUNDLE for a private "
                   "CA over turning verification off)"),
    "ca_bundle": ("SAGE300_CA_BUNDLE", "give the path of an existing PEM file with the CA certificates"),
    "max_retries": ("SAGE300_MAX_RETRIES", "give a whole number between 0 and 20 (default 5)"),
}


class Sage300Settings(BaseModel):
    """How to reach one Sage 300 Web API and how hard to push it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str | None = None
    user: str = ""
    password: SecretStr = SecretStr("")
    password_case: Literal["upper", "preserve"] = "upper"
    companies: list[str] = Field(default_factory=list)
    page_size: int = Field(100, ge=1, le=10_000)
    max_requests_per_run: int = Field(1200, ge=1)
    concurrency: int = Field(2, ge=1, le=16)
    timeout_seconds: float = Field(60.0, gt=0)
    verify_tls: bool = True
    ca_bundle: Path | None = None
    max_retries: int = Field(5, ge=0, le=20)
    # Backoff between attempts: exponential from `backoff_initial_seconds` with jitter, at most
    # `backoff_max_seconds`; a Retry-After header is honoured up to `retry_after_cap_seconds`.
    backoff_initial_seconds: float = Field(0.5, ge=0)
    backoff_max_seconds: float = Field(30.0, ge=0)
    retry_after_cap_seconds: float = Field(60.0, ge=0)
    # Paging: rows re-read at the start of each page to detect inserts/deletes, and full passes tried
    # before giving up with SageDataChanged.
    paging_overlap: int = Field(3, ge=0, le=50)
    consistency_attempts: int = Field(3, ge=1, le=20)
    # One cheap request per company before its first heavy read (wakes an idle IIS app pool).
    warm_up: bool = True

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, v: Any) -> str | None:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if not isinstance(v, str):
            raise ValueError("must be a URL string")
        v = v.strip().rstrip("/")
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL with a host")
        if parts.username or parts.password:
            raise ValueError("must not carry credentials; use SAGE300_USER and SAGE300_PASSWORD")
        if parts.query or parts.fragment:
            raise ValueError("must not carry a query or fragment")
        if re.search(r"/v\d+\.\d+(/|$)", parts.path):
            raise ValueError("must be the Web API base ending before /v1.0 (e.g. .../Sage300WebApi)")
        return v

    @field_validator("user", mode="before")
    @classmethod
    def _user(cls, v: Any) -> str:
        v = "" if v is None else str(v).strip()
        if v and not _USER_PATTERN.match(v):
            raise ValueError("must be a Sage user ID of 1-8 characters starting with a letter, without spaces or ':'")
        return v.upper()

    @field_validator("password_case", mode="before")
    @classmethod
    def _case(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("companies", mode="before")
    @classmethod
    def _companies(cls, v: Any) -> list[str]:
        return list(company_codes(v))

    @field_validator("ca_bundle")
    @classmethod
    def _ca(cls, v: Path | None) -> Path | None:
        if v is not None and not Path(v).is_file():
            raise ValueError(f"file {str(v)!r} does not exist")
        return v

    def wire_password(self) -> str:
        """The password as sent on the wire: upper-cased unless password_case=preserve."""
        pw = self.password.get_secret_value()
        return pw if self.password_case == "preserve" else pw.upper()

    def secrets(self) -> tuple[str, ...]:
        """Every form of the password that must never appear in a message (for scrubbing)."""
        pw = self.password.get_secret_value()
        return tuple(s for s in {pw, pw.upper(), pw.lower()} if len(s) >= 3)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "Sage300Settings":
        """Read SAGE300_* variables; one clear line per bad variable naming it and the fix."""
        env = os.environ if env is None else env
        raw: dict[str, Any] = {}
        for field, (var, _) in ENV_VARS.items():
            value = env.get(var)
            if value is None or (value.strip() == "" and field != "password"):
                continue
            if field == "verify_tls":
                low = value.strip().lower()
                if low in ("1", "true", "yes", "on"):
                    raw[field] = True
                elif low in ("0", "false", "no", "off"):
                    raw[field] = False
                else:
                    raw[field] = value  # pydantic reports it below
            else:
                raw[field] = value
        raw.update(overrides)
        try:
            settings = cls(**raw)
        except ValidationError as exc:
            lines = []
            seen: set[str] = set()
            for err in exc.errors(include_url=False, include_input=False):
                field = str(err["loc"][0]) if err["loc"] else "?"
                if field in seen:
                    continue
                seen.add(field)
                var, fix = ENV_VARS.get(field, (field, "check the value"))
                got = re.sub(r"//[^/@]*@", "//***@", str(raw.get(field)))  # never echo URL credentials
                shown = "" if field == "password" else f" (got {got!r})"
                reason = str(err["msg"]).removeprefix("Value error, ")
                lines.append(f"{var}{shown}: {reason}. Fix: {fix}.")
            raise SageConfigError("invalid Sage 300 settings:\n  " + "\n  ".join(lines)) from None
        refuse_basic_over_http(settings.url, bool(settings.password.get_secret_value()), env, SageConfigError)
        return settings
