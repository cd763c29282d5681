"""Paging: envelopes, stop conditions, looping servers, inserts/deletes while paging, decimal exactness."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import httpx
import pyarrow.compute as pc
import pytest

from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.errors import SageBadResponse, SageDataChanged

from .conftest import fast_settings
from .fake_sage import FakeSage


def _vendors(fake: FakeSage, n: int) -> list[dict]:
    rows = fake.rows("SAMLTD", "AP/APVendors")
    rows.extend({"VendorNumber": f"V{i:05d}", "VendorName": f"Vendor {i}",
                 "BalanceDueInVendorCurrency": Decimal(i) / 100} for i in range(0, 2 * n, 2))
    return rows


def _read_keys(client: Sage300Client) -> list[str]:
    t = client.read_resource("APVendors", "SAMLTD").tables["ap_vendors"]
    return t.column("vendor_number").to_pylist()


def _collection_requests(fake: FakeSage) -> list[httpx.Request]:
    return [r for r in fake.requests if "APVendors" in r.url.path]


@pytest.mark.parametrize("count_as_string,legacy", [(False, False), (True, False), (False, True), (True, True)])
def test_envelope_variants(fake, make_client, count_as_string, legacy):
    rows = _vendors(fake, 250)
    fake.count_as_string, fake.legacy_envelope = count_as_string, legacy
    client = make_client(fake)
    result = client.read_resource("APVendors", "SAMLTD")
    assert result.tables["ap_vendors"].column("vendor_number").to_pylist() == [r["VendorNumber"] for r in rows]
    assert result.stats.count == 250 and result.stats.passes == 1 and result.stats.pages == 3
    # 3 pages (each after the first re-reads 3 rows) + final count + warm-up
    assert result.stats.requests == 5


def test_next_link_host_is_replaced_by_configured_host(fake, make_client):
    _vendors(fake, 150)
    fake.next_link_host = "http://iis-internal:8080"
    client = make_client(fake)
    assert len(_read_keys(client)) == 150
    assert all(r.url.host == "sage.test" for r in fake.requests)
    second = _collection_requests(fake)[1]
    assert "$skip=97" in str(second.url) and "$top=100" in str(second.url)


def test_no_next_link_but_full_page_continues_with_skip(fake, make_client):
    rows = _vendors(fake, 200)  # exactly two full pages
    fake.next_link_mode = "none"
    client = make_client(fake)
    assert _read_keys(client) == [r["VendorNumber"] for r in rows]
    urls = [str(r.url) for r in _collection_requests(fake)]
    assert "$skip=97" in urls[1] and "$skip=194" in urls[2] and "$top=0" in urls[3]


def test_server_page_cap_below_page_size(fake, make_client):
    rows = _vendors(fake, 230)
    fake.max_page = 50
    fake.next_link_mode = "none"  # and no nextLink: the count keeps us going
    client = make_client(fake, page_size=100)
    assert _read_keys(client) == [r["VendorNumber"] for r in rows]


def test_empty_resource_and_empty_tables_keep_schema(fake, make_client):
    fake.rows("SAMLTD", "AR/ARInvoiceBatches")
    client = make_client(fake)
    result = client.read_resource("ARInvoiceBatches", "SAMLTD", "2024-01-01", "2024-01-31")
    assert set(result.tables) == {"ar_invoice_batches", "ar_invoices", "ar_invoice_lines",
                                  "ar_invoice_payment_schedules"}
    for t in result.tables.values():
        assert t.num_rows == 0 and t.schema.names[0] == "company_id" and t.schema.names[-1] == "_record_hash"
    assert str(result.tables["ar_invoices"].schema.field("document_total_including_tax").type) == "decimal128(19, 3)"
    assert result.stats.odata_filter == "BatchDate ge 2024-01-01T00:00:00Z and BatchDate lt 2024-02-01T00:00:00Z"


def test_looping_token_next_link_stops(fake, make_client):
    _vendors(fake, 300)
    fake.next_link_mode = "loop_token"
    client = make_client(fake)
    with pytest.raises(SageBadResponse, match="no progress.*loops"):
        client.read_resource("APVendors", "SAMLTD")
    assert len(_collection_requests(fake)) == 3


def test_looping_skip_next_link_is_corrected_by_our_skip(fake, make_client):
    rows = _vendors(fake, 300)
    fake.next_link_mode = "loop_skip"  # always $skip=0: we rewrite $skip from what we received
    client = make_client(fake)
    assert _read_keys(client) == [r["VendorNumber"] for r in rows]


def test_top_zero_refused_falls_back_to_top_one(fake, make_client):
    _vendors(fake, 120)
    fake.top0_refused = True
    client = make_client(fake)
    assert len(_read_keys(client)) == 120
    assert client.count("APVendors", "SAMLTD") == 120
    tops = [r.url.params.get("$top") for r in _collection_requests(fake)]
    assert tops.count("0") == 1  # refused once, remembered


def _mutating(fake: FakeSage, actions: dict[int, callable]):
    calls = {"n": 0}

    def before(f: FakeSage, request: httpx.Request) -> None:
        if "APVendors" not in request.url.path:
            return
        calls["n"] += 1
        act = actions.get(calls["n"])
        if act:
            act(f.rows("SAMLTD", "AP/APVendors"))

    fake.before_page = before


def _insert(rows: list[dict], key: str) -> None:
    rows.append({"VendorNumber": key, "VendorName": "new"})
    rows.sort(key=lambda r: r["VendorNumber"])


@pytest.mark.parametrize("where", ["ahead", "behind", "at_position"])
def test_insert_during_paging_no_loss_no_duplicate(fake, make_client, where):
    _vendors(fake, 350)
    key = {"ahead": "V00651", "behind": "V00011", "at_position": "V00195"}[where]
    _mutating(fake, {2: lambda rows: _insert(rows, key)})
    client = make_client(fake)
    keys = _read_keys(client)
    expected = sorted(r["VendorNumber"] for r in fake.rows("SAMLTD", "AP/APVendors"))
    assert keys == expected and key in keys and len(keys) == len(set(keys)) == 351


@pytest.mark.parametrize("where", ["behind", "tail", "ahead", "many_behind"])
def test_delete_during_paging_no_loss_no_duplicate(fake, make_client, where):
    _vendors(fake, 350)

    def delete(rows):
        if where == "behind":
            del rows[10]
        elif where == "tail":
            del rows[99]  # the last row of the first page, part of the overlap
        elif where == "ahead":
            del rows[300]
        else:
            del rows[5:60]

    _mutating(fake, {2: delete})
    client = make_client(fake)
    result = client.read_resource("APVendors", "SAMLTD")
    keys = result.tables["ap_vendors"].column("vendor_number").to_pylist()
    expected = [r["VendorNumber"] for r in fake.rows("SAMLTD", "AP/APVendors")]
    assert sorted(keys) == expected and len(keys) == len(set(keys))
    if where in ("behind", "many_behind"):
        assert result.stats.passes == 2 and result.stats.warnings


def test_random_churn_during_paging_converges(fake, make_client):
    rng = random.Random(7)
    _vendors(fake, 500)

    def churn(rows):
        for _ in range(3):
            if rng.random() < 0.5 and rows:
                del rows[rng.randrange(len(rows))]
            else:
                _insert(rows, f"V{rng.randrange(0, 1000):05d}x")

    _mutating(fake, {i: churn for i in range(2, 5)})  # churn during the first pass only
    client = make_client(fake, consistency_attempts=3)
    keys = _read_keys(client)
    expected = sorted(r["VendorNumber"] for r in fake.rows("SAMLTD", "AP/APVendors"))
    assert sorted(keys) == expected and len(keys) == len(set(keys))


def test_never_consistent_raises_data_changed(fake, make_client):
    _vendors(fake, 250)
    counter = iter(range(10_000))
    _mutating(fake, {i: (lambda rows: _insert(rows, f"V00000{next(counter):04d}")) for i in range(1, 100)})
    client = make_client(fake, consistency_attempts=2)
    with pytest.raises(SageDataChanged) as ei:
        client.read_resource("APVendors", "SAMLTD")
    assert "2 passes" in str(ei.value) and "re-run later" in str(ei.value)


def test_iter_pages_streams_and_marks_restarts(fake, make_client):
    _vendors(fake, 250)
    _mutating(fake, {2: lambda rows: _insert(rows, "V00001")})
    client = make_client(fake)
    pages = list(client.iter_pages("APVendors", "SAMLTD"))
    passes = [p.pass_number for p in pages]
    assert passes == sorted(passes) and passes[-1] == 2 and passes.count(2) == 3
    assert [p.restarted for p in pages] == [p.pass_number == 2 and p.index == 0 for p in pages]
    assert sum(len(p.records) for p in pages if p.pass_number == 2) == 251
    assert all(p.body.startswith(b"{") for p in pages)


def test_transaction_window_and_decimal_exactness_end_to_end(fake, make_client):
    batches = fake.rows("SAMLTD", "AP/APInvoiceBatches")
    amounts = [Decimal("0.1"), Decimal("0.2"), Decimal("1234567890123456.789"), Decimal("-9999999999999999.999"),
               Decimal("0.001"), Decimal("33.333")]
    for b in range(1, 41):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=b % 5)
        batches.append({
            "BatchNumber": b, "BatchDate": f"{day}T00:00:00Z", "BatchTotal": amounts[b % len(amounts)],
            "Invoices": [{"BatchNumber": b, "EntryNumber": e, "DocumentTotalIncludingTax": amounts[(b + e) % 6],
                          "ExchangeRate": Decimal("1.2345678"),
                          "InvoiceDetails": [{"BatchNumber": 999, "EntryNumber": 999, "LineNumber": 20 * (li + 1),
                                              "DistributedAmount": amounts[li % 6], "Quantity": Decimal("0.0001"),
                                              "Cost": Decimal("0.000001")} for li in range(3)]}
                         for e in range(1, 4)],
        })
    client = make_client(fake, page_size=7)
    res = client.read_resource("APInvoiceBatches", "SAMLTD", dt.date(2024, 1, 2), dt.date(2024, 1, 3))
    selected = [b for b in batches if b["BatchDate"][:10] in ("2024-01-02", "2024-01-03")]
    root, inv, lines = (res.tables[n] for n in ("ap_invoice_batches", "ap_invoices", "ap_invoice_lines"))
    assert root.num_rows == len(selected) == 16 and inv.num_rows == 48 and lines.num_rows == 144
    assert pc.sum(root.column("batch_total")).as_py() == sum(b["BatchTotal"] for b in selected)
    assert pc.sum(inv.column("document_total_including_tax")).as_py() == sum(
        i["DocumentTotalIncludingTax"] for b in selected for i in b["Invoices"])
    assert pc.sum(lines.column("distributed_amount")).as_py() == sum(
        d["DistributedAmount"] for b in selected for i in b["Invoices"] for d in i["InvoiceDetails"])
    assert Decimal("1234567890123456.789") in root.column("batch_total").to_pylist()
    # ancestor keys come from the parent objects, not from the child's own copy (999)
    assert set(lines.column("batch_number").to_pylist()) == {b["BatchNumber"] for b in selected}
    assert set(lines.column("entry_number").to_pylist()) == {1, 2, 3}
    assert set(lines.column("batch_date").to_pylist()) == {dt.date(2024, 1, 2), dt.date(2024, 1, 3)}
    assert lines.column("cost").to_pylist()[0] == Decimal("0.000001")
    assert res.stats.rows == {"ap_invoice_batches": 16, "ap_invoices": 48, "ap_invoice_lines": 144}


def test_server_ignoring_filter_is_refused(fake, make_client):
    batches = fake.rows("SAMLTD", "GL/GLJournalBatches")
    batches.append({"BatchNumber": "000001", "DateCreated": "2023-05-01T00:00:00Z"})
    fake._filtered = staticmethod(lambda rows, flt: list(rows))  # a server that ignores $filter
    client = make_client(fake)
    with pytest.raises(SageBadResponse, match="outside the requested window"):
        client.read_resource("GLJournalBatches", "SAMLTD", "2024-01-01", "2024-01-01")


def test_concurrent_reads_share_budget_and_bound(fake):
    import concurrent.futures as cf

    from sage_looker.sage300.budget import HostLimiter

    _vendors(fake, 400)
    client = Sage300Client(fast_settings(url="http://conc.test/Sage300WebApi", concurrency=2),
                           transport=fake.transport())
    with cf.ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: client.read_resource("APVendors", "SAMLTD"), range(6)))
    assert all(r.tables["ap_vendors"].num_rows == 400 for r in results)
    assert HostLimiter.for_url("http://conc.test/Sage300WebApi", 2).max_in_flight <= 2
    assert client.budget.used == len(fake.requests)


def test_empty_page_ends_the_pass():
    """A server that announces more (nextLink) and then serves an empty page: the pass stops there."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        q = request.url.params
        if "APVendors" not in request.url.path:
            return httpx.Response(200, json={"value": []})
        if q.get("$top") == "0":
            return httpx.Response(200, json={"@odata.count": 100, "value": []})
        if q.get("$skiptoken"):
            return httpx.Response(200, json={"value": []})
        rows = [{"VendorNumber": f"V{i:03d}"} for i in range(100)]
        return httpx.Response(200, json={"@odata.count": 100, "value": rows,
                                         "@odata.nextLink": f"{request.url.copy_with(query=b'$skiptoken=1')}"})

    client = Sage300Client(fast_settings(paging_overlap=0), transport=httpx.MockTransport(handler))
    result = client.read_resource("APVendors", "SAMLTD")
    assert result.tables["ap_vendors"].num_rows == 100 and result.stats.pages == 2
    assert sum("skiptoken" in c for c in calls) == 1


