"""Every asset in the graph has a home: kinds naming where it lives (Sage 300 read into DuckDB or PostgreSQL,
dbt, Looker) and owners an analyst can ask. Applied once over the assembled assets, so the asset builders stay
about loading."""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from sage_looker.warehouse.targets import is_postgres

LOADER_OWNERS = ["team:data-platform"]
ANALYTICS_OWNERS = ["team:finance-analytics"]


def warehouse_kind(target: str) -> str:
    return "postgres" if is_postgres(target) else "duckdb"


def with_homes(assets: Sequence, target: str) -> list:
    kind = warehouse_kind(target)

    def home(spec: dg.AssetSpec) -> dg.AssetSpec:
        kinds = set(spec.kinds or ())
        if "sage300" in kinds:  # read from Sage 300, stored in the warehouse
            return spec.replace_attributes(kinds=kinds | {kind}, owners=spec.owners or LOADER_OWNERS)
        return spec.replace_attributes(owners=spec.owners or ANALYTICS_OWNERS)

    return list(dg.map_asset_specs(home, assets))
