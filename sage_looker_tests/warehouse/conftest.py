"""Warehouse fixtures. Every test runs once per backend in BACKENDS (parametrized, never copied): the
same suite proves the DuckDB and the PostgreSQL backend keep one contract. PostgreSQL tests skip with the
reason when no test server is running (see sage_looker_tests/pgserver.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sage_looker.warehouse import Warehouse, open_warehouse
from sage_looker_tests.pgserver import fresh_database

BACKENDS = ["duckdb", "postgres"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def target(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "duckdb":
        yield f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    elif backend == "postgres":
        with fresh_database() as url:
            yield url
    else:
        raise AssertionError(backend)


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
