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
from sage_looker.sage300_sim.values import MULTIPLY, ONE_RATE, ZERO, functional, money, rate_operator

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
        "RateType": "SP", "ExchangeRate": doc.rate,
        "RateOperator": MULTIPLY if doc.currency == ctx.currency else rate_operator(doc.currency),
        "Terms": m.get("terms", ""),
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


def revaluation_entries(ctx: CompanyCtx, posted_rows: list[dict]) -> list[tuple[dt.date, list]]:
    """GL revaluation (source code GL-RV) of the foreign-currency bank account at each fiscal period end that
    has passed (run the next day): its source-currency balance at the period-end rate (rate operator honoured) less
    its functional balance is an unrealized exchange gain or loss, booked against the exchange gain/loss
    account. Not reversed, so the next run revalues from the revalued balance. The AR/AP control accounts are
    not revalued here (Sage revalues them from the subledgers), so they keep equalling the aging."""
    bank = ctx.accounts["bank_fx"][0]
    fx_ccy = next(c for c, (_, acct) in ctx.banks.items() if acct == bank)
    rows = sorted((r["JournalDate"], r["SourceCurrencyAmount"], r["JournalTransactionAmount"]) for r in posted_rows
                  if r["AccountNumber"] == bank and r["SourceCurrencyCode"] == fx_ccy)
    ends = sorted({end for fy in {int(r["FiscalYear"]) for r in posted_rows} for _, end in ctx.cal.periods(fy)
                   if end < ctx.today})
    out, src, func, k, revalued = [], ZERO, ZERO, 0, ZERO
    for end in ends:
        while k < len(rows) and rows[k][0] <= end:
            src, func, k = src + rows[k][1], func + rows[k][2], k + 1
        rate = ctx.rate(fx_ccy, end)
        diff = functional(src, rate, fx_ccy) - (func + revalued)
        if diff:
            revalued += diff
            ref = f"REVAL{end:%Y%m}"
            out.append((end, [(bank, diff, ZERO, fx_ccy, rate, end, "Unrealized exchange gain/loss", ref),
                              (ctx.accounts["fx"][0], -diff, -diff, ctx.currency, ONE_RATE, end,
                               "Unrealized exchange gain/loss", ref)]))
    return out


def fiscal_sets(ctx: CompanyCtx, posted_rows: list[dict], accounts: list[dict]) -> list[dict]:
    """Actuals per account and fiscal year: opening balance (balance-sheet and retained-earnings accounts carry
    the previous year's closing balance; income-statement accounts start at zero) and the net change of each
    of the 15 periods. Every account has its functional set (CurrencyType Functional, all currencies);
    a multicurrency account also has, per source currency it holds, a Source set (source amounts) and an
    Equivalent set (their functional amounts), as Sage keeps them — what ties a control account to the
    subledger per currency."""
    kind = {a["UnformattedAccount"]: a["AccountType"] for a in accounts}
    multi = {a["UnformattedAccount"] for a in accounts if a.get("Multicurrency") == "Yes"}
    nets: dict[tuple[str, str, str, str], list[Decimal]] = {}
    for r in posted_rows:
        acct, fy, p = r["AccountNumber"], r["FiscalYear"], int(r["FiscalPeriod"]) - 1
        sets = [(ctx.currency, "Functional", r["JournalTransactionAmount"])]
        if acct in multi:
            ccy = r["SourceCurrencyCode"]
            sets += [(ccy, "Source", r["SourceCurrencyAmount"]), (ccy, "Equivalent", r["JournalTransactionAmount"])]
        for ccy, typ, amt in sets:
            nets.setdefault((acct, ccy, typ, fy), [ZERO] * 15)[p] += amt
    years = sorted({k[3] for k in nets} | {ctx.period(ctx.today)[0]})
    out = []
    for acct, ccy, typ in sorted({k[:3] for k in nets} | {(a, ctx.currency, "Functional") for a in kind}):
        carried = ZERO
        for fy in years:
            row = nets.get((acct, ccy, typ, fy), [ZERO] * 15)
            opening = ZERO if kind[acct] == "IncomeStatement" else carried
            if (acct, ccy, typ, fy) in nets or opening:
                out.append({
                    **ctx.fw, "AccountNumber": acct, "FiscalSetYear": fy, "FiscalSetDesignator": "Actuals",
                    "CurrencyCode": ccy, "CurrencyType": typ, "OpeningBalance": opening,
                    **dict(zip(NET_FIELDS, row, strict=True)),
                })
            carried = opening + sum(row, ZERO)
    return out + budget_sets(ctx, nets, kind, years)


# Budget set 1 (GLAFS designator "1", Budget1 in the Web API's spelling): the income-statement accounts'
# budget for a year is the previous year's actual net change per period plus 5 %, rounded to cents — the
# common "last year + growth" budget, so budget and actual differ by something a controller can read.
BUDGET_DESIGNATOR = "Budget1"
BUDGET_GROWTH = Decimal("1.05")


def budget_sets(ctx: CompanyCtx, nets: dict, kind: dict[str, str], years: list[str]) -> list[dict]:
    out = []
    for (acct, ccy, typ, fy), row in sorted(nets.items()):
        if typ != "Functional" or kind.get(acct) != "IncomeStatement" or str(int(fy) + 1) not in years:
            continue
        budget = [money(x * BUDGET_GROWTH) for x in row[:13]] + [ZERO, ZERO]
        out.append({**ctx.fw, "AccountNumber": acct, "FiscalSetYear": str(int(fy) + 1),
                    "FiscalSetDesignator": BUDGET_DESIGNATOR, "CurrencyCode": ccy, "CurrencyType": "Functional",
                    "OpeningBalance": ZERO, **dict(zip(NET_FIELDS, budget, strict=True))})
    return out
