"""The ledgers Sage keeps beside the batches agree with the simulator's other books: the posted-document
ledgers with the party masters and the control accounts of the GL batches, the fiscal sets with the posted
GL batches — after generation and after a batch is posted at run time."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sage_looker.sage300_sim import truth_ledgers as tl

COMPANIES = ("SAMINC", "SAMLTD")


def _ledger_by_party(db, co, ledger):
    res, party, cur = (("ARPostedDocuments", "CustomerNumber", "CustomerCurrency") if ledger == "AR"
                       else ("APPostedDocuments", "VendorNumber", "VendorCurrency"))
    out = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for r in db.records(co, res):
        out[r[party]][0] += r[f"{cur}AmountDue"]
        out[r[party]][1] += r["FunctionalCurrencyAmountDue"]
    return out


def _check_books(db, co):
    for ledger, masters, party, src in (("AR", "ARCustomers", "CustomerNumber", "BalanceDueInCustomerCurrency"),
                                        ("AP", "APVendors", "VendorNumber", "BalanceDueInVendorCurrency")):
        by_party = _ledger_by_party(db, co, ledger)
        for m in db.records(co, masters):
            got = by_party.get(m[party], [Decimal(0), Decimal(0)])
            assert got == [m[src], m["BalanceDueInFunctionalCurrency"]], (co, ledger, m[party])
        posted, pending = tl.control_balance(db, co, ledger)
        assert sum(v[1] for v in by_party.values()) == posted + pending, (co, ledger)
    # fiscal sets: opening + the 15 net changes = everything the posted GL batches hold (per year)
    want = tl.account_balances(db, co)
    for fs in db.records(co, "GLAccountFiscalSets"):
        if fs["CurrencyType"] != "Functional" or fs["FiscalSetDesignator"] != "Actuals":
            continue
        closing = fs["OpeningBalance"] + sum(fs[f"NetPeriod{n}"] for n in range(1, 16))
        assert closing == want.get((fs["AccountNumber"], int(fs["FiscalSetYear"]), 15), Decimal(0)), fs


def test_posted_ledgers_agree_with_masters_and_gl(sim):
    for co in COMPANIES:
        _check_books(sim.db, co)
        types = {r["DocumentType"] for r in sim.db.records(co, "ARPostedDocuments")}
        assert {"Invoice", "CreditNote", "Prepayment", "UnappliedCash"} <= types, types
        paid = [r for r in sim.db.records(co, "ARPostedDocuments") if r["FullyPaid"] == "Yes"]
        assert paid and all(r["CustomerCurrencyAmountDue"] == 0 and r["DatePaid"] for r in paid)


def test_posting_a_batch_updates_the_ledgers(fresh_sim):
    s = fresh_sim(days=20)
    db, co = s.db, "SAMINC"
    batch = next(b for b in reversed(db.records(co, "ARReceiptAndAdjustmentBatches"))
                 if b["BatchStatus"] != "Posted" and b["BatchRecordType"] == "CA"
                 and any(a["DocumentNumber"] for e in b["ReceiptsAdjustments"] for a in e["AppliedReceiptsAdjustments"]))
    line = next(a for e in batch["ReceiptsAdjustments"] for a in e["AppliedReceiptsAdjustments"] if a["DocumentNumber"])
    key = (line["CustomerNumber"], line["DocumentNumber"])
    before = db.get(co, "ARPostedDocuments", key)["CustomerCurrencyAmountDue"]
    db.post_batch(co, "ARReceiptAndAdjustmentBatches", ("CA", batch["BatchNumber"]))
    after = db.get(co, "ARPostedDocuments", key)
    applied = sum(a["CustomerReceiptAmount"] for e in batch["ReceiptsAdjustments"]
                  for a in e["AppliedReceiptsAdjustments"] if (a["CustomerNumber"], a["DocumentNumber"]) == key)
    assert after["CustomerCurrencyAmountDue"] == before - applied
    _check_books(db, co)


def test_a_divide_quoted_currency_stores_functional_amounts_divided_by_the_rate(sim):
    """SAMINC (USD) quotes CAD as CAD per USD (about 1.35): Sage's RateOperator 2, functional = source ÷ rate.
    SAMLTD (CAD) quotes USD as CAD per USD too, but multiplies (RateOperator 1)."""
    db = sim.db
    cad = [r for r in db.records("SAMINC", "ARPostedDocuments") if r["CurrencyCode"] == "CAD"]
    assert cad and all(r["RateOperator"] == 2 and r["ExchangeRate"] > 1 for r in cad)
    for r in cad:
        want = (r["CustomerCurrencyInvoiceAmount"] / r["ExchangeRate"]).quantize(Decimal("0.01"), "ROUND_HALF_UP")
        assert r["FunctionalCurrencyInvoiceAmount"] == want, r["DocumentNumber"]
    # e.g. 1000.00 CAD at 1.3500000: 1000.00 / 1.35 = 740.74 USD, where multiplying would say 1350.00
    assert all(r["RateOperator"] == 1 for r in db.records("SAMINC", "APPostedDocuments") if r["CurrencyCode"] == "USD")
    usd = [r for r in db.records("SAMLTD", "APPostedDocuments") if r["CurrencyCode"] == "USD"]
    assert usd and all(r["RateOperator"] == 1 for r in usd)
    for r in usd:
        want = (r["VendorCurrencyInvoiceAmount"] * r["ExchangeRate"]).quantize(Decimal("0.01"), "ROUND_HALF_UP")
        assert r["FunctionalCurrencyInvoiceAmount"] == want, r["DocumentNumber"]
    # the batch side agrees: a CAD receipt's functional amount is its bank amount ÷ its rate
    receipts = [e for b in db.records("SAMINC", "ARReceiptAndAdjustmentBatches") for e in b["ReceiptsAdjustments"]
                if e["CustomerCurrencyCode"] == "CAD" and e["ReceiptTransactionType"] == "Receipt"]
    assert receipts and all(
        e["FunctionalReceiptAmount"] == (e["BankReceiptAmount"] / e["CustomerExchangeRate"]).quantize(
            Decimal("0.01"), "ROUND_HALF_UP") for e in receipts)


def test_revaluation_brings_the_foreign_bank_account_to_the_period_end_rate(sim):
    """After each period-end revaluation (GL-RV), the foreign bank account's functional balance equals its
    source-currency balance at that day's rate (÷ for SAMINC's CAD, × for SAMLTD's USD); the difference went
    to exchange gain/loss, and each revaluation entry balances."""
    db = sim.db
    for co, fx in (("SAMINC", "CAD"), ("SAMLTD", "USD")):
        ctx = db.ctx[co]
        bank = ctx.banks[fx][1]
        batches = [b for b in db.records(co, "GLJournalBatches") if b["Description"].startswith("Revaluation")]
        assert batches, co
        for b in batches:
            (h,) = b["JournalHeaders"]
            assert h["SourceType"] == "RV" and sum(x["Amount"] for x in h["JournalDetails"]) == 0
            end = h["PostingDate"]
            lines = [x for x in tl.gl_lines(db, co) if x[0] == bank and x[3] <= end]
            rows = [r for r in db.records(co, "GLPostedTransactions")
                    if r["AccountNumber"] == bank and r["JournalDate"] <= end]
            src = sum((r["SourceCurrencyAmount"] for r in rows if r["SourceCurrencyCode"] == fx), Decimal(0))
            func = sum((x[4] for x in lines), Decimal(0))
            func_fx = func - sum((r["JournalTransactionAmount"] for r in rows if r["SourceCurrencyCode"] != fx),
                                 Decimal(0))
            rate = ctx.rate(fx, end)
            want = src / rate if fx == "CAD" else src * rate
            assert func_fx == want.quantize(Decimal("0.01"), "ROUND_HALF_UP"), (co, end)


def test_control_accounts_tie_to_the_subledgers_per_currency(sim):
    """The control accounts' Equivalent fiscal sets (functional amounts of one source currency) equal, per
    currency, the functional balances of the parties in that currency; the Source sets their source balances."""
    db = sim.db
    for co in COMPANIES:
        for ledger, masters, src in (("AR", "ARCustomers", "BalanceDueInCustomerCurrency"),
                                     ("AP", "APVendors", "BalanceDueInVendorCurrency")):
            sign = -1 if ledger == "AP" else 1
            controls = tl.control_accounts(db, co, ledger)
            parties = defaultdict(lambda: [Decimal(0), Decimal(0)])
            for m in db.records(co, masters):
                parties[m["CurrencyCode"]][0] += m[src]
                parties[m["CurrencyCode"]][1] += m["BalanceDueInFunctionalCurrency"]
            gl = defaultdict(lambda: [Decimal(0), Decimal(0)])
            latest = {}
            for fs in db.records(co, "GLAccountFiscalSets"):
                if (fs["AccountNumber"] in controls and fs["CurrencyType"] in ("Source", "Equivalent")
                        and fs["FiscalSetDesignator"] == "Actuals"):
                    latest[(fs["AccountNumber"], fs["CurrencyCode"], fs["CurrencyType"])] = fs  # sorted by year
            for (_, ccy, typ), fs in latest.items():
                closing = fs["OpeningBalance"] + sum(fs[f"NetPeriod{n}"] for n in range(1, 16))
                gl[ccy][0 if typ == "Source" else 1] += sign * closing
            for b in db.records(co, "GLJournalBatches"):
                if b["Status"] == "Posted":
                    continue
                for h in b["JournalHeaders"]:
                    for x in h["JournalDetails"]:
                        if x["AccountNumber"] in controls:
                            gl[x["SourceCurrency"]][0] += sign * x["SourceCurrencyAmount"]
                            gl[x["SourceCurrency"]][1] += sign * x["Amount"]
            assert len(parties) == 2, parties
            for ccy, want in parties.items():
                assert gl[ccy] == want, (co, ledger, ccy, gl[ccy], want)


def test_budget_set_is_last_years_actuals_plus_five_percent():
    """Budget1 for an income-statement account = the previous year's actual net change per period × 1.05."""
    from sage_looker.sage300_sim import generate
    from sage_looker_tests.sage300_sim.conftest import config

    db = generate(config(days=400, scale=0.3))
    for co in COMPANIES:
        want = tl.account_balances(db, co)
        budgets = [fs for fs in db.records(co, "GLAccountFiscalSets") if fs["FiscalSetDesignator"] == "Budget1"]
        assert budgets, co
        for fs in budgets:
            fy = int(fs["FiscalSetYear"]) - 1
            for n in range(1, 13):
                actual = want.get((fs["AccountNumber"], fy, n), Decimal(0)) - want.get((fs["AccountNumber"], fy, n - 1),
                                                                                        Decimal(0)) * (n > 1)
                assert fs[f"NetPeriod{n}"] == (actual * Decimal("1.05")).quantize(Decimal("0.01"), "ROUND_HALF_UP")
