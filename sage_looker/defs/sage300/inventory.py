"""Daily inventory snapshot (item quantities × average cost) from ICItems, partitioned company × date.

Sage only reports quantities as they are now, so a snapshot can be captured only on its own day (or within
a grace period after midnight, which is when the nightly run executes). Re-materializing an older date
is refused: writing today's quantities into a past date would corrupt inventory turnover.
"""


import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pyarrow as pa

from sage_looker.defs.sage300.assets import IO_MANAGER_KEY, SAGE_POOL, asset_key, column_schema
from sage_looker.defs.sage300.config import PlatformConfig
from sage_looker.defs.sage300.partitions import Partitions, windows_for_keys
from sage_looker.defs.sage300.resources import Sage300Resource
from sage_looker.defs.warehouse.payloads import ResourceLoad, Slice
from sage_looker.sage300 import catalog

SNAPSHOT = catalog.IC_ITEM_SNAPSHOTS


class SnapshotDateRefused(dg.Failure):
    pass


def capturable_dates(now_utc: dt.datetime, tz: str, grace_hours: int) -> set[dt.date]:
    """Dates whose snapshot may still be taken now: today, and yesterday during the grace period."""
    local = now_utc.astimezone(ZoneInfo(tz))
    dates = {local.date()}
    if local.hour < grace_hours:
        dates.add(local.date() - dt.timedelta(days=1))
    return dates


def snapshot_rows(items: pa.Table, day: dt.date) -> pa.Table:
    """Project the ic_items table onto the snapshot schema, stamping the snapshot date."""
    cols = SNAPSHOT.root_table.column_types()
    out = {}
    for name, ctype in cols.items():
        if name == "snapshot_date":
            out[name] = pa.array([day] * items.num_rows, type=pa.date32())
        elif name in items.column_names:
            out[name] = items.column(name).cast(ctype.arrow)
        else:
            out[name] = pa.nulls(items.num_rows, type=ctype.arrow)
    for lineage in ("_source_url", "_record_hash"):
        if lineage in items.column_names:
            out[lineage] = items.column(lineage)
    return pa.table(out)


def build_inventory_snapshot_asset(parts: Partitions, config: PlatformConfig) -> dg.AssetsDefinition:
    @dg.asset(
        key=asset_key(SNAPSHOT.table),
        partitions_def=parts.company_date,
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=[dg.AssetDep(asset_key("ic_items"),
                          partition_mapping=dg.MultiToSingleDimensionPartitionMapping("company"))],
        io_manager_key=IO_MANAGER_KEY,
        pool=SAGE_POOL,
        group_name="sage300_inventory",
        description=SNAPSHOT.description,
        metadata={"dagster/column_schema": column_schema(SNAPSHOT.root_table),
                  "dagster/table_name": f"sage300.{SNAPSHOT.table}"},
        kinds={"sage300", "duckdb"},
    )
    def ic_item_snapshots(context: dg.AssetExecutionContext, sage300: Sage300Resource):
        now = dt.datetime.now(dt.timezone.utc)
        windows = windows_for_keys(list(context.partition_keys))
        refused = []
        for w in windows:
            allowed = capturable_dates(now, config.company_timezone(w.company), config.snapshot_grace_hours)
            days = [w.start + dt.timedelta(days=i) for i in range((w.end - w.start).days + 1)]
            refused += [f"{w.company}|{d}" for d in days if d not in allowed]
        if refused:
            raise SnapshotDateRefused(
                description=(
                    f"Cannot capture inventory snapshots for {', '.join(refused[:5])}"
                    f"{'…' if len(refused) > 5 else ''}: Sage 300 reports only current quantities, so a past "
                    "snapshot cannot be re-read. Only today's date (and yesterday's within "
                    f"{config.snapshot_grace_hours} h after midnight) can be materialized; past snapshots are "
                    "kept as captured."
                )
            )
        client = sage300.client_for_run(context.run_id)
        load = ResourceLoad(SNAPSHOT)
        for w in windows:
            items = client.read_resource(catalog.IC_ITEMS, w.company).tables["ic_items"]
            for i in range((w.end - w.start).days + 1):
                day = w.start + dt.timedelta(days=i)
                load.slices.append((Slice(w.company, day, day), {SNAPSHOT.table: snapshot_rows(items, day)}))
        rows = load.rows()[SNAPSHOT.table]
        return dg.Output(load, metadata={"dagster/row_count": rows, "dagster/partition_row_count": rows})

    return ic_item_snapshots
