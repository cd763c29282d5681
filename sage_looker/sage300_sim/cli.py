"""`sage-looker simulate sage300`: serve the simulator until Ctrl-C or SIGTERM, or write its ground truth and exit."""

from __future__ import annotations

import datetime as dt
import json
import signal
import time

import click

from sage_looker.sage300_sim.config import SimulatorConfig
from sage_looker.serving import serve_until_signalled


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (keep it on loopback).")
@click.option("--port", default=8300, show_default=True, type=int, help="0 picks a free port.")
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--companies", default="SAMINC,SAMLTD", show_default=True, help="Comma list of company codes.")
@click.option("--days", default=90, show_default=True, type=int, help="Days of history ending today.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day of history (default: the real today).")
@click.option("--scale", default=1.0, show_default=True, type=float, help="Volume multiplier.")
@click.option("--page-size", default=100, show_default=True, type=int, help="Web.config PageSize.")
@click.option("--user", default="WEBAPI", show_default=True)
@click.option("--password", default="WEBAPI", show_default=True)
@click.option("--password-case", type=click.Choice(["upper", "preserve"]), default="upper", show_default=True)
@click.option("--faults", default="", help="Fault SPEC, e.g. '5xx=0.05,reset=0.02,recycle=200:3' (see faults.py).")
@click.option("--forbid", multiple=True, help="COMPANY:MODULE without Web API authorization (repeatable).")
@click.option("--missing", default="", help="Comma list of resources this Sage version lacks (404).")
@click.option("--dump-truth", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the ground-truth JSON to this file and exit without serving.")
def sage300_command(host: str, port: int, seed: int, companies: str, days: int, today: dt.datetime | None,
                    scale: float, page_size: int, user: str, password: str, password_case: str, faults: str,
                    forbid: tuple[str, ...], missing: str, dump_truth: str | None) -> None:
    """Serve a simulated Sage 300 Web API (real HTTP, deterministic data, optional faults)."""
    from sage_looker.sage300_sim.generate import generate
    from sage_looker.sage300_sim.server import Simulator
    from sage_looker.sage300_sim.truth import truth

    forbidden: dict[str, list[str]] = {}
    for item in forbid:
        co, _, mod = item.partition(":")
        forbidden.setdefault(co.upper() if mod else "*", []).append((mod or co).upper())
    config = SimulatorConfig(
        host=host, port=port, seed=seed, companies=companies, days=days, today=today.date() if today else None,
        scale=scale, page_size=page_size, user=user, password=password, password_case=password_case,
        faults=faults, forbidden_modules=forbidden, missing_resources=missing,
    )
    t0 = time.perf_counter()
    db = generate(config)
    rows = sum(len(db.records(c, r)) for c in db.companies for r in db._data[c])
    click.echo(f"generated {rows} records for {', '.join(db.companies)} in {time.perf_counter() - t0:.1f}s", err=True)
    if dump_truth:
        with open(dump_truth, "w", encoding="utf-8") as f:
            json.dump(truth(db), f, indent=1, sort_keys=True)
        click.echo(f"truth written to {dump_truth}", err=True)
        return
    sim = Simulator(config, db).start()
    click.echo(f"Sage 300 simulator at {sim.url}")
    click.echo(f"  e.g. {sim.company_url(config.companies[0], 'AP')}/APVendors")
    click.echo(f"  credentials: {config.stored_user()} / {config.stored_password()}  "
               f"(Basic auth, upper case unless --password-case preserve; send Content-Type: application/json)")
    click.echo(f"  control: {sim.base_url}/_simulator/stats, /_simulator/truth, /_simulator/requests")
    if faults:
        click.echo(f"  faults: {faults}")
    signum = serve_until_signalled(sim.stop)
    click.echo(f"stopped on {signal.Signals(signum).name}", err=True)
