"""Looker connection settings, from code or from LOOKER_* environment variables."""

from __future__ import annotations

import os
from typing import Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from sage_looker.security.transport_safety import is_safe_http

from sage_looker.looker.errors import LookerConfigError

# field -> environment variable; the order is the order errors are reported in.
ENV_VARS: dict[str, str] = {
    "base_url": "LOOKER_BASE_URL",
    "client_id": "LOOKER_CLIENT_ID",
    "client_secret": "LOOKER_CLIENT_SECRET",
    "verify_tls": "LOOKER_VERIFY_TLS",
    "timeout": "LOOKER_TIMEOUT",
    "max_retries": "LOOKER_MAX_RETRIES",
    "run_once_retry_unconfirmed": "LOOKER_RETRY_UNCONFIRMED_RUNS",
    "allow_insecure_http": "LOOKER_ALLOW_INSECURE_HTTP",
    "datagroups": "LOOKER_DATAGROUPS",
    "scheduled_plan_ids": "LOOKER_SCHEDULED_PLANS",
    "lookml_project_id": "LOOKER_PROJECT",
    "connection_name": "LOOKER_CONNECTION",
}

# How to supply a required variable that is not set.
MISSING_FIXES = {
    "LOOKER_BASE_URL": "set it to your Looker host, e.g. https://acme.cloud.looker.com, or unset every LOOKER_* "
                       "variable to use the bundled simulator",
    "LOOKER_CLIENT_ID": "set it to the client ID of a Looker API key (Admin > Users > Edit API keys)",
    "LOOKER_CLIENT_SECRET": "set it, or store it encrypted with `sage-looker credentials set looker`",
}


class LookerSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(description="Instance root, e.g. https://acme.cloud.looker.com (no /api/4.0)")
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    verify_tls: bool = True
    timeout: float = Field(default=30.0, gt=0, description="Per-request timeout, seconds")
    # Tokens are renewed this long before `expires_in` runs out (clamped to a quarter of short lifetimes).
    renew_margin_seconds: float = Field(default=300.0, ge=0)
    max_retries: int = Field(default=5, ge=0, le=20)
    backoff_initial_seconds: float = Field(default=1.0, ge=0)
    backoff_max_seconds: float = Field(default=30.0, ge=0)
    retry_after_max_seconds: float = Field(default=60.0, ge=0, description="Cap on a server's Retry-After")
    # Subtracted from "now" for stale_before/triggered_at: Looker rejects timestamps in its future.
    clock_skew_seconds: float = Field(default=2.0, ge=0)
    # Wait before checking whether an ambiguous run_once was delivered, so a request still being
    # processed on the server has time to show up.
    delivery_settle_seconds: float = Field(default=3.0, ge=0)
    # False (the default): an ambiguous run_once failure (the server may have processed it) with no evidence
    # of delivery is recorded as `unknown`, never retried: at most once, whether or not the instance lists
    # run_once copies. True (LOOKER_RETRY_UNCONFIRMED_RUNS=true) retries it: only for an instance known to list
    # its run_once copies in GET /scheduled_plans, where "no copy listed" disproves delivery (see delivery.py).
    run_once_retry_unconfirmed: bool = False
    # The login POST carries the client secret: plain http is refused except to this machine (loopback) or
    # when explicitly allowed (LOOKER_ALLOW_INSECURE_HTTP=true, e.g. behind a TLS-terminating sidecar).
    allow_insecure_http: bool = False
    datagroups: tuple[str, ...] = ()  # "model::datagroup" names or datagroup ids
    scheduled_plan_ids: tuple[str, ...] = ()
    lookml_project_id: str | None = None
    connection_name: str | None = None

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        url = value.strip().rstrip("/")
        if not url.startswith(("http://", "https://")) or len(url.split("://", 1)[1]) == 0:
            raise ValueError("must be an http(s) URL such as https://acme.cloud.looker.com")
        if "@" in url.split("://", 1)[1].split("/", 1)[0]:
            # Never echoed: the user info may be a password. It would also show in metadata and logs.
            raise ValueError("must not carry credentials (user:password@); remove them and set LOOKER_CLIENT_ID "
                             "and LOOKER_CLIENT_SECRET instead")
        # A common slip is pasting the API URL; the client adds the version itself.
        for suffix in ("/api/4.0", "/api"):
            url = url.removesuffix(suffix)
        return url

    @field_validator("datagroups", "scheduled_plan_ids", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(item.strip() for item in value.split(",") if item.strip())
        return value

    @field_validator("datagroups")
    @classmethod
    def _datagroup_refs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for ref in value:
            model, sep, name = ref.partition("::")
            if sep and not (model and name):
                raise ValueError(f"{ref!r} is not 'model::datagroup' or a datagroup id")
        return value

    @field_validator("lookml_project_id", "connection_name", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _no_secret_over_plain_http(self) -> "LookerSettings":
        if not self.allow_insecure_http and not is_safe_http(self.base_url):
            raise ValueError(
                "LOOKER_BASE_URL: plain http:// to a host other than this machine would send the client secret "
                "unencrypted; use https://, or set LOOKER_ALLOW_INSECURE_HTTP=true if the network path is "
                "protected otherwise")
        return self

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/4.0"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> "LookerSettings":
        """Read LOOKER_* variables; every bad or missing one is reported, each naming its variable."""
        env = os.environ if env is None else env
        data: dict[str, object] = {f: env[v] for f, v in ENV_VARS.items() if env.get(v, "").strip() != ""}
        data.update(overrides)
        try:
            return cls(**data)
        except ValidationError as exc:
            problems = []
            for err in exc.errors(include_input=False, include_url=False):
                field = str(err["loc"][0]) if err["loc"] else ""
                var = ENV_VARS.get(field, field)
                if err["type"] == "missing":
                    problems.append(f"{var} is not set. Fix: {MISSING_FIXES.get(var, 'set it')}")
                else:
                    # Never echo the value: it may be the secret.
                    msg = err["msg"].removeprefix("Value error, ")
                    problems.append(f"{var}: {msg}" if var else msg)  # a whole-settings rule names its variables
            raise LookerConfigError("invalid Looker settings:\n  " + "\n  ".join(dict.fromkeys(problems))) from None
