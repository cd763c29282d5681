"""Build the synthetic warehouse and run `dbt build` on it once per test process.

Shared by sage_looker_tests/dbt and sage_looker_tests/lookml: a module-level cache (not a fixture in two
conftests, which pytest would run twice) keyed by nothing — the build is deterministic.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from sage_looker.dbt_project import DbtRun, run_dbt
from sage_looker_tests.dbt import synthetic

AS_OF_DATES = [synthetic.D1.isoformat(), synthetic.D2.isoformat()]


@dataclass(frozen=True)
class Built:
    warehouse: Path
    target: Path
    run: DbtRun

    def copy(self, dest: Path) -> Path:
        """A private copy of the built warehouse for tests that alter it."""
        out = dest / "warehouse.duckdb"
        shutil.copyfile(self.warehouse, out)
        return out


_BUILT: dict[str, Built] = {}


def build_synthetic(tmp_path_factory: pytest.TempPathFactory) -> Built:
    if "synthetic" not in _BUILT:
        root = tmp_path_factory.mktemp("synthetic_dbt")
        wh = synthetic.build(root / "warehouse.duckdb")
        run = run_dbt(["build"], warehouse=wh, target_path=root / "target", vars={"as_of_dates": AS_OF_DATES})
        if not run.ok:
            pytest.fail(f"dbt build on the synthetic warehouse failed:\n{run.output[-6000:]}")
        _BUILT["synthetic"] = Built(wh, root / "target", run)
    return _BUILT["synthetic"]


def rows(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
