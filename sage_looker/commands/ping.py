"""`sage-looker ping`: can we reach everything, with the rights we need? One line per check, exit 1 on any failure.

Sage: each company, each module the catalog reads (one `$top=1&$select=<key>` per module, so a missing
"Sage 300 Web API" authorization shows up per module). Looker: login, the LookML model, the connection.
"""

from __future__ import annotations

import sys

import click

from sage_looker.sage300 import catalog


def _module_probes() -> dict[str, object]:
    """One cheap resource per module (the first the catalog lists)."""
    probes: dict[str, object] = {}
    for r in catalog.RESOURCES:
        if not r.optional:
            probes.setdefault(r.module, r)
    return probes


def sage_checks(settings, companies) -> list[tuple[str, str, bool, str]]:
    from sage_looker.sage300.budget import RequestBudget
    from sage_looker.sage300.client import Sage300Client
    from sage_looker.sage300.errors import SageError

    rows = []
    with Sage300Client(settings, budget=RequestBudget(10 + 10 * len(companies))) as client:
        for company in companies:
            for module, res in _module_probes().items():
                try:
                    n = client.count_where(res, company, None)
                    rows.append(("Sage 300", f"{company} {module} ({res.name})", True, f"{n} records"))
                except SageError as exc:
                    rows.append(("Sage 300", f"{company} {module} ({res.name})", False, str(exc)))
    return rows


def looker_checks(looker_settings, model: str) -> list[tuple[str, str, bool, str]]:
    from sage_looker.looker.client import LookerClient
    from sage_looker.looker.errors import LookerError

    rows = []
    with LookerClient(looker_settings) as client:
        for name, call in (
            ("login", lambda: (client.login(), "token issued")[1]),
            (f"model {model}", lambda: "present" if client.model_exists(model) else "missing"),
            (f"connection {looker_settings.connection_name}",
             lambda: "ok" if looker_settings.connection_name and client.test_connection().ok else "failed"),
        ):
            try:
                result = call()
                rows.append(("Looker", name, result not in ("missing", "failed"), result))
            except LookerError as exc:
                rows.append(("Looker", name, False, str(exc)))
    return rows


@click.command("ping")
@click.option("--model", default="sage_looker", show_default=True, help="LookML model that must exist")
def ping_command(model: str) -> None:
    """Check Sage (each company, each module's permission) and Looker (login, model, connection)."""

    from sage_looker.defs.looker.resources import looker_resource_from_env
    from sage_looker.defs.sage300.config import PlatformConfig
    from sage_looker.defs.sage300.resources import sage300_resource_from_env

    # A bad setting raises a ConfigurationError, reported by the `sage-looker` group (one line per problem).
    companies = PlatformConfig.from_env().companies
    # Resolve secrets now (a run would do it at start): the CLI is the run here.
    sage300, looker = sage300_resource_from_env(resolve=True), looker_resource_from_env(resolve=True)
    sage_settings, looker_settings = sage300.settings(), looker.settings()
    rows = sage_checks(sage_settings, companies)
    rows += looker_checks(looker_settings, model)
    width = max(len(r[1]) for r in rows)
    for system, what, ok, detail in rows:
        click.echo(f"{'OK  ' if ok else 'FAIL'} {system:<9}{what:<{width + 2}}{detail.splitlines()[0] if detail else ''}")
    failed = [r for r in rows if not r[2]]
    for _, what, _, detail in failed:
        click.echo(f"\n{what}:\n{detail}", err=True)
    sys.exit(1 if failed else 0)
