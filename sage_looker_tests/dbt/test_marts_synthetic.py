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
        # payment PY2 (03-20) of 300 applied 200: Sage keeps the other 100 as a prepayment document (negative)
        (D2, "SAMINC", "PY-2", 41, "31-60", D("-100.000"), D("-100.00")),
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
        # IN-1 1500 − 900 = 600 (12 days late) and credit note CR-1 −200 in 1-30; IN-3 50 due in September;
        # receipt PY-1 left 100 unapplied (its own line, off the balance: 450 − 100 = 350)
        (D1, "1100", D(450), D(50), D(400), D(0), D(100), D(350), D(300), False, D("32.0")),
        (D1, "1200", D(150), D(150), D(0), D(0), D(0), D(150), D(0), True, None),
        # IN-5 400 (apply of PP-1 comes 03-20) + IN-6 80 − 30 written off 03-12 (29 days: 1-30) + IN-7 900 − 350;
        # IN-7's 550 sits on instalments #3 300 (due 05-02) and #2 250 (due 04-02): current 400 + 550 = 950;
        # prepayment PP-1 300 unapplied: 1000 − 300 = 700; receipt 03-05 − invoice 02-01 = 32 days
        (D1, "1300", D(1000), D(950), D(50), D(0), D(300), D(700), D(0), False, D("32.0")),
        # IN-8 740 − 185 (03-10) = 555; the 04-10 receipt is after D1
        (D1, "2000", D(555), D(555), D(0), D(0), D(0), D(555), D(0), False, None),
        # 04-10 the credit note was applied to IN-1 (no cash): IN-1 400 in 31-60, CR-1 closed
        (D2, "1100", D(450), D(50), D(0), D(400), D(100), D(350), D(300), False, D("32.0")),
        (D2, "1200", D(150), D(0), D(150), D(0), D(0), D(150), D(0), True, None),
        # IN-5 400 − 250 = 150 (30 days) + IN-7 #2 250 (28 days) in 1-30; #3 300 current; IN-6 50 is 75 days late
        # (61-90); PP-1 300 − 250 = 50 unapplied: 750 − 50 = 700 = Sage's balance
        (D2, "1300", D(750), D(300), D(400), D(0), D(50), D(700), D(0), False, D("32.0")),
        (D2, "2000", D(370), D(0), D(370), D(0), D(0), D(370), D(0), False, None),
    ]


def test_ar_document_types_and_functional_amounts(built):
    got = q(built, """select as_of_date, company_id, document_number, document_type, open_amount, functional_open_amount,
                             is_unapplied_cash
                      from marts.fct_ar_open_items where customer_number in ('1300', '2000') order by 1, 2, 3""")
    assert got == [
        (D1, "SAMINC", "IN-5", "Invoice", D(400), D("400.00"), False),  # 400, nothing applied by 03-15
        (D1, "SAMINC", "IN-6", "Invoice", D(50), D("50.00"), False),  # 80 − 30 written off (AD batch, 03-12)
        (D1, "SAMINC", "IN-7", "Invoice", D(550), D("550.00"), False),  # 900 − 350 received 03-05
        (D1, "SAMINC", "PP-1", "Prepayment", D(-300), D("-300.00"), True),  # −300 (apply of 250 only on 03-20)
        # divide rate 0.74: stored 370 due = 500.00, plus the 185 received after D1 at 185 / 0.74 = 250.00
        # (a multiply would give 185 × 0.74 = 136.90)
        (D1, "SAMLTD", "IN-8", "Invoice", D(555), D("750.00"), False),
        (D2, "SAMINC", "IN-5", "Invoice", D(150), D("150.00"), False),  # 400 − 250 applied from PP-1
        (D2, "SAMINC", "IN-6", "Invoice", D(50), D("50.00"), False),
        (D2, "SAMINC", "IN-7", "Invoice", D(550), D("550.00"), False),
        (D2, "SAMINC", "PP-1", "Prepayment", D(-50), D("-50.00"), True),  # −300 + 250
        (D2, "SAMLTD", "IN-8", "Invoice", D(370), D("500.00"), False),  # Sage's stored functional amount due
    ]
    buckets = q(built, """select as_of_date, bucket_61_90 from marts.ar_aging where customer_number = '1300'
                          order by 1""")
    assert buckets == [(D1, D(0)), (D2, D(50))]  # IN-6 due 02-14: 75 days at 04-30
    # the miscellaneous receipt MR-1 (500) is nobody's document: it is in no open item and no balance
    assert q(built, "select count(*) from marts.fct_ar_open_items where document_number = 'MR-1'") == [(0,)]
    instalments = q(built, """select payment_number, due_date, open_amount, aging_bucket from marts.fct_ar_open_instalments
                              where document_number = 'IN-7' and as_of_date = ? order by 1""", D2)
    # 550 open spread from the last instalment back: #3 300, #2 250 (#1 paid by the 03-05 receipt)
    assert instalments == [(2, dt.date(2026, 4, 2), D(250), "1-30"), (3, dt.date(2026, 5, 2), D(300), "current")]


