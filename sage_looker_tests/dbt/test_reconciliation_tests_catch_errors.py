"""The reconciliation tests are not decorative: on a copy of the built warehouse where marts (or a
staging view) no longer tie out, `dbt test` fails exactly the tests that guard them."""

from __future__ import annotations

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
