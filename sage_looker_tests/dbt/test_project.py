"""The dbt project's shape: sources derived from the catalog, no hub packages, portable SQL."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from sage_looker import dbt_sources
from sage_looker.dbt_project import PROJECT_DIR
from sage_looker.sage300 import catalog

# DuckDB- or PostgreSQL-only spellings; dialect-specific SQL lives in duckdb__/postgres__ dispatch macros.
NON_PORTABLE = [r"::", r"\bqualify\b", r"\bilike\b", r"\bstrftime\b", r"\bdate_diff\b", r"\bdatediff\b",
                r"\bhugeint\b", r"//", r"\bdate_trunc\b", r"\bto_char\b", r"\blist_\w+", r"\bstruct_\w+",
                r"\btry_cast\b", r"\bregexp_matches\b", r"\bany_value\b", r"\bifnull\b", r"\biif\b"]


def _sql_files() -> list[Path]:
    return sorted([*PROJECT_DIR.glob("models/**/*.sql"), *PROJECT_DIR.glob("macros/**/*.sql"),
                   *PROJECT_DIR.glob("tests/**/*.sql")])


def _strip(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"\{%-?\s*macro\s+(duckdb|postgres)__.*?endmacro\s*-?%\}", "", text, flags=re.S)
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


def test_sources_file_is_generated_from_the_catalog():
    assert dbt_sources.SOURCES_PATH.read_text() == dbt_sources.sources_yaml(), (
        "run `python -m sage_looker.dbt_sources` after changing the catalog")
    doc = yaml.safe_load(dbt_sources.SOURCES_PATH.read_text())
    [src] = doc["sources"]
    assert src["name"] == "sage300" and src["schema"] == "sage300"
    tables = {t["name"]: [c["name"] for c in t["columns"]] for t in src["tables"]}
    for r in catalog.RESOURCES + catalog.DERIVED:
        for t in r.tables:
            assert tables[t.name][: len(t.column_types())] == list(t.column_types())
            assert tables[t.name][-4:] == ["_run_id", "_loaded_at", "_source_url", "_record_hash"]


def test_no_hub_packages():
    assert not (PROJECT_DIR / "packages.yml").exists() and not (PROJECT_DIR / "dependencies.yml").exists()


def test_sql_is_portable_between_duckdb_and_postgres():
    offenders = []
    for path in _sql_files():
        body = _strip(path.read_text())
        for pattern in NON_PORTABLE:
            for m in re.finditer(pattern, body, flags=re.I):
                offenders.append(f"{path.relative_to(PROJECT_DIR)}: {m.group(0)}")
    assert offenders == []


def test_every_staging_model_is_reconciled_to_its_raw_table():
    doc = yaml.safe_load((PROJECT_DIR / "models/staging/_stg_sage300__models.yml").read_text())
    declared = {m["name"]: m for m in doc["models"]}
    files = {p.stem for p in PROJECT_DIR.glob("models/staging/stg_*.sql")}
    assert files == set(declared)
    for name, m in declared.items():
        assert any("reconciles_with_source" in t for t in m.get("data_tests", []) if isinstance(t, dict)), name


def test_marts_are_tables_and_only_the_gl_fact_is_incremental():
    incremental = [p.stem for p in PROJECT_DIR.glob("models/**/*.sql") if "materialized='incremental'" in p.read_text()]
    assert incremental == ["fct_gl_posted_lines"]
