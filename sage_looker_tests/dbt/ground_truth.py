"""Expected mart values computed in plain Python from the simulator's own state — its documents' events and
its records (Sage field names) — not by the dbt SQL's rules (which start from the posted ledger's amount due
and add back later changes), following FINANCE-MARTS.md literally."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sage_looker.sage300_sim import truth_ledgers as tl

ZERO = Decimal(0)


def _bucket(days: int) -> str:
    return "current" if days <= 0 else "1-30" if days <= 30 else "31-60" if days <= 60 else "61-90" if days <= 90 else "over_90"


def open_items(db, company: str, ledger: str, as_of: dt.date) -> dict[tuple[str, str], dict]:
    """(party, document) → {currency, due, open, bucket, lines} for posted documents open as of `as_of`.

    Amounts come from the simulator's own document events (truth_ledgers: each document's amount on its date,
    every receipt, note, adjustment and Apply Document on its own date), not from the batches the marts
    read. Prepayments and unapplied cash are flagged `unapplied`. Instalment documents are aged per schedule
    line: the simulator applies receipts to the earliest instalment first, so what is open sits on the last
    instalments; `lines` = [(due, open)]."""
    ctx = db.ctx[company]
    out = {}
    for (party, number), (ccy, src, _func) in tl.open_items(db, company, ledger, as_of).items():
        doc = ctx.docs[(ledger, number)]
        lines = [(doc.due, src)]
        if len(doc.schedules) > 1 and src > 0:
            lines, left = [], src
            for pay_no, due, _ in reversed(doc.schedules):
                amt = _schedule_amount(db, company, number, pay_no)
                take = left if pay_no == 1 else min(amt, left)
                if take:
                    lines.append((due, take))
                left -= take
        out[(party, number)] = {"currency": ccy, "due": doc.due, "open": src, "lines": lines,
                                "unapplied": doc.doc_type in ("Prepayment", "UnappliedCash"),
                                "bucket": _bucket((as_of - doc.due).days)}
    return out


def _schedule_amount(db, company: str, number: str, pay_no: int) -> Decimal:
    for b in db.records(company, "ARInvoiceBatches"):
        for inv in b["Invoices"]:
            if inv["DocumentNumber"] == number:
                return next(s["AmountDue"] for s in inv["InvoicePaymentSchedules"] if s["PaymentNumber"] == pay_no)
    raise KeyError(number)


def aging(db, company: str, ledger: str, as_of: dt.date) -> dict[tuple[str, str], dict[str, Decimal]]:
    """(party, currency) → {bucket: amount, 'open': total}."""
    out: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for (party, _), d in open_items(db, company, ledger, as_of).items():
        if d["unapplied"]:  # prepayments and unapplied cash: on their own line, not in the buckets
            continue
        row = out[(party, d["currency"])]
        for due, amt in d["lines"]:
            row[_bucket((as_of - due).days)] += amt
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
    """functional currency → (revenue, cost) of invoiced sales: lines of posted AR invoices and debit notes (+)
    and credit notes (−), revenue = ExtendedAmountWithoutTIP at the document's rate (÷ for a divide-quoted currency), cost = COGSAmount."""
    out: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    ccy = db.config.currency_of(company)
    for b in db.records(company, "ARInvoiceBatches"):
        if b["BatchStatus"] != "Posted":
            continue
        for inv in b["Invoices"]:
            sign = -1 if inv["DocumentType"] == "CreditNote" else 1
            for x in inv["InvoiceDetails"]:
                net, rate = x["ExtendedAmountWithoutTIP"], inv["ExchangeRate"]
                # the simulator's rate table quotes its CAD rate in SAMINC as CAD per USD (divide)
                converted = net / rate if inv["CurrencyCode"] != ccy and inv["CurrencyCode"] == "CAD" else net * rate
                out[ccy][0] += sign * converted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                out[ccy][1] += sign * (x.get("COGSAmount") or ZERO)
    return {k: (v[0], v[1]) for k, v in out.items()}
