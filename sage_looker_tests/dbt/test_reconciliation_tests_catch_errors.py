"""The reconciliation tests are not decorative: on a copy of the built warehouse where marts (or a
staging view) no longer tie out, `dbt test` fails exactly the tests that guard them."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from sage_looker.dbt_project import run_dbt
from sage_looker_tests.dbt.support import AS_OF_DATES


def _break(path) -> None:
    con = duckdb.connect(str(path))
    try:
        # aging buckets no longer add up to the open amount
        con.execute("update marts.ap_aging set bucket_current = bucket_current + 1 where vendor_number = '1200'")
        # the forecast loses 5.00 of AR inflows
        con.execute("update marts.cash_flow_forecast set inflows = inflows - 5 where week_number = 1")
        # an unbalanced period
        con.execute("""update marts.gl_trial_balance set debits = debits + 1, closing_balance = closing_balance + 1
                       where account_code = '100010010' and fiscal_year = 2026 and fiscal_period = 2""")
        # staging silently drops a document
        con.execute("alter view staging.stg_sage300__ap_invoices rename to stg_ap_invoices_all")
        con.execute("""create view staging.stg_sage300__ap_invoices as
                       select * from staging.stg_ap_invoices_all where document_number <> 'INV-B'""")
    finally:
        con.close()


def test_broken_marts_fail_their_reconciliation_tests(built, tmp_path):
    path = built.copy(tmp_path)
    _break(path)
    run = run_dbt(["test", "--select", "ap_aging", "cash_flow_forecast", "gl_trial_balance", "stg_sage300__ap_invoices"],
                  warehouse=path, target_path=tmp_path / "target", vars={"as_of_dates": AS_OF_DATES})
    assert not run.ok
    failed = {r["unique_id"].split(".")[2] for r in run.failures()}
    expected_prefixes = [
        "expression_is_true_ap_aging_",            # Σ buckets = open_amount
        "sums_match_cash_flow_forecast_inflows",   # Σ inflows = open AR
        "assert_trial_balance_debits_equal_credits",
        "assert_trial_balance_periods_chain",      # closing(p) ≠ opening(p+1) after the tampering
        "reconciles_with_source_stg_sage300__ap_invoices",
    ]
    for prefix in expected_prefixes:
        assert any(f.startswith(prefix) for f in failed), (prefix, sorted(failed))
    # and the ones that still hold keep passing
    passed = {r["unique_id"].split(".")[2] for r in run.results if r["status"] == "pass"}
    assert any(p.startswith("sums_match_cash_flow_forecast_outflows") for p in passed)


def _compiled_rows(target, path, test_name):
    sql = next((target / "compiled").rglob(f"{test_name}.sql")).read_text()
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_tie_out_and_orphan_errors_name_the_party_and_the_document(built, tmp_path):
    """Sage's balance for customer 1300 is 0.01 off the documents, and IN-6 (entered before the loaded window)
    is missing from the posted ledger while a write-off still names it: both are errors, not warnings, and
    their rows name the party, the document and the amounts."""
    path = built.copy(tmp_path)
    con = duckdb.connect(str(path))
    try:
        con.execute("""update sage300.ar_customers set balance_due_in_functional_currency = 700.01
                       where customer_number = '1300'""")
        con.execute("delete from sage300.ar_posted_documents where document_number = 'IN-6'")
    finally:
        con.close()
    target = tmp_path / "target"
    select = ["--select", "stg_sage300__ar_customers+", "stg_sage300__ar_posted_documents+"]
    built_models = run_dbt(["run", *select], warehouse=path, target_path=target, vars={"as_of_dates": AS_OF_DATES})
    assert built_models.ok, built_models.output[-3000:]
    # `dbt test` (not build): a failing test must not skip the marts the other tie-outs check
    run = run_dbt(["test", *select], warehouse=path, target_path=target, vars={"as_of_dates": AS_OF_DATES})
    assert not run.ok
    failed = {r["unique_id"].split(".")[2] for r in run.failures()}
    assert {"assert_party_balances_match_sage", "assert_subledgers_tie_out",
            "assert_applications_match_posted_documents"} <= failed, sorted(failed)
    assert not run.warnings()
    party = _compiled_rows(target, path, "assert_party_balances_match_sage")
    # IN-6's 50 is gone from the aging (−50) and Sage's balance says 700.01: 650 − 700.01 = −50.01
    assert [(r[0], r[2], r[3], r[4], r[5], r[6]) for r in party] == [
        ("AR", "SAMINC", "1300", Decimal("650"), Decimal("700.01"), Decimal("-50.01"))]
    orphans = _compiled_rows(target, path, "assert_applications_match_posted_documents")
    assert [(r[0], r[1], r[2], r[3]) for r in orphans] == [("AR", "SAMINC", "1300", "IN-6")]


def test_an_unbalanced_balance_sheet_is_an_error(built, tmp_path):
    """0.01 moved onto one balance-sheet line of one period: assert_balance_sheet_balances fails (error) and its
    row names the period and the figures."""
    path = built.copy(tmp_path)
    con = duckdb.connect(str(path))
    try:
        (period,) = con.execute("""select min(fiscal_year * 100 + fiscal_period) from marts.fin_statements
                                   where company_id = 'SAMINC' and statement = 'balance_sheet'
                                     and ytd_amount <> 0""").fetchone()
        con.execute("""update marts.fin_statements set ytd_amount = ytd_amount + 0.01
                       where company_id = 'SAMINC' and statement_line = 'Cash and bank'
                         and fiscal_year * 100 + fiscal_period = ?""", [period])
    finally:
        con.close()
    target = tmp_path / "target"
    run = run_dbt(["test", "--select", "fin_statements"], warehouse=path, target_path=target,
                  vars={"as_of_dates": AS_OF_DATES})
    assert not run.ok
    assert "assert_balance_sheet_balances" in {r["unique_id"].split(".")[2] for r in run.failures()}
    rows = _compiled_rows(target, path, "assert_balance_sheet_balances")
    assert [(r[1] * 100 + r[2], r[3]) for r in rows] == [(period, Decimal("0.01"))]
