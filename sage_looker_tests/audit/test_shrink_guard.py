"""The shrink guard: Sage's Clear History must not silently delete posted history from the warehouse."""

import datetime as dt
import json

import pytest

from sage_looker.audit.ledger import LedgerHook, SliceInfo
from sage_looker.audit.replay import SOURCE_TAG
from sage_looker.audit.shrink import ACCEPT_TAG, PostedRecordsWouldBeDeleted
from sage_looker.commands.runner import sync
from sage_looker.sage300 import catalog
from sage_looker.warehouse import open_warehouse

from .conftest import TODAY, ledger, slice_rows

OLD = TODAY - dt.timedelta(days=30)  # a partition whose batches are long posted
BATCHES = "ap_invoice_batches"


def _count(platform, table, day=OLD):
    t = catalog.any_table(table)
    return platform.query(f'SELECT COUNT(*) AS n FROM sage300."{table}" WHERE company_id = \'SAMINC\' AND '
                          f'"{t.partition_column}" = ?', [day])[0]["n"]


def test_clear_history_then_a_re_pull_is_refused_and_the_archive_restores(platform):
    assert sync(platform.defs, "SAMINC", OLD, OLD, instance=platform.instance).success
    tables = catalog.resource("APInvoiceBatches").tables
    before = {t.name: slice_rows(platform, t.name, "SAMINC", OLD, OLD) for t in tables}
    posted = [r for r in platform.query(f"SELECT batch_number, batch_status FROM sage300.{BATCHES} "
                                        "WHERE company_id = 'SAMINC' AND batch_date = ?", [OLD])]
    assert posted and all(r["batch_status"] == "Posted" for r in posted)
    cleared = platform.sim.db.clear_history("SAMINC", OLD + dt.timedelta(days=1))
    assert cleared["APInvoiceBatches"] >= len(posted)

    summary = sync(platform.defs, "SAMINC", OLD, OLD, masters=False, instance=platform.instance)
    assert not summary.success
    message = next(f for f in summary.failures if "ap_invoice_batches" in f)
    assert "POSTED" in message and f"ap_invoice_batches: {len(posted)}" in message
    assert f"batch_number={posted[0]['batch_number']}" in message or "batch_number=" in message
    assert f"sage-looker replay --company SAMINC --date {OLD} --from-archive" in message
    assert "--accept-deletions" in message
    assert "SAGE_LOOKER_ACCEPT_DELETIONS=1" in message and f"{ACCEPT_TAG}=true" in message
    assert {t: slice_rows(platform, t, "SAMINC", OLD, OLD) for t in before} == before  # nothing changed
    (failed,) = ledger(platform, "asset = ? AND status = 'failed'", [BATCHES])
    assert failed["error_class"] == "PostedRecordsWouldBeDeleted" and failed["window_start"] == OLD

    # the archive gives the slice back exactly as it was loaded (the refused re-pull is never chosen)
    replay = sync(platform.defs, "SAMINC", OLD, OLD, masters=False, instance=platform.instance,
                  tags={SOURCE_TAG: "archive"})
    assert replay.success, replay.failures
    assert {t: slice_rows(platform, t, "SAMINC", OLD, OLD) for t in before} == before

    # and the explicit flag accepts the deletions, which the ledger records as posted removals
    accepted = sync(platform.defs, "SAMINC", OLD, OLD, masters=False, instance=platform.instance,
                    tags={ACCEPT_TAG: "true"})
    assert accepted.success, accepted.failures
    assert _count(platform, BATCHES) == 0 and _count(platform, "ap_invoice_lines") == 0
    row = ledger(platform, "asset = ? AND status = 'success' AND accepted_deletions", [BATCHES])[-1]
    removed = json.loads(row["removed_json"])
    assert removed[BATCHES]["posted"] == len(posted) and removed["ap_invoice_lines"]["posted"] > 0


def test_an_unposted_batch_deleted_in_sage_propagates_and_is_recorded(platform):
    day = TODAY
    assert sync(platform.defs, "SAMINC", day, day, instance=platform.instance).success
    with platform.sim.db.lock:
        batch = next(r for r in platform.sim.db.records("SAMINC", "APInvoiceBatches")
                     if r["BatchStatus"] != "Posted" and r["BatchDate"] == day)
    platform.sim.db.delete_batch("SAMINC", "APInvoiceBatches", batch["BatchNumber"])
    before = _count(platform, BATCHES, day)
    summary = sync(platform.defs, "SAMINC", day, day, masters=False, instance=platform.instance)
    assert summary.success, summary.failures
    assert _count(platform, BATCHES, day) == before - 1
    row = ledger(platform, "asset = ? AND status = 'success'", [BATCHES])[-1]
    removed = json.loads(row["removed_json"])[BATCHES]
    assert removed == {"removed": 1, "posted": 0, "sample": [f"batch_number={batch['BatchNumber']}"]}


@pytest.fixture(params=["duckdb", "postgres"])
def target(request, tmp_path):
    if request.param == "duckdb":
        yield str(tmp_path / "w.duckdb")
        return
    from sage_looker_tests.pgserver import fresh_database
    with fresh_database("shrink") as url:
        yield url


def test_the_guard_runs_inside_the_write_transaction_on_both_backends(target):
    from .test_ledger import _tables
    resource = catalog.resource("APInvoiceBatches")
    day = dt.date(2026, 2, 2)
    wh = open_warehouse(target)

    def write(n, accept=False):
        tables = _tables(n, day)
        info = SliceInfo("run", BATCHES, "AP", resource.path, "SAMINC", day, day, accept_deletions=accept)
        return wh.replace_slice([(t, tables[t.name]) for t in resource.tables], companies=["SAMINC"], start=day,
                                end=day, run_id="run", hook=LedgerHook(info, tables))

    write(4)
    lost = r"ap_invoice_batches: 2, ap_invoices: 2, ap_invoice_lines: 2"
    with pytest.raises(PostedRecordsWouldBeDeleted, match=lost):
        write(2)
    assert wh.read_arrow("SELECT COUNT(*) AS n FROM sage300.ap_invoice_batches").to_pylist()[0]["n"] == 4
    write(2, accept=True)
    assert wh.read_arrow("SELECT COUNT(*) AS n FROM sage300.ap_invoice_batches").to_pylist()[0]["n"] == 2
    statuses = wh.read_arrow("SELECT status FROM sage300_audit.load_ledger ORDER BY finished_at").to_pylist()
    assert [s["status"] for s in statuses] == ["success", "success"]  # the refused write left no row itself
