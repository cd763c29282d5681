"""A newcomer's first run reads clean: on the bundled simulator with no faults, nothing is logged at WARNING.

A WARNING means "someone should act". Fields Sage added that the catalog does not declare are normal after an
upgrade and are noted at INFO; Sage's framework properties (`UpdateOperation`) are dropped on purpose.
"""

import datetime as dt
import logging

from sage_looker.commands.runner import sync

from .conftest import TODAY


def test_a_clean_sync_logs_no_warning_and_notes_extra_fields_at_info(platform):
    summary = sync(platform.defs, "SAMINC", TODAY - dt.timedelta(days=6), TODAY, instance=platform.instance)
    assert summary.success, summary.failures
    entries = [e for run_id in summary.run_ids for e in platform.instance.all_logs(run_id)]
    warnings = [e.user_message for e in entries if e.level >= logging.WARNING]
    assert warnings == []
    info = [e.user_message for e in entries if e.level == logging.INFO]
    assert not any("update_operation" in m for m in info)  # dropped, not kept as a column
    columns = {r["column_name"] for r in platform.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'sage300'")}
    assert "update_operation" not in columns
