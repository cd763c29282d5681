"""Shared fixtures for the Sage 300 client tests: fast settings, a fake server, a distinctive password."""

from __future__ import annotations

import pytest

from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.settings import Sage300Settings

from .fake_sage import BASE, FakeSage

# Distinctive, so a leak in any message or log line is unmistakable.
PASSWORD = "Zq7-Leak-Canary"


def fast_settings(**overrides) -> Sage300Settings:
    base = dict(
        url=BASE, user="webapi", password="secretpw", companies=["SAMLTD"], page_size=100,
        max_requests_per_run=1000, max_retries=3, backoff_initial_seconds=0.001, backoff_max_seconds=0.01,
        retry_after_cap_seconds=0.05, timeout_seconds=5,
    )
    base.update(overrides)
    return Sage300Settings(**base)


@pytest.fixture
def fake() -> FakeSage:
    return FakeSage()


@pytest.fixture
def make_client():
    clients: list[Sage300Client] = []

    def make(fake: FakeSage, **overrides) -> Sage300Client:
        c = Sage300Client(fast_settings(**overrides), transport=fake.transport())
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()
