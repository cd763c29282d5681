"""Platform configuration (companies, calendar, schedules), validated once with one clear error per bad field.

Read at definitions load time because partitions and schedules must be known before any run starts.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from sage_looker.errors import ConfigurationError
from sage_looker.home import home_dir
from sage_looker.sage300.companies import company_codes

DEFAULT_COMPANIES = ("SAMINC", "SAMLTD")

# Environment variable behind each field, so a validation error can name what the user must change.
ENV_NAMES = {
    "companies": "SAGE300_COMPANIES",
    "start_date": "SAGE300_START_DATE",
    "timezone": "SAGE300_TIMEZONE",
    "company_timezones": "SAGE300_COMPANY_TIMEZONES",
    "nightly_time": "SAGE300_NIGHTLY_TIME",
    "close_days_before": "SAGE300_CLOSE_DAYS_BEFORE",
    "close_days_after": "SAGE300_CLOSE_DAYS_AFTER",
    "close_interval_hours": "SAGE300_CLOSE_INTERVAL_HOURS",
    "snapshot_grace_hours": "SAGE300_SNAPSHOT_GRACE_HOURS",
    "home": "SAGE_LOOKER_HOME",
    "warehouse": "SAGE_LOOKER_WAREHOUSE",
}
# How to fix a bad value of each variable (added to its error line).
FIXES = {
    "companies": "set SAGE300_COMPANIES to comma-separated Sage company IDs, e.g. SAMINC,SAMLTD",
    "start_date": "give the first day to load as YYYY-MM-DD, e.g. 2024-01-01",
    "timezone": "give an IANA time zone such as America/Toronto",
    "company_timezones": "give COMPANY=Zone pairs, e.g. SAMINC=America/New_York",
    "nightly_time": "give a time of day as HH:MM, e.g. 02:00",
}


class ConfigError(ConfigurationError):
    """The platform configuration (companies, calendar, home, warehouse) is invalid; the message lists every bad
    setting and how to fix it."""


# The first daily partition is a fixed date, never "today − N": Dagster keys its partition-status cache by the
# partitions definition (start date included), so a moving start rebuilt it every day and dropped the oldest
# day from the UI without a word. The bundled simulator's history ends today and is at most a few hundred
# days long, so a fixed date well before it covers every day it can serve.
SIMULATOR_START_DATE = dt.date(2024, 1, 1)


def resolve_start_date(config: "PlatformConfig", env: Mapping[str, str] | None = None) -> "PlatformConfig":
    """The configuration with its first partition date fixed: SAGE300_START_DATE, required for a real Sage."""
    from sage_looker.defs.embedded import uses_simulator

    env = os.environ if env is None else env
    if config.start_date is not None:
        return config
    if uses_simulator(env.get("SAGE300_URL")):
        return config.model_copy(update={"start_date": SIMULATOR_START_DATE})
    raise ConfigError(
        "sage_looker configuration is invalid:\n- SAGE300_START_DATE is required with a real Sage 300 "
        "(SAGE300_URL is set): set it to the first day to load, e.g. SAGE300_START_DATE=2024-01-01. It is the "
        "first daily partition and stays fixed; moving it later re-keys the partitions in the Dagster UI.")


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as America/Toronto)") from None
    return name


class PlatformConfig(BaseModel):
    companies: tuple[str, ...] = DEFAULT_COMPANIES
    # None until resolved by `resolve_start_date`: required for a real Sage, a fixed date for the simulator.
    start_date: dt.date | None = None
    timezone: str = "UTC"
    company_timezones: dict[str, str] = {}
    nightly_time: dt.time = dt.time(2, 0)
    close_days_before: int = Field(3, ge=0, le=15)
    close_days_after: int = Field(5, ge=0, le=15)
    close_interval_hours: int = Field(2, ge=1, le=12)
    snapshot_grace_hours: int = Field(12, ge=0, le=48)
    home: Path = Field(default_factory=home_dir)
    warehouse: str | None = None

    @field_validator("companies", mode="before")
    @classmethod
    def _companies(cls, v):
        items = company_codes(v)
        if not items:
            raise ValueError("at least one company code is required, e.g. SAMINC,SAMLTD")
        return items

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return _zone(v)

    @field_validator("company_timezones", mode="before")
    @classmethod
    def _company_tz(cls, v):
        if isinstance(v, str):
            pairs = [p.split("=", 1) for p in v.split(",") if p.strip()]
            if any(len(p) != 2 for p in pairs):
                raise ValueError("expected COMPANY=Zone pairs, e.g. SAMINC=America/New_York,SAMLTD=America/Toronto")
            v = {k.strip().upper(): z.strip() for k, z in pairs}
        return {k: _zone(z) for k, z in v.items()}

    @field_validator("nightly_time", mode="before")
    @classmethod
    def _time(cls, v):
        if isinstance(v, str) and re.fullmatch(r"\d{1,2}:\d{2}", v.strip()):
            h, m = v.strip().split(":")
            return dt.time(int(h), int(m))
        return v

    @model_validator(mode="after")
    def _known_companies(self):
        unknown = set(self.company_timezones) - set(self.companies)
        if unknown:
            raise ValueError(f"time zones given for companies not in SAGE300_COMPANIES: {sorted(unknown)}")
        return self

    def company_timezone(self, company: str) -> str:
        return self.company_timezones.get(company, self.timezone)

    @property
    def warehouse_target(self) -> str:
        return self.warehouse or str(self.home / "warehouse.duckdb")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "PlatformConfig":
        env = os.environ if env is None else env
        raw = {field: env[name] for field, name in ENV_NAMES.items() if env.get(name, "").strip()}
        raw.setdefault("home", home_dir(env))  # the home of the environment given, not the process's
        try:
            return cls(**raw)
        except ValidationError as exc:
            lines = []
            for err in exc.errors():
                field = str(err["loc"][0]) if err["loc"] else "configuration"
                name = ENV_NAMES.get(field, field)
                value = raw.get(field)
                shown = f" (got {value!r})" if value is not None else ""
                fix = f". Fix: {FIXES[field]}" if field in FIXES else ""
                lines.append(f"- {name}{shown}: {err['msg'].removeprefix('Value error, ')}{fix}")
            raise ConfigError("sage_looker configuration is invalid:\n" + "\n".join(lines)) from None
