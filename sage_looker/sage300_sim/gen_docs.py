"""Sage's other receipt, payment and adjustment entries, beside plain receipts and payments (the shapes of
Sage's SDK samples `ARReceiptAndAdjustmentBatches_Prepayment/_Adjustment.json`,
`APPaymentAndAdjustmentBatches_Prepayment/_Adjustment.json`):

- AR prepayment: cash received before an invoice; its application line names no document. Posting creates a
  posted document of type "Prepayment" (negative) for the customer.
- AR Apply Document: no cash; applies an earlier prepayment (the entry's DocumentNumber) to open invoices.
  Posting reduces the invoices and uses up the prepayment by the same amounts.
- AR miscellaneous receipt: cash with no customer document (the customer number is informational).
- AR/AP adjustment (write-off) batches (`AD`): each application names a document and carries
  `AdjustmentGLDistributions[]` whose `DistributionAmount` is the signed change of that document's balance
  (AR: -1 reduces what the customer owes, as in the sample; AP: +1 adds to what is owed).
- AP miscellaneous payment: cash out to an expense account, no vendor document.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sage_looker.sage300_sim.context import DAY, CompanyCtx, Doc, Party
from sage_looker.sage300_sim.values import ZERO, cents, functional, money

SPECIAL_AR = ("Prepayment", "ApplyDocument", "MiscellaneousReceipt", "Adjustment")
SPECIAL_AP = ("MiscellaneousPayment", "Adjustment")


# ---------------------------------------------------------------- entry (generation, day by day)

def ar_special_entries(ctx: CompanyCtx, batch: int, first_entry: int, d: dt.date, ccy: str,
                       posted: dt.date | None) -> list[dict]:
    """Prepayments, Apply Document and miscellaneous receipts added to a day's receipt batch."""
    rng, out = ctx.rng, []
    customers = [c for c in ctx.customers if c.currency == ccy and c.extra.get("active", True)]
    e = first_entry
    if customers and rng.random() < 0.12 * ctx.scale:
        c = rng.choice(customers)
        amt = cents(rng.randint(20000, 400000))
        number = f"PP{ctx.next('ar_prepay_doc', start=1001):08d}"
        out.append(_ar_entry(ctx, batch, e, d, c, "Prepayment", number, amt, amt, [
            _ar_line(ctx, batch, e, 20, c.number, "", 1, "Prepayment", amt, d)]))
        ctx.register(Doc("AR", number, c.number, "Prepayment", c.currency, ctx.rate(c.currency, d), d, d, -amt,
                         functional(-amt, ctx.rate(c.currency, d), c.currency), -amt), posted)
        e += 1
    for c in customers:
        preps = [p for p in ctx.prepaid.get(c.number, []) if p.open_entered < 0]
        docs = [x for x in ctx.open_docs("AR", c.number) if x.doc_type != "Prepayment"]
        if not preps or not docs or rng.random() > 0.5:
            continue
        prep = preps[0]
        left, lines = -prep.open_entered, []
        for doc in sorted(docs, key=lambda x: (x.due, x.number))[:3]:
            amt = min(left, doc.open_entered)
            if amt <= 0:
                break
            pay_no = _take(doc, amt)
            lines.append(_ar_line(ctx, batch, e, 20 * (len(lines) + 1), c.number, doc.number, pay_no,
                                  "ApplyDocument", amt, doc.date))
            left -= amt
        if lines:
            prep.open_entered = -left
            out.append(_ar_entry(ctx, batch, e, d, c, "ApplyDocument", prep.number, ZERO, ZERO, lines))
            e += 1
    if customers and rng.random() < 0.08 * ctx.scale:
        c = rng.choice(customers)
        amt = cents(rng.randint(5000, 90000))
        out.append(_ar_entry(ctx, batch, e, d, c, "MiscellaneousReceipt", f"MR{ctx.next('ar_misc', 1001):08d}",
                             amt, amt, []))
    return out


def _take(doc: Doc, amt: Decimal) -> int:
    """Take `amt` off a document's entered balance and schedules, earliest instalment first."""
    doc.open_entered -= amt
    first = None
    for s in doc.schedules:
        take = min(s[2], amt)
        if take > 0 and first is None:
            first = s[0]
        s[2] -= take
        amt -= take
    return first or 1


def _ar_line(ctx, batch, entry, line_no, customer, doc_number, pay_no, typ, amt, doc_date, dists=()) -> dict:
    return {**ctx.fw, "BatchType": "AD" if typ == "Adjustment" else "CA", "BatchNumber": batch, "EntryNumber": entry,
            "LineNumber": line_no, "CustomerNumber": customer, "DocumentNumber": doc_number, "PaymentNumber": pay_no,
            "TransactionType": typ, "Description": "", "Reference": "", "CustomerReceiptAmount": amt,
            "CustomerDiscountAmountTaken": ZERO, "DocumentAmountDue": ZERO, "DocumentDate": doc_date,
            "AdjustmentGLDistributions": list(dists)}


