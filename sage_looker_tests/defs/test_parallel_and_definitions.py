"""Two runs at once against one DuckDB file, and the code location as Dagster itself loads it."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from .conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _env(sim, home: Path, dagster_home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAGE300_", "SAGE_LOOKER_", "DAGSTER_"))}
    env.update(SAGE300_URL=sim.url, SAGE300_USER="WEBAPI", SAGE300_PASSWORD="WEBAPI",
               SAGE300_COMPANIES="SAMINC,SAMLTD", SAGE_LOOKER_HOME=str(home),
               SAGE300_START_DATE=(TODAY - dt.timedelta(days=60)).isoformat(), DAGSTER_HOME=str(dagster_home))
    return env


def test_two_runs_in_parallel_both_succeed_against_one_duckdb_file(sim, tmp_path):
    start, end = (TODAY - dt.timedelta(days=20)).isoformat(), TODAY.isoformat()
    procs = []
    for company in ("SAMINC", "SAMLTD"):
        dagster_home = tmp_path / f"dagster_{company}"
        dagster_home.mkdir()
        procs.append(subprocess.Popen(
            [str(BIN / "sage-looker"), "sync", "--company", company, "--start", start, "--end", end],
            env=_env(sim, tmp_path, dagster_home), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True))
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], "\n".join(o[-3000:] for o in outputs)
    from sage_looker.warehouse import open_warehouse
    wh = open_warehouse(tmp_path / "warehouse.duckdb")
    try:
        rows = wh.read_arrow("SELECT company_id, COUNT(*) AS n FROM sage300.gl_journal_lines GROUP BY 1").to_pylist()
    finally:
        wh.close()
    truth = sim.truth()["companies"]
    for r in rows:
        parts = truth[r["company_id"]]["tables"]["gl_journal_lines"]["partitions"]
        assert r["n"] == sum(p["rows"] for d, p in parts.items() if start <= d <= end)
    assert {r["company_id"] for r in rows} == {"SAMINC", "SAMLTD"}


def test_dagster_validates_the_workspace(sim, tmp_path):
    env = _env(sim, tmp_path, tmp_path)
    result = subprocess.run([str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Validation successful" in result.stdout + result.stderr


def test_a_bad_setting_fails_the_code_location_load_with_its_fix(sim, tmp_path):
    env = {**_env(sim, tmp_path, tmp_path), "SAGE300_PAGE_SIZE": "lots", "SAGE300_COMPANIES": "SAM INC"}
    result = subprocess.run([str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "SAGE300_COMPANIES" in out and "SAGE300_PAGE_SIZE" in out
