"""`sage-looker` command line. Each sub-command lives with the code it drives; this module only wires them."""

from __future__ import annotations

import click

from sage_looker.errors import ConfigurationError, report


class _Commands(click.Group):
    """Every sub-command reports a bad or missing setting the same way: one `Error:` line per problem naming
    the variable and the fix, exit code 1, never a traceback. Only `ConfigurationError` (the root of every
    configuration error, sage_looker/errors.py) is caught here: anything else is a bug and shows as one."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigurationError as exc:
            raise click.ClickException(report(exc)) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sage_looker")
def main() -> None:
    """Sage 300 → warehouse → Looker, as Dagster assets."""
    from sage_looker.security.redaction import install

    install()  # every log line of every sub-command passes the secret redaction


@main.group()
def simulate() -> None:
    """Run a local simulator of an external system (real HTTP on loopback)."""


def _register() -> None:
    # Imported here so `sage-looker --help` stays fast and one broken sub-command cannot hide the others.
    from sage_looker.sage300_sim.cli import sage300_command

    simulate.add_command(sage300_command, name="sage300")

    from sage_looker.looker_sim.cli import looker_sim_command

    simulate.add_command(looker_sim_command, name="looker")

    from sage_looker.commands.sync_cli import demo_command, replay_command, replay_looker_command, sync_command

    from sage_looker.commands.ping import ping_command
    from sage_looker.security.cli import credentials_group

    main.add_command(credentials_group)

    for command in (sync_command, replay_command, replay_looker_command, demo_command, ping_command):
        main.add_command(command)


_register()

if __name__ == "__main__":
    main()
