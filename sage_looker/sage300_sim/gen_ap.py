"""Accounts payable: invoice batches (invoices, debit and credit notes → distribution lines) and payment
batches whose applications pay earlier, posted documents by DocumentNumber.

Amounts add up the way Sage computes them: line tax is rounded per line, DocumentTotalBeforeTaxes is
the sum of the lines and DocumentTotalIncludingTax = lines + tax.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from sage_looker.sage300_sim.context import DAY, CompanyCtx, Doc, Party
from sage_looker.sage300_sim.gen_masters import TERMS, active
from sage_looker.sage300_sim.values import ZERO, cents, functional, money, qty, spread

ENTRIES_PER_BATCH = 25
_DIST_CODES = {"6100": "RENT", "6200": "UTIL", "6300": "OFFICE", "6400": "TRAVEL", "6500": "PROF", "1300": "INV"}
AP_TXN = {"Invoice": "InvoiceSummaryEntered", "CreditNote": "CreditNoteSummaryEntered",
          "DebitNote": "DebitNoteSummaryEntered"}


def amount(ctx: CompanyCtx, low: float = 20, high: float = 4000) -> Decimal:
    """A log-uniform amount: many small bills, a few large ones."""
    return cents(int(math.exp(ctx.rng.uniform(math.log(low), math.log(high))) * 100))


def chunks(n: int, size: int) -> list[int]:
    return [min(size, n - i) for i in range(0, n, size)]


def signed(doc_type: str, x: Decimal) -> Decimal:
    return -x if doc_type == "CreditNote" else x


def due_dates(terms: str, doc_date: dt.date, total: Decimal) -> tuple[dt.date, dt.date | None, Decimal, Decimal]:
    days, disc_days, pct, _ = TERMS[terms]
    disc = money(total * pct / 100) if pct else ZERO
    return doc_date + days * DAY, (doc_date + disc_days * DAY if disc_days else None), pct, disc


def ap_invoice_batches(ctx: CompanyCtx, d: dt.date) -> None:
    vendors = active(ctx.vendors)
    for size in chunks(ctx.count(4), ENTRIES_PER_BATCH):
        status, posted = ctx.lifecycle(d)
        ctx.emit("APInvoiceBatches", new_ap_invoice_batch(ctx, d, size, status, posted, vendors))


def new_ap_invoice_batch(ctx: CompanyCtx, d: dt.date, size: int, status: str, posted: dt.date | None,
                         vendors: list[Party]) -> dict:
    number = ctx.next("APInvoiceBatches", gap_rate=0.06)
    invoices = [ap_invoice(ctx, number, e, d, posted, ctx.rng.choice(vendors)) for e in range(1, size + 1)]
    batch = {
        **ctx.fw, "BatchNumber": number, "BatchDate": d, "Description": f"AP invoices {d.isoformat()}",
        "BatchType": "Entered", "BatchStatus": status, "InvoiceType": "Summary", "SourceApplication": "AP",
        "NumberOfEntries": size, "LastEntryNumber": size, "PostingSequenceNumber": 0, "NumberOfErrors": 0,
        "DateLastEdited": ctx.last_edited(d, posted), "BatchPrintedFlag": "No", "ICTRelated": "No",
        "BatchTotal": sum((signed(i["DocumentType"], i["DocumentTotalIncludingTax"]) for i in invoices), ZERO),
        "Invoices": invoices,
    }
    if posted is not None:
        ctx.postings.append((posted, 0, "APInvoiceBatches", batch))
    return batch


def ap_invoice(ctx: CompanyCtx, batch: int, entry: int, d: dt.date, posted: dt.date | None, v: Party) -> dict:
    rng = ctx.rng
    r = rng.random()
    target = None
    if r < 0.07:
        open_docs = [x for x in ctx.open_docs("AP", v.number) if x.doc_type == "Invoice" and x.open_entered >= 1]
        target = open_docs[0] if open_docs else None
    doc_type = "CreditNote" if target else ("DebitNote" if r > 0.95 else "Invoice")
    doc_date = d - rng.randint(0, 6) * DAY
    rate = target.rate if target else ctx.rate(v.currency, doc_date)
    lines = []
    if target:
        total = money(target.open_entered * Decimal(rng.randint(10, 40)) / 100)
        net = money(total / (1 + v.tax_rate))
        lines.append(_line(ctx, batch, entry, 20, net, total - net, ctx.accounts["expense"][0], None, 0))
    else:
        for k in range(rng.choice((1, 1, 2, 2, 3, 4))):
            item = rng.choice(ctx.items) if v.group == "INV" and rng.random() < 0.6 else None
            if item:
                q = rng.randint(1, 40)
                net, acct = money(item.cost * q), ctx.accounts["inventory"][0]
            else:
                q, net, acct = 0, amount(ctx), rng.choice(ctx.accounts["expense"])
            lines.append(_line(ctx, batch, entry, 20 * (k + 1), net, money(net * v.tax_rate), acct, item, q))
    before = sum((x["DistributedAmountBeforeTaxes"] for x in lines), ZERO)
    tax = sum((x["TaxTotal"] for x in lines), ZERO)
    total = before + tax
    func_total = functional(total, rate, v.currency)
    func_tax = functional(tax, rate, v.currency)
    funcs = spread(func_total - func_tax, [functional(x["DistributedAmount"], rate, v.currency) for x in lines])
    for x, f in zip(lines, funcs, strict=True):
        x["FunctionalDistributedAmount"] = f
    due, disc_date, pct, disc = due_dates(v.terms, doc_date, total)
    prefix = {"Invoice": "INV", "CreditNote": "CN", "DebitNote": "DN"}[doc_type]
    number = f"{prefix}{ctx.next('ap_doc', start=10001):06d}"
    fy, fp = ctx.period(d)
    doc = Doc("AP", number, v.number, doc_type, v.currency, rate, doc_date, due, total, func_total,
              open_entered=ZERO if target else total)
    ctx.register(doc, posted)
    if target:
        target.open_entered -= total
    return {
        **ctx.fw, "BatchNumber": batch, "EntryNumber": entry, "VendorNumber": v.number, "VendorName": v.name,
        "DocumentNumber": number, "DocumentType": doc_type, "TransactionType": AP_TXN[doc_type],
        "OrderNumber": "", "PONumber": "", "InvoiceDescription": f"{v.name} {doc_type.lower()}",
        "ApplytoDocument": target.number if target else "", "AccountSet": v.account_set,
        "FiscalYear": fy, "FiscalPeriod": fp, "CurrencyCode": v.currency, "RateType": "SP", "Terms": v.terms,
        "OnHold": "No", "TaxGroup": v.tax_group, "EnteredBy": "ADMIN",
        "DocumentDate": doc_date, "AsOfDate": doc_date, "PostingDate": d, "RateDate": doc_date,
        "DueDate": due, "DiscountDate": disc_date, "ExchangeRate": rate, "DiscountPercentage": pct,
        "DiscountAmountAvailable": disc, "TaxTotal": tax, "DocumentTotalBeforeTaxes": before,
        "DocumentTotalIncludingTax": total, "DistributedTotalBeforeTaxes": before,
        "DistributedTotalIncludingTax": total, "AmountDue": total, "FunctionalAmountDue": func_total,
        "NumberOfDetails": len(lines), "TaxAuthority1": v.tax_group, "TaxClass1": 1, "TaxBase1": before,
        "TaxAmount1": tax, "FunctionalDistributionWithTaxTotal": func_total, "APVersionCreatedIn": "71A",
        "InvoiceDetails": lines, "InvoiceOptionalFields": [],
    }


def _line(ctx: CompanyCtx, batch: int, entry: int, line_no: int, net: Decimal, tax: Decimal, acct: str,
          item, q: int) -> dict:
    code = _DIST_CODES.get(acct[:4], "GEN")
    return {
        **ctx.fw, "BatchNumber": batch, "EntryNumber": entry, "LineNumber": line_no, "DistributionCode": code,
        "DistributionDescription": ctx.account_desc[acct], "GLAccount": acct,
        "ItemNumber": item.number if item else "", "UnitOfMeasure": "Ea." if item else "", "Comment": "",
        "DistributedAmount": net, "DistributedAmountBeforeTaxes": net, "TaxTotal": tax,
        "FunctionalDistributedAmount": ZERO, "Quantity": qty(q), "Cost": item.cost if item else ZERO,
        "GLDistributedAmount": net, "TaxClass1": 1, "TaxAmount1": tax, "Contract": "", "Project": "",
    }


def ap_payment_batches(ctx: CompanyCtx, d: dt.date) -> None:
    parties = ctx.payers("AP", d, ctx.count(4))
    if not parties:
        return
    by_number = {v.number: v for v in ctx.vendors}
    by_ccy: dict[str, list[Party]] = {}
    for p in parties:
        by_ccy.setdefault(by_number[p].currency, []).append(by_number[p])
    for ccy in sorted(by_ccy):
        status, posted = ctx.lifecycle(d)
        ctx.emit("APPaymentAndAdjustmentBatches", new_ap_payment_batch(ctx, d, ccy, by_ccy[ccy], status, posted))


def new_ap_payment_batch(ctx: CompanyCtx, d: dt.date, ccy: str, vendors: list[Party], status: str,
                         posted: dt.date | None) -> dict:
    number = ctx.next("APPaymentAndAdjustmentBatches", gap_rate=0.06)
    from sage_looker.sage300_sim.gen_docs import ap_special_entries

    payments = [ap_payment(ctx, number, e, d, v) for e, v in enumerate(vendors, start=1)]
    payments += ap_special_entries(ctx, number, len(payments) + 1, d, ccy)
    bank_code, _ = ctx.banks[ccy]
    batch = {
        **ctx.fw, "BatchSelector": "PY", "BatchNumber": number, "BatchDate": d,
        "Description": f"Check run {d.isoformat()} ({ccy})", "BatchStatus": status, "BankCode": bank_code,
        "BankCurrencyCode": ccy, "SourceApplication": "AP", "NumberOfEntries": len(payments),
        "LastEntryNumber": len(payments), "PostingSequenceNumber": 0, "NumberOfErrors": 0,
        "DateLastEdited": ctx.last_edited(d, posted), "ProcessCommandCode": "UnlockBatchResource",
        "BatchTotal": sum((p["CheckAmountInBankCurrency"] for p in payments), ZERO),
        "PaymentsAdjustments": payments,
    }
    if posted is not None:
        ctx.postings.append((posted, 1, "APPaymentAndAdjustmentBatches", batch))
    return batch


def apply_amounts(ctx: CompanyCtx, docs: list[Doc], d: dt.date) -> list[tuple[Doc, Decimal]]:
    """Pay what falls due within a week (up to five documents, oldest due first; else the oldest one),
    most in full, some in part."""
    rng = ctx.rng
    ordered = sorted(docs, key=lambda x: (x.due, x.number))
    late = ctx.delays.get((docs[0].ledger, docs[0].party), 0) * DAY if docs else 0 * DAY
    due = [x for x in ordered if x.due + late <= d + 7 * DAY and rng.random() < 0.9]
    picked = due[:5] or ordered[:1]
    out = []
    for doc in picked:
        amt = doc.open_entered
        if rng.random() < 0.25 and amt >= Decimal("2.00"):
            amt = money(amt * Decimal(rng.randint(30, 70)) / 100)
        doc.open_entered -= amt
        out.append((doc, amt))
    return out


def ap_payment(ctx: CompanyCtx, batch: int, entry: int, d: dt.date, v: Party) -> dict:
    applied = apply_amounts(ctx, ctx.open_docs("AP", v.number), d)
    total = sum((a for _, a in applied), ZERO)
    fy, fp = ctx.period(d)
    return {
        **ctx.fw, "BatchType": "PY", "BatchNumber": batch, "EntryNumber": entry,
        "CheckNumber": str(ctx.next("ap_check", start=100001)), "VendorNumber": v.number,
        "EntryDescription": f"Payment to {v.name}", "VendorPayeeName": v.name,
        "PaymentTransactionType": "Payment", "EntryReference": "", "PaymentCode": "CHECK",
        "VendorCurrencyCode": v.currency, "FiscalYear": fy, "FiscalPeriod": fp,
        "PaymentDateAdjustmentDate": d, "PostingDate": d, "CheckAmountInBankCurrency": total,
        "CheckAmountInVendorCurrency": total,
        "FunctionalPaymentAmount": functional(total, ctx.rate(v.currency, d), v.currency),
        "TotalPrepayVendorCurrency": ZERO, "CheckPrintRequired": "No",
        "AppliedPayments": [
            {**ctx.fw, "BatchType": "PY", "BatchNumber": batch, "EntryNumber": entry, "LineNumber": 20 * (k + 1),
             "VendorNumber": v.number, "PaymentType": "Payment", "DocumentNumber": doc.number, "PaymentNumber": 1,
             "PaymentAmount": amt, "DiscountAmount": ZERO, "DocumentDate": doc.date,
             "AdjustmentGLDistributions": []}
            for k, (doc, amt) in enumerate(applied)
        ],
    }
