"""The dbt domain: the dbt project's models as assets and the dbt CLI resource.
Loaded by `dg.load_from_defs_folder` (see sage_looker/definitions.py)."""

from __future__ import annotations

import dagster as dg

from sage_looker.defs.looker.automation import MART_FRESHNESS, refresh_condition
from sage_looker.defs.dbt.assets import build_dbt_assets, dbt_resource
from sage_looker.defs.homes import with_homes
from sage_looker.defs.settings import LoadSettings, current


def shared_dbt_assets(settings: LoadSettings) -> dg.AssetsDefinition:
    """One dbt assets object per load: the Looker folder's refresh job and asset depend on this same object."""
    return settings.once("dbt_assets", lambda: build_dbt_assets(
        warehouse_path=settings.target,  # picks the dbt target (duckdb | postgres)
        # dbt and Looker: once a night, after their inputs landed and passed
        automation_condition=refresh_condition(settings.config), freshness_policy=MART_FRESHNESS))


@dg.definitions
def dbt_definitions() -> dg.Definitions:
    settings = current()
    return dg.Definitions(assets=with_homes([shared_dbt_assets(settings)], settings.target),
                          resources={"dbt": dbt_resource()})
