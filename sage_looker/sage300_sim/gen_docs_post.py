"""Posting of the entries `gen_docs.py` creates: what each does to the open-item register (the documents'
posted events) and the GL entry it makes. Plain receipts and payments stay with `gen_gl._post_cash`."""

from __future__ import annotations

from sage_looker.sage300_sim.context import CompanyCtx
from sage_looker.sage300_sim.gen_docs import SPECIAL_AP, SPECIAL_AR
from sage_looker.sage300_sim.values import ZERO, functional


def post_special(ctx: CompanyCtx, resource: str, batch: dict) -> list[dict] | None:
    """GL entries of a receipt/payment batch holding at least one special entry; None when it has none."""
    from sage_looker.sage300_sim import gen_gl

    ar = resource.startswith("AR")
    entries = batch["ReceiptsAdjustments"] if ar else batch["PaymentsAdjustments"]
    kind = "ReceiptTransactionType" if ar else "PaymentTransactionType"
    special = SPECIAL_AR if ar else SPECIAL_AP
    if not any(e.get(kind) in special for e in entries):
        return None
    out = []
    for e in entries:
        typ = e.get(kind)
        if typ not in special:
            out.extend(gen_gl.post_subledger(ctx, resource, {**batch, ("ReceiptsAdjustments" if ar else
                                                                        "PaymentsAdjustments"): [e]}))
        elif ar:
            out.append(_post_ar(ctx, e, typ))
        else:
            out.append(_post_ap(ctx, e, typ))
    return out


def _post_ar(ctx: CompanyCtx, e: dict, typ: str) -> dict:
    from sage_looker.sage300_sim.gen_gl import _fx_line, entry, open_document, settle

    d, ccy, party, ref = e["PostingDate"], e["CustomerCurrencyCode"], e["CustomerNumber"], e["DocumentNumber"]
    rate = ctx.rate(ccy, d)
    control, bank = ctx.accounts["ar_control"][0], ctx.banks[ccy][1]
    lines = []
    if typ == "Prepayment":
        amt = e["BankReceiptAmount"]
        f = functional(amt, rate, ccy)
        prep = ctx.docs[("AR", ref)]
        open_document(prep, d, -amt, -f, batch=e["BatchNumber"], entry=e["EntryNumber"], posting=d,
                      fiscal=(e["FiscalYear"], e["FiscalPeriod"]), terms="", invoice_total=-amt, invoice_func=-f,
                      transaction_type="Prepayment")
        prep.func_total = -f
        lines = [(bank, f, amt, ccy, rate, d, "Bank", ref), (control, -f, -amt, ccy, rate, d, "Prepayment", ref)]
        ctx.note_activity("AR", party, "payment", d)
    elif typ == "ApplyDocument":
        prep = ctx.docs[("AR", ref)]
        for a in e["AppliedReceiptsAdjustments"]:
            amt = a["CustomerReceiptAmount"]
            fc_inv = settle(ctx.docs[("AR", a["DocumentNumber"])], amt, d)
            fc_prep = settle(prep, -amt, d)
            lines.append((control, -fc_inv, -amt, ccy, rate, d, f"Applied to {a['DocumentNumber']}", ref))
            lines.append((control, -fc_prep, amt, ccy, rate, d, f"Prepayment {ref} used", ref))
        lines = _fx_line(ctx, lines, ccy, rate, d, ref)
    elif typ == "MiscellaneousReceipt":
        amt = e["BankReceiptAmount"]
        f = functional(amt, rate, ccy)
        lines = [(bank, f, amt, ccy, rate, d, "Bank", ref),
                 (ctx.accounts["revenue_service"][0], -f, -amt, ccy, rate, d, "Miscellaneous receipt", ref)]
    else:  # Adjustment: each distribution changes the named document by DistributionAmount
        for a in e["AppliedReceiptsAdjustments"]:
            doc = ctx.docs[("AR", a["DocumentNumber"])]
            for dist in a["AdjustmentGLDistributions"]:
                delta = dist["DistributionAmount"]
                fc = settle(doc, -delta, d)
                lines.append((control, -fc, delta, doc.currency, doc.rate, d, f"Adjustment {doc.number}", ref))
                lines.append((dist["DistributionGLAccount"], fc, -delta, doc.currency, doc.rate, d, "Write-off", ref))
        ctx.note_activity("AR", party, "payment", d)
    return entry("AR", {"Adjustment": "AD", "Prepayment": "PP", "ApplyDocument": "AP",
                        "MiscellaneousReceipt": "MR"}[typ], f"{typ} {ref} {party}", ref, party, d, d, lines)


def _post_ap(ctx: CompanyCtx, e: dict, typ: str) -> dict:
    from sage_looker.sage300_sim.gen_gl import entry, settle

    d, ccy, party = e["PostingDate"], e["VendorCurrencyCode"], e["VendorNumber"]
    ref = e["CheckNumber"] or f"AD{e['BatchNumber']}-{e['EntryNumber']}"
    rate = ctx.rate(ccy, d)
    control, bank = ctx.accounts["ap_control"][0], ctx.banks[ccy][1]
    lines = []
    if typ == "MiscellaneousPayment":
        amt = e["CheckAmountInBankCurrency"]
        f = functional(amt, rate, ccy)
        lines.append((bank, -f, -amt, ccy, rate, d, "Bank", ref))
        for a in e["AppliedPayments"]:
            for dist in a["AdjustmentGLDistributions"]:
                x = dist["DistributionAmount"]
                fx = f if x == amt else functional(x, rate, ccy)
                lines.append((dist["DistributionGLAccount"], fx, x, ccy, rate, d, "Miscellaneous payment", ref))
        diff = -sum((x[1] for x in lines), ZERO)
        if diff:
            lines[-1] = (lines[-1][0], lines[-1][1] + diff, *lines[-1][2:])
    else:  # Adjustment: a positive DistributionAmount adds to what is owed on the document
        for a in e["AppliedPayments"]:
            doc = ctx.docs[("AP", a["DocumentNumber"])]
            for dist in a["AdjustmentGLDistributions"]:
                delta = dist["DistributionAmount"]
                fc = settle(doc, -delta, d)
                lines.append((control, fc, -delta, doc.currency, doc.rate, d, f"Adjustment {doc.number}", ref))
                lines.append((dist["DistributionGLAccount"], -fc, delta, doc.currency, doc.rate, d, "Adjustment", ref))
        ctx.note_activity("AP", party, "payment", d)
    return entry("AP", "AD" if typ == "Adjustment" else "MP", f"{typ} {ref} {party}", ref, party, d, d, lines)
