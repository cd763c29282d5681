"""After a load: dbt rebuilds the marts (its tests as asset checks) and Looker is told, once per plan."""

import datetime as dt

import dagster as dg

from sage_looker.commands.runner import sync
from sage_looker.commands.sync_cli import _refresh
from sage_looker.defs.looker import resources as looker_resources

from .conftest import TODAY


def test_refresh_builds_marts_and_delivers_each_morning_report_once(platform):
    assert sync(platform.defs, "SAMINC", TODAY - dt.timedelta(days=14), TODAY, instance=platform.instance).success
    assert _refresh(platform.defs, platform.instance)

    aging = platform.query("SELECT COUNT(*) AS n FROM marts.ap_aging WHERE company_id = 'SAMINC'")
    assert aging[0]["n"] > 0
    refresh_run = platform.instance.get_runs()[0]
    checks = [e.dagster_event.event_specific_data for e in platform.instance.all_logs(refresh_run.run_id)
              if e.dagster_event and e.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert len(checks) > 50  # dbt tests, reconciliation tests included, surface as asset checks
    assert all(c.passed for c in checks)

    sim = looker_resources.embedded_looker_simulator()  # the one this process started for the refresh
    deliveries = sim.deliveries()
    plans = sorted(d.target_id for d in deliveries if d.kind == "scheduled_plan")
    triggers = [d for d in deliveries if d.kind == "datagroup"]
    assert plans == ["1", "2", "3", "4", "5"]  # each morning report delivered exactly once
    assert len(triggers) == 1

    refresh = platform.instance.get_latest_materialization_event(dg.AssetKey(["looker", "refresh"]))
    assert refresh is not None
    assert refresh.asset_materialization.metadata["lookml_valid"].value is True