def test_next_links_are_rebased_onto_a_reverse_proxy_path_prefix(fake, make_client):
    # The proxy serves https://erp.example.com/sage/Sage300WebApi/…; IIS behind it writes nextLinks with its own
    # host and without /sage. The server caps pages at 40, so pages 2.. follow its nextLinks.
    rows = _vendors(fake, 150)
    fake.path_prefix, fake.next_link_host, fake.max_page = "/sage", "http://iis01", 40
    client = make_client(fake, url="http://sage.test/sage/Sage300WebApi")
    assert _read_keys(client) == [r["VendorNumber"] for r in rows]
    pages = _collection_requests(fake)
    assert len(pages) > 4 and all(r.url.path == "/sage/Sage300WebApi/v1.0/-/SAMLTD/AP/APVendors" for r in pages)
    assert all(r.url.host == "sage.test" for r in fake.requests)


def test_a_404_after_the_first_page_is_an_error_not_a_missing_resource(fake, make_client):
    from sage_looker.sage300.errors import SageResourceMissing

    _vendors(fake, 150)
    fake.missing_after["APVendors"] = 1  # the first page answers, the next request gets 404
    client = make_client(fake)
    with pytest.raises(SageBadResponse, match="404") as caught:
        client.read_resource("APVendors", "SAMLTD")
    assert not isinstance(caught.value, SageResourceMissing)


def test_a_404_on_the_first_request_is_a_missing_resource(fake, make_client):
    from sage_looker.sage300.errors import SageResourceMissing

    _vendors(fake, 10)
    fake.missing_after["APVendors"] = 0
    with pytest.raises(SageResourceMissing):
        make_client(fake).read_resource("APVendors", "SAMLTD")
