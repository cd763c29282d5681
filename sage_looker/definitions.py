"""The Dagster code location: `dagster dev -w workspace.yaml` or `dg check defs` load `defs` from here.

Validate the configuration once, then let `dg.load_from_defs_folder` collect every domain folder under
`sage_looker/defs/` (sage300, warehouse, dbt, looker): each owns its assets, jobs, schedules, sensors and
resources in its `definitions.py`. Nothing domain-specific is wired here, so a new Dagster object is one file
in its domain folder."""

from __future__ import annotations

import warnings
from pathlib import Path

import dagster as dg

# Multi-partition mappings and backfill policies are stable in practice but flagged beta; the flag is noise here.
warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

from sage_looker.defs.settings import LoadSettings, loading, validate_settings
from sage_looker.security.redaction import install as install_redaction

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # pyproject.toml's [tool.dg] names sage_looker.defs


def _configuration() -> LoadSettings:
    """Validate every setting at once: a user fixing their environment sees all problems, not the first."""
    return validate_settings()


def build_definitions() -> dg.Definitions:
    install_redaction()  # before any run or resource can log: secrets are scrubbed from every record and event
    with loading(_configuration()):
        domains = dg.load_from_defs_folder(path_within_project=PROJECT_ROOT)
    # One process per run: the run's Sage request budget is shared in memory, and a single DuckDB
    # writer process never fights itself for the file lock. Pools bound concurrency across runs.
    return dg.Definitions.merge(domains, dg.Definitions(executor=dg.in_process_executor))


defs = build_definitions()
