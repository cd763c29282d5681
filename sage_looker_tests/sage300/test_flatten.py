"""Flattening: every Sage SDK sample payload of a catalog resource, types, exactness, extras, hashes."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal

import msgspec
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from sage_looker.sage300 import catalog
from sage_looker.sage300.columns import ColumnType
from sage_looker.sage300.errors import SageDataError
from sage_looker.sage300.flatten import Flattener
from sage_looker_tests.samples import SAGE_SAMPLES as SAMPLES

DECODE = msgspec.json.Decoder(float_hook=decimal.Decimal).decode
D = Decimal

# sample file → (resource, {table: rows}, {(table, column): exact sum}, {(table, column): value of first row})
CASES = {
    "AP/APInvoiceBatches_Invoice.json": ("APInvoiceBatches",
        {"ap_invoice_batches": 1, "ap_invoices": 1, "ap_invoice_lines": 1},
        {("ap_invoices", "document_total_including_tax"): D("86.6"), ("ap_invoice_lines", "distributed_amount"): D(80)},
        {("ap_invoices", "document_type"): "Invoice", ("ap_invoice_lines", "batch_number"): 109,
         ("ap_invoice_lines", "batch_date"): dt.date(2020, 1, 18), ("ap_invoice_lines", "line_number"): 20}),
    "AP/APInvoiceBatches_CreditNote.json": ("APInvoiceBatches",
        {"ap_invoice_batches": 1, "ap_invoices": 1, "ap_invoice_lines": 1},
        {("ap_invoices", "document_total_including_tax"): D("86.6"), ("ap_invoice_lines", "distributed_amount"): D(80)},
        {("ap_invoices", "document_type"): "CreditNote"}),
    "AP/APInvoiceBatches_DebitNote.json": ("APInvoiceBatches",
        {"ap_invoice_batches": 1, "ap_invoices": 1, "ap_invoice_lines": 1},
        {("ap_invoices", "document_total_including_tax"): D("86.6")},
        {("ap_invoices", "document_type"): "DebitNote", ("ap_invoices", "document_date"): dt.date(2020, 1, 21)}),
    "AP/APPaymentAndAdjustmentBatches_Adjustment.json": ("APPaymentAndAdjustmentBatches",
        {"ap_payment_batches": 1, "ap_payments": 1, "ap_payment_applications": 1, "ap_adjustment_distributions": 1},
        {("ap_adjustment_distributions", "distribution_amount"): D(1)},
        {("ap_payment_batches", "batch_selector"): "AD", ("ap_payment_batches", "batch_number"): None,
         ("ap_payment_applications", "batch_selector"): "AD", ("ap_payment_applications", "batch_number"): None,
         ("ap_payment_applications", "document_date"): dt.date(2020, 6, 30),
         ("ap_payment_applications", "line_number"): 20}),
    "AP/APPaymentAndAdjustmentBatches_Prepayment.json": ("APPaymentAndAdjustmentBatches",
        {"ap_payment_batches": 1, "ap_payments": 1, "ap_payment_applications": 1},
        {("ap_payments", "check_amount_in_bank_currency"): D(35), ("ap_payment_applications", "payment_amount"): D(35),
         ("ap_payments", "total_prepay_vendor_currency"): D(35)},
        {("ap_payment_batches", "batch_number"): 83, ("ap_payments", "check_print_required"): "No",
         ("ap_payment_batches", "process_command_code"): "UnlockBatchResource"}),
    "AR/ARInvoiceBatches.json": ("ARInvoiceBatches",
        {"ar_invoice_batches": 1, "ar_invoices": 4, "ar_invoice_lines": 4, "ar_invoice_payment_schedules": 4},
        {("ar_invoice_lines", "extended_amount_with_tip"): D(290),
         ("ar_invoice_payment_schedules", "amount_due"): D("322.5")},
        {("ar_invoices", "entry_number"): 1, ("ar_invoice_payment_schedules", "payment_number"): 1}),
    "AR/ARReceiptAndAdjustmentBatches_Adjustment.json": ("ARReceiptAndAdjustmentBatches",
        {"ar_receipt_batches": 1, "ar_receipts": 1, "ar_receipt_applications": 1, "ar_adjustment_distributions": 1},
        {("ar_adjustment_distributions", "distribution_amount"): D(-1)},
        {("ar_receipt_applications", "batch_record_type"): "AD", ("ar_receipt_applications", "batch_number"): 2,
         ("ar_receipt_applications", "document_number"): "TR-INV-003"}),
    "AR/ARReceiptAndAdjustmentBatches_Prepayment.json": ("ARReceiptAndAdjustmentBatches",
        {"ar_receipt_batches": 1, "ar_receipts": 1, "ar_receipt_applications": 1},
        {("ar_receipts", "bank_receipt_amount"): D(22), ("ar_receipts", "customer_unapplied_amount"): D(0),
         ("ar_receipt_applications", "customer_receipt_amount"): D(22)},
        {("ar_receipt_batches", "number_of_entries"): 1, ("ar_receipts", "receipt_transaction_type"): "Prepayment"}),
    "GL/GLJournalBatches.json": ("GLJournalBatches",
        {"gl_journal_batches": 1, "gl_journal_entries": 2, "gl_journal_lines": 5},
        {("gl_journal_lines", "amount"): D(0), ("gl_journal_lines", "source_currency_amount"): D(0)},
        {("gl_journal_lines", "batch_number"): "000490", ("gl_journal_lines", "entry_number"): "00001",
         ("gl_journal_lines", "transaction_number"): "0000000020", ("gl_journal_batches", "status"): "Open"}),
    "GL/GLAccounts.json": ("GLAccounts", {"gl_accounts": 1}, {},
        {("gl_accounts", "unformatted_account"): "9991", ("gl_accounts", "account_type"): "BalanceSheet"}),
    "GL/GLAccounts_Multicurrency.json": ("GLAccounts", {"gl_accounts": 1},
        {("gl_accounts", "allocation_percent_total"): D(0)},
        {("gl_accounts", "multicurrency"): "Yes"}),  # its empty ControlAccountSubledgers: no child rows
    "AP/APVendors.json": ("APVendors", {"ap_vendors": 1}, {},
        {("ap_vendors", "vendor_number"): "1401", ("ap_vendors", "on_hold"): "NotOnHold"}),
    "AR/ARCustomers.json": ("ARCustomers", {"ar_customers": 1},
        {("ar_customers", "credit_limit_customer_currency"): D(12345)},
        {("ar_customers", "print_statements"): "Yes", ("ar_customers", "customer_price_list"): "WHS"}),
    "IC/ICItems.json": ("ICItems", {"ic_items": 1}, {("ic_items", "unit_weight"): D(0)},
        {("ic_items", "stock_item"): True, ("ic_items", "kitting_item"): False}),
    "PO/POPurchaseOrders.json": ("POPurchaseOrders", {"po_purchase_orders": 1, "po_purchase_order_lines": 3},
        {("po_purchase_order_lines", "quantity_ordered"): D(60), ("po_purchase_order_lines", "unit_cost"): D(23)},
        {("po_purchase_order_lines", "line_number"): 1000, ("po_purchase_order_lines", "purchase_order_date"):
         dt.date(2020, 1, 15), ("po_purchase_orders", "vendor"): "1400"}),
    "OE/OEOrders_OrdersOnly.json": ("OEOrders", {"oe_orders": 1, "oe_order_lines": 2},
        {("oe_order_lines", "quantity_ordered"): D(8), ("oe_order_lines", "extended_amount"): D("20.25")},
        {("oe_order_lines", "line_number"): 1, ("oe_order_lines", "item"): "A1-105/0"}),
    "OE/OEOrders_WithOptFields.json": ("OEOrders", {"oe_orders": 1, "oe_order_lines": 2},
        {("oe_order_lines", "extended_amount"): D("20.25")},
        {("oe_orders", "order_optional_fields"): '[{"OptionalField":"UPSZONE","Value":"RED"}]'}),
    "OE/OEOrders_WithShipmentsandInvoice.json": ("OEOrders", {"oe_orders": 1, "oe_order_lines": 2},
        {("oe_order_lines", "quantity_shipped"): D(20)},
        {("oe_orders", "invoice_will_be_produced"): True, ("oe_order_lines", "miscellaneous_charges_code"): None}),
}


def test_every_catalog_sample_is_covered():
    names = {r.name for r in catalog.RESOURCES}
    files = {str(p.relative_to(SAMPLES)) for p in SAMPLES.glob("*/*.json")
             if p.stem.split("_")[0] in names}
    assert files == set(CASES)


@pytest.mark.parametrize("sample", sorted(CASES))
def test_flatten_sdk_sample(sample):
    resource, counts, sums, firsts = CASES[sample]
    doc = DECODE((SAMPLES / sample).read_bytes())
    fl = Flattener(resource, "samltd")
    assert fl.add_records([doc], f"https://u:p@sage/{sample}") == 1
    tables = fl.to_arrow()
    res = catalog.resource(resource)
    assert list(tables) == [t.name for t in res.tables]  # every table, even empty ones
    for t in res.tables:
        arrow = tables[t.name]
        assert arrow.num_rows == counts.get(t.name, 0), t.name
        declared = t.column_types()
        assert arrow.schema.names[: len(declared)] == list(declared)
        for name, ctype in declared.items():
            assert arrow.schema.field(name).type == ctype.arrow, (t.name, name)
        assert arrow.schema.names[-2:] == ["_source_url", "_record_hash"]
        assert set(arrow.column("company_id").to_pylist()) <= {"SAMLTD"}
        assert set(arrow.column("_source_url").to_pylist()) <= {f"https://sage/{sample}"}
    for (tname, col), expected in sums.items():
        got = pc.sum(tables[tname].column(col)).as_py()
        assert got == expected and isinstance(got, Decimal), (tname, col, got)
    for (tname, col), expected in firsts.items():
        assert tables[tname].column(col)[0].as_py() == expected, (tname, col)


def test_extra_fields_kept_with_inferred_types():
    doc = DECODE((SAMPLES / "OE/OEOrders_WithShipmentsandInvoice.json").read_bytes())
    doc |= {"ExtraCount": 3, "ExtraAmount": D("1.5"), "ExtraDate": "2020-01-01T00:00:00Z", "Mixed": "a",
            "@odata.etag": "W/1", "Nested": {"a": D("0.1")}, "UpdateOperation": "Unspecified"}
    fl = Flattener("OEOrders", "SAMLTD")
    fl.add_records([doc, {"OrderUniquifier": 2, "Mixed": 5}], "u")
    t = fl.to_arrow()["oe_orders"]
    types = fl.extra_types["oe_orders"]
    assert types == {"extra_count": ColumnType.NUMBER,
                     "extra_amount": ColumnType.NUMBER, "extra_date": ColumnType.TEXT, "mixed": ColumnType.TEXT,
                     "nested": ColumnType.JSON}
    assert t.schema.field("extra_amount").type == pa.decimal128(38, 10)
    assert t.column("mixed").to_pylist() == ["a", "5"] and t.column("nested")[0].as_py() == '{"a":0.1}'
    assert "odata_etag" not in t.schema.names and "@odata.etag" not in t.schema.names
    assert "update_operation" not in t.schema.names  # Sage's write-side framework property, not data
    # Sage adding fields is normal (upgrades): an informational note, not a warning a newcomer must act on.
    assert any("not in the catalog" in n for n in fl.notes) and not any("not in the catalog" in w for w in fl.warnings)


def test_extra_field_name_clash_is_renamed():
    fl = Flattener("APVendors", "SAMLTD")
    fl.add_records([{"VendorNumber": "1", "Vendor_Name": "clash", "CompanyId": "x"}], "u")
    t = fl.to_arrow()["ap_vendors"]
    assert "vendor_name_extra" in t.schema.names and "company_id_extra" in t.schema.names
    assert t.schema.names[0] == "company_id" and t.column("company_id")[0].as_py() == "SAMLTD"


@pytest.mark.parametrize("field,value,match", [
    ("BatchTotal", D("1.2345"), r"ap_invoice_batches\.batch_total: value 1\.2345 has more than 3 decimals"),
    ("BatchTotal", D("12345678901234567"), r"batch_total: value 12345678901234567 has more than 16 integer digits"),
    ("BatchTotal", "abc", r"batch_total: value 'abc' is not a number"),
    ("BatchTotal", True, r"batch_total: value True is not a number"),
    ("NumberOfEntries", D("2.5"), r"ap_invoice_batches\.number_of_entries: value 2\.5 is not a whole number"),
    ("BatchDate", "13/01/2024", r"ap_invoice_batches\.batch_date: value '13/01/2024' is not an ISO date"),
    ("BatchDate", "2024-02-30", r"batch_date: value '2024-02-30' is not an ISO date"),
])
def test_values_that_do_not_fit_are_errors_never_rounded(field, value, match):
    fl = Flattener("APInvoiceBatches", "SAMLTD")
    fl.add_records([{"BatchNumber": 1, "BatchDate": "2024-01-01", "BatchTotal": D("1.5")},
                    {"BatchNumber": 2, "BatchDate": "2024-01-02", field: value}], "u")
    with pytest.raises(SageDataError, match=match):
        fl.to_arrow()


def test_lenient_but_exact_conversions():
    fl = Flattener("ICItems", "SAMLTD")
    fl.add_records([
        {"UnformattedItemNumber": 5, "StockItem": "Yes", "Sellable": 1, "QuantityOnHand": "12.5000",
         "AverageCost": D("1.100000"), "DateLastMaintained": "2024-03-01T23:59:59-05:00"},
        {"UnformattedItemNumber": "A", "StockItem": False, "QuantityOnHand": D("-0.0001"), "UnitWeight": 0},
    ], "u")
    t = fl.to_arrow()["ic_items"]
    assert t.column("unformatted_item_number").to_pylist() == ["5", "A"]
    assert t.column("stock_item").to_pylist() == [True, False] and t.column("sellable").to_pylist() == [True, None]
    assert t.column("quantity_on_hand").to_pylist() == [D("12.5"), D("-0.0001")]
    assert t.column("date_last_maintained").to_pylist() == [dt.date(2024, 3, 1), None]  # calendar date, no shift


def test_decimal_exactness_sums():
    vals = [D("0.1"), D("0.2"), D("9999999999999999.999"), D("-9999999999999999.998"), D("0.003")]
    fl = Flattener("GLPostedTransactions", "SAMLTD")
    fl.add_records([{"AccountNumber": "1000", "PostingSequenceNumber": i, "DetailCount": 1, "JournalDate":
                     "2024-01-01T00:00:00Z", "JournalTransactionAmount": v} for i, v in enumerate(vals)], "u")
    t = fl.to_arrow()["gl_posted_transactions"]
    assert pc.sum(t.column("journal_transaction_amount")).as_py() == D("0.304")
    assert t.column("journal_transaction_amount")[0].as_py() == D("0.100")


def test_record_hash_stable_and_sensitive():
    def hashes(records, chunk_rows=16384, url="u"):
        fl = Flattener("ARInvoiceBatches", "SAMLTD", chunk_rows=chunk_rows)
        fl.add_records(records, url)
        return {n: t.column("_record_hash").to_pylist() for n, t in fl.to_arrow().items()}

    doc = DECODE((SAMPLES / "AR/ARInvoiceBatches.json").read_bytes())
    a = hashes([doc])
    assert a == hashes([DECODE((SAMPLES / "AR/ARInvoiceBatches.json").read_bytes())], chunk_rows=1, url="other")
    assert all(len(h) == 32 for hs in a.values() for h in hs)
    assert len(set(a["ar_invoice_lines"])) == 4
    changed = DECODE((SAMPLES / "AR/ARInvoiceBatches.json").read_bytes())
    changed["Invoices"][0]["InvoiceDetails"][0]["ExtendedAmountWithTIP"] = D("200.001")
    b = hashes([changed])
    assert b["ar_invoice_lines"][0] != a["ar_invoice_lines"][0] and b["ar_invoice_lines"][1:] == a["ar_invoice_lines"][1:]
    # 200 and 200.000 are the same amount: same hash
    same = DECODE((SAMPLES / "AR/ARInvoiceBatches.json").read_bytes())
    same["Invoices"][0]["InvoiceDetails"][0]["ExtendedAmountWithTIP"] = D("200.000")
    assert hashes([same]) == a


def test_chunked_accumulation_equals_single_chunk():
    doc = DECODE((SAMPLES / "GL/GLJournalBatches.json").read_bytes())
    docs = []
    for i in range(7):
        d = DECODE((SAMPLES / "GL/GLJournalBatches.json").read_bytes())
        d["BatchNumber"] = f"{i:06d}"
        d["DateCreated"] = f"2024-01-0{i + 1}T00:00:00Z"
        docs.append(d)
    one, many = Flattener("GLJournalBatches", "SAMLTD"), Flattener("GLJournalBatches", "SAMLTD", chunk_rows=2)
    one.add_records(docs, "u")
    for d in docs:
        many.add_records([d], "u")
    a, b = one.to_arrow(), many.to_arrow()
    for name in a:
        assert a[name].equals(b[name]), name
    assert a["gl_journal_lines"].num_rows == 35 and doc is not None


def test_child_collection_must_be_a_list():
    fl = Flattener("POPurchaseOrders", "SAMLTD")
    with pytest.raises(SageDataError, match="PurchaseOrderLines should be a list"):
        fl.add_records([{"PurchaseOrderSequenceKey": 1, "PurchaseOrderLines": "nope"}], "u")
