"""`sage-looker sync`, `sage-looker replay` and `sage-looker demo`."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

import click

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _defs():
    from sage_looker.defs.sage300.config import ConfigError
    try:
        from sage_looker.definitions import build_definitions
        return build_definitions()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _print_summary(summary, warehouse: str) -> None:
    click.echo("")
    click.echo(f"{'table':<32}{'rows':>10}")
    for table, rows in sorted(summary.rows.items()):
        click.echo(f"{table:<32}{rows:>10}")
    click.echo(f"\nSage requests: {summary.requests}   seconds: {summary.seconds:.1f}   runs: {len(summary.run_ids)}")
    click.echo(f"warehouse: {warehouse}")
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
    """Materialize masters, then all transactions of [START, END] for COMPANY in one run."""
    from sage_looker.commands.runner import sync
    from sage_looker.defs.sage300.config import PlatformConfig
    company = _check_company(company)
    if end < start:
        raise click.ClickException("--end is before --start")
    summary = sync(_defs(), company, start.date(), end.date(), masters=not no_masters)
    _print_summary(summary, PlatformConfig.from_env().warehouse_target)
    sys.exit(0 if summary.success else 1)


@click.command("replay")
@click.option("--company", required=True)
@click.option("--date", "day", type=DATE, required=True)
@click.option("--to", "to", type=DATE, default=None, help="last date of the range (default: --date)")
def replay_command(company: str, day: dt.datetime, to: dt.datetime | None) -> None:
    """Re-materialize the transaction partitions of COMPANY for a date (range) from Sage; idempotent."""
    from sage_looker.commands.runner import sync
    from sage_looker.defs.sage300.config import PlatformConfig
    company = _check_company(company)
    end = (to or day).date()
    summary = sync(_defs(), company, day.date(), end, masters=False)
    _print_summary(summary, PlatformConfig.from_env().warehouse_target)
    sys.exit(0 if summary.success else 1)


@click.command("demo")
@click.option("--days", default=30, show_default=True, help="how many days of transactions to load")
def demo_command(days: int) -> None:
    """The whole flow on the embedded default: Sage simulator → Dagster assets → DuckDB warehouse."""
    from sage_looker.commands.runner import sync
    from sage_looker.defs.sage300.config import PlatformConfig
    os.environ.setdefault("SAGE_LOOKER_HOME", str(Path(".sage_looker").resolve()))
    config = PlatformConfig.from_env()
    if not os.environ.get("SAGE300_URL"):
        click.echo("No SAGE300_URL set: using the bundled Sage 300 simulator on loopback.")
    Path(config.home).mkdir(parents=True, exist_ok=True)
    defs = _defs()
    today = dt.date.today()
    began = time.monotonic()
    total = None
    for company in config.companies:
        summary = sync(defs, company, today - dt.timedelta(days=days), today, snapshot_day=today)
        _print_summary(summary, config.warehouse_target)
        if not summary.success:
            raise click.ClickException(f"the demo load failed for {company}")
        total = (total or 0) + summary.requests
    click.echo(f"\nDemo loaded {len(config.companies)} companies in {time.monotonic() - began:.1f} s "
               f"with {total} Sage requests.")
    click.echo("Open the Dagster UI with `make ui` (dagster dev -w workspace.yaml).")
