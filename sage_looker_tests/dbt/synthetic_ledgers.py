"""The synthetic warehouse's posted-document ledgers, fiscal sets and one hand-worked case per document type
(split from synthetic.py to keep modules small). Values are Sage's stored state after everything posted by
synthetic.LOADED_AT; the expectations in test_marts_synthetic.py show the arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def m(s: str) -> Decimal:
    return Decimal(s)


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



def add_ledgers_and_document_cases(rows: dict[str, list[dict]]) -> None:
    from sage_looker_tests.dbt.synthetic import _gl

    # Invoice lines of the posted AR documents (margin on invoiced sales): IN-1 60 × A1-100 at 25 (cost 15);
    # CR-1 a 200 credit without an item; IN-3 50 of freight; IN-4 6 × B2-200 at 25 (cost 12.50). IN-2 is unposted.
    rows["ar_invoice_lines"] = [
        {"company_id": "SAMINC", "batch_date": d(bd), "batch_number": b, "entry_number": e, "line_number": 20,
         "item_number": item, "quantity": m(qty), "extended_amount_without_tip": m(amt), "cogs_amount": m(cogs)}
        for bd, b, e, item, qty, amt, cogs in (
            ("2026-02-01", 1, 1, "A1-100", "60", "1500.000", "900.000"), ("2026-02-01", 1, 2, "", "0", "200.000", "0"),
            ("2026-03-10", 2, 1, "A1-100", "12", "300.000", "180.000"), ("2026-03-01", 3, 1, "", "0", "50.000", "0"),
            ("2026-03-01", 3, 2, "B2-200", "6", "150.000", "75.000"))
    ]
    rows["ar_invoice_batches"].append(
        {"company_id": "SAMINC", "batch_number": 4, "batch_date": d("2026-02-01"), "batch_status": "Posted"})
    rows["ar_invoices"].append(
        {"company_id": "SAMINC", "batch_date": d("2026-02-01"), "batch_number": 4, "entry_number": 1,
         "customer_number": "1300", "document_number": "IN-7", "document_type": "Invoice", "currency_code": "USD",
         "exchange_rate": m("1.0000000"), "document_date": d("2026-02-01"), "due_date": d("2026-05-02"),
         "document_total_before_tax": m("900.000"), "tax_total": m("0.000"), "document_total_including_tax": m("900.000")})
    rows["ar_invoice_payment_schedules"] = [
        {"company_id": "SAMINC", "batch_date": d("2026-02-01"), "batch_number": 4, "entry_number": 1, "payment_number": k,
         "due_date": d(due), "amount_due": m("300.000")}
        for k, due in ((1, "2026-03-03"), (2, "2026-04-02"), (3, "2026-05-02"))
    ]
    rows["ar_receipt_batches"] += [
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
    rows["ar_receipts"] += [
        _receipt("SAMINC", "CA", 3, "2026-03-02", 1, "1300", "Prepayment", "PP-1", "300"),
        {**_receipt("SAMINC", "CA", 3, "2026-03-05", 2, "1300", "Receipt", "PY-3", "350"), "batch_date": d("2026-03-02")},
        {**_receipt("SAMINC", "CA", 3, "2026-03-06", 3, "1300", "MiscellaneousReceipt", "MR-1", "500"),
         "batch_date": d("2026-03-02")},
        _receipt("SAMINC", "CA", 4, "2026-03-20", 1, "1300", "ApplyDocument", "PP-1", "0"),
        {**_receipt("SAMINC", "AD", 1, "2026-03-12", 1, "1300", "", "AD-1", "-30"), "receipt_transaction_type": None},
        _receipt("SAMLTD", "CA", 1, "2026-03-10", 1, "2000", "Receipt", "PY-8A", "185"),
        _receipt("SAMLTD", "CA", 2, "2026-04-10", 1, "2000", "Receipt", "PY-8B", "185"),
    ]
    rows["ar_receipt_applications"] += [
        _applied("SAMINC", "CA", 3, "2026-03-02", 1, 20, "1300", "", "300"),  # a prepayment line names no document
        _applied("SAMINC", "CA", 3, "2026-03-02", 2, 20, "1300", "IN-7", "300", 1),
        _applied("SAMINC", "CA", 3, "2026-03-02", 2, 40, "1300", "IN-7", "50", 2),
        _applied("SAMINC", "CA", 4, "2026-03-20", 1, 20, "1300", "IN-5", "250"),
        _applied("SAMINC", "AD", 1, "2026-03-12", 1, 20, "1300", "IN-6", "0"),
        _applied("SAMLTD", "CA", 1, "2026-03-10", 1, 20, "2000", "IN-8", "185"),
        _applied("SAMLTD", "CA", 2, "2026-04-10", 1, 20, "2000", "IN-8", "185"),
    ]
    rows["ar_adjustment_distributions"] = [
        {"company_id": "SAMINC", "batch_date": d("2026-03-12"), "batch_record_type": "AD", "batch_number": 1,
         "entry_number": 1, "line_number": 20, "sequence_number": 1, "transaction_type": 81, "distribution_code": "WO",
         "distribution_gl_account": "600010010", "distribution_amount": m("-30.000")},
    ]
    rows["ar_posted_documents"] = [
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
    rows["ap_posted_documents"] = [
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
    rows["gl_posted_transactions"] += [
        _gl("SAMINC", "600010010", 2025, 15, "2025-12-31", "-300.000", 6, 1),
        _gl("SAMINC", "300010010", 2025, 15, "2025-12-31", "300.000", 6, 1),
    ]
    rows["gl_account_fiscal_sets"] = [
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
