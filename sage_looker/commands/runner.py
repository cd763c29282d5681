"""Run Sage jobs against the configured Dagster instance, in process (docs/CLI.md says why), recorded with
the UI's job origin so they can be re-executed there, with live progress from the run's event log.

A Dagster run holds assets of one partitions definition, so a sync is two runs: the company's masters,
then every transaction resource for the whole date range in ONE run (one HTTP pass per resource).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster._core.utils import make_new_run_id

from sage_looker.defs.event_log_storage import batch_event_writes
from sage_looker.defs.instance_yaml import install_instance_yaml
from sage_looker.defs.sage300.jobs import INVENTORY_JOB, MASTERS_JOB, TRANSACTIONS_ONLY_JOB
from sage_looker.commands.origin import remote_job_origin
from sage_looker.commands.progress import RunProgress
from sage_looker.home import home_dir

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
WRITER_POOL = "warehouse_writer"
QUEUE_NOTE = ("note: this instance queues runs (QueuedRunCoordinator); the CLI executes its runs in this process, "
              "outside the queue's run limits (the Sage host budget and the pools still hold; docs/CLI.md). "
              "To queue behind them, launch the job from the UI.")
WRITER_POOL_LIMIT = 1  # a DuckDB file; writer_pool_limit() gives the configured backend's (PostgreSQL: 4)


def writer_pool_limit() -> int:
    """The warehouse_writer slots the configured warehouse takes (warehouse/targets.py)."""
    from sage_looker.defs.sage300.config import PlatformConfig
    from sage_looker.errors import ConfigurationError
    from sage_looker.warehouse.targets import max_concurrent_writers
    try:
        return max_concurrent_writers(PlatformConfig.from_env().warehouse_target)
    except ConfigurationError:  # reported where the definitions load; stay safe here
        return WRITER_POOL_LIMIT


def prepare_instance() -> dg.DagsterInstance:
    """The instance at $DAGSTER_HOME, with the shipped dagster.yaml (installed when missing, upgraded when it
    is an unedited earlier default: defs/instance_yaml.py)."""
    home = Path(os.environ.setdefault(
        "DAGSTER_HOME", str(home_dir() / "dagster_home")))
    install_instance_yaml(home)  # the shipped dagster.yaml; an unedited earlier default is upgraded
    instance = dg.DagsterInstance.get()
    if isinstance(instance.run_coordinator, QueuedRunCoordinator):  # a deployment: say what the CLI bypasses
        sys.stderr.write(QUEUE_NOTE + "\n")
    try:
        limit = writer_pool_limit()
        if instance.event_log_storage.get_concurrency_info(WRITER_POOL).slot_count != limit:
            instance.event_log_storage.set_concurrency_slots(WRITER_POOL, limit)
    except Exception:  # storage without pool support: pools are advisory here
        pass
    return instance


@dataclass
class RunSummary:
    run_ids: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0
    success: bool = True
    failures: list[str] = field(default_factory=list)


def _collect(result: dg.ExecuteInProcessResult, summary: RunSummary) -> None:
    summary.run_ids.append(result.run_id)
    summary.success &= result.success
    seen: set[str] = set()
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        table = mat.asset_key.path[-1]
        if table in seen:  # a range run materializes every partition with the run's totals: count once
            continue
        seen.add(table)
        md = mat.metadata
        count = md.get("rows_in_run") or md.get("dagster/row_count")
        if "rows_per_table" in md:  # a resource's asset: its child tables' rows ride in its metadata
            for name, n in md["rows_per_table"].value.items():
                summary.rows[name] = summary.rows.get(name, 0) + int(n)
        elif count is not None:
            summary.rows[table] = summary.rows.get(table, 0) + int(count.value)
        if "sage_requests" in md:
            summary.requests += int(md["sage_requests"].value)
    for event in result.all_events:
        if event.is_step_failure:
            summary.failures.append(f"{event.step_key}: {_root_message(event.event_specific_data.error)}")


def _root_message(error) -> str:
    """The innermost cause is what the user can act on ("disk full"), not Dagster's wrapper."""
    messages = []
    while error is not None:
        messages.append(error.message.strip())
        error = error.cause
    return messages[-1] if len(messages) == 1 else f"{messages[-1]} (while: {messages[0]})"


