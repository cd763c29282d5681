"""Backfills launched as the Dagster UI launches them load exactly the partitions they name: every day's rows
land (compared with the simulator's own ledger, not with what the run reports), or the run fails loudly."""

import datetime as dt
from pathlib import Path

import dagster as dg

from sage_looker.defs.sage300 import partitions
from sage_looker.defs.sage300.assets import asset_key
from sage_looker.defs.sage300.jobs import MASTERS_JOB, TRANSACTIONS_ONLY_JOB
from sage_looker.sage300 import catalog

from .backfill_harness import (backfill_runs, launch_asset_page_backfill, launch_job_page_backfill,
                               run_backfill_daemon, ui_workspace)
from .conftest import TODAY, make_platform, warehouse_partitions

START, END = TODAY - dt.timedelta(days=12), TODAY - dt.timedelta(days=3)  # ten days


def _keys(company: str) -> list[str]:
    days = [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]
    return [f"{company}|{d.isoformat()}" for d in days]


def _transaction_keys() -> list[dg.AssetKey]:
    return [asset_key(r.root_table.name) for r in catalog.TRANSACTIONS]  # one asset per resource


def _assert_every_day_landed(platform, company: str):
    truth = platform.sim.truth()["companies"][company]["tables"]
    checked = 0
    for resource in catalog.TRANSACTIONS:
        t = resource.root_table
        expected = {d: p["rows"] for d, p in truth[t.name]["partitions"].items()
                    if START.isoformat() <= d <= END.isoformat()}
        landed = {d: n for d, (n, _) in warehouse_partitions(platform, t.name, [], company).items()}
        assert landed == expected, f"{t.name}: warehouse rows per day differ from Sage's"
        checked += sum(expected.values())
    assert checked > 100


def _assert_every_partition_materialized(instance, company: str):
    for resource in catalog.TRANSACTIONS:
        done = instance.get_materialized_partitions(asset_key(resource.root_table.name))
        missing = sorted(set(_keys(company)) - {str(k) for k in done})
        assert not missing, f"{resource.root_table.name}: not materialized {missing[:3]}…"


def _load_masters(instance, platform, company):
    job = platform.defs.resolve_job_def(MASTERS_JOB)
    assert job.execute_in_process(partition_key=company, instance=instance).success


def test_job_page_backfill_loads_every_day_it_names(sim, tmp_path, monkeypatch):
    # Runs of at most 4 days: the ten days become 4 + 4 + 2, so chunk boundaries are crossed too.
    monkeypatch.setattr(partitions, "MAX_DAYS_PER_RUN", 4)
    platform = make_platform(sim, tmp_path, monkeypatch)
    with ui_workspace(tmp_path / "instance") as (instance, process):
        _load_masters(instance, platform, "SAMINC")
        backfill_id = launch_job_page_backfill(process, TRANSACTIONS_ONLY_JOB, _keys("SAMINC"), _transaction_keys())
        backfill = run_backfill_daemon(instance, process, backfill_id)
        runs = backfill_runs(instance, backfill_id)
        assert len(runs) == 3 and all(r.is_success for r in runs), [(r.run_id, r.status) for r in runs]
        assert backfill.status.value in ("COMPLETED", "COMPLETED_SUCCESS")
        _assert_every_day_landed(platform, "SAMINC")
        _assert_every_partition_materialized(instance, "SAMINC")


def test_asset_page_backfill_loads_every_day_it_names(sim, tmp_path, monkeypatch):
    platform = make_platform(sim, tmp_path, monkeypatch)
    with ui_workspace(tmp_path / "instance") as (instance, process):
        _load_masters(instance, platform, "SAMLTD")
        backfill_id = launch_asset_page_backfill(process, _keys("SAMLTD"), _transaction_keys())
        backfill = run_backfill_daemon(instance, process, backfill_id)
        runs = backfill_runs(instance, backfill_id)
        assert runs and all(r.is_success for r in runs), [(r.run_id, r.status) for r in runs]
        assert backfill.status.value in ("COMPLETED", "COMPLETED_SUCCESS")
        _assert_every_day_landed(platform, "SAMLTD")
        _assert_every_partition_materialized(instance, "SAMLTD")


def test_a_run_whose_partition_tags_disagree_fails_and_loads_nothing(platform):
    """The tags Dagster 1.13's job page gave every range run: the range, plus the first day per dimension."""
    first, last = _keys("SAMINC")[0], _keys("SAMINC")[-1]
    tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last,
            "dagster/partition/company": "SAMINC", "dagster/partition/date": START.isoformat()}
    job = platform.defs.resolve_job_def(TRANSACTIONS_ONLY_JOB)
    result = job.execute_in_process(tags=tags, instance=platform.instance, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "partition tags disagree" in failure.step_failure_data.error.message
    assert not Path(platform.warehouse).exists()  # not one day was written
