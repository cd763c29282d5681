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
