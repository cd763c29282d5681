"""Small typed results of Looker operations, flat enough for Dagster metadata (`as_metadata()`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class _Metadata:
    def as_metadata(self) -> dict[str, Any]:
        """Plain JSON-able values only: str, int, float, bool, None, lists and dicts of those."""
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class DatagroupInfo(_Metadata):
    id: str
    model_name: str
    name: str
    stale_before: int | None = None
    triggered_at: int | None = None
    trigger_check_at: int | None = None
    trigger_error: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.model_name}::{self.name}"

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> "DatagroupInfo":
        return cls(id=str(d["id"]), model_name=d.get("model_name") or "", name=d.get("name") or "",
                   stale_before=d.get("stale_before"), triggered_at=d.get("triggered_at"),
                   trigger_check_at=d.get("trigger_check_at"), trigger_error=d.get("trigger_error"))


@dataclass(frozen=True)
class DatagroupTrigger(_Metadata):
    datagroup_id: str
    ref: str  # model::name
    stale_before: int | None  # as sent (epoch seconds, never in the future)
    triggered_at: int | None
    requested_at: float | None  # what the caller asked for, before clamping
    clamped: bool  # True if the requested time was in the future and was pulled back to "now"


@dataclass(frozen=True)
class ScheduledPlanInfo(_Metadata):
    id: str
    name: str | None
    user_id: str | None
    dashboard_id: str | None
    look_id: str | None
    lookml_dashboard_id: str | None
    run_once: bool
    last_run_at: str | None
    enabled: bool | None = None

    @property
    def target(self) -> tuple[str | None, str | None, str | None]:
        return (self.dashboard_id, self.look_id, self.lookml_dashboard_id)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> "ScheduledPlanInfo":
        def s(key: str) -> str | None:
            v = d.get(key)
            return None if v is None else str(v)
        return cls(id=str(d["id"]), name=d.get("name"), user_id=s("user_id"), dashboard_id=s("dashboard_id"),
                   look_id=s("look_id"), lookml_dashboard_id=s("lookml_dashboard_id"),
                   run_once=bool(d.get("run_once")), last_run_at=d.get("last_run_at"), enabled=d.get("enabled"))


@dataclass(frozen=True)
class ScheduledPlanRun(_Metadata):
    plan_id: str
    name: str | None
    run_plan_id: str | None  # the one-off copy Looker created and ran (None if only inferred)
    attempts: int  # run_once POSTs sent
    evidence: str  # "response" | "listed_copy" | "last_run_at": how we know it was delivered
    ambiguous_failures: tuple[str, ...] = ()  # reasons of the failures that had to be reconciled

    @property
    def reconciled(self) -> bool:
        return self.evidence != "response"


@dataclass(frozen=True)
class LookmlIssue(_Metadata):
    severity: str | None
    kind: str | None
    message: str | None  # the sanitized message where Looker provides one: safe to store and log
    file_path: str | None
    line_number: int | None
    model_id: str | None
    explore: str | None

    @classmethod
    def from_api(cls, e: dict[str, Any]) -> "LookmlIssue":
        return cls(severity=e.get("severity"), kind=e.get("kind"),
                   message=e.get("sanitized_message") or e.get("message"), file_path=e.get("file_path"),
                   line_number=e.get("line_number"), model_id=e.get("model_id"), explore=e.get("explore"))


BLOCKING_SEVERITIES = ("fatal", "error")


@dataclass(frozen=True)
class LookmlValidation(_Metadata):
    project_id: str
    issues: tuple[LookmlIssue, ...]
    project_digest: str | None
    models_not_validated: tuple[str, ...]
    computation_time: float | None
    stale: bool | None = None  # only for cached results

    @property
    def ok(self) -> bool:
        return not any(i.severity in BLOCKING_SEVERITIES for i in self.issues)

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for issue in self.issues:
            out[issue.severity or "unknown"] = out.get(issue.severity or "unknown", 0) + 1
        return out

    @classmethod
    def from_api(cls, project_id: str, d: dict[str, Any]) -> "LookmlValidation":
        models = tuple(str(m.get("name") if isinstance(m, dict) else m) for m in d.get("models_not_validated") or ())
        return cls(project_id=project_id, issues=tuple(LookmlIssue.from_api(e) for e in d.get("errors") or ()),
                   project_digest=d.get("project_digest"), models_not_validated=models,
                   computation_time=d.get("computation_time"), stale=d.get("stale"))

    def as_metadata(self) -> dict[str, Any]:
        return {**super().as_metadata(), "ok": self.ok, "counts": self.counts}


@dataclass(frozen=True)
class ConnectionTestResult(_Metadata):
    name: str | None
    status: str | None
    message: str | None


@dataclass(frozen=True)
class ConnectionTest(_Metadata):
    connection_name: str
    results: tuple[ConnectionTestResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.status != "error" for r in self.results)

    @property
    def failed(self) -> tuple[ConnectionTestResult, ...]:
        return tuple(r for r in self.results if r.status == "error")

    def as_metadata(self) -> dict[str, Any]:
        return {**super().as_metadata(), "ok": self.ok}


@dataclass(frozen=True)
class LookmlModelInfo(_Metadata):
    name: str
    project_name: str | None
    explores: tuple[str, ...] = field(default_factory=tuple)
    allowed_db_connection_names: tuple[str, ...] = field(default_factory=tuple)
