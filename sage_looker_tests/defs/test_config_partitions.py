"""Configuration errors a user can act on, partition-key arithmetic and the close-window calendar."""

import datetime as dt

import pytest

from sage_looker.defs.sage300.close_calendar import in_close_window, month_bounds, period_bounds_from_rows
from sage_looker.defs.sage300.config import ConfigError, PlatformConfig, resolve_start_date
from sage_looker.defs.sage300.inventory import capturable_dates
from sage_looker.defs.sage300.partitions import Window, build_partitions, windows_for_keys


def test_defaults_point_at_the_embedded_setup():
    cfg = PlatformConfig.from_env({})
    assert cfg.companies == ("SAMINC", "SAMLTD")
    assert cfg.warehouse_target.endswith("warehouse.duckdb")



def test_the_first_partition_is_a_fixed_date_that_does_not_move_with_today():
    # The simulator's default is a fixed calendar date; tomorrow's definitions have the same first partition.
    sim = build_partitions(resolve_start_date(PlatformConfig.from_env({}), {}))
    assert sim.daily.start.date() == dt.date(2024, 1, 1)
    assert sim.company_date.get_partition_keys()[0] == "SAMINC|2024-01-01"
    configured = resolve_start_date(PlatformConfig.from_env({"SAGE300_START_DATE": "2023-07-01"}),
                                    {"SAGE300_URL": "https://erp.example.com/Sage300WebApi"})
    assert build_partitions(configured).daily.start.date() == dt.date(2023, 7, 1)


def test_a_real_sage_without_a_start_date_is_refused_naming_the_variable():
    with pytest.raises(ConfigError) as exc:
        resolve_start_date(PlatformConfig.from_env({}), {"SAGE300_URL": "https://erp.example.com/Sage300WebApi"})
    assert "SAGE300_START_DATE is required" in str(exc.value) and "SAGE300_START_DATE=2024-01-01" in str(exc.value)


def test_every_bad_setting_is_named_with_its_fix():
    with pytest.raises(ConfigError) as exc:
        PlatformConfig.from_env({
            "SAGE300_COMPANIES": "SAMINC,BAD-CO",
            "SAGE300_TIMEZONE": "Mars/Olympus",
            "SAGE300_CLOSE_DAYS_BEFORE": "40",
            "SAGE300_START_DATE": "yesterday",
        })
    text = str(exc.value)
    for name in ("SAGE300_COMPANIES", "SAGE300_TIMEZONE", "SAGE300_CLOSE_DAYS_BEFORE", "SAGE300_START_DATE"):
        assert name in text
    assert "BAD-CO" in text and "IANA" in text


def test_company_codes_are_normalised_and_deduplicated():
    cfg = PlatformConfig.from_env({"SAGE300_COMPANIES": " saminc, SAMLTD ,SAMINC",
                                   "SAGE300_COMPANY_TIMEZONES": "SAMINC=America/New_York"})
    assert cfg.companies == ("SAMINC", "SAMLTD")
    assert cfg.company_timezone("SAMINC") == "America/New_York"
    assert cfg.company_timezone("SAMLTD") == "UTC"


def test_windows_are_exact_per_company_never_a_rectangle():
    keys = ["SAMINC|2026-01-05", "SAMINC|2026-01-06", "SAMINC|2026-01-09", "SAMLTD|2026-01-01"]
    assert windows_for_keys(keys) == [
        Window("SAMINC", dt.date(2026, 1, 5), dt.date(2026, 1, 6)),
        Window("SAMINC", dt.date(2026, 1, 9), dt.date(2026, 1, 9)),
        Window("SAMLTD", dt.date(2026, 1, 1), dt.date(2026, 1, 1)),
    ]


def test_close_window_is_last_and_first_days_of_fiscal_periods():
    rows = [{"fiscal_period_1_start_date": dt.date(2026, 1, 1), "fiscal_period_1_end_date": dt.date(2026, 1, 31),
             "fiscal_period_2_start_date": dt.date(2026, 2, 1), "fiscal_period_2_end_date": dt.date(2026, 2, 28)}]
    periods = period_bounds_from_rows(rows)
    inside = [dt.date(2026, 1, 29), dt.date(2026, 1, 31), dt.date(2026, 2, 1), dt.date(2026, 2, 5)]
    outside = [dt.date(2026, 1, 28), dt.date(2026, 2, 6), dt.date(2026, 2, 15)]
    assert all(in_close_window(d, periods, 3, 5) for d in inside)
    assert not any(in_close_window(d, periods, 3, 5) for d in outside)
    assert in_close_window(dt.date(2026, 3, 31), month_bounds(dt.date(2026, 3, 15)), 3, 5)


def test_snapshot_can_only_be_captured_on_its_day_or_within_grace():
    now = dt.datetime(2026, 11, 26, 7, 0, tzinfo=dt.timezone.utc)  # 02:00 in New York
    assert capturable_dates(now, "America/New_York", 12) == {dt.date(2026, 11, 26), dt.date(2026, 11, 25)}
    assert capturable_dates(now, "America/New_York", 0) == {dt.date(2026, 11, 26)}
    late = dt.datetime(2026, 11, 26, 20, 0, tzinfo=dt.timezone.utc)
    assert capturable_dates(late, "America/New_York", 12) == {dt.date(2026, 11, 26)}
