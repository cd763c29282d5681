"""Looker deliveries: what each refresh told Looker, recorded in `sage300_audit.looker_deliveries`, and replayed.

One row per datagroup trigger and per scheduled plan run: run id (and, for a replay, the run it replays),
kind, target (datagroup `model::name` or plan id), outcome, how delivery is known, attempts, error. Outcomes:

- `delivered`: Looker confirmed it (a plan: the run_once response, or evidence after an ambiguous failure);
- `failed`: it was not done (safe to do again);
- `unknown`: a plan whose run_once failed ambiguously and whose delivery could not be confirmed or ruled out;
- `skipped`: a plan not attempted because the datagroups failed (dashboards would have shown stale cache).

`replay(...)` re-triggers what a run should have triggered: every datagroup of the run (a trigger is an
idempotent timestamp) and every plan not yet delivered by the run or an earlier replay of it, each plan through
the client's exactly-once `run_scheduled_plan_once`; `unknown` ones only when asked (a duplicate e-mail to the
CFO is worse than a missing one, as in `looker/delivery.py`). For a load run that never reached Looker (its
refresh did not run), it triggers the configured datagroups and plans.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from sage_looker.audit import AUDIT_SCHEMA
from sage_looker.audit.ledger import TS, read_ledger, scrub
from sage_looker.looker.errors import LookerDeliveryError, LookerError
from sage_looker.warehouse.backend import Warehouse
from sage_looker.warehouse.sqlgen import qualified

DELIVERIES = "looker_deliveries"
DELIVERY_SCHEMA = pa.schema([
    ("delivery_id", pa.string()), ("run_id", pa.string()), ("replay_of", pa.string()), ("kind", pa.string()),
    ("target", pa.string()), ("name", pa.string()), ("outcome", pa.string()), ("evidence", pa.string()),
    ("attempts", pa.int64()), ("detail_json", pa.string()), ("error_class", pa.string()),
    ("error_message", pa.string()), ("recorded_at", TS),
])
DATAGROUP, PLAN = "datagroup", "scheduled_plan"


class NothingToReplay(Exception):
    pass


@dataclass
class DeliveryLog:
    run_id: str
    replay_of: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, kind: str, target: str, outcome: str, *, name: str | None = None, evidence: str | None = None,
            attempts: int = 0, detail: dict | None = None, error: BaseException | None = None) -> None:
        self.rows.append({
            "delivery_id": uuid.uuid4().hex, "run_id": self.run_id, "replay_of": self.replay_of, "kind": kind,
            "target": str(target), "name": name, "outcome": outcome, "evidence": evidence, "attempts": attempts,
            "detail_json": json.dumps(detail, default=str) if detail else None,
            "error_class": type(error).__name__ if error is not None else None,
            "error_message": scrub(str(error))[:2000] if error is not None else None,
            "recorded_at": dt.datetime.now(dt.timezone.utc),
        })

    @property
    def complete(self) -> bool:
        return all(r["outcome"] == "delivered" for r in self.rows)

    def problems(self) -> list[str]:
        return [f"{r['kind']} {r['target']}: {r['outcome']}" + (f" ({r['error_class']})" if r["error_class"] else "")
                for r in self.rows if r["outcome"] != "delivered"]

    def save(self, wh: Warehouse) -> None:
        if self.rows:
            wh.append_rows(AUDIT_SCHEMA, DELIVERIES, pa.Table.from_pylist(self.rows, schema=DELIVERY_SCHEMA))


def deliver(client: Any, datagroups: Sequence[str], plans: Sequence[str], log: DeliveryLog) -> tuple[list, list]:
    """Trigger the datagroups, then run each plan once; every outcome goes to `log`. Plans wait for the
    datagroups: a report mailed from a stale cache is worse than one mailed after the fix."""
    triggers, runs = [], []
    groups_ok = True
    if datagroups:
        try:
            known = client.all_datagroups()
        except LookerError as exc:
            known, groups_ok = None, False
            for ref in datagroups:
                log.add(DATAGROUP, ref, "failed", error=exc)
        if known is not None:
            for ref in datagroups:
                try:
                    t = client.trigger_datagroup(ref, datagroups=known)
                except LookerError as exc:
                    groups_ok = False
                    log.add(DATAGROUP, ref, "failed", error=exc)
                    continue
                triggers.append(t)
                log.add(DATAGROUP, ref, "delivered", name=t.ref, evidence="response", attempts=1,
                        detail=t.as_metadata())
    for pid in plans:
        if not groups_ok:
            log.add(PLAN, pid, "skipped", evidence="datagroups failed")
            continue
        try:
            r = client.run_scheduled_plan_once(pid)
        except LookerDeliveryError as exc:
            log.add(PLAN, pid, "unknown" if exc.delivered is None else "failed", error=exc)
            continue
        except LookerError as exc:
            log.add(PLAN, pid, "failed", error=exc)
            continue
        runs.append(r)
        log.add(PLAN, pid, "delivered", name=r.name, evidence=r.evidence, attempts=r.attempts,
                detail=r.as_metadata())
    return triggers, runs


def read_deliveries(wh: Warehouse, run_id: str) -> list[dict[str, Any]]:
    """Rows of the run and of its replays, oldest first; [] when nothing was recorded."""
    sql = (f"SELECT * FROM {qualified(AUDIT_SCHEMA, DELIVERIES)} WHERE run_id = ? OR replay_of = ? "
           "ORDER BY recorded_at, delivery_id")
    try:
        return wh.read_arrow(sql, [run_id, run_id]).to_pylist()
    except Exception as exc:
        text = str(exc).lower()
        if "does not exist" in text or "no duckdb warehouse" in text:
            return []
        raise


def to_replay(wh: Warehouse, run_id: str, configured: tuple[Sequence[str], Sequence[str]], *,
              include_unknown: bool = False) -> tuple[list[str], list[str], list[str]]:
    """(datagroups, plans, held back) that a replay of `run_id` should trigger."""
    rows = read_deliveries(wh, run_id)
    if not rows:
        if not read_ledger(wh, "run_id = ?", [run_id]):
            raise NothingToReplay(f"no Looker delivery and no load recorded for run {run_id}: check the run id "
                                  "(the Dagster run of the load, or of its looker/refresh asset)")
        return list(configured[0]), list(configured[1]), []  # the load's refresh never reached Looker
    groups = list(dict.fromkeys(r["target"] for r in rows if r["kind"] == DATAGROUP))
    outcome: dict[str, str] = {}
    for r in rows:
        if r["kind"] == PLAN and outcome.get(r["target"]) != "delivered":
            outcome[r["target"]] = r["outcome"]  # latest, but a delivery is never undone
    plans = [p for p, o in outcome.items() if o in ("failed", "skipped") or (o == "unknown" and include_unknown)]
    held = [p for p, o in outcome.items() if o == "unknown" and not include_unknown]
    return groups, plans, held


def replay(wh: Warehouse, client: Any, run_id: str, configured: tuple[Sequence[str], Sequence[str]], *,
           include_unknown: bool = False, new_run_id: str | None = None) -> tuple[DeliveryLog, list[str]]:
    groups, plans, held = to_replay(wh, run_id, configured, include_unknown=include_unknown)
    log = DeliveryLog(new_run_id or f"replay-looker-{uuid.uuid4().hex[:12]}", replay_of=run_id)
    try:
        deliver(client, groups, plans, log)
    finally:
        log.save(wh)
    return log, held
