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


def _posted(ledger: str, company: str, party: str, number: str, typ: str, doc_date: str, due: str,
            amount: str, amount_due: str, func: str | None = None, func_due: str | None = None,
            rate: str = "1.0000000", operator: int = 1, last: str | None = None, schedules: int = 1) -> dict:
    """A row of the posted-document ledger (AROBL/APOBL) as Sage stores it after everything posted by LOADED_AT:
    amounts signed (credit notes, prepayments, unapplied cash negative), amount due = what is open today."""
    cur = "customer" if ledger == "AR" else "vendor"
    return {"company_id": company, f"{cur}_number": party, "document_number": number, "document_type": typ,
            "currency_code": "USD", "exchange_rate": m(rate), "rate_operator": operator, "document_date": d(doc_date),
            "due_date": d(due), "posting_date": d(doc_date), "number_of_scheduled_payments": schedules,
            f"{cur}_currency_invoice_amount": m(amount), f"{cur}_currency_amount_due": m(amount_due),
            "functional_currency_invoice_amount": m(func or amount),
            "functional_currency_amount_due": m(func_due or amount_due),
            "fully_paid": "Yes" if m(amount_due) == 0 else "No",
            "last_activity_date": d(last or doc_date)}


def _fiscal_set(company: str, account: str, year: int, opening: str, **nets: str) -> dict:
    row = {"company_id": company, "account_number": account, "fiscal_set_year": str(year),
           "fiscal_set_designator": "Actuals", "currency_code": "USD", "currency_type": "Functional",
           "opening_balance": m(opening)}
    for n in range(1, 16):
        row[f"net_period_{n}"] = m(nets.get(f"p{n}", "0"))
    return row


def _receipt(company: str, typ: str, batch: int, day: str, entry: int, customer: str, kind: str, number: str,
             amount: str) -> dict:
    return {"company_id": company, "batch_date": d(day), "batch_record_type": typ, "batch_number": batch,
            "entry_number": entry, "customer_number": customer, "receipt_transaction_type": kind,
            "document_number": number, "customer_currency_code": "USD", "receipt_date_adjustment_date": d(day),
            "customer_receipt_amount": m(amount), "customer_unapplied_amount": m("0")}


def _applied(company: str, typ: str, batch: int, day: str, entry: int, line: int, customer: str, document: str,
             amount: str, payment_number: int = 1) -> dict:
    return {"company_id": company, "batch_date": d(day), "batch_record_type": typ, "batch_number": batch,
            "entry_number": entry, "line_number": line, "customer_number": customer, "document_number": document,
            "payment_number": payment_number, "customer_receipt_amount": m(amount),
            "customer_discount_amount_taken": m("0")}


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
# Invoice lines of the posted AR documents (margin on invoiced sales): IN-1 60 × A1-100 at 25 (cost 15);
# CR-1 a 200 credit without an item; IN-3 50 of freight; IN-4 6 × B2-200 at 25 (cost 12.50). IN-2 is unposted.
ROWS["ar_invoice_lines"] = [
    {"company_id": "SAMINC", "batch_date": d(bd), "batch_number": b, "entry_number": e, "line_number": 20,
     "item_number": item, "quantity": m(qty), "extended_amount_without_tip": m(amt), "cogs_amount": m(cogs)}
    for bd, b, e, item, qty, amt, cogs in (
        ("2026-02-01", 1, 1, "A1-100", "60", "1500.000", "900.000"), ("2026-02-01", 1, 2, "", "0", "200.000", "0"),
        ("2026-03-10", 2, 1, "A1-100", "12", "300.000", "180.000"), ("2026-03-01", 3, 1, "", "0", "50.000", "0"),
        ("2026-03-01", 3, 2, "B2-200", "6", "150.000", "75.000"))
]
ROWS["ar_invoice_batches"].append(
    {"company_id": "SAMINC", "batch_number": 4, "batch_date": d("2026-02-01"), "batch_status": "Posted"})
