"""Where the product keeps its state on this machine: `SAGE_LOOKER_HOME` (default `./.sage_looker`).

One place for the rule, because the credential store, the raw page archive, the shared Sage host budget, the
Dagster instance and the embedded DuckDB warehouse all live under it, and a second spelling of the default
once sent two of them to different folders. No Dagster here: every layer may import it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

HOME_ENV = "SAGE_LOOKER_HOME"
WAREHOUSE_ENV = "SAGE_LOOKER_WAREHOUSE"
DEFAULT_HOME = ".sage_looker"


def home_dir(env: Mapping[str, str] | None = None) -> Path:
    """The state folder, absolute (resolved against the working directory of the process that asks)."""
    env = os.environ if env is None else env
    return Path(env.get(HOME_ENV) or DEFAULT_HOME).resolve()


def default_warehouse_target(env: Mapping[str, str] | None = None) -> str:
    """`SAGE_LOOKER_WAREHOUSE` when set, else the embedded DuckDB file under the home folder."""
    env = os.environ if env is None else env
    return (env.get(WAREHOUSE_ENV) or "").strip() or str(home_dir(env) / "warehouse.duckdb")
