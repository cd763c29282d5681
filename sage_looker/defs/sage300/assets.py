"""Sage 300 assets, generated from the catalog: one asset per resource (its child tables ride in its output).

Masters are partitioned by company; transactions by company × date and depend on their company's
masters. Every asset reads Sage in the `sage300` pool and writes through the warehouse IO manager.
"""

import time
from dataclasses import dataclass, field

import dagster as dg

from sage_looker.audit.archive import PageArchive
from sage_looker.audit.ledger import SliceInfo
from sage_looker.defs.sage300.checks import reference_check_results, reference_check_specs
from sage_looker.defs.sage300.loading import fetched, from_archive, read_from_archive, read_from_sage
from sage_looker.defs.sage300.skips import partial_materializations
from sage_looker.defs.sage300.partitions import (Partitions, Window, backfill_policy,
                                                 require_consistent_partition_tags, windows_for_keys)
from sage_looker.defs.sage300.resources import Sage300Resource
from sage_looker.defs.sage300.retries import no_retry_for_permanent_errors, sage_retry_policy
from sage_looker.defs.warehouse.payloads import ResourceLoad, Slice
from sage_looker.defs.warehouse.resources import PageArchiveResource, WarehouseResource
from sage_looker.sage300 import catalog
from sage_looker.sage300.catalog_model import Resource, Table
from sage_looker.sage300.errors import SageResourceMissing
from sage_looker.sage300.reads import ReadStats

SAGE_POOL = "sage300"
IO_MANAGER_KEY = "warehouse_io_manager"


def asset_key(table_name: str) -> dg.AssetKey:
    return dg.AssetKey(["sage300", table_name])


def column_schema(table: Table) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(name, ctype.sql) for name, ctype in table.column_types().items()]
    )


def _outs(resource: Resource) -> dict[str, dg.AssetOut]:
    """One output per resource: its child tables (invoices, lines) are written in the root table's
    transaction and are not assets of their own. A range run materializes every output once per partition,
    so each child output cost 365 events a year for nothing a user reads (issue 15); dbt's sources of the
    child tables name the root asset (dbt_sources.py), which keeps the lineage to the marts."""
    t = resource.root_table
    children = [c.name for c in resource.tables[1:]]
    return {
        t.name: dg.AssetOut(
            key=asset_key(t.name),
            io_manager_key=IO_MANAGER_KEY,
            is_required=False,
            description=resource.description + (f" (with {', '.join(children)})" if children else ""),
            metadata={
                "dagster/column_schema": column_schema(t),
                "dagster/table_name": f"sage300.{t.name}",
                "sage300/resource": resource.path,
                "sage300/natural_key": ", ".join(t.key_columns),
                **({"sage300/child_tables": ", ".join(f"sage300.{c}" for c in children)} if children else {}),
            },
            kinds={"sage300"},
        )
    }


def _master_deps(resource: Resource) -> list[dg.AssetDep]:
    masters = sorted({ref.master_table for t in resource.tables for ref in t.refs})
    mapping = dg.MultiToSingleDimensionPartitionMapping(partition_dimension_name="company")
    return [dg.AssetDep(asset_key(m), partition_mapping=mapping) for m in masters]


def _slices(keys: list[str], resource: Resource) -> list[Slice]:
    if resource.kind == "master":
        return [Slice(company=k) for k in keys]
    return [Slice(w.company, w.start, w.end) for w in windows_for_keys(keys)]


def row_count_metadata(partitions: int, rows: int) -> dict:
    """Dagster copies output metadata onto every partition a run materializes, so the standard row count is
    only true for a one-partition run; a range run reports its total under its own name instead."""
    n = partitions
    if n <= 1:
        return {"dagster/row_count": rows, "dagster/partition_row_count": rows}
    return {"rows_in_run": rows, "partitions_in_run": n}


@dataclass
class ReadTotals:
    """What one run of a Sage asset read, summed over its slices: its output metadata."""

    requests: int = 0
    pages: int = 0
    bytes: int = 0
    retries: int = 0
    filters: list[str] = field(default_factory=list)  # "<company>: <OData $filter>" per slice read from Sage
    budget_left: int | None = None  # the run's Sage request budget after the last read (None: Sage not asked)

    def add_sage(self, sl: Slice, stats: ReadStats) -> None:
        self.requests += stats.requests
        self.pages += stats.pages
        self.bytes += stats.bytes
        self.retries += stats.retries
        if stats.odata_filter:
            self.filters.append(f"{sl.company}: {stats.odata_filter}")
        self.budget_left = stats.budget_left

    def add_archive(self, info: SliceInfo) -> None:
        self.pages += info.pages
        self.bytes += info.bytes

    def metadata(self, load: ResourceLoad, *, replay: bool, seconds: float) -> dict:
        return {
            "sage_requests": self.requests,
            # no "-1 requests left" for a run that asked Sage nothing
            **({} if replay else {"sage_budget_left": self.budget_left if self.budget_left is not None else -1}),
            "pages": self.pages,
            "bytes": self.bytes,
            "retries": self.retries,
            "seconds": round(seconds, 3),
            "odata_filter": dg.MetadataValue.text("\n".join(self.filters) or "(none: full read)"),
            "source": "archive" if replay else "sage",
            "archive_manifests": dg.MetadataValue.json(sorted({i.manifest for i in load.audit.values() if i.manifest})),
        }


