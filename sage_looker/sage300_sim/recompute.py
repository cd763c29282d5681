"""Recomputing a document or batch after one of its lines changed, the way Sage does on save: line →
document totals (tax, before/including tax, functional amounts, schedules) → batch total."""

from __future__ import annotations

from decimal import Decimal

from sage_looker.sage300_sim.context import CompanyCtx, Doc
from sage_looker.sage300_sim.values import ZERO, functional, spread


def ensure_doc(ctx: CompanyCtx, ledger: str, inv: dict) -> None:
    """Records inserted raw or edited before posting: (re)register the document from what the record says,
    so posting and later payments see the amounts the record now shows."""
    key = (ledger, inv["DocumentNumber"])
    total = inv["DocumentTotalIncludingTax"]
    credit = inv["DocumentType"] == "CreditNote"
    schedules = [[s["PaymentNumber"], s["DueDate"], s["AmountDue"]] for s in inv.get("InvoicePaymentSchedules", ())]
    doc = ctx.docs.get(key)
    if doc is None:
        ctx.docs[key] = Doc(ledger, inv["DocumentNumber"], inv.get("VendorNumber") or inv.get("CustomerNumber"),
                            inv["DocumentType"], inv["CurrencyCode"], inv["ExchangeRate"], inv["DocumentDate"],
                            inv["DueDate"], total, functional(total, inv["ExchangeRate"], inv["CurrencyCode"]),
                            ZERO if credit else total, schedules=schedules)
        return
    if doc.posted:
        return
    target = ctx.docs.get((ledger, inv.get("ApplytoDocument") or ""))
    if credit and target is not None:
        target.open_entered -= total - doc.total
    else:
        doc.open_entered = total
        doc.schedules = schedules
    doc.total, doc.func_total = total, functional(total, doc.rate, doc.currency)


def ap_totals(ctx: CompanyCtx, inv: dict) -> None:
    lines = inv["InvoiceDetails"]
    before = sum((x["DistributedAmountBeforeTaxes"] for x in lines), ZERO)
    tax = sum((x["TaxTotal"] for x in lines), ZERO)
    total, rate = before + tax, inv["ExchangeRate"]
    ccy = inv["CurrencyCode"]
    func_total = functional(total, rate, ccy)
    funcs = spread(func_total - functional(tax, rate, ccy),
                   [functional(x["DistributedAmount"], rate, ccy) for x in lines])
    for x, f in zip(lines, funcs, strict=True):
        x["FunctionalDistributedAmount"] = f
    inv.update(TaxTotal=tax, DocumentTotalBeforeTaxes=before, DocumentTotalIncludingTax=total,
               DistributedTotalBeforeTaxes=before, DistributedTotalIncludingTax=total, AmountDue=total,
               FunctionalAmountDue=func_total, TaxBase1=before, TaxAmount1=tax,
               FunctionalDistributionWithTaxTotal=func_total)
    ensure_doc(ctx, "AP", inv)


def ar_totals(ctx: CompanyCtx, inv: dict) -> None:
    lines = inv["InvoiceDetails"]
    before = sum((x["ExtendedAmountWithoutTIP"] for x in lines), ZERO)
    tax = sum((x["TaxTotal"] for x in lines), ZERO)
    total = before + tax
    scheds = inv["InvoicePaymentSchedules"]
    if scheds:
        scheds[-1]["AmountDue"] = total - sum((s["AmountDue"] for s in scheds[:-1]), ZERO)
        for s in scheds:
            s["FunctionalAmountDue"] = functional(s["AmountDue"], inv["ExchangeRate"], inv["CurrencyCode"])
    inv.update(TaxTotal=tax, DocumentTotalBeforeTax=before, DocumentTotalIncludingTax=total, AmountDue=total,
               TaxAmount1=tax, FunctionalAmountDue=functional(total, inv["ExchangeRate"], inv["CurrencyCode"]))
    ensure_doc(ctx, "AR", inv)


