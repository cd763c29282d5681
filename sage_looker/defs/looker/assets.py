"""After the marts are rebuilt: tell Looker. Trigger the datagroups (cached explores go stale), run the morning
scheduled plans once, and validate the LookML project. Every trigger and plan run is recorded in
`sage300_audit.looker_deliveries` (outcome included), so a failed delivery can be found and replayed with
`sage-looker replay-looker --run RUN_ID`."""

import dagster as dg

from sage_looker.audit.deliveries import DeliveryLog, deliver
from sage_looker.defs.looker.resources import LookerResource
from sage_looker.defs.warehouse.resources import WarehouseResource

REFRESH_KEY = dg.AssetKey(["looker", "refresh"])


def build_looker_refresh_asset(upstream: dg.AssetsDefinition) -> dg.AssetsDefinition:
    marts = [k for k in upstream.keys if k.path[0] == "marts"] or list(upstream.keys)

    @dg.asset(key=REFRESH_KEY, deps=marts, group_name="looker", kinds={"looker"},
              description="Triggers the Looker datagroups and scheduled plans after the marts are rebuilt")
    def looker_refresh(context: dg.AssetExecutionContext, looker: LookerResource,
                       warehouse: WarehouseResource) -> dg.MaterializeResult:
        settings = looker.settings()
        log = DeliveryLog(context.run_id)
        validation, triggers, runs = None, [], []
        try:
            with looker.client() as client:
                triggers, runs = deliver(client, settings.datagroups, settings.scheduled_plan_ids, log)
                if log.complete and settings.lookml_project_id:
                    validation = client.validate_project()
        finally:  # recorded even when the client itself failed: what was delivered must be knowable
            try:
                with warehouse.open() as wh:
                    log.save(wh)
            except Exception as exc:
                context.log.warning(f"could not record the Looker deliveries in the warehouse: {exc}")
        for t in triggers:
            context.log.info(f"datagroup {t.ref} triggered (stale_before={t.stale_before})")
        for r in runs:
            context.log.info(f"scheduled plan {r.plan_id} ({r.name}) delivered once, evidence: {r.evidence}")
        metadata = {
            "datagroups_triggered": dg.MetadataValue.json([t.as_metadata() for t in triggers]),
            "scheduled_plans_run": dg.MetadataValue.json([r.as_metadata() for r in runs]),
            "looker_base_url": settings.base_url,
            "deliveries": dg.MetadataValue.json([{k: r[k] for k in ("kind", "target", "outcome", "evidence")}
                                                 for r in log.rows]),
        }
        if not log.complete:
            raise dg.Failure(
                description=(f"Looker delivery incomplete: {'; '.join(log.problems())}. Recorded in "
                             f"sage300_audit.looker_deliveries; once Looker is back, run "
                             f"`sage-looker replay-looker --run {context.run_id}`."),
                metadata=metadata)
        if validation is not None:
            metadata["lookml_valid"] = validation.ok
            if not validation.ok:
                raise dg.Failure(description=f"Looker rejected the LookML project {settings.lookml_project_id}",
                                 metadata={"lookml_validation": dg.MetadataValue.json(validation.as_metadata())})
        return dg.MaterializeResult(metadata=metadata)

    return looker_refresh
