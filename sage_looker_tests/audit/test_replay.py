"""Replay from the raw page archive: the same warehouse rows, zero Sage requests; past inventory snapshots too."""

import datetime as dt

from click.testing import CliRunner

from sage_looker.audit.replay import SOURCE_TAG
from sage_looker.commands.runner import RunSummary, _collect, _execute, sync
from sage_looker.defs.sage300.jobs import INVENTORY_JOB
from sage_looker.sage300 import catalog

from .conftest import TODAY, ledger, make_platform, slice_rows

D1, D2 = TODAY - dt.timedelta(days=6), TODAY - dt.timedelta(days=4)
TABLES = [t.name for r in catalog.TRANSACTIONS for t in r.tables]
ARCHIVE = {SOURCE_TAG: "archive"}


def _rows(platform, start=D1, end=D2):
    return {t: slice_rows(platform, t, "SAMINC", start, end) for t in TABLES}


def test_replay_from_the_archive_gives_identical_rows_with_zero_sage_requests(platform):
    assert sync(platform.defs, "SAMINC", D1, D2, instance=platform.instance).success
    before = _rows(platform)
    assert sum(map(len, before.values())) > 100
    loaded = {r["asset"]: r for r in ledger(platform, "source = 'sage' AND window_start IS NOT NULL")}
    requests = len(platform.sim.requests())

    summary = sync(platform.defs, "SAMINC", D1, D2, masters=False, instance=platform.instance, tags=ARCHIVE)
    assert summary.success, summary.failures
    assert len(platform.sim.requests()) == requests and summary.requests == 0
    assert _rows(platform) == before  # every value and _record_hash; only _run_id/_loaded_at differ
    run_ids = {r["_run_id"] for r in platform.query("SELECT DISTINCT _run_id FROM sage300.ap_invoice_lines")}
    assert run_ids == {summary.run_ids[-1]}  # really rewritten
    replayed = ledger(platform, "source = 'archive'")
    assert {r["asset"] for r in replayed} == set(loaded)
    for r in replayed:
        original = loaded[r["asset"]]
        assert (r["status"], r["requests"], r["archive_manifest"]) == ("success", 0, original["archive_manifest"])
        assert r["checksum"] == original["checksum"]

    # one day out of the archived window, through the CLI flag: the other days stay as they are
    day = D1 + dt.timedelta(days=1)
    result = CliRunner().invoke(_main(), ["replay", "--company", "SAMINC", "--date", str(day), "--from-archive"])
    assert result.exit_code == 0, result.output
    assert len(platform.sim.requests()) == requests
    assert _rows(platform) == before
    days = platform.query("SELECT batch_date, COUNT(DISTINCT _run_id) AS runs FROM sage300.ap_invoice_batches "
                          "GROUP BY 1 ORDER BY 1")
    assert [d["runs"] for d in days] == [1, 1, 1] and len({d["batch_date"] for d in days}) == 3


def _main():
    from sage_looker.cli import main
    return main


def test_a_lost_warehouse_is_rebuilt_from_the_archive_alone(sim, tmp_path, monkeypatch):
    first = make_platform(sim, tmp_path, monkeypatch)
    assert sync(first.defs, "SAMINC", D1, D2, instance=first.instance).success
    before = _rows(first)
    requests = len(sim.requests())
    # Same archive ($SAGE_LOOKER_HOME/archive), new empty warehouse: no ledger to ask, the markers say what committed.
    second = make_platform(sim, tmp_path, monkeypatch, SAGE_LOOKER_WAREHOUSE=str(tmp_path / "rebuilt.duckdb"))
    summary = sync(second.defs, "SAMINC", D1, D2, instance=second.instance, tags=ARCHIVE)
    assert summary.success, summary.failures
    assert len(sim.requests()) == requests
    assert _rows(second) == before
    vendors = "SELECT vendor_number, vendor_name, _record_hash FROM sage300.ap_vendors ORDER BY 1"
    assert second.query(vendors) == first.query(vendors)


def test_a_partition_the_archive_never_saw_is_refused_clearly(platform):
    assert sync(platform.defs, "SAMINC", D1, D1, instance=platform.instance).success
    summary = sync(platform.defs, "SAMINC", D1, D2, masters=False, instance=platform.instance, tags=ARCHIVE)
    assert not summary.success
    assert any("No archived load of" in f and str(D2) in f for f in summary.failures), summary.failures
    failed = ledger(platform, "status = 'failed'")
    assert failed and {r["error_class"] for r in failed} == {"NoArchivedLoad"}
    assert slice_rows(platform, "ap_invoice_batches", "SAMINC", D1, D1)  # the loaded day is untouched


def test_a_past_inventory_snapshot_is_replayed_from_its_archived_capture(platform, monkeypatch):
    today = dt.datetime.now(dt.timezone.utc).date()
    assert sync(platform.defs, "SAMINC", D1, D1, instance=platform.instance, snapshot_day=today).success
    snap = "SELECT * EXCLUDE (_run_id, _loaded_at) FROM sage300.ic_item_snapshots WHERE snapshot_date = ? ORDER BY 2"
    captured = platform.query(snap, [today])
    assert captured
    requests = len(platform.sim.requests())
    # A day later the capture of `today` is a past snapshot: Sage cannot give it again, the archive can.
    monkeypatch.setattr("sage_looker.defs.sage300.inventory.capturable_dates", lambda *a: set())
    summary = RunSummary()
    _collect(_execute(platform.defs, INVENTORY_JOB, platform.instance, partition_key=f"SAMINC|{today}"), summary)
    assert summary.success, summary.failures
    assert len(platform.sim.requests()) == requests
    assert platform.query(snap, [today]) == captured
    assert ledger(platform, "asset = 'ic_item_snapshots' AND source = 'archive' AND status = 'success'")

    never = today - dt.timedelta(days=3)
    refused = RunSummary()
    _collect(_execute(platform.defs, INVENTORY_JOB, platform.instance, partition_key=f"SAMINC|{never}"), refused)
    assert not refused.success
    assert any(f"SAMINC|{never}" in f and "no archived capture" in f for f in refused.failures), refused.failures
    assert len(platform.sim.requests()) == requests
