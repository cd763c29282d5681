"""Looker deliveries are recorded per run, and `sage-looker replay-looker --run` re-delivers what is missing,
each scheduled plan exactly once."""

from collections import Counter

import dagster as dg
import pytest
from click.testing import CliRunner

from sage_looker.audit import AUDIT_SCHEMA
from sage_looker.audit.deliveries import NothingToReplay, replay
from sage_looker.audit.ledger import LEDGER, SliceInfo, ledger_row
from sage_looker.defs.looker.assets import build_looker_refresh_asset
from sage_looker.defs.looker.resources import LookerResource
from sage_looker.defs.warehouse.resources import WarehouseResource
from sage_looker.looker_sim import LookerSimConfig, run_looker_simulator
from sage_looker.warehouse import open_warehouse

RUN_ONCE = "scheduled_plan_run_once_by_id"
PLANS = "1,2,3"
GROUP = "sage_looker::sage300_load"


@pytest.fixture
def looker():
    with run_looker_simulator(LookerSimConfig()) as sim:
        yield sim


@pytest.fixture
def env(looker, tmp_path, monkeypatch):
    values = {"LOOKER_BASE_URL": looker.base_url, "LOOKER_CLIENT_ID": looker.client_id,
              "LOOKER_CLIENT_SECRET": looker.client_secret, "LOOKER_DATAGROUPS": GROUP,
              "LOOKER_SCHEDULED_PLANS": PLANS, "SAGE_LOOKER_HOME": str(tmp_path),
              "SAGE_LOOKER_WAREHOUSE": str(tmp_path / "w.duckdb")}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def _refresh(looker, env) -> dg.ExecuteInProcessResult:
    @dg.asset(key=["marts", "ap_aging"])
    def ap_aging() -> None:
        return None

    refresh = build_looker_refresh_asset(ap_aging)
    resources = {"looker": LookerResource(base_url=looker.base_url, client_id=looker.client_id,
                                          client_secret=looker.client_secret, datagroups=GROUP,
                                          scheduled_plans=PLANS),
                 "warehouse": WarehouseResource(target=env["SAGE_LOOKER_WAREHOUSE"])}
    return dg.materialize([ap_aging, refresh], selection=[refresh.key], resources=resources,
                          instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def _deliveries(env, where="TRUE", params=()):
    wh = open_warehouse(env["SAGE_LOOKER_WAREHOUSE"])
    sql = f"SELECT * FROM {AUDIT_SCHEMA}.looker_deliveries WHERE {where} ORDER BY recorded_at"
    return wh.read_arrow(sql, params).to_pylist()


def _plan_runs(looker) -> Counter:
    return Counter(d.target_id for d in looker.deliveries() if d.kind == "scheduled_plan")


def _replay_cli(run_id: str):
    from sage_looker.cli import main
    return CliRunner().invoke(main, ["replay-looker", "--run", run_id])


def test_a_failed_plan_is_recorded_and_replayed_exactly_once(looker, env):
    looker.set_faults(f"403@{RUN_ONCE}=burst:1")  # plan 1 refused; 2 and 3 go out
    result = _refresh(looker, env)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure).event_specific_data.error.message
    assert f"sage-looker replay-looker --run {result.run_id}" in failure and "scheduled_plan 1: failed" in failure
    rows = {(r["kind"], r["target"]): r for r in _deliveries(env, "run_id = ?", [result.run_id])}
    assert rows[("datagroup", GROUP)]["outcome"] == "delivered"
    assert rows[("scheduled_plan", "1")]["outcome"] == "failed"
    assert rows[("scheduled_plan", "1")]["error_class"].startswith("Looker")
    assert [rows[("scheduled_plan", p)]["outcome"] for p in "23"] == ["delivered", "delivered"]
    assert _plan_runs(looker) == Counter({"2": 1, "3": 1})

    out = _replay_cli(result.run_id)
    assert out.exit_code == 0, out.output
    assert _plan_runs(looker) == Counter({"1": 1, "2": 1, "3": 1})  # 1 delivered now, 2 and 3 not again
    again = _replay_cli(result.run_id)
    assert again.exit_code == 0, again.output
    assert _plan_runs(looker) == Counter({"1": 1, "2": 1, "3": 1})
    replays = _deliveries(env, "replay_of = ?", [result.run_id])
    # The second replay found everything delivered: it sent nothing and recorded nothing.
    assert {r["outcome"] for r in replays} <= {"started", "delivered"} and len({r["run_id"] for r in replays}) == 1
    assert "nothing to replay" in again.output
    assert looker.client_secret not in str(_deliveries(env))


