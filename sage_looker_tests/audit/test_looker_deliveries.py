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
    assert {r["outcome"] for r in replays} == {"delivered"} and len({r["run_id"] for r in replays}) == 2
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
        assert log.complete and not held and len(log.rows) == 4
        with pytest.raises(NothingToReplay, match="no Looker delivery and no load recorded for run nope"):
            replay(wh, client, "nope", (settings.datagroups, settings.scheduled_plan_ids))
    assert _plan_runs(looker) == Counter({"1": 1, "2": 1, "3": 1})
