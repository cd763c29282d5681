"""Looker as a Dagster resource. An empty base URL means the bundled Looker simulator (the embedded default)."""

from __future__ import annotations

import os

import dagster as dg

from sage_looker.defs.embedded import once_per_process, uses_simulator
from sage_looker.looker.client import LookerClient
from sage_looker.looker.settings import LookerSettings
from sage_looker.security.credentials import secret_or_stored
from sage_looker.security.redaction import register_secret

# What the bundled simulator serves: the sage_looker model's datagroup and the five morning dashboards.
EMBEDDED_DEFAULTS = {
    "LOOKER_DATAGROUPS": "sage_looker::sage300_load",
    "LOOKER_SCHEDULED_PLANS": "1,2,3,4,5",
    "LOOKER_PROJECT": "sage_looker",
    "LOOKER_CONNECTION": "sage_looker_warehouse",
}


def _start():
    from sage_looker.looker_sim import LookerSimConfig, run_looker_simulator

    return run_looker_simulator(LookerSimConfig())


def embedded_looker_simulator():
    """The bundled Looker simulator of this process, started on first use."""
    return once_per_process("looker", _start)


def embedded_looker() -> tuple[str, str, str]:
    """Start (once per process) the bundled Looker simulator; returns (base_url, client_id, client_secret)."""
    sim = embedded_looker_simulator()
    return sim.base_url, sim.client_id, sim.config.client_secret


class LookerResource(dg.ConfigurableResource):
    base_url: str = ""
    client_id: str = ""
    client_secret: str = ""
    datagroups: str = ""
    scheduled_plans: str = ""
    project: str = ""
    connection: str = ""

    def settings(self) -> LookerSettings:
        values = {"LOOKER_BASE_URL": self.base_url, "LOOKER_CLIENT_ID": self.client_id,
                  "LOOKER_CLIENT_SECRET": self.client_secret, "LOOKER_DATAGROUPS": self.datagroups,
                  "LOOKER_SCHEDULED_PLANS": self.scheduled_plans, "LOOKER_PROJECT": self.project,
                  "LOOKER_CONNECTION": self.connection}
        env = {k: v for k, v in values.items() if v}
        if uses_simulator(self.base_url):  # empty (embedded default) or LOOKER_BASE_URL=simulator
            url, cid, secret = embedded_looker()
            env = {**EMBEDDED_DEFAULTS, **env, "LOOKER_BASE_URL": url, "LOOKER_CLIENT_ID": cid,
                   "LOOKER_CLIENT_SECRET": secret}
        else:  # neither the environment nor code set it: `sage-looker credentials set` may have stored it
            secret = secret_or_stored("LOOKER_CLIENT_SECRET", env.get("LOOKER_CLIENT_SECRET"))
            if secret:
                env["LOOKER_CLIENT_SECRET"] = secret
        settings = LookerSettings.from_env(env)
        register_secret(settings.client_secret.get_secret_value())
        return settings

    def client(self) -> LookerClient:
        return LookerClient(self.settings())


def looker_resource_from_env(env=None, resolve: bool = False) -> LookerResource:
    """Validate LOOKER_* now when Looker is configured; the client secret stays an EnvVar read at run time."""
    env = os.environ if env is None else env
    if not uses_simulator(env.get("LOOKER_BASE_URL")):
        looker_env = {k: v for k, v in env.items() if k.startswith("LOOKER_")}
        # A stored secret counts as set; a store the key cannot open fails the load now (CredentialsError,
        # a ConfigurationError: reported with the other configuration problems).
        given = looker_env.get("LOOKER_CLIENT_SECRET", "")
        looker_env["LOOKER_CLIENT_SECRET"] = secret_or_stored("LOOKER_CLIENT_SECRET", given.strip() and given, env)
        LookerSettings.from_env(looker_env)
    fields = {"base_url": "LOOKER_BASE_URL", "client_id": "LOOKER_CLIENT_ID", "client_secret": "LOOKER_CLIENT_SECRET",
              "datagroups": "LOOKER_DATAGROUPS", "scheduled_plans": "LOOKER_SCHEDULED_PLANS",
              "project": "LOOKER_PROJECT", "connection": "LOOKER_CONNECTION"}
    values = {}
    for field, var in fields.items():
        if env.get(var, "").strip():
            values[field] = dg.EnvVar(var) if field == "client_secret" and not resolve else env[var]
    return LookerResource(**values)
