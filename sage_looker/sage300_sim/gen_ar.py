"""Accounts receivable: invoice batches (invoices, debit and credit notes → item or summary lines and
payment schedules) and receipt batches applying cash to earlier, posted documents by DocumentNumber
and schedule PaymentNumber. Some receipts leave an unapplied amount, as customers overpay.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sage_looker.sage300_sim.context import DAY, CompanyCtx, Doc, Party
from sage_looker.sage300_sim.gen_ap import amount, chunks, due_dates, signed
from sage_looker.sage300_sim.gen_masters import TERMS, active
from sage_looker.sage300_sim.values import ZERO, cents, functional, money, qty

AR_TXN = {"Invoice": "InvoiceSummaryEntered", "CreditNote": "CreditNoteSummaryEntered",
          "DebitNote": "DebitNoteSummaryEntered"}


def ar_invoice_batches(ctx: CompanyCtx, d: dt.date) -> None:
    customers = active(ctx.customers)
    for size in chunks(ctx.count(6), 25):
        status, posted = ctx.lifecycle(d)
        ctx.emit("ARInvoiceBatches", new_ar_invoice_batch(ctx, d, size, status, posted, customers))


def new_ar_invoice_batch(ctx: CompanyCtx, d: dt.date, size: int, status: str, posted: dt.date | None,
                         customers: list[Party]) -> dict:
    number = ctx.next("ARInvoiceBatches", gap_rate=0.06)
    invoices = [ar_invoice(ctx, number, e, d, posted, ctx.rng.choice(customers)) for e in range(1, size + 1)]
    batch = {
        **ctx.fw, "BatchNumber": number, "BatchDate": d, "Description": f"AR invoices {d.isoformat()}",
        "BatchType": "Entered", "BatchStatus": status, "DefaultInvoiceType": "Summary", "SourceApplication": "AR",
        "NumberOfEntries": size, "LastEntryNumber": size, "PostingSequenceNumber": 0, "NumberOfErrors": 0,
        "DateLastEdited": ctx.last_edited(d, posted), "BatchPrintedFlag": "No",
        "BatchTotal": sum((signed(i["DocumentType"], i["DocumentTotalIncludingTax"]) for i in invoices), ZERO),
        "Invoices": invoices,
    }
    if posted is not None:
        ctx.postings.append((posted, 0, "ARInvoiceBatches", batch))
    return batch


def ar_invoice(ctx: CompanyCtx, batch: int, entry: int, d: dt.date, posted: dt.date | None, c: Party) -> dict:
    rng = ctx.rng
    r = rng.random()
    target = None
    if r < 0.06:
        open_docs = [x for x in ctx.open_docs("AR", c.number) if x.doc_type == "Invoice" and x.open_entered >= 1]
        target = open_docs[0] if open_docs else None
    doc_type = "CreditNote" if target else ("DebitNote" if r > 0.96 else "Invoice")
    doc_date = d - rng.randint(0, 3) * DAY
    rate = target.rate if target else ctx.rate(c.currency, doc_date)
    region = "10" if rng.random() < 0.55 else "20"
    lines = []
    if target:
        total = money(target.open_entered * Decimal(rng.randint(10, 40)) / 100)
        net = money(total / (1 + c.tax_rate))
        lines.append(_summary_line(ctx, batch, entry, 20, net, total - net, region))
    else:
        item_invoice = rng.random() < 0.7
        for k in range(rng.choice((1, 2, 2, 3, 4))):
            if item_invoice:
                lines.append(_item_line(ctx, batch, entry, 20 * (k + 1), c, region))
            else:
                net = amount(ctx, 50, 6000)
                lines.append(_summary_line(ctx, batch, entry, 20 * (k + 1), net, money(net * c.tax_rate), region))
    before = sum((x["ExtendedAmountWithoutTIP"] for x in lines), ZERO)
    tax = sum((x["TaxTotal"] for x in lines), ZERO)
    total = before + tax
    func_total = functional(total, rate, c.currency)
    due, disc_date, pct, disc = due_dates(c.terms, doc_date, total)
    schedules = _schedules(ctx, batch, entry, c.terms, doc_date, total, disc_date, disc, rate, c.currency)
    prefix = {"Invoice": "IN", "CreditNote": "CN", "DebitNote": "DN"}[doc_type]
    number = f"{prefix}{ctx.next('ar_doc', start=1001):08d}"
    fy, fp = ctx.period(d)
    doc = Doc("AR", number, c.number, doc_type, c.currency, rate, doc_date, due, total, func_total,
              open_entered=ZERO if target else total,
              schedules=[[s["PaymentNumber"], s["DueDate"], s["AmountDue"]] for s in schedules])
    ctx.register(doc, posted)
    if target:
        _consume(target, total)
    return {
        **ctx.fw, "BatchNumber": batch, "EntryNumber": entry, "CustomerNumber": c.number, "DocumentNumber": number,
        "DocumentType": doc_type, "TransactionType": AR_TXN[doc_type],
        "InvoiceType": "Item" if lines[0]["ItemNumber"] else "Summary", "OrderNumber": "", "PONumber": "",
        "InvoiceDescription": f"{doc_type} to {c.name}", "ApplytoDocument": target.number if target else "",
        "AccountSet": c.account_set, "FiscalYear": fy, "FiscalPeriod": fp, "CurrencyCode": c.currency,
        "RateType": "SP", "Terms": c.terms, "TaxGroup": c.tax_group, "EnteredBy": "ADMIN",
        "DocumentDate": doc_date, "AsOfDate": doc_date, "PostingDate": d, "RateDate": doc_date, "DueDate": due,
        "DiscountDate": disc_date, "ExchangeRate": rate, "DiscountPercentage": pct,
        "DiscountAmountAvailable": disc, "TaxTotal": tax, "DocumentTotalBeforeTax": before,
        "DocumentTotalIncludingTax": total, "AmountDue": total, "NumberOfDetails": len(lines),
        "ShipmentNumber": "", "TaxAuthority1": c.tax_group, "TaxAmount1": tax, "FunctionalAmountDue": func_total,
        "InvoiceDetails": lines, "InvoicePaymentSchedules": schedules, "InvoiceOptionalFields": [],
    }


def _consume(doc: Doc, amt: Decimal) -> None:
    """Take `amt` off a document and its schedules, earliest instalment first."""
    doc.open_entered -= amt
    for s in doc.schedules:
        take = min(s[2], amt)
        s[2] -= take
        amt -= take


def _item_line(ctx: CompanyCtx, batch: int, entry: int, line_no: int, c: Party, region: str) -> dict:
    item = ctx.rng.choice(ctx.items)
    q = ctx.rng.randint(1, 25)
    net = money(item.price * q)
    return {
        **ctx.fw, "BatchNumber": batch, "EntryNumber": entry, "LineNumber": line_no, "ItemNumber": item.number,
        "DistributionCode": "", "Description": item.description, "UnitOfMeasure": "Ea.",
        "RevenueAccount": f"4000200{region}",
        "InventoryAccount": ctx.accounts["inventory"][0], "COGSAccount": f"5000300{region}",
        "Quantity": qty(q), "Price": item.price, "Cost": item.cost, "ExtendedAmountWithTIP": net,
        "ExtendedAmountWithoutTIP": net, "TaxTotal": money(net * c.tax_rate), "COGSAmount": money(item.cost * q),
        "TaxClass1": 1, "TaxAmount1": money(net * c.tax_rate),
    }


def _summary_line(ctx: CompanyCtx, batch: int, entry: int, line_no: int, net: Decimal, tax: Decimal,
                  region: str) -> dict:
    dept = ctx.rng.choice(("200", "300"))
    return {
        **ctx.fw, "BatchNumber": batch, "EntryNumber": entry, "LineNumber": line_no, "ItemNumber": "",
        "DistributionCode": "SRV", "Description": "Professional services", "UnitOfMeasure": "",
        "RevenueAccount": f"4100{dept}{region}", "InventoryAccount": "", "COGSAccount": "",
        "Quantity": qty(0), "Price": ZERO, "Cost": ZERO, "ExtendedAmountWithTIP": net,
        "ExtendedAmountWithoutTIP": net, "TaxTotal": tax, "COGSAmount": ZERO, "TaxClass1": 1, "TaxAmount1": tax,
    }


def _schedules(ctx: CompanyCtx, batch: int, entry: int, terms: str, doc_date: dt.date, total: Decimal,
               disc_date: dt.date | None, disc: Decimal, rate: Decimal, currency: str) -> list[dict]:
    n = TERMS[terms][3]
    parts = [money(total / n)] * (n - 1)
    parts.append(total - sum(parts, ZERO))
    step = TERMS[terms][0] // n
    return [
        {**ctx.fw, "BatchNumber": batch, "EntryNumber": entry, "PaymentNumber": k + 1,
         "DueDate": doc_date + step * (k + 1) * DAY, "AmountDue": part,
         "DiscountDate": disc_date if k == 0 else None, "DiscountAmount": disc if k == 0 else ZERO,
         "FunctionalAmountDue": functional(part, rate, currency)}
        for k, part in enumerate(parts)
    ]


def ar_receipt_batches(ctx: CompanyCtx, d: dt.date) -> None:
    parties = ctx.payers("AR", d, ctx.count(6))
    if not parties:
        return
    by_number = {c.number: c for c in ctx.customers}
    by_ccy: dict[str, list[Party]] = {}
    for p in parties:
        by_ccy.setdefault(by_number[p].currency, []).append(by_number[p])
    for ccy in sorted(by_ccy):
        status, posted = ctx.lifecycle(d)
        ctx.emit("ARReceiptAndAdjustmentBatches", new_ar_receipt_batch(ctx, d, ccy, by_ccy[ccy], status, posted))


def new_ar_receipt_batch(ctx: CompanyCtx, d: dt.date, ccy: str, customers: list[Party], status: str,
                         posted: dt.date | None) -> dict:
    number = ctx.next("ARReceiptAndAdjustmentBatches", gap_rate=0.06)
    from sage_looker.sage300_sim.gen_docs import ar_special_entries

    receipts = [ar_receipt(ctx, number, e, d, c) for e, c in enumerate(customers, start=1)]
    receipts += ar_special_entries(ctx, number, len(receipts) + 1, d, ccy, posted)
    bank_code, _ = ctx.banks[ccy]
    batch = {
        **ctx.fw, "BatchRecordType": "CA", "BatchNumber": number, "BatchDate": d,
        "Description": f"Deposit {d.isoformat()} ({ccy})", "BatchType": "Entered", "BatchStatus": status,
        "BankCode": bank_code, "DefaultBankCurrency": ccy, "SourceApplication": "AR",
        "NumberOfEntries": len(receipts), "LastEntryNumber": len(receipts), "PostingSequenceNumber": 0,
        "NumberOfErrors": 0, "DepositNumber": ctx.next("ar_deposit"), "DateLastEdited": ctx.last_edited(d, posted),
        "DepositDate": d, "DepositSlipPrinted": "No", "BankRateType": "SP",
        "BatchTotal": sum((r["BankReceiptAmount"] for r in receipts), ZERO),
        "ReceiptsAdjustments": receipts,
    }
    if posted is not None:
        ctx.postings.append((posted, 1, "ARReceiptAndAdjustmentBatches", batch))
    return batch


def ar_receipt(ctx: CompanyCtx, batch: int, entry: int, d: dt.date, c: Party) -> dict:
    from sage_looker.sage300_sim.gen_ap import apply_amounts

    docs = ctx.open_docs("AR", c.number)
    before = {x.number: [s[2] for s in x.schedules] for x in docs}
    applied = apply_amounts(ctx, docs, d)
    lines = []
    for doc, amt in applied:
        doc.open_entered += amt  # apply_amounts took it off; _consume does it per schedule
        _consume(doc, amt)
        for s, was in zip(doc.schedules, before[doc.number], strict=True):
            if was != s[2]:
                lines.append((doc, s[0], was - s[2], was))
    unapplied = cents(ctx.rng.randint(100, 50000)) if ctx.rng.random() < 0.06 else ZERO
    total = sum((x[2] for x in lines), ZERO) + unapplied
    rate = ctx.rate(c.currency, d)
    fy, fp = ctx.period(d)
    return {
        **ctx.fw, "BatchType": "CA", "BatchNumber": batch, "EntryNumber": entry, "CustomerNumber": c.number,
        "CheckReceiptNumber": str(ctx.next("ar_check", start=5001)), "EntryDescription": f"Receipt from {c.name}",
        "EntryReference": "", "ReceiptTransactionType": "Receipt", "PaymentCode": "CHECK",
        "CustomerCurrencyCode": c.currency, "FiscalYear": fy, "FiscalPeriod": fp,
        "DocumentNumber": f"PY{ctx.next('ar_receipt_doc', start=1001):08d}", "ReceiptDateAdjustmentDate": d,
        "PostingDate": d, "BankReceiptAmount": total, "CustomerReceiptAmount": total,
        "CustomerUnappliedAmount": unapplied, "FunctionalReceiptAmount": functional(total, rate, c.currency),
        "TotalCustomerAmountApplied": total - unapplied, "CustomerExchangeRate": rate,
        "AppliedReceiptsAdjustments": [
            {**ctx.fw, "BatchType": "CA", "BatchNumber": batch, "EntryNumber": entry, "LineNumber": 20 * (k + 1),
             "CustomerNumber": c.number, "DocumentNumber": doc.number, "PaymentNumber": pay_no,
             "TransactionType": "Receipt", "Description": "", "Reference": "", "CustomerReceiptAmount": amt,
             "CustomerDiscountAmountTaken": ZERO, "DocumentAmountDue": due_before, "DocumentDate": doc.date,
             "AdjustmentGLDistributions": []}
            for k, (doc, pay_no, amt, due_before) in enumerate(lines)
        ],
    }
