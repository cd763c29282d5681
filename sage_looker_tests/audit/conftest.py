"""The audit tests run the platform against the Sage simulator (the same wiring as `sage_looker_tests/defs`)."""

import datetime as dt

import pytest

from sage_looker_tests.defs.conftest import TODAY, Platform, make_platform  # noqa: F401 (re-exported)
from sage_looker.sage300_sim import SimulatorConfig, run_simulator

SECRET_FREE = ("WEBAPI:", "@127.0.0.1")  # URL userinfo never reaches the ledger or the archive


@pytest.fixture
def sim():
    with run_simulator(SimulatorConfig(seed=11, days=45, today=TODAY, scale=0.5)) as s:
        yield s


@pytest.fixture
def platform(sim, tmp_path, monkeypatch) -> Platform:
    return make_platform(sim, tmp_path, monkeypatch)


def ledger(platform, where: str = "TRUE", params=()) -> list[dict]:
    return platform.query(f"SELECT * FROM sage300_audit.load_ledger WHERE {where} ORDER BY finished_at", params)


def data_requests(sim) -> int:
    """Requests for Sage data (the simulator's control endpoints are not Sage)."""
    return sum(1 for r in sim.requests() if "/_simulator" not in str(r.get("path", r.get("url", ""))))


def slice_rows(platform, table: str, company: str, start: dt.date, end: dt.date) -> list[tuple]:
    """Every column but the lineage of one load (`_run_id`, `_loaded_at`), sorted: what must be identical."""
    from sage_looker.sage300 import catalog
    t = catalog.any_table(table)
    rows = platform.query(f'SELECT * FROM sage300."{table}" WHERE company_id = ? AND "{t.partition_column}" '
                          "BETWEEN ? AND ?", [company, start, end])
    return sorted(tuple(sorted((k, str(v)) for k, v in r.items() if k not in ("_run_id", "_loaded_at")))
                  for r in rows)
