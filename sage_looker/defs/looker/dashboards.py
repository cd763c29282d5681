"""The LookML explores and dashboards as external AssetSpecs downstream of the dbt models behind their views:
the Dagster UI shows which dashboard a late Sage load or a failed dbt test reaches. Read offline from the
LookML files and the dbt manifest; nothing here calls Looker."""

import json
from collections.abc import Mapping
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator

from sage_looker.dbt_project import LOOKML_DIR
from sage_looker.defs.dbt.assets import sage_looker_dbt_project
from sage_looker.lookml_check import load_project


def _model_keys_by_relation(manifest_path: Path) -> dict[str, dg.AssetKey]:
    """`schema.alias` (lower case) → the dbt asset key the default translator gives that model."""
    if not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text())
    translator = DagsterDbtTranslator()
    out = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") in ("model", "seed", "snapshot"):
            rel = f"{node['schema']}.{node.get('alias') or node['name']}".lower()
            out[rel] = translator.get_asset_spec(manifest, node["unique_id"], None).key
    return out


def _relation_key(sql_table_name: str, known: Mapping[str, dg.AssetKey]) -> dg.AssetKey:
    parts = [p.strip().strip('"`') for p in sql_table_name.strip().split(".")]
    rel = ".".join(parts[-2:]).lower()
    return known.get(rel) or dg.AssetKey(parts[-2:])


def build_looker_dashboard_specs(
    lookml_dir: str | Path = LOOKML_DIR, manifest_path: str | Path | None = None, group_name: str = "looker"
) -> list[dg.AssetSpec]:
    """External AssetSpecs for the LookML explores (`["looker", "explore", name]`, depending on the dbt
    models behind their views) and dashboards (`["looker", "dashboard", name]`, depending on the explores
    their tiles and filters query). Read offline from the LookML files; nothing here calls Looker."""
    project = load_project(lookml_dir)
    known = _model_keys_by_relation(Path(manifest_path) if manifest_path
                                    else sage_looker_dbt_project(prepare=False).manifest_path)
    specs: list[dg.AssetSpec] = []
    explore_keys: dict[tuple[str, str], dg.AssetKey] = {}
    for (model, name), e in sorted(project.explores.items()):
        deps = []
        for view_name in dict.fromkeys(e.aliases.values()):
            view = project.views.get(view_name)
            if view and view.sql_table_name and "${" not in view.sql_table_name:
                deps.append(_relation_key(view.sql_table_name, known))
        key = explore_keys[(model, name)] = dg.AssetKey(["looker", "explore", name])
        specs.append(dg.AssetSpec(
            key, deps=list(dict.fromkeys(deps)), group_name=group_name, kinds={"looker"},
            description=e.raw.get("description") or e.raw.get("label") or f"Looker explore {model}::{name}",
            metadata={"looker/model": model, "looker/explore": name, "looker/file": e.file},
        ))
    for file, d in project.dashboards:
        used: list[dg.AssetKey] = []
        for obj in [*(d.get("elements") or []), *(d.get("filters") or [])]:
            k = explore_keys.get((obj.get("model"), obj.get("explore")))
            if k:
                used.append(k)
        specs.append(dg.AssetSpec(
            dg.AssetKey(["looker", "dashboard", d["dashboard"]]), deps=list(dict.fromkeys(used)),
            group_name=group_name, kinds={"looker", "dashboard"},
            description=d.get("description") or d.get("title"),
            metadata={"looker/dashboard": d["dashboard"], "looker/title": d.get("title", ""), "looker/file": file},
        ))
    return specs
