"""After the marts are rebuilt: tell Looker. Trigger the datagroups (cached explores go stale), run the morning
scheduled plans once, and validate the LookML project. Every trigger and plan run is recorded in
`sage300_audit.looker_deliveries` (outcome included), so a failed delivery can be found and replayed with
`sage-looker replay-looker --run RUN_ID`."""

import dagster as dg

from sage_looker.audit.deliveries import DeliveryLog, deliver
from sage_looker.defs.looker.resources import LookerResource
from sage_looker.defs.warehouse.resources import WarehouseResource

REFRESH_KEY = dg.AssetKey(["looker", "refresh"])


def build_looker_refresh_asset(upstream: dg.AssetsDefinition,
                               automation_condition: dg.AutomationCondition | None = None) -> dg.AssetsDefinition:
    marts = [k for k in upstream.keys if k.path[0] == "marts"] or list(upstream.keys)

    @dg.asset(key=REFRESH_KEY, deps=marts, group_name="looker", kinds={"looker"},
              automation_condition=automation_condition,
              description="Triggers the Looker datagroups and scheduled plans after the marts are rebuilt")
    def looker_refresh(context: dg.AssetExecutionContext, looker: LookerResource,
                       warehouse: WarehouseResource) -> dg.MaterializeResult:
        settings = looker.settings()
        validation, triggers, runs = None, [], []
        with warehouse.open() as wh:
            # Each row is written as it happens: a crash after plan 1 still shows plan 1 delivered.
            log = DeliveryLog(context.run_id, wh=wh)
            try:
                with looker.client() as client:
                    triggers, runs = deliver(client, settings.datagroups, settings.scheduled_plan_ids, log)
                    if log.complete and settings.lookml_project_id:
                        validation = client.validate_project()
            finally:  # rows the warehouse refused on the way are tried once more
                try:
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
            "deliveries": dg.MetadataValue.json([{"kind": k, "target": t, "outcome": o}
                                                 for (k, t), o in log.outcomes.items()]),
        }
        if not log.complete:
            unknown = any(o == "unknown" for o in log.outcomes.values())
            hint = (" Plans marked unknown may already be in the recipients' inboxes: check Looker's schedule "
                    "history first, then add --include-unknown to send them anyway." if unknown else "")
            raise dg.Failure(
                description=(f"Looker delivery incomplete: {'; '.join(log.problems())}. Recorded in "
                             f"sage300_audit.looker_deliveries; once Looker is back, run "
                             f"`sage-looker replay-looker --run {context.run_id}`.{hint}"),
                metadata=metadata)
        if validation is not None:
            metadata["lookml_valid"] = validation.ok
            if not validation.ok:
                raise dg.Failure(description=f"Looker rejected the LookML project {settings.lookml_project_id}",
                                 metadata={"lookml_validation": dg.MetadataValue.json(validation.as_metadata())})
        return dg.MaterializeResult(metadata=metadata)

    return looker_refresh
