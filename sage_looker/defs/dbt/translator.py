"""How dbt nodes appear in Dagster: a named group per dbt folder (never `default`), a description on every
model, owners, blocking checks for error-severity tests, and — when given — the marts' automation condition
and freshness policy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

# The dbt folder a model lives in → its Dagster group.
GROUPS = {"staging": "dbt_staging", "intermediate": "dbt_intermediate", "marts": "marts"}
OWNERS = ["team:finance-analytics"]


def _folder(props: Mapping[str, Any]) -> str | None:
    fqn = props.get("fqn") or []
    return fqn[1] if len(fqn) > 2 else None


class SageLookerDbtTranslator(DagsterDbtTranslator):
    def __init__(self, automation_condition: dg.AutomationCondition | None = None,
                 freshness_policy: dg.FreshnessPolicy | None = None):
        # A resource's child tables are dbt sources of their own that name the resource's one asset
        # (dbt_sources.py): several sources share that key.
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True,
                                                               enable_duplicate_source_asset_keys=True))
        self._automation = automation_condition
        self._freshness = freshness_policy

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "source":
            return super().get_group_name(dbt_resource_props)
        if dbt_resource_props.get("resource_type") == "seed":  # reference tables kept in the dbt project
            return "dbt_reference"
        return GROUPS.get(_folder(dbt_resource_props) or "", "dbt_other")

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        text = (dbt_resource_props.get("description") or "").strip()
        return text or f"dbt {dbt_resource_props.get('resource_type', 'model')} {dbt_resource_props.get('name')}"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return OWNERS

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]):
        return self._automation

    def get_asset_spec(self, manifest, unique_id, project):
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = (manifest.get("nodes") or {}).get(unique_id) or {}
        if self._freshness is not None and _folder(node) == "marts":
            spec = spec.replace_attributes(freshness_policy=self._freshness)
        return spec

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        """dbt tests of severity error (the tie-outs to Sage's balances among them) become blocking checks: a
        failing tie-out stops what depends on the mart (Looker refresh, reports) instead of being a red dot."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is not None and self._automation is not None:
            # Requested with its model: a model's blocking tests then count as "will run" for the models
            # downstream in the same tick (all_deps_blocking_checks_passed), and fail that run if they fail.
            spec = spec._replace(automation_condition=dg.AutomationCondition.any_deps_match(
                dg.AutomationCondition.will_be_requested()).with_label("with its model"))
        node = manifest.get("nodes", {}).get(unique_id, {})
        severity = str((node.get("config") or {}).get("severity", "error")).lower()
        if spec is None or severity != "error":
            return spec
        return spec._replace(blocking=True)


# The name earlier code and tests use.
BlockingChecksTranslator = SageLookerDbtTranslator
