"""`sage-looker sync`, `sage-looker replay` and `sage-looker demo`."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

import click

from sage_looker.home import HOME_ENV, home_dir
from sage_looker.warehouse.targets import redact

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _defs():
    """The definitions; a ConfigurationError (every problem at once) is reported by the `sage-looker` group."""
    from sage_looker.definitions import build_definitions
    return build_definitions()


def _print_summary(summary, warehouse: str) -> None:
    click.echo("")
    click.echo(f"{'table':<32}{'rows':>10}")
    for table, rows in sorted(summary.rows.items()):
        click.echo(f"{table:<32}{rows:>10}")
    click.echo(f"\nSage requests: {summary.requests}   seconds: {summary.seconds:.1f}   runs: {len(summary.run_ids)}")
    click.echo(f"warehouse: {redact(warehouse)}")
    for failure in summary.failures:
        click.echo(f"FAILED {failure}", err=True)


def _check_company(company: str) -> str:
    from sage_looker.defs.sage300.config import PlatformConfig
    company = company.upper()
    configured = PlatformConfig.from_env().companies
    if company not in configured:
        raise click.ClickException(
            f"company {company} is not configured (SAGE300_COMPANIES={','.join(configured)}); add it there first")
    return company


@click.command("sync")
@click.option("--company", required=True, help="Sage company code, e.g. SAMINC")
@click.option("--start", type=DATE, required=True)
@click.option("--end", type=DATE, required=True)
@click.option("--no-masters", is_flag=True, help="skip the master data run")
def sync_command(company: str, start: dt.datetime, end: dt.datetime, no_masters: bool) -> None:
    """Materialize masters, then all transactions of [START, END] for COMPANY in one run, then today's
    inventory snapshot when the range reaches today."""
    from sage_looker.commands.runner import snapshot_day_in, sync
    from sage_looker.defs.sage300.config import PlatformConfig
    company = _check_company(company)
    if end < start:
        raise click.ClickException("--end is before --start")
    summary = sync(_defs(), company, start.date(), end.date(), masters=not no_masters,
                   snapshot_day=snapshot_day_in(company, start.date(), end.date()))
    _print_summary(summary, PlatformConfig.from_env().warehouse_target)
    sys.exit(0 if summary.success else 1)


@click.command("replay")
@click.option("--company", required=True)
@click.option("--date", "day", type=DATE, required=True)
@click.option("--to", "to", type=DATE, default=None, help="last date of the range (default: --date)")
@click.option("--from-archive", is_flag=True,
              help="rebuild the rows from the raw page archive (zero Sage requests) instead of re-reading Sage")
@click.option("--inventory", is_flag=True,
              help="also re-materialize the inventory snapshots of the range (past dates from their archived capture)")
@click.option("--accept-deletions", is_flag=True,
              help="let the re-pull delete POSTED records Sage no longer returns (Clear History); in the ledger")
def replay_command(company: str, day: dt.datetime, to: dt.datetime | None, from_archive: bool, inventory: bool,
                   accept_deletions: bool) -> None:
    """Re-materialize the transaction partitions of COMPANY for a date (range) from Sage, or from the archive;
    idempotent."""
    from sage_looker.audit.replay import SOURCE_TAG
    from sage_looker.audit.shrink import ACCEPT_TAG
    from sage_looker.commands.runner import sync
    from sage_looker.defs.sage300.config import PlatformConfig
    company = _check_company(company)
    end = (to or day).date()
    if end < day.date():
        raise click.ClickException("--to is before --date")
    tags = {SOURCE_TAG: "archive"} if from_archive else {}
    if accept_deletions:
        tags[ACCEPT_TAG] = "true"
    summary = sync(_defs(), company, day.date(), end, masters=False, tags=tags, inventory_range=inventory)
    _print_summary(summary, PlatformConfig.from_env().warehouse_target)
    sys.exit(0 if summary.success else 1)


@click.command("replay-looker")
@click.option("--run", "run_id", required=True, help="the Dagster run id of the load or of its Looker refresh")
@click.option("--include-unknown", is_flag=True,
              help="also re-run plans whose delivery could not be confirmed (may e-mail a report twice)")
def replay_looker_command(run_id: str, include_unknown: bool) -> None:
    """Re-trigger what the run should have triggered in Looker: its datagroups, and every scheduled plan it
    did not deliver (each at most once; what was delivered is never sent again). RUN_ID may be the load's run or
    its refresh's. Recorded in sage300_audit.looker_deliveries."""
    from sage_looker.audit.deliveries import NothingToReplay, replay
    from sage_looker.defs.looker.resources import looker_resource_from_env
    from sage_looker.defs.sage300.config import PlatformConfig
    from sage_looker.warehouse import open_warehouse
    target = PlatformConfig.from_env().warehouse_target  # a bad setting: ConfigurationError, one line each
    looker = looker_resource_from_env(resolve=True)  # the CLI is the run: resolve the secret now
    settings = looker.settings()
    wh = open_warehouse(target)
    try:
        with looker.client() as client:
            log, held = replay(wh, client, run_id, (settings.datagroups, settings.scheduled_plan_ids),
                               include_unknown=include_unknown)
    except NothingToReplay as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        wh.close()
    if log.replay_of != run_id:
        click.echo(f"run {run_id} is a load; its Looker deliveries are those of refresh run {log.replay_of}")
    for r in (r for r in log.rows if r["outcome"] != "started"):  # each plan's own row follows its `started`
        click.echo(f"{r['kind']:<16}{r['target']:<36}{r['outcome']}"
                   + (f"  ({r['error_class']}: {r['error_message']})" if r["error_class"] else ""))
    for pid in held:
        click.echo(f"scheduled_plan  {pid:<36}held back: its delivery is unknown (check Looker, then "
                   "--include-unknown to send it anyway)")
    if not log.rows and not held:
        click.echo(f"nothing to replay: run {run_id} delivered everything")
    click.echo(f"replay run id: {log.run_id}")
    sys.exit(0 if log.complete else 1)