def read_slices(context, resource: Resource, slices: list[Slice], sage300: Sage300Resource,
                warehouse: WarehouseResource, archive: PageArchive, *, replay: bool,
                ) -> tuple[ResourceLoad, ReadTotals, dict[Slice, str]]:
    """Every slice of the run, from the raw page archive (`replay`: zero Sage requests) or from Sage (every
    page archived as it arrives). A resource missing on one company's Sage skips that slice only (returned
    with the reason); the other companies' slices still load."""
    load, totals, skipped = ResourceLoad(resource, archive=archive), ReadTotals(), {}
    root = resource.root_table.name
    for sl in slices:
        if replay:
            for part, tables, info in read_from_archive(context, resource, sl, archive, warehouse, asset=root):
                load.slices.append((part, tables))
                load.audit[part] = info
                totals.add_archive(info)
            continue
        try:
            result, info = read_from_sage(context, sage300.client_for_run(context.run_id), resource, sl, archive,
                                          warehouse, asset=root)
        except SageResourceMissing as exc:
            skipped[sl] = str(exc)
            context.log.warning(f"{resource.path} NOT loaded for {sl.company}"
                                f"{f' {sl.start}..{sl.end}' if sl.start else ''}, skipped: {exc} Its "
                                "partitions are not marked materialized.")
            continue
        load.slices.append((sl, result.tables))
        load.audit[sl] = info
        totals.add_sage(sl, result.stats)
        for w in result.stats.warnings:
            context.log.warning(f"{resource.path} {sl.company}: {w}")
        for note in result.stats.notes:
            context.log.info(f"{resource.path} {sl.company}: {note}")
    return load, totals, skipped


def build_resource_asset(resource: Resource, parts: Partitions) -> dg.AssetsDefinition:
    is_master = resource.kind == "master"
    root = resource.root_table.name

    @dg.multi_asset(
        name=f"sage300_{resource.table}",
        outs=_outs(resource),
        partitions_def=parts.company if is_master else parts.company_date,
        backfill_policy=backfill_policy(),
        deps=[] if is_master else _master_deps(resource),
        check_specs=reference_check_specs(resource, asset_key(root)),
        pool=SAGE_POOL,
        group_name="sage300_masters" if is_master else "sage300_transactions",
        can_subset=False,
        retry_policy=sage_retry_policy(),
    )
    @no_retry_for_permanent_errors
    def _asset(context: dg.AssetExecutionContext, sage300: Sage300Resource, warehouse: WarehouseResource,
               page_archive: PageArchiveResource):
        require_consistent_partition_tags(context)
        started = time.monotonic()
        keys = list(context.partition_keys)  # a year of company|date keys: computed once
        replay = from_archive(context)
        load, totals, skipped = read_slices(context, resource, _slices(keys, resource), sage300, warehouse,
                                            page_archive.archive(), replay=replay)
        fetched(root)
        if skipped:  # report only the partitions that were loaded (none at all: no materialization)
            yield from partial_materializations(context, resource, load, skipped, keys, warehouse)
            return
        checks = list(reference_check_results(context, resource, asset_key(root), load, warehouse))
        if any(not c.passed for c in checks):  # decided from the rows in hand: nothing reaches the IO manager
            yield from checks
            return
        rows = load.rows()
        yield dg.Output(load, output_name=root, metadata={
            **totals.metadata(load, replay=replay, seconds=time.monotonic() - started),
            "rows_per_table": dg.MetadataValue.json(rows),
            **row_count_metadata(len(keys), rows[root]),
        })
        yield from checks

    return _asset


def build_sage300_assets(parts: Partitions) -> list[dg.AssetsDefinition]:
    return [build_resource_asset(r, parts) for r in catalog.RESOURCES]


__all__ = ["build_sage300_assets", "asset_key", "ReadTotals", "read_slices", "SAGE_POOL", "IO_MANAGER_KEY", "Window"]
