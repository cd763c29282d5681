"""Sage 300 assets, generated from the catalog: one asset per resource (its child tables ride in its output).

Masters are partitioned by company; transactions by company × date and depend on their company's
masters. Every asset reads Sage in the `sage300` pool and writes through the warehouse IO manager.
"""


import time

import dagster as dg

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
        archive = page_archive.archive()
        load = ResourceLoad(resource, archive=archive)
        totals = {"requests": 0, "pages": 0, "bytes": 0, "retries": 0}
        filters: list[str] = []
        budget_left = None
        replay = from_archive(context)
        keys = list(context.partition_keys)  # a year of company|date keys: computed once
        skipped: dict[Slice, str] = {}
        for sl in _slices(keys, resource):
            if replay:  # rebuild from the raw page archive: zero Sage requests
                for part, tables, info in read_from_archive(context, resource, sl, archive, warehouse, asset=root):
                    load.slices.append((part, tables))
                    load.audit[part] = info
                    totals["pages"] += info.pages
                    totals["bytes"] += info.bytes
                continue
            client = sage300.client_for_run(context.run_id)
            try:
                result, info = read_from_sage(context, client, resource, sl, archive, warehouse, asset=root)
            except SageResourceMissing as exc:
                # Only this company's slice: the other companies' slices still load.
                skipped[sl] = str(exc)
                context.log.warning(f"{resource.path} NOT loaded for {sl.company}"
                                    f"{f' {sl.start}..{sl.end}' if sl.start else ''}, skipped: {exc} Its "
                                    "partitions are not marked materialized.")
                continue
            load.slices.append((sl, result.tables))
            load.audit[sl] = info
            st = result.stats
            for k in totals:
                totals[k] += int(getattr(st, k, 0) or 0)
            if getattr(st, "odata_filter", None):
                filters.append(f"{sl.company}: {st.odata_filter}")
            budget_left = getattr(st, "budget_left", budget_left)
            for w in getattr(st, "warnings", None) or []:
                context.log.warning(f"{resource.path} {sl.company}: {w}")
            for note in getattr(st, "notes", None) or []:
                context.log.info(f"{resource.path} {sl.company}: {note}")
        fetched(root)
        if skipped:  # report only the partitions that were loaded (none at all: no materialization)
            yield from partial_materializations(context, resource, load, skipped, keys, warehouse)
            return
        checks = list(reference_check_results(context, resource, asset_key(root), load, warehouse))
        if any(not c.passed for c in checks):  # decided from the rows in hand: nothing reaches the IO manager
            yield from checks
            return
        rows = load.rows()
        partitions = len(keys)
        common = {
            "sage_requests": totals["requests"],
            **({} if replay else {"sage_budget_left": budget_left if budget_left is not None else -1}),
            "pages": totals["pages"],
            "bytes": totals["bytes"],
            "retries": totals["retries"],
            "seconds": round(time.monotonic() - started, 3),
            "odata_filter": dg.MetadataValue.text("\n".join(filters) or "(none: full read)"),
            "source": "archive" if replay else "sage",
            "archive_manifests": dg.MetadataValue.json(sorted({i.manifest for i in load.audit.values() if i.manifest})),
        }
        yield dg.Output(
            load,
            output_name=root,
            metadata={
                **common,
                "rows_per_table": dg.MetadataValue.json(rows),
                **row_count_metadata(partitions, rows[root]),
            },
        )
        yield from checks

    return _asset


def build_sage300_assets(parts: Partitions) -> list[dg.AssetsDefinition]:
    return [build_resource_asset(r, parts) for r in catalog.RESOURCES]


__all__ = ["build_sage300_assets", "asset_key", "SAGE_POOL", "IO_MANAGER_KEY", "Window"]
