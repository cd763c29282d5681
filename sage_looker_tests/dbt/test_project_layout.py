"""The dbt project follows dbt Labs' "How we structure our dbt projects": every intermediate model sits in a
business-area folder with a description and builds into its own `intermediate` schema, read from the manifest
`dbt parse` writes (what dbt itself and the Dagster assets see, not a guess from the file tree)."""

from __future__ import annotations

import json

import pytest

from sage_looker.dbt_project import INTERMEDIATE_SCHEMA, MARTS_SCHEMA, STAGING_SCHEMA, run_dbt

# Business areas of the finance house: the sub-ledgers, the general ledger, and shared calendar helpers.
BUSINESS_AREAS = {"ap", "ar", "gl", "calendar"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    target = tmp_path_factory.mktemp("dbt_parse")
    run = run_dbt(["parse", "--quiet"], warehouse=target / "parse.duckdb", target_path=target)
    assert run.ok, run.output
    return json.loads((target / "manifest.json").read_text())


def _models(manifest, layer):
    return [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["fqn"][1] == layer]


def test_every_intermediate_model_is_documented_in_a_business_area_and_its_own_schema(manifest):
    models = _models(manifest, "intermediate")
    assert len(models) >= 10  # the AP, AR, GL and calendar building blocks
    misplaced = [n["original_file_path"] for n in models if len(n["fqn"]) != 4 or n["fqn"][2] not in BUSINESS_AREAS]
    undocumented = [n["name"] for n in models if not n["description"].strip() or not n.get("patch_path")]
    wrong_schema = {n["name"]: n["schema"] for n in models if n["schema"] != INTERMEDIATE_SCHEMA}
    assert misplaced == [] and undocumented == [] and wrong_schema == {}


def test_every_intermediate_model_has_a_data_test(manifest):
    tested = {dep for n in manifest["nodes"].values() if n["resource_type"] == "test"
              for dep in n["depends_on"]["nodes"]}
    untested = [n["name"] for n in _models(manifest, "intermediate") if n["unique_id"] not in tested]
    assert untested == []


def test_staging_holds_only_staging_views_and_marts_only_marts(manifest):
    staging = {n["name"] for n in manifest["nodes"].values()
               if n["resource_type"] == "model" and n["schema"] == STAGING_SCHEMA}
    assert staging and all(name.startswith("stg_sage300__") for name in staging)
    marts = {n["name"] for n in _models(manifest, "marts")}
    assert marts and all(n["schema"] == MARTS_SCHEMA for n in _models(manifest, "marts"))


def test_marts_follow_the_documented_naming_rule(manifest):
    """README "Layout and naming": dim_ in core/, fct_ for source-grain facts, unprefixed report rollups — and
    no layer prefix (stg_, int_) or second rollup prefix (rpt_, mart_, agg_) sneaking into marts."""
    marts = _models(manifest, "marts")
    core = {n["name"] for n in marts if n["fqn"][2] == "core"}
    others = {n["name"] for n in marts if n["fqn"][2] != "core"}
    assert core and all(name.startswith("dim_") for name in core)
    assert not any(name.startswith(("dim_", "stg_", "int_", "rpt_", "mart_", "agg_")) for name in others), others
    assert {n["name"] for n in marts if not n["description"].strip()} == set()
