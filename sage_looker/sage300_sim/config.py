"""Settings of one simulator instance. Everything that changes the data or the server's behaviour is here,
so a run is reproduced from its config alone."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Functional (home) currency of the Sage sample companies; any other company defaults to USD.
DEFAULT_CURRENCIES = {"SAMINC": "USD", "SAMLTD": "CAD"}


class SimulatorConfig(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid")

    host: str = "127.0.0.1"
    # 0 asks the OS for a free port; the chosen one is in `Simulator.url`.
    port: int = 0
    seed: int = 42
    companies: tuple[str, ...] = ("SAMINC", "SAMLTD")
    # Company → functional currency, for companies not in DEFAULT_CURRENCIES or to override them.
    currencies: dict[str, str] = Field(default_factory=dict)
    days: int = Field(default=90, ge=1)
    # Last day of history; None means the real today (tests pin it for reproducible truth).
    today: dt.date | None = None
    # Volume multiplier on daily transaction counts (masters grow more slowly).
    scale: float = Field(default=1.0, gt=0)
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    # Web.config `PageSize`: the most rows one response carries, whatever `$top` says.
    page_size: int = Field(default=100, ge=1)
    user: str = "WEBAPI"
    password: str = "WEBAPI"
    # "upper": Sage stores the password upper-cased (classic installs); "preserve": mixed case (2024+).
    password_case: Literal["upper", "preserve"] = "upper"
    faults: str = ""
    # Company (or "*") → modules the user lacks the "Sage 300 Web API" authorization for (403).
    forbidden_modules: dict[str, list[str]] = Field(default_factory=dict)
    # Resource names this "Sage version" does not have (404 ResourceNotFound).
    missing_resources: set[str] = Field(default_factory=set)
    # Sage answers 500 when a request lacks `Content-Type: application/json`, GETs included.
    require_content_type: bool = True
    # Scheme+host written into nextLinks (a reverse proxy's public name); None = the request's Host.
    next_link_base: str | None = None
    # Send Sage's framework properties (`UpdateOperation`) on every object, as a real server does.
    framework_fields: bool = True
    # Seconds a `timeout` fault sleeps by default: longer than any sane client timeout.
    timeout_seconds: float = 30.0
    request_log_limit: int = 200_000

    @field_validator("companies", mode="before")
    @classmethod
    def _split_companies(cls, v: object) -> object:
        if isinstance(v, str):
            v = [c for c in v.split(",") if c.strip()]
        return tuple(str(c).strip().upper() for c in v)  # type: ignore[union-attr]

    @field_validator("missing_resources", mode="before")
    @classmethod
    def _split_missing(cls, v: object) -> object:
        if isinstance(v, str):
            return {c.strip() for c in v.split(",") if c.strip()}
        return v

    @property
    def effective_today(self) -> dt.date:
        return self.today or dt.date.today()

    def currency_of(self, company: str) -> str:
        return self.currencies.get(company) or DEFAULT_CURRENCIES.get(company, "USD")

    def stored_user(self) -> str:
        return self.user.upper()

    def stored_password(self) -> str:
        return self.password if self.password_case == "preserve" else self.password.upper()

    def is_forbidden(self, company: str, module: str) -> bool:
        mods = list(self.forbidden_modules.get(company, ())) + list(self.forbidden_modules.get("*", ()))
        return module.upper() in {m.upper() for m in mods}
