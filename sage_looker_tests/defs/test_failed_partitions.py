"""A range run writes one planned event per asset (not one per partition), and the partitions of a failed
range run are still shown FAILED by Dagster, not as never attempted."""

import datetime as dt
import os

import dagster as dg
from dagster._core.storage.partition_status_cache import AssetPartitionStatus

from sage_looker.commands.runner import sync
from sage_looker.defs.sage300.assets import asset_key

from .conftest import TODAY


def _status(platform, table: str, keys: list[str]) -> dict:
    key = asset_key(table)
    parts = platform.defs.resolve_assets_def(key).partitions_def
    return dict(platform.instance.get_status_by_partition(key, keys, parts))


def _planned_per_partition(platform, run_id: str) -> int:
    records = platform.instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED).records
    return sum(1 for r in records if r.event_log_entry.dagster_event.event_specific_data.partition is not None)


def test_a_failed_range_run_shows_its_unloaded_partitions_failed(platform):
    start = TODAY - dt.timedelta(days=2)
    keys = [f"SAMINC|{start + dt.timedelta(days=i)}" for i in range(3)]
    first = sync(platform.defs, "SAMINC", start, TODAY, instance=platform.instance)
    assert first.success, first.failures
    # 3 days x 8 transaction assets would be 24 per-partition planned events; the run wrote one per asset.
    assert _planned_per_partition(platform, first.run_ids[-1]) == 0
    assert set(_status(platform, "gl_journal_batches", keys).values()) == {AssetPartitionStatus.MATERIALIZED}

    # The Web API user loses GL: the next range run fails on the GL resources (a permanent 403, no retry).
    platform.sim.config.forbidden_modules = {"SAMINC": ["GL"]}
    second = sync(platform.defs, "SAMINC", start, TODAY, instance=platform.instance, masters=False)
    assert not second.success
    assert any("GL" in f for f in second.failures)
    for table in ("gl_journal_batches", "gl_posted_transactions"):
        assert set(_status(platform, table, keys).values()) == {AssetPartitionStatus.FAILED}, table
    # What the failed run did load stays materialized.
    assert set(_status(platform, "ap_invoice_batches", keys).values()) == {AssetPartitionStatus.MATERIALIZED}


def test_a_range_run_materializes_each_resource_once_per_partition_and_dbt_keeps_its_lineage(platform):
    start = TODAY - dt.timedelta(days=2)
    summary = sync(platform.defs, "SAMINC", start, TODAY, instance=platform.instance)
    assert summary.success, summary.failures
    mats = platform.instance.get_records_for_run(
        summary.run_ids[-1], of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    # 8 transaction resources x 3 days; their 23 tables (child tables ride in the root's output) would be 69.
    assert len(mats) == 8 * 3
    # The child tables' rows are counted all the same (the simulator's own count of AP invoices).
    with platform.sim.db.lock:
        invoices = sum(len(b.get("Invoices") or []) for b in platform.sim.db.records("SAMINC", "APInvoiceBatches")
                       if start.isoformat() <= str(b["BatchDate"])[:10] <= TODAY.isoformat())
    assert summary.rows["ap_invoices"] == invoices > 0
    # dbt's staging model of a child table still depends on the asset that writes it.
    graph = platform.defs.resolve_asset_graph()
    stg = dg.AssetKey(["staging", "stg_sage300__ap_invoices"])
    assert asset_key("ap_invoice_batches") in graph.get(stg).parent_keys


def test_the_run_failure_sensor_marks_a_daemon_runs_unloaded_partitions_failed(platform):
    # A run the daemon launched (no CLI around it): the sensor gives the failed partitions back.
    from sage_looker.commands.runner import RANGE_END, RANGE_START
    from sage_looker.defs.sage300.failed_partitions import SUBSET_PLANNED_ENV, failed_partitions_sensor
    from sage_looker.defs.sage300.jobs import TRANSACTIONS_ONLY_JOB

    start = TODAY - dt.timedelta(days=1)
    keys = [f"SAMINC|{start}", f"SAMINC|{TODAY}"]
    assert sync(platform.defs, "SAMINC", start, TODAY, instance=platform.instance).success
    platform.sim.config.forbidden_modules = {"SAMINC": ["GL"]}
    assert os.environ.get(SUBSET_PLANNED_ENV) == "1"  # set by the CLI above; a daemon gets it from deploy/'s env
    result = platform.defs.resolve_job_def(TRANSACTIONS_ONLY_JOB).execute_in_process(
        instance=platform.instance, raise_on_error=False,
        tags={RANGE_START: keys[0], RANGE_END: keys[-1]})
    assert not result.success  # before the sensor: the failed partitions still look materialized
    assert set(_status(platform, "gl_journal_batches", keys).values()) == {AssetPartitionStatus.MATERIALIZED}
    failure = next(e for e in platform.instance.all_logs(result.run_id)
                   if e.dagster_event and e.dagster_event.event_type == dg.DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="sage300_failed_partitions", dagster_event=failure.dagster_event,
        dagster_instance=platform.instance, dagster_run=platform.instance.get_run_by_id(result.run_id),
    ).for_run_failure()
    failed_partitions_sensor(context)
    assert set(_status(platform, "gl_journal_batches", keys).values()) == {AssetPartitionStatus.FAILED}
