"""A Dagster platform wired to a real simulator over loopback, with its own warehouse and instance."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest

from sage_looker.sage300_sim import SimulatorConfig, run_simulator

TODAY = dt.date(2026, 11, 20)


@dataclass
class Platform:
    defs: dg.Definitions
    instance: dg.DagsterInstance
    warehouse: str
    sim: object
    home: Path

    def query(self, sql: str, params=()):
        from sage_looker.warehouse import open_warehouse
        wh = open_warehouse(self.warehouse)
        try:
            return wh.read_arrow(sql, list(params)).to_pylist()
        finally:
            wh.close()


def make_platform(sim, home: Path, monkeypatch, **env) -> Platform:
    from sage_looker.definitions import build_definitions

    values = {
        "SAGE300_URL": sim.url, "SAGE300_USER": "WEBAPI", "SAGE300_PASSWORD": "WEBAPI",
        "SAGE300_COMPANIES": "SAMINC,SAMLTD", "SAGE_LOOKER_HOME": str(home),
        "SAGE300_START_DATE": (TODAY - dt.timedelta(days=60)).isoformat(),
        "DAGSTER_HOME": str(home / "dagster_home"), **env,
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    (home / "dagster_home").mkdir(parents=True, exist_ok=True)
    defs = build_definitions()
    warehouse = values.get("SAGE_LOOKER_WAREHOUSE") or str(home / "warehouse.duckdb")  # a PostgreSQL URL too
    return Platform(defs, dg.DagsterInstance.ephemeral(), warehouse, sim, home)


@pytest.fixture
def sim():
    with run_simulator(SimulatorConfig(seed=11, days=45, today=TODAY, scale=0.5)) as s:
        yield s


@pytest.fixture
def platform(sim, tmp_path, monkeypatch) -> Platform:
    return make_platform(sim, tmp_path, monkeypatch)


def warehouse_partitions(platform: Platform, table: str, sums: list[str], company: str) -> dict:
    """{date: (rows, {column: Decimal})} from the warehouse, for comparison with the simulator's truth."""
    from sage_looker.sage300 import catalog
    t = catalog.table(table)
    pcol = t.partition_column
    cols = "".join(f', SUM("{c}") AS "{c}"' for c in sums)
    rows = platform.query(
        f'SELECT CAST("{pcol}" AS VARCHAR) AS d, COUNT(*) AS n{cols} FROM sage300."{table}" '
        f"WHERE company_id = ? GROUP BY 1", [company])
    return {r["d"]: (r["n"], {c: r[c] for c in sums}) for r in rows}


def as_decimal(v):
    return None if v is None else Decimal(str(v))
