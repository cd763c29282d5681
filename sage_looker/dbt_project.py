"""Where the dbt project and its LookML live, and how to run dbt against a warehouse without Dagster
(tests, scripts, the CLI). The Dagster glue uses dagster-dbt instead (`sage_looker/defs/dbt/`).

dbt reads its profile from the project directory. One setting picks the warehouse: `SAGE_LOOKER_WAREHOUSE`
(a DuckDB path, `duckdb:///path` or `postgresql://…`); `dbt_target_env` turns it into the profile's target
(`SAGE_LOOKER_DBT_TARGET`: duckdb | postgres) and, for PostgreSQL, the `SAGE_LOOKER_PG_*` connection, with
the password only in the environment (DBT_ENV_SECRET_…, masked by dbt), never on the command line.
"""

from __future__ import annotations

import getpass
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
INTERMEDIATE_SCHEMA = "intermediate"
REFERENCE_SCHEMA = "reference"


def dbt_executable() -> str:
    """The dbt next to the running interpreter (the project's venv), else whatever is on PATH."""
    local = Path(sys.executable).with_name("dbt")
    return str(local) if local.exists() else "dbt"


# The profile's PostgreSQL connection variables (profiles.yml, target `postgres`).
PG_PASSWORD_ENV = "DBT_ENV_SECRET_SAGE_LOOKER_PG_PASSWORD"  # dbt masks DBT_ENV_SECRET_* values in its logs
_PG_PROFILE_ENV = {"host": "SAGE_LOOKER_PG_HOST", "port": "SAGE_LOOKER_PG_PORT", "user": "SAGE_LOOKER_PG_USER",
                   "dbname": "SAGE_LOOKER_PG_DATABASE", "sslmode": "SAGE_LOOKER_PG_SSLMODE"}


def dbt_target_env(warehouse: str | os.PathLike, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment that points the dbt profile at `warehouse` (what `SAGE_LOOKER_WAREHOUSE` holds).

    DuckDB: target `duckdb` and the absolute file path. PostgreSQL (`postgresql://user:pw@host:port/db?…`):
    target `postgres`, SAGE_LOOKER_PG_HOST/PORT/USER/DATABASE/SSLMODE from the URL, the password (when the
    URL has one) in DBT_ENV_SECRET_SAGE_LOOKER_PG_PASSWORD, and every other URL parameter (sslrootcert,
    options, …) as libpq's own PG* variable, so dbt connects exactly as the loaders do. The URL is the only
    source: stale SAGE_LOOKER_PG_* values in `base` are overridden. `base` (default os.environ) supplies
    libpq's fallbacks for what the URL leaves out (PGHOST, PGUSER; PGPASSWORD and ~/.pgpass keep working).
    """
    from sage_looker.warehouse.errors import WarehouseError
    from sage_looker.warehouse.targets import LIBPQ_ENV, duckdb_path, is_postgres, postgres_conninfo

    base = os.environ if base is None else base
    if not is_postgres(warehouse):
        return {"SAGE_LOOKER_DBT_TARGET": "duckdb", "SAGE_LOOKER_WAREHOUSE": str(duckdb_path(warehouse))}
    info = postgres_conninfo(warehouse)
    user = info.get("user") or base.get("PGUSER") or getpass.getuser()
    values = {"host": info.get("host") or base.get("PGHOST") or "localhost",
              "port": info.get("port") or base.get("PGPORT") or "5432",
              "user": user,
              "dbname": info.get("dbname") or base.get("PGDATABASE") or user,
              "sslmode": info.get("sslmode") or base.get("PGSSLMODE") or "prefer"}
    env = {"SAGE_LOOKER_DBT_TARGET": "postgres", **{_PG_PROFILE_ENV[k]: v for k, v in values.items()},
           PG_PASSWORD_ENV: info.get("password", ""), "SAGE_LOOKER_PG_PASSWORD": ""}
    for key, value in info.items():
        if key not in _PG_PROFILE_ENV and key != "password":
            if key not in LIBPQ_ENV:
                raise WarehouseError(f"the PostgreSQL URL parameter {key!r} cannot be passed to dbt-postgres")
            env[LIBPQ_ENV[key]] = value
    return env


def dbt_env(warehouse: str | os.PathLike | None = None, target_path: str | os.PathLike | None = None,
            base: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env.update({"DBT_PROFILES_DIR": str(PROJECT_DIR), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "DBT_USE_COLORS": "false"})
    if warehouse is not None:
        env.update(dbt_target_env(warehouse, env))
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
