"""Schedules per company, in the company's time zone: nightly (yesterday's partitions, masters first) and,
during the fiscal close window, every few hours (today's partitions), since that is when the CFO's numbers
move fastest."""


import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from sage_looker.defs.sage300.close_calendar import in_close_window, load_periods, month_bounds
from sage_looker.defs.sage300.config import PlatformConfig
from sage_looker.defs.sage300.jobs import masters_job, transactions_job
from sage_looker.defs.sage300.partitions import partition_date_problem
from sage_looker.defs.warehouse.resources import WarehouseResource

MASTERS_LEAD_MINUTES = 15


def _cron_at(t: dt.time) -> str:
    return f"{t.minute} {t.hour} * * *"


def _local(context: dg.ScheduleEvaluationContext, tz: str) -> dt.datetime:
    return context.scheduled_execution_time.astimezone(ZoneInfo(tz))


def _in_close(day: dt.date, company: str, config: PlatformConfig, warehouse: WarehouseResource) -> bool:
    periods = load_periods(warehouse, company) or month_bounds(day)
    return in_close_window(day, periods, config.close_days_before, config.close_days_after)


def build_schedules(config: PlatformConfig) -> list[dg.ScheduleDefinition]:
    out = []
    for company in config.companies:
        tz = config.company_timezone(company)
        masters_time = (dt.datetime.combine(dt.date.today(), config.nightly_time)
                        - dt.timedelta(minutes=MASTERS_LEAD_MINUTES)).time()
        out += [
            _masters_nightly(company, tz, masters_time),
            _transactions_nightly(company, tz, config),
            _close_window(company, tz, config),
        ]
    return out


def _masters_nightly(company: str, tz: str, at: dt.time) -> dg.ScheduleDefinition:
    @dg.schedule(name=f"sage300_{company.lower()}_masters_nightly", job=masters_job, cron_schedule=_cron_at(at),
                 execution_timezone=tz, description=f"{company}: master data, before the nightly transactions")
    def _schedule(context: dg.ScheduleEvaluationContext):
        day = _local(context, tz).date()
        return dg.RunRequest(run_key=f"{company}|masters|{day}", partition_key=company)

    return _schedule


def _transactions_nightly(company: str, tz: str, config: PlatformConfig) -> dg.ScheduleDefinition:
    @dg.schedule(name=f"sage300_{company.lower()}_nightly", job=transactions_job,
                 cron_schedule=_cron_at(config.nightly_time),
                 execution_timezone=tz, description=f"{company}: yesterday's transactions and inventory snapshot")
    def _schedule(context: dg.ScheduleEvaluationContext):
        yesterday = _local(context, tz).date() - dt.timedelta(days=1)
        problem = partition_date_problem(yesterday.isoformat(), config)
        if problem:
            return dg.SkipReason(f"{company} {yesterday} has no partition: {problem}")
        key = dg.MultiPartitionKey({"company": company, "date": yesterday.isoformat()})
        return dg.RunRequest(run_key=f"{key}|nightly", partition_key=key)

    return _schedule


def _close_window(company: str, tz: str, config: PlatformConfig) -> dg.ScheduleDefinition:
    every = config.close_interval_hours

    @dg.schedule(name=f"sage300_{company.lower()}_close_window", job=transactions_job,
                 cron_schedule=f"30 */{every} * * *", execution_timezone=tz,
                 description=(f"{company}: today's transactions every {every} h during the close window "
                              f"(last {config.close_days_before} and first {config.close_days_after} days "
                              "of each fiscal period)"))
    def _schedule(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource):
        local = _local(context, tz)
        if not _in_close(local.date(), company, config, warehouse):
            return dg.SkipReason(f"{local.date()} is outside {company}'s fiscal close window")
        problem = partition_date_problem(local.date().isoformat(), config)
        if problem:  # e.g. a company whose day starts before the partition calendar's (SAGE300_TIMEZONE)
            return dg.SkipReason(f"{company} {local.date()} has no partition yet: {problem}")
        key = dg.MultiPartitionKey({"company": company, "date": local.date().isoformat()})
        return dg.RunRequest(run_key=f"{key}|close|{local:%H%M}", partition_key=key)

    return _schedule
