"""Expected mart values computed in plain Python straight from the simulator's records (Sage field names),
independently of the dbt SQL, following FINANCE-MARTS.md literally."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

ZERO = Decimal(0)


def _bucket(days: int) -> str:
    return "current" if days <= 0 else "1-30" if days <= 30 else "31-60" if days <= 60 else "61-90" if days <= 90 else "over_90"


def open_items(db, company: str, ledger: str, as_of: dt.date) -> dict[tuple[str, str], dict]:
    """(party, document) → {currency, due, open, bucket} for posted documents open as of `as_of`."""
    ap = ledger == "AP"
    inv_res = "APInvoiceBatches" if ap else "ARInvoiceBatches"
    pay_res = "APPaymentAndAdjustmentBatches" if ap else "ARReceiptAndAdjustmentBatches"
    party_f = "VendorNumber" if ap else "CustomerNumber"
    docs: dict[tuple[str, str], dict] = {}
    notes = []
    for b in db.records(company, inv_res):
        if b["BatchStatus"] != "Posted":
            continue
        for inv in b["Invoices"]:
            if inv["DocumentDate"] > as_of:
                continue
            sign = -1 if inv["DocumentType"] == "CreditNote" else 1
            key = (inv[party_f], inv["DocumentNumber"])
            docs[key] = {"currency": inv["CurrencyCode"], "due": inv["DueDate"] or inv["DocumentDate"],
                         "amount": sign * inv["DocumentTotalIncludingTax"], "applied": ZERO}
            if inv.get("ApplytoDocument") and inv["DocumentType"] in ("CreditNote", "DebitNote"):
                notes.append((key, (inv[party_f], inv["ApplytoDocument"])))
    for note, target in notes:
        if target in docs:
            docs[target]["applied"] -= docs[note]["amount"]
            docs[note]["applied"] += docs[note]["amount"]
    entries_f = "PaymentsAdjustments" if ap else "ReceiptsAdjustments"
    apps_f = "AppliedPayments" if ap else "AppliedReceiptsAdjustments"
    date_f = "PaymentDateAdjustmentDate" if ap else "ReceiptDateAdjustmentDate"
    for b in db.records(company, pay_res):
        if b["BatchStatus"] != "Posted":
            continue
        for e in b[entries_f]:
            if (e[date_f] or b["BatchDate"]) > as_of:
                continue
            for a in e[apps_f]:
                amt = (a["PaymentAmount"] + (a.get("DiscountAmount") or ZERO)) if ap else (
                    a["CustomerReceiptAmount"] + (a.get("CustomerDiscountAmountTaken") or ZERO))
                key = (a[party_f], a["DocumentNumber"])
                if key in docs:
                    docs[key]["applied"] += amt
    out = {}
    for key, d in docs.items():
        open_ = d["amount"] - d["applied"]
        if open_:
            out[key] = {"currency": d["currency"], "due": d["due"], "open": open_,
                        "bucket": _bucket((as_of - d["due"]).days)}
    return out


def aging(db, company: str, ledger: str, as_of: dt.date) -> dict[tuple[str, str], dict[str, Decimal]]:
    """(party, currency) → {bucket: amount, 'open': total}."""
    out: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for (party, _), d in open_items(db, company, ledger, as_of).items():
        row = out[(party, d["currency"])]
        row[d["bucket"]] += d["open"]
        row["open"] += d["open"]
    return {k: dict(v) for k, v in out.items()}


def open_by_currency(db, company: str, ledger: str, as_of: dt.date) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for d in open_items(db, company, ledger, as_of).values():
        out[d["currency"]] += d["open"]
    return dict(out)


def gl_by_period(db, company: str) -> dict[tuple[int, int], tuple[Decimal, Decimal]]:
    """(fiscal year, period) → (debits, credits) of the posted ledger."""
    out: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for r in db.records(company, "GLPostedTransactions"):
        k = (int(r["FiscalYear"]), int(r["FiscalPeriod"]))
        amt = r["JournalTransactionAmount"]
        out[k][0 if amt > 0 else 1] += abs(amt)
    return {k: (v[0], v[1]) for k, v in out.items()}


def gl_by_account(db, company: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for r in db.records(company, "GLPostedTransactions"):
        out[r["AccountNumber"]] += r["JournalTransactionAmount"]
    return dict(out)


def margin(db, company: str) -> dict[str, tuple[Decimal, Decimal]]:
    """currency → (revenue, cost) of sold OE lines: shipped item lines, misc charges of shipped or invoiced
    orders, no quotes."""
    out: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for o in db.records(company, "OEOrders"):
        if "quote" in (o.get("OrderType") or "").lower():
            continue
        lines = o["OrderDetails"]
        shipped = bool(o.get("LastShipmentNumber") or o.get("LastInvoiceNumber")) or any(
            x["LineType"] != "Miscellaneous" and x.get("Item") and x["QuantityShipped"] > 0 for x in lines)
        for x in lines:
            misc = x["LineType"] == "Miscellaneous" or not x.get("Item")
            if (misc and shipped) or (not misc and x["QuantityShipped"] > 0):
                out[o["CurrencyCode"]][0] += x["ExtendedAmount"]
                out[o["CurrencyCode"]][1] += x["QuantityShipped"] * (x["UnitCost"] or ZERO)
    return {k: (v[0], v[1]) for k, v in out.items()}
