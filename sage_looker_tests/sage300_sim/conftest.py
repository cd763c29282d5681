"""Shared fixtures: one read-only simulator per test process, and helpers for private ones."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from sage_looker.sage300_sim import Simulator, SimulatorConfig, run_simulator

TODAY = dt.date(2025, 3, 14)
HEADERS = {"Content-Type": "application/json"}
AUTH = ("WEBAPI", "WEBAPI")


def config(**overrides) -> SimulatorConfig:
    return SimulatorConfig(**{"today": TODAY, "days": 40, "seed": 7, **overrides})


@pytest.fixture(scope="session")
def sim() -> Iterator[Simulator]:
    """Shared and read-only: tests that mutate data or set faults start their own (`fresh_sim`)."""
    with run_simulator(config()) as s:
        yield s


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(auth=AUTH, headers=HEADERS, timeout=10) as c:
        yield c


@pytest.fixture
def fresh_sim() -> Iterator[callable]:
    """`fresh_sim(days=5, faults=...)` → a private simulator stopped after the test."""
    started: list[Simulator] = []

    def make(**overrides) -> Simulator:
        s = Simulator(config(**{"days": 8, **overrides})).start()
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


def decode(resp: httpx.Response):
    """JSON with exact decimals, the way a correct client reads Sage amounts."""
    return json.loads(resp.content, parse_float=Decimal)


def fetch_all(c: httpx.Client, url: str, params: dict | None = None) -> tuple[list[dict], int]:
    """Follow nextLinks; returns (rows, pages)."""
    rows, pages = [], 0
    resp = c.get(url, params=params)
    while True:
        resp.raise_for_status()
        body = decode(resp)
        rows += body["value"]
        pages += 1
        nxt = body.get("@odata.nextLink")
        if not nxt:
            return rows, pages
        resp = c.get(nxt)
