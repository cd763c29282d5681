"""The Sage asset's output metadata sums its slices' reads field by field (`ReadTotals`)."""

import datetime as dt

from sage_looker.audit.ledger import SliceInfo
from sage_looker.defs.sage300.assets import ReadTotals
from sage_looker.defs.warehouse.payloads import ResourceLoad, Slice
from sage_looker.sage300 import catalog
from sage_looker.sage300.reads import ReadStats

D1, D2 = dt.date(2026, 11, 1), dt.date(2026, 11, 2)


def test_sage_reads_sum_per_field_and_keep_each_company_filter():
    totals = ReadTotals()
    totals.add_sage(Slice("SAMINC", D1, D2), ReadStats(requests=3, pages=2, bytes=1000, retries=1, budget_left=97,
                                                      odata_filter="BatchDate ge 2026-11-01"))
    totals.add_sage(Slice("SAMLTD", D1, D2), ReadStats(requests=2, pages=1, bytes=500, retries=0, budget_left=95))
    load = ResourceLoad(catalog.resource("APInvoiceBatches"))
    md = totals.metadata(load, replay=False, seconds=1.23456)
    # 3 + 2 requests, 2 + 1 pages, 1000 + 500 bytes, 1 + 0 retries; the budget left after the LAST read (95)
    assert (md["sage_requests"], md["pages"], md["bytes"], md["retries"]) == (5, 3, 1500, 1)
    assert md["sage_budget_left"] == 95 and md["seconds"] == 1.235 and md["source"] == "sage"
    assert md["odata_filter"].value == "SAMINC: BatchDate ge 2026-11-01"  # SAMLTD's read had no filter


def test_archive_replays_count_pages_and_bytes_and_no_budget():
    totals = ReadTotals()
    for pages, size in ((4, 4096), (1, 10)):
        totals.add_archive(SliceInfo(run_id="r", asset="ap_invoice_batches", module="AP",
                                     resource="AP/APInvoiceBatches", company="SAMINC", pages=pages, bytes=size,
                                     manifest=f"manifests/m{pages}.json", source="archive"))
    load = ResourceLoad(catalog.resource("APInvoiceBatches"))
    md = totals.metadata(load, replay=True, seconds=0)
    assert (md["sage_requests"], md["pages"], md["bytes"]) == (0, 5, 4106)  # 4 + 1 pages, 4096 + 10 bytes
    assert "sage_budget_left" not in md and md["source"] == "archive"
    assert md["odata_filter"].value == "(none: full read)"
