"""The batching event log (sage_looker/defs/event_log_storage.py) is Dagster's SQLite event log, only faster:
the same range run on a stock instance and on a batching one leaves the same materializations, partition
statuses, asset keys index, per-partition latest materializations, indexed tags and run status; what a
step stored is visible to the next step of the same run; a failed run's partitions still show FAILED."""

import sqlite3
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.partition_status_cache import AssetPartitionStatus

from sage_looker.defs.event_log_storage import EVENT_BATCH_ENV, BatchingSqliteEventLogStorage
from sage_looker.defs.instance_yaml import SHIPPED
from sage_looker.defs.sage300.failed_partitions import SUBSET_PLANNED_ENV, mark_unmaterialized_partitions_failed

DAYS = 12
PARTS = dg.MultiPartitionsDefinition({
    "company": dg.StaticPartitionsDefinition(["SAMINC"]),
    "date": dg.DailyPartitionsDefinition(start_date="2026-01-01", end_date=f"2026-01-{DAYS + 1:02d}"),
})
KEYS = PARTS.get_partition_keys()
RANGE = {"dagster/asset_partition_range_start": KEYS[0], "dagster/asset_partition_range_end": KEYS[-1]}
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
STOCK_YAML = "telemetry:\n  enabled: false\n"


def _job(fail_in: str | None = None, seen: dict | None = None):
    """invoices -> lines (-> receipts independent), one range run; `lines` records what it sees of
    `invoices` in the instance while it runs; `fail_in` names an asset that raises."""
    def body(name, context):
        if name == fail_in:
            raise RuntimeError(f"{name}: Sage said 403")
        if seen is not None and name == "lines":
            instance = context.instance
            seen["latest"] = instance.get_latest_materialization_event(dg.AssetKey("invoices"))
            seen["partitions"] = sorted(r.partition_key for r in instance.fetch_materializations(
                dg.AssetKey("invoices"), limit=1000).records)
            seen["status"] = dict(instance.get_status_by_partition(dg.AssetKey("invoices"), KEYS, PARTS))
        return dg.MaterializeResult(metadata={"rows": len(context.partition_keys)},
                                    data_version=dg.DataVersion(f"{name}-v1"))

    policy = dg.BackfillPolicy.single_run()

    @dg.asset(partitions_def=PARTS, backfill_policy=policy)
    def invoices(context) -> dg.MaterializeResult:
        return body("invoices", context)

    @dg.asset(partitions_def=PARTS, backfill_policy=policy, deps=[invoices])
    def lines(context) -> dg.MaterializeResult:
        return body("lines", context)

    @dg.asset(partitions_def=PARTS, backfill_policy=policy)
    def receipts(context) -> dg.MaterializeResult:
        return body("receipts", context)

    return dg.Definitions(assets=[invoices, lines, receipts]).resolve_implicit_global_asset_job_def()


ASSETS = [dg.AssetKey(k) for k in ("invoices", "lines", "receipts")]


def _instance(home: Path, yaml_text: str, monkeypatch) -> dg.DagsterInstance:
    home.mkdir(parents=True)
    monkeypatch.setenv("DAGSTER_HOME", str(home))  # as in every real use: the yaml lives in $DAGSTER_HOME
    (home / "dagster.yaml").write_text(yaml_text)
    return dg.DagsterInstance.from_config(str(home))


@pytest.fixture
def batching_env(monkeypatch):
    monkeypatch.setenv(EVENT_BATCH_ENV, "1000")
    monkeypatch.setenv(SUBSET_PLANNED_ENV, "1")


