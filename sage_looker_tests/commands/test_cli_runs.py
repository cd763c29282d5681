"""A CLI sync is a run of the one system: recorded with the UI's job origin, re-executable from the UI (the
GraphQL mutation the run page's Re-execute button sends), with live progress read from its event log."""

import datetime as dt
import io
from pathlib import Path

import duckdb
import yaml
from dagster_graphql.test.utils import execute_dagster_graphql

from sage_looker.commands.origin import LOCATION_NAME
from sage_looker.commands.runner import sync
from sage_looker.defs.sage300.jobs import TRANSACTIONS_ONLY_JOB
from sage_looker.sage300 import catalog
from sage_looker_tests.defs.backfill_harness import ui_workspace
from sage_looker_tests.defs.conftest import TODAY, make_platform, sim, warehouse_partitions  # noqa: F401

START, END = TODAY - dt.timedelta(days=6), TODAY - dt.timedelta(days=2)
REEXECUTE = """
mutation Reexecute($params: ReexecutionParams!) {
  launchPipelineReexecution(reexecutionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message stack }
  }
}
"""


class Terminal(io.StringIO):
    def isatty(self) -> bool:  # the live display (redrawn lines) is what a person at a terminal sees
        return True


def _rows_per_day(platform, company: str) -> dict:
    return {r.root_table.name: {d: n for d, (n, _) in warehouse_partitions(platform, r.root_table.name, [], company)
                                .items() if START.isoformat() <= d <= END.isoformat()}
            for r in catalog.TRANSACTIONS}


def _sage_rows_per_day(platform, company: str) -> dict:
    truth = platform.sim.truth()["companies"][company]["tables"]
    return {r.root_table.name: {d: p["rows"] for d, p in truth[r.root_table.name]["partitions"].items()
                                if START.isoformat() <= d <= END.isoformat()} for r in catalog.TRANSACTIONS}


def test_the_location_name_is_the_workspace_one():
    workspace = yaml.safe_load((Path(__file__).resolve().parents[2] / "workspace.yaml").read_text())
    assert workspace["load_from"][0]["python_module"]["location_name"] == LOCATION_NAME


def test_a_cli_sync_shows_in_the_ui_re_executes_there_and_reports_live_progress(sim, tmp_path, monkeypatch):
    platform = make_platform(sim, tmp_path, monkeypatch)
    terminal = Terminal()
    with ui_workspace(tmp_path / "instance") as (instance, process):
        summary = sync(platform.defs, "SAMINC", START, END, instance=instance, progress_stream=terminal)
        assert summary.success
        expected = _sage_rows_per_day(platform, "SAMINC")
        assert _rows_per_day(platform, "SAMINC") == expected and sum(map(len, expected.values())) > 5

        parent = next(r for r in instance.get_runs() if r.job_name == TRANSACTIONS_ONLY_JOB)
        origin = parent.remote_job_origin
        assert origin is not None, "the CLI run has no job origin: the UI cannot re-execute it"
        assert origin.repository_origin.code_location_origin.location_name == LOCATION_NAME

        with duckdb.connect(platform.warehouse) as wh:  # lose the loaded days: the re-execution must restore them
            for r in catalog.TRANSACTIONS:
                wh.execute(f'DELETE FROM sage300."{r.root_table.name}" WHERE company_id = \'SAMINC\'')
        assert not any(_rows_per_day(platform, "SAMINC").values())
        result = execute_dagster_graphql(process.create_request_context(), REEXECUTE, variables={
            "params": {"parentRunId": parent.run_id, "strategy": "ALL_STEPS"}})
        assert not result.errors, result.errors
        out = result.data["launchPipelineReexecution"]
        assert out["__typename"] == "LaunchRunSuccess", out
        child = instance.get_run_by_id(out["run"]["runId"])
        assert child.is_success and child.parent_run_id == parent.run_id
        assert _rows_per_day(platform, "SAMINC") == expected  # every day back, as Sage has it

    shown = terminal.getvalue()
    assert "SAMINC transactions" in shown and "WEBAPI" not in shown
    # Each redraw of a resource's line carries its running row count: it grows page by page.
    by_resource: dict[str, list[int]] = {}
    for frame in shown.replace("\n", "\r").split("\r"):
        frame = frame.strip().removesuffix("\x1b[K")
        if " pages, " in frame:
            name, rest = frame.split(": ", 1)
            by_resource.setdefault(name, []).append(int(rest.split(", ")[1].split()[0]))
    assert {f"{r.root_table.name} SAMINC" for r in catalog.TRANSACTIONS} <= set(by_resource)
    assert all(counts == sorted(counts) for counts in by_resource.values())
    assert any(len(set(counts)) > 1 for counts in by_resource.values()), by_resource  # not a 0→1 jump
    assert "requests left" in shown and "/9 steps" in shown  # the masters run: nine resources


def test_on_a_queued_deployment_the_cli_says_its_runs_bypass_the_queue(tmp_path, monkeypatch, capsys):
    from sage_looker.commands.runner import QUEUE_NOTE, prepare_instance

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "run_coordinator:\n  module: dagster.core.run_coordinator\n  class: QueuedRunCoordinator\n")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    prepare_instance().dispose()  # an instance left open keeps a thread that blocks interpreter exit
    assert QUEUE_NOTE in capsys.readouterr().err