@contextmanager
def _recorded_with_origin(instance: dg.DagsterInstance, job_name: str):
    """`execute_in_process` creates its run without a remote job origin; give it the UI's (commands/origin.py)
    so the run can be re-executed from the UI. Only this instance object, only while the run is created."""
    create = instance.create_run_for_job

    def create_with_origin(*args, **kwargs):
        kwargs.setdefault("remote_job_origin", remote_job_origin(job_name))
        return create(*args, **kwargs)

    instance.create_run_for_job = create_with_origin
    try:
        yield
    finally:
        del instance.create_run_for_job


def _execute(defs: dg.Definitions, job_name: str, instance, *, partition_key=None, tags=None, label="",
             progress_stream=None):
    from sage_looker.defs.sage300.failed_partitions import (
        emit_one_planned_event_per_asset,
        mark_unmaterialized_partitions_failed,
    )

    emit_one_planned_event_per_asset()  # a year's range run: one planned event per asset, not per partition
    batch_event_writes()  # ... and its materializations reach the event log in batches (defs/event_log_storage.py)
    job = defs.resolve_job_def(job_name)
    run_id = make_new_run_id()
    # stderr by default: stdout keeps the summary table
    progress = RunProgress(label, progress_stream, total_steps=len(job.nodes_in_topological_order))
    instance.add_event_listener(run_id, progress)  # fed by every event the run writes to its log
    try:
        with _recorded_with_origin(instance, job_name):
            result = job.execute_in_process(
                instance=instance, partition_key=partition_key, tags=tags or {}, raise_on_error=False,
                run_id=run_id, run_config={"loggers": {"console": {"config": {
                    "log_level": os.environ.get("SAGE_LOOKER_LOG_LEVEL", "WARNING")}}}},
            )
    finally:
        progress.close()
    if not result.success:  # what the subset planned events give up: its unmaterialized partitions show failed
        mark_unmaterialized_partitions_failed(instance, result.run_id)
    return result


def snapshot_day_in(company: str, start: dt.date, end: dt.date, now_utc: dt.datetime | None = None) -> dt.date | None:
    """The latest date of [start, end] whose inventory snapshot can be captured now, if any: Sage only knows
    current stock, so a load reaching today takes today's snapshot with it. Without it the snapshot asset is
    never materialized by a first load, and the UI opens the refresh job (whose dbt models read it) with a
    "may fail" warning about a missing upstream."""
    from sage_looker.defs.sage300.config import PlatformConfig
    from sage_looker.defs.sage300.inventory import capturable_dates
    from sage_looker.defs.sage300.partitions import partition_date_problem
    config = PlatformConfig.from_env()
    days = capturable_dates(now_utc or dt.datetime.now(dt.timezone.utc), config.company_timezone(company),
                            config.snapshot_grace_hours)
    return max((d for d in days if start <= d <= end and partition_date_problem(d.isoformat(), config) is None),
               default=None)


def sync(defs: dg.Definitions, company: str, start: dt.date, end: dt.date, *, masters: bool = True,
         instance: dg.DagsterInstance | None = None, snapshot_day: dt.date | None = None,
         tags: dict[str, str] | None = None, inventory_range: bool = False, progress_stream=None) -> RunSummary:
    """Masters, then all transactions of [start, end] in one run, then the inventory snapshot of
    `snapshot_day` when it is given (only today's can be captured). `tags` go on every run (e.g.
    `sage_looker/source=archive` for a replay from the raw page archive); `inventory_range` also re-materializes
    the inventory snapshots of [start, end] (past dates come from their archived capture)."""
    instance = instance or prepare_instance()
    summary = RunSummary()
    began = dt.datetime.now()
    extra = dict(tags or {})
    if masters:
        _collect(_execute(defs, MASTERS_JOB, instance, partition_key=company, tags=extra,
                          label=f"{company} masters", progress_stream=progress_stream), summary)
    if summary.success:
        tags = {**extra, RANGE_START: f"{company}|{start.isoformat()}", RANGE_END: f"{company}|{end.isoformat()}"}
        label = f"{company} transactions {start}..{end}"
        _collect(_execute(defs, TRANSACTIONS_ONLY_JOB, instance, tags=tags, label=label,
                          progress_stream=progress_stream), summary)
        if summary.success and inventory_range:
            _collect(_execute(defs, INVENTORY_JOB, instance, tags=tags, label=f"{company} inventory {start}..{end}",
                              progress_stream=progress_stream), summary)
    if summary.success and snapshot_day is not None:
        key = f"{company}|{snapshot_day.isoformat()}"
        _collect(_execute(defs, INVENTORY_JOB, instance, partition_key=key, tags=extra,
                          label=f"{company} inventory", progress_stream=progress_stream), summary)
    summary.seconds = (dt.datetime.now() - began).total_seconds()
    return summary
