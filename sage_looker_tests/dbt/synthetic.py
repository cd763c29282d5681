"""A tiny hand-written Sage 300 warehouse with answers computed by hand (see EXPECTED in test_marts_synthetic).

Tables are created from the catalog exactly as the warehouse declares them; rows name only the columns
that matter, the rest are NULL. Two companies share vendor number 1200 (surrogate keys must differ).
Dates: D1 = 2026-03-15 (a Sunday), D2 = 2026-04-30.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb

from sage_looker.sage300 import catalog
from sage_looker.warehouse.sqlgen import create_schema_sql, create_table_sql, declared_columns, quote_ident
from sage_looker_tests.dbt.synthetic_ledgers import add_ledgers_and_document_cases

D1 = dt.date(2026, 3, 15)
D2 = dt.date(2026, 4, 30)
LOADED_AT = dt.datetime(2026, 5, 1, 6, 0, tzinfo=dt.timezone.utc)
# Optional resources the synthetic Sage "does not serve": their tables are absent, as after a skipped load.
ABSENT = {"po_purchase_orders", "po_purchase_order_lines"}


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def m(s: str) -> Decimal:
    return Decimal(s)


def _calendar(company: str, year: int) -> dict:
    row = {"company_id": company, "fiscal_year": str(year), "active": "Yes", "number_of_fiscal_periods": "12"}
    for p in range(1, 13):
        start = dt.date(year, p, 1)
        end = (dt.date(year + (p == 12), p % 12 + 1, 1)) - dt.timedelta(days=1)
        row[f"fiscal_period_{p}_start_date"] = start
        row[f"fiscal_period_{p}_end_date"] = end
    return row


def _account(company: str, natural: str, dept: str, region: str, typ: str, desc: str) -> dict:
    code = f"{natural}{dept}{region}"
    return {"company_id": company, "unformatted_account": code, "account_number": f"{natural}-{dept}-{region}",
            "description": desc, "account_type": typ, "account_segment_code_1": natural,
            "account_segment_code_2": dept, "account_segment_code_3": region, "account_segment_code_4": ""}


def _gl(company: str, account: str, year: int, period: int, day: str, amount: str, seq: int, n: int) -> dict:
    return {"company_id": company, "account_number": account, "fiscal_year": str(year),
            "fiscal_period": f"{period:02d}", "source_currency_code": "USD", "source_ledger_code": "GL",
            "source_type_code": "JE", "posting_sequence_number": seq, "detail_count": n, "journal_date": d(day),
            "batch_number": f"{seq:06d}", "journal_entry_number": "00001", "journal_transaction_number": 20 * n,
            "home_currency_code": "USD", "journal_transaction_amount": m(amount), "source_currency_amount": m(amount)}


ROWS: dict[str, list[dict]] = {
    "cs_company_profile": [
        {"company_id": "SAMINC", "name": "Sample Inc.", "functional_currency": "USD"},
        {"company_id": "SAMLTD", "name": "Sample Ltd.", "functional_currency": "CAD"},
    ],
    "cs_fiscal_calendars": [_calendar("SAMINC", 2025), _calendar("SAMINC", 2026)],
    "ap_vendors": [
        {"company_id": "SAMINC", "vendor_number": "1200", "vendor_name": "Acme Supply", "currency_code": "USD",
         "balance_due_in_functional_currency": m("700.000")},
        {"company_id": "SAMLTD", "vendor_number": "1200", "vendor_name": "Acme Canada", "currency_code": "USD",
         "balance_due_in_functional_currency": m("945.010")},
    ],
    "ar_customers": [
        {"company_id": "SAMINC", "customer_number": "1100", "customer_name": "Globex", "currency_code": "USD",
         "credit_limit_customer_currency": m("1000.000"), "balance_due_in_functional_currency": m("350.000")},
        {"company_id": "SAMINC", "customer_number": "1200", "customer_name": "Initech", "currency_code": "USD",
         "credit_limit_customer_currency": m("100.000"), "balance_due_in_functional_currency": m("150.000")},
        {"company_id": "SAMINC", "customer_number": "1300", "customer_name": "Umbrella", "currency_code": "USD",
         "balance_due_in_functional_currency": m("700.000")},
        {"company_id": "SAMLTD", "customer_number": "2000", "customer_name": "Hooli", "currency_code": "USD",
         "balance_due_in_functional_currency": m("500.000")},
    ],
    "gl_accounts": [
        _account("SAMINC", "1000", "100", "10", "BalanceSheet", "Cash"),
        _account("SAMINC", "1100", "100", "10", "BalanceSheet", "Accounts receivable"),
        _account("SAMINC", "2000", "100", "10", "BalanceSheet", "Accounts payable"),
        _account("SAMINC", "3000", "100", "10", "RetainedEarnings", "Retained earnings"),
        _account("SAMINC", "4000", "200", "20", "IncomeStatement", "Product sales"),
        _account("SAMINC", "6000", "100", "10", "IncomeStatement", "Rent"),
    ],
    "ic_items": [
        {"company_id": "SAMINC", "unformatted_item_number": "A1100", "item_number": "A1-100", "category": "A1",
         "average_cost": m("15.000000")},
        {"company_id": "SAMINC", "unformatted_item_number": "B2200", "item_number": "B2-200", "category": "B2",
         "average_cost": m("12.500000")},
    ],
    # ---------------------------------------------------------------- AP
    "ap_invoice_batches": [
        {"company_id": "SAMINC", "batch_number": 1, "batch_date": d("2026-01-10"), "batch_status": "Posted"},
        {"company_id": "SAMINC", "batch_number": 2, "batch_date": d("2026-03-12"), "batch_status": "Open"},
        {"company_id": "SAMLTD", "batch_number": 1, "batch_date": d("2026-03-01"), "batch_status": "Posted"},
    ],
    "ap_invoices": [
        {"company_id": "SAMINC", "batch_date": d("2026-01-10"), "batch_number": 1, "entry_number": 1,
         "vendor_number": "1200", "document_number": "INV-A", "document_type": "Invoice", "currency_code": "USD",
         "exchange_rate": m("1.0000000"), "document_date": d("2026-01-10"), "due_date": d("2026-02-09"),
         "document_total_before_taxes": m("900.000"), "tax_total": m("100.000"),
         "document_total_including_tax": m("1000.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-01-10"), "batch_number": 1, "entry_number": 2,
         "vendor_number": "1200", "document_number": "INV-B", "document_type": "Invoice", "currency_code": "USD",
         "exchange_rate": m("1.0000000"), "document_date": d("2026-03-01"), "due_date": d("2026-03-31"),
         "document_total_before_taxes": m("500.000"), "tax_total": m("0.000"),
         "document_total_including_tax": m("500.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-01-10"), "batch_number": 1, "entry_number": 3,
         "vendor_number": "1200", "document_number": "CN-1", "document_type": "CreditNote", "currency_code": "USD",
         "exchange_rate": m("1.0000000"), "document_date": d("2026-03-10"), "due_date": d("2026-03-10"),
         "applyto_document": "INV-A", "document_total_before_taxes": m("100.000"), "tax_total": m("0.000"),
         "document_total_including_tax": m("100.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-03-12"), "batch_number": 2, "entry_number": 1,
         "vendor_number": "1200", "document_number": "INV-C", "document_type": "Invoice", "currency_code": "USD",
         "exchange_rate": m("1.0000000"), "document_date": d("2026-03-12"), "due_date": d("2026-04-11"),
         "document_total_before_taxes": m("250.000"), "tax_total": m("0.000"),
         "document_total_including_tax": m("250.000")},
        {"company_id": "SAMLTD", "batch_date": d("2026-03-01"), "batch_number": 1, "entry_number": 1,
         "vendor_number": "1200", "document_number": "X-1", "document_type": "Invoice", "currency_code": "USD",
         "exchange_rate": m("1.3500000"), "document_date": d("2026-03-01"), "due_date": d("2026-04-15"),
         "document_total_before_taxes": m("700.005"), "tax_total": m("0.000"),
         "document_total_including_tax": m("700.005")},
    ],
    "ap_payment_batches": [
        {"company_id": "SAMINC", "batch_selector": "PY", "batch_number": 1, "batch_date": d("2026-02-20"),
         "batch_status": "Posted"},
        {"company_id": "SAMINC", "batch_selector": "PY", "batch_number": 2, "batch_date": d("2026-03-20"),
         "batch_status": "Posted"},
        {"company_id": "SAMINC", "batch_selector": "PY", "batch_number": 3, "batch_date": d("2026-03-05"),
         "batch_status": "Open"},
    ],
    "ap_payments": [
        {"company_id": "SAMINC", "batch_date": d("2026-02-20"), "batch_selector": "PY", "batch_number": 1,
         "entry_number": 1, "vendor_number": "1200", "payment_transaction_type": "Payment",
         "vendor_currency_code": "USD", "payment_date_adjustment_date": d("2026-02-20"),
         "check_amount_in_vendor_currency": m("400.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-03-20"), "batch_selector": "PY", "batch_number": 2,
         "entry_number": 1, "vendor_number": "1200", "payment_transaction_type": "Payment",
         "vendor_currency_code": "USD", "payment_date_adjustment_date": d("2026-03-20"),
         "check_amount_in_vendor_currency": m("300.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-03-05"), "batch_selector": "PY", "batch_number": 3,
         "entry_number": 1, "vendor_number": "1200", "payment_transaction_type": "Payment",
         "vendor_currency_code": "USD", "payment_date_adjustment_date": d("2026-03-05"),
         "check_amount_in_vendor_currency": m("500.000")},
    ],
    "ap_payment_applications": [
        {"company_id": "SAMINC", "batch_date": d("2026-02-20"), "batch_selector": "PY", "batch_number": 1,
         "entry_number": 1, "line_number": 20, "vendor_number": "1200", "payment_type": "Payment",
         "document_number": "INV-A", "payment_amount": m("400.000"), "discount_amount": m("0.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-03-20"), "batch_selector": "PY", "batch_number": 2,
         "entry_number": 1, "line_number": 20, "vendor_number": "1200", "payment_type": "Payment",
         "document_number": "INV-B", "payment_amount": m("200.000"), "discount_amount": m("0.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-03-05"), "batch_selector": "PY", "batch_number": 3,
         "entry_number": 1, "line_number": 20, "vendor_number": "1200", "payment_type": "Payment",
         "document_number": "INV-A", "payment_amount": m("500.000"), "discount_amount": m("0.000")},
    ],
    # ---------------------------------------------------------------- AR
    "ar_invoice_batches": [
        {"company_id": "SAMINC", "batch_number": 1, "batch_date": d("2026-02-01"), "batch_status": "Posted"},
        {"company_id": "SAMINC", "batch_number": 2, "batch_date": d("2026-03-10"), "batch_status": "ReadyToPost"},
        {"company_id": "SAMINC", "batch_number": 3, "batch_date": d("2026-03-01"), "batch_status": "Posted"},
    ],
    "ar_invoices": [
        {"company_id": "SAMINC", "batch_date": d("2026-02-01"), "batch_number": 1, "entry_number": 1,
         "customer_number": "1100", "document_number": "IN-1", "document_type": "Invoice", "currency_code": "USD",
         "exchange_rate": m("1.0000000"), "document_date": d("2026-02-01"), "due_date": d("2026-03-03"),
         "document_total_before_tax": m("1500.000"), "tax_total": m("0.000"),
         "document_total_including_tax": m("1500.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-02-01"), "batch_number": 1, "entry_number": 2,
         "customer_number": "1100", "document_number": "CR-1", "document_type": "CreditNote", "currency_code": "USD",
         "exchange_rate": m("1.0000000"), "document_date": d("2026-02-15"), "due_date": d("2026-02-15"),
         "document_total_before_tax": m("200.000"), "tax_total": m("0.000"),
         "document_total_including_tax": m("200.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-03-10"), "batch_number": 2, "entry_number": 1,
         "customer_number": "1100", "document_number": "IN-2", "document_type": "Invoice", "currency_code": "USD",
         "exchange_rate": m("1.0000000"), "document_date": d("2026-03-10"), "due_date": d("2026-04-09"),
         "document_total_before_tax": m("300.000"), "tax_total": m("0.000"),
         "document_total_including_tax": m("300.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-03-01"), "batch_number": 3, "entry_number": 1,
         "customer_number": "1100", "document_number": "IN-3", "document_type": "Invoice", "currency_code": "USD",
         "exchange_rate": m("1.0000000"), "document_date": d("2026-03-01"), "due_date": d("2026-09-30"),
         "document_total_before_tax": m("50.000"), "tax_total": m("0.000"),
         "document_total_including_tax": m("50.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-03-01"), "batch_number": 3, "entry_number": 2,
         "customer_number": "1200", "document_number": "IN-4", "document_type": "Invoice", "currency_code": "USD",
         "exchange_rate": m("1.0000000"), "document_date": d("2026-03-01"), "due_date": d("2026-03-31"),
         "document_total_before_tax": m("150.000"), "tax_total": m("0.000"),
         "document_total_including_tax": m("150.000")},
    ],
    "ar_receipt_batches": [
        {"company_id": "SAMINC", "batch_record_type": "CA", "batch_number": 1, "batch_date": d("2026-03-05"),
         "batch_status": "Posted"},
        {"company_id": "SAMINC", "batch_record_type": "CA", "batch_number": 2, "batch_date": d("2026-04-10"),
         "batch_status": "Posted"},
    ],
    "ar_receipts": [
        {"company_id": "SAMINC", "batch_date": d("2026-03-05"), "batch_record_type": "CA", "batch_number": 1,
         "entry_number": 1, "customer_number": "1100", "receipt_transaction_type": "Receipt", "document_number": "PY-1",
         "customer_currency_code": "USD", "receipt_date_adjustment_date": d("2026-03-05"),
         "customer_receipt_amount": m("1000.000"), "customer_unapplied_amount": m("100.000")},
        # Applying the credit note to the invoice moves no cash.
        {"company_id": "SAMINC", "batch_date": d("2026-04-10"), "batch_record_type": "CA", "batch_number": 2,
         "entry_number": 1, "customer_number": "1100", "receipt_transaction_type": "ApplyDocument",
         "customer_currency_code": "USD", "receipt_date_adjustment_date": d("2026-04-10"),
         "customer_receipt_amount": m("0.000"), "customer_unapplied_amount": m("0.000")},
    ],
    "ar_receipt_applications": [
        {"company_id": "SAMINC", "batch_date": d("2026-03-05"), "batch_record_type": "CA", "batch_number": 1,
         "entry_number": 1, "line_number": 20, "customer_number": "1100", "document_number": "IN-1",
         "transaction_type": "Receipt", "customer_receipt_amount": m("900.000"),
         "customer_discount_amount_taken": m("0.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-04-10"), "batch_record_type": "CA", "batch_number": 2,
         "entry_number": 1, "line_number": 20, "customer_number": "1100", "document_number": "IN-1",
         "transaction_type": "ApplyDocument", "customer_receipt_amount": m("200.000"),
         "customer_discount_amount_taken": m("0.000")},
        {"company_id": "SAMINC", "batch_date": d("2026-04-10"), "batch_record_type": "CA", "batch_number": 2,
         "entry_number": 1, "line_number": 40, "customer_number": "1100", "document_number": "CR-1",
         "transaction_type": "ApplyDocument", "customer_receipt_amount": m("-200.000"),
         "customer_discount_amount_taken": m("0.000")},
    ],
    # ---------------------------------------------------------------- GL (debit +, credit −)
    "gl_posted_transactions": [
        _gl("SAMINC", "100010010", 2025, 12, "2025-12-15", "5000.000", 1, 1),
        _gl("SAMINC", "300010010", 2025, 12, "2025-12-15", "-5000.000", 1, 1),
        _gl("SAMINC", "600010010", 2025, 12, "2025-12-20", "300.000", 2, 1),
        _gl("SAMINC", "100010010", 2025, 12, "2025-12-20", "-300.000", 2, 2),
        _gl("SAMINC", "110010010", 2026, 1, "2026-01-20", "1500.000", 3, 1),
        _gl("SAMINC", "400020020", 2026, 1, "2026-01-20", "-1500.000", 3, 1),
        _gl("SAMINC", "100010010", 2026, 2, "2026-02-20", "900.000", 4, 1),
        _gl("SAMINC", "110010010", 2026, 2, "2026-02-20", "-900.000", 4, 1),
        _gl("SAMINC", "600010010", 2026, 3, "2026-03-05", "250.500", 5, 1),
        _gl("SAMINC", "200010010", 2026, 3, "2026-03-05", "-250.500", 5, 1),
    ],
    # ---------------------------------------------------------------- OE and inventory
    "oe_orders": [
        {"company_id": "SAMINC", "order_uniquifier": 1, "order_number": "ORD1", "order_type": "Active",
         "customer_number": "1100", "currency_code": "USD", "order_date": d("2026-03-02"),
         "last_invoice_number": "IN-9", "last_shipment_number": "SH-9"},
        {"company_id": "SAMINC", "order_uniquifier": 2, "order_number": "ORD2", "order_type": "Quote",
         "customer_number": "1100", "currency_code": "USD", "order_date": d("2026-03-03")},
        {"company_id": "SAMINC", "order_uniquifier": 3, "order_number": "ORD3", "order_type": "Active",
         "customer_number": "1200", "currency_code": "USD", "order_date": d("2026-04-05"),
         "last_shipment_number": "SH-10"},
    ],
    "oe_order_lines": [
        {"company_id": "SAMINC", "order_date": d("2026-03-02"), "order_uniquifier": 1, "line_number": 32,
         "line_type": "Item", "item": "A1-100", "quantity_ordered": m("10"), "quantity_shipped": m("10"),
         "order_unit_price": m("25"), "unit_cost": m("15"), "extended_amount": m("250.000")},
        {"company_id": "SAMINC", "order_date": d("2026-03-02"), "order_uniquifier": 1, "line_number": 64,
         "line_type": "Miscellaneous", "item": "", "miscellaneous_charges_code": "FRT",
         "quantity_ordered": m("0"), "quantity_shipped": m("0"), "unit_cost": m("0"), "extended_amount": m("20.000")},
        {"company_id": "SAMINC", "order_date": d("2026-03-02"), "order_uniquifier": 1, "line_number": 96,
         "line_type": "Item", "item": "B2-200", "quantity_ordered": m("5"), "quantity_shipped": m("0"),
         "order_unit_price": m("20"), "unit_cost": m("12.5"), "extended_amount": m("100.000")},
        {"company_id": "SAMINC", "order_date": d("2026-03-03"), "order_uniquifier": 2, "line_number": 32,
         "line_type": "Item", "item": "A1-100", "quantity_ordered": m("2"), "quantity_shipped": m("2"),
         "order_unit_price": m("25"), "unit_cost": m("15"), "extended_amount": m("50.000")},
        {"company_id": "SAMINC", "order_date": d("2026-04-05"), "order_uniquifier": 3, "line_number": 32,
         "line_type": "Item", "item": "B2-200", "quantity_ordered": m("4"), "quantity_shipped": m("4"),
         "order_unit_price": m("20"), "unit_cost": m("12.5"), "extended_amount": m("80.000")},
    ],
    # 2026-03-03 was not captured: missing, not zero.
    "ic_item_snapshots": [
        {"company_id": "SAMINC", "snapshot_date": d(day), "unformatted_item_number": u, "item_number": n,
         "category": c, "quantity_on_hand": m(q), "average_cost": m(cost)}
        for day, u, n, c, q, cost in (
            ("2026-03-01", "A1100", "A1-100", "A1", "100", "15"), ("2026-03-02", "A1100", "A1-100", "A1", "90", "15"),
            ("2026-03-04", "A1100", "A1-100", "A1", "90", "15"), ("2026-03-01", "B2200", "B2-200", "B2", "10", "12.5"),
            ("2026-03-02", "B2200", "B2-200", "B2", "10", "12.5"), ("2026-03-04", "B2200", "B2-200", "B2", "10", "12.5"),
        )
    ],
}


# ---------------------------------------------------------------- one hand-worked case per document type
# Customer 1300 (SAMINC): prepayment PP-1 300 (03-02) → Apply Document 250 of it to IN-5 (03-20); IN-6 80
# (entered before the loaded window: no batch) written off by 30 in an AD batch (03-12); IN-7 900 in three
# instalments of 300 (due 03-03, 04-02, 05-02) paid 350 on 03-05 (300 on #1, 50 on #2); a miscellaneous
# receipt MR-1 500 (03-06) that is no customer's document. SAMLTD customer 2000: IN-8 740 USD quoted with a
# divide rate 0.74 (740 / 0.74 = 1000.00 CAD), receipts of 185 on 03-10 and 04-10.

add_ledgers_and_document_cases(ROWS)  # noqa: E305 (synthetic_ledgers.py: posted ledgers, fiscal sets, cases)

# AR ApplytoDocument is not in the catalog: the loader keeps it as an extra column when Sage sends it.
EXTRA_COLUMNS = {"ap_invoices": {}, "ar_invoices": {"applyto_document": "VARCHAR"}}


def tables() -> list[tuple[str, dict[str, str], list[dict]]]:
    """(table, column → SQL type, rows with lineage) for every catalog table but ABSENT, in catalog order."""
    out = []
    for t in catalog.all_tables() + tuple(catalog.IC_ITEM_SNAPSHOTS.tables):
        if t.name in ABSENT:
            continue
        cols = {**declared_columns(t), **EXTRA_COLUMNS.get(t.name, {})}
        rows = []
        for r in ROWS.get(t.name, []):
            unknown = set(r) - set(cols)
            if unknown:
                raise KeyError(f"{t.name}: unknown columns {sorted(unknown)}")
            rows.append({**r, "_run_id": "synthetic", "_loaded_at": LOADED_AT,
                         "_source_url": f"https://sage.example/{r['company_id']}/{t.name}", "_record_hash": "h"})
        out.append((t.name, cols, rows))
    return out


def load(execute, param: str = "?") -> None:
    """Create and fill the `sage300` schema through `execute(sql, params)` (DuckDB `?`, psycopg `%s`)."""
    execute(create_schema_sql("sage300"), [])
    for name, cols, rows in tables():
        execute(create_table_sql("sage300", name, cols), [])
        for r in rows:
            names = ", ".join(quote_ident(c) for c in r)
            execute(f"INSERT INTO sage300.{quote_ident(name)} ({names}) VALUES ({', '.join([param] * len(r))})",
                    list(r.values()))


def build(path: Path) -> Path:
    """The synthetic warehouse as a DuckDB file."""
    con = duckdb.connect(str(path))
    try:
        load(lambda sql, params: con.execute(sql, params))
    finally:
        con.close()
    return path
