"""Schedules, the close-window schedule and the change sensor request exactly the right partitions."""

import datetime as dt
import json

import dagster as dg
import pytest

from sage_looker.commands.runner import sync
from sage_looker.defs.sage300.sensors import SENSOR_NAME
from sage_looker.sage300_sim import SimulatorConfig, run_simulator

from .conftest import TODAY, make_platform


def _schedule(defs, name):
    return defs.resolve_schedule_def(name)


def _evaluate(defs, name, when, instance):
    schedule = _schedule(defs, name)
    ctx = dg.build_schedule_context(instance=instance, scheduled_execution_time=when,
                                    repository_def=defs.get_repository_def(),
                                    resources={"warehouse": defs.resources["warehouse"]})
    data = schedule.evaluate_tick(ctx)
    return data.run_requests or [], data.skip_message


def test_nightly_schedule_requests_yesterday_in_the_company_time_zone(platform, monkeypatch):
    p = make_platform(platform.sim, platform.home / "tz", monkeypatch,
                      SAGE300_COMPANY_TIMEZONES="SAMINC=America/New_York")
    # 02:00 in New York on Nov 20 is 07:00 UTC: yesterday there is Nov 19.
    when = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.timezone.utc)
    requests, _ = _evaluate(p.defs, "sage300_saminc_nightly", when, p.instance)
    assert [r.partition_key for r in requests] == ["SAMINC|2026-11-19"]
    masters, _ = _evaluate(p.defs, "sage300_saminc_masters_nightly", when, p.instance)
    assert [r.partition_key for r in masters] == ["SAMINC"]
    assert _schedule(p.defs, "sage300_saminc_nightly").execution_timezone == "America/New_York"
    assert _schedule(p.defs, "sage300_samltd_nightly").execution_timezone == "UTC"


def test_close_window_schedule_runs_only_near_period_ends(platform):
    sync(platform.defs, "SAMINC", dt.date(2026, 11, 20), dt.date(2026, 11, 20), instance=platform.instance)
    # The simulator's fiscal periods are calendar months: Nov 28-30 and Dec 1-5 are the close window.
    inside = dt.datetime(2026, 11, 29, 10, 30, tzinfo=dt.timezone.utc)
    requests, _ = _evaluate(platform.defs, "sage300_saminc_close_window", inside, platform.instance)
    assert [r.partition_key for r in requests] == ["SAMINC|2026-11-29"]
    early_december = dt.datetime(2026, 12, 4, 14, 30, tzinfo=dt.timezone.utc)
    requests, _ = _evaluate(platform.defs, "sage300_saminc_close_window", early_december, platform.instance)
    assert [r.partition_key for r in requests] == ["SAMINC|2026-12-04"]
    outside = dt.datetime(2026, 11, 15, 10, 30, tzinfo=dt.timezone.utc)
    requests, skip = _evaluate(platform.defs, "sage300_saminc_close_window", outside, platform.instance)
    assert requests == [] and "outside" in skip


def test_close_window_never_requests_a_day_the_partition_calendar_has_not_opened(platform, monkeypatch):
    from dagster._core.test_utils import freeze_time

    # Partitions follow UTC; Auckland (UTC+13 in November) is already on Nov 30 at 11:30 UTC on Nov 29, when
    # the last partition is Nov 29. A request for SAMINC|2026-11-30 would fail the tick.
    p = make_platform(platform.sim, platform.home / "nz", monkeypatch, SAGE300_COMPANY_TIMEZONES="SAMINC=Pacific/Auckland")
    when = dt.datetime(2026, 11, 29, 11, 30, tzinfo=dt.timezone.utc)
    with freeze_time(when):
        requests, skip = _evaluate(p.defs, "sage300_saminc_close_window", when, p.instance)
    assert requests == [] and "2026-11-30 has no partition yet" in skip and "future" in skip


@pytest.fixture
def live(tmp_path, monkeypatch):
    # The sensor compares Sage's edit dates with today, so this simulator lives in the real present.
    with run_simulator(SimulatorConfig(seed=5, days=40, scale=0.3)) as sim:
        yield make_platform(sim, tmp_path, monkeypatch)


