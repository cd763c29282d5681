"""Ground truth for the finance marts, from the simulator's own document state — not from its served records
and not by the marts' rules: what each customer owes and each vendor is owed on any date, and what each GL
account holds.

- Open items as of D replay each posted document's events (its own amount on its document date, then every
  application, note, adjustment or Apply Document on its own date) up to D. The marts instead start from
  today's amount due and add back later changes found in the loaded batches.
- GL balances sum the lines of the posted GL batches (`GLJournalBatches`), not `GLPostedTransactions` or the
  fiscal sets the marts read; the control accounts' pending amount is the lines of GL batches not yet posted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

ZERO = Decimal("0.00")


def open_items(db, company: str, ledger: str, as_of: dt.date) -> dict[tuple[str, str], tuple[str, Decimal, Decimal]]:
    """(party, document number) → (currency, source open, functional open) for documents open on `as_of`."""
    out = {}
    with db.lock:
        for doc in db.ctx[company].docs.values():
            if doc.ledger != ledger or not doc.posted or doc.date > as_of:
                continue
            src = sum((e[1] for e in doc.events if e[0] <= as_of), ZERO)
            func = sum((e[2] for e in doc.events if e[0] <= as_of), ZERO)
            if src or func:
                out[(doc.party, doc.number)] = (doc.currency, src, func)
    return out


def party_balances(db, company: str, ledger: str, as_of: dt.date) -> dict[str, tuple[Decimal, Decimal]]:
    """party → (source balance, functional balance) on `as_of`."""
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for (party, _), (_, src, func) in open_items(db, company, ledger, as_of).items():
        s, f = out.get(party, (ZERO, ZERO))
        out[party] = (s + src, f + func)
    return out


def gl_lines(db, company: str, posted: bool = True):
    """(account, fiscal year, fiscal period, journal date, functional amount) of the GL batches' lines."""
    with db.lock:
        for b in db.records(company, "GLJournalBatches"):
            if (b["Status"] == "Posted") != posted:
                continue
            for h in b["JournalHeaders"]:
                for x in h["JournalDetails"]:
                    yield x["AccountNumber"], int(h["FiscalYear"]), int(h["FiscalPeriod"]), x["JournalDate"], x["Amount"]


def control_accounts(db, company: str, ledger: str) -> set[str]:
    with db.lock:
        return {a["UnformattedAccount"] for a in db.records(company, "GLAccounts")
                if any(s["SubledgerCode"] == ledger for s in a.get("ControlAccountSubledgers") or ())}


def control_balance(db, company: str, ledger: str) -> tuple[Decimal, Decimal]:
    """(posted GL balance, pending lines of unposted GL batches) of the ledger's control accounts, signed as
    the subledger (AP balances are GL credits, so negated)."""
    accounts = control_accounts(db, company, ledger)
    sign = -1 if ledger == "AP" else 1
    posted = sum((a[4] for a in gl_lines(db, company, True) if a[0] in accounts), ZERO)
    pending = sum((a[4] for a in gl_lines(db, company, False) if a[0] in accounts), ZERO)
    return sign * posted, sign * pending


def account_balances(db, company: str) -> dict[tuple[str, int, int], Decimal]:
    """(account, fiscal year, period) → closing balance after that period, from the posted GL batches: balance-
    sheet and retained-earnings accounts accumulate over all years, income-statement accounts within the year."""
    with db.lock:
        kind = {a["UnformattedAccount"]: a["AccountType"] for a in db.records(company, "GLAccounts")}
    net: dict[tuple[str, int, int], Decimal] = {}
    for acct, fy, fp, _, amt in gl_lines(db, company, True):
        net[(acct, fy, fp)] = net.get((acct, fy, fp), ZERO) + amt
    years = sorted({k[1] for k in net})
    out = {}
    for acct in sorted({k[0] for k in net}):
        running = ZERO
        for fy in years:
            if kind.get(acct) == "IncomeStatement":
                running = ZERO
            for fp in range(1, 16):
                running += net.get((acct, fy, fp), ZERO)
                out[(acct, fy, fp)] = running
    return out