def test_tie_out_to_sage_balances(built):
    got = q(built, """select as_of_date, company_id, ledger, aging_balance, party_balance
                      from marts.subledger_tie_out where currency_code is null order by 1, 2, 3""")
    assert got == [
        # SAMINC's GL is loaded from before D1, so D1 is tied out too (to the GL; Sage's party balances are
        # today's, so not compared: None). AP at 03-15: INV-A 1000 − 400 (02-20) − CN-1 100 (03-10) = 500,
        # + INV-B 500 (its 200 comes 03-20) = 1000. AR: IN-1 1500 − 900 = 600, CR-1 −200 (applied 04-10), IN-3 50,
        # PY-1 −100, IN-4 150, IN-5 400, PP-1 −300, IN-6 80 − 30 = 50, IN-7 900 − 350 = 550 → 1200.
        (D1, "SAMINC", "AP", D("1000.00"), None),
        (D1, "SAMINC", "AR", D("1200.00"), None),
        # SAMLTD AP's last activity is 03-01: D1 is already "current"; X-1 700.005 × 1.35 = 945.01
        (D1, "SAMLTD", "AP", D("945.01"), D("945.010")),
        # AP: 500 + 300 − 100 prepaid = 700; AR: 350 (1100) + 150 (1200) + 700 (1300) = 1200
        (D2, "SAMINC", "AP", D("700.00"), D("700.000")),
        (D2, "SAMINC", "AR", D("1200.00"), D("1200.000")),
        (D2, "SAMLTD", "AP", D("945.01"), D("945.010")),
        (D2, "SAMLTD", "AR", D("500.00"), D("500.000")),
    ]


def test_cash_flow_forecast_weeks(built):
    got = q(built, """select week_label, week_start_date, inflows, outflows, cumulative_net_flow
                      from marts.cash_flow_forecast
                      where company_id = 'SAMINC' and as_of_date = ? and (inflows <> 0 or outflows <> 0)
                      order by week_number""", D1)
    assert got == [
        # week 1 (Monday 03-09) holds everything overdue: IN-1 600, CR-1 −200, unapplied PY-1 −100, prepayment
        # PP-1 −300, IN-6 50 → 50 in; INV-A 500 out
        ("W01", dt.date(2026, 3, 9), D(50), D(500), D(-450)),
        # IN-4 150 + IN-5 400 + IN-7 instalment #2 250 (due 04-02) = 800 in; INV-B 500 out
        ("W04", dt.date(2026, 3, 30), D(800), D(500), D(-150)),
        ("W08", dt.date(2026, 4, 27), D(300), D(0), D(150)),  # IN-7 instalment #3 (due 05-02)
        ("beyond", dt.date(2026, 6, 8), D(50), D(0), D(200)),
    ]
    weeks = q(built, "select count(*) from marts.cash_flow_forecast where company_id = 'SAMINC' and as_of_date = ?", D1)
    assert weeks == [(14,)]  # 13 weeks + beyond, dense


