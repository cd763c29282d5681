"""Archive objects are on disk (file and directory fsynced) before the ledger row that names them commits: after a
power loss the ledger never points at an object the disk does not have."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from sage_looker.audit import ledger
from sage_looker.audit.archive import PageArchive
from sage_looker.commands.runner import sync
from sage_looker.sage300_sim import SimulatorConfig, run_simulator
from sage_looker_tests.defs.conftest import TODAY, make_platform


@pytest.fixture
def sim():
    with run_simulator(SimulatorConfig(seed=11, days=10, today=TODAY, scale=0.3)) as s:
        yield s


def test_every_object_and_directory_a_ledger_row_names_is_fsynced_before_the_row(sim, tmp_path, monkeypatch):
    platform = make_platform(sim, tmp_path, monkeypatch)
    events: list[tuple[str, str]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        events.append(("fsync", os.path.realpath(os.readlink(f"/proc/self/fd/{fd}"))))
        real_fsync(fd)

    real_rows = ledger.LedgerHook.rows

    def rows(self, result):
        events.append(("ledger", self.info.manifest or ""))
        return real_rows(self, result)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(ledger.LedgerHook, "rows", rows)
    day = TODAY - dt.timedelta(days=2)
    assert sync(platform.defs, "SAMINC", day, day, instance=platform.instance).success

    archive = PageArchive()
    root = Path(os.path.realpath(archive.base))
    ledgers = [(i, m) for i, (kind, m) in enumerate(events) if kind == "ledger" and m]
    assert len(ledgers) >= 8  # masters and transactions, each naming its manifest
    for i, manifest in ledgers:
        synced = {path for kind, path in events[:i] if kind == "fsync"}
        doc = json.loads(archive._read(manifest))
        files = [root / manifest] + [root / next(
            n for n in (archive.object_name(p["sha256"], c) for c in ("zst", "gz")) if archive.exists(n))
            for p in doc["pages"]]
        for f in files:
            # The file's bytes were fsynced under its temporary name, then renamed: the directory holds the name.
            assert any(s.startswith(str(f) + ".") and s.endswith(".tmp") or s == str(f) for s in synced), \
                f"{f.relative_to(root)} not fsynced before the ledger row naming {manifest}"
            # Its directory holds the new name, and each directory created for it (objects/ab/, manifests/…)
            # is an entry of its parent: all of them, up to the archive root, fsynced too.
            for d in [p for p in f.parents if p == root or root in p.parents]:
                assert str(d) in synced, f"directory {d} not fsynced before the ledger row naming {manifest}"
