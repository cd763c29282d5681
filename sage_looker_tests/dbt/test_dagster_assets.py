"""The Dagster glue for dbt and Looker: keys line up with the Sage assets without a translator, tests are
asset checks, the dbt op runs in the warehouse_writer pool, and a materialization builds the marts."""

from __future__ import annotations

import dagster as dg
import pytest

from sage_looker.defs.dbt.assets import (
    DBT_POOL,
    DbtBuildConfig,
    _date_window,
    build_dbt_assets,
    dbt_resource,
    dbt_vars,
    sage_looker_dbt_project,
)
from sage_looker.defs.looker.dashboards import build_looker_dashboard_specs
from sage_looker.defs.sage300.assets import asset_key as sage_asset_key
from sage_looker.sage300 import catalog
from sage_looker_tests.dbt.support import AS_OF_DATES, rows


@pytest.fixture(scope="module")
def project():
    return sage_looker_dbt_project()


def test_sources_are_the_sage_asset_keys_and_tests_are_checks(project):
    assets = build_dbt_assets(project=project)
    upstream = {k for k in assets.dependency_keys if k not in assets.keys}
    # one asset per Sage resource: a child table's source (ap_invoices) names its resource's asset
    sage_keys = {sage_asset_key(r.root_table.name) for r in catalog.RESOURCES + catalog.DERIVED}
    assert upstream and upstream <= sage_keys  # every source is a Sage loader asset, unchanged
    assert sage_asset_key("ic_item_snapshots") in upstream and sage_asset_key("gl_posted_transactions") in upstream
    assert dg.AssetKey(["marts", "ap_aging"]) in assets.keys
    checks = {(c.asset_key, c.name) for c in assets.check_specs}
    assert (dg.AssetKey(["marts", "gl_trial_balance"]), "assert_trial_balance_debits_equal_credits") in checks
    assert any(k == dg.AssetKey(["marts", "ap_aging"]) and n.startswith("expression_is_true") for k, n in checks)
    assert assets.op.pool == DBT_POOL == "warehouse_writer"
    # the tie-outs to Sage's balances are blocking checks: a failure stops what depends on the mart
    blocking = {c.name: c.blocking for c in assets.check_specs}
    assert blocking["assert_subledgers_tie_out"] and blocking["assert_party_balances_match_sage"]
    assert blocking["assert_applications_match_posted_documents"]
    assert not blocking["accepted_values_dim_item_is_category_mapped__True"]  # a warn-severity test stays advisory


def test_looker_specs_hang_off_the_dbt_models(project):
    assets = build_dbt_assets(project=project)
    specs = {s.key: s for s in build_looker_dashboard_specs(manifest_path=project.manifest_path)}
    dashboards = {k for k in specs if k.path[:2] == ["looker", "dashboard"]}
    assert {k.path[-1] for k in dashboards} == {"ap_aging", "ar_collections", "cash_flow_forecast",
                                                "margin_by_product_line", "inventory_turnover",
                                                "financial_statements", "working_capital", "budget_vs_actual"}
    for key, spec in specs.items():
        deps = {d.asset_key for d in spec.deps}
        assert deps, key
        if key.path[1] == "explore":
            assert deps <= set(assets.keys), (key, deps - set(assets.keys))
        else:
            assert deps <= set(specs), key
    defs = dg.Definitions(assets=[assets, *specs.values()], resources={"dbt": dbt_resource(project)})
    dg.Definitions.validate_loadable(defs)


def test_vars_from_config_and_partition_window():
    cfg = DbtBuildConfig(as_of_dates=["2026-03-31"])
    assert dbt_vars(cfg, ("2026-03-01", "2026-03-02"), "/wh.duckdb") == {
        "warehouse_path": "/wh.duckdb", "min_date": "2026-03-01", "max_date": "2026-03-02", "as_of_dates": ["2026-03-31"]}
    assert dbt_vars(DbtBuildConfig(min_date="2026-01-01"), (None, None), None) == {"min_date": "2026-01-01"}


def test_partition_window_of_company_date_keys():
    class MultiContext:  # company × date keys have no single time window
        has_partition_key_range, has_partition_key = True, False
        partition_keys = ["SAMINC|2026-03-02", "SAMLTD|2026-03-01", "SAMINC|2026-03-03"]

        @property
        def partition_time_window(self):
            raise ValueError("not a time window")

    assert _date_window(MultiContext()) == ("2026-03-01", "2026-03-03")


def test_materialize_builds_the_marts_and_reports_checks(project, built, tmp_path):
    path = built.copy(tmp_path)
    # a slice of the project keeps the run short; the glue is the same for the whole project
    assets = build_dbt_assets(project=project, warehouse_path=path, select="+cash_flow_forecast", name="forecast_dbt")
    result = dg.materialize(
        [assets],
        resources={"dbt": dbt_resource(project)},
        run_config=dg.RunConfig(ops={assets.op.name: DbtBuildConfig(as_of_dates=AS_OF_DATES)}),
        raise_on_error=False,
    )
    assert result.success
    materialized = {m.asset_key for m in result.asset_materializations_for_node(assets.op.name)}
    assert dg.AssetKey(["marts", "cash_flow_forecast"]) in materialized
    evaluations = result.get_asset_check_evaluations()
    assert evaluations and all(e.passed for e in evaluations if e.severity == dg.AssetCheckSeverity.ERROR)
    assert dg.AssetKey(["marts", "ap_aging"]) not in materialized
    assert rows(path, "select count(*) from marts.cash_flow_forecast") == [(4 * 14,)]
