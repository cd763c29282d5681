"""Launch backfills the way the Dagster UI does: the GraphQL `launchPartitionBackfill` mutation against an
in-process code location, then the backfill daemon's own iterations, with runs executed synchronously."""

from __future__ import annotations

import importlib
import logging
from contextlib import contextmanager

import dagster as dg
from dagster._core.test_utils import instance_for_test
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.execution.backfill import BulkActionStatus
from dagster._daemon.backfill import execute_backfill_iteration
from dagster_graphql.test.utils import execute_dagster_graphql

LAUNCH = """
mutation Launch($backfillParams: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $backfillParams) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message stack }
    ... on InvalidStepError { invalidStepKey }
    ... on InvalidOutputError { stepKey invalidOutputName }
  }
}
"""


@contextmanager
def ui_workspace(home):
    """A persistent instance (runs executed in this process on launch) and the project's code location."""
    import sage_looker.definitions

    importlib.reload(sage_looker.definitions)  # its module-level `defs` must read this test's environment
    home.mkdir(parents=True, exist_ok=True)
    with instance_for_test(temp_dir=str(home), synchronous_run_launcher=True,
                           synchronous_run_coordinator=True) as instance:
        origin = InProcessCodeLocationOrigin(
            LoadableTargetOrigin(module_name="sage_looker.definitions", attribute="defs"), location_name="sage_looker")
        with WorkspaceProcessContext(instance, InProcessWorkspaceLoadTarget([origin])) as process:
            yield instance, process


def _repository_selector(process) -> dict:
    location = next(iter(process.create_request_context().get_code_location_entries().values())).code_location
    repo = next(iter(location.get_repositories().values()))
    return {"repositoryLocationName": location.name, "repositoryName": repo.name}


def launch_job_page_backfill(process, job: str, partition_keys: list[str], asset_keys: list[dg.AssetKey]) -> str:
    """What the job page's "Materialize all" dialog sends: the job's partition set plus the asset selection."""
    params = {
        "selector": {"partitionSetName": f"{job}_partition_set", "repositorySelector": _repository_selector(process)},
        "partitionNames": partition_keys,
        "assetSelection": [{"path": k.path} for k in asset_keys],
        "fromFailure": False,
        "tags": [],
    }
    return _launch(process, params)


def launch_asset_page_backfill(process, partition_keys: list[str], asset_keys: list[dg.AssetKey]) -> str:
    """What the asset page's Materialize dialog sends: an asset backfill (no partition set)."""
    params = {"partitionNames": partition_keys, "assetSelection": [{"path": k.path} for k in asset_keys],
              "fromFailure": False, "tags": []}
    return _launch(process, params)


def _launch(process, params: dict) -> str:
    result = execute_dagster_graphql(process.create_request_context(), LAUNCH, variables={"backfillParams": params})
    assert not result.errors, result.errors
    out = result.data["launchPartitionBackfill"]
    assert out["__typename"] == "LaunchBackfillSuccess", out
    return out["backfillId"]


def run_backfill_daemon(instance, process, backfill_id: str, max_iterations: int = 50):
    """Iterate the backfill daemon until the backfill reaches a final state (each iteration is bounded work)."""
    logger = logging.getLogger("backfill_test")
    final = {BulkActionStatus.COMPLETED_SUCCESS, BulkActionStatus.COMPLETED_FAILED,
             BulkActionStatus.FAILED, BulkActionStatus.CANCELED, BulkActionStatus.COMPLETED}
    for _ in range(max_iterations):
        errors = [e for e in execute_backfill_iteration(process, logger) if e is not None]
        assert not errors, errors[0].to_string()
        backfill = instance.get_backfill(backfill_id)
        if backfill.status in final:
            return backfill
    runs = [(r.run_id, r.status, {k: v for k, v in r.tags.items() if "partition" in k}) for r in backfill_runs(instance, backfill_id)]
    raise AssertionError(f"runs {runs}; backfill {backfill_id} still {instance.get_backfill(backfill_id).status}")


def backfill_runs(instance, backfill_id: str) -> list:
    return list(instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id})))
