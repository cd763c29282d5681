"""`sage-looker simulate looker`: run the Looker simulator in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import secrets
import signal

import click

from sage_looker.looker_sim.config import LookerSimConfig
from sage_looker.looker_sim.faults import FaultSpecError, parse_faults
from sage_looker.looker_sim.simulator import LookerSimulator
from sage_looker.serving import serve_until_signalled


def _check_faults(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        parse_faults(value)
    except FaultSpecError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


@click.command("looker")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=19999, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0: any free port). 19999 is Looker's classic API port.")
@click.option("--client-id", default="sim-looker-client", show_default=True)
@click.option("--client-secret", default=None, help="Default: a random secret, printed at start.")
@click.option("--token-lifetime", default=3600, show_default=True, type=click.IntRange(1),
              help="Access-token lifetime in seconds (expires_in).")
@click.option("--faults", default="", callback=_check_faults,
              help="Fault spec, e.g. '429=burst:3,502html=0.1,503-after@scheduled_plan_run_once_by_id=burst:1'.")
@click.option("--seed", default=0, show_default=True, help="Seed of probabilistic faults.")
@click.option("--hide-run-once-copies", is_flag=True,
              help="Do not list run_once's one-off copies in GET /scheduled_plans (as an instance may not): "
                   "an ambiguous run_once failure then leaves no evidence either way.")
def looker_sim_command(host: str, port: int, client_id: str, client_secret: str | None, token_lifetime: int,
                       faults: str, seed: int, hide_run_once_copies: bool) -> None:
    """Serve a simulated Looker API 4.0 (model sage_looker, datagroup sage300_load, schedules 1..5)."""
    # A simulator's made-up secret is printed on purpose: it is what a local client must be given.
    secret = client_secret or secrets.token_urlsafe(18)
    config = LookerSimConfig(host=host, port=port, client_id=client_id, client_secret=secret,
                             token_lifetime=token_lifetime, faults=faults, seed=seed,
                             run_once_copies_listed=not hide_run_once_copies)
    sim = LookerSimulator(config).start()
    try:
        click.echo(f"Looker simulator listening on {sim.base_url}/api/4.0 (Ctrl-C to stop)")
        click.echo(f"export LOOKER_BASE_URL={sim.base_url}")
        click.echo(f"export LOOKER_CLIENT_ID={client_id}")
        click.echo(f"export LOOKER_CLIENT_SECRET={secret}")
        click.echo("export LOOKER_VERIFY_TLS=false LOOKER_DATAGROUPS=sage_looker::sage300_load "
                   "LOOKER_SCHEDULED_PLANS=1,2,3,4,5 LOOKER_PROJECT=sage_looker LOOKER_CONNECTION=sage_looker_warehouse")
        signum = serve_until_signalled(sim.stop)
    finally:
        sim.stop()
    click.echo(f"stopped on {signal.Signals(signum).name}; {len(sim.requests())} requests, {sim.logins()} logins, "
               f"{len(sim.deliveries())} deliveries")
