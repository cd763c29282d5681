"""The ledgers Sage keeps beside the batches: the posted-document ledgers (`AR/ARPostedDocuments` = AROBL,
`AP/APPostedDocuments` = APOBL), the year-end close, and the GL fiscal-set balances (`GL/GLAccountFiscalSets`
= GLAFS). All three are derived from what was posted, the way Sage maintains them while posting.

Posted-document amounts are signed as they act on the balance: invoices, debit notes +; credit notes,
prepayments and unapplied cash −. `...AmountDue` is what is still open today; `...InvoiceAmount` the
document's own amount.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sage_looker.sage300_sim.context import DAY, CompanyCtx, Doc
from sage_looker.sage300_sim.values import ONE_RATE, ZERO

# GLAFS periods: 1-13 regular, 14 = adjustment period, 15 = closing period (year-end close).
CLOSING_PERIOD = "15"
NET_FIELDS = tuple(f"NetPeriod{n}" for n in range(1, 16))


def posted_document(ctx: CompanyCtx, doc: Doc) -> dict:
    m = doc.meta
    ar = doc.ledger == "AR"
    due = doc.open_posted
    last = max((e[0] for e in doc.events), default=doc.date)
    paid = due == 0
    fy, fp = m.get("fiscal", ctx.period(doc.date))
    party = {"CustomerNumber": doc.party} if ar else {"VendorNumber": doc.party}
    cur = "CustomerCurrency" if ar else "VendorCurrency"
    return {
        **ctx.fw, **party, "DocumentNumber": doc.number, "DocumentType": doc.doc_type,
        "TransactionType": m.get("transaction_type", ""), "BatchNumber": m.get("batch", 0),
        "EntryNumber": m.get("entry", 0), "DocumentDate": doc.date, "DueDate": doc.due,
        "PostingDate": m.get("posting", doc.date), "FiscalYear": fy, "FiscalPeriod": fp, "CurrencyCode": doc.currency,
        "RateType": "SP", "ExchangeRate": doc.rate, "RateOperator": 1, "Terms": m.get("terms", ""),
        f"{cur}InvoiceAmount": m.get("invoice_total", doc.total),
        f"{cur}AmountDue": due,
        "FunctionalCurrencyInvoiceAmount": m.get("invoice_func", doc.func_total),
        "FunctionalCurrencyAmountDue": doc.func_open_posted,
        "FullyPaid": "Yes" if paid else "No", "DatePaid": last if paid else None, "LastActivityDate": last,
        "NumberOfScheduledPayments": max(1, len(doc.schedules)),
    }


def posted_documents(ctx: CompanyCtx) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"ARPostedDocuments": [], "APPostedDocuments": []}
    for doc in ctx.docs.values():
        if doc.posted:
            out[f"{doc.ledger}PostedDocuments"].append(posted_document(ctx, doc))
    return out


def retained_earnings_account(ctx: CompanyCtx, account: str) -> str:
    """Sage closes each income-statement account to the retained-earnings account of its department."""
    dept = account[4:7]
    for re in ctx.accounts["retained"]:
        if re[4:7] == dept:
            return re
    return ctx.accounts["retained"][0]


def year_end_entries(ctx: CompanyCtx, posted_rows: list[dict]) -> list[tuple[dt.date, str, list]]:
    """Closing entries for every fiscal year that ended at least a week before today: each income-statement
    account to zero, against its department's retained-earnings account, in the closing period."""
    income = set(ctx.accounts.get("_income", ()))
    by_year: dict[str, dict[str, Decimal]] = {}
    for r in posted_rows:
        if r["AccountNumber"] in income:
            acc = by_year.setdefault(r["FiscalYear"], {})
            acc[r["AccountNumber"]] = acc.get(r["AccountNumber"], ZERO) + r["JournalTransactionAmount"]
    out = []
    for fy in sorted(by_year):
        end = ctx.cal.periods(int(fy))[-1][1]
        if end + 7 * DAY > ctx.today or fy in ctx.closed_years:
            continue
        ctx.closed_years.add(fy)
        lines, to_re = [], {}
        for acct, bal in sorted(by_year[fy].items()):
            if not bal:
                continue
            lines.append((acct, -bal, -bal, ctx.currency, ONE_RATE, end, "Year-end close", f"CLOSE{fy}"))
            re = retained_earnings_account(ctx, acct)
            to_re[re] = to_re.get(re, ZERO) + bal
        for re, amt in sorted(to_re.items()):
            lines.append((re, amt, amt, ctx.currency, ONE_RATE, end, "Year-end close", f"CLOSE{fy}"))
        out.append((end, fy, lines))
    return out


def fiscal_sets(ctx: CompanyCtx, posted_rows: list[dict], accounts: list[dict]) -> list[dict]:
    """Actuals in functional currency per account and fiscal year: opening balance (balance-sheet and
    retained-earnings accounts carry the previous year's closing balance; income-statement accounts start at
    zero) and the net change of each of the 15 periods."""
    kind = {a["UnformattedAccount"]: a["AccountType"] for a in accounts}
    nets: dict[tuple[str, str], list[Decimal]] = {}
    for r in posted_rows:
        k = (r["AccountNumber"], r["FiscalYear"])
        row = nets.setdefault(k, [ZERO] * 15)
        row[int(r["FiscalPeriod"]) - 1] += r["JournalTransactionAmount"]
    years = sorted({fy for _, fy in nets} | {ctx.period(ctx.today)[0]})
    out = []
    for acct in sorted(kind):
        carried = ZERO
        for fy in years:
            row = nets.get((acct, fy), [ZERO] * 15)
            opening = ZERO if kind[acct] == "IncomeStatement" else carried
            if (acct, fy) in nets or opening:
                out.append({
                    **ctx.fw, "AccountNumber": acct, "FiscalSetYear": fy, "FiscalSetDesignator": "Actuals",
                    "CurrencyCode": ctx.currency, "CurrencyType": "Functional", "OpeningBalance": opening,
                    **dict(zip(NET_FIELDS, row, strict=True)),
                })
            carried = opening + sum(row, ZERO)
    return out
