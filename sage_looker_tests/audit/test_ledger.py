"""The load ledger: one row per slice write, in the write's own transaction; failed attempts recorded too."""

import datetime as dt
import json

import pyarrow as pa
import pytest

from sage_looker.audit.archive import PageArchive
from sage_looker.audit.ledger import LedgerHook, SliceInfo, slice_checksum
from sage_looker.commands.runner import sync
from sage_looker.sage300 import catalog
from sage_looker.warehouse import open_warehouse
from sage_looker.warehouse.duckdb_backend import DuckDBWarehouse

from .conftest import TODAY, ledger, make_platform

DAY = TODAY - dt.timedelta(days=3)


def test_every_slice_write_has_one_success_row_that_matches_the_warehouse(platform):
    summary = sync(platform.defs, "SAMINC", DAY, DAY, instance=platform.instance)
    assert summary.success, summary.failures
    rows = ledger(platform)
    assert {r["status"] for r in rows} == {"success"}
    by_asset = {r["asset"]: r for r in rows}
    assert set(by_asset) >= {r.table for r in catalog.TRANSACTIONS} | {"ap_vendors", "gl_accounts"}
    assert len(rows) == len(by_asset)  # one per slice: masters per company, transactions per window
    batches = by_asset["ap_invoice_batches"]
    assert batches["run_id"] in summary.run_ids and batches["company"] == "SAMINC"
    assert (batches["window_start"], batches["window_end"], batches["source"]) == (DAY, DAY, "sage")
    assert batches["module"] == "AP" and batches["resource"] == "AP/APInvoiceBatches"
    assert "BatchDate" in batches["odata_filter"] and batches["requests"] >= 2 and batches["pages"] >= 1
    assert batches["started_at"] <= batches["finished_at"] and batches["error_class"] is None
    written = json.loads(batches["rows_json"])
    for table, n in written.items():
        assert platform.query(f"SELECT COUNT(*) AS n FROM sage300.{table} WHERE company_id = 'SAMINC'")[0]["n"] == n
    wh = open_warehouse(platform.warehouse)
    resource = catalog.resource("APInvoiceBatches")
    assert slice_checksum(wh, resource.tables, "SAMINC", DAY, DAY) == batches["checksum"]
    vendors = by_asset["ap_vendors"]
    assert vendors["window_start"] is None and vendors["odata_filter"] is None
    assert slice_checksum(wh, catalog.resource("APVendors").tables, "SAMINC", None, None) == vendors["checksum"]
    archive = PageArchive()
    manifest = archive.manifest(batches["archive_manifest"])
    assert manifest["complete"] and manifest["run_id"] == batches["run_id"]
    assert archive.exists(batches["archive_manifest"] + ".committed")
    for r in rows:  # no URL userinfo, no archive root, no password anywhere in the ledger
        text = json.dumps(r, default=str)
        assert "WEBAPI@" not in text and str(platform.home) not in text


def test_a_failed_write_rolls_back_and_is_recorded_in_its_own_transaction(platform, monkeypatch):
    assert sync(platform.defs, "SAMINC", DAY, DAY, instance=platform.instance).success
    before = platform.query("SELECT COUNT(*) AS n, SUM(distributed_amount) AS s FROM sage300.ap_invoice_lines")
    successes = len(ledger(platform, "asset = 'ap_invoice_batches'"))
    real = DuckDBWarehouse._insert_rows

    def failing(self, con, table_name, data):
        if table_name == "ap_invoice_lines":
            raise OSError("disk full while writing ap_invoice_lines")
        return real(self, con, table_name, data)

    monkeypatch.setattr(DuckDBWarehouse, "_insert_rows", failing)
    summary = sync(platform.defs, "SAMINC", DAY, DAY, masters=False, instance=platform.instance)
    assert not summary.success
    assert platform.query("SELECT COUNT(*) AS n, SUM(distributed_amount) AS s FROM sage300.ap_invoice_lines") == before
    rows = ledger(platform, "asset = 'ap_invoice_batches'")
    assert len([r for r in rows if r["status"] == "success"]) == successes  # no success row without its data
    (failed,) = [r for r in rows if r["status"] == "failed"]
    assert failed["error_class"] == "OSError" and "disk full" in failed["error_message"]
    assert failed["run_id"] == summary.run_ids[-1] and failed["checksum"] is None
    # the other resources of the same run committed with their ledger rows
    assert {r["asset"] for r in ledger(platform, "run_id = ? AND status = 'success'", [summary.run_ids[-1]])} \
        >= {"ar_invoice_batches", "gl_journal_batches"}


