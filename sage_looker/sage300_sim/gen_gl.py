"""General ledger: journal entries from subledger postings and manual journals, GL batches, and the posted
ledger (`GLPostedTransactions`) built from exactly the lines of posted GL batches.

Every entry balances in functional currency (debit +, credit −): foreign-currency documents round each
line and put the difference on the largest, and payments settle documents at the document's rate with
the difference booked to exchange gain/loss — so the AP/AR control accounts equal the subledgers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sage_looker.sage300_sim.context import CompanyCtx, Doc
from sage_looker.sage300_sim.gen_ap import amount
from sage_looker.sage300_sim.values import ONE_RATE, ZERO, functional, spread

# (account, functional amount, source amount, source currency, rate, rate date, description, reference)
Line = tuple[str, Decimal, Decimal, str, Decimal, dt.date, str, str]
QTY0 = Decimal("0.0000")
SOURCE_TYPE = {"Invoice": "IN", "DebitNote": "DB", "CreditNote": "CR"}


def entry(ledger: str, typ: str, desc: str, doc: str, party: str, posting: dt.date, doc_date: dt.date,
          lines: list[Line]) -> dict[str, Any]:
    return {"ledger": ledger, "type": typ, "desc": desc, "doc": doc, "party": party, "posting": posting,
            "doc_date": doc_date, "lines": [x for x in lines if x[1] or x[2]]}


def settle(doc: Doc, amt: Decimal, d: dt.date) -> Decimal:
    """Take a posted application dated `d` off a document (a negative amount for a prepayment or unapplied
    cash being used up); returns the functional amount it settles. Settling what is left takes the
    document's remaining functional amount, so a fully paid document is zero in both currencies."""
    if abs(amt) >= abs(doc.open_posted):
        fc = doc.func_open_posted
    else:
        fc = functional(amt, doc.rate, doc.currency)
    doc.open_posted -= amt
    doc.func_open_posted -= fc
    doc.events.append((d, -amt, -fc))
    return fc


def open_document(doc: Doc, d: dt.date, amt: Decimal, func: Decimal, **meta) -> None:
    """A posted document's own amount (signed: credit notes, prepayments, unapplied cash negative)."""
    doc.posted = True
    doc.open_posted += amt
    doc.func_open_posted += func
    doc.events.append((d, amt, func))
    doc.meta.update(meta)


def _fx_line(ctx: CompanyCtx, lines: list[Line], ccy: str, rate: Decimal, d: dt.date, ref: str) -> list[Line]:
    diff = -sum((x[1] for x in lines), ZERO)
    return lines + ([(ctx.accounts["fx"][0], diff, ZERO, ccy, rate, d, "Exchange gain/loss", ref)] if diff else [])


def post_subledger(ctx: CompanyCtx, resource: str, batch: dict) -> list[dict]:
    """Apply a subledger batch's posting to the open-item register; return its GL entries."""
    if resource in ("APInvoiceBatches", "ARInvoiceBatches"):
        return [_post_document(ctx, resource[:2], inv) for inv in batch["Invoices"]]
    if resource in ("APPaymentAndAdjustmentBatches", "ARReceiptAndAdjustmentBatches"):
        from sage_looker.sage300_sim.gen_docs_post import post_special

        special = post_special(ctx, resource, batch)
        if special is not None:
            return special
    if resource == "APPaymentAndAdjustmentBatches":
        return [_post_cash(ctx, "AP", p, p["CheckAmountInBankCurrency"], p["FunctionalPaymentAmount"], ZERO,
                           p["VendorCurrencyCode"], p["VendorNumber"], p["CheckNumber"],
                           [(a["DocumentNumber"], a["PaymentAmount"]) for a in p["AppliedPayments"]])
                for p in batch["PaymentsAdjustments"]]
    if resource == "ARReceiptAndAdjustmentBatches":
        return [_post_cash(ctx, "AR", r, r["BankReceiptAmount"], r["FunctionalReceiptAmount"],
                           r["CustomerUnappliedAmount"], r["CustomerCurrencyCode"], r["CustomerNumber"],
                           r["DocumentNumber"],
                           [(a["DocumentNumber"], a["CustomerReceiptAmount"]) for a in r["AppliedReceiptsAdjustments"]])
                for r in batch["ReceiptsAdjustments"]]
    raise ValueError(f"{resource} is not a subledger batch resource")


