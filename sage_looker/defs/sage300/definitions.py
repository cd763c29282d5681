"""The Sage 300 domain: the catalog's load assets, the inventory snapshot, their jobs, schedules and sensors,
and the Sage client resource. Loaded by `dg.load_from_defs_folder` (see sage_looker/definitions.py)."""

from __future__ import annotations

import dagster as dg

from sage_looker.defs.homes import with_homes
from sage_looker.defs.sage300.assets import build_sage300_assets
from sage_looker.defs.sage300.inventory import build_inventory_snapshot_asset
from sage_looker.defs.sage300.partitions import build_partitions
from sage_looker.defs.sage300.schedules import build_schedules
from sage_looker.defs.sage300.sensors import build_change_sensor
from sage_looker.defs.settings import current


@dg.definitions
def sage300_definitions() -> dg.Definitions:
    """What depends on the configuration. Objects that do not (the Sage jobs in jobs.py, the failed-partitions
    sensor) are module-level in their own file, and the defs-folder loader collects them from there."""
    settings = current()
    config = settings.config
    parts = build_partitions(config)
    assets = [*build_sage300_assets(parts), build_inventory_snapshot_asset(parts, config)]
    return dg.Definitions(
        assets=with_homes(assets, settings.target),
        schedules=build_schedules(config),
        sensors=[build_change_sensor(config)],
        resources={"sage300": settings.sage300},
    )
