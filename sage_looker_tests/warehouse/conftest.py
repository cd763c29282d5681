"""Warehouse fixtures. Every test runs once per backend in BACKENDS: adding PostgreSQL later means adding
one entry here (and a `target` for it), not copying tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sage_looker.warehouse import Warehouse, open_warehouse

BACKENDS = ["duckdb"]


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "duckdb":
        return f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    raise AssertionError(request.param)


@pytest.fixture
def open_wh(target: str) -> Callable[..., Warehouse]:
    opened: list[Warehouse] = []

    def _open(**options: object) -> Warehouse:
        wh = open_warehouse(target, **options)
        opened.append(wh)
        return wh

    yield _open
    for wh in opened:
        wh.close()


@pytest.fixture
def warehouse(open_wh: Callable[..., Warehouse]) -> Warehouse:
    return open_wh()
