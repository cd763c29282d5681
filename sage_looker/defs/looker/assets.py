"""After the marts are rebuilt: tell Looker. Trigger the datagroups (cached explores go stale), run the morning
scheduled plans once, and validate the LookML project, recording what was triggered."""

import dagster as dg

from sage_looker.defs.looker.resources import LookerResource

REFRESH_KEY = dg.AssetKey(["looker", "refresh"])


def build_looker_refresh_asset(upstream: dg.AssetsDefinition) -> dg.AssetsDefinition:
    marts = [k for k in upstream.keys if k.path[0] == "marts"] or list(upstream.keys)

    @dg.asset(key=REFRESH_KEY, deps=marts, group_name="looker", kinds={"looker"},
              description="Triggers the Looker datagroups and scheduled plans after the marts are rebuilt")
    def looker_refresh(context: dg.AssetExecutionContext, looker: LookerResource) -> dg.MaterializeResult:
        settings = looker.settings()
        with looker.client() as client:
            triggers = client.trigger_datagroups()
            runs = client.run_scheduled_plans()
            validation = client.validate_project() if settings.lookml_project_id else None
        for t in triggers:
            context.log.info(f"datagroup {t.ref} triggered (stale_before={t.stale_before})")
        for r in runs:
            context.log.info(f"scheduled plan {r.plan_id} ({r.name}) delivered once, evidence: {r.evidence}")
        metadata = {
            "datagroups_triggered": dg.MetadataValue.json([t.as_metadata() for t in triggers]),
            "scheduled_plans_run": dg.MetadataValue.json([r.as_metadata() for r in runs]),
            "looker_base_url": settings.base_url,
        }
        if validation is not None:
            metadata["lookml_valid"] = validation.ok
            if not validation.ok:
                raise dg.Failure(description=f"Looker rejected the LookML project {settings.lookml_project_id}",
                                 metadata={"lookml_validation": dg.MetadataValue.json(validation.as_metadata())})
        return dg.MaterializeResult(metadata=metadata)

    return looker_refresh
