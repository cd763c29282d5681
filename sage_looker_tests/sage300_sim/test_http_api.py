"""URL shape, envelope, paging, $select/$count, entity addressing, auth and error codes over real HTTP."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sage_looker.sage300 import catalog
from sage_looker_tests.sage300_sim.conftest import AUTH, HEADERS, decode, fetch_all

SAGE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00Z$")


def url(sim, company: str, path: str) -> str:
    module = path.split("/")[0]
    return f"{sim.url}/v1.0/-/{company}/{path}" if "/" in path else sim.company_url(company, module)


def test_url_shape_serves_every_catalog_resource(sim, client):
    assert sim.url.startswith("http://127.0.0.1:") and sim.url.endswith("/Sage300WebApi")
    for company in ("SAMINC", "SAMLTD"):
        for res in catalog.RESOURCES:
            r = client.get(f"{sim.url}/v1.0/-/{company}/{res.path}", params={"$top": "1"})
            assert r.status_code == 200, (res.path, r.text)
            body = decode(r)
            assert body["@odata.context"].endswith(f"/v1.0/-/{company}/{res.module}/$metadata#{res.name}")
            assert "@odata.count" not in body
            assert len(body["value"]) == 1, res.name


def test_envelope_count_exact_decimals_dates_and_enums(sim, client):
    r = client.get(f"{sim.url}/v1.0/-/SAMINC/AP/APInvoiceBatches", params={"$count": "true"})
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["odata-version"] == "4.0"
    body = decode(r)
    records = sim.db.records("SAMINC", "APInvoiceBatches")
    assert body["@odata.count"] == len(records)
    first, rec = body["value"][0], records[0]
    # Amounts arrive as JSON numbers that parse to the exact stored Decimal (no float on the way).
    assert isinstance(first["BatchTotal"], Decimal) and first["BatchTotal"] == rec["BatchTotal"]
    assert b'"BatchTotal":' + str(rec["BatchTotal"]).encode() in r.content
    assert SAGE_DATE.match(first["BatchDate"]) and first["BatchDate"].startswith(rec["BatchDate"].isoformat())
    inv = first["Invoices"][0]
    assert inv["DiscountDate"] is None or SAGE_DATE.match(inv["DiscountDate"])
    statuses = {b["BatchStatus"] for b in body["value"]}
    assert statuses <= {"Open", "ReadyToPost", "Posted"} and "Posted" in statuses
    assert {i["DocumentType"] for b in body["value"] for i in b["Invoices"]} <= {"Invoice", "CreditNote", "DebitNote"}
    vendor = decode(client.get(f"{sim.url}/v1.0/-/SAMINC/AP/APVendors", params={"$top": "1"}))["value"][0]
    assert vendor["OnHold"] == "NotOnHold" and vendor["Status"] in ("Active", "Inactive")
    cal = decode(client.get(f"{sim.url}/v1.0/-/SAMINC/CS/CSFiscalCalendars"))["value"][0]
    assert cal["FiscalPeriod13StartDate"] is None and SAGE_DATE.match(cal["FiscalPeriod1StartDate"])


def test_default_order_is_primary_key_order(sim, client):
    rows, _ = fetch_all(client, f"{sim.url}/v1.0/-/SAMINC/GL/GLPostedTransactions")
    keys = [tuple(r[k] for k in catalog.resource("GLPostedTransactions").keys) for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    batches = decode(client.get(f"{sim.url}/v1.0/-/SAMLTD/AR/ARReceiptAndAdjustmentBatches"))["value"]
    assert [(b["BatchRecordType"], b["BatchNumber"]) for b in batches] == sorted(
        (b["BatchRecordType"], b["BatchNumber"]) for b in batches)


def test_page_cap_and_next_link(sim, client):
    base = f"{sim.url}/v1.0/-/SAMINC/GL/GLPostedTransactions"
    total = len(sim.db.records("SAMINC", "GLPostedTransactions"))
    assert total > 250
    body = decode(client.get(base, params={"$top": "1000", "$count": "true"}))
    assert len(body["value"]) == 100 and body["@odata.count"] == total
    link = urlsplit(body["@odata.nextLink"])
    assert f"{link.scheme}://{link.netloc}{link.path}" == base  # absolute, same resource
    q = parse_qs(link.query)
    assert q["$skip"] == ["100"] and q["$top"] == ["900"] and q["$count"] == ["true"]
    rows, pages = fetch_all(client, base)
    assert len(rows) == total and pages == -(-total // 100)
    small = decode(client.get(base, params={"$top": "50"}))
    assert len(small["value"]) == 50 and "@odata.nextLink" not in small
    tail = decode(client.get(base, params={"$skip": str(total - 3)}))
    assert len(tail["value"]) == 3 and "@odata.nextLink" not in tail


def test_page_size_is_configurable_and_next_link_keeps_filter(fresh_sim, client):
    s = fresh_sim(days=20, page_size=7, next_link_base="https://erp.example.com:8443")
    params = {"$filter": "BatchStatus eq 'Posted'", "$select": "BatchNumber,BatchStatus"}
    body = decode(client.get(f"{s.url}/v1.0/-/SAMINC/AR/ARInvoiceBatches", params=params))
    assert len(body["value"]) == 7
    nxt = body["@odata.nextLink"]
    assert nxt.startswith("https://erp.example.com:8443/Sage300WebApi/v1.0/-/SAMINC/AR/ARInvoiceBatches?")
    q = parse_qs(urlsplit(nxt).query)
    assert q["$filter"] == ["BatchStatus eq 'Posted'"] and q["$skip"] == ["7"]


def test_select_fields_and_collections(sim, client):
    base = f"{sim.url}/v1.0/-/SAMINC"
    select = {"$select": "CustomerNumber,CreditLimitCustomerCurrency"}
    body = decode(client.get(f"{base}/AR/ARCustomers", params=select))
    assert body["@odata.context"].endswith("#ARCustomers(CustomerNumber,CreditLimitCustomerCurrency)")
    assert all(set(r) == {"CustomerNumber", "CreditLimitCustomerCurrency"} for r in body["value"])
    body = decode(client.get(f"{base}/AR/ARInvoiceBatches", params={"$select": "BatchNumber,Invoices", "$top": "2"}))
    assert all(set(r) == {"BatchNumber", "Invoices"} and r["Invoices"] for r in body["value"])
    bad = client.get(f"{base}/AR/ARCustomers", params={"$select": "CustomerNumber,NoSuchField"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "InvalidParameters"


def test_query_options_once_and_unknown_options(sim, client):
    base = f"{sim.url}/v1.0/-/SAMINC/AP/APVendors"
    for query in ("$top=1&$top=2", "$orderby=VendorName", "$top=-1", "$count=yes", "$inlinecount=allpages"):
        r = client.get(f"{base}?{query}")
        assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidParameters", query


def test_single_entity_and_composite_keys(sim, client):
    base = f"{sim.url}/v1.0/-/SAMINC"
    vendor = sim.db.records("SAMINC", "APVendors")[1]
    r = decode(client.get(f"{base}/AP/APVendors('{vendor['VendorNumber']}')"))
    assert "value" not in r and r["VendorNumber"] == vendor["VendorNumber"]
    assert r["@odata.context"].endswith("#APVendors/$entity")
    assert decode(client.get(f"{base}/AP/APVendors({vendor['VendorNumber']})"))["VendorName"] == vendor["VendorName"]
    rb = next(b for b in sim.db.records("SAMINC", "ARReceiptAndAdjustmentBatches") if b["BatchRecordType"] == "CA")
    for key in (f"BatchRecordType='CA',BatchNumber={rb['BatchNumber']}",
                f"BatchNumber={rb['BatchNumber']}, BatchRecordType='CA'", f"'CA',{rb['BatchNumber']}"):
        got = decode(client.get(f"{base}/AR/ARReceiptAndAdjustmentBatches({key})"))
        assert got["BatchNumber"] == rb["BatchNumber"] and got["ReceiptsAdjustments"], key
    gl = sim.db.records("SAMINC", "GLJournalBatches")[0]
    assert decode(client.get(f"{base}/GL/GLJournalBatches('{gl['BatchNumber']}')"))["Status"] == gl["Status"]
    missing = client.get(f"{base}/AP/APInvoiceBatches(999999)")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "RecordNotFound"
    bad = client.get(f"{base}/AP/APInvoiceBatches('abc')")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "InvalidEntityKey"


def _error(r: httpx.Response) -> tuple[int, str, str]:
    e = r.json()["error"]
    assert e["message"]["lang"] == "en-US"
    return r.status_code, e["code"], e["message"]["value"]


def test_auth_is_exact_and_upper_case(sim):
    target = f"{sim.url}/v1.0/-/SAMINC/AP/APVendors"
    assert _error(httpx.get(target, headers=HEADERS))[:2] == (401, "Unauthorized")
    assert _error(httpx.get(target, headers=HEADERS, auth=("webapi", "webapi")))[:2] == (401, "Unauthorized")
    assert _error(httpx.get(target, headers=HEADERS, auth=("WEBAPI", "webapi")))[:2] == (401, "Unauthorized")
    assert httpx.get(target, headers=HEADERS, auth=AUTH).status_code == 200


def test_mixed_case_password_mode(fresh_sim):
    s = fresh_sim(days=2, password="Secret-Pass1", password_case="preserve", user="apiuser")
    target = f"{s.url}/v1.0/-/SAMINC/AP/APVendors"
    assert httpx.get(target, headers=HEADERS, auth=("APIUSER", "Secret-Pass1")).status_code == 200
    assert httpx.get(target, headers=HEADERS, auth=("APIUSER", "SECRET-PASS1")).status_code == 401
    assert httpx.get(target, headers=HEADERS, auth=("apiuser", "Secret-Pass1")).status_code == 401
    upper = fresh_sim(days=2, password="Secret-Pass1")
    target = f"{upper.url}/v1.0/-/SAMINC/AP/APVendors"
    assert httpx.get(target, headers=HEADERS, auth=("WEBAPI", "SECRET-PASS1")).status_code == 200
    assert httpx.get(target, headers=HEADERS, auth=("WEBAPI", "Secret-Pass1")).status_code == 401


def test_missing_content_type_is_a_500(sim):
    r = httpx.get(f"{sim.url}/v1.0/-/SAMINC/AP/APVendors", auth=AUTH)
    status, code, message = _error(r)
    assert (status, code) == (500, "InternalServerError") and "Content-Type" in message


def test_company_module_and_resource_errors(fresh_sim, client):
    s = fresh_sim(days=2, forbidden_modules={"SAMLTD": ["GL"]}, missing_resources={"CSCompanyProfile"})
    base = f"{s.url}/v1.0/-"
    status, code, message = _error(client.get(f"{base}/NOSUCH/AP/APVendors"))
    assert (status, code) == (401, "Unauthorized") and "does not exist" in message and "NOSUCH" in message
    status, code, message = _error(client.get(f"{base}/SAMLTD/GL/GLAccounts"))
    assert (status, code) == (403, "Forbidden") and "GL" in message
    assert client.get(f"{base}/SAMINC/GL/GLAccounts").status_code == 200
    assert _error(client.get(f"{base}/SAMINC/CS/CSCompanyProfile"))[:2] == (404, "ResourceNotFound")
    assert _error(client.get(f"{base}/SAMINC/AP/APNoSuchThing"))[:2] == (404, "ResourceNotFound")
    assert _error(client.get(f"{base}/SAMINC/AR/APVendors"))[:2] == (404, "ResourceNotFound")
    assert _error(client.get(f"{s.url}/v2.0/-/SAMINC/AP/APVendors"))[:2] == (404, "ResourceNotFound")
    assert _error(client.post(f"{base}/SAMINC/AP/APVendors", json={}))[:2] == (405, "MethodNotAllowed")


@pytest.mark.parametrize("resource", ["APInvoiceBatches", "GLJournalBatches", "OEOrders"])
def test_children_repeat_parent_keys(sim, client, resource):
    res = catalog.resource(resource)
    body = decode(client.get(f"{sim.url}/v1.0/-/SAMINC/{res.path}", params={"$top": "3"}))
    child = res.children[0]
    for rec in body["value"]:
        for item in rec[child.field]:
            for k in res.keys:
                assert item[k] == rec[k]


def test_keep_alive_and_concurrency_are_observed(sim):
    before = sim.request_count()
    with httpx.Client(auth=AUTH, headers=HEADERS) as c:
        for _ in range(3):
            assert c.get(f"{sim.url}/v1.0/-/SAMINC/AP/APVendors", params={"$top": "1"}).status_code == 200
    log = sim.requests()
    assert sim.request_count() >= before + 3 and sim.max_concurrency() >= 1
    last = log[-1]
    assert last["company"] == "SAMINC" and last["module"] == "AP" and last["resource"] == "APVendors"
    assert last["status"] == 200 and last["query"] == "%24top=1" and last["fault"] is None


def test_max_concurrency_counts_requests_in_flight(fresh_sim):
    s = fresh_sim(days=2, faults="slow=every:1:0.3")
    with httpx.Client(auth=AUTH, headers=HEADERS) as c, ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(lambda _: c.get(f"{s.url}/v1.0/-/SAMINC/AP/APVendors").status_code, range(4)))
    assert codes == [200] * 4
    assert s.max_concurrency() >= 3 and s.in_flight() == 0
    s.reset_log()
    assert s.requests() == [] and s.request_count() == 0 and s.max_concurrency() == 0


def test_content_type_check_can_be_disabled(fresh_sim):
    s = fresh_sim(days=2, require_content_type=False)
    assert httpx.get(f"{s.url}/v1.0/-/SAMINC/AP/APVendors", auth=AUTH).status_code == 200