ROWS["ar_invoices"].append(
    {"company_id": "SAMINC", "batch_date": d("2026-02-01"), "batch_number": 4, "entry_number": 1,
     "customer_number": "1300", "document_number": "IN-7", "document_type": "Invoice", "currency_code": "USD",
     "exchange_rate": m("1.0000000"), "document_date": d("2026-02-01"), "due_date": d("2026-05-02"),
     "document_total_before_tax": m("900.000"), "tax_total": m("0.000"), "document_total_including_tax": m("900.000")})
ROWS["ar_invoice_payment_schedules"] = [
    {"company_id": "SAMINC", "batch_date": d("2026-02-01"), "batch_number": 4, "entry_number": 1, "payment_number": k,
     "due_date": d(due), "amount_due": m("300.000")}
    for k, due in ((1, "2026-03-03"), (2, "2026-04-02"), (3, "2026-05-02"))
]
ROWS["ar_receipt_batches"] += [
    {"company_id": "SAMINC", "batch_record_type": "CA", "batch_number": 3, "batch_date": d("2026-03-02"),
     "batch_status": "Posted"},
    {"company_id": "SAMINC", "batch_record_type": "CA", "batch_number": 4, "batch_date": d("2026-03-20"),
     "batch_status": "Posted"},
    {"company_id": "SAMINC", "batch_record_type": "AD", "batch_number": 1, "batch_date": d("2026-03-12"),
     "batch_status": "Posted"},
    {"company_id": "SAMLTD", "batch_record_type": "CA", "batch_number": 1, "batch_date": d("2026-03-10"),
     "batch_status": "Posted"},
    {"company_id": "SAMLTD", "batch_record_type": "CA", "batch_number": 2, "batch_date": d("2026-04-10"),
     "batch_status": "Posted"},
]
ROWS["ar_receipts"] += [
    _receipt("SAMINC", "CA", 3, "2026-03-02", 1, "1300", "Prepayment", "PP-1", "300"),
    {**_receipt("SAMINC", "CA", 3, "2026-03-05", 2, "1300", "Receipt", "PY-3", "350"), "batch_date": d("2026-03-02")},
    {**_receipt("SAMINC", "CA", 3, "2026-03-06", 3, "1300", "MiscellaneousReceipt", "MR-1", "500"),
     "batch_date": d("2026-03-02")},
    _receipt("SAMINC", "CA", 4, "2026-03-20", 1, "1300", "ApplyDocument", "PP-1", "0"),
    {**_receipt("SAMINC", "AD", 1, "2026-03-12", 1, "1300", "", "AD-1", "-30"), "receipt_transaction_type": None},
    _receipt("SAMLTD", "CA", 1, "2026-03-10", 1, "2000", "Receipt", "PY-8A", "185"),
    _receipt("SAMLTD", "CA", 2, "2026-04-10", 1, "2000", "Receipt", "PY-8B", "185"),
]
ROWS["ar_receipt_applications"] += [
    _applied("SAMINC", "CA", 3, "2026-03-02", 1, 20, "1300", "", "300"),  # a prepayment line names no document
    _applied("SAMINC", "CA", 3, "2026-03-02", 2, 20, "1300", "IN-7", "300", 1),
    _applied("SAMINC", "CA", 3, "2026-03-02", 2, 40, "1300", "IN-7", "50", 2),
    _applied("SAMINC", "CA", 4, "2026-03-20", 1, 20, "1300", "IN-5", "250"),
    _applied("SAMINC", "AD", 1, "2026-03-12", 1, 20, "1300", "IN-6", "0"),
    _applied("SAMLTD", "CA", 1, "2026-03-10", 1, 20, "2000", "IN-8", "185"),
    _applied("SAMLTD", "CA", 2, "2026-04-10", 1, 20, "2000", "IN-8", "185"),
]
ROWS["ar_adjustment_distributions"] = [
    {"company_id": "SAMINC", "batch_date": d("2026-03-12"), "batch_record_type": "AD", "batch_number": 1,
     "entry_number": 1, "line_number": 20, "sequence_number": 1, "transaction_type": 81, "distribution_code": "WO",
     "distribution_gl_account": "600010010", "distribution_amount": m("-30.000")},
]
ROWS["ar_posted_documents"] = [
    # IN-1 1500 − receipt 900 (03-05) − credit note CR-1 applied 200 (04-10) = 400
    _posted("AR", "SAMINC", "1100", "IN-1", "Invoice", "2026-02-01", "2026-03-03", "1500", "400", last="2026-04-10"),
    _posted("AR", "SAMINC", "1100", "CR-1", "CreditNote", "2026-02-15", "2026-02-15", "-200", "0", last="2026-04-10"),
    _posted("AR", "SAMINC", "1100", "IN-3", "Invoice", "2026-03-01", "2026-09-30", "50", "50"),
    # receipt PY-1 of 1000 applied 900: 100 unapplied cash
    _posted("AR", "SAMINC", "1100", "PY-1", "UnappliedCash", "2026-03-05", "2026-03-05", "-100", "-100"),
    _posted("AR", "SAMINC", "1200", "IN-4", "Invoice", "2026-03-01", "2026-03-31", "150", "150"),
    _posted("AR", "SAMINC", "1300", "IN-5", "Invoice", "2026-03-01", "2026-03-31", "400", "150", last="2026-03-20"),
    _posted("AR", "SAMINC", "1300", "PP-1", "Prepayment", "2026-03-02", "2026-03-02", "-300", "-50", last="2026-03-20"),
    _posted("AR", "SAMINC", "1300", "IN-6", "Invoice", "2026-01-15", "2026-02-14", "80", "50", last="2026-03-12"),
    _posted("AR", "SAMINC", "1300", "IN-7", "Invoice", "2026-02-01", "2026-05-02", "900", "550", last="2026-03-05",
            schedules=3),
    # 740 / 0.74 = 1000.00; after 370 received Sage stores 370 due = 500.00 functional
    _posted("AR", "SAMLTD", "2000", "IN-8", "Invoice", "2026-03-01", "2026-03-31", "740", "370", func="1000",
            func_due="500", rate="0.7400000", operator=2, last="2026-04-10"),
]
ROWS["ap_posted_documents"] = [
    # INV-A 1000 − payment 400 (02-20) − CN-1 100 (03-10); the 500 payment of the open batch is not posted
    _posted("AP", "SAMINC", "1200", "INV-A", "Invoice", "2026-01-10", "2026-02-09", "1000", "500", last="2026-03-10"),
    _posted("AP", "SAMINC", "1200", "INV-B", "Invoice", "2026-03-01", "2026-03-31", "500", "300", last="2026-03-20"),
    _posted("AP", "SAMINC", "1200", "CN-1", "CreditNote", "2026-03-10", "2026-03-10", "-100", "0"),
    # payment PY2 (03-20) of 300 applied 200: 100 left with the vendor as a prepayment
    _posted("AP", "SAMINC", "1200", "PY-2", "Prepayment", "2026-03-20", "2026-03-20", "-100", "-100"),
    _posted("AP", "SAMLTD", "1200", "X-1", "Invoice", "2026-03-01", "2026-04-15", "700.005", "700.005",
            func="945.01", func_due="945.01", rate="1.3500000"),
]
# 2025 closed (period 15: rent 300 to retained earnings); 2026 opens from it.
ROWS["gl_posted_transactions"] += [
    _gl("SAMINC", "600010010", 2025, 15, "2025-12-31", "-300.000", 6, 1),
    _gl("SAMINC", "300010010", 2025, 15, "2025-12-31", "300.000", 6, 1),
]
ROWS["gl_account_fiscal_sets"] = [
    _fiscal_set("SAMINC", "100010010", 2025, "0", p12="4700"),
    _fiscal_set("SAMINC", "300010010", 2025, "0", p12="-5000", p15="300"),
    _fiscal_set("SAMINC", "600010010", 2025, "0", p12="300", p15="-300"),
    _fiscal_set("SAMINC", "100010010", 2026, "4700", p2="900"),
    _fiscal_set("SAMINC", "110010010", 2026, "0", p1="1500", p2="-900"),
    _fiscal_set("SAMINC", "200010010", 2026, "0", p3="-250.5"),
    _fiscal_set("SAMINC", "300010010", 2026, "-4700"),
    _fiscal_set("SAMINC", "400020020", 2026, "0", p1="-1500"),
    _fiscal_set("SAMINC", "600010010", 2026, "0", p3="250.5"),
]

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
