"""The change sensor: one cheap request per batch resource and company (`$filter` on the change field since
the cursor, `$select` of keys and dates only), then a run for exactly the partitions whose data changed —
an edit to a three-week-old open batch re-runs that date and nothing else. A re-dated record shows up under its
new date; loading that date removes its old copy (warehouse/moves.py). A deleted record leaves no trace in
Sage, so each tick also compares Sage's `$count` over the loaded date range with the warehouse's rows and
bisects a difference down to the dates to reload (`count_mismatches`)."""


import datetime as dt
import json
import os
from zoneinfo import ZoneInfo

import dagster as dg

from sage_looker.defs.sage300.assets import asset_key
from sage_looker.defs.sage300.change_detection import count_mismatches, detect_changes
from sage_looker.defs.sage300.config import PlatformConfig
from sage_looker.defs.sage300.partitions import partition_date_problem
from sage_looker.defs.sage300.jobs import transactions_only_job
from sage_looker.defs.sage300.resources import Sage300Resource
from sage_looker.sage300 import catalog
from sage_looker.sage300.errors import SageError

SENSOR_NAME = "sage300_change_sensor"
# Requests one tick may spend: the sensor must never be what tips a tired IIS over.
TICK_BUDGET = 200
IN_FLIGHT = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
             dg.DagsterRunStatus.STARTED]


# Count requests one resource × company may spend per tick looking for deleted records.
RECONCILE_BUDGET = 12


def _loaded_counts(config: PlatformConfig, resource, company: str) -> dict[str, int]:
    """{ISO date: rows} of the resource's root table for the company, as the warehouse holds it now."""
    from sage_looker.warehouse import WarehouseError, open_warehouse

    t = resource.root_table
    wh = open_warehouse(config.warehouse_target, lock_timeout=5)  # a writer holds DuckDB: look next tick
    try:
        if not wh.table_columns(t.name):
            return {}
        rows = wh.read_arrow(f'SELECT CAST("{t.partition_column}" AS VARCHAR) AS d, COUNT(*) AS n FROM '
                             f'{wh.schema}."{t.name}" WHERE company_id = ? GROUP BY 1', [company]).to_pylist()
    except WarehouseError:
        return {}
    finally:
        wh.close()
    return {r["d"]: int(r["n"]) for r in rows}


def _old_dates(config: PlatformConfig, resource, company: str, changed: dict[tuple, str]) -> dict[str, str]:
    """Dates under which the warehouse still holds records that Sage now dates elsewhere (re-dated): reloading
    the new date removes the old copy, and reloading the old date refreshes what its materialization says."""
    from sage_looker.warehouse import WarehouseError, open_warehouse
    from sage_looker.warehouse.moves import key_predicate

    t = resource.root_table
    if not changed or not t.partition_column:
        return {}
    names = list(t.key_columns[1:])
    out: dict[str, str] = {}
    wh = open_warehouse(config.warehouse_target, lock_timeout=5)
    try:
        if not wh.table_columns(t.name):
            return {}
        keys = list(changed)
        for i in range(0, len(keys), 200):
            where, params = key_predicate(names, keys[i:i + 200])
            rows = wh.read_arrow(f'SELECT {", ".join(names)}, CAST("{t.partition_column}" AS VARCHAR) AS d FROM '
                                 f'{wh.schema}."{t.name}" WHERE company_id = ? AND {where}', [company, *params])
            for r in rows.to_pylist():
                key = tuple(r[n] for n in names)
                if r["d"] != changed.get(key):
                    out[r["d"]] = f"moved:{key}:{changed.get(key)}"
    except WarehouseError:
        return {}
    finally:
        wh.close()
    return out


def watched_resources():
    return [r for r in catalog.TRANSACTIONS if r.change_field]


def _running(instance: dg.DagsterInstance, partition_key: str, resource) -> bool:
    runs = instance.get_run_records(
        filters=dg.RunsFilter(statuses=IN_FLIGHT, tags={"dagster/partition": partition_key}), limit=20)
    keys = {asset_key(resource.root_table.name)}
    for record in runs:
        selection = record.dagster_run.asset_selection
        if selection is None or keys & set(selection):
            return True
    return False


def evaluate(context: dg.SensorEvaluationContext, config: PlatformConfig, sage300: Sage300Resource):
    cursor = json.loads(context.cursor) if context.cursor else {}
    client = sage300.sensor_client(TICK_BUDGET)
    try:
        return _evaluate(context, config, client, cursor)
    finally:
        client.close()


def _evaluate(context, config, client, cursor):
    requests: list[dg.RunRequest] = []
    problems: list[str] = []
    for company in config.companies:
        today = dt.datetime.now(ZoneInfo(config.company_timezone(company))).date()
        for resource in watched_resources():
            slot = f"{resource.name}|{company}"
            state = cursor.get(slot)
            try:
                found = detect_changes(resource, company, state, client.select_records, today, client.count_where)
            except SageError as exc:  # keep the cursor: the next tick retries this resource
                problems.append(f"{slot}: {exc}")
                continue
            pending = dict((state or {}).get("pending", {}))
            pending.update(found.partitions)
            pending.update(_old_dates(config, resource, company, found.changed))
            if state is not None:  # deletions: Sage's counts against the warehouse's (not on the baseline tick)
                try:
                    pending.update(count_mismatches(resource, company, _loaded_counts(config, resource, company),
                                                    client.count_where, budget=RECONCILE_BUDGET))
                except SageError as exc:
                    problems.append(f"{slot}: counting for deletions: {exc}")
            still_pending = {}
            outside = {}
            for day, fingerprint in sorted(pending.items()):
                problem = partition_date_problem(day, config)
                if problem:  # reported, never requested; the cursor still moves on
                    outside[day] = problem
                    problems.append(f"{slot}: a document {problem} (date {day})")
                    if problem.startswith("dated in the future"):
                        still_pending[day] = fingerprint
                    continue
                key = dg.MultiPartitionKey({"company": company, "date": day})
                if _running(context.instance, str(key), resource):
                    still_pending[day] = fingerprint  # never stack a run on one already in flight
                    continue
                requests.append(dg.RunRequest(
                    run_key=f"{slot}|{day}|{fingerprint}",
                    partition_key=key,
                    asset_selection=[asset_key(resource.root_table.name)],
                    tags={"sage_looker/trigger": "change_sensor", "sage_looker/resource": resource.name},
                ))
            cursor[slot] = {**found.state, "pending": still_pending,
                            **({"outside_partitions": outside} if outside else {})}
    for p in problems:
        context.log.warning(p)
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(cursor, sort_keys=True))


# The production deploy turns the sensor on (deploy/sage_looker.env); a laptop's `dagster dev` leaves it off.
SENSOR_SWITCH = "SAGE_LOOKER_CHANGE_SENSOR"


def sensor_default_status() -> dg.DefaultSensorStatus:
    on = (os.environ.get(SENSOR_SWITCH) or "").strip().lower() in {"1", "on", "true", "yes", "running"}
    return dg.DefaultSensorStatus.RUNNING if on else dg.DefaultSensorStatus.STOPPED


def build_change_sensor(config: PlatformConfig) -> dg.SensorDefinition:
    @dg.sensor(name=SENSOR_NAME, job=transactions_only_job, minimum_interval_seconds=300,
               default_status=sensor_default_status(),
               description="Re-materializes exactly the company × date partitions edited in Sage since the last look")
    def _sensor(context: dg.SensorEvaluationContext, sage300: Sage300Resource):
        return evaluate(context, config, sage300)

    return _sensor
