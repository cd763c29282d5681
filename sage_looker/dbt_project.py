"""Where the dbt project and its LookML live, and how to run dbt against a warehouse without Dagster
(tests, scripts, the CLI). The Dagster glue uses dagster-dbt instead (`sage_looker/defs/dbt/`).

dbt reads its profile from the project directory; the warehouse comes from `SAGE_LOOKER_WAREHOUSE`
(a DuckDB path or `duckdb:///path`), the target from `SAGE_LOOKER_DBT_TARGET` (duckdb | postgres).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_looker_model"
LOOKML_DIR = PROJECT_DIR / "lookml"
# Schemas the project writes (generate_schema_name uses custom schema names as-is).
MARTS_SCHEMA = "marts"
STAGING_SCHEMA = "staging"
REFERENCE_SCHEMA = "reference"


def dbt_executable() -> str:
    """The dbt next to the running interpreter (the project's venv), else whatever is on PATH."""
    local = Path(sys.executable).with_name("dbt")
    return str(local) if local.exists() else "dbt"


def dbt_env(warehouse: str | os.PathLike | None = None, target_path: str | os.PathLike | None = None,
            base: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env.update({"DBT_PROFILES_DIR": str(PROJECT_DIR), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "DBT_USE_COLORS": "false"})
    if warehouse is not None:
        env["SAGE_LOOKER_WAREHOUSE"] = str(Path(warehouse).resolve()) if "://" not in str(warehouse) else str(warehouse)
    if target_path is not None:
        # Separate artifacts and logs per caller, so concurrent runs never share target/.
        env["DBT_TARGET_PATH"] = str(target_path)
        env["DBT_LOG_PATH"] = str(Path(target_path) / "logs")
    return env


@dataclass(frozen=True)
class DbtRun:
    args: tuple[str, ...]
    returncode: int
    output: str
    results: list[dict[str, Any]]

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def failures(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r.get("status") in ("error", "fail", "runtime error")]

    def warnings(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r.get("status") == "warn"]


def run_dbt(args: Sequence[str], *, warehouse: str | os.PathLike | None = None,
            target_path: str | os.PathLike | None = None, vars: Mapping[str, Any] | None = None,
            env: Mapping[str, str] | None = None, timeout: float = 600) -> DbtRun:
    """Run `dbt <args>` in the project; returns its exit code, output and run_results entries.
    `env` adds variables, e.g. SAGE_LOOKER_DBT_TARGET=postgres and the SAGE_LOOKER_PG_* connection."""
    cmd = [dbt_executable(), *args]
    if vars:
        cmd += ["--vars", json.dumps(dict(vars))]
    env = {**dbt_env(warehouse, target_path), **(env or {})}
    proc = subprocess.run(cmd, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout)
    results: list[dict[str, Any]] = []
    run_results = Path(env.get("DBT_TARGET_PATH") or PROJECT_DIR / "target") / "run_results.json"
    if run_results.exists() and args and args[0] in ("build", "run", "test", "seed"):
        results = json.loads(run_results.read_text()).get("results", [])
    return DbtRun(tuple(args), proc.returncode, proc.stdout + proc.stderr, results)