def _post_document(ctx: CompanyCtx, ledger: str, inv: dict) -> dict:
    doc = ctx.docs[(ledger, inv["DocumentNumber"])]
    doc.posted = True
    doc.meta.update(batch=inv["BatchNumber"], entry=inv["EntryNumber"], posting=inv["PostingDate"],
                    fiscal=(inv["FiscalYear"], inv["FiscalPeriod"]), terms=inv.get("Terms", ""),
                    invoice_total=signed_total(inv),
                    invoice_func=functional(signed_total(inv), inv["ExchangeRate"], inv["CurrencyCode"]),
                    transaction_type=inv.get("TransactionType", ""))
    ccy, rate, d, number = inv["CurrencyCode"], inv["ExchangeRate"], inv["PostingDate"], inv["DocumentNumber"]
    total, tax = inv["DocumentTotalIncludingTax"], inv["TaxTotal"]
    func_total, func_tax = functional(total, rate, ccy), functional(tax, rate, ccy)
    # Invoices and debit notes: AP debits expense and credits the control account, AR the reverse.
    sign = Decimal(-1 if inv["DocumentType"] == "CreditNote" else 1) * (1 if ledger == "AP" else -1)
    details = inv["InvoiceDetails"]
    if ledger == "AP":
        nets = [x["DistributedAmountBeforeTaxes"] for x in details]
        accts = [x["GLAccount"] for x in details]
        tax_acct, control = ctx.accounts["tax_recoverable"][0], ctx.accounts["ap_control"][0]
    else:
        nets = [x["ExtendedAmountWithoutTIP"] for x in details]
        accts = [x["RevenueAccount"] for x in details]
        tax_acct, control = ctx.accounts["tax_payable"][0], ctx.accounts["ar_control"][0]
    funcs = spread(func_total - func_tax, [functional(n, rate, ccy) for n in nets])
    desc = f"{inv['DocumentType']} {number}"
    lines: list[Line] = [(a, sign * f, sign * n, ccy, rate, d, desc, number)
                         for a, f, n in zip(accts, funcs, nets, strict=True)]
    lines.append((tax_acct, sign * func_tax, sign * tax, ccy, rate, d, "Tax", number))
    if inv["DocumentType"] == "CreditNote" and inv.get("ApplytoDocument"):
        # The note is posted and applied at once: its own amount due is zero from its date on.
        doc.events.extend([(doc.date, -total, -func_total), (doc.date, total, func_total)])
        fc = settle(ctx.docs[(ledger, inv["ApplytoDocument"])], total, doc.date)
        lines.append((control, -sign * fc, -sign * total, ccy, rate, d, desc, number))
        lines = _fx_line(ctx, lines, ccy, rate, d, number)
    else:
        amt = -total if inv["DocumentType"] == "CreditNote" else total
        doc.open_posted += amt
        doc.func_open_posted += functional(amt, rate, ccy)
        doc.events.append((doc.date, amt, functional(amt, rate, ccy)))
        lines.append((control, -sign * func_total, -sign * total, ccy, rate, d, desc, number))
    for x in details:
        cogs = x.get("COGSAmount") or ZERO
        if cogs:
            s = -sign  # an AR invoice debits COGS and credits inventory
            lines.append((x["COGSAccount"], s * cogs, s * cogs, ctx.currency, ONE_RATE, d, "Cost of sales", number))
            lines.append((x["InventoryAccount"], -s * cogs, -s * cogs, ctx.currency, ONE_RATE, d, "Cost of sales",
                          number))
    party = inv.get("VendorNumber") or inv.get("CustomerNumber")
    ctx.note_activity(ledger, party, "invoice", inv["DocumentDate"])
    return entry(ledger, SOURCE_TYPE.get(inv["DocumentType"], "IN"), f"{desc} {party}", number, party, d,
                 inv["DocumentDate"], lines)