def test_trial_balance(built):
    got = {
        (r[0], r[1], r[2]): r[3:]
        for r in q(built, """select fiscal_year, fiscal_period, account_code, opening_balance, debits, credits,
                                    closing_balance, net_change from marts.gl_trial_balance""")
    }
    # (opening from the fiscal set, debits and credits from the posted GL, closing, the fiscal set's net change)
    assert got[(2025, 12, "100010010")] == (D(0), D(5000), D(300), D(4700), D(4700))
    assert got[(2026, 1, "100010010")] == (D(4700), D(0), D(0), D(4700), D(0))  # balance sheet carries forward
    assert got[(2025, 12, "600010010")] == (D(0), D(300), D(0), D(300), D(300))
    # year-end close in period 15: rent 300 to retained earnings
    assert got[(2025, 15, "600010010")] == (D(300), D(0), D(300), D(0), D(-300))
    assert got[(2025, 15, "300010010")] == (D(-5000), D(300), D(0), D(-4700), D(300))
    assert got[(2026, 1, "600010010")] == (D(0), D(0), D(0), D(0), D(0))  # income statement opens at zero
    assert got[(2026, 3, "600010010")] == (D(0), D("250.500"), D(0), D("250.500"), D("250.500"))
    assert got[(2026, 2, "400020020")] == (D(-1500), D(0), D(0), D(-1500), D(0))
    # 2026 opens retained earnings at −5000 + 300 closed from 2025 (Sage's fiscal-set opening balance)
    assert got[(2026, 1, "300010010")] == (D(-4700), D(0), D(0), D(-4700), D(0))
    periods = q(built, """select count(distinct (fiscal_year, fiscal_period)), min(period_start_date), max(period_end_date)
                          from marts.gl_trial_balance where company_id = 'SAMINC'""")
    assert periods == [(28, dt.date(2025, 1, 1), dt.date(2026, 12, 31))]  # 12 periods + adjustment + closing
    labels = q(built, """select distinct fiscal_period, period_label from marts.gl_trial_balance
                         where fiscal_period in (1, 14, 15) order by 1""")
    assert labels == [(1, "P01"), (14, "adjustment"), (15, "closing")]


def test_margin_by_product_line(built):
    got = q(built, """select invoice_month, product_family, product_line, line_kind, revenue, cost, margin, margin_pct
                      from marts.margin_by_product_line where company_id = 'SAMINC' order by 1, 2""")
    assert got == [
        # February: IN-1 60 × 25 = 1500, cost 60 × 15 = 900; the credit note CR-1 (no item) takes 200 off revenue
        (dt.date(2026, 2, 1), "Furniture", "Desks", "item", D(1500), D(900), D(600), D("0.400000")),
        (dt.date(2026, 2, 1), "Miscellaneous charges", "Miscellaneous charges", "misc_charge", D(-200), D(0), D(-200),
         D("1.000000")),
        # March: freight 50 on IN-3; IN-4 6 × 25 = 150, cost 75. IN-2 (A1-100, 300) is in an unposted batch:
        # ordered or entered, not invoiced, so not revenue
        (dt.date(2026, 3, 1), "Miscellaneous charges", "Miscellaneous charges", "misc_charge", D(50), D(0), D(50),
         D("1.000000")),
        (dt.date(2026, 3, 1), "Unmapped", "Unmapped", "item", D(150), D(75), D(75), D("0.500000")),
    ]


def test_inventory_turnover_counts_missing_days_as_missing(built):
    got = q(built, """select period_start, product_line, days_in_period, snapshot_days, average_inventory_value, cogs,
                             turnover, days_inventory_outstanding
                      from marts.inventory_turnover order by 1, 2""")
    assert got == [
        # February: 900 of desks invoiced, no snapshot captured: no average, no turnover
        (dt.date(2026, 2, 1), "Desks", 28, 0, None, D(900), None, None),
        # (1500 + 1350 + 1350) / 3 captured days (03-03 missing, not zero) = 1400; no desks invoiced in March
        (dt.date(2026, 3, 1), "Desks", 31, 3, D("1400.000"), D(0), D("0.0000"), None),
        # B2-200: 10 × 12.50 = 125 a day; COGS 75 of IN-4: 75 / 125 = 0.6, 31 × 125 / 75 = 51.7 days
        (dt.date(2026, 3, 1), "Unmapped", 31, 3, D("125.000"), D(75), D("0.6000"), D("51.7")),
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


@pytest.mark.parametrize("schema", ["marts", "intermediate", "staging"])
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
