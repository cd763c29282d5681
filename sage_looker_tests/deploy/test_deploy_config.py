"""The shipped production configuration (deploy/) cannot rot: dagster.yaml passes dagster's own instance
schema, its {env: …} values resolve, a real DagsterInstance starts from it on PostgreSQL, and the
workspace's gRPC code server serves the sage_looker definitions."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import dagster as dg
import pytest
import yaml
from dagster._config import Shape, process_config
from dagster._core.errors import DagsterInvalidConfigError
from dagster._core.instance.config import dagster_instance_config
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.config import pg_config
from dagster._core.workspace.config_schema import ensure_workspace_config

from sage_looker_tests.pgserver import ENV_URL, fresh_database

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
DUMMY_ENV = {"DAGSTER_PG_HOST": "db.example.internal", "DAGSTER_PG_PORT": "6543", "DAGSTER_PG_USER": "dagster",
             "DAGSTER_PG_PASSWORD": "not-a-secret", "DAGSTER_PG_DB": "dagster"}


def _home(tmp_path: Path, text: str | None = None) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text(text if text is not None else (DEPLOY / "dagster.yaml").read_text())
    return home


def test_dagster_yaml_passes_the_instance_schema_with_the_intended_settings(tmp_path, monkeypatch):
    for key, value in DUMMY_ENV.items():
        monkeypatch.setenv(key, value)
    text = (DEPLOY / "dagster.yaml").read_text()
    assert set(re.findall(r"\{env: (\w+)\}", text)) == set(DUMMY_ENV)  # every variable is documented here
    config, custom_class = dagster_instance_config(str(_home(tmp_path)))
    assert custom_class is None
    resolved = process_config(Shape(pg_config()), config["storage"]["postgres"])
    assert resolved.success, resolved.errors
    db = resolved.value["postgres_db"]
    assert (db["hostname"], db["port"], db["username"], db["db_name"]) == ("db.example.internal", 6543, "dagster", "dagster")

    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    runs = config["concurrency"]["runs"]
    assert runs["max_concurrent_runs"] == 4
    assert {"key": "dagster/backfill", "limit": 2} in runs["tag_concurrency_limits"]
    assert config["concurrency"]["pools"]["default_limit"] == 2 and config["concurrency"]["pools"]["granularity"] == "op"
    assert config["run_monitoring"]["enabled"] is True
    assert config["run_retries"] == {"enabled": True, "max_retries": 2, "retry_on_asset_or_op_failure": False}
    assert config["retention"]["sensor"]["purge_after_days"]["skipped"] == 7
    assert config["telemetry"] == {"enabled": False}


@pytest.mark.parametrize("typo", [
    ("retry_on_asset_or_op_failure: false", "retry_on_op_failure: false"),
    ("max_concurrent_runs: 4", "max_concurent_runs: 4"),
    ("enabled: true\n  start_timeout_seconds", "enabled: yes-please\n  start_timeout_seconds"),
])
def test_the_schema_check_is_real_a_typo_fails(tmp_path, typo):
    text = (DEPLOY / "dagster.yaml").read_text()
    assert typo[0] in text
    with pytest.raises(DagsterInvalidConfigError):
        dagster_instance_config(str(_home(tmp_path, text.replace(typo[0], typo[1], 1))))


def test_workspace_yaml_loads_the_code_location_from_a_grpc_server():
    path = DEPLOY / "workspace.yaml"
    raw = yaml.safe_load(path.read_text())
    ensure_workspace_config(raw, str(path))  # dagster's own workspace schema
    assert raw["load_from"] == [{"grpc_server": {"host": "localhost", "port": 4266, "location_name": "sage_looker"}}]


@pytest.fixture
def deploy_instance(tmp_path, monkeypatch) -> Iterator[dg.DagsterInstance]:
    """A DagsterInstance built from deploy/dagster.yaml on a fresh database of the PostgreSQL test server."""
    with fresh_database("dagster") as url:
        parts = urlsplit(url)
        env = {"DAGSTER_PG_HOST": parts.hostname, "DAGSTER_PG_PORT": str(parts.port or 5432),
               "DAGSTER_PG_USER": parts.username or "postgres", "DAGSTER_PG_PASSWORD": parts.password or "",
               "DAGSTER_PG_DB": parts.path.lstrip("/")}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        home = _home(tmp_path)
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        instance = dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))
        try:
            yield instance
        finally:
            instance.dispose()


def test_a_real_instance_starts_from_deploy_dagster_yaml(deploy_instance):
    i = deploy_instance
    names = [type(x).__name__ for x in (i.run_storage, i.event_log_storage, i.schedule_storage,
                                        i.run_coordinator, i.run_launcher, i.scheduler)]
    assert names == ["PostgresRunStorage", "PostgresEventLogStorage", "PostgresScheduleStorage",
                     "QueuedRunCoordinator", "DefaultRunLauncher", "DagsterDaemonScheduler"]
    queue = i.get_concurrency_config().run_queue_config
    assert queue.max_concurrent_runs == 4 and queue.tag_concurrency_limits == [{"key": "dagster/backfill", "limit": 2}]
    assert i.run_monitoring_enabled and i.run_retries_enabled and not i.run_retries_retry_on_asset_or_op_failure
    sage = i.event_log_storage.get_concurrency_info("sage300")
    assert (sage.limit, sage.using_default_limit) == (2, True)  # the default_limit covers the Sage pool
    i.event_log_storage.set_concurrency_slots("warehouse_writer", 4)  # the documented one-time setup
    assert i.event_log_storage.get_concurrency_info("warehouse_writer").slot_count == 4
    assert i.get_runs() == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def any_instance(tmp_path, request) -> Iterator[dg.DagsterInstance]:
    """The production instance on PostgreSQL when the test server runs, else a local one (the code server
    load is worth checking either way)."""
    if os.environ.get(ENV_URL):
        yield request.getfixturevalue("deploy_instance")
    else:
        (tmp_path / "local_home").mkdir()
        with dg.DagsterInstance.local_temp(str(tmp_path / "local_home")) as instance:
            yield instance


def test_the_grpc_code_server_serves_the_definitions_to_the_workspace(any_instance, tmp_path):
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import WorkspaceFileTarget
    from dagster._grpc.client import DagsterGrpcClient

    port = _free_port()
    # The command deploy/OPERATIONS.md runs as the code-server service (loopback here).
    server = subprocess.Popen(
        [sys.executable, "-m", "dagster", "code-server", "start", "-m", "sage_looker.definitions", "-a", "defs",
         "-h", "127.0.0.1", "-p", str(port)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        client, deadline = DagsterGrpcClient(port=port, host="127.0.0.1"), time.monotonic() + 120
        while True:
            try:
                client.ping("up?")
                break
            except Exception:  # noqa: BLE001 - not serving yet
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(f"the code server did not start: {server.communicate()[0][-3000:]}")
                time.sleep(0.2)
        workspace = yaml.safe_load((DEPLOY / "workspace.yaml").read_text())
        workspace["load_from"][0]["grpc_server"].update(host="127.0.0.1", port=port)
        (tmp_path / "workspace.yaml").write_text(yaml.safe_dump(workspace))
        with WorkspaceProcessContext(any_instance, WorkspaceFileTarget([str(tmp_path / "workspace.yaml")])) as ctx:
            request = ctx.create_request_context()
            assert request.get_code_location_error("sage_looker") is None
            repo = next(iter(request.get_code_location("sage_looker").get_repositories().values()))
            assert repo.get_asset_node_snaps() and repo.get_all_jobs()
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()


def test_the_production_env_turns_the_change_sensor_on(monkeypatch, tmp_path):
    """deploy/sage_looker.env switches the change sensor on; without it (a laptop) it stays off."""
    import dagster as dg

    from sage_looker.defs.sage300.sensors import SENSOR_NAME, SENSOR_SWITCH, sensor_default_status

    env = dict(line.split("=", 1) for line in (DEPLOY / "sage_looker.env").read_text().splitlines()
               if line and not line.startswith("#"))
    monkeypatch.setenv(SENSOR_SWITCH, env[SENSOR_SWITCH])
    assert sensor_default_status() == dg.DefaultSensorStatus.RUNNING
    monkeypatch.setenv("SAGE_LOOKER_HOME", str(tmp_path))
    from sage_looker.definitions import build_definitions

    assert build_definitions().resolve_sensor_def(SENSOR_NAME).default_status == dg.DefaultSensorStatus.RUNNING
    monkeypatch.delenv(SENSOR_SWITCH)
    assert sensor_default_status() == dg.DefaultSensorStatus.STOPPED


def test_the_production_env_batches_a_range_runs_materializations_on_postgres(deploy_instance, monkeypatch):
    """deploy/sage_looker.env sets DAGSTER_EVENT_BATCH_SIZE: dagster-postgres then stores a range run's
    materializations a batch at a time (never one `store_event` each), and every partition shows materialized."""
    from dagster._core.storage.partition_status_cache import AssetPartitionStatus
    from dagster_postgres.event_log import PostgresEventLogStorage

    env = dict(line.split("=", 1) for line in (DEPLOY / "sage_looker.env").read_text().splitlines()
               if line and not line.startswith("#"))
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", env["DAGSTER_EVENT_BATCH_SIZE"])
    monkeypatch.setenv("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS",
                       env["DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"])
    parts = dg.MultiPartitionsDefinition({"company": dg.StaticPartitionsDefinition(["SAMINC"]),
                                          "date": dg.DailyPartitionsDefinition("2026-01-01", end_date="2026-01-11")})
    keys = parts.get_partition_keys()

    @dg.asset(partitions_def=parts, backfill_policy=dg.BackfillPolicy.single_run())
    def gl_batches(context) -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"partitions": len(context.partition_keys)})

    per_event = []
    stock_store = PostgresEventLogStorage.store_event

    def counting(self, event):
        per_event.append(event.dagster_event_type)
        return stock_store(self, event)

    monkeypatch.setattr(PostgresEventLogStorage, "store_event", counting)
    job = dg.Definitions(assets=[gl_batches]).resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(instance=deploy_instance, tags={
        "dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]})
    assert result.success
    assert dg.DagsterEventType.ASSET_MATERIALIZATION not in per_event
    key = dg.AssetKey("gl_batches")
    assert sorted(r.partition_key for r in deploy_instance.fetch_materializations(key, limit=100).records) == keys
    assert dict(deploy_instance.get_status_by_partition(key, keys, parts)) == {
        k: AssetPartitionStatus.MATERIALIZED for k in keys}