def _post_cash(ctx: CompanyCtx, ledger: str, rec: dict, bank_amt: Decimal, bank_func: Decimal,
               unapplied: Decimal, ccy: str, party: str, ref: str, applied: list[tuple[str, Decimal]]) -> dict:
    d = rec["PostingDate"]
    ctx.note_activity(ledger, party, "payment", d)
    rate = ctx.rate(ccy, d)
    control = ctx.accounts["ap_control" if ledger == "AP" else "ar_control"][0]
    bank = ctx.banks[ccy][1]
    # AP pays out (bank credit, control debit); AR receives (bank debit, control credit).
    s = Decimal(1 if ledger == "AP" else -1)
    lines: list[Line] = [(bank, -s * bank_func, -s * bank_amt, ccy, rate, d, "Bank", ref)]
    for number, amt in applied:
        fc = settle(ctx.docs[(ledger, number)], amt, d)
        lines.append((control, s * fc, s * amt, ccy, rate, d, f"Applied to {number}", ref))
    if unapplied:
        fu = functional(unapplied, rate, ccy)
        prev = ctx.unapplied.get(party, (ZERO, ZERO))
        ctx.unapplied[party] = (prev[0] + unapplied, prev[1] + fu)
        # Sage keeps unapplied cash as a document of its own (type "UnappliedCash", negative), numbered
        # like the receipt, until an Apply Document entry uses it.
        cash = Doc(ledger, ref, party, "UnappliedCash", ccy, rate, d, d, -unapplied, -fu, ZERO)
        ctx.docs[(ledger, ref)] = cash
        open_document(cash, d, -unapplied, -fu, batch=rec["BatchNumber"], entry=rec["EntryNumber"], posting=d,
                      fiscal=(rec["FiscalYear"], rec["FiscalPeriod"]), terms="", invoice_total=-unapplied,
                      invoice_func=-fu, transaction_type="UnappliedCash")
        lines.append((control, s * fu, s * unapplied, ccy, rate, d, "Unapplied cash", ref))
    lines = _fx_line(ctx, lines, ccy, rate, d, ref)
    return entry(ledger, "PY", f"{'Payment' if ledger == 'AP' else 'Receipt'} {ref} {party}", ref, party, d, d, lines)


def signed_total(inv: dict) -> Decimal:
    total = inv["DocumentTotalIncludingTax"]
    return -total if inv["DocumentType"] == "CreditNote" else total


def manual_journals(ctx: CompanyCtx, d: dt.date) -> None:
    """Accruals, payroll and reclassifications keyed in GL, in the functional currency."""
    n = ctx.count(2)
    if not n:
        return
    status, posted = ctx.lifecycle(d)
    rng, ccy = ctx.rng, ctx.currency
    entries = []
    for _ in range(n):
        kind = rng.choice(("accrual", "payroll", "reclass"))
        debits = rng.sample(ctx.accounts["payroll" if kind == "payroll" else "expense"], rng.randint(1, 3))
        lines: list[Line] = []
        for acct in debits:
            a = amount(ctx, 100, 20000)
            lines.append((acct, a, a, ccy, ONE_RATE, d, f"{kind.title()} {ctx.account_desc[acct]}", kind.upper()))
        credit = {"accrual": ctx.accounts["accrued"][0], "payroll": ctx.accounts["bank"][0],
                  "reclass": rng.choice(ctx.accounts["expense"])}[kind]
        total = sum((x[1] for x in lines), ZERO)
        lines.append((credit, -total, -total, ccy, ONE_RATE, d, f"{kind.title()} offset", kind.upper()))
        entries.append(entry("GL", "JE", f"{kind.title()} {d.isoformat()}", "", "", d, d, lines))
    ctx.gl_specs.append((d, len(ctx.gl_specs), "GL", f"Journal entries {d.isoformat()}", entries, status, posted))


