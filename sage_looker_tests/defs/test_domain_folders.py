"""The code location is the defs folder: `sage_looker/definitions.py` wires no domain by hand, every Dagster
object a domain folder declares reaches the UI, and the names the UI, the CLI and the browser tests use stay."""

import ast
import importlib
import pkgutil
from pathlib import Path

import dagster as dg
import pytest

from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

import sage_looker.defs

DOMAINS = ("sage300", "warehouse", "dbt", "looker")
DEFS_DIR = Path(sage_looker.defs.__file__).parent
# The names as they were when definitions.py wired everything by hand (main d0adbaf): schedules, runbooks,
# the browser tests and `sage-looker sync` refer to them.
JOBS = {"sage300_accept_deletions_job", "sage300_inventory_snapshot_job", "sage300_masters_job",
        "sage300_replay_from_archive_job", "sage300_transactions_job", "sage300_transactions_only_job",
        "warehouse_refresh_job"}
SENSORS = {"sage300_change_sensor", "sage300_failed_partitions", "warehouse_refresh_automation"}
RESOURCES = {"dbt", "looker", "page_archive", "sage300", "warehouse", "warehouse_io_manager"}  # page_archive: issue 13


@pytest.fixture(scope="module")
def defs(tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:
        for var in ("SAGE300_URL", "SAGE300_PASSWORD", "LOOKER_BASE_URL", "SAGE_LOOKER_WAREHOUSE"):
            env.delenv(var, raising=False)
        env.setenv("SAGE_LOOKER_HOME", str(tmp_path_factory.mktemp("home")))
        from sage_looker.definitions import build_definitions
        yield build_definitions()


def test_definitions_py_imports_no_domain():
    source = Path(sage_looker.defs.__file__).parent.parent / "definitions.py"
    imported = {node.module for node in ast.walk(ast.parse(source.read_text()))
                if isinstance(node, ast.ImportFrom) and node.module}
    assert not {m for m in imported if any(m.startswith(f"sage_looker.defs.{d}") for d in DOMAINS)}
    assert "load_from_defs_folder" in source.read_text()


def test_every_domain_owns_a_definitions_module():
    missing = [d for d in DOMAINS if not (DEFS_DIR / d / "definitions.py").exists()]
    assert not missing


def test_the_names_users_know_are_unchanged(defs):
    repo = defs.get_repository_def()
    assert {j.name for j in repo.get_all_jobs() if not j.name.startswith("__")} == JOBS
    assert {s.name for s in repo.sensor_defs} == SENSORS
    assert set(defs.resources) == RESOURCES
    assert len({s.name for s in repo.schedule_defs}) == 6  # nightly, masters and close window per company


def _module_level_objects():
    kinds = (dg.JobDefinition, dg.SensorDefinition, dg.ScheduleDefinition, dg.AssetsDefinition,
             UnresolvedAssetJobDefinition)
    for info in pkgutil.walk_packages([str(DEFS_DIR)], prefix="sage_looker.defs."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, kinds):
                yield info.name, name, value


def test_an_object_declared_in_a_domain_file_is_loaded_without_wiring(defs):
    """A new job or sensor is one module-level object in its domain folder: the loader finds it."""
    repo = defs.get_repository_def()
    loaded = {j.name for j in repo.get_all_jobs()} | {s.name for s in repo.sensor_defs} \
        | {s.name for s in repo.schedule_defs}
    found = list(_module_level_objects())
    assert found, "the Sage jobs and the failed-partitions sensor are module-level objects"
    for module, attr, value in found:
        name = getattr(value, "name", None)
        if name is not None and not isinstance(value, dg.AssetsDefinition):
            assert name in loaded, f"{module}.{attr} ({name}) is not in the code location"
