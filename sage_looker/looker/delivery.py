"""Run a scheduled plan once, delivering its report exactly once despite ambiguous failures.

`POST /scheduled_plans/{id}/run_once` copies the plan into a new one-off plan (`run_once: true`, owned
by the source plan's user) and runs it; the response is that copy. It is not idempotent: a retry
after a timeout, a 5xx or a reset connection can email the CFO twice. So:

1. Before the first POST, take a snapshot: the source plan (`GET /scheduled_plans/{id}`: owner,
   target, `last_run_at`) and the ids of the owner's plans (`GET /scheduled_plans?user_id=`).
2. POST. A 429 or a refused connection means nothing was processed: the transport retries those. A
   401 is re-logged-in and repeated (the request was rejected before processing).
3. After an ambiguous failure, wait `delivery_settle_seconds` (a request still being processed gets
   time to land) and look for evidence of delivery: a *new* plan id in the owner's list that is a
   run_once copy of the same target with the same name, or the source plan's `last_run_at` having
   moved. Evidence found: done, report it (`evidence`). None: by default stop with
   `LookerDeliveryError(delivered=None)` (recorded as `unknown`); only with
   `run_once_retry_unconfirmed` (LOOKER_RETRY_UNCONFIRMED_RUNS=true) back off and POST again.
4. If the evidence lookup itself fails, stop: the outcome is unknown and a blind retry could deliver
   twice (`LookerDeliveryError(delivered=None)`).

The spec does not say whether real Looker lists run_once copies in `GET /scheduled_plans` or stamps
the source's `last_run_at`. Where neither holds, "no evidence" proves nothing, and a retry after an
HTML 502 that the server had already processed e-mails the CFO twice. So the default is at most once:
an unconfirmed ambiguous failure is never retried. Retrying it is for an instance known to list its
copies (`run_once_retry_unconfirmed=True`). A concurrent run of the same plan by the same owner started by someone else inside
the window would be taken as ours: a missed report is preferred over a duplicate.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Mapping

from sage_looker.looker.endpoints import (
    ALL_SCHEDULED_PLANS, RUN_ONCE_BY_ID, SCHEDULED_PLAN, WRITE_SCHEDULED_PLAN_FIELDS,
)
from sage_looker.looker.errors import LookerAmbiguousError, LookerDeliveryError, LookerError
from sage_looker.looker.results import ScheduledPlanInfo, ScheduledPlanRun
from sage_looker.looker.transport import Mode, Transport

log = logging.getLogger("sage_looker.looker")

_LIST_FIELDS = "id,name,user_id,run_once,dashboard_id,look_id,lookml_dashboard_id,last_run_at"
_TARGET = ("dashboard_id", "look_id", "lookml_dashboard_id")  # the order of ScheduledPlanInfo.target


class PlanRunner:
    def __init__(self, transport: Transport, sleep: Callable[[float], None]) -> None:
        self._t = transport
        self._sleep = sleep
        self._settings = transport.settings

    def scheduled_plan(self, plan_id: str) -> ScheduledPlanInfo:
        return ScheduledPlanInfo.from_api(self._t.call(SCHEDULED_PLAN, path_params={"scheduled_plan_id": plan_id}))

    def run_once(self, plan_id: str, overrides: Mapping[str, Any] | None = None) -> ScheduledPlanRun:
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - WRITE_SCHEDULED_PLAN_FIELDS)
        if unknown:
            raise ValueError(f"not writable ScheduledPlan fields: {unknown}")
        plan = self.scheduled_plan(plan_id)  # a 404 stops here, before anything is sent
        expected = (overrides.get("name", plan.name),
                    tuple(overrides.get(k, v) for k, v in zip(_TARGET, plan.target)))
        known_ids = {p.id for p in self._owner_plans(plan)}
        failures: list[str] = []
        attempts = self._settings.max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                body = self._t.call(RUN_ONCE_BY_ID, path_params={"scheduled_plan_id": plan_id},
                                    json=overrides or None, mode=Mode.UNSAFE) or {}
            except LookerAmbiguousError as exc:
                failures.append(exc.reason)
                log.warning("Looker run_once of scheduled plan %s: %s; checking whether it was delivered",
                            plan_id, exc.reason)
                found = self._evidence(plan, expected, known_ids, attempt)
                if found is not None:
                    run_id, evidence = found
                    log.info("Scheduled plan %s was delivered despite the error (%s)", plan_id, evidence)
                    return ScheduledPlanRun(plan_id, plan.name, run_id, attempt, evidence, tuple(failures))
                if not self._settings.run_once_retry_unconfirmed:
                    raise LookerDeliveryError(
                        f"scheduled plan {plan_id} ({plan.name!r}): {exc.reason}; Looker may have processed the "
                        f"request but shows no evidence of delivery, so it was not sent again (at most once; "
                        f"LOOKER_RETRY_UNCONFIRMED_RUNS=true retries on an instance that lists run_once copies): "
                        f"it may or may not have been delivered", plan_id=plan_id, delivered=None) from None
                if attempt < attempts:
                    self._sleep(self._t.backoff_seconds(attempt))
                continue
            return ScheduledPlanRun(plan_id, plan.name, str(body.get("id")) if body.get("id") is not None else None,
                                    attempt, "response", tuple(failures))
        raise LookerDeliveryError(
            f"scheduled plan {plan_id} ({plan.name!r}) was not delivered after {attempts} attempts "
            f"(checked after each failure); last error: {failures[-1]}", plan_id=plan_id, delivered=False)

    def _owner_plans(self, plan: ScheduledPlanInfo) -> list[ScheduledPlanInfo]:
        params = {"user_id": plan.user_id, "fields": _LIST_FIELDS}
        return [ScheduledPlanInfo.from_api(p) for p in self._t.call(ALL_SCHEDULED_PLANS, params=params) or ()]

    def _evidence(self, plan: ScheduledPlanInfo, expected: tuple[str | None, tuple[str | None, ...]],
                  known_ids: set[str], attempt: int) -> tuple[str | None, str] | None:
        name, target = expected
        self._sleep(self._settings.delivery_settle_seconds)
        try:
            fresh = [p for p in self._owner_plans(plan) if p.id not in known_ids]
            copies = [p for p in fresh if p.run_once and p.target == target and p.name == name]
            if copies:
                known_ids.update(p.id for p in fresh)
                return copies[0].id, "listed_copy"
            # Copies from other plans that appeared meanwhile are not ours; remember them so a later
            # check does not mistake them either.
            known_ids.update(p.id for p in fresh)
            now = self.scheduled_plan(plan.id)
        except LookerError as exc:
            raise LookerDeliveryError(
                f"scheduled plan {plan.id} ({plan.name!r}): run_once failed ambiguously (attempt {attempt}) and "
                f"checking whether it was delivered failed too ({exc}); not retrying, it may or may not have "
                f"been delivered", plan_id=plan.id, delivered=None) from None
        if now.last_run_at and now.last_run_at != plan.last_run_at:
            return None, "last_run_at"
        return None

