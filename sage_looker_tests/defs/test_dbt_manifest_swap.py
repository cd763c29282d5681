"""A re-parse never shows a reader half a manifest (defs/dbt/assets._parse).

`make test` failed once loading the code location: the Looker dashboards read target/manifest.json while another
process's `dbt parse` was still writing it (JSONDecodeError at char 854,361). Here a stand-in for dbt writes the
new manifest in two halves with a pause between, while a reader polls the manifest path as a loading process
would: every read must be a whole manifest, the old one or the new one.
"""

from __future__ import annotations

import json
import threading
import time
from types import SimpleNamespace

from dagster_dbt import DbtProject

from sage_looker.dbt_project import PROJECT_DIR
from sage_looker.defs.dbt import assets

OLD = json.dumps({"metadata": {"version": "old"}, "nodes": {}})
NEW = json.dumps({"metadata": {"version": "new"}, "nodes": {f"model.m{i}": {"name": f"m{i}"} for i in range(500)}})


class _SlowDbt:
    """Writes manifest.json into the target path it is given, half, pause, the rest: as a real parse streams it."""

    def cli(self, args, target_path):
        assert args[0] == "parse"
        target_path.mkdir(parents=True, exist_ok=True)
        with open(target_path / "manifest.json", "w") as f:
            f.write(NEW[: len(NEW) // 2])
            f.flush()
            time.sleep(0.5)
            f.write(NEW[len(NEW) // 2:])
        return SimpleNamespace(wait=lambda: None)


def test_a_reader_during_a_parse_sees_the_old_or_the_new_manifest_never_a_part(tmp_path, monkeypatch):
    project = DbtProject(project_dir=PROJECT_DIR, target_path=tmp_path / "target")
    project.manifest_path.parent.mkdir(parents=True)
    project.manifest_path.write_text(OLD)
    monkeypatch.setattr(assets, "dbt_resource", lambda project=None: _SlowDbt())

    seen: list[str] = []
    done = threading.Event()

    def read_while_parsing() -> None:
        while not done.is_set():
            text = project.manifest_path.read_text()
            try:
                seen.append(json.loads(text)["metadata"]["version"])
            except json.JSONDecodeError:
                seen.append(f"a partial manifest of {len(text)} of {len(NEW)} characters")
            time.sleep(0.01)

    reader = threading.Thread(target=read_while_parsing)
    reader.start()
    try:
        assets._parse(project)
    finally:
        done.set()
        reader.join()
    assert set(seen) <= {"old", "new"} and "old" in seen, sorted(set(seen))
    assert json.loads(project.manifest_path.read_text()) == json.loads(NEW)
