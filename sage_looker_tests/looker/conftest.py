"""Fixtures for the Looker client tests: a simulator per test and settings that retry fast."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from sage_looker.looker import LookerClient, LookerSettings
from sage_looker.looker_sim import LookerSimConfig, LookerSimulator, run_looker_simulator
from sage_looker.looker_sim.oas import OpenApiSpec

SPEC_PATH = Path(__file__).resolve().parent / "data" / "looker-api-4.0.oas.json.gz"


@pytest.fixture(scope="session")
def oas() -> OpenApiSpec:
    return OpenApiSpec.load(SPEC_PATH)


@pytest.fixture
def make_sim() -> Iterator[Callable[..., LookerSimulator]]:
    """make_sim(**LookerSimConfig fields) -> a running simulator, stopped after the test."""
    stack: list[Any] = []

    def make(**config: Any) -> LookerSimulator:
        cm = run_looker_simulator(LookerSimConfig(**config))
        sim = cm.__enter__()
        stack.append(cm)
        return sim

    yield make
    for cm in reversed(stack):
        cm.__exit__(None, None, None)


@pytest.fixture
def sim(make_sim: Callable[..., LookerSimulator]) -> LookerSimulator:
    return make_sim()


def fast_settings(sim: LookerSimulator, **overrides: Any) -> LookerSettings:
    values: dict[str, Any] = dict(
        base_url=sim.base_url, client_id=sim.client_id, client_secret=sim.client_secret,
        timeout=5.0, max_retries=4, backoff_initial_seconds=0.01, backoff_max_seconds=0.05,
        delivery_settle_seconds=0.05, lookml_project_id="sage_looker", connection_name="sage_looker_warehouse",
        datagroups=("sage_looker::sage300_load",), scheduled_plan_ids=("1", "2", "3", "4", "5"),
    )
    values.update(overrides)
    return LookerSettings(**values)


@pytest.fixture
def settings_for() -> Callable[..., LookerSettings]:
    """settings_for(sim, **overrides) -> settings pointing at `sim`."""
    return fast_settings


@pytest.fixture
def make_client() -> Iterator[Callable[..., LookerClient]]:
    clients: list[LookerClient] = []

    def make(sim: LookerSimulator, **overrides: Any) -> LookerClient:
        client = LookerClient(fast_settings(sim, **overrides))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(sim: LookerSimulator, make_client: Callable[..., LookerClient]) -> LookerClient:
    return make_client(sim)
