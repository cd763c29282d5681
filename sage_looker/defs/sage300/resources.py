"""Dagster resources: thin wrappers that build the Sage client and open the warehouse from configuration."""

from __future__ import annotations

import os
import threading

import dagster as dg
from pydantic import PrivateAttr

from sage_looker.defs.sage300.embedded import embedded_credentials, embedded_sage_url
from sage_looker.sage300.budget import RequestBudget
from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.settings import Sage300Settings


class Sage300Resource(dg.ConfigurableResource):
    """Connection to one Sage 300 Web API. Empty `url` means the bundled simulator (the embedded default)."""

    url: str = ""
    user: str = ""
    password: str = ""
    password_case: str = "upper"
    page_size: int = 100
    max_requests_per_run: int = 1200
    concurrency: int = 2
    timeout_seconds: float = 60.0

    _clients: dict = PrivateAttr(default_factory=dict)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def settings(self) -> Sage300Settings:
        url, user, password = self.url, self.user, self.password
        if not url:
            url = embedded_sage_url()
            user, password = embedded_credentials()
        return Sage300Settings(
            url=url,
            user=user or "WEBAPI",
            password=password,
            password_case=self.password_case,
            page_size=self.page_size,
            max_requests_per_run=self.max_requests_per_run,
            concurrency=self.concurrency,
            timeout_seconds=self.timeout_seconds,
        )

    def client_for_run(self, run_id: str) -> Sage300Client:
        """One client and one request budget per run: every asset of the run draws from the same budget."""
        with self._lock:
            client = self._clients.get(run_id)
            if client is None:
                settings = self.settings()
                client = Sage300Client(settings, budget=RequestBudget(settings.max_requests_per_run))
                self._clients[run_id] = client
            return client


    def sensor_client(self, budget: int) -> Sage300Client:
        """A client with its own small budget, for one sensor tick."""
        settings = self.settings()
        return Sage300Client(settings, budget=RequestBudget(min(budget, settings.max_requests_per_run)))


def _env(name: str, default: str = "") -> str | dg.EnvVar:
    # EnvVar keeps secrets out of the definitions; plain defaults keep the embedded demo zero-config.
    return dg.EnvVar(name) if os.environ.get(name) else default


def sage300_resource_from_env() -> Sage300Resource:
    return Sage300Resource(
        url=_env("SAGE300_URL"),
        user=_env("SAGE300_USER"),
        password=_env("SAGE300_PASSWORD"),
        password_case=os.environ.get("SAGE300_PASSWORD_CASE", "upper"),
        page_size=int(os.environ.get("SAGE300_PAGE_SIZE", "100")),
        max_requests_per_run=int(os.environ.get("SAGE300_MAX_REQUESTS_PER_RUN", "1200")),
        concurrency=int(os.environ.get("SAGE300_CONCURRENCY", "2")),
        timeout_seconds=float(os.environ.get("SAGE300_TIMEOUT", "60")),
    )
