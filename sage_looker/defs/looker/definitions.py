"""The Looker domain: the refresh after the marts, the LookML explores and dashboards as external assets,
the dbt-then-Looker refresh job, the automation sensor driving both, and the Looker resource.
Loaded by `dg.load_from_defs_folder` (see sage_looker/definitions.py)."""

from __future__ import annotations

import dagster as dg

from sage_looker.defs.looker.automation import build_automation_sensor, looker_condition
from sage_looker.defs.dbt.definitions import shared_dbt_assets
from sage_looker.defs.homes import with_homes
from sage_looker.defs.looker.assets import REFRESH_KEY, build_looker_refresh_asset
from sage_looker.defs.looker.dashboards import build_looker_dashboard_specs
from sage_looker.defs.looker.jobs import build_refresh_job
from sage_looker.defs.settings import current


@dg.definitions
def looker_definitions() -> dg.Definitions:
    settings = current()
    dbt = shared_dbt_assets(settings)
    refresh = build_looker_refresh_asset(dbt, automation_condition=looker_condition(settings.config))
    return dg.Definitions(
        assets=with_homes([refresh, *build_looker_dashboard_specs()], settings.target),
        jobs=[build_refresh_job(dbt, REFRESH_KEY)],
        sensors=[build_automation_sensor(dg.AssetSelection.assets(dbt) | dg.AssetSelection.keys(REFRESH_KEY))],
        resources={"looker": settings.looker},
    )
