"""Generated data: deterministic, complete, financially coherent to the cent, referentially intact."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from decimal import Decimal

import pytest

from sage_looker.sage300 import catalog
from sage_looker.sage300.columns import ColumnType
from sage_looker.sage300_sim import generate
from sage_looker.sage300_sim.truth import truth
from sage_looker_tests.sage300_sim.conftest import TODAY, config

ZERO = Decimal("0")
COMPANIES = ("SAMINC", "SAMLTD")
# Dates Sage leaves empty until something happens (inactive, discount terms, first activity, period 13).
NULLABLE_DATES = {"InactiveDate", "DateInactive", "DiscountDate", "DateOfLastActivity", "DateOfLastInvoice",
                  "DateOfLastReceipt", "FiscalPeriod13StartDate", "FiscalPeriod13EndDate", "DatePaid", "DepositDate"}


def recs(sim, company, name):
    return sim.db.records(company, name)


def test_same_seed_same_truth_other_seed_other_data():
    a, b = generate(config(days=10)), generate(config(days=10))
    assert truth(a) == truth(b)
    c = generate(config(days=10, seed=8))
    assert truth(c)["companies"] != truth(a)["companies"]


def test_history_window_and_companies(sim):
    assert sim.db.companies == COMPANIES
    for co in COMPANIES:
        dates = {b["BatchDate"] for b in recs(sim, co, "APInvoiceBatches")}
        assert max(dates) == TODAY and min(dates) >= TODAY - dt.timedelta(days=39)
        profile = recs(sim, co, "CSCompanyProfile")
        assert len(profile) == 1 and profile[0]["FunctionalCurrency"] == {"SAMINC": "USD", "SAMLTD": "CAD"}[co]


def _levels(res):
    """(table, path) for the root and every nested collection."""
    out = [(res.root_table, ())]

    def walk(prefix, cols):
        for c in cols:
            out.append((catalog.table(c.table), prefix + (c.field,)))
            walk(prefix + (c.field,), c.children)

    walk((), res.children)
    return out


def _objects(records, path):
    if not path:
        yield from records
        return
    for r in records:
        yield from _objects(r.get(path[0]) or [], path[1:])


@pytest.mark.parametrize("resource", [r.name for r in catalog.RESOURCES])
def test_every_declared_field_is_populated(sim, resource):
    res = catalog.resource(resource)
    for co in COMPANIES:
        for table, path in _levels(res):
            objs = list(_objects(recs(sim, co, resource), path))
            assert objs, (co, table.name)
            for field, ctype in table.own_columns.items():
                values = [o.get(field, "MISSING") for o in objs]
                assert "MISSING" not in values, (table.name, field)
                if ctype is ColumnType.DATE and field in NULLABLE_DATES:
                    continue
                assert None not in values, (table.name, field)
            # Children repeat their parent's key fields, as Sage sends them.
            if path:
                parent_keys = {"BatchNumber", "EntryNumber", "PurchaseOrderSequenceKey", "OrderUniquifier"}
                wanted = parent_keys & set(table.inherited)
                assert all(k in o for o in objs for k in wanted), (table.name, wanted)


def test_masters_look_like_sage(sim):
    for co in COMPANIES:
        for acct in recs(sim, co, "GLAccounts"):
            a, d, r = acct["AccountSegmentCode1"], acct["AccountSegmentCode2"], acct["AccountSegmentCode3"]
            assert acct["UnformattedAccount"] == f"{a}{d}{r}" and acct["AccountNumber"] == f"{a}-{d}-{r}"
            assert re.fullmatch(r"\d{4}", a) and re.fullmatch(r"\d{3}", d) and re.fullmatch(r"\d{2}", r)
        for item in recs(sim, co, "ICItems"):
            assert re.fullmatch(r"A\d-\d{3,}/0", item["ItemNumber"])
            assert item["UnformattedItemNumber"] == item["ItemNumber"].replace("-", "").replace("/", "")
            assert item["QuantityAvailable"] == item["QuantityOnHand"] - item["QuantityCommitted"]
        assert all(c["CreditLimitCustomerCurrency"] > 0 for c in recs(sim, co, "ARCustomers"))
        for cal in recs(sim, co, "CSFiscalCalendars"):
            for n in range(1, 12):
                assert cal[f"FiscalPeriod{n}EndDate"] + dt.timedelta(days=1) == cal[f"FiscalPeriod{n + 1}StartDate"]
            assert cal["FiscalPeriod13StartDate"] is None


def test_fiscal_year_can_start_mid_year():
    db = generate(config(days=3, fiscal_year_start_month=4, companies=("SAMINC",)))
    cal = {c["FiscalYear"]: c for c in db.records("SAMINC", "CSFiscalCalendars")}
    assert cal["2025"]["FiscalPeriod1StartDate"] == dt.date(2024, 4, 1)
    assert cal["2025"]["FiscalPeriod12EndDate"] == dt.date(2025, 3, 31)
    inv = db.records("SAMINC", "APInvoiceBatches")[-1]["Invoices"][0]
    assert (inv["FiscalYear"], inv["FiscalPeriod"]) == ("2025", "12")


def test_invoice_totals_add_up(sim):
    for co in COMPANIES:
        for b in recs(sim, co, "APInvoiceBatches"):
            total = ZERO
            for i in b["Invoices"]:
                lines = i["InvoiceDetails"]
                assert i["DocumentTotalBeforeTaxes"] == sum(x["DistributedAmountBeforeTaxes"] for x in lines)
                assert i["TaxTotal"] == sum(x["TaxTotal"] for x in lines)
                assert i["DocumentTotalIncludingTax"] == i["DocumentTotalBeforeTaxes"] + i["TaxTotal"]
                assert i["NumberOfDetails"] == len(lines) and i["AmountDue"] == i["DocumentTotalIncludingTax"]
                total += (-1 if i["DocumentType"] == "CreditNote" else 1) * i["DocumentTotalIncludingTax"]
            assert b["BatchTotal"] == total and b["NumberOfEntries"] == len(b["Invoices"])
        for b in recs(sim, co, "ARInvoiceBatches"):
            for i in b["Invoices"]:
                lines = i["InvoiceDetails"]
                assert i["DocumentTotalBeforeTax"] == sum(x["ExtendedAmountWithoutTIP"] for x in lines)
                assert i["DocumentTotalIncludingTax"] == i["DocumentTotalBeforeTax"] + i["TaxTotal"]
                assert sum(s["AmountDue"] for s in i["InvoicePaymentSchedules"]) == i["DocumentTotalIncludingTax"]
                for x in lines:
                    if x["ItemNumber"]:
                        assert x["ExtendedAmountWithoutTIP"] == (x["Price"] * x["Quantity"]).quantize(Decimal("0.01"))
        for o in recs(sim, co, "OEOrders"):
            assert o["OrderTotal"] == sum(x["ExtendedAmount"] for x in o["OrderDetails"])
        for p in recs(sim, co, "POPurchaseOrders"):
            assert p["ExtendedCost"] == sum(x["ExtendedCost"] for x in p["PurchaseOrderLines"])


def test_gl_batches_and_posted_ledger_balance(sim):
    for co in COMPANIES:
        posted_lines = 0
        for b in recs(sim, co, "GLJournalBatches"):
            for h in b["JournalHeaders"]:
                assert sum(x["Amount"] for x in h["JournalDetails"]) == 0, (b["BatchNumber"], h["EntryNumber"])
                assert h["Debits"] == h["Credits"] > 0
            assert b["Debits"] == b["Credits"]
            if b["Status"] == "Posted":
                posted_lines += sum(len(h["JournalDetails"]) for h in b["JournalHeaders"])
        ledger = recs(sim, co, "GLPostedTransactions")
        assert len(ledger) == posted_lines  # the posted ledger is exactly the posted GL batches
        per_period: dict[tuple, Decimal] = defaultdict(Decimal)
        for t in ledger:
            per_period[(t["FiscalYear"], t["FiscalPeriod"])] += t["JournalTransactionAmount"]
        assert per_period and all(v == 0 for v in per_period.values()), per_period
        assert {t["SourceLedgerCode"] for t in ledger} == {"AP", "AR", "GL"}


def test_control_accounts_equal_subledger_balances(sim):
    for co in COMPANIES:
        by_account: dict[str, Decimal] = defaultdict(Decimal)
        for b in recs(sim, co, "GLJournalBatches"):
            for h in b["JournalHeaders"]:
                for x in h["JournalDetails"]:
                    by_account[x["AccountNumber"]] += x["Amount"]
        vendors = sum(v["BalanceDueInFunctionalCurrency"] for v in recs(sim, co, "APVendors"))
        customers = sum(c["BalanceDueInFunctionalCurrency"] for c in recs(sim, co, "ARCustomers"))
        assert -by_account["200010010"] == vendors > 0
        assert by_account["120010010"] == customers > 0


def test_applications_pay_earlier_posted_documents(sim):
    for co in COMPANIES:
        ap = {i["DocumentNumber"]: (i, b) for b in recs(sim, co, "APInvoiceBatches") for i in b["Invoices"]}
        partial = full = 0
        for b in recs(sim, co, "APPaymentAndAdjustmentBatches"):
            for p in b["PaymentsAdjustments"]:
                if p["PaymentTransactionType"] != "Payment":  # adjustments, misc payments: test_document_semantics
                    continue
                assert p["CheckAmountInVendorCurrency"] == sum(a["PaymentAmount"] for a in p["AppliedPayments"])
                for a in p["AppliedPayments"]:
                    inv, ib = ap[a["DocumentNumber"]]
                    assert ib["BatchStatus"] == "Posted" and ib["BatchDate"] < b["BatchDate"]
                    assert inv["VendorNumber"] == a["VendorNumber"] == p["VendorNumber"]
                    assert inv["DocumentType"] != "CreditNote"
                    full += a["PaymentAmount"] == inv["DocumentTotalIncludingTax"]
                    partial += a["PaymentAmount"] < inv["DocumentTotalIncludingTax"]
        assert full and partial
        ar = {i["DocumentNumber"]: (i, b) for b in recs(sim, co, "ARInvoiceBatches") for i in b["Invoices"]}
        for b in recs(sim, co, "ARReceiptAndAdjustmentBatches"):
            for r in b["ReceiptsAdjustments"]:
                if r["ReceiptTransactionType"] != "Receipt":
                    continue
                applied = sum(a["CustomerReceiptAmount"] for a in r["AppliedReceiptsAdjustments"])
                assert r["CustomerReceiptAmount"] == applied + r["CustomerUnappliedAmount"]
                for a in r["AppliedReceiptsAdjustments"]:
                    inv, ib = ar[a["DocumentNumber"]]
                    assert ib["BatchStatus"] == "Posted" and ib["BatchDate"] < b["BatchDate"]
                    assert a["PaymentNumber"] in {s["PaymentNumber"] for s in inv["InvoicePaymentSchedules"]}
        for ctx_doc in sim.db.ctx[co].docs.values():
            if ctx_doc.doc_type in ("Invoice", "DebitNote"):
                assert ctx_doc.open_posted >= 0 and ctx_doc.open_entered >= 0
            else:  # credit notes, prepayments, unapplied cash: never more than used up
                assert ctx_doc.open_posted <= 0 and ctx_doc.open_entered <= 0


def test_references_resolve(sim):
    for co in COMPANIES:
        vendors = {v["VendorNumber"] for v in recs(sim, co, "APVendors")}
        customers = {c["CustomerNumber"] for c in recs(sim, co, "ARCustomers")}
        accounts = {a["UnformattedAccount"] for a in recs(sim, co, "GLAccounts")}
        items = {i["ItemNumber"] for i in recs(sim, co, "ICItems")}
        for b in recs(sim, co, "APInvoiceBatches"):
            for i in b["Invoices"]:
                assert i["VendorNumber"] in vendors
                assert all(x["GLAccount"] in accounts for x in i["InvoiceDetails"])
        for b in recs(sim, co, "ARInvoiceBatches"):
            for i in b["Invoices"]:
                assert i["CustomerNumber"] in customers
                assert all(x["RevenueAccount"] in accounts for x in i["InvoiceDetails"])
        assert all(t["AccountNumber"] in accounts for t in recs(sim, co, "GLPostedTransactions"))
        assert all(p["Vendor"] in vendors and all(x["ItemNumber"] in items for x in p["PurchaseOrderLines"])
                   for p in recs(sim, co, "POPurchaseOrders"))
        lines = [x for o in recs(sim, co, "OEOrders") for x in o["OrderDetails"]]
        assert all(x["Item"] in items for x in lines if x["LineType"] == "Item")
        misc = [x for x in lines if x["LineType"] == "Miscellaneous"]
        assert misc and all(x["Item"] == "" and x["MiscellaneousChargesCode"] and x["ExtendedAmount"] > 0
                            for x in misc)


def test_lifecycle_and_multicurrency(sim):
    for co in COMPANIES:
        batches = recs(sim, co, "APInvoiceBatches")
        old = [b for b in batches if (TODAY - b["BatchDate"]).days >= 3]
        assert old and all(b["BatchStatus"] == "Posted" and b["PostingSequenceNumber"] > 0 for b in old)
        today = [b for b in batches if b["BatchDate"] == TODAY]
        assert today and all(b["BatchStatus"] != "Posted" and b["PostingSequenceNumber"] == 0 for b in today)
    functional = {"SAMINC": "USD", "SAMLTD": "CAD"}
    for co, ccy in functional.items():
        invoices = [i for b in recs(sim, co, "ARInvoiceBatches") + recs(sim, co, "APInvoiceBatches")
                    for i in b["Invoices"]]
        foreign = [i for i in invoices if i["CurrencyCode"] != ccy]
        assert foreign and all(i["ExchangeRate"] != 1 for i in foreign)
        assert all(i["ExchangeRate"] == 1 for i in invoices if i["CurrencyCode"] == ccy)


def test_generation_is_fast_enough():
    """~1M flattened rows (scale 5, 365 days) generate in about 10 s; guard the rate on a smaller run.
    CPU time, not wall time, so a busy machine does not fail it."""
    t0 = time.process_time()
    db = generate(config(days=60, scale=2))
    elapsed = time.process_time() - t0
    rows = sum(t["rows"] for c in truth(db)["companies"].values() for t in c["tables"].values())
    assert rows > 50_000
    assert rows / elapsed > 20_000, f"{rows} rows in {elapsed:.1f}s"
