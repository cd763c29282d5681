"""`LookerClient`: the Looker operations the pipeline runs after a warehouse load.

No Dagster here: the glue in `sage_looker/defs/` calls these methods and puts the returned
dataclasses' `as_metadata()` into asset metadata.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping, Sequence

import httpx

from sage_looker.looker.delivery import PlanRunner
from sage_looker.looker.endpoints import (
    ALL_DATAGROUPS, LOOKML_MODEL, PROJECT_VALIDATION_RESULTS, TEST_CONNECTION, UPDATE_DATAGROUP, VALIDATE_PROJECT,
)
from sage_looker.looker.errors import LookerConfigError, LookerNotFoundError
from sage_looker.looker.results import (
    ConnectionTest, ConnectionTestResult, DatagroupInfo, DatagroupTrigger, LookmlModelInfo, LookmlValidation,
    ScheduledPlanInfo, ScheduledPlanRun,
)
from sage_looker.looker.settings import LookerSettings
from sage_looker.looker.transport import Transport

log = logging.getLogger("sage_looker.looker")


class LookerClient:
    """Thread-safe; one instance per run. Use as a context manager to log out at the end."""

    def __init__(self, settings: LookerSettings, *, http: httpx.Client | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._t = Transport(settings, http=http, clock=clock, sleep=sleep)
        self._plans = PlanRunner(self._t, sleep)

    def __enter__(self) -> "LookerClient":
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.logout()
        finally:
            self.close()

    def close(self) -> None:
        self._t.close()

    @property
    def logins(self) -> int:
        """Logins this client performed (first login, renewals and re-logins after a 401)."""
        return self._t.tokens.logins

    # ------------------------------------------------------------------ session
    def login(self) -> None:
        """Log in now (otherwise the first call does): a cheap credentials check."""
        self._t.tokens.current()

    def logout(self) -> bool:
        """`DELETE /logout` for the current token; True if Looker confirmed. Never logs in to do it."""
        return self._t.logout()

    # ------------------------------------------------------------------ datagroups
    def all_datagroups(self) -> list[DatagroupInfo]:
        return [DatagroupInfo.from_api(d) for d in self._t.call(ALL_DATAGROUPS) or ()]

    def find_datagroup(self, ref: str, datagroups: Sequence[DatagroupInfo] | None = None) -> DatagroupInfo:
        """`ref` is "model::datagroup" (the unique pair) or a datagroup id."""
        groups = list(datagroups) if datagroups is not None else self.all_datagroups()
        model, sep, name = ref.partition("::")
        for dg in groups:
            if (sep and (dg.model_name, dg.name) == (model, name)) or (not sep and dg.id == ref):
                return dg
        known = ", ".join(f"{d.ref} (id {d.id})" for d in groups) or "none visible to this API user"
        raise LookerNotFoundError(f"Looker datagroup {ref!r} not found; known: {known}",
                                  operation=str(ALL_DATAGROUPS), status=None)

    def trigger_datagroup(self, ref: str, *, at: float | datetime | None = None, reset_cache: bool = True,
                          trigger: bool = True, datagroups: Sequence[DatagroupInfo] | None = None) -> DatagroupTrigger:
        """Mark the datagroup's cache stale (`stale_before`) and/or trigger it (`triggered_at`).

        `at` (default now) is typically the load's commit time. Looker rejects future timestamps, so
        it is clamped to a conservative "now" (our clock and the server's, minus `clock_skew_seconds`).
        """
        if not (reset_cache or trigger):
            raise ValueError("nothing to do: reset_cache and trigger are both False")
        dg = self.find_datagroup(ref, datagroups)
        requested = at.timestamp() if isinstance(at, datetime) else at
        ceiling = math.floor(self._t.server_now() - self.settings.clock_skew_seconds)
        stamp = ceiling if requested is None else min(math.floor(requested), ceiling)
        clamped = requested is not None and math.floor(requested) > ceiling
        if clamped:
            log.warning("Datagroup %s: requested time %.0f is in the future; using %d", dg.ref, requested, stamp)
        body = {**({"stale_before": stamp} if reset_cache else {}), **({"triggered_at": stamp} if trigger else {})}
        # PATCH with absolute timestamps is idempotent, so it goes through the normal retries.
        self._t.request(UPDATE_DATAGROUP, path_params={"datagroup_id": dg.id}, json=body)
        log.info("Looker datagroup %s (id %s): %s = %d", dg.ref, dg.id, " and ".join(body), stamp)
        return DatagroupTrigger(dg.id, dg.ref, body.get("stale_before"), body.get("triggered_at"),
                                requested, clamped)

    def trigger_datagroups(self, refs: Iterable[str] | None = None, **kw: Any) -> list[DatagroupTrigger]:
        """Trigger each datagroup (default: `settings.datagroups`) with one `GET /datagroups` lookup."""
        refs = list(self.settings.datagroups if refs is None else refs)
        if not refs:
            return []
        groups = self.all_datagroups()
        return [self.trigger_datagroup(ref, datagroups=groups, **kw) for ref in refs]

    # ------------------------------------------------------------------ scheduled plans
    def scheduled_plan(self, plan_id: str) -> ScheduledPlanInfo:
        return self._plans.scheduled_plan(str(plan_id))

    def run_scheduled_plan_once(self, plan_id: str, overrides: Mapping[str, Any] | None = None) -> ScheduledPlanRun:
        """Deliver the plan now, exactly once (see delivery.py for how ambiguous failures are handled)."""
        return self._plans.run_once(str(plan_id), overrides)

    def run_scheduled_plans(self, plan_ids: Iterable[str] | None = None) -> list[ScheduledPlanRun]:
        ids = list(self.settings.scheduled_plan_ids if plan_ids is None else plan_ids)
        return [self.run_scheduled_plan_once(pid) for pid in ids]

    # ------------------------------------------------------------------ LookML, connection, models
    def validate_project(self, project_id: str | None = None) -> LookmlValidation:
        """Run LookML validation (`POST`; expensive on big projects)."""
        pid = self._need(project_id or self.settings.lookml_project_id, "LOOKER_PROJECT", "project_id")
        return LookmlValidation.from_api(pid, self._t.call(VALIDATE_PROJECT, path_params={"project_id": pid}) or {})

    def project_validation_results(self, project_id: str | None = None) -> LookmlValidation | None:
        """The last validation's cached results, or None if the project was never validated (204)."""
        pid = self._need(project_id or self.settings.lookml_project_id, "LOOKER_PROJECT", "project_id")
        body = self._t.call(PROJECT_VALIDATION_RESULTS, path_params={"project_id": pid})
        return None if body is None else LookmlValidation.from_api(pid, body)

    def test_connection(self, connection_name: str | None = None,
                        tests: Sequence[str] | None = ("connect", "query")) -> ConnectionTest:
        """Test a database connection; `tests=None` runs every test the dialect supports."""
        name = self._need(connection_name or self.settings.connection_name, "LOOKER_CONNECTION", "connection_name")
        body = self._t.call(TEST_CONNECTION, path_params={"connection_name": name},
                            params={"tests": list(tests) if tests else None})
        # connection_string is left out on purpose: it is not needed and may name hosts and users.
        results = tuple(ConnectionTestResult(r.get("name"), r.get("status"), r.get("message")) for r in body or ())
        return ConnectionTest(name, results)

    def lookml_model(self, name: str) -> LookmlModelInfo:
        d = self._t.call(LOOKML_MODEL, path_params={"lookml_model_name": name},
                         params={"fields": "name,project_name,explores,allowed_db_connection_names"}) or {}
        return LookmlModelInfo(name=d.get("name") or name, project_name=d.get("project_name"),
                               explores=tuple(e.get("name") for e in d.get("explores") or () if e.get("name")),
                               allowed_db_connection_names=tuple(d.get("allowed_db_connection_names") or ()))

    def model_exists(self, name: str) -> bool:
        try:
            self.lookml_model(name)
        except LookerNotFoundError:
            return False
        return True

    @staticmethod
    def _need(value: str | None, env_var: str, arg: str) -> str:
        if not value:
            raise LookerConfigError(f"no {arg} given and {env_var} is not set")
        return value
