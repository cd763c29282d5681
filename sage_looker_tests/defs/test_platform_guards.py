"""What must never happen to a finance warehouse: half-written partitions, silently dropped fields,
transactions pointing at vendors nobody loaded."""

import datetime as dt
from decimal import Decimal

import pytest

from sage_looker.commands.runner import sync
from sage_looker.warehouse.duckdb_backend import DuckDBWarehouse

from .conftest import TODAY

DAY = TODAY - dt.timedelta(days=3)


def _open_ap_batch(sim, company="SAMINC"):
    with sim.db.lock:
        for rec in sim.db.records(company, "APInvoiceBatches"):
            if rec["BatchStatus"] != "Posted":
                return rec
    raise AssertionError("the simulator has no open AP batch")


def test_a_failure_between_delete_and_insert_leaves_the_old_slice_of_parent_and_children(platform, monkeypatch):
    assert sync(platform.defs, "SAMINC", DAY, DAY, instance=platform.instance).success
    snapshot = "SELECT COUNT(*) AS n, SUM(document_total_including_tax) AS s FROM sage300.ap_invoices"
    lines = "SELECT COUNT(*) AS n, SUM(distributed_amount) AS s FROM sage300.ap_invoice_lines"
    before = platform.query(snapshot), platform.query(lines)
    assert before[0][0]["n"] > 0

    real_insert = DuckDBWarehouse._insert_rows

    def failing_insert(self, con, table_name, data):
        if table_name == "ap_invoice_lines":
            raise OSError("disk full while writing ap_invoice_lines")
        return real_insert(self, con, table_name, data)

    monkeypatch.setattr(DuckDBWarehouse, "_insert_rows", failing_insert)
    summary = sync(platform.defs, "SAMINC", DAY, DAY, masters=False, instance=platform.instance)
    assert not summary.success
    assert any("disk full" in f for f in summary.failures)
    assert (platform.query(snapshot), platform.query(lines)) == before


def test_a_field_sage_adds_appears_as_a_new_column(platform):
    platform.sim.db.add_field("APInvoiceBatches", "RetainageTotal", Decimal("12.345"), collection="ap_invoices")
    assert sync(platform.defs, "SAMINC", DAY, DAY, instance=platform.instance).success
    rows = platform.query("SELECT retainage_total FROM sage300.ap_invoices WHERE batch_date = ?", [DAY])
    assert rows and all(r["retainage_total"] == Decimal("12.345") for r in rows)


def test_the_referential_check_blocks_a_dangling_vendor(platform):
    assert sync(platform.defs, "SAMINC", TODAY, TODAY, instance=platform.instance).success
    today_rows = "SELECT * FROM sage300.ap_invoices WHERE company_id = 'SAMINC' ORDER BY ALL"
    before = platform.query(today_rows)
    platform.sim.db.add_dangling_reference("SAMINC", "APInvoiceBatches")
    summary = sync(platform.defs, "SAMINC", TODAY, TODAY, masters=False, instance=platform.instance)
    assert not summary.success
    # Decided before the slice was committed: the ghost vendor never reached the warehouse (nor the marts
    # built from it), and the day keeps its previous rows.
    assert not platform.query("SELECT 1 FROM sage300.ap_invoices WHERE vendor_number = 'ZZ9999'")
    assert platform.query(today_rows) == before
    checks = [e for r in summary.run_ids for e in platform.instance.all_logs(r)
              if e.dagster_event and e.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"]
    failed = [e.dagster_event.event_specific_data for e in checks if not e.dagster_event.event_specific_data.passed]
    assert failed and "ZZ9999" in failed[0].description and "ap_vendors" in failed[0].description


def test_an_unknown_company_is_refused_with_the_fix(platform):
    from click.testing import CliRunner
    from sage_looker.cli import main
    result = CliRunner().invoke(main, ["sync", "--company", "NOPE1", "--start", "2026-11-01", "--end", "2026-11-02"])
    assert result.exit_code != 0 and "SAGE300_COMPANIES" in result.output
