"""One planned event per asset for a range run, and failed partitions still shown failed.

Dagster writes one ASSET_MATERIALIZATION_PLANNED event per asset *per partition* when it creates a range run:
a year of one company's transactions is ~8,000 events, most of a sync's wall time on the SQLite instance.
With `DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS=1` it writes one event per asset carrying the run's
partition subset instead. What that gives up: Dagster derives a partition's FAILED status from a
per-partition planned event of a failed run that has no materialization, so with the flag the partitions of a
failed range run would show as never attempted (not failed).

`mark_unmaterialized_partitions_failed` gives that back, paying only when a run fails: for every asset
planned with a partition subset, the partitions the run did not materialize get their per-partition planned
event written into the failed run's log afterwards, so Dagster's own status cache marks exactly those
partitions failed. It is called by the CLI after a failed run and by a run-failure sensor for runs the
daemon launches (schedules, sensors, backfills from the UI).
"""

from __future__ import annotations

import logging
import os

import dagster as dg
from dagster._core.events import (
    AssetMaterializationPlannedData,
    DagsterEvent,
    DagsterEventBatchMetadata,
    DagsterEventType,
    generate_event_batch_id,
)

SUBSET_PLANNED_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"

log = logging.getLogger(__name__)


def emit_one_planned_event_per_asset() -> None:
    """Turn the subset planned events on for the runs this process creates (an explicit setting wins)."""
    os.environ.setdefault(SUBSET_PLANNED_ENV, "1")


def mark_unmaterialized_partitions_failed(instance: dg.DagsterInstance, run_id: str) -> int:
    """Write a per-partition planned event for every planned-but-unmaterialized partition of a finished
    failed run; returns how many were written. A run planned per partition (flag off) needs nothing."""
    run = instance.get_run_by_id(run_id)
    if run is None or run.status != dg.DagsterRunStatus.FAILURE:
        return 0
    planned: dict[dg.AssetKey, tuple] = {}
    per_partition: set[tuple[dg.AssetKey, str]] = set()
    done: set[tuple[dg.AssetKey, str]] = set()
    kinds = {DagsterEventType.ASSET_MATERIALIZATION_PLANNED, DagsterEventType.ASSET_MATERIALIZATION}
    cursor = None
    while True:
        conn = instance.get_records_for_run(run_id, cursor=cursor, of_type=kinds, limit=5000)
        for rec in conn.records:
            event = rec.event_log_entry.dagster_event
            if event is None:
                continue
            if event.event_type == DagsterEventType.ASSET_MATERIALIZATION_PLANNED:
                data = event.event_specific_data
                if data.partitions_subset is not None:
                    planned[data.asset_key] = (data.partitions_subset, event.step_key)
                elif data.partition is not None:
                    per_partition.add((data.asset_key, data.partition))
            else:
                mat = event.event_specific_data.materialization
                if mat.partition is not None:
                    done.add((mat.asset_key, mat.partition))
        cursor = conn.cursor
        if not conn.has_more:
            break
    missing = [(key, partition, step_key) for key, (subset, step_key) in planned.items()
               for partition in subset.get_partition_keys()
               if (key, partition) not in done and (key, partition) not in per_partition]
    # One batch (DAGSTER_EVENT_BATCH_SIZE): a failed year is up to 2,920 events, one transaction on the
    # batching event log (defs/event_log_storage.py) instead of one each; without the variable, one at a time.
    batch_id = generate_event_batch_id()
    for i, (key, partition, step_key) in enumerate(missing):
        instance.report_dagster_event(
            DagsterEvent.build_asset_materialization_planned_event(
                run.job_name, step_key, AssetMaterializationPlannedData(key, partition=partition)),
            run_id=run_id, log_level=logging.DEBUG,
            batch_metadata=DagsterEventBatchMetadata(batch_id, i == len(missing) - 1))
    written = len(missing)
    if written:
        log.info("run %s failed: %d planned partitions without a materialization marked failed", run_id, written)
    return written


# Running from the daemon's first start: without it a failed backfill's partitions would not show failed.
@dg.run_failure_sensor(name="sage300_failed_partitions", minimum_interval_seconds=30,
                       default_status=dg.DefaultSensorStatus.RUNNING,
                       description="Marks the partitions a failed range run did not materialize as failed")
def failed_partitions_sensor(context: dg.RunFailureSensorContext) -> None:
    mark_unmaterialized_partitions_failed(context.instance, context.dagster_run.run_id)
