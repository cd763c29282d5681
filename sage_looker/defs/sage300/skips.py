"""A resource this Sage version lacks for some companies: materialize only the partitions that were loaded.

Dagster marks every partition of a run materialized when the asset yields its output. When a company's slice
was skipped (Sage answered 404 on the read's first request), the asset instead writes the loaded slices itself
(the IO manager's own write, one transaction per slice with its ledger row) and reports one materialization
per loaded partition and table. A skipped partition gets no materialization, a warning in the run's log, the
reason in the run's tags and a failed WARN-severity check (a blocking check never passes on nothing)."""

from __future__ import annotations

import dagster as dg

from sage_looker.defs.sage300.checks import CHECK_NAME, reference_check_results, reference_check_specs
from sage_looker.defs.warehouse.io_manager import write_resource_load
from sage_looker.defs.warehouse.payloads import ResourceLoad, Slice
from sage_looker.sage300.catalog_model import Resource

SKIPPED_TAG = "sage_looker/skipped"


def _in(key: str, sl: Slice) -> bool:
    company, _, day = key.partition("|")
    if company != sl.company:
        return False
    return not day or sl.start is None or sl.start.isoformat() <= day <= sl.end.isoformat()


def partial_materializations(context, resource: Resource, load: ResourceLoad, skipped: dict[Slice, str],
                             keys: list[str], warehouse):
    from sage_looker.defs.sage300.assets import asset_key  # the asset module imports this one

    reasons = "; ".join(f"{sl.company}: {reason}" for sl, reason in skipped.items())
    try:
        context.instance.add_run_tags(context.run_id, {SKIPPED_TAG: f"{resource.path}: {reasons}"[:4000]})
    except Exception as exc:  # the warning in the log already says it
        context.log.warning(f"could not tag the run with the skipped slices: {exc}")
    root = asset_key(resource.root_table.name)
    if load.slices:
        metadata = write_resource_load(warehouse.target, load, context.run_id, context.log)
        loaded = [k for k in keys if any(_in(k, sl) for sl, _ in load.slices)]
        rows = load.rows()
        for k in loaded:  # the child tables are not assets of their own: their rows are in rows_per_table
            yield dg.AssetMaterialization(asset_key=root, partition=k,
                                          metadata={**metadata, "rows_in_run": rows[resource.root_table.name],
                                                    "rows_per_table": dg.MetadataValue.json(rows),
                                                    "not_loaded": reasons})
        yield from reference_check_results(context, resource, root, load, warehouse)
    elif reference_check_specs(resource, root):
        yield dg.AssetCheckResult(asset_key=root, check_name=CHECK_NAME, passed=False,
                                  severity=dg.AssetCheckSeverity.WARN,
                                  description=f"nothing loaded, nothing checked: {reasons}")
