"""Fixtures for the Looker simulator tests."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from sage_looker.looker_sim import LookerSimulator, run_looker_simulator
from sage_looker.looker_sim.oas import OpenApiSpec

SPEC_PATH = Path(__file__).resolve().parents[1] / "looker" / "data" / "looker-api-4.0.oas.json.gz"


@pytest.fixture(scope="session")
def oas() -> OpenApiSpec:
    return OpenApiSpec.load(SPEC_PATH)


@pytest.fixture
def sim() -> Iterator[LookerSimulator]:
    with run_looker_simulator() as s:
        yield s


@pytest.fixture
def make_short_lived_sim():
    """make_short_lived_sim(lifetime_seconds) -> a running simulator issuing short tokens."""
    from sage_looker.looker_sim import LookerSimConfig

    managers = []

    def make(lifetime: int) -> LookerSimulator:
        cm = run_looker_simulator(LookerSimConfig(token_lifetime=lifetime))
        managers.append(cm)
        return cm.__enter__()

    yield make
    for cm in managers:
        cm.__exit__(None, None, None)