def test_an_edit_to_an_old_open_batch_reruns_only_that_partition(live):
    sensor = live.defs.resolve_sensor_def(SENSOR_NAME)
    resources = {"sage300": live.defs.resources["sage300"]}
    repo = live.defs.get_repository_def()

    def tick(cursor=None):
        with dg.build_sensor_context(instance=live.instance, cursor=cursor, resources=resources,
                                     repository_def=repo) as ctx:
            return sensor.evaluate_tick(ctx)

    today = live.sim.db.today
    # A batch entered three weeks ago and still open (the kind of edit a close brings).
    batch = live.sim.db.insert_batch("SAMLTD", "APInvoiceBatches", batch_date=today - dt.timedelta(days=21))

    first = tick()
    assert first.run_requests == []  # a baseline, not a flood
    quiet = tick(first.cursor)
    assert quiet.run_requests == []

    live.sim.db.edit_batch("SAMLTD", "APInvoiceBatches", batch["BatchNumber"], delta="25.00")

    changed = tick(quiet.cursor)
    assert [r.partition_key for r in changed.run_requests] == [f"SAMLTD|{batch['BatchDate'].isoformat()}"]
    selected = {k.path[-1] for k in changed.run_requests[0].asset_selection}
    assert selected == {"ap_invoice_batches"}  # the resource's one asset (its invoices and lines ride in it)
    assert json.loads(changed.cursor)["APInvoiceBatches|SAMLTD"]["since"] == today.isoformat()

    assert tick(changed.cursor).run_requests == []  # the same edit is not requested twice


def test_future_and_pre_start_documents_are_reported_and_the_cursor_moves_on(live):
    sensor = live.defs.resolve_sensor_def(SENSOR_NAME)
    resources = {"sage300": live.defs.resources["sage300"]}

    def tick(cursor=None):
        with dg.build_sensor_context(instance=live.instance, cursor=cursor, resources=resources,
                                     repository_def=live.defs.get_repository_def()) as ctx:
            return sensor.evaluate_tick(ctx)

    today = live.sim.db.today
    first = tick()
    # make_platform's first partition is today − 60 (SAGE300_START_DATE); the last is today.
    db = live.sim.db
    future = db.redate_batch("SAMLTD", "APInvoiceBatches", db.insert_batch("SAMLTD", "APInvoiceBatches")["BatchNumber"],
                             today + dt.timedelta(days=10))  # a typo in the year, a post-dated batch
    ancient = db.redate_batch("SAMLTD", "APInvoiceBatches", db.insert_batch("SAMLTD", "APInvoiceBatches")["BatchNumber"],
                              today - dt.timedelta(days=90))
    fine = live.sim.db.insert_batch("SAMLTD", "APInvoiceBatches", batch_date=today - dt.timedelta(days=5))

    result = tick(first.cursor)
    assert [r.partition_key for r in result.run_requests] == [f"SAMLTD|{fine['BatchDate'].isoformat()}"]
    state = json.loads(result.cursor)["APInvoiceBatches|SAMLTD"]
    assert state["since"] == today.isoformat()  # the cursor moved on
    reported = state["outside_partitions"]
    assert "future" in reported[future["BatchDate"].isoformat()]
    assert "SAGE300_START_DATE" in reported[ancient["BatchDate"].isoformat()]
    assert future["BatchDate"].isoformat() in state["pending"]  # requested once its day exists
    assert ancient["BatchDate"].isoformat() not in state["pending"]
    assert tick(result.cursor).run_requests == []  # nothing failed, nothing requested twice


def test_marts_and_looker_refresh_once_a_night_after_their_sage_inputs_landed(platform):
    """The cycle opens at 01:45 UTC (masters' time). Before every Sage table dbt reads has been loaded since
    then, nothing is requested; once they are, dbt and the Looker refresh are requested together, once."""
    night = dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc)

    def evaluate(at, cursor=None):
        return dg.evaluate_automation_conditions(defs=platform.defs, instance=platform.instance,
                                                 evaluation_time=night + at, cursor=cursor)

    mart, looker = dg.AssetKey(["marts", "ap_aging"]), dg.AssetKey(["looker", "refresh"])

    def requested(result):
        return {k for k in (mart, looker) if result.get_num_requested(k)}

    before = evaluate(dt.timedelta(hours=1))
    opened = evaluate(dt.timedelta(hours=1, minutes=50), before.cursor)
    # The cycle opened but no Sage table was loaded in it: no mart, no Looker (dbt seeds without inputs may go).
    assert not {mart, looker} & requested(before) and not {mart, looker} & requested(opened)
    # What the cycle's opening did request (dbt seeds and models that read no Sage table) runs, as the
    # automation sensor's run would.
    roots = [k for k in platform.defs.resolve_asset_graph().get_all_asset_keys() if opened.get_num_requested(k)]
    job = platform.defs.resolve_implicit_global_asset_job_def()
    assert job.execute_in_process(asset_selection=roots, instance=platform.instance).success
    assert sync(platform.defs, "SAMINC", TODAY - dt.timedelta(days=2), TODAY, instance=platform.instance).success
    waiting = evaluate(dt.timedelta(hours=2, minutes=20), opened.cursor)
    # Looker waits for every mart; the inventory marts wait for the night's inventory snapshot.
    assert waiting.get_num_requested(mart) == 1 and not waiting.get_num_requested(looker)
    assert not waiting.get_num_requested(dg.AssetKey(["marts", "fct_inventory_daily"]))
    # The snapshot can only be captured on its own day and the simulator's today is pinned in the past, so
    # its capture is reported the way the inventory asset's run reports it.
    platform.instance.report_runless_asset_event(dg.AssetMaterialization(
        dg.AssetKey(["sage300", "ic_item_snapshots"]), partition=f"SAMINC|{TODAY.isoformat()}"))
    landed = evaluate(dt.timedelta(hours=2, minutes=20), opened.cursor)
    assert {mart, looker} <= requested(landed)
    assert landed.get_num_requested(looker) == 1
    again = evaluate(dt.timedelta(hours=3), landed.cursor)
    assert not {mart, looker} & requested(again)  # once per night