def _ar_entry(ctx: CompanyCtx, batch: int, entry: int, d: dt.date, c: Party, typ: str, number: str,
              bank: Decimal, customer_amt: Decimal, lines: list[dict]) -> dict:
    fy, fp = ctx.period(d)
    rate = ctx.rate(c.currency, d)
    return {
        **ctx.fw, "BatchType": "AD" if typ == "Adjustment" else "CA", "BatchNumber": batch, "EntryNumber": entry,
        "CustomerNumber": c.number, "CheckReceiptNumber": "" if typ in ("ApplyDocument", "Adjustment") else
        str(ctx.next("ar_check", start=5001)), "EntryDescription": f"{typ} {c.name}", "EntryReference": "",
        "ReceiptTransactionType": typ, "PaymentCode": "CHECK", "CustomerCurrencyCode": c.currency,
        "FiscalYear": fy, "FiscalPeriod": fp, "DocumentNumber": number, "ReceiptDateAdjustmentDate": d,
        "PostingDate": d, "BankReceiptAmount": bank, "CustomerReceiptAmount": customer_amt,
        "CustomerUnappliedAmount": ZERO, "FunctionalReceiptAmount": functional(bank, rate, c.currency),
        "TotalCustomerAmountApplied": customer_amt, "CustomerExchangeRate": rate,
        "AppliedReceiptsAdjustments": lines,
    }


def ar_adjustment_batch(ctx: CompanyCtx, d: dt.date) -> None:
    """Now and then, write off the small remainders customers leave on old invoices (an `AD` batch)."""
    if ctx.rng.random() > 0.4:
        return
    entries = []
    number = ctx.next("ARReceiptAndAdjustmentBatches", gap_rate=0.06)
    for c in ctx.customers:
        docs = [x for x in ctx.open_docs("AR", c.number) if x.doc_type == "Invoice" and x.due < d]
        if not docs or ctx.rng.random() > 0.3:
            continue
        doc = docs[0]
        w = min(doc.open_entered, money(doc.open_entered * Decimal(ctx.rng.choice((5, 10, 100))) / 100))
        if w <= 0:
            continue
        e = len(entries) + 1
        pay_no = _take(doc, w)
        dist = {**ctx.fw, "BatchType": "AD", "BatchNumber": number, "EntryNumber": e, "LineNumber": 20,
                "SequenceNumber": 1, "TransactionType": 81, "DistributionAmount": -w, "DistributionCode": "WO",
                "DistributionGLAccount": ctx.accounts["bank_charges"][0]}
        entries.append(_ar_entry(ctx, number, e, d, c, "Adjustment", f"AD{ctx.next('ar_adj', 1001):08d}", ZERO,
                                 -w, [_ar_line(ctx, number, e, 20, c.number, doc.number, pay_no, "Adjustment",
                                               -w, doc.date, [dist])]))
        if len(entries) >= 5:
            break
    if not entries:
        return
    status, posted = ctx.lifecycle(d)
    batch = {
        **ctx.fw, "BatchRecordType": "AD", "BatchNumber": number, "BatchDate": d,
        "Description": f"Write-offs {d.isoformat()}", "BatchType": "Entered", "BatchStatus": status, "BankCode": "",
        "DefaultBankCurrency": ctx.currency, "SourceApplication": "AR", "NumberOfEntries": len(entries),
        "LastEntryNumber": len(entries), "PostingSequenceNumber": 0, "NumberOfErrors": 0, "DepositNumber": 0,
        "DateLastEdited": ctx.last_edited(d, posted), "DepositDate": None, "DepositSlipPrinted": "No",
        "BankRateType": "SP", "BatchTotal": sum((x["CustomerReceiptAmount"] for x in entries), ZERO),
        "ReceiptsAdjustments": entries,
    }
    ctx.emit("ARReceiptAndAdjustmentBatches", batch)
    if posted is not None:
        ctx.postings.append((posted, 2, "ARReceiptAndAdjustmentBatches", batch))


