"""`sage-looker credentials set|show|delete|new-key`: the encrypted credential store from the shell.

Values are never echoed or printed: `set` prompts without echo (twice, so a typo is caught) or reads one
line from stdin for scripts (`printf %s "$PW" | sage-looker credentials set SAGE300_PASSWORD --stdin`);
`show` lists names only. Every failure is one `Error: ...` line naming the fix, never a traceback.
"""

from __future__ import annotations

import os
import sys

import click

from sage_looker.security import credentials as store

# Short aliases people will type.
_ALIASES = {"SAGE": "SAGE300_PASSWORD", "SAGE300": "SAGE300_PASSWORD", "LOOKER": "LOOKER_CLIENT_SECRET"}


def _name(value: str) -> str:
    upper = value.strip().upper()
    upper = _ALIASES.get(upper, upper)
    if upper not in store.NAMES:
        raise click.BadParameter(f"use one of: {', '.join(store.NAMES)} (or sage, looker)")
    return upper


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group("credentials")
def credentials_group() -> None:
    """Store the Sage password and Looker client secret encrypted at rest ($SAGE_LOOKER_HOME/credentials.enc).

    The key comes from SAGE_LOOKER_SECRET_KEY (or the OS keyring when `keyring` is installed). Environment
    variables SAGE300_PASSWORD / LOOKER_CLIENT_SECRET, when set, win over stored values."""


@credentials_group.command("set")
@click.argument("name")
@click.option("--stdin", "from_stdin", is_flag=True, help="read the value from standard input (one line)")
@click.option("--overwrite", is_flag=True,
              help="replace a store the current key cannot decrypt (what the old key protected is lost)")
def set_command(name: str, from_stdin: bool, overwrite: bool) -> None:
    """Store NAME (SAGE300_PASSWORD or LOOKER_CLIENT_SECRET)."""
    name = _name(name)
    if from_stdin or not sys.stdin.isatty():
        value = sys.stdin.readline().rstrip("\r\n")
    else:
        value = click.prompt(f"{name} ({store.NAMES[name]})", hide_input=True, confirmation_prompt=True,
                             show_default=False)
    try:
        path = store.set_secret(name, value, overwrite=overwrite)
    except store.CredentialsError as exc:
        raise _fail(exc) from None
    click.echo(f"{name} stored encrypted in {path} (mode 0600).")
    if os.environ.get(name):
        click.echo(f"Note: the environment variable {name} is set and wins over the stored value.")


@credentials_group.command("show")
def show_command() -> None:
    """List which secrets are stored (never their values)."""
    path = store.store_path()
    if not path.exists():
        click.echo(f"No credential store at {path}.")
        return
    try:
        names = store.stored_names()
    except store.CredentialsError as exc:
        raise _fail(exc) from None
    click.echo(f"{path}:")
    for name in store.NAMES:
        state = "stored" if name in names else "not stored"
        override = " (environment variable set: it wins)" if os.environ.get(name) else ""
        click.echo(f"  {name:<22}{state}{override}")


@credentials_group.command("delete")
@click.argument("name", required=False)
@click.option("--all", "everything", is_flag=True, help="remove the whole store (works without the key)")
def delete_command(name: str | None, everything: bool) -> None:
    """Remove NAME from the store, or the whole store with --all."""
    if bool(name) == everything:
        raise click.UsageError("give either NAME or --all")
    try:
        removed = store.delete_secret(None if everything else _name(name or ""))
    except store.CredentialsError as exc:
        raise _fail(exc) from None
    what = "the credential store" if everything else name
    click.echo(f"Removed {what}." if removed else f"Nothing to remove: {what} is not stored.")


@credentials_group.command("new-key")
def new_key_command() -> None:
    """Print a fresh random key for SAGE_LOOKER_SECRET_KEY."""
    click.echo(store.new_key())
    click.echo(f"Keep it in your secret manager and export {store.KEY_ENV} wherever sage-looker runs; "
               "without it the stored secrets cannot be read.", err=True)
