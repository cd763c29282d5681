"""Referential integrity: a transaction naming a vendor, customer, GL account or item absent from its
company's masters fails the partition (a blocking check), because every downstream mart would silently
drop or mis-bucket it. The asset computes it from the rows it read, before yielding them to the IO manager:
a failed check means the slice is never written (the day keeps its previous rows)."""

from __future__ import annotations

import dagster as dg
import pyarrow.compute as pc

from sage_looker.defs.warehouse.payloads import ResourceLoad
from sage_looker.sage300.catalog_model import Resource
from sage_looker.sage300.columns import snake

CHECK_NAME = "references_exist_in_masters"
SAMPLE = 10


def reference_check_specs(resource: Resource, key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    if not any(t.refs for t in resource.tables):
        return []
    masters = sorted({r.master_table for t in resource.tables for r in t.refs})
    return [
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=key,
            blocking=True,
            description=f"every referenced key exists in its company's masters ({', '.join(masters)})",
        )
    ]


def _master_keys(wh, master_table: str, master_field: str, company: str) -> set[str] | None:
    column = snake(master_field)
    try:
        tbl = wh.read_arrow(
            f'SELECT DISTINCT "{column}" AS k FROM sage300."{master_table}" WHERE company_id = ?', [company]
        )
    except Exception:  # the master table does not exist yet
        return None
    return {str(v) for v in tbl.column("k").to_pylist() if v is not None}


def reference_check_results(context, resource: Resource, key: dg.AssetKey, load: ResourceLoad, warehouse):
    if not reference_check_specs(resource, key):
        return
    dangling: dict[str, list[str]] = {}
    missing_masters: set[str] = set()
    cache: dict[tuple, set[str] | None] = {}
    with warehouse.open() as wh:
        for sl, tables in load.slices:
            for t in resource.tables:
                data = tables.get(t.name)
                for ref in t.refs:
                    col = snake(ref.field)
                    if data is None or data.num_rows == 0 or col not in data.column_names:
                        continue
                    values = {str(v) for v in pc.unique(data.column(col)).to_pylist() if v not in (None, "")}
                    ck = (ref.master_table, ref.master_field, sl.company)
                    if ck not in cache:
                        cache[ck] = _master_keys(wh, *ck)
                    known = cache[ck]
                    if known is None or not known:
                        missing_masters.add(f"{ref.master_table} ({sl.company})")
                        known = set()
                    bad = sorted(values - known)
                    if bad:
                        dangling.setdefault(f"{t.name}.{col} → {ref.master_table}", []).extend(
                            f"{sl.company}:{v}" for v in bad
                        )
    passed = not dangling
    description = "all references resolve"
    if not passed:
        parts = [f"{where}: {len(v)} unknown ({', '.join(v[:SAMPLE])}{'…' if len(v) > SAMPLE else ''})"
                 for where, v in dangling.items()]
        description = "dangling references: " + "; ".join(parts)
        if missing_masters:
            description += (". Masters not loaded for " + ", ".join(sorted(missing_masters))
                            + ": materialize the company's master assets first.")
    yield dg.AssetCheckResult(
        asset_key=key,
        check_name=CHECK_NAME,
        passed=passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata={"dangling_count": sum(len(v) for v in dangling.values())},
    )
