"""Everything in the graph has a home: named groups (never `default`), a description, kinds saying where it
lives, owners; and loading the code writes dbt's artifacts to the state directory, not the source tree."""

import os

import dagster as dg

from sage_looker.dbt_project import PROJECT_DIR


def _snapshot(path):
    return {p: p.stat().st_mtime_ns for p in path.rglob("*")} if path.exists() else {}


def test_every_asset_has_a_group_description_kinds_and_owners_and_dbt_writes_to_state(tmp_path, monkeypatch):
    monkeypatch.delenv("SAGE_LOOKER_DBT_STATE", raising=False)  # the product's default: under SAGE_LOOKER_HOME
    monkeypatch.setenv("SAGE_LOOKER_HOME", str(tmp_path))
    for var in ("SAGE300_URL", "SAGE_LOOKER_WAREHOUSE", "LOOKER_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    source_target = PROJECT_DIR / "target"
    before = _snapshot(source_target)
    from sage_looker.definitions import build_definitions

    graph = build_definitions().resolve_asset_graph()
    assert (tmp_path / "dbt" / "target" / "manifest.json").exists()
    assert _snapshot(source_target) == before  # nothing written into the source tree

    nodes = [graph.get(k) for k in graph.get_all_asset_keys()]
    assert nodes and not [n.key for n in nodes if n.group_name in (None, "default")]
    assert not [n.key for n in nodes if not (n.description or "").strip()]
    assert not [n.key for n in nodes if not n.owners]
    kinds = {n.key.path[0]: set(n.kinds) for n in nodes}
    assert {"sage300", "duckdb"} <= kinds["sage300"] and "dbt" in kinds["marts"] and "looker" in kinds["looker"]
    assert {n.group_name for n in nodes if "dbt" in n.kinds} >= {"dbt_staging", "marts"}
    marts = [n for n in nodes if n.key.path[0] == "marts"]
    assert marts and all(n.freshness_policy is not None for n in marts)
    assert os.environ.get("SAGE_LOOKER_DBT_STATE") is None
