"""A Python asset downstream of a Sage table gets exactly its partition's slice back (duckdb 2.x load path)."""

import datetime as dt
from decimal import Decimal

import dagster as dg
import polars as pl

from sage_looker.commands.runner import sync
from sage_looker.defs.sage300.assets import asset_key

from .conftest import TODAY


def test_load_input_returns_the_partition_slice_with_decimals(platform):
    day = TODAY - dt.timedelta(days=4)
    assert sync(platform.defs, "SAMLTD", day - dt.timedelta(days=2), day, instance=platform.instance).success
    upstream = platform.defs.resolve_assets_def(asset_key("ap_invoice_batches"))
    parts = upstream.partitions_def
    seen = {}

    @dg.asset(partitions_def=parts, ins={"batches": dg.AssetIn(asset_key("ap_invoice_batches"))},
              io_manager_key="mem")
    def invoice_totals(batches: pl.DataFrame) -> None:
        seen["frame"] = batches

    result = dg.materialize(
        [*upstream.to_source_assets(), invoice_totals], instance=platform.instance,
        partition_key=dg.MultiPartitionKey({"company": "SAMLTD", "date": day.isoformat()}),
        resources={"mem": dg.mem_io_manager})
    assert result.success
    frame = seen["frame"]
    expected = platform.query("SELECT COUNT(*) AS n, SUM(batch_total) AS s FROM sage300.ap_invoice_batches "
                              "WHERE company_id = 'SAMLTD' AND batch_date = ?", [day])[0]
    assert frame.height == expected["n"] > 0
    assert set(frame["company_id"]) == {"SAMLTD"} and set(frame["batch_date"]) == {day}
    assert isinstance(frame["batch_total"].dtype, pl.Decimal)
    assert sum(frame["batch_total"].to_list(), Decimal(0)) == expected["s"]
