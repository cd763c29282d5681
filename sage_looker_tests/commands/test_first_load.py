"""After the standard first load (`sage-looker sync` up to today), the refresh job (dbt + Looker) opens in the
UI without its "may fail" warning: the UI raises it when an upstream asset of the job's selection, outside
the selection, has never been materialized. Here: the inventory snapshot, read by the dbt inventory models."""

import datetime as dt

import dagster as dg
from click.testing import CliRunner

from sage_looker.defs.looker.jobs import REFRESH_JOB
from sage_looker.sage300_sim import SimulatorConfig, run_simulator
from sage_looker_tests.defs.conftest import make_platform


def _never_materialized_upstreams(defs: dg.Definitions, instance: dg.DagsterInstance) -> list[str]:
    graph = defs.resolve_asset_graph()
    selected = set(defs.resolve_job_def(REFRESH_JOB).asset_layer.selected_asset_keys)
    upstream = {p for k in selected for p in graph.get(k).parent_keys} - selected
    return sorted(k.to_user_string() for k in upstream
                  if graph.get(k).is_materializable and instance.get_latest_materialization_event(k) is None)


def test_after_the_first_load_every_upstream_of_the_refresh_job_has_a_materialization(tmp_path, monkeypatch):
    from sage_looker.cli import main

    today = dt.date.today()  # the snapshot can only be captured for the real today
    with run_simulator(SimulatorConfig(seed=11, days=5, today=today, scale=0.3)) as sim:
        platform = make_platform(sim, tmp_path, monkeypatch, SAGE300_COMPANIES="SAMINC")
        result = CliRunner().invoke(main, ["sync", "--company", "SAMINC", "--start",
                                           (today - dt.timedelta(days=2)).isoformat(), "--end", today.isoformat()])
        assert result.exit_code == 0, result.output
        with dg.DagsterInstance.get() as instance:  # the CLI's own ($DAGSTER_HOME), disposed after
            assert _never_materialized_upstreams(platform.defs, instance) == []
