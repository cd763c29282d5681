"""A resource one company's Sage lacks (HTTP 404 on the read's first request) is skipped for that company only:
the other companies' slices load, and only their partitions are reported materialized."""

import datetime as dt

import dagster as dg

from sage_looker.commands.runner import RANGE_END, RANGE_START, sync
from sage_looker.defs.sage300.jobs import MASTERS_JOB
from sage_looker.defs.sage300.skips import SKIPPED_TAG

from .conftest import TODAY


def _materialized(platform, table, run_id):
    records = platform.instance.fetch_materializations(dg.AssetKey(["sage300", table]), limit=1000).records
    return {r.asset_materialization.partition for r in records if r.run_id == run_id}


def test_a_master_missing_for_one_company_loads_the_other_and_marks_only_it(platform):
    # SAMLTD's Sage has no AP module activated; SAMINC's has. One masters run for both companies.
    platform.sim.config.missing_resources = {"SAMLTD/APVendors"}
    job = platform.defs.resolve_job_def(MASTERS_JOB)
    result = job.execute_in_process(instance=platform.instance, raise_on_error=False,
                                    tags={RANGE_START: "SAMINC", RANGE_END: "SAMLTD"})
    assert result.success
    run = result.run_id
    assert _materialized(platform, "ar_customers", run) == {"SAMINC", "SAMLTD"}
    assert _materialized(platform, "ap_vendors", run) == {"SAMINC"}  # not the skipped SAMLTD partition
    assert "SAMLTD" in platform.instance.get_run_by_id(run).tags[SKIPPED_TAG]
    # SAMINC's vendors are in the warehouse, exactly as the simulator holds them; SAMLTD has none.
    with platform.sim.db.lock:
        expected = sorted(v["VendorNumber"] for v in platform.sim.db.records("SAMINC", "APVendors"))
    rows = platform.query("SELECT company_id, vendor_number, _run_id FROM sage300.ap_vendors")
    assert sorted(r["vendor_number"] for r in rows if r["company_id"] == "SAMINC") == expected
    assert {r["company_id"] for r in rows} == {"SAMINC"} and {r["_run_id"] for r in rows} == {run}


def test_a_transaction_resource_missing_is_not_reported_materialized(platform):
    day = TODAY - dt.timedelta(days=2)
    platform.sim.config.missing_resources = {"SAMLTD/POPurchaseOrders"}
    summary = sync(platform.defs, "SAMLTD", day, TODAY, instance=platform.instance)
    assert summary.success
    run = summary.run_ids[-1]
    assert _materialized(platform, "po_purchase_orders", run) == set()
    assert len(_materialized(platform, "ap_invoice_batches", run)) == 3
    assert "POPurchaseOrders" in platform.instance.get_run_by_id(run).tags[SKIPPED_TAG]
    warnings = [e.message for e in platform.instance.all_logs(run) if e.level >= 30 and "NOT loaded" in e.message]
    assert warnings and "SAMLTD" in warnings[0]
    checks = [e.dagster_event.event_specific_data for e in platform.instance.all_logs(run)
              if e.dagster_event and e.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"
              and e.dagster_event.event_specific_data.asset_key.path[-1] == "po_purchase_orders"]
    assert [c.passed for c in checks] == [False]  # a check over nothing never passes