def _ticker(live):
    sensor = live.defs.resolve_sensor_def(SENSOR_NAME)
    resources = {"sage300": live.defs.resources["sage300"]}
    repo = live.defs.get_repository_def()

    def tick(cursor=None):
        with dg.build_sensor_context(instance=live.instance, cursor=cursor, resources=resources,
                                     repository_def=repo) as ctx:
            return sensor.evaluate_tick(ctx)
    return tick


def _run_requests(live, requests) -> None:
    job = live.defs.resolve_job_def("sage300_transactions_only_job")
    for request in requests:
        assert job.execute_in_process(instance=live.instance, partition_key=request.partition_key,
                                      asset_selection=request.asset_selection, tags=request.tags).success


def _batch_dates(live, company, number) -> list[str]:
    return [r["d"] for r in live.query("SELECT CAST(batch_date AS VARCHAR) AS d FROM sage300.ap_invoice_batches "
                                       "WHERE company_id = ? AND batch_number = ?", [company, number])]


def test_a_batch_deleted_in_sage_leaves_the_warehouse_without_manual_action(live):
    tick, db = _ticker(live), live.sim.db
    day = db.today - dt.timedelta(days=10)
    batch = db.insert_batch("SAMLTD", "APInvoiceBatches", batch_date=day)  # open, so Sage lets it be deleted
    assert sync(live.defs, "SAMLTD", day, day, instance=live.instance).success
    quiet = tick(tick().cursor)
    assert quiet.run_requests == []  # warehouse and Sage agree

    db.delete_batch("SAMLTD", "APInvoiceBatches", batch["BatchNumber"])
    changed = tick(quiet.cursor)
    assert [r.partition_key for r in changed.run_requests] == [f"SAMLTD|{day.isoformat()}"]
    _run_requests(live, changed.run_requests)
    with db.lock:
        expected = sum(1 for b in db.records("SAMLTD", "APInvoiceBatches") if b["BatchDate"] == day)
    got = live.query("SELECT COUNT(*) AS n FROM sage300.ap_invoice_batches WHERE company_id = 'SAMLTD' "
                     "AND batch_date = ?", [day])
    assert _batch_dates(live, "SAMLTD", batch["BatchNumber"]) == [] and got[0]["n"] == expected


def test_a_batch_re_dated_in_sage_moves_in_the_warehouse_without_manual_action(live):
    tick, db = _ticker(live), live.sim.db
    old, new = db.today - dt.timedelta(days=12), db.today - dt.timedelta(days=9)
    batch = db.insert_batch("SAMLTD", "APInvoiceBatches", batch_date=old)
    assert sync(live.defs, "SAMLTD", old, new, instance=live.instance).success
    quiet = tick(tick().cursor)
    assert quiet.run_requests == []

    db.redate_batch("SAMLTD", "APInvoiceBatches", batch["BatchNumber"], new)
    changed = tick(quiet.cursor)
    # the new date (the edit) and the old one (one batch fewer there than in the warehouse)
    assert sorted(r.partition_key for r in changed.run_requests) == [f"SAMLTD|{old.isoformat()}",
                                                                      f"SAMLTD|{new.isoformat()}"]
    _run_requests(live, changed.run_requests)
    assert _batch_dates(live, "SAMLTD", batch["BatchNumber"]) == [new.isoformat()]
