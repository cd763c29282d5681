"""A home's dagster.yaml that is an unedited earlier default is upgraded to the shipped one (batching event log)
by the CLI and by `make ui`, and keeps its history; a yaml the user edited is never touched."""

import logging
import subprocess
import sys
from pathlib import Path

import dagster as dg

from sage_looker.defs.event_log_storage import BatchingSqliteEventLogStorage
from sage_looker.defs.instance_yaml import SHIPPED, install_instance_yaml

ROOT = Path(__file__).resolve().parents[2]
# What b916d9e shipped as sage_looker/dagster.yaml, byte for byte: the copy every existing home has.
FIRST_DEFAULT = (
    "# Local instance settings shipped with the project (copied into $DAGSTER_HOME by `make ui` and the CLI).\n"
    "# Pools bound concurrency across runs: the IIS app pool behind the Sage Web API falls over under load\n"
    "# (pool `sage300`, 2 steps at a time), and a DuckDB file accepts one writer process at a time (pool\n"
    "# `warehouse_writer`, set to 1 by `sage-looker` when it prepares the instance).\n"
    "concurrency:\n  pools:\n    default_limit: 2\n    granularity: op\n  runs:\n    max_concurrent_runs: 4\n"
    "    tag_concurrency_limits:\n      - key: dagster/backfill\n        limit: 2\n"
    "telemetry:\n  enabled: false\n"
)


@dg.asset
def ledger() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


def _old_home(tmp_path: Path, monkeypatch, text: str = FIRST_DEFAULT) -> tuple[Path, str]:
    """A home created by the old code: its yaml, and a run stored with the stock event log."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(text)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run_id = dg.materialize([ledger], instance=instance).run_id
    return home, run_id


def test_the_cli_upgrades_an_unedited_earlier_default_and_keeps_the_history(tmp_path, monkeypatch):
    from sage_looker.commands.runner import prepare_instance
    home, old_run = _old_home(tmp_path, monkeypatch)
    instance = prepare_instance()
    try:
        assert (home / "dagster.yaml").read_bytes() == SHIPPED.read_bytes()
        assert isinstance(instance.event_log_storage, BatchingSqliteEventLogStorage)
        # the run and materialization stored before the upgrade are still there, and new ones join them
        assert instance.get_run_by_id(old_run).status == dg.DagsterRunStatus.SUCCESS
        latest = instance.get_latest_materialization_event(dg.AssetKey("ledger"))
        assert latest is not None and latest.run_id == old_run
        new_run = dg.materialize([ledger], instance=instance).run_id
        assert [r.run_id for r in instance.fetch_materializations(dg.AssetKey("ledger"), limit=10).records] == [
            new_run, old_run]
    finally:
        instance.dispose()


def test_make_ui_upgrades_an_unedited_earlier_default(tmp_path, monkeypatch):
    home, _ = _old_home(tmp_path, monkeypatch)
    subprocess.run([sys.executable, "-m", "sage_looker.defs.instance_yaml", str(home)], cwd=ROOT, check=True)
    assert (home / "dagster.yaml").read_bytes() == SHIPPED.read_bytes()
    makefile = (ROOT / "Makefile").read_text()
    ui = makefile.split("\nui:", 1)[1].split("\n\n", 1)[0]
    assert "-m sage_looker.defs.instance_yaml $(DAGSTER_HOME)" in ui  # what `make ui` runs before dagster dev


def test_an_edited_yaml_is_left_alone_and_the_log_says_what_to_add(tmp_path, monkeypatch, caplog):
    edited = FIRST_DEFAULT.replace("max_concurrent_runs: 4", "max_concurrent_runs: 8")
    home, _ = _old_home(tmp_path, monkeypatch, edited)
    with caplog.at_level(logging.INFO, logger="sage_looker.defs.instance_yaml"):
        assert install_instance_yaml(home) == "kept"
    assert (home / "dagster.yaml").read_text() == edited
    hints = [r.getMessage() for r in caplog.records if "BatchingSqliteEventLogStorage" in r.getMessage()]
    assert len(hints) == 1 and "sage_looker.defs.event_log_storage" in hints[0]


def test_a_new_home_gets_the_shipped_yaml_and_a_current_one_stays(tmp_path):
    home = tmp_path / "fresh"
    assert install_instance_yaml(home) == "created"
    assert (home / "dagster.yaml").read_bytes() == SHIPPED.read_bytes()
    assert install_instance_yaml(home) == "current"


def test_every_earlier_shipped_default_is_recognised():
    """Whoever changes sage_looker/dagster.yaml must add the old digest to EARLIER_DEFAULTS, or homes with the
    old copy stop being upgraded: every version in git history is either the current file or listed."""
    import hashlib
    import shutil

    import pytest

    from sage_looker.defs.instance_yaml import EARLIER_DEFAULTS
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the shipped yaml's history is not available")
    path = "sage_looker/dagster.yaml"
    commits = subprocess.run(["git", "log", "--format=%H", "--", path], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    current = hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    for commit in commits:
        old = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, check=True).stdout
        assert hashlib.sha256(old).hexdigest() in EARLIER_DEFAULTS | {current}, commit
    assert hashlib.sha256(FIRST_DEFAULT.encode()).hexdigest() in EARLIER_DEFAULTS