def _index_rows(instance: dg.DagsterInstance, sql: str) -> list[tuple]:
    path = Path(instance.event_log_storage._base_dir, "index.db")  # noqa: SLF001 - the storage's own file
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def _observed(instance: dg.DagsterInstance, run_id: str) -> dict:
    """Everything a reader sees of the run's assets, as data (run ids replaced by the run's role)."""
    storage = instance.event_log_storage
    def tags(mat):  # without a code version Dagster uses the run id as one
        return {k: ("<run>" if v == run_id else v) for k, v in (mat.tags or {}).items()}

    mats = {key.to_user_string(): [(r.storage_id, r.partition_key, r.asset_materialization.metadata["rows"].value,
                                    tags(r.asset_materialization))
                                   for r in instance.fetch_materializations(key, limit=1000, ascending=True).records]
            for key in ASSETS}
    records = {r.asset_entry.asset_key.to_user_string(): r.asset_entry for r in instance.get_asset_records(ASSETS)}
    index = {key: (entry.last_materialization_record.storage_id, entry.last_materialization_record.partition_key,
                   entry.last_run_id == run_id)
             for key, entry in records.items()}
    raw_asset_keys = [(key, last_run == run_id, ts is not None, mat is not None) for key, last_run, ts, mat in
                      _index_rows(instance, "SELECT asset_key, last_run_id, last_materialization_timestamp, "
                                            "last_materialization FROM asset_keys ORDER BY asset_key")]
    return {
        "materializations": mats,
        "status": {key.to_user_string(): dict(instance.get_status_by_partition(key, KEYS, PARTS)) for key in ASSETS},
        "asset_keys_index": index,
        "asset_keys_rows": raw_asset_keys,
        "latest_event": {key.to_user_string(): (lambda e: (e.dagster_event.partition, e.dagster_event.event_type_value))(
            instance.get_latest_materialization_event(key)) for key in ASSETS},
        "latest_by_partition": {key.to_user_string(): dict(storage.get_latest_storage_id_by_partition(
            key, dg.DagsterEventType.ASSET_MATERIALIZATION)) for key in ASSETS},
        "materialized_partitions": {key.to_user_string(): sorted(instance.get_materialized_partitions(key))
                                    for key in ASSETS},
        "event_tags": _index_rows(instance, "SELECT event_id, asset_key, key, value FROM asset_event_tags ORDER BY id"),
        "index_events": _index_rows(instance, "SELECT id, dagster_event_type, asset_key, partition, step_key "
                                              "FROM event_logs ORDER BY id"),
        "run_log": [(r.event_log_entry.dagster_event_type, r.event_log_entry.step_key,
                     r.event_log_entry.dagster_event.partition if r.event_log_entry.dagster_event else None)
                    for r in instance.get_records_for_run(run_id, limit=100_000).records
                    if r.event_log_entry.dagster_event_type is not None],
        "run_status": instance.get_run_by_id(run_id).status,
    }


def test_a_range_run_leaves_the_same_event_log_as_the_stock_storage(tmp_path, batching_env, monkeypatch):
    observed = {}
    for name, yaml_text in (("stock", STOCK_YAML), ("batching", SHIPPED.read_text())):
        with _instance(tmp_path / name, yaml_text, monkeypatch) as instance:
            result = _job().execute_in_process(instance=instance, tags=RANGE, run_config=QUIET)
            assert result.success
            observed[name] = _observed(instance, result.run_id)
        assert isinstance(instance.event_log_storage,
                          BatchingSqliteEventLogStorage if name == "batching" else SqliteEventLogStorage)
    stock, batching = observed["stock"], observed["batching"]
    assert stock["run_status"] == dg.DagsterRunStatus.SUCCESS
    # Independent of either storage: every asset materialized once per partition of the range.
    assert {k: sorted(m[1] for m in v) for k, v in stock["materializations"].items()} == {
        key.to_user_string(): KEYS for key in ASSETS}
    assert len(stock["event_tags"]) > 0  # data version + the two partition dimensions, per materialization
    assert [aspect for aspect in stock if batching[aspect] != stock[aspect]] == []  # names every one that differs


def test_the_batch_is_stored_in_one_call_not_event_by_event(tmp_path, batching_env, monkeypatch):
    """What makes it fast: no materialization goes through the per-event `store_event` (the stock loop)."""
    per_event = []
    stock_store = SqliteEventLogStorage.store_event

    def counting(self, event):
        per_event.append(event.dagster_event_type)
        return stock_store(self, event)

    monkeypatch.setattr(SqliteEventLogStorage, "store_event", counting)
    with _instance(tmp_path / "batching", SHIPPED.read_text(), monkeypatch) as instance:
        assert _job().execute_in_process(instance=instance, tags=RANGE, run_config=QUIET).success
        assert len(instance.fetch_materializations(ASSETS[0], limit=1000).records) == len(KEYS)
    assert dg.DagsterEventType.ASSET_MATERIALIZATION not in per_event


