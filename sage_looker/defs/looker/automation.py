"""When the marts and Looker refresh: declarative automation instead of a schedule an hour after the loads.

Each night's cycle opens at the masters' schedule time. dbt builds once per cycle, as soon as every Sage
table it reads has been updated since the cycle opened and their blocking checks (references to masters)
passed — never on a clock that assumes the loads are done. Looker is told in the same run, after dbt, and
only when the marts' blocking dbt tests (tie-outs to Sage's balances) passed. A stale mart shows in the UI
through its freshness policy.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg

from sage_looker.defs.sage300.config import PlatformConfig
from sage_looker.defs.sage300.schedules import MASTERS_LEAD_MINUTES

AUTOMATION_SENSOR = "warehouse_refresh_automation"
# A mart older than a day and a bit missed a night: warn after 26 h, fail after 30 h.
MART_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=dt.timedelta(hours=30),
                                                warn_window=dt.timedelta(hours=26))


def cycle_cron(config: PlatformConfig) -> str:
    opens = (dt.datetime.combine(dt.date.today(), config.nightly_time) - dt.timedelta(minutes=MASTERS_LEAD_MINUTES))
    return f"{opens.minute} {opens.hour} * * *"


def refresh_condition(config: PlatformConfig) -> dg.AutomationCondition:
    """dbt models: once per nightly cycle, after every table they read has updated since the cycle opened.

    No separate blocking-check clause is needed for the Sage tables: their referential check is decided before
    the slice is written (defs/sage300/assets.py), so a slice that fails it is never materialized — it does not
    count as updated, and its rows never reach the warehouse. dbt's own error tests are blocking checks of the
    same run: a failing one stops every model (and the Looker refresh) downstream of it in that run."""
    return dg.AutomationCondition.on_cron(cycle_cron(config), config.timezone).with_label("nightly, after its inputs")


def looker_condition(config: PlatformConfig) -> dg.AutomationCondition:
    """Looker: with the marts of the same night, and only once their blocking dbt tests (tie-outs) passed."""
    return (dg.AutomationCondition.on_cron(cycle_cron(config), config.timezone)
            & dg.AutomationCondition.all_deps_blocking_checks_passed()).with_label("after the marts and their tie-outs")


def build_automation_sensor(selection: dg.AssetSelection) -> dg.AutomationConditionSensorDefinition:
    return dg.AutomationConditionSensorDefinition(
        AUTOMATION_SENSOR, target=selection, default_status=dg.DefaultSensorStatus.RUNNING,
        description="Rebuilds the marts with dbt and refreshes Looker once the night's Sage loads landed and "
                    "passed their blocking checks",
    )
