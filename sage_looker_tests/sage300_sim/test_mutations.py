"""Mutations a live company goes through, via the Python API and the /_simulator/mutate endpoint."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import httpx
import pytest

from sage_looker_tests.sage300_sim.conftest import TODAY, decode

CO = "SAMINC"


def open_batch(db, resource: str, status_field: str = "BatchStatus") -> dict:
    return next(b for b in reversed(db.records(CO, resource)) if b[status_field] != "Posted")


def gl_consistent(db) -> None:
    per: dict[tuple, Decimal] = defaultdict(Decimal)
    for t in db.records(CO, "GLPostedTransactions"):
        per[(t["FiscalYear"], t["FiscalPeriod"])] += t["JournalTransactionAmount"]
    assert all(v == 0 for v in per.values())
    control: Decimal = Decimal(0)
    for b in db.records(CO, "GLJournalBatches"):
        for h in b["JournalHeaders"]:
            assert sum(x["Amount"] for x in h["JournalDetails"]) == 0
            control += sum(x["Amount"] for x in h["JournalDetails"] if x["AccountNumber"] == "200010010")
    assert -control == sum(v["BalanceDueInFunctionalCurrency"] for v in db.records(CO, "APVendors"))


def test_edit_open_batches_keeps_totals_coherent(fresh_sim, client):
    s = fresh_sim(days=10)
    db = s.db
    b = open_batch(db, "APInvoiceBatches")
    line_before = b["Invoices"][0]["InvoiceDetails"][0]["DistributedAmount"]
    db.edit_batch(CO, "APInvoiceBatches", b["BatchNumber"], "12.34")
    inv = b["Invoices"][0]
    assert inv["InvoiceDetails"][0]["DistributedAmount"] == line_before + Decimal("12.34")
    assert inv["DocumentTotalBeforeTaxes"] == sum(x["DistributedAmountBeforeTaxes"] for x in inv["InvoiceDetails"])
    assert inv["DocumentTotalIncludingTax"] == inv["DocumentTotalBeforeTaxes"] + inv["TaxTotal"]
    assert b["DateLastEdited"] == TODAY
    served = decode(client.get(f"{s.url}/v1.0/-/{CO}/AP/APInvoiceBatches({b['BatchNumber']})"))
    assert served["Invoices"][0]["DocumentTotalIncludingTax"] == inv["DocumentTotalIncludingTax"]

    ar = open_batch(db, "ARInvoiceBatches")
    db.edit_batch(CO, "ARInvoiceBatches", ar["BatchNumber"], "5.00")
    i = ar["Invoices"][0]
    assert sum(x["AmountDue"] for x in i["InvoicePaymentSchedules"]) == i["DocumentTotalIncludingTax"]

    # A manual journal: editing a subledger's open GL batch would move its control account off the subledger.
    gl = next(b for b in reversed(db.records(CO, "GLJournalBatches"))
              if b["Status"] != "Posted" and b["SourceLedger"] == "GL")
    db.edit_batch(CO, "GLJournalBatches", gl["BatchNumber"], "7.00")
    assert gl["Debits"] == gl["Credits"] and gl["DateLastEdited"] == TODAY
    gl_consistent(db)

    posted = next(x for x in db.records(CO, "APInvoiceBatches") if x["BatchStatus"] == "Posted")
    with pytest.raises(ValueError):
        db.edit_batch(CO, "APInvoiceBatches", posted["BatchNumber"])


def test_post_batch_reaches_gl_and_posted_ledger(fresh_sim):
    s = fresh_sim(days=10)
    db = s.db
    b = open_batch(db, "APInvoiceBatches")
    max_seq = max(x["PostingSequenceNumber"] for x in db.records(CO, "APInvoiceBatches"))
    n_ledger = len(db.records(CO, "GLPostedTransactions"))
    db.edit_batch(CO, "APInvoiceBatches", b["BatchNumber"], "-3.21")  # edited, then posted: GL sees the edit
    db.post_batch(CO, "APInvoiceBatches", b["BatchNumber"])
    assert b["BatchStatus"] == "Posted" and b["PostingSequenceNumber"] == max_seq + 1
    gl = db.records(CO, "GLJournalBatches")[-1]
    assert gl["SourceLedger"] == "AP" and gl["Status"] == "Posted" and gl["DateCreated"] == TODAY
    assert gl["Description"].endswith(str(b["BatchNumber"]))
    lines = sum(len(h["JournalDetails"]) for h in gl["JournalHeaders"])
    assert len(db.records(CO, "GLPostedTransactions")) == n_ledger + lines
    control = sum(x["Amount"] for h in gl["JournalHeaders"] for x in h["JournalDetails"]
                  if x["AccountNumber"] == "200010010")
    if all(i["DocumentType"] != "CreditNote" for i in b["Invoices"]):  # credit notes settle at their target's rate
        assert -control == sum(i["FunctionalAmountDue"] for i in b["Invoices"])
    gl_consistent(db)
    # A posted GL batch of its own.
    j = open_batch(db, "GLJournalBatches", "Status")
    db.post_batch(CO, "GLJournalBatches", j["BatchNumber"])
    assert j["Status"] == "Posted" and j["PostingSequence"] > 0
    gl_consistent(db)


def test_insert_delete_and_clear_history(fresh_sim, client):
    s = fresh_sim(days=30)
    db = s.db
    before = s.truth()["companies"][CO]["tables"]["ap_invoice_batches"]["partitions"][TODAY.isoformat()]["rows"]
    new = db.insert_batch(CO, "APInvoiceBatches", entries=3)
    assert new["BatchStatus"] == "Open" and len(new["Invoices"]) == 3 and new["BatchDate"] == TODAY
    assert new["BatchNumber"] == max(b["BatchNumber"] for b in db.records(CO, "APInvoiceBatches"))
    after = s.truth()["companies"][CO]["tables"]["ap_invoice_batches"]["partitions"][TODAY.isoformat()]["rows"]
    assert after == before + 1
    for res in ("ARInvoiceBatches", "GLJournalBatches", "OEOrders", "POPurchaseOrders",
                "APPaymentAndAdjustmentBatches", "ARReceiptAndAdjustmentBatches"):
        assert db.get(CO, res, db.key_of(res, db.insert_batch(CO, res))) is not None
    db.delete_batch(CO, "APInvoiceBatches", new["BatchNumber"])
    assert client.get(f"{s.url}/v1.0/-/{CO}/AP/APInvoiceBatches({new['BatchNumber']})").status_code == 404
    posted = db.records(CO, "APInvoiceBatches")[0]
    with pytest.raises(ValueError):
        db.delete_batch(CO, "APInvoiceBatches", posted["BatchNumber"])

    ledger = len(db.records(CO, "GLPostedTransactions"))
    cut = TODAY - dt.timedelta(days=15)
    removed = db.clear_history(CO, cut)
    assert removed["APInvoiceBatches"] > 0 and removed["GLJournalBatches"] > 0
    for res, field, status in (("APInvoiceBatches", "BatchDate", "BatchStatus"),
                               ("GLJournalBatches", "DateCreated", "Status")):
        assert all(b[field] >= cut or b[status] != "Posted" for b in db.records(CO, res))
    assert len(db.records(CO, "GLPostedTransactions")) == ledger


def test_add_field_schema_evolution(fresh_sim, client):
    s = fresh_sim(days=3)
    db = s.db
    n = db.add_field("APVendors", "VendorRating", Decimal("4.5"))
    assert n == len(db.records("SAMINC", "APVendors")) + len(db.records("SAMLTD", "APVendors"))
    v = decode(client.get(f"{s.url}/v1.0/-/{CO}/AP/APVendors", params={"$top": "1"}))["value"][0]
    assert v["VendorRating"] == Decimal("4.5")
    assert client.get(f"{s.url}/v1.0/-/{CO}/AP/APVendors", params={"$filter": "VendorRating gt 4"}).status_code == 200
    assert b'Name="VendorRating" Type="Edm.Decimal"' in client.get(f"{s.url}/v1.0/-/{CO}/AP/$metadata").content
    sums = s.truth()["companies"][CO]["tables"]["ap_vendors"]["sums"]
    assert Decimal(sums["vendor_rating"]) == Decimal("4.5") * len(db.records(CO, "APVendors"))
    db.add_field("ARInvoiceBatches", "RetainageAmount", lambda rec: Decimal("1.25"), collection="ar_invoices")
    inv = decode(client.get(f"{s.url}/v1.0/-/{CO}/AR/ARInvoiceBatches", params={"$top": "1"}))["value"][0]
    assert inv["Invoices"][0]["RetainageAmount"] == Decimal("1.25") and "RetainageAmount" not in inv
    assert "retainage_amount" in s.truth()["companies"][CO]["tables"]["ar_invoices"]["sums"]


@pytest.mark.parametrize("resource, field", [
    ("APInvoiceBatches", lambda r: r["Invoices"][0]["VendorNumber"]),
    ("ARInvoiceBatches", lambda r: r["Invoices"][0]["CustomerNumber"]),
    ("POPurchaseOrders", lambda r: r["Vendor"]),
    ("OEOrders", lambda r: r["OrderDetails"][0]["Item"]),
    ("GLJournalBatches", lambda r: r["JournalHeaders"][0]["JournalDetails"][0]["AccountNumber"]),
])
def test_dangling_references(fresh_sim, resource, field):
    s = fresh_sim(days=3)
    rec = s.db.add_dangling_reference(CO, resource)
    ref = field(rec)
    masters = {
        "APInvoiceBatches": ("APVendors", "VendorNumber"), "POPurchaseOrders": ("APVendors", "VendorNumber"),
        "ARInvoiceBatches": ("ARCustomers", "CustomerNumber"), "OEOrders": ("ICItems", "ItemNumber"),
        "GLJournalBatches": ("GLAccounts", "UnformattedAccount"),
    }[resource]
    assert ref not in {m[masters[1]] for m in s.db.records(CO, masters[0])}
    assert s.db.get(CO, resource, s.db.key_of(resource, rec)) is rec


def test_mutate_endpoint_for_a_separate_process(fresh_sim, client):
    s = fresh_sim(days=10)
    b = open_batch(s.db, "ARInvoiceBatches")
    url = f"{s.base_url}/_simulator/mutate"
    r = httpx.post(url, json={"op": "post_batch", "company": CO, "resource": "ARInvoiceBatches",
                              "key": b["BatchNumber"]})
    assert r.status_code == 200 and r.json()["result"]["BatchStatus"] == "Posted"
    r = httpx.post(url, json={"op": "insert_batch", "company": CO, "resource": "OEOrders",
                              "batch_date": "2025-03-10"})
    assert r.json()["result"]["OrderDate"] == "2025-03-10T00:00:00Z"
    r = httpx.post(url, json={"op": "edit_batch", "company": CO, "resource": "GLJournalBatches",
                              "key": open_batch(s.db, "GLJournalBatches", "Status")["BatchNumber"], "delta": 2.5})
    assert r.status_code == 200
    r = httpx.post(url, json={"op": "clear_history", "company": CO, "before": "2025-03-08"})
    assert r.json()["result"]["APInvoiceBatches"] > 0
    assert httpx.post(url, json={"op": "drop_database"}).status_code == 400
    assert httpx.post(url, json={"op": "delete_batch", "company": CO, "resource": "APInvoiceBatches",
                                 "key": 1}).status_code == 400
    stats = httpx.get(f"{s.base_url}/_simulator/stats").json()
    assert stats["requests"] == 0 and "max_concurrency" in stats