def gl_batch(ctx: CompanyCtx, created: dt.date, ledger: str, desc: str, entries: list[dict], status: str,
             posted: dt.date | None) -> dict:
    number = f"{ctx.next('GLJournalBatches', gap_rate=0.03):06d}"
    headers = []
    for e_no, e in enumerate(entries, start=1):
        en = f"{e_no:05d}"
        fy, fp = e.get("fiscal") or ctx.period(e["posting"])
        details = [
            {**ctx.fw, "BatchNumber": number, "EntryNumber": en, "TransactionNumber": f"{20 * k:010d}",
             "AccountNumber": acct, "Amount": func, "SourceCurrencyAmount": src, "Quantity": QTY0,
             "HomeCurrency": ctx.currency, "SourceCurrency": ccy, "CurrencyRate": rate,
             "CurrencyRateDate": rd, "Description": ldesc, "Reference": ref, "JournalDate": e["posting"],
             "SourceLedger": e["ledger"], "SourceType": e["type"], "Comment": "",
             "AcctDescription": ctx.account_desc.get(acct, ""), "JournalDetailOptionalFields": []}
            for k, (acct, func, src, ccy, rate, rd, ldesc, ref) in enumerate(e["lines"], start=1)
        ]
        headers.append({
            **ctx.fw, "BatchNumber": number, "EntryNumber": en, "Originator": "", "SourceLedger": e["ledger"],
            "SourceType": e["type"], "FiscalYear": fy, "FiscalPeriod": fp, "AutoReversal": "No",
            "Description": e["desc"], "EnteredBy": "ADMIN", "DocumentNumber": e["doc"],
            "CustomerVendorNumber": e["party"], "NumberOfDetails": len(details),
            "Debits": sum((x["Amount"] for x in details if x["Amount"] > 0), ZERO),
            "Credits": -sum((x["Amount"] for x in details if x["Amount"] < 0), ZERO),
            "PostingDate": e["posting"], "DocumentDate": e["doc_date"], "JournalDetails": details,
        })
    gl_status = "Posted" if posted else "Open"
    return {
        **ctx.fw, "BatchNumber": number, "ActiveSwitch": "Active", "Description": desc, "SourceLedger": ledger,
        "DateCreated": created, "DateLastEdited": ctx.last_edited(created, posted),
        "JournalBatchType": "Entered" if ledger == "GL" else "Subledger", "Status": gl_status,
        "PostingSequence": 0, "Debits": sum((h["Debits"] for h in headers), ZERO),
        "Credits": sum((h["Credits"] for h in headers), ZERO), "NumberOfEntries": len(headers),
        "NumberOfErrors": 0, "Printed": "No", "ReadyToPost": "Yes" if status != "Open" else "No",
        "OriginalStatus": gl_status, "LockBatchSwitch": "No", "JournalHeaders": headers,
    }


def post_gl(ctx: CompanyCtx, batch: dict, seq: int) -> list[dict]:
    """Posted-ledger rows of a GL batch posted under posting sequence `seq`."""
    batch["PostingSequence"] = seq
    out = []
    for h in batch["JournalHeaders"]:
        for x in h["JournalDetails"]:
            prefix = (x["AccountNumber"], h["FiscalYear"], h["FiscalPeriod"], x["SourceCurrency"],
                      h["SourceLedger"], h["SourceType"], seq)
            n = ctx.detail_counts[prefix] = ctx.detail_counts.get(prefix, 0) + 1
            out.append({
                **ctx.fw, "AccountNumber": x["AccountNumber"], "FiscalYear": h["FiscalYear"],
                "FiscalPeriod": h["FiscalPeriod"], "SourceCurrencyCode": x["SourceCurrency"],
                "SourceLedgerCode": h["SourceLedger"], "SourceTypeCode": h["SourceType"],
                "PostingSequenceNumber": seq, "DetailCount": n, "JournalDate": x["JournalDate"],
                "DocumentDate": h["DocumentDate"], "BatchNumber": batch["BatchNumber"],
                "JournalEntryNumber": h["EntryNumber"], "JournalTransactionNumber": int(x["TransactionNumber"]),
                "JournalDetailDescription": x["Description"], "JournalDetailReference": x["Reference"],
                "HomeCurrencyCode": ctx.currency, "JournalTransactionAmount": x["Amount"],
                "SourceCurrencyAmount": x["SourceCurrencyAmount"], "ReportCurrencyAmount": x["Amount"],
                "JournalTransactionQuantity": x["Quantity"],
            })
    return out