def _refresh(defs, instance) -> bool:
    from sage_looker.commands.runner import _execute
    from sage_looker.defs.looker.jobs import REFRESH_JOB
    result = _execute(defs, REFRESH_JOB, instance, label="dbt build + Looker refresh")
    for event in result.all_events:
        if event.is_step_failure:
            click.echo(f"FAILED {event.step_key}: {event.event_specific_data.error.message.strip()}", err=True)
    return result.success


def _print_finance_totals(warehouse: str) -> None:
    from sage_looker.warehouse import open_warehouse
    wh = open_warehouse(warehouse)
    try:
        aging = wh.read_arrow(
            "SELECT company_id, currency_code, SUM(open_amount) AS open_ap, SUM(overdue_amount) AS overdue "
            "FROM marts.ap_aging WHERE as_of_date = (SELECT MAX(as_of_date) FROM marts.ap_aging) "
            "GROUP BY 1, 2 ORDER BY 1, 2").to_pylist()
        forecast = wh.read_arrow(
            "SELECT company_id, currency_code, SUM(inflows) AS inflows, SUM(outflows) AS outflows, "
            "SUM(net_flow) AS net FROM marts.cash_flow_forecast "
            "WHERE as_of_date = (SELECT MAX(as_of_date) FROM marts.cash_flow_forecast) GROUP BY 1, 2 ORDER BY 1, 2"
        ).to_pylist()
    finally:
        wh.close()
    click.echo("\nAP aging (open, source currency)")
    for r in aging:
        click.echo(f"  {r['company_id']:<8}{r['currency_code'] or '':<5}open {r['open_ap']:>16,.2f}   overdue {r['overdue']:>16,.2f}")
    click.echo("Cash-flow forecast (13 weeks and beyond, source currency)")
    for r in forecast:
        click.echo(f"  {r['company_id']:<8}{r['currency_code'] or '':<5}in {r['inflows']:>16,.2f}   "
                   f"out {r['outflows']:>16,.2f}   net {r['net']:>16,.2f}")


@click.command("demo")
@click.option("--days", default=30, show_default=True, help="how many days of transactions to load")
def demo_command(days: int) -> None:
    """The whole flow on the embedded default: Sage simulator → Dagster assets → warehouse → dbt → Looker."""
    from sage_looker.commands.runner import prepare_instance, sync
    from sage_looker.defs.sage300.config import PlatformConfig
    os.environ.setdefault(HOME_ENV, str(home_dir()))
    config = PlatformConfig.from_env()
    if not os.environ.get("SAGE300_URL"):
        click.echo("No SAGE300_URL set: using the bundled Sage 300 simulator on loopback.")
    if not os.environ.get("LOOKER_BASE_URL"):
        click.echo("No LOOKER_BASE_URL set: using the bundled Looker simulator on loopback.")
    Path(config.home).mkdir(parents=True, exist_ok=True)
    defs = _defs()
    instance = prepare_instance()
    today = dt.date.today()
    began = time.monotonic()
    total = 0
    for company in config.companies:
        summary = sync(defs, company, today - dt.timedelta(days=days), today, snapshot_day=today, instance=instance)
        _print_summary(summary, config.warehouse_target)
        if not summary.success:
            raise click.ClickException(f"the demo load failed for {company}")
        total += summary.requests
    if not _refresh(defs, instance):
        raise click.ClickException("dbt build or the Looker refresh failed (see above)")
    from sage_looker import lookml_check
    click.echo("LookML against the warehouse: ", nl=False)
    if lookml_check.main(["--warehouse", str(config.warehouse_target)]) != 0:
        raise click.ClickException("the LookML references tables or columns the warehouse does not have")
    _print_finance_totals(config.warehouse_target)
    click.echo(f"\nDemo: {len(config.companies)} companies loaded, marts built, LookML validated and Looker "
               f"refreshed in {time.monotonic() - began:.1f} s with {total} Sage requests.")
    click.echo(f"Warehouse: {redact(config.warehouse_target)}")
    click.echo("Open the Dagster UI with `make ui` (dagster dev -w workspace.yaml).")
