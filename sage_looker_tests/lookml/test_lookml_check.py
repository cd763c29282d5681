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


def test_every_explore_has_a_description_and_the_company_join_is_written_once():
    project = load_project(LOOKML_DIR)
    assert project.problems == []
    missing = [name for (_, name), e in project.explores.items() if not str(e.raw.get("description", "")).strip()]
    assert missing == []
    model_text = (LOOKML_DIR / "sage_looker.model.lkml").read_text()
    assert model_text.count("join: dim_company") == 1  # in the company_base extension, nowhere else
    assert project.models["sage_looker"]["connection"] == "sage_looker_warehouse"
    # every explore over a mart with a company_id reaches dim_company through the base
    for e in project.explores.values():
        if "company_id" in project.views[e.aliases[e.name]].fields:
            assert e.aliases.get("dim_company") == "dim_company", e.name


# A tile reading dim_company (joined only in the company_base extension) through an explore that extends it.
COMPANY_TILE = """- dashboard: company_check
  title: Company check
  elements:
  - name: by_company
    model: sage_looker
    explore: ap_aging
    type: looker_grid
    fields: [dim_company.company_name, ap_aging.company_id]
"""


def test_a_join_inherited_from_the_base_explore_resolves(built, lookml_copy):
    (lookml_copy / "dashboards/company_check.dashboard.lookml").write_text(COMPANY_TILE)
    with DuckDBColumns(built.warehouse) as cols:
        assert check_lookml(lookml_copy, cols) == []
    ap_aging = load_project(lookml_copy).explores[("sage_looker", "ap_aging")]
    assert ap_aging.extends == ["company_base"] and set(ap_aging.aliases) == {"ap_aging", "dim_vendor", "dim_company"}
    assert ("sage_looker", "company_base") not in load_project(lookml_copy).explores  # a template, not an explore


def test_a_typo_in_the_base_explore_is_caught_in_every_explore_that_extends_it(built, lookml_copy):
    (lookml_copy / "dashboards/company_check.dashboard.lookml").write_text(COMPANY_TILE)
    _edit(lookml_copy / "sage_looker.model.lkml", "foreign_key: company_id", "foreign_key: compny_id")
    _edit(lookml_copy / "sage_looker.model.lkml", "explore: cash_flow_forecast {\n  extends: [company_base]",
          "explore: cash_flow_forecast {\n  extends: [company_bas]")
    with DuckDBColumns(built.warehouse) as cols:
        problems = [str(p) for p in check_lookml(lookml_copy, cols)]
    assert ("sage_looker.model.lkml: explore ap_aging join dim_company: ap_aging.compny_id: "
            "view ap_aging has no field compny_id") in problems
    assert ("sage_looker.model.lkml: explore budget_vs_actual join dim_company: budget_vs_actual.compny_id: "
            "view budget_vs_actual has no field compny_id") in problems
    assert "sage_looker.model.lkml: explore cash_flow_forecast: extends explore company_bas, which is not defined" in problems
    extending = load_project(LOOKML_DIR).models["sage_looker"]["explores"]
    # one foreign_key problem per explore still extending the base (cash_flow_forecast no longer does)
    n_extending = sum(1 for e in extending if e.get("extends__all")) - 1
    assert sum("has no field compny_id" in p for p in problems) == n_extending, problems


def test_a_refinement_adds_to_the_explore_it_names(built, lookml_copy):
    (lookml_copy / "views/refinements.view.lkml").write_text(
        "explore: +fct_ar_open_instalments {\n  join: dim_customer {\n    relationship: many_to_one\n"
        "    sql_on: ${fct_ar_open_instalments.company_id} = ${dim_customer.company_id}\n"
        "      and ${fct_ar_open_instalments.customer_number} = ${dim_customer.customer_number} ;;\n  }\n}\n"
        "explore: +no_such_explore { label: \"x\" }\n")  # included by the model's /views/*.view.lkml
    assert "dim_customer" not in load_project(LOOKML_DIR).explores[("sage_looker", "fct_ar_open_instalments")].aliases
    project = load_project(lookml_copy)
    refined = project.explores[("sage_looker", "fct_ar_open_instalments")]
    assert refined.aliases["dim_customer"] == "dim_customer" and refined.aliases["dim_company"] == "dim_company"
    with DuckDBColumns(built.warehouse) as cols:
        assert [str(p) for p in check_lookml(lookml_copy, cols)] == [
            "views/refinements.view.lkml: explore +no_such_explore: refines explore no_such_explore, which is not defined"]