def ap_special_entries(ctx: CompanyCtx, batch: int, first_entry: int, d: dt.date, ccy: str) -> list[dict]:
    """Miscellaneous payments (rent paid by cheque without an invoice) and small vendor adjustments."""
    rng, out = ctx.rng, []
    vendors = [v for v in ctx.vendors if v.currency == ccy and v.extra.get("active", True)]
    if vendors and rng.random() < 0.1 * ctx.scale:
        v = rng.choice(vendors)
        amt = cents(rng.randint(10000, 300000))
        out.append(_ap_entry(ctx, batch, first_entry, d, v, "MiscellaneousPayment", amt, [
            {**ctx.fw, "BatchType": "PY", "BatchNumber": batch, "EntryNumber": first_entry, "LineNumber": 20,
             "VendorNumber": v.number, "PaymentType": "MiscellaneousPayment", "DocumentNumber": "",
             "PaymentNumber": 1, "PaymentAmount": amt, "DiscountAmount": ZERO, "DocumentDate": d,
             "AdjustmentGLDistributions": [
                 {**ctx.fw, "BatchType": "PY", "BatchNumber": batch, "EntryNumber": first_entry, "LineNumber": 20,
                  "SequenceNumber": 1, "TransactionType": 0, "DistributionAmount": amt, "DistributionCode": "RENT",
                  # No document to adjust: its line number is 0, as Sage sends it.
                  "DistributionGLAccount": ctx.accounts["expense"][0], "DocumentLineNumber": 0}]}]))
    return out


def _ap_entry(ctx: CompanyCtx, batch: int, entry: int, d: dt.date, v: Party, typ: str, amt: Decimal,
              lines: list[dict]) -> dict:
    fy, fp = ctx.period(d)
    return {
        **ctx.fw, "BatchType": "AD" if typ == "Adjustment" else "PY", "BatchNumber": batch, "EntryNumber": entry,
        "CheckNumber": "" if typ == "Adjustment" else str(ctx.next("ap_check", start=100001)),
        "VendorNumber": v.number, "EntryDescription": f"{typ} {v.name}", "VendorPayeeName": v.name,
        "PaymentTransactionType": typ, "EntryReference": "", "PaymentCode": "CHECK", "VendorCurrencyCode": v.currency,
        "FiscalYear": fy, "FiscalPeriod": fp, "PaymentDateAdjustmentDate": d, "PostingDate": d,
        "CheckAmountInBankCurrency": amt if typ != "Adjustment" else ZERO,
        "CheckAmountInVendorCurrency": amt if typ != "Adjustment" else ZERO,
        "FunctionalPaymentAmount": (functional(amt, ctx.rate(v.currency, d), v.currency) if typ != "Adjustment"
                                    else ZERO),
        "TotalPrepayVendorCurrency": ZERO, "CheckPrintRequired": "No", "AppliedPayments": lines,
    }


def ap_adjustment_batch(ctx: CompanyCtx, d: dt.date) -> None:
    """Vendor adjustments: freight or price differences added to (or taken off) posted invoices."""
    if ctx.rng.random() > 0.2:
        return
    number = ctx.next("APPaymentAndAdjustmentBatches", gap_rate=0.06)
    entries = []
    for v in ctx.vendors:
        docs = [x for x in ctx.open_docs("AP", v.number) if x.doc_type == "Invoice"]
        if not docs or ctx.rng.random() > 0.2:
            continue
        doc = docs[-1]
        delta = cents(ctx.rng.randint(100, 5000)) * (1 if ctx.rng.random() < 0.5 else -1)
        if doc.open_entered + delta <= 0:
            continue
        doc.open_entered += delta
        e = len(entries) + 1
        dist = {**ctx.fw, "BatchType": "AD", "BatchNumber": number, "EntryNumber": e, "LineNumber": 20,
                "SequenceNumber": 1, "TransactionType": 81, "DistributionAmount": delta, "DistributionCode": "INV",
                "DistributionGLAccount": ctx.accounts["inventory"][0], "DocumentLineNumber": 1}
        entries.append(_ap_entry(ctx, number, e, d, v, "Adjustment", ZERO, [
            {**ctx.fw, "BatchType": "AD", "BatchNumber": number, "EntryNumber": e, "LineNumber": 20,
             "VendorNumber": v.number, "PaymentType": "Adjustment", "DocumentNumber": doc.number, "PaymentNumber": 1,
             "PaymentAmount": delta, "DiscountAmount": ZERO, "DocumentDate": doc.date,
             "AdjustmentGLDistributions": [dist]}]))
        if len(entries) >= 4:
            break
    if not entries:
        return
    status, posted = ctx.lifecycle(d)
    batch = {
        **ctx.fw, "BatchSelector": "AD", "BatchNumber": number, "BatchDate": d,
        "Description": f"Adjustments {d.isoformat()}", "BatchStatus": status, "BankCode": "",
        "BankCurrencyCode": ctx.currency, "SourceApplication": "AP", "NumberOfEntries": len(entries),
        "LastEntryNumber": len(entries), "PostingSequenceNumber": 0, "NumberOfErrors": 0,
        "DateLastEdited": ctx.last_edited(d, posted), "ProcessCommandCode": "UnlockBatchResource",
        "BatchTotal": ZERO, "PaymentsAdjustments": entries,
    }
    ctx.emit("APPaymentAndAdjustmentBatches", batch)
    if posted is not None:
        ctx.postings.append((posted, 2, "APPaymentAndAdjustmentBatches", batch))
