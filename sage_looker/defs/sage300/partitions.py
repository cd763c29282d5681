"""Partitions: masters by company; transactions by company × calendar date (Sage dates are calendar dates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import dagster as dg

from sage_looker.defs.sage300.config import SIMULATOR_START_DATE, PlatformConfig

COMPANY_DIM = "company"
DATE_DIM = "date"
_DIMENSION_TAG = "dagster/partition/"  # Dagster's per-dimension run tags: dagster/partition/company, …/date
_RANGE_TAGS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")


class CompanyDatePartitions(dg.MultiPartitionsDefinition):
    """company × date, whose run tags name a partition only by `dagster/partition` (never per dimension).

    Dagster 1.13's job-page backfill copies the first partition's tags onto every range run, and a run's
    per-dimension tags win over its range tags: a year launched from the job page loaded its first day and
    reported success. Without per-dimension tags a range run is read from its range tags, as Dagster intends;
    materializations still carry per-dimension tags (Dagster derives those from each partition key).
    """

    def get_tags_for_partition_key(self, partition_key: str) -> dict[str, str]:
        tags = super().get_tags_for_partition_key(partition_key)
        return {k: v for k, v in tags.items() if not k.startswith(_DIMENSION_TAG)}


def require_consistent_partition_tags(context) -> None:
    """A run whose per-dimension partition tags and range tags disagree would load only the one partition the
    dimension tags name while the backfill counts the whole range as done: fail it instead, naming the fix."""
    tags = context.run.tags
    dims = {k[len(_DIMENSION_TAG):]: v for k, v in tags.items() if k.startswith(_DIMENSION_TAG)}
    start, end = (tags.get(t) for t in _RANGE_TAGS)
    if not dims or not start:
        return
    named = "|".join(dims[d] for d in sorted(dims))
    if not (start == end == named):
        raise dg.Failure(
            description=(f"this run's partition tags disagree: range {start}..{end} but per-dimension tags name "
                         f"{named} (dagster/partition/*). Nothing was loaded. Launch the backfill again from "
                         "this version's job or asset page (its runs carry range tags only), or remove the "
                         "dagster/partition/* tags from the run."),
            allow_retries=False,  # the tags do not change between attempts
        )


# A backfill is cut into runs of at most a month of one company's days (a range crossing companies is cut
# at the company): each run holds its slice in memory before the atomic write, spends a month's share of
# the per-run Sage budget (SAGE300_MAX_REQUESTS_PER_RUN), and a failure re-runs a month, not two years.
# Runs of a backfill queue behind the run limits and the `sage300` pool, so the cross-run budget holds.
MAX_DAYS_PER_RUN = 31


def backfill_policy() -> dg.BackfillPolicy:
    return dg.BackfillPolicy.multi_run(max_partitions_per_run=MAX_DAYS_PER_RUN)


@dataclass(frozen=True)
class Partitions:
    company: dg.StaticPartitionsDefinition
    daily: dg.DailyPartitionsDefinition
    company_date: dg.MultiPartitionsDefinition


def build_partitions(config: PlatformConfig) -> Partitions:
    company = dg.StaticPartitionsDefinition(list(config.companies))
    # end_offset=1 keeps today's partition open so the close-window schedule can refresh the current day.
    daily = dg.DailyPartitionsDefinition(
        start_date=(config.start_date or SIMULATOR_START_DATE).isoformat(), timezone=config.timezone, end_offset=1
    )
    return Partitions(company, daily, CompanyDatePartitions({COMPANY_DIM: company, DATE_DIM: daily}))


def partition_date_problem(day: str, config: PlatformConfig) -> str | None:
    """Why a Sage document's date has no partition (None: it has one). A request for a key that does not
    exist fails the whole tick, so one future-dated batch would stop the sensor and its cursor for good."""
    daily = build_partitions(config).daily
    if daily.has_partition_key(day):
        return None
    if dt.date.fromisoformat(day) < (config.start_date or SIMULATOR_START_DATE):
        return f"dated before SAGE300_START_DATE ({config.start_date or SIMULATOR_START_DATE}): never loaded"
    return "dated in the future: requested once its day's partition exists"


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
