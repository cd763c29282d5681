"""dbt models and tests (dbt_looker_model) as Dagster assets and asset checks. The LookML explores and
dashboards downstream of them live in the Looker folder (sage_looker/defs/looker/dashboards.py).

The dbt sources are named `sage300`, so dagster-dbt's default translator gives them the keys
`["sage300", <table>]` — exactly the Sage loader assets: lineage without translator code. Models get
`[<schema>, <model>]` (`["marts", "ap_aging"]`), which is also what a LookML `sql_table_name: marts.ap_aging`
splits into. The manifest is produced offline (`dbt parse`, no packages), at definition load time when
it is missing or under `dagster dev`.

The warehouse target picks the dbt target: a DuckDB path goes to the `duckdb` target as the var
`warehouse_path`; a `postgresql://…` URL goes to the `postgres` target through the environment of the dbt
process only (`dbt_target_env`), so the password is never on dbt's command line, in its vars or in logs.
"""

# No `from __future__ import annotations`: Dagster reads the run-config annotation of the asset function.
import datetime as dt
import json
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._utils import run_with_concurrent_update_guard
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.dbt_project import using_dagster_dev

from sage_looker.defs.dbt.translator import BlockingChecksTranslator, SageLookerDbtTranslator
from sage_looker.home import home_dir
from sage_looker.dbt_project import PROJECT_DIR, dbt_executable, dbt_target_env
from sage_looker.warehouse.targets import is_postgres

DBT_POOL = "warehouse_writer"
DBT_RESOURCE_KEY = "dbt"


class DbtBuildConfig(dg.Config):
    """Run config of a dbt build. Dates are YYYY-MM-DD; empty = dbt's defaults (full rebuild of the
    incremental GL fact, open items as of today)."""

    min_date: str | None = None
    max_date: str | None = None
    as_of_dates: list[str] = []
    full_refresh: bool = False