def test_a_sage_failure_is_recorded_with_its_error_class(sim, tmp_path, monkeypatch):
    platform = make_platform(sim, tmp_path, monkeypatch, SAGE300_MAX_RETRIES="0")
    sim.set_faults("5xx=1.0")
    summary = sync(platform.defs, "SAMINC", DAY, DAY, masters=False, instance=platform.instance)
    assert not summary.success
    failed = ledger(platform, "status = 'failed'")
    assert failed and {r["error_class"] for r in failed} <= {"SageUnavailable", "SageBadResponse"}
    assert all(r["source"] == "sage" and r["window_start"] == DAY for r in failed)


def _pg_or_duckdb(request, tmp_path):
    if request.param == "duckdb":
        yield str(tmp_path / "w.duckdb")
        return
    from sage_looker_tests.pgserver import fresh_database
    with fresh_database("audit") as url:
        yield url


@pytest.fixture(params=["duckdb", "postgres"])
def target(request, tmp_path):
    yield from _pg_or_duckdb(request, tmp_path)


def _tables(n: int, day: dt.date) -> dict[str, pa.Table]:
    from sage_looker.sage300.flatten import Flattener
    f = Flattener(catalog.resource("APInvoiceBatches"), "SAMINC")
    f.add_records([{"BatchNumber": i, "BatchDate": day.isoformat(), "BatchStatus": "Posted", "BatchTotal": "1.50",
                    "Invoices": [{"EntryNumber": 1, "VendorNumber": "V1", "InvoiceDetails": [{"LineNumber": 1}]}]}
                   for i in range(1, n + 1)], "http://sage/x")
    return f.to_arrow()


def test_the_ledger_row_commits_or_rolls_back_with_the_data_on_both_backends(target):
    resource = catalog.resource("APInvoiceBatches")
    day = dt.date(2026, 1, 5)
    wh = open_warehouse(target)
    info = SliceInfo("run-1", "ap_invoice_batches", "AP", resource.path, "SAMINC", day, day)
    tables = _tables(3, day)
    result = wh.replace_slice([(t, tables[t.name]) for t in resource.tables], companies=["SAMINC"], start=day,
                              end=day, run_id="run-1", hook=LedgerHook(info, tables))
    assert result.rows_inserted == 9
    rows = wh.read_arrow("SELECT run_id, status, rows_json, checksum FROM sage300_audit.load_ledger").to_pylist()
    assert [(r["run_id"], r["status"]) for r in rows] == [("run-1", "success")]
    assert json.loads(rows[0]["rows_json"])["ap_invoice_lines"] == 3
    assert rows[0]["checksum"] == slice_checksum(wh, resource.tables, "SAMINC", day, day)

    class Boom(LedgerHook):  # the ledger insert fails: the data must roll back with it
        def rows(self, result):
            raise OSError("ledger disk full")

    with pytest.raises(OSError):
        wh.replace_slice([(t, _tables(5, day)[t.name]) for t in resource.tables], companies=["SAMINC"],
                         start=day, end=day, run_id="run-2", hook=Boom(info, tables))
    assert wh.read_arrow("SELECT COUNT(*) AS n FROM sage300.ap_invoice_batches").to_pylist()[0]["n"] == 3
    assert wh.read_arrow("SELECT COUNT(*) AS n FROM sage300_audit.load_ledger").to_pylist()[0]["n"] == 1
