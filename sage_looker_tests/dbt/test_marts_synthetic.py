"""The marts on the hand-written warehouse (sage_looker_tests/dbt/synthetic.py), against answers worked
out by hand. D1 = 2026-03-15 (a Sunday: its Monday week starts 2026-03-09), D2 = 2026-04-30."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sage_looker_tests.dbt.support import rows
from sage_looker_tests.dbt.synthetic import D1, D2

D = Decimal


def q(built, sql, *params):
    return rows(built.warehouse, sql, list(params))


def test_dbt_build_passed_with_only_the_expected_warning(built):
    assert built.run.ok and not built.run.failures()
    warned = sorted(r["unique_id"].split(".")[2] for r in built.run.warnings())
    # Synthetic item B2-200 has category B2, which the seed does not map: warned, not failed.
    assert warned == ["accepted_values_dim_item_is_category_mapped__True"], warned


def test_ap_open_items_as_of_two_dates(built):
    got = q(built, """select as_of_date, company_id, document_number, days_past_due, aging_bucket, open_amount,
                      functional_open_amount from marts.fct_ap_open_items order by 1, 2, 3""")
    assert got == [
        # INV-A 1000 − payment 400 (02-20) − credit note CN-1 100 (03-10); the unposted 500 payment is ignored
        (D1, "SAMINC", "INV-A", 34, "31-60", D("500.000"), D("500.00")),
        (D1, "SAMINC", "INV-B", -16, "current", D("500.000"), D("500.00")),
        # USD invoice of a CAD company: 700.005 × 1.35 = 945.00675 → 945.01 functional
        (D1, "SAMLTD", "X-1", -31, "current", D("700.005"), D("945.01")),
        (D2, "SAMINC", "INV-A", 80, "61-90", D("500.000"), D("500.00")),
        (D2, "SAMINC", "INV-B", 30, "1-30", D("300.000"), D("300.00")),
        (D2, "SAMLTD", "X-1", 15, "1-30", D("700.005"), D("945.01")),
    ]


def test_ap_aging_buckets_unapplied_and_in_entry(built):
    got = q(built, """select as_of_date, open_amount, bucket_current, bucket_1_30, bucket_31_60, bucket_61_90,
                             bucket_over_90, unapplied_payments, in_entry_amount
                      from marts.ap_aging where company_id = 'SAMINC' order by 1""")
    assert got == [
        (D1, D(1000), D(500), D(0), D(500), D(0), D(0), D(0), D(250)),
        # payment PY2 (03-20) of 300 applied 200 to INV-B: 100 unapplied; INV-C still in an open batch
        (D2, D(800), D(0), D(300), D(0), D(500), D(0), D(100), D(250)),
    ]


def test_ar_aging_and_collections(built):
    got = q(built, """select as_of_date, customer_number, open_amount, bucket_current, bucket_1_30, bucket_31_60,
                             unapplied_receipts, balance_after_unapplied, in_entry_amount, is_over_credit_limit,
                             avg_days_to_pay_90d
                      from marts.ar_aging order by 1, 2""")
    assert got == [
        # IN-1 1500 − 900 = 600 (12 days late) and credit note CR-1 −200 in 1-30; IN-3 50 due in September
        (D1, "1100", D(450), D(50), D(400), D(0), D(100), D(350), D(300), False, D("32.0")),
        (D1, "1200", D(150), D(150), D(0), D(0), D(0), D(150), D(0), True, None),
        # 04-10 the credit note was applied to IN-1 (no cash): IN-1 400 in 31-60, CR-1 closed
        (D2, "1100", D(450), D(50), D(0), D(400), D(100), D(350), D(300), False, D("32.0")),
        (D2, "1200", D(150), D(0), D(150), D(0), D(0), D(150), D(0), True, None),
    ]


def test_cash_flow_forecast_weeks(built):
    got = q(built, """select week_label, week_start_date, inflows, outflows, cumulative_net_flow
                      from marts.cash_flow_forecast
                      where company_id = 'SAMINC' and as_of_date = ? and (inflows <> 0 or outflows <> 0)
                      order by week_number""", D1)
    assert got == [
        # overdue IN-1 600 and CR-1 −200 / INV-A 500 land in week 1 (Monday 03-09)
        ("W01", dt.date(2026, 3, 9), D(400), D(500), D(-100)),
        ("W04", dt.date(2026, 3, 30), D(150), D(500), D(-450)),
        ("beyond", dt.date(2026, 6, 8), D(50), D(0), D(-400)),
    ]
    weeks = q(built, "select count(*) from marts.cash_flow_forecast where company_id = 'SAMINC' and as_of_date = ?", D1)
    assert weeks == [(14,)]  # 13 weeks + beyond, dense


def test_trial_balance(built):
    got = {
        (r[0], r[1], r[2]): r[3:]
        for r in q(built, """select fiscal_year, fiscal_period, account_code, opening_balance, debits, credits,
                                    closing_balance, year_end_rollforward from marts.gl_trial_balance""")
    }
    assert got[(2025, 12, "100010010")] == (D(0), D(5000), D(300), D(4700), D(0))
    assert got[(2026, 1, "100010010")] == (D(4700), D(0), D(0), D(4700), D(0))  # balance sheet carries forward
    assert got[(2025, 12, "600010010")] == (D(0), D(300), D(0), D(300), D(0))
    assert got[(2026, 1, "600010010")] == (D(0), D(0), D(0), D(0), D(0))  # income statement resets
    assert got[(2026, 3, "600010010")] == (D(0), D("250.500"), D(0), D("250.500"), D(0))
    assert got[(2026, 2, "400020020")] == (D(-1500), D(0), D(0), D(-1500), D(0))
    # 2025's net income (300 of rent) rolls into retained earnings at the start of 2026
    assert got[(2026, 1, "300010010")] == (D(-4700), D(0), D(0), D(-4700), D(300))
    periods = q(built, """select count(distinct (fiscal_year, fiscal_period)), min(period_start_date), max(period_end_date)
                          from marts.gl_trial_balance where company_id = 'SAMINC'""")
    assert periods == [(24, dt.date(2025, 1, 1), dt.date(2026, 12, 31))]


def test_margin_by_product_line(built):
    got = q(built, """select order_month, product_family, product_line, line_kind, revenue, cost, margin, margin_pct
                      from marts.margin_by_product_line order by 1, 2""")
    assert got == [
        # quote ORD2 and the unshipped B2-200 line are not sold; freight is its own line
        (dt.date(2026, 3, 1), "Furniture", "Desks", "item", D(250), D(150), D(100), D("0.400000")),
        (dt.date(2026, 3, 1), "Miscellaneous charges", "Miscellaneous charges", "misc_charge", D(20), D(0), D(20),
         D("1.000000")),
        (dt.date(2026, 4, 1), "Unmapped", "Unmapped", "item", D(80), D(50), D(30), D("0.375000")),
    ]


def test_inventory_turnover_counts_missing_days_as_missing(built):
    got = q(built, """select period_start, product_line, days_in_period, snapshot_days, average_inventory_value, cogs,
                             turnover, days_inventory_outstanding
                      from marts.inventory_turnover order by 1, 2""")
    assert got == [
        # (1500 + 1350 + 1350) / 3 captured days (03-03 missing, not zero) = 1400; 150 / 1400; 31 × 1400 / 150
        (dt.date(2026, 3, 1), "Desks", 31, 3, D("1400.000"), D(150), D("0.1071"), D("289.3")),
        (dt.date(2026, 3, 1), "Unmapped", 31, 3, D("125.000"), D(0), D("0.0000"), None),
        (dt.date(2026, 4, 1), "Unmapped", 30, 0, None, D(50), None, None),
    ]


def test_dimensions(built):
    vendors = q(built, "select company_id, vendor_number, vendor_key from marts.dim_vendor order by 1")
    assert [v[:2] for v in vendors] == [("SAMINC", "1200"), ("SAMLTD", "1200")]
    assert vendors[0][2] != vendors[1][2]  # same vendor number, two companies, two keys
    import hashlib

    assert vendors[0][2] == hashlib.md5(b"SAMINC|1200").hexdigest()  # stable: depends only on the natural key
    accounts = q(built, """select account_code, natural_account, cost_center_code, profit_center_code, statement_line,
                                  balance_type from marts.dim_gl_account order by 1""")
    assert accounts[0] == ("100010010", "1000", "CC100", "PC10", "Cash and bank", "balance_sheet")
    assert accounts[4] == ("400020020", "4000", "CC200", "PC20", "Revenue", "income_statement")
    companies = q(built, "select company_id, functional_currency from marts.dim_company order by 1")
    assert companies == [("SAMINC", "USD"), ("SAMLTD", "CAD")]


@pytest.mark.parametrize("schema", ["marts", "staging"])
def test_money_is_decimal_and_dates_are_dates(built, schema):
    floats = q(built, """select table_name, column_name, data_type from information_schema.columns
                         where table_schema = ? and (data_type in ('DOUBLE', 'FLOAT', 'REAL')
                                                      or (column_name like '%date' and data_type <> 'DATE'))""",
               schema)
    assert floats == []
    bases = q(built, """select distinct c.table_name, c.column_name from information_schema.columns c
                        where c.table_schema = 'marts' and c.column_name = 'currency_basis'""")
    marts = q(built, """select distinct table_name from information_schema.tables where table_schema = 'marts'
                        and table_name not like 'dim_%'""")
    assert {t for (t,) in marts} == {t for t, _ in bases}  # every mart states its currency basis