def dbt_state_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where dbt writes its manifest and run artifacts: state, never the source tree (which may be read-only
    in a deploy, and is shared by every checkout's processes). SAGE_LOOKER_DBT_STATE overrides it (the test
    suite shares one parsed manifest across its many homes)."""
    env = os.environ if env is None else env
    explicit = (env.get("SAGE_LOOKER_DBT_STATE") or "").strip()
    return Path(explicit).resolve() if explicit else home_dir(env) / "dbt"


def sage_looker_dbt_project(target: str | None = None, prepare: bool = True) -> DbtProject:
    """The DbtProject of dbt_looker_model with a manifest: `dbt parse` (offline, the project has no
    packages) when it is missing or under `dagster dev`; a deploy can run it at build time instead."""
    project = DbtProject(project_dir=PROJECT_DIR, target=target, target_path=dbt_state_dir() / "target")
    if prepare and (using_dagster_dev() or not project.manifest_path.exists()):
        # The stock preparer looks for `dbt` on PATH; use the venv's dbt next to this interpreter. The guard
        # (a lock file) keeps concurrent code-location loads from parsing into the same target/ at once.
        project.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        run_with_concurrent_update_guard(project.manifest_path, _parse, project=project)
    return project


def _parse(project: DbtProject) -> None:
    # `dbt parse` never connects, but it renders the profile: point it at the configured warehouse so a
    # PostgreSQL URL in SAGE_LOOKER_WAREHOUSE is never read as a DuckDB file path.
    warehouse = os.environ.get("SAGE_LOOKER_WAREHOUSE", "").strip()
    # dbt writes manifest.json in place, and the guard only keeps parsers apart: a process loading the
    # definitions meanwhile read half a manifest (JSONDecodeError in a code-location load under `make test`).
    # So dbt parses into its own folder (which keeps partial_parse.msgpack between parses) and the finished
    # manifest replaces the old one in one rename: a reader sees the old manifest or the new, never a part.
    parse_dir = project.target_path / "parse"
    with dbt_process_env(dbt_target_env(warehouse) if warehouse else {}):
        invocation = dbt_resource(project).cli(["parse", "--quiet"], target_path=parse_dir)
    invocation.wait()
    os.replace(parse_dir / "manifest.json", project.manifest_path)


_ENV_LOCK = threading.Lock()


@contextmanager
def dbt_process_env(values: Mapping[str, str]) -> Iterator[None]:
    """`values` in os.environ while a dbt process is started (DbtCliResource.cli copies os.environ into the
    child at Popen and has no env argument), restored right after. Serialized: one swap at a time."""
    if not values:
        yield
        return
    with _ENV_LOCK:
        saved = {k: os.environ.get(k) for k in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def dbt_resource(project: DbtProject | None = None) -> DbtCliResource:
    return DbtCliResource(project_dir=project or sage_looker_dbt_project(), dbt_executable=dbt_executable())


def _date_window(context: dg.AssetExecutionContext) -> tuple[str | None, str | None]:
    """The dates of a partitioned run: a time window, or the date dimension of company|date keys."""
    if not context.has_partition_key_range and not context.has_partition_key:
        return None, None
    try:
        window = context.partition_time_window
        return window.start.date().isoformat(), (window.end - dt.timedelta(days=1)).date().isoformat()
    except Exception:  # multi-partitions (company × date) have no single time window
        dates = sorted(str(k).partition("|")[2] for k in context.partition_keys if "|" in str(k))
        return (dates[0], dates[-1]) if dates else (None, None)


def dbt_vars(config: DbtBuildConfig, window: tuple[str | None, str | None], warehouse_path: str | None) -> dict[str, Any]:
    lo, hi = config.min_date or window[0], config.max_date or window[1]
    out: dict[str, Any] = {}
    if warehouse_path:
        out["warehouse_path"] = warehouse_path
    if lo:
        out["min_date"] = lo
    if hi:
        out["max_date"] = hi
    if config.as_of_dates:
        out["as_of_dates"] = list(config.as_of_dates)
    return out


def build_dbt_assets(
    *,
    project: DbtProject | None = None,
    warehouse_path: str | Path | None = None,
    partitions_def: dg.PartitionsDefinition | None = None,
    select: str = "fqn:*",
    exclude: str | None = None,
    name: str = "sage_looker_dbt",
    automation_condition: dg.AutomationCondition | None = None,
    freshness_policy: dg.FreshnessPolicy | None = None,
) -> dg.AssetsDefinition:
    """One @dbt_assets over the whole project (or `select`), tests as asset checks, in pool warehouse_writer.

    `warehouse_path`: the warehouse target dbt writes, as SAGE_LOOKER_WAREHOUSE spells it. A DuckDB file is
    passed as the dbt var `warehouse_path` (so it wins over SAGE_LOOKER_WAREHOUSE); a `postgresql://…` URL
    selects the `postgres` target and its connection through the dbt process's environment (never argv).
    None leaves both to the profile's env vars. Needs the resource `dbt` (`dbt_resource()`). A partitioned
    run passes its date window as vars min_date/max_date.
    """
    project = project or sage_looker_dbt_project()
    wh = None if warehouse_path is None else str(warehouse_path)
    process_env: dict[str, str] = {}
    if wh:
        process_env = dbt_target_env(wh)  # validated now: a bad URL fails the code location load, not a run
        if is_postgres(wh):
            wh = None  # the URL (and its password) must not become a dbt var
        else:
            wh = process_env["SAGE_LOOKER_WAREHOUSE"]  # absolute: dbt runs in the project directory
    translator = SageLookerDbtTranslator(automation_condition, freshness_policy)

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        name=name,
        select=select,
        exclude=exclude,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions_def else None,
        dagster_dbt_translator=translator,
        pool=DBT_POOL,
    )
    def _dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig) -> Iterator[Any]:
        args = ["build"]
        variables = dbt_vars(config, _date_window(context), wh)
        if variables:
            args += ["--vars", json.dumps(variables)]
        if config.full_refresh:
            args.append("--full-refresh")
        with dbt_process_env(process_env):
            # Run artifacts (target/<run>) go to the state directory too, not into the source tree.
            invocation = dbt.cli(args, context=context, target_path=dbt_state_dir() / "runs" / context.run_id[:8])
        yield from invocation.stream()

    return _dbt


__all__: Sequence[str] = [
    "BlockingChecksTranslator", "DBT_POOL", "DBT_RESOURCE_KEY", "DbtBuildConfig", "build_dbt_assets",
    "dbt_process_env", "dbt_resource", "sage_looker_dbt_project",
]
