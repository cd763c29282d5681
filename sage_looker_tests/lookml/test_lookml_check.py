"""LookML validation: the shipped LookML passes on the built warehouse, and each kind of broken
reference is reported clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from sage_looker.dbt_project import LOOKML_DIR, MARTS_SCHEMA
from sage_looker.lookml_check import DuckDBColumns, check_lookml, information_schema_lister, load_project

MORNING_DASHBOARDS = {"ap_aging", "ar_collections", "cash_flow_forecast", "margin_by_product_line", "inventory_turnover",
                      "financial_statements", "working_capital", "budget_vs_actual"}


@pytest.fixture()
def lookml_copy(tmp_path) -> Path:
    return Path(shutil.copytree(LOOKML_DIR, tmp_path / "lookml"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_shipped_lookml_passes_on_the_built_warehouse(built):
    with DuckDBColumns(built.warehouse) as cols:
        assert check_lookml(LOOKML_DIR, cols) == []


def test_every_mart_and_dimension_has_a_view_and_the_five_dashboards_exist(built):
    project = load_project(LOOKML_DIR)
    tables = {t for (t,) in duckdb.connect(str(built.warehouse), read_only=True).execute(
        "select table_name from information_schema.tables where table_schema = ?", [MARTS_SCHEMA]).fetchall()}
    viewed = {v.sql_table_name.split(".")[-1] for v in project.views.values() if v.sql_table_name}
    assert tables == viewed
    assert {d["dashboard"] for _, d in project.dashboards} == MORNING_DASHBOARDS
    model = project.models["sage_looker"]
    [dg] = model["datagroups"]
    assert dg["name"] == "sage300_load" and "MAX(_loaded_at) FROM sage300." in dg["sql_trigger"]
    for v in project.views.values():
        for g in v.raw.get("dimension_groups", []):
            assert g.get("convert_tz") == "no", (v.name, g["name"])
        for m in v.raw.get("measures", []):
            if m.get("type") in ("sum", "number", "average") and m["name"] not in ("order_count",):
                assert m.get("value_format_name"), (v.name, m["name"])


def test_a_column_renamed_in_dbt_is_reported(built, tmp_path):
    path = built.copy(tmp_path)
    con = duckdb.connect(str(path))
    con.execute("alter table marts.ap_aging rename column bucket_over_90 to bucket_90_plus")
    con.execute("drop table marts.inventory_turnover")
    con.close()
    with DuckDBColumns(path) as cols:
        problems = [str(p) for p in check_lookml(LOOKML_DIR, cols)]
    assert "views/open_items.view.lkml: view ap_aging measure over_90: column bucket_over_90 does not exist in marts.ap_aging" in problems
    assert any("view inventory_turnover" in p and "marts.inventory_turnover does not exist" in p for p in problems)
    assert len(problems) == 2, problems


def test_broken_lookml_references_are_reported(built, lookml_copy):
    _edit(lookml_copy / "sage_looker.model.lkml", "${ar_aging.customer_key} = ${dim_customer.customer_key}",
          "${ar_aging.customer_key} = ${dim_customer.cust_key}")
    _edit(lookml_copy / "sage_looker.model.lkml", "FROM sage300.gl_posted_transactions", "FROM sage300.gl_posted")
    _edit(lookml_copy / "views/open_items.view.lkml", "sql: ${open_amount} ;; value_format_name: decimal_2 }\n  measure: current",
          "sql: ${open_amt} ;; value_format_name: decimal_2 }\n  measure: current")
    _edit(lookml_copy / "dashboards/ap_aging.dashboard.lookml", "ap_aging.days_61_90,", "ap_aging.days_61_to_90,")
    _edit(lookml_copy / "dashboards/inventory_turnover.dashboard.lookml", "explore: fct_inventory_daily", "explore: inventory_daily")
    _edit(lookml_copy / "dashboards/cash_flow_forecast.dashboard.lookml", "listen: {company: cash_flow_forecast.company_id,",
          "listen: {region: cash_flow_forecast.company_id,")
    (lookml_copy / "views/extra.view.lkml").write_text("view: broken { dimension: x { sql: ${TABLE}.x ;; }")
    with DuckDBColumns(built.warehouse) as cols:
        problems = [str(p) for p in check_lookml(lookml_copy, cols)]
    expected = [
        "sage_looker.model.lkml: explore ar_aging join dim_customer: dim_customer.cust_key: view dim_customer has no field cust_key",
        "sage_looker.model.lkml: datagroup sage300_load: sql_trigger reads sage300.gl_posted, which does not exist in the warehouse",
        "views/open_items.view.lkml: view ap_aging measure total_open_amount: ${open_amt} is not a field of view ap_aging",
        "dashboards/ap_aging.dashboard.lookml: dashboard ap_aging element ap_buckets: ap_aging.days_61_to_90: view ap_aging has no field days_61_to_90",
        "dashboards/inventory_turnover.dashboard.lookml: dashboard inventory_turnover element inventory_value_trend: explore 'inventory_daily' does not exist in model sage_looker",
        "dashboards/cash_flow_forecast.dashboard.lookml: dashboard cash_flow_forecast element cash_weekly: listens to dashboard filter region, which is not defined",
    ]
    for e in expected:
        assert e in problems, (e, problems)
    assert any(p.startswith("views/extra.view.lkml: file: LookML syntax error") for p in problems)


def test_information_schema_lister_plugs_any_dbapi_connection():
    calls = []

    def query(sql, params):
        calls.append((sql, params))
        return [("a",), ("b",)] if params[0] == "t" else []

    lister = information_schema_lister(query, param="%s")  # psycopg style
    assert lister("marts.t") == ["a", "b"]
    assert lister("db.marts.missing") is None
    assert calls[0][1] == ["t", "marts"] and "%s" in calls[0][0] and calls[1][1] == ["missing", "marts", "db"]
