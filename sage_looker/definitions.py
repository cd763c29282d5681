"""The Dagster code location: `dagster dev -w workspace.yaml` or `dg check defs` load `defs` from here."""

from __future__ import annotations

import os
import warnings

import dagster as dg

# Multi-partition mappings and backfill policies are stable in practice but flagged beta; the flag is noise here.
warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

from sage_looker.defs.dbt.assets import build_dbt_assets, build_looker_dashboard_specs, dbt_resource
from sage_looker.defs.looker.assets import REFRESH_KEY, build_looker_refresh_asset
from sage_looker.defs.automation import MART_FRESHNESS, build_automation_sensor, looker_condition, refresh_condition
from sage_looker.defs.embedded import embedded_problems
from sage_looker.defs.homes import with_homes
from sage_looker.defs.looker.resources import looker_resource_from_env
from sage_looker.defs.sage300.assets import build_sage300_assets
from sage_looker.defs.sage300.config import ConfigError, PlatformConfig, resolve_start_date
from sage_looker.defs.sage300.failed_partitions import failed_partitions_sensor
from sage_looker.defs.sage300.inventory import build_inventory_snapshot_asset
from sage_looker.defs.sage300.jobs import ALL_JOBS, build_refresh_job
from sage_looker.defs.sage300.partitions import build_partitions
from sage_looker.defs.sage300.resources import sage300_resource_from_env
from sage_looker.defs.sage300.schedules import build_schedules
from sage_looker.defs.sage300.sensors import build_change_sensor
from sage_looker.defs.warehouse.io_manager import SageWarehouseIOManager
from sage_looker.defs.warehouse.resources import WarehouseResource
from sage_looker.looker.errors import LookerError
from sage_looker.sage300.errors import SageConfigError
from sage_looker.security.redaction import install as install_redaction
from sage_looker.warehouse.targets import has_password


def _configuration() -> tuple[PlatformConfig, object]:
    """Validate every setting at once: a user fixing their environment sees all problems, not the first."""
    problems, config, sage300, looker = [], None, None, None
    try:
        config = PlatformConfig.from_env()
        config = resolve_start_date(config)
    except ConfigError as exc:
        problems.append(str(exc))
    try:
        sage300 = sage300_resource_from_env()
    except SageConfigError as exc:
        problems.append(str(exc))
    try:
        looker = looker_resource_from_env()
    except (ValueError, LookerError) as exc:
        problems.append(str(exc))
    if config is not None:
        embedded = embedded_problems(os.environ, config.warehouse_target)
        if embedded:
            problems.append("the bundled simulators only feed the embedded DuckDB warehouse:\n" + "\n".join(embedded))
    if problems:
        raise ConfigError("\n".join(problems))
    return config, sage300, looker


def build_definitions() -> dg.Definitions:
    install_redaction()  # before any run or resource can log: secrets are scrubbed from every record and event
    config, sage300, looker = _configuration()
    parts = build_partitions(config)
    target = config.warehouse_target
    refresh = refresh_condition(config)  # dbt and Looker: once a night, after their inputs landed and passed
    # picks the dbt target (duckdb | postgres) from the target
    dbt = build_dbt_assets(warehouse_path=target, automation_condition=refresh, freshness_policy=MART_FRESHNESS)
    # The Dagster UI shows resource config: a URL carrying a password is handed over as the EnvVar it came
    # from, which the UI shows by name and resolves only inside the run.
    resource_target = (dg.EnvVar("SAGE_LOOKER_WAREHOUSE")
                       if has_password(target) and os.environ.get("SAGE_LOOKER_WAREHOUSE") == target else target)
    refresh_job = build_refresh_job(dbt, REFRESH_KEY)
    looker_refresh = build_looker_refresh_asset(dbt, automation_condition=looker_condition(config))
    assets = [*build_sage300_assets(parts), build_inventory_snapshot_asset(parts, config),
              dbt, looker_refresh, *build_looker_dashboard_specs()]
    return dg.Definitions(
        assets=with_homes(assets, target),
        jobs=[*ALL_JOBS, refresh_job],
        schedules=build_schedules(config),
        sensors=[build_change_sensor(config), failed_partitions_sensor,
                 build_automation_sensor(dg.AssetSelection.assets(dbt) | dg.AssetSelection.keys(REFRESH_KEY))],
        resources={
            "sage300": sage300,
            "warehouse": WarehouseResource(target=resource_target),
            "warehouse_io_manager": SageWarehouseIOManager(target=resource_target),
            "dbt": dbt_resource(),
            "looker": looker,
        },
        # One process per run: the run's Sage request budget is shared in memory, and a single DuckDB
        # writer process never fights itself for the file lock. Pools bound concurrency across runs.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
