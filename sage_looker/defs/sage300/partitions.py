"""Partitions: masters by company; transactions by company × calendar date (Sage dates are calendar dates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import dagster as dg

from sage_looker.defs.sage300.config import PlatformConfig

COMPANY_DIM = "company"
DATE_DIM = "date"


@dataclass(frozen=True)
class Partitions:
    company: dg.StaticPartitionsDefinition
    daily: dg.DailyPartitionsDefinition
    company_date: dg.MultiPartitionsDefinition


def build_partitions(config: PlatformConfig) -> Partitions:
    company = dg.StaticPartitionsDefinition(list(config.companies))
    # end_offset=1 keeps today's partition open so the close-window schedule can refresh the current day.
    daily = dg.DailyPartitionsDefinition(
        start_date=config.start_date.isoformat(), timezone=config.timezone, end_offset=1
    )
    return Partitions(company, daily, dg.MultiPartitionsDefinition({COMPANY_DIM: company, DATE_DIM: daily}))


@dataclass(frozen=True)
class Window:
    """One company's contiguous run of partition dates (inclusive)."""

    company: str
    start: dt.date
    end: dt.date


def windows_for_keys(keys: list[str]) -> list[Window]:
    """Turn the run's partition keys (`SAMINC|2026-01-05` or `SAMINC`) into per-company contiguous date windows.

    A key range in company-major order need not be a rectangle, so the slice to replace is computed from
    the exact keys, never from the range's two ends.
    """
    by_company: dict[str, list[dt.date]] = {}
    for key in keys:
        # Multi-partition keys join dimension values in dimension-name order: company, then date.
        company, sep, day = str(key).partition("|")
        if not sep:
            raise ValueError(f"not a company|date partition key: {key!r}")
        by_company.setdefault(company, []).append(dt.date.fromisoformat(day))
    out: list[Window] = []
    for company, dates in sorted(by_company.items()):
        dates = sorted(set(dates))
        start = prev = dates[0]
        for d in dates[1:]:
            if d != prev + dt.timedelta(days=1):
                out.append(Window(company, start, prev))
                start = d
            prev = d
        out.append(Window(company, start, prev))
    return out
