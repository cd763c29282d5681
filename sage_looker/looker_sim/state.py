"""The simulated Looker instance: tokens, datagroups, schedules, projects, connections, models.

Transport-free: each operation takes parsed inputs and returns a JSON-able value, or raises `ApiError`
with the status and message real Looker would send. Every delivery (a schedule run, a datagroup
trigger) is recorded so tests can see duplicates.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sage_looker.looker_sim.config import LookerSimConfig

DOCS = "https://cloud.google.com/looker/docs/"
# Writable ScheduledPlan fields (the spec's WriteScheduledPlan), the only ones run_once accepts.
WRITE_SCHEDULED_PLAN = frozenset(
    "name user_id run_as_recipient enabled look_id dashboard_id lookml_dashboard_id filters_string "
    "dashboard_filters require_results require_no_results require_change send_all_results crontab "
    "datagroup timezone scheduled_plan_destination run_once include_links include_dashboard_summary "
    "custom_url_base custom_url_params custom_url_label show_custom_url pdf_paper_size pdf_landscape "
    "embed color_theme long_tables pdf_page_breaks tab_ids inline_table_width query_id".split()
)
CONNECTION_TESTS = ("connect", "kill", "query", "database_timezone", "database_version", "tmp_db", "cdt", "tmp_db_views")


class ApiError(Exception):
    def __init__(self, status: int, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "documentation_url": DOCS}
        if self.errors is not None:
            body["errors"] = [{**e, "documentation_url": DOCS} for e in self.errors]
        return body


@dataclass(frozen=True)
class Delivery:
    kind: str  # "scheduled_plan" | "datagroup"
    target_id: str  # source scheduled plan id, or datagroup id
    run_id: str | None  # the one-off copy's id for schedule runs
    at: float  # server wall-clock time of the delivery
    details: dict[str, Any] = field(default_factory=dict)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds")


class LookerState:
    def __init__(self, config: LookerSimConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self._tokens: dict[str, float] = {}  # token -> monotonic expiry
        self._deliveries: list[Delivery] = []
        self._logins = 0
        self._issued: list[str] = []  # every token ever issued, so tests can prove none leaked
        now = int(self.now())
        self.datagroups = {
            str(i): {"id": str(i), "model_name": m, "name": n, "created_at": now - 86400, "stale_before": None,
                     "triggered_at": None, "trigger_check_at": now - 60, "trigger_error": None, "trigger_value": "1"}
            for i, (m, n) in enumerate(config.datagroups, start=1)
        }
        self.plans = {p["id"]: self._new_plan(p, now - 86400) for p in config.scheduled_plans}
        self._next_plan_id = 1000
        self.validation_cache: dict[str, dict[str, Any]] = {}

    def now(self) -> float:
        return time.time() + self.config.clock_offset

    # ------------------------------------------------------------------ auth
    def login(self, client_id: str | None, client_secret: str | None) -> dict[str, Any]:
        cfg = self.config
        ok_id = secrets.compare_digest(client_id or "", cfg.client_id)
        if not (ok_id and secrets.compare_digest(client_secret or "", cfg.client_secret)):
            raise ApiError(404, "Not found")  # what Looker answers for bad API credentials
        token = secrets.token_urlsafe(30)
        with self.lock:
            self._tokens[token] = time.monotonic() + cfg.token_lifetime
            self._issued.append(token)
            self._logins += 1
        expires_in = cfg.announced_expires_in if cfg.announced_expires_in is not None else cfg.token_lifetime
        return {"access_token": token, "token_type": "Bearer", "expires_in": int(expires_in), "refresh_token": None}

    def authenticate(self, authorization: str | None) -> str:
        scheme, _, token = (authorization or "").strip().partition(" ")
        with self.lock:
            expiry = self._tokens.get(token.strip()) if scheme.lower() in ("token", "bearer") else None
            if expiry is None or expiry <= time.monotonic():
                self._tokens.pop(token.strip(), None)
                raise ApiError(401, "Requires authentication.")
        return self.config.api_user_id

    def logout(self, authorization: str | None) -> None:
        self.authenticate(authorization)
        with self.lock:
            self._tokens.pop(authorization.split(" ", 1)[1].strip(), None)  # type: ignore[union-attr]

    def revoke_tokens(self) -> None:
        with self.lock:
            self._tokens.clear()

    def logins(self) -> int:
        with self.lock:
            return self._logins

    def issued_tokens(self) -> list[str]:
        with self.lock:
            return list(self._issued)

    def deliveries(self) -> list[Delivery]:
        with self.lock:
            return list(self._deliveries)

    # ------------------------------------------------------------------ datagroups
    def all_datagroups(self) -> list[dict[str, Any]]:
        with self.lock:
            return [self._datagroup_json(d) for d in self.datagroups.values()]

    def datagroup(self, datagroup_id: str) -> dict[str, Any]:
        with self.lock:
            return self._datagroup_json(self._get(self.datagroups, datagroup_id))

    def update_datagroup(self, datagroup_id: str, body: dict[str, Any]) -> dict[str, Any]:
        now = self.now()
        errors = []
        for name in ("stale_before", "triggered_at"):
            value = body.get(name)
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                errors.append({"field": name, "code": "invalid", "message": "must be an integer UNIX timestamp"})
            elif value > now:
                errors.append({"field": name, "code": "invalid", "message": "cannot be in the future"})
        if errors:
            raise ApiError(422, "Validation Failed", errors)
        with self.lock:
            dg = self._get(self.datagroups, datagroup_id)
            changes = {k: body[k] for k in ("stale_before", "triggered_at") if body.get(k) is not None}
            dg.update(changes)
            self._deliveries.append(Delivery("datagroup", dg["id"], None, now, {
                "model_name": dg["model_name"], "name": dg["name"],
                "stale_before": body.get("stale_before"), "triggered_at": body.get("triggered_at")}))
            return self._datagroup_json(dg)

    # ------------------------------------------------------------------ scheduled plans
    def all_scheduled_plans(self, user_id: str | None, all_users: bool) -> list[dict[str, Any]]:
        owner = user_id or self.config.api_user_id
        with self.lock:
            return [
                self._plan_json(p) for p in self.plans.values()
                if (all_users or p["user_id"] == owner)
                and (self.config.run_once_copies_listed or not p.get("_copy_of"))
            ]

    def scheduled_plan(self, plan_id: str) -> dict[str, Any]:
        with self.lock:
            return self._plan_json(self._get(self.plans, plan_id))

    def run_once_by_id(self, plan_id: str, overrides: dict[str, Any]) -> dict[str, Any]:
        self._check_writable(overrides)
        with self.lock:
            source = self._get(self.plans, plan_id)
            plan = {**{k: v for k, v in source.items() if k in WRITE_SCHEDULED_PLAN}, **overrides}
            return self._run_copy(plan, source)

    def run_once(self, body: dict[str, Any]) -> dict[str, Any]:
        self._check_writable(body)
        if not any(body.get(k) for k in ("look_id", "dashboard_id", "lookml_dashboard_id", "query_id")):
            raise ApiError(422, "Validation Failed", [{"field": "look_id", "code": "missing",
                                                      "message": "a look, dashboard or query is required"}])
        with self.lock:
            return self._run_copy(dict(body), None)

    def _run_copy(self, plan: dict[str, Any], source: dict[str, Any] | None) -> dict[str, Any]:
        now = self.now()
        self._next_plan_id += 1
        run_id = str(self._next_plan_id)
        plan.update(id=run_id, run_once=True, crontab=None, datagroup=None, created_at=_iso(now),
                    updated_at=_iso(now), last_run_at=_iso(now), next_run_at=None)
        plan.setdefault("user_id", self.config.api_user_id)
        plan["_copy_of"] = source["id"] if source else "adhoc"
        self.plans[run_id] = self._new_plan(plan, now)
        if source is not None and self.config.run_once_touches_source:
            source["last_run_at"] = _iso(now)
        recipients = [d.get("address") for d in plan.get("scheduled_plan_destination") or []]
        self._deliveries.append(Delivery("scheduled_plan", plan["_copy_of"], run_id, now, {
            "name": plan.get("name"), "dashboard_id": plan.get("dashboard_id"), "recipients": recipients}))
        return self._plan_json(self.plans[run_id])

    # ------------------------------------------------------------------ LookML, connections, models
    def validate_project(self, project_id: str) -> dict[str, Any]:
        self._check_project(project_id)
        errors = [dict(e) for e in self.config.validation_errors]
        result = {"errors": errors, "project_digest": hashlib.sha1(repr(errors).encode()).hexdigest(),
                  "models_not_validated": [], "computation_time": 0.42}
        with self.lock:
            self.validation_cache[project_id] = {**result, "stale": False}
        return result

    def project_validation_results(self, project_id: str) -> dict[str, Any] | None:
        self._check_project(project_id)
        with self.lock:
            return self.validation_cache.get(project_id)  # None -> 204: never validated

    def test_connection(self, name: str, tests: list[str]) -> list[dict[str, Any]]:
        conn = self.config.connections.get(name)
        if conn is None:
            raise ApiError(404, "Not found")
        wanted = [t for t in (tests or CONNECTION_TESTS) if t in CONNECTION_TESTS]  # unknown names ignored
        failing = conn.get("failing_tests", {})
        return [{
            "can": {"index": True},
            "connection_string": f"jdbc:{conn.get('dialect', 'postgres')}://warehouse:5432/sage" if t == "connect" else None,
            "message": failing.get(t, f"{t} ok"),
            "name": t,
            "status": "error" if t in failing else "success",
        } for t in wanted]

    def lookml_model(self, name: str) -> dict[str, Any]:
        model = self.config.models.get(name)
        if model is None:
            raise ApiError(404, "Not found")
        return {
            "can": {"index": True, "show": True},
            "allowed_db_connection_names": list(model.get("connections", [])),
            "explores": [{"name": e, "description": None, "label": e.replace("_", " ").title(), "hidden": False,
                          "group_label": model.get("label")} for e in model.get("explores", [])],
            "has_content": True,
            "label": model.get("label", name),
            "name": name,
            "project_name": model.get("project", name),
            "unlimited_db_connections": False,
        }

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _get(table: dict[str, dict[str, Any]], key: str) -> dict[str, Any]:
        if key not in table:
            raise ApiError(404, "Not found")
        return table[key]

    def _check_project(self, project_id: str) -> None:
        if project_id not in self.config.projects:
            raise ApiError(404, "Not found")

    @staticmethod
    def _check_writable(body: dict[str, Any]) -> None:
        unknown = sorted(set(body) - WRITE_SCHEDULED_PLAN)
        if unknown:
            raise ApiError(422, "Validation Failed", [{"field": f, "code": "invalid", "message": "is not writable"}
                                                      for f in unknown])

    @staticmethod
    def _datagroup_json(dg: dict[str, Any]) -> dict[str, Any]:
        return {"can": {"show": True, "update": True}, **dg}

    def _new_plan(self, p: dict[str, Any], created: float) -> dict[str, Any]:
        if "recipients" in p:
            p = {**p, "scheduled_plan_destination": [
                {"id": f"{p['id']}{i}", "scheduled_plan_id": p["id"], "format": p.get("format", "wysiwyg_pdf"),
                 "apply_formatting": True, "apply_vis": True, "address": a, "looker_recipient": True,
                 "type": "email", "parameters": None, "secret_parameters": None, "message": None}
                for i, a in enumerate(p["recipients"], start=1)]}
        base: dict[str, Any] = {k: None for k in WRITE_SCHEDULED_PLAN}
        base.update(run_as_recipient=False, enabled=True, require_results=False, require_no_results=False,
                    require_change=False, send_all_results=False, run_once=False, include_links=True,
                    include_dashboard_summary=False, show_custom_url=False, pdf_landscape=False, embed=False,
                    long_tables=False, pdf_page_breaks=False, user_id=self.config.api_user_id,
                    created_at=_iso(created), updated_at=_iso(created), last_run_at=None, next_run_at=None)
        base.update({k: v for k, v in p.items() if k in base or k in ("id", "_copy_of")})
        return base

    def _plan_json(self, p: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in p.items() if not k.startswith("_")}
        title = out.get("name")
        out.update(title=title, can={"show": True, "run_once": True},
                   user={"can": {}, "id": out["user_id"], "first_name": "Sage", "last_name": "Loader",
                         "display_name": "Sage Loader", "avatar_url": None, "url": None})
        return out