def test_failed_datagroups_hold_the_plans_back_until_the_replay(looker, env):
    looker.set_faults("404@update_datagroup=burst:1")
    result = _refresh(looker, env)
    assert not result.success
    outcomes = {(r["kind"], r["target"]): r["outcome"] for r in _deliveries(env)}
    assert outcomes[("datagroup", GROUP)] == "failed"
    assert {o for (k, _), o in outcomes.items() if k == "scheduled_plan"} == {"skipped"}
    assert not _plan_runs(looker)
    assert _replay_cli(result.run_id).exit_code == 0
    assert _plan_runs(looker) == Counter({"1": 1, "2": 1, "3": 1})
    assert [d for d in looker.deliveries() if d.kind == "datagroup"]


def test_a_load_whose_refresh_never_ran_gets_the_configured_deliveries(looker, env):
    from sage_looker.looker import LookerClient
    from sage_looker.looker.settings import LookerSettings

    wh = open_warehouse(env["SAGE_LOOKER_WAREHOUSE"])
    wh.append_rows(AUDIT_SCHEMA, LEDGER, ledger_row(
        SliceInfo("load-run-1", "ap_invoice_batches", "AP", "AP/APInvoiceBatches", "SAMINC"), status="success"))
    settings = LookerSettings.from_env({k: v for k, v in env.items() if k.startswith("LOOKER_")})
    with LookerClient(settings) as client:
        log, held = replay(wh, client, "load-run-1", (settings.datagroups, settings.scheduled_plan_ids))
        assert log.complete and not held and len(log.outcomes) == 4
        with pytest.raises(NothingToReplay, match="no Looker delivery and no load recorded for run nope"):
            replay(wh, client, "nope", (settings.datagroups, settings.scheduled_plan_ids))
    assert _plan_runs(looker) == Counter({"1": 1, "2": 1, "3": 1})


@pytest.fixture
def hidden_copies():
    """A Looker that does not list the one-off run_once copies (nothing shows whether a run_once happened)."""
    with run_looker_simulator(LookerSimConfig(run_once_copies_listed=False)) as sim:
        yield sim


def _outcomes(env, run_id):
    rows = _deliveries(env, "run_id = ?", [run_id])
    last = {}
    for r in rows:
        last[(r["kind"], r["target"])] = r["outcome"]
    return last


def test_an_ambiguous_502_is_recorded_unknown_not_sent_twice_and_replayable_on_request(hidden_copies, env,
                                                                                       monkeypatch):
    looker = hidden_copies
    monkeypatch.setenv("LOOKER_BASE_URL", looker.base_url)
    looker.set_faults(f"502html-after@{RUN_ONCE}=burst:1")  # Looker ran plan 1, the proxy answered an HTML 502
    result = _refresh(looker, env)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure).event_specific_data.error.message
    assert "scheduled_plan 1: unknown" in failure and "--include-unknown" in failure
    assert _outcomes(env, result.run_id)[("scheduled_plan", "1")] == "unknown"
    assert _plan_runs(looker) == Counter({"1": 1, "2": 1, "3": 1})  # the simulator e-mailed plan 1 exactly once

    held = _replay_cli(result.run_id)
    assert held.exit_code == 0 and "held back: its delivery is unknown" in held.output, held.output
    assert _plan_runs(looker) == Counter({"1": 1, "2": 1, "3": 1})
    sent = CliRunner().invoke(__import__("sage_looker.cli", fromlist=["main"]).main,
                              ["replay-looker", "--run", result.run_id, "--include-unknown"])
    assert sent.exit_code == 0, sent.output
    assert _plan_runs(looker) == Counter({"1": 2, "2": 1, "3": 1})  # sent again only because it was asked
    assert _replay_cli(result.run_id).exit_code == 0
    assert _plan_runs(looker) == Counter({"1": 2, "2": 1, "3": 1})


