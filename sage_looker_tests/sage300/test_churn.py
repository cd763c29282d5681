"""Reads under a live table: a delete and an insert behind the reader in the same read (the count unchanged)
never leave the deleted record in, or the new one out. Expected keys come from the simulator's own state
after the changes."""

from __future__ import annotations

import copy
import datetime as dt
from urllib.parse import unquote

import httpx
import pytest

from sage_looker.sage300 import catalog
from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.settings import Sage300Settings
from sage_looker.sage300_sim import SimulatorConfig, run_simulator

TODAY = dt.date(2026, 3, 14)
CO = "SAMINC"


@pytest.fixture
def sim():
    with run_simulator(SimulatorConfig(seed=13, days=10, today=TODAY, scale=0.5)) as s:
        yield s


class ChurnBeforeFinalCount(httpx.BaseTransport):
    """Forwards to the simulator; when the read asks for its final `$count` (`$top=0`), `churn()` runs first:
    the changes happen after the last page, where no overlap check can see them."""

    def __init__(self, resource: str, churn) -> None:
        self.inner, self.resource, self.churn, self.done = httpx.HTTPTransport(), resource, churn, False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = unquote(str(request.url))
        if not self.done and self.resource in url and "$top=0" in url:
            self.done = True
            self.churn()
        return self.inner.handle_request(request)


def _read(sim, resource, churn, start=None, end=None):
    settings = Sage300Settings(url=sim.url, user=sim.config.user, password=sim.config.password, page_size=20)
    transport = ChurnBeforeFinalCount(resource, churn)
    with Sage300Client(settings, transport=transport) as client:
        result = client.read_resource(resource, CO, start, end)
    assert transport.done, "the churn never ran"
    return result


def test_a_vendor_deleted_and_another_created_behind_the_reader_is_read_as_sage_ends(sim):
    db = sim.db

    def churn():
        vendors = db.records(CO, "APVendors")
        new = copy.deepcopy(vendors[1])
        new.update(VendorNumber="0000NEW", VendorName="Created during the read", DateLastMaintained=db.today)
        db.remove(CO, "APVendors", vendors[2]["VendorNumber"])
        db.insert_record(CO, "APVendors", new)

    result = _read(sim, "APVendors", churn)
    got = result.tables["ap_vendors"].column("vendor_number").to_pylist()
    with db.lock:
        expected = [v["VendorNumber"] for v in db.records(CO, "APVendors")]
    assert "0000NEW" in expected and sorted(got) == sorted(expected)
    assert result.stats.passes == 2  # the probe found the change and the pass was re-read


def test_a_batch_deleted_and_another_added_on_the_same_date_behind_the_reader(sim):
    db = sim.db
    res = catalog.resource("APInvoiceBatches")
    start, end = TODAY - dt.timedelta(days=6), TODAY

    def churn():
        victim = next(b for b in db.records(CO, res.name)
                      if b["BatchStatus"] != "Posted" and start <= b["BatchDate"] <= end)
        db.delete_batch(CO, res.name, victim["BatchNumber"])
        db.insert_batch(CO, res.name, batch_date=victim["BatchDate"])

    result = _read(sim, res.name, churn, start, end)
    got = result.tables["ap_invoice_batches"].column("batch_number").to_pylist()
    with db.lock:
        expected = [b["BatchNumber"] for b in db.records(CO, res.name) if start <= b["BatchDate"] <= end]
        lines = sum(len(i["InvoiceDetails"]) for b in db.records(CO, res.name) if start <= b["BatchDate"] <= end
                    for i in b["Invoices"])
    assert sorted(got) == sorted(expected)
    assert result.tables["ap_invoice_lines"].num_rows == lines


def test_the_warning_names_the_changed_record(sim, caplog):
    db = sim.db

    def churn():
        vendors = db.records(CO, "APVendors")
        vendors[0]["VendorName"] = "Renamed during the read"
        vendors[0]["DateLastMaintained"] = db.today

    result = _read(sim, "APVendors", churn)
    assert any("changed behind the reader" in w and vendors_key(db) in w for w in result.stats.warnings)
    names = dict(zip(result.tables["ap_vendors"].column("vendor_number").to_pylist(),
                     result.tables["ap_vendors"].column("vendor_name").to_pylist()))
    assert names[vendors_key(db)] == "Renamed during the read"


def vendors_key(db) -> str:
    return db.records(CO, "APVendors")[0]["VendorNumber"]
