"""Every fault kind is observably injected on data endpoints, deterministically, and never on /_simulator."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from sage_looker.sage300_sim.faults import parse_spec
from sage_looker_tests.sage300_sim.conftest import AUTH, HEADERS, decode

# One keep-alive client: building a new httpx client per request costs ~50 ms (its TLS context).
_CLIENT = httpx.Client(auth=AUTH, headers=HEADERS)


def get(s, path: str = "SAMINC/AP/APVendors", timeout: float = 5, **params) -> httpx.Response:
    return _CLIENT.get(f"{s.url}/v1.0/-/{path}", params=params or None, timeout=timeout)


def test_spec_grammar():
    t = parse_spec("5xx=0.05, toomany=0.1:2,reset=burst:3,slow=every:4:0.25,recycle=200:3", seed=1)
    assert (t["5xx"].mode, t["5xx"].value) == ("p", 0.05)
    assert (t["toomany"].param, t["reset"].mode, t["reset"].remaining) == (2.0, "burst", 3)
    assert (t["slow"].mode, t["slow"].value, t["slow"].param) == ("every", 4, 0.25)
    assert (t["recycle"].value, t["recycle"].param) == (200, 3.0)
    assert parse_spec("") == {} and parse_spec("none") == {}
    for bad in ("5xx", "nosuch=0.1", "5xx=2", "5xx=burst:0", "recycle=10", "slow=0.1:x", "5xx=burst:1:2:3"):
        with pytest.raises(ValueError):
            parse_spec(bad)


def test_5xx_burst_then_recovers(fresh_sim):
    s = fresh_sim(days=2, faults="5xx=burst:3")
    codes = [get(s).status_code for _ in range(4)]
    assert codes == [500, 500, 500, 200]
    assert [e["fault"] for e in s.requests()] == ["5xx", "5xx", "5xx", None]
    s.set_faults("5xx=burst:1")
    r = get(s)
    assert r.status_code == 500 and r.json()["error"]["code"] == "InternalServerError"
    assert r.json()["error"]["message"]["lang"] == "en-US"


@pytest.mark.parametrize("kind, status, code", [
    ("toomany", 429, "TooManyRequests"), ("session", 500, "SessionError"), ("dblink", 500, "DBLinkError"),
])
def test_sage_error_faults(fresh_sim, kind, status, code):
    s = fresh_sim(days=2, faults=f"{kind}=every:1" + (":2" if kind == "toomany" else ""))
    r = get(s)
    assert r.status_code == status and r.json()["error"]["code"] == code
    if kind == "toomany":
        assert r.headers["Retry-After"] == "2"
    assert s.requests()[-1]["fault"] == kind and s.fault_counts()[kind] == 1


def test_connection_reset(fresh_sim):
    s = fresh_sim(days=2, faults="reset=burst:1")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError)):
        get(s)
    assert get(s).status_code == 200
    first = s.requests()[0]
    assert first["fault"] == "reset" and first["status"] is None


def test_slow_and_timeout(fresh_sim):
    s = fresh_sim(days=2, faults="slow=burst:1:0.3")
    t0 = time.perf_counter()
    assert get(s).status_code == 200 and time.perf_counter() - t0 >= 0.3
    s.set_faults("timeout=burst:1:0.8")
    with pytest.raises(httpx.ReadTimeout):
        get(s, timeout=0.2)
    assert get(s).status_code == 200


def test_recycle_window_serves_iis_503(fresh_sim):
    s = fresh_sim(days=2, faults="recycle=3:1.0")
    assert [get(s).status_code for _ in range(3)] == [200, 200, 200]
    r = get(s)
    assert r.status_code == 503 and r.headers["content-type"].startswith("text/html")
    assert b"Service Unavailable" in r.content and r.headers["server"] == "Microsoft-HTTPAPI/2.0"
    time.sleep(1.05)
    assert get(s).status_code == 200
    assert s.fault_counts()["recycle"] == 1


def test_html_502_and_truncated_json(fresh_sim):
    s = fresh_sim(days=2, faults="html502=burst:1")
    r = get(s)
    assert r.status_code == 502 and r.headers["content-type"] == "text/html" and b"502" in r.content
    s.set_faults("truncated=burst:1")
    r = get(s)
    assert r.status_code == 200 and int(r.headers["content-length"]) == len(r.content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.content)
    assert decode(get(s))["value"]


def _naive_pages(s, path: str, key_fields: tuple[str, ...], page: int) -> list[tuple]:
    """What a client that trusts `$skip` sees: keys in the order served."""
    seen, skip = [], 0
    while True:
        body = decode(get(s, path, **{"$top": str(page), "$skip": str(skip)}))
        seen += [tuple(r[k] for k in key_fields) for r in body["value"]]
        if len(body["value"]) < page:
            return seen
        skip += page


@pytest.mark.parametrize("path, keys", [
    ("SAMINC/GL/GLPostedTransactions", ("AccountNumber", "FiscalYear", "FiscalPeriod", "SourceCurrencyCode",
                                        "SourceLedgerCode", "SourceTypeCode", "PostingSequenceNumber",
                                        "DetailCount")),
    ("SAMINC/OE/OEOrders", ("OrderUniquifier",)),
    ("SAMLTD/AP/APVendors", ("VendorNumber",)),
    ("SAMINC/GL/GLJournalBatches", ("BatchNumber",)),
])
def test_insert_before_offset_duplicates_a_row_for_naive_paging(fresh_sim, path, keys):
    s = fresh_sim(days=12, faults="insert=burst:1")
    company, _, resource = path.split("/")
    before = len(s.db.records(company, resource))
    seen = _naive_pages(s, path, keys, page=8)
    after = len(s.db.records(company, resource))
    assert after == before + 1
    # The new row landed behind the client, which never sees it; the row at the page boundary comes twice.
    assert len(seen) == after and len(set(seen)) == after - 1
    assert [e["fault"] for e in s.requests()].count("insert") == 1


def test_delete_before_offset_skips_a_row_for_naive_paging(fresh_sim):
    s = fresh_sim(days=30, faults="delete=burst:1")
    before = [b["BatchNumber"] for b in s.db.records("SAMINC", "APInvoiceBatches")]
    seen = _naive_pages(s, "SAMINC/AP/APInvoiceBatches", ("BatchNumber",), page=10)
    after = [b["BatchNumber"] for b in s.db.records("SAMINC", "APInvoiceBatches")]
    assert len(after) == len(before) - 1
    missed = set(after) - {k[0] for k in seen}
    assert len(missed) == 1  # a row that exists was never served
    assert any(e["fault"] == "delete" for e in s.requests())


def test_drift_only_on_paged_requests(fresh_sim):
    s = fresh_sim(days=5, faults="insert=1,delete=1")
    n = len(s.db.records("SAMINC", "OEOrders"))
    get(s, "SAMINC/OE/OEOrders")
    get(s, "SAMINC/OE/OEOrders", **{"$skip": "0"})
    assert len(s.db.records("SAMINC", "OEOrders")) == n and not s.fault_counts()


def test_faults_never_hit_control_endpoints(fresh_sim):
    s = fresh_sim(days=2, faults="5xx=1,reset=1,recycle=1:5")
    for _ in range(3):
        r = httpx.get(f"{s.base_url}/_simulator/stats")
        assert r.status_code == 200
    assert r.json()["requests"] == 0
    assert httpx.get(f"{s.base_url}/_simulator/truth").status_code == 200
    assert httpx.get(f"{s.base_url}/_simulator/requests").json() == []


def test_fault_control_endpoint(fresh_sim):
    s = fresh_sim(days=2)
    assert get(s).status_code == 200
    r = httpx.post(f"{s.base_url}/_simulator/faults", json={"spec": "dblink=burst:1"})
    assert r.status_code == 200 and r.json()["spec"] == "dblink=burst:1"
    assert get(s).json()["error"]["code"] == "DBLinkError"
    assert httpx.post(f"{s.base_url}/_simulator/faults", content=b"bogus=1").status_code == 400
    assert httpx.post(f"{s.base_url}/_simulator/faults", content=b"none").json()["spec"] == "none"
    assert get(s).status_code == 200


def test_probabilistic_faults_are_deterministic(fresh_sim):
    spec = "5xx=0.2,toomany=0.2,html502=0.1,slow=0.1:0.01"

    def run(seed: int) -> list:
        s = fresh_sim(days=2, seed=seed, faults=spec)
        with httpx.Client(auth=AUTH, headers=HEADERS) as c:
            return [c.get(f"{s.url}/v1.0/-/SAMINC/AP/APVendors").status_code for _ in range(40)]

    a, b = run(11), run(11)
    assert a == b and set(a) > {200} and a != run(12)
