"""The fiscal close window: the last N and first M days of each fiscal period, from CSFiscalCalendars."""

from __future__ import annotations

import datetime as dt
import logging

log = logging.getLogger(__name__)


def period_bounds_from_rows(rows: list[dict]) -> list[tuple[dt.date, dt.date]]:
    """(start, end) of every fiscal period in cs_fiscal_calendars rows (columns fiscal_period_N_start_date…)."""
    out = []
    for row in rows:
        for n in range(1, 14):
            start, end = row.get(f"fiscal_period_{n}_start_date"), row.get(f"fiscal_period_{n}_end_date")
            if start and end:
                out.append((start, end))
    return sorted(out)


def month_bounds(around: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar months as a fallback when the fiscal calendar has not been loaded yet."""
    out = []
    for offset in (-1, 0, 1):
        y, m = divmod(around.year * 12 + around.month - 1 + offset, 12)
        start = dt.date(y, m + 1, 1)
        y2, m2 = divmod(y * 12 + m + 1, 12)
        out.append((start, dt.date(y2, m2 + 1, 1) - dt.timedelta(days=1)))
    return out


def in_close_window(day: dt.date, periods: list[tuple[dt.date, dt.date]], days_before: int, days_after: int) -> bool:
    for start, end in periods:
        if end - dt.timedelta(days=days_before - 1) <= day <= end and days_before > 0:
            return True
        if start <= day <= start + dt.timedelta(days=days_after - 1) and days_after > 0:
            return True
    return False


def load_periods(warehouse, company: str) -> list[tuple[dt.date, dt.date]]:
    try:
        with warehouse.open() as wh:
            rows = wh.read_arrow(
                "SELECT * FROM sage300.cs_fiscal_calendars WHERE company_id = ?", [company]
            ).to_pylist()
    except Exception as exc:  # not loaded yet, or the warehouse is busy: fall back, never skip the close
        log.info("fiscal calendar unavailable for %s (%s); using calendar months", company, exc)
        return []
    return period_bounds_from_rows(rows)
