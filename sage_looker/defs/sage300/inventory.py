"""Daily inventory snapshot (item quantities × average cost) from ICItems, partitioned company × date.

Sage only reports quantities as they are now, so a snapshot can be captured only on its own day (or within
a grace period after midnight, which is when the nightly run executes). Re-materializing an older date
never reads Sage (writing today's quantities into a past date would corrupt inventory turnover): it replays
the archived capture of that date (raw ICItems pages kept by the audit trail), and is refused when none exists.
"""


import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pyarrow as pa

from sage_looker.defs.sage300.retries import sage_retry_policy
from sage_looker.audit.archive import PageArchive
from sage_looker.audit.replay import find_manifests, runs_of
from sage_looker.defs.sage300.assets import IO_MANAGER_KEY, SAGE_POOL, asset_key, column_schema, row_count_metadata
from sage_looker.defs.sage300.config import PlatformConfig
from sage_looker.defs.sage300.loading import fetched, from_archive, read_from_archive, read_from_sage
from sage_looker.defs.sage300.partitions import (Partitions, backfill_policy, require_consistent_partition_tags,
                                                 windows_for_keys)
from sage_looker.defs.sage300.resources import Sage300Resource
from sage_looker.defs.warehouse.payloads import ResourceLoad, Slice
from sage_looker.defs.warehouse.resources import PageArchiveResource, WarehouseResource
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


def _snapshot_shape(tables: dict[str, pa.Table], sl: Slice) -> dict[str, pa.Table]:
    """One capture of ic_items → the snapshot rows of every day of the slice."""
    days = [sl.start + dt.timedelta(days=i) for i in range((sl.end - sl.start).days + 1)]
    return {SNAPSHOT.table: pa.concat_tables([snapshot_rows(tables["ic_items"], d) for d in days])}


def _refuse_unarchived(warehouse, archive: PageArchive, past: list[Slice], replay: bool, grace_hours: int) -> None:
    """Past snapshots come back from their archived capture; without one they cannot come back at all."""
    refused = []
    if past:
        with warehouse.open() as wh:
            for sl in past:
                days = [sl.start + dt.timedelta(days=i) for i in range((sl.end - sl.start).days + 1)]
                found = find_manifests(wh, archive, SNAPSHOT.table, sl.company, days)
                refused += [f"{sl.company}|{d}" for d in days if d not in found]
    if refused:
        why = ("no archived capture exists for them" if replay else
               "Sage 300 reports only current quantities, so a past snapshot cannot be re-read, and no archived "
               "capture of these dates exists to replay")
        raise SnapshotDateRefused(
            description=(
                f"Cannot capture inventory snapshots for {', '.join(refused[:5])}"
                f"{'…' if len(refused) > 5 else ''}: {why}. Only today's date (and yesterday's within "
                f"{grace_hours} h after midnight) can be captured; past snapshots are kept as captured, "
                "and re-materialized from the raw page archive when their capture was archived."
            )
        )


def build_inventory_snapshot_asset(parts: Partitions, config: PlatformConfig) -> dg.AssetsDefinition:
    @dg.asset(
        key=asset_key(SNAPSHOT.table),
        partitions_def=parts.company_date,
        backfill_policy=backfill_policy(),
        deps=[dg.AssetDep(asset_key("ic_items"),
                          partition_mapping=dg.MultiToSingleDimensionPartitionMapping("company"))],
        io_manager_key=IO_MANAGER_KEY,
        pool=SAGE_POOL,
        retry_policy=sage_retry_policy(),
        group_name="sage300_inventory",
        description=SNAPSHOT.description,
        metadata={"dagster/column_schema": column_schema(SNAPSHOT.root_table),
                  "dagster/table_name": f"sage300.{SNAPSHOT.table}"},
        kinds={"sage300"},
    )
    def ic_item_snapshots(context: dg.AssetExecutionContext, sage300: Sage300Resource, warehouse: WarehouseResource,
                          page_archive: PageArchiveResource):
        require_consistent_partition_tags(context)
        now = dt.datetime.now(dt.timezone.utc)
        windows = windows_for_keys(list(context.partition_keys))
        archive = page_archive.archive()
        replay = from_archive(context)
        capture: list[Slice] = []  # read from Sage now
        past: list[Slice] = []  # rebuilt from the archived capture of their day
        for w in windows:
            allowed = set() if replay else capturable_dates(
                now, config.company_timezone(w.company), config.snapshot_grace_hours)
            days = [w.start + dt.timedelta(days=i) for i in range((w.end - w.start).days + 1)]
            for group, keep in ((capture, True), (past, False)):
                group += [Slice(w.company, s, e) for s, e in runs_of([d for d in days if (d in allowed) == keep])
                          if s is not None]
        _refuse_unarchived(warehouse, archive, past, replay, config.snapshot_grace_hours)
        load = ResourceLoad(SNAPSHOT, archive=archive)
        for sl in past:
            for part, tables, info in read_from_archive(context, catalog.IC_ITEMS, sl, archive, warehouse,
                                                        asset=SNAPSHOT.table, shape=_snapshot_shape):
                load.slices.append((part, tables))
                load.audit[part] = info
        if capture:
            client = sage300.client_for_run(context.run_id)
            for sl in capture:
                result, info = read_from_sage(context, client, catalog.IC_ITEMS, sl, archive, warehouse,
                                              asset=SNAPSHOT.table)
                load.slices.append((sl, _snapshot_shape(result.tables, sl)))
                load.audit[sl] = info
        fetched(SNAPSHOT.table)
        rows = load.rows()[SNAPSHOT.table]
        return dg.Output(load, metadata={**row_count_metadata(len(context.partition_keys), rows),
                                         "captured_now": len(capture), "replayed_from_archive": len(past)})

    return ic_item_snapshots