def gl_totals(batch: dict) -> None:
    for h in batch["JournalHeaders"]:
        h["Debits"] = sum((x["Amount"] for x in h["JournalDetails"] if x["Amount"] > 0), ZERO)
        h["Credits"] = -sum((x["Amount"] for x in h["JournalDetails"] if x["Amount"] < 0), ZERO)
    batch["Debits"] = sum((h["Debits"] for h in batch["JournalHeaders"]), ZERO)
    batch["Credits"] = sum((h["Credits"] for h in batch["JournalHeaders"]), ZERO)


def cash_delta(ctx: CompanyCtx, resource: str, entry: dict, delta: Decimal) -> None:
    ap = resource.startswith("AP")
    typ = entry.get("PaymentTransactionType" if ap else "ReceiptTransactionType")
    if typ == "Adjustment":
        _adjustment_delta(ctx, resource, entry, delta)
        return
    line = (entry["AppliedPayments"] if ap else entry["AppliedReceiptsAdjustments"])[0]
    doc = ctx.docs.get((resource[:2], line["DocumentNumber"]))
    if doc is not None and delta > doc.open_entered:
        delta = -min(abs(delta), (line["PaymentAmount"] if ap else line["CustomerReceiptAmount"]) - Decimal("0.01"))
    if doc is not None:
        doc.open_entered -= delta
    if ap:
        line["PaymentAmount"] += delta
        total = sum((a["PaymentAmount"] for a in entry["AppliedPayments"]), ZERO)
        entry.update(CheckAmountInBankCurrency=total, CheckAmountInVendorCurrency=total)
        ccy = entry["VendorCurrencyCode"]
        entry["FunctionalPaymentAmount"] = functional(total, ctx.rate(ccy, entry["PostingDate"]), ccy)
    else:
        line["CustomerReceiptAmount"] += delta
        applied = sum((a["CustomerReceiptAmount"] for a in entry["AppliedReceiptsAdjustments"]), ZERO)
        total = applied + entry["CustomerUnappliedAmount"]
        entry.update(BankReceiptAmount=total, CustomerReceiptAmount=total, TotalCustomerAmountApplied=applied,
                     FunctionalReceiptAmount=functional(total, entry["CustomerExchangeRate"],
                                                        entry["CustomerCurrencyCode"]))


def batch_total(resource: str, rec: dict) -> None:
    if resource in ("APInvoiceBatches", "ARInvoiceBatches"):
        rec["BatchTotal"] = sum(((-1 if i["DocumentType"] == "CreditNote" else 1) * i["DocumentTotalIncludingTax"]
                                 for i in rec["Invoices"]), ZERO)
    elif resource == "APPaymentAndAdjustmentBatches":
        rec["BatchTotal"] = sum((p["CheckAmountInBankCurrency"] for p in rec["PaymentsAdjustments"]), ZERO)
    elif resource == "ARReceiptAndAdjustmentBatches":
        rec["BatchTotal"] = sum((p["BankReceiptAmount"] for p in rec["ReceiptsAdjustments"]), ZERO)


def _adjustment_delta(ctx: CompanyCtx, resource: str, entry: dict, delta: Decimal) -> None:
    """An adjustment's first distribution changes by `delta`; so do its line and the document it names
    (DistributionAmount is the signed change of the document's balance)."""
    ap = resource.startswith("AP")
    line = (entry["AppliedPayments"] if ap else entry["AppliedReceiptsAdjustments"])[0]
    doc = ctx.docs.get((resource[:2], line["DocumentNumber"]))
    if doc is not None and doc.open_entered + delta < 0:
        delta = -delta
    if doc is not None:
        doc.open_entered += delta
    line["AdjustmentGLDistributions"][0]["DistributionAmount"] += delta
    if ap:
        line["PaymentAmount"] += delta
    else:
        line["CustomerReceiptAmount"] += delta
        entry["CustomerReceiptAmount"] = sum((a["CustomerReceiptAmount"]
                                              for a in entry["AppliedReceiptsAdjustments"]), ZERO)
