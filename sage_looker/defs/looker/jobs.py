"""The refresh job: dbt, then Looker, rebuilt once after the partition loads, not once per partition."""

from __future__ import annotations

import dagster as dg

REFRESH_JOB = "warehouse_refresh_job"


def build_refresh_job(dbt_assets: dg.AssetsDefinition, refresh_key: dg.AssetKey):
    return dg.define_asset_job(
        REFRESH_JOB, selection=dg.AssetSelection.assets(dbt_assets) | dg.AssetSelection.keys(refresh_key),
        description="dbt build of the marts, then the Looker refresh (datagroups, scheduled plans, LookML check)",
    )
