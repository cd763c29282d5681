"""Dagster resources: thin wrappers that build the Sage client from configuration."""

from __future__ import annotations

import os
import threading

import dagster as dg
from pydantic import PrivateAttr

from sage_looker.defs.embedded import uses_simulator
from sage_looker.defs.sage300.embedded import embedded_credentials, embedded_sage_url
from sage_looker.sage300.budget import RequestBudget
from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.host_budget import GateSettings, install_shared_gate
from sage_looker.sage300.settings import ENV_VARS, Sage300Settings
from sage_looker.security.credentials import secret_or_stored
from sage_looker.security.redaction import register_sage_credentials

# Resource field → SAGE300_* variable, so values set in code or the launchpad are validated exactly like
# the environment (one clear line per bad value, naming the variable and the fix).
_FIELDS = ("url", "user", "password", "password_case", "page_size", "max_requests_per_run", "concurrency",
           "timeout_seconds", "verify_tls", "ca_bundle", "max_retries")


class Sage300Resource(dg.ConfigurableResource):
    """Connection to one Sage 300 Web API. An empty `url` means the bundled simulator (the embedded default)."""

    url: str = ""
    user: str = ""
    password: str = ""
    password_case: str = "upper"
    page_size: str = ""
    max_requests_per_run: str = ""
    concurrency: str = ""
    timeout_seconds: str = ""
    verify_tls: str = ""
    ca_bundle: str = ""
    max_retries: str = ""

    _clients: dict = PrivateAttr(default_factory=dict)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def settings(self) -> Sage300Settings:
        env = {ENV_VARS[f][0]: str(getattr(self, f)) for f in _FIELDS if str(getattr(self, f))}
        if uses_simulator(self.url):  # empty (embedded default) or SAGE300_URL=simulator
            env["SAGE300_URL"] = embedded_sage_url()
            env["SAGE300_USER"], env["SAGE300_PASSWORD"] = embedded_credentials()
            return Sage300Settings.from_env(env)
        # Neither the environment nor code set it: `sage-looker credentials set` may have stored it.
        password = secret_or_stored("SAGE300_PASSWORD", env.get("SAGE300_PASSWORD"))
        if password:
            env["SAGE300_PASSWORD"] = password
        settings = Sage300Settings.from_env(env)
        register_sage_credentials(settings.user, settings.password.get_secret_value(), settings.password_case)
        return settings

    def client_for_run(self, run_id: str) -> Sage300Client:
        """One client and one request budget per run: every asset of the run draws from the same budget."""
        with self._lock:
            client = self._clients.get(run_id)
            if client is None:
                settings = self.settings()
                install_shared_gate(settings.url)  # the per-host budget and slots shared with every other run
                client = Sage300Client(settings, budget=RequestBudget(settings.max_requests_per_run))
                self._clients[run_id] = client
            return client

    def sensor_client(self, budget: int) -> Sage300Client:
        """A client with its own small budget, for one sensor tick."""
        settings = self.settings()
        install_shared_gate(settings.url)
        return Sage300Client(settings, budget=RequestBudget(min(budget, settings.max_requests_per_run)))

    def teardown_after_execution(self, context) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()


def sage300_resource_from_env(env=None, resolve: bool = False) -> Sage300Resource:
    """Validate SAGE300_* now (a bad value fails the code location load with its fix), and keep the password
    out of the definitions: it is an EnvVar, read only when a run starts."""
    env = os.environ if env is None else env
    # Companies are validated by the platform configuration; checking them twice would repeat the error.
    Sage300Settings.from_env({k: v for k, v in env.items() if k.startswith("SAGE300_") and k != "SAGE300_COMPANIES"
                              and not (k == "SAGE300_URL" and uses_simulator(v))})
    GateSettings.from_env(env)  # SAGE300_HOST_BUDGET* (host_budget.py)
    if not uses_simulator(env.get("SAGE300_URL")):
        # A store the key cannot open fails the load now (CredentialsError), not the first run.
        secret_or_stored("SAGE300_PASSWORD", env.get("SAGE300_PASSWORD"), env)
    values: dict = {}
    for field in _FIELDS:
        var = ENV_VARS[field][0]
        if env.get(var, "").strip() or (field == "password" and var in env):
            values[field] = dg.EnvVar(var) if field == "password" and not resolve else env[var]
    return Sage300Resource(**values)
