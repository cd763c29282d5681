"""The layer rules of docs/CONTRACTS.md hold in the code (import-linter, `.importlinter`), and the product's
state lives under one home folder whichever part of it asks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from sage_looker.audit.archive import archive_root
from sage_looker.defs.sage300.config import PlatformConfig
from sage_looker.home import default_warehouse_target, home_dir
from sage_looker.sage300.host_budget import store_location
from sage_looker.security.credentials import store_path

REPO = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a dev dependency: `pip install -e .[dev]`"
    done = subprocess.run([lint, "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_every_part_keeps_its_state_under_the_same_home(tmp_path, monkeypatch):
    # Unset: everything under ./.sage_looker of the working directory, resolved once (a relative default
    # read by a process that later changes directory would split the state between two folders).
    monkeypatch.chdir(tmp_path)
    env: dict[str, str] = {}
    home = tmp_path / ".sage_looker"
    assert home_dir(env) == home
    assert Path(archive_root(env)).parent == home
    assert Path(store_location(env)).parent == home
    assert store_path(env).parent == home
    assert Path(default_warehouse_target(env)).parent == home
    assert Path(PlatformConfig.from_env(env).warehouse_target) == Path(default_warehouse_target(env))
    # Set: the same rule follows it.
    other = tmp_path / "elsewhere"
    env = {"SAGE_LOOKER_HOME": str(other)}
    assert {Path(archive_root(env)).parent, Path(store_location(env)).parent, store_path(env).parent,
            Path(default_warehouse_target(env)).parent, PlatformConfig.from_env(env).home} == {other}