def test_a_step_sees_what_the_previous_step_stored(tmp_path, batching_env, monkeypatch):
    seen: dict = {}
    with _instance(tmp_path / "batching", SHIPPED.read_text(), monkeypatch) as instance:
        assert _job(seen=seen).execute_in_process(instance=instance, tags=RANGE, run_config=QUIET).success
    assert seen["latest"] is not None and seen["latest"].dagster_event.partition in KEYS
    assert seen["partitions"] == KEYS
    assert seen["status"] == {key: AssetPartitionStatus.MATERIALIZED for key in KEYS}


def test_a_failed_steps_partitions_show_failed_and_the_others_materialized(tmp_path, batching_env, monkeypatch):
    statuses = {}
    for name, yaml_text in (("stock", STOCK_YAML), ("batching", SHIPPED.read_text())):
        with _instance(tmp_path / name, yaml_text, monkeypatch) as instance:
            result = _job(fail_in="lines").execute_in_process(
                instance=instance, tags=RANGE, run_config=QUIET, raise_on_error=False)
            assert not result.success
            # the failed_partitions hook: the partitions `lines` never materialized are marked failed
            assert mark_unmaterialized_partitions_failed(instance, result.run_id) == len(KEYS)
            statuses[name] = {key.to_user_string(): dict(instance.get_status_by_partition(key, KEYS, PARTS))
                              for key in ASSETS}
            assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.FAILURE
    expected = {"invoices": AssetPartitionStatus.MATERIALIZED, "lines": AssetPartitionStatus.FAILED,
                "receipts": AssetPartitionStatus.MATERIALIZED}
    assert statuses["batching"] == {name: {key: status for key in KEYS} for name, status in expected.items()}
    assert statuses["batching"] == statuses["stock"]


def test_a_sync_on_the_shipped_instance_shows_failed_and_loaded_partitions(sim, tmp_path, monkeypatch):
    """The real flow (`sage-looker sync` on the simulator) on the instance `prepare_instance` installs: what a
    failed range run loaded shows MATERIALIZED, what it could not load shows FAILED (the failed_partitions hook)."""
    import datetime as dt

    from sage_looker.commands.runner import prepare_instance, sync
    from sage_looker.defs.sage300.assets import asset_key

    from .conftest import TODAY, make_platform

    platform = make_platform(sim, tmp_path, monkeypatch)
    monkeypatch.setenv(EVENT_BATCH_ENV, "1000")  # what the CLI sets (restored after the test)
    instance = prepare_instance()
    assert isinstance(instance.event_log_storage, BatchingSqliteEventLogStorage)
    start = TODAY - dt.timedelta(days=2)
    keys = [f"SAMINC|{start + dt.timedelta(days=i)}" for i in range(3)]

    def status(table):
        key = asset_key(table)
        return set(dict(instance.get_status_by_partition(
            key, keys, platform.defs.resolve_assets_def(key).partitions_def)).values())

    try:
        first = sync(platform.defs, "SAMINC", start, TODAY, instance=instance)
        assert first.success, first.failures
        assert status("gl_journal_batches") == {AssetPartitionStatus.MATERIALIZED}
        sim.config.forbidden_modules = {"SAMINC": ["GL"]}  # the Web API user lost GL: a permanent 403
        second = sync(platform.defs, "SAMINC", start, TODAY, instance=instance, masters=False)
        assert not second.success
        assert status("gl_journal_batches") == status("gl_posted_transactions") == {AssetPartitionStatus.FAILED}
        assert status("ap_invoice_batches") == {AssetPartitionStatus.MATERIALIZED}
        # and each loaded partition's materialization is the latest one Dagster knows for it
        latest = instance.event_log_storage.get_latest_storage_id_by_partition(
            asset_key("ap_invoice_batches"), dg.DagsterEventType.ASSET_MATERIALIZATION)
        assert sorted(latest) == keys
    finally:
        instance.dispose()
