"""`$filter`: the parser on its own, then over HTTP against the generated data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sage_looker.sage300_sim.odata_query import QueryError, compile_filter, parse_query
from sage_looker_tests.sage300_sim.conftest import decode, fetch_all

FIELDS = {"Name": "text", "Amount": "money", "Count": "int", "Day": "date", "Flag": "bool", "Code": "text"}
REC = {"Name": "O'Brien Supply", "Amount": Decimal("100.50"), "Count": 3, "Day": dt.date(2024, 12, 1),
       "Flag": True, "Code": None}


def ok(text: str, rec: dict = REC) -> bool:
    return compile_filter(text, FIELDS, {"Lines"})(rec)


@pytest.mark.parametrize("text, expected", [
    ("Amount gt 100", True), ("Amount eq 100.50", True), ("Amount lt 100.5", False), ("Count ge 3", True),
    ("Count ne 3", False), ("Amount le -1", False),
    ("Day eq 2024-12-01", True), ("Day ge 2024-12-02", False), ("Day lt 2025-01-01", True),
    ("Day ge 2024-12-01T00:00:00Z", True), ("Day gt 2024-11-30T12:00:00Z", True),
    ("Day gt 2024-12-01T00:00:00Z", False), ("Day le 2024-12-01T05:00:00+05:00", True),
    ("Name eq 'O''Brien Supply'", True), ("Name eq 'O''Brien'", False), ("Name gt 'A'", True),
    ("Code eq null", True), ("Code ne null", False), ("Name ne null", True), ("Code gt 'A'", False),
    ("Flag eq true", True), ("Flag", True), ("not Flag", False),
    ("Amount gt 1000 or Count eq 3", True), ("Amount gt 1000 or Count eq 4", False),
    ("(Amount gt 1000 or Count eq 3) and Day eq 2024-12-01", True),
    ("Amount gt 1000 or (Count eq 3 and Day eq 2024-12-02)", False),
    ("not (Amount gt 1000) and not(Count eq 4)", True),
    ("Count eq 4 or Count eq 5 or Count eq 3", True),
    ("startswith(Name,'O''B')", True), ("endswith(Name, 'Supply')", True), ("substringof('Brien', Name)", True),
    ("contains(Name,'xyz')", False), ("length(Name) eq 14", True), ("tolower(Name) eq 'o''brien supply'", True),
])
def test_filter_semantics(text, expected):
    assert ok(text) is expected


@pytest.mark.parametrize("text", [
    "", "Amount gt", "Amount gt 1 and", "(Amount gt 1", "Amount gt 1)", "Amount >= 1", "Nope eq 1",
    "Lines eq 1", "Name eq 1", "Amount eq 'x'", "Day eq 'x'", "Day ge datetime'2024-12-01T00:00'",
    "Amount eq 99.99m", "Name eq 'unterminated", "Flag gt true", "Name", "frobnicate(Name) eq 1",
    "Day eq 2024-13-45",
])
def test_invalid_filters_raise(text):
    with pytest.raises(QueryError):
        compile_filter(text, FIELDS, {"Lines"})


def test_query_string_decoding():
    opts = parse_query("%24filter=Name+eq+%27a+b%27&$top=5&$skip=10&$count=true&$select=A,%20B&other=1")
    assert opts.filter == "Name eq 'a b'" and (opts.top, opts.skip, opts.count) == (5, 10, True)
    assert opts.select == ["A", "B"]


def test_date_filters_over_http(sim, client):
    base = f"{sim.url}/v1.0/-/SAMINC/AP/APInvoiceBatches"
    records = sim.db.records("SAMINC", "APInvoiceBatches")
    lo, hi = records[5]["BatchDate"], records[15]["BatchDate"]
    for flt in (f"BatchDate ge {lo} and BatchDate le {hi}",
                f"BatchDate ge {lo}T00:00:00Z and BatchDate lt {hi + dt.timedelta(days=1)}T00:00:00Z"):
        rows, _ = fetch_all(client, base, {"$filter": flt})
        assert [r["BatchNumber"] for r in rows] == [
            r["BatchNumber"] for r in records if lo <= r["BatchDate"] <= hi], flt


def test_string_and_boolean_logic_over_http(fresh_sim, client):
    s = fresh_sim(days=3)
    number = s.db.records("SAMINC", "APVendors")[2]["VendorNumber"]
    s.db.update_master("SAMINC", "APVendors", number, VendorName="O'Brien & Sons")
    base = f"{s.url}/v1.0/-/SAMINC/AP/APVendors"
    got = decode(client.get(base, params={"$filter": "VendorName eq 'O''Brien & Sons'"}))["value"]
    assert [v["VendorNumber"] for v in got] == [number]
    vendors = s.db.records("SAMINC", "APVendors")
    flt = "(CurrencyCode eq 'CAD' or GroupCode eq 'UTL') and not (Status eq 'Inactive')"
    got = decode(client.get(base, params={"$filter": flt}))["value"]
    want = [v["VendorNumber"] for v in vendors
            if (v["CurrencyCode"] == "CAD" or v["GroupCode"] == "UTL") and v["Status"] != "Inactive"]
    assert [v["VendorNumber"] for v in got] == want
    changed = decode(client.get(base, params={"$filter": f"DateLastMaintained ge {s.db.today}"}))["value"]
    assert number in [v["VendorNumber"] for v in changed]


def test_bad_filter_is_400_invalid_parameters(sim, client):
    base = f"{sim.url}/v1.0/-/SAMINC/AR/ARCustomers"
    for flt in ("CustomerNumber eq", "NoSuchField eq 1", "CustomerNumber eq 5", "Invoices eq 1",
                "DateLastMaintained ge datetime'2020-01-01'"):
        r = client.get(base, params={"$filter": flt})
        assert r.status_code == 400, flt
        assert r.json()["error"]["code"] == "InvalidParameters"


def test_filter_with_count_and_paging(sim, client):
    base = f"{sim.url}/v1.0/-/SAMINC/GL/GLPostedTransactions"
    flt = "SourceLedgerCode eq 'AR' and FiscalPeriod eq '03'"
    want = [r for r in sim.db.records("SAMINC", "GLPostedTransactions")
            if r["SourceLedgerCode"] == "AR" and r["FiscalPeriod"] == "03"]
    body = decode(client.get(base, params={"$filter": flt, "$count": "true"}))
    assert body["@odata.count"] == len(want)
    rows, _ = fetch_all(client, base, {"$filter": flt})
    assert sum(r["JournalTransactionAmount"] for r in rows) == sum(r["JournalTransactionAmount"] for r in want)
