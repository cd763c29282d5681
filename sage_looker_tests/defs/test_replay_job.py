"""Replay is a visible choice: its own job, with a description, that rebuilds partitions from the raw page
archive without asking Sage."""

import datetime as dt

import dagster as dg

from sage_looker.commands.runner import sync
from sage_looker.defs.sage300.jobs import REPLAY_JOB

from .conftest import TODAY

DAY = TODAY - dt.timedelta(days=4)
LINES = "SELECT company_id, batch_number, entry_number, line_number, distributed_amount, _record_hash " \
        "FROM sage300.ap_invoice_lines WHERE company_id = 'SAMINC' ORDER BY ALL"


def test_the_replay_job_rebuilds_from_the_archive_with_zero_sage_requests(platform):
    job = platform.defs.resolve_job_def(REPLAY_JOB)
    assert "archive" in job.description and "zero Sage requests" in job.description
    assert sync(platform.defs, "SAMINC", DAY, DAY, instance=platform.instance).success
    before = platform.query(LINES)
    platform.sim.reset_log()

    result = job.execute_in_process(partition_key=f"SAMINC|{DAY.isoformat()}", instance=platform.instance)
    assert result.success
    assert platform.sim.request_count() == 0  # Sage was not asked
    assert platform.query(LINES) == before and before  # the same rows, rewritten from the archive
    event = platform.instance.get_latest_materialization_event(dg.AssetKey(["sage300", "ap_invoice_batches"]))
    metadata = event.asset_materialization.metadata
    assert metadata["source"].value == "archive" and event.run_id == result.run_id
    assert "sage_budget_left" not in metadata  # no "-1 requests left" for a run that asked Sage nothing