def test_a_crash_between_plans_keeps_plan_1_delivered_and_the_replay_sends_only_the_rest(looker, env, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    worker = Path(__file__).with_name("_refresh_worker.py")
    repo = str(Path(__file__).resolve().parents[2])  # this checkout's package, whatever is installed
    child_env = {**os.environ, **env, "CRASH_BEFORE_PLAN": "2", "PYTHONPATH": repo}  # plan 1 out, then it dies
    proc = subprocess.run([sys.executable, str(worker), looker.base_url, looker.client_id, GROUP, PLANS],
                          env=child_env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9 and "crashing before plan 2" in proc.stderr, proc.stderr[-3000:]
    assert _plan_runs(looker) == Counter({"1": 1})
    try:
        recorded = _deliveries(env)
    except Exception as exc:  # no audit table at all: nothing was recorded before the crash
        recorded = [str(exc)[:200]]
    run_ids = {r["run_id"] for r in recorded if isinstance(r, dict)}
    assert len(run_ids) == 1, f"the crashed refresh recorded nothing: {recorded}"
    (run_id,) = run_ids
    outcomes = _outcomes(env, run_id)
    assert outcomes[("scheduled_plan", "1")] == "delivered" and outcomes[("datagroup", GROUP)] == "delivered"
    # Plan 2's `started` row was written before the process died: whether its POST left cannot be known.
    assert outcomes[("scheduled_plan", "2")] == "started" and ("scheduled_plan", "3") not in outcomes

    out = _replay_cli(run_id)
    assert out.exit_code == 0, out.output
    assert "2" in out.output.split("held back")[0].splitlines()[-1]  # plan 2 held back as unknown
    assert _plan_runs(looker) == Counter({"1": 1, "3": 1})  # 3 sent once, 1 not again
    sent = CliRunner().invoke(__import__("sage_looker.cli", fromlist=["main"]).main,
                              ["replay-looker", "--run", run_id, "--include-unknown"])
    assert sent.exit_code == 0, sent.output
    assert _plan_runs(looker) == Counter({"1": 1, "2": 1, "3": 1})


def test_replay_by_the_load_run_id_never_resends_what_its_refresh_delivered(looker, env):
    wh = open_warehouse(env["SAGE_LOOKER_WAREHOUSE"])
    wh.append_rows(AUDIT_SCHEMA, LEDGER, ledger_row(
        SliceInfo("load-run-7", "ap_invoice_batches", "AP", "AP/APInvoiceBatches", "SAMINC"), status="success"))
    looker.set_faults(f"403@{RUN_ONCE}=burst:1")  # the refresh after the load: plan 1 refused, 2 and 3 delivered
    result = _refresh(looker, env)
    assert not result.success
    assert _plan_runs(looker) == Counter({"2": 1, "3": 1})

    out = _replay_cli("load-run-7")  # the analyst knows the load's run id, not the refresh's
    assert out.exit_code == 0, out.output
    assert _plan_runs(looker) == Counter({"1": 1, "2": 1, "3": 1})
    assert _replay_cli("load-run-7").exit_code == 0 and _replay_cli(result.run_id).exit_code == 0
    assert _plan_runs(looker) == Counter({"1": 1, "2": 1, "3": 1})
