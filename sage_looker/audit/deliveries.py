"""Looker deliveries: what each refresh told Looker, recorded in `sage300_audit.looker_deliveries`, and replayed.

One row per event, written AS IT HAPPENS (a crash after plan 1 still shows plan 1 delivered): run id (and, for a
replay, the run it replays), kind, target (datagroup `model::name` or plan id), outcome, how delivery is known,
attempts, error. Outcomes:

- `started`: a plan's run_once is about to be sent. Superseded by the plan's next row; left alone (the process
  died while Looker may have been sending the report) it counts as `unknown`;
- `delivered`: Looker confirmed it (a plan: the run_once response, or evidence after an ambiguous failure);
- `failed`: it was not done (safe to do again);
- `unknown`: a plan whose run_once failed ambiguously and whose delivery could not be confirmed or ruled out.
  Shown as a failed delivery; replayed only when asked (`--include-unknown`): a duplicate e-mail to the CFO is
  worse than a missing one, as in `looker/delivery.py`;
- `skipped`: a plan not attempted because the datagroups failed (dashboards would have shown stale cache).

`replay(...)` re-triggers what a run should have triggered: every datagroup of the run (a trigger is an
idempotent timestamp) and every configured plan not yet delivered by the run or an earlier replay of it (never
attempted, failed or skipped). The run id may be the refresh run's or a load run's: a load is served by the
first refresh recorded after it; a load no refresh followed gets the configured deliveries, recorded as a
replay of the load, so a second replay sends nothing again.
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


STARTED = "started"


def final_outcomes(rows: Sequence[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """{(kind, target): outcome} after every row, oldest first: the latest row wins, a delivery is never undone,
    and a plan left `started` is `unknown`."""
    out: dict[tuple[str, str], str] = {}
    for r in rows:
        key = (r["kind"], r["target"])
        if out.get(key) != "delivered":
            out[key] = r["outcome"]
    return {k: ("unknown" if o == STARTED else o) for k, o in out.items()}


@dataclass
class DeliveryLog:
    """The events of one refresh (or replay). With `wh`, each row is appended to the warehouse when it is added;
    a row the warehouse refused is kept and written by `save`."""

    run_id: str
    replay_of: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    wh: Warehouse | None = None
    _saved: int = 0

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
        if self.wh is not None:
            self.save(self.wh)

    @property
    def outcomes(self) -> dict[tuple[str, str], str]:
        return final_outcomes(self.rows)

    @property
    def complete(self) -> bool:
        return all(o == "delivered" for o in self.outcomes.values())

    def problems(self) -> list[str]:
        errors = {(r["kind"], r["target"]): r["error_class"] for r in self.rows if r["error_class"]}
        out = []
        for (kind, target), o in self.outcomes.items():
            if o == "delivered":
                continue
            note = " (may have been delivered: check Looker before sending it again)" if o == "unknown" else ""
            cls = f" ({errors[(kind, target)]})" if (kind, target) in errors else ""
            out.append(f"{kind} {target}: {o}{cls}{note}")
        return out

    @property
    def unsaved(self) -> int:
        return len(self.rows) - self._saved

    def save(self, wh: Warehouse) -> None:
        """Append the rows not yet written (one transaction)."""
        pending = self.rows[self._saved:]
        if pending:
            wh.append_rows(AUDIT_SCHEMA, DELIVERIES, pa.Table.from_pylist(pending, schema=DELIVERY_SCHEMA))
            self._saved = len(self.rows)


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
        log.add(PLAN, pid, STARTED)  # written before the POST: a crash from here on reads as `unknown`
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


def _refresh_after_load(wh: Warehouse, load_run: str) -> str | None:
    """The first refresh (not a replay) recorded after the load's last ledger row: the one that told Looker about
    the load's data. None when the run is not a load, or no refresh followed it."""
    loads = read_ledger(wh, "run_id = ?", [load_run])
    if not loads:
        return None
    finished = max(r["finished_at"] for r in loads)
    sql = (f"SELECT run_id FROM {qualified(AUDIT_SCHEMA, DELIVERIES)} WHERE replay_of IS NULL AND recorded_at >= ? "
           "ORDER BY recorded_at, delivery_id LIMIT 1")
    try:
        rows = wh.read_arrow(sql, [finished]).to_pylist()
    except Exception as exc:
        if "does not exist" in str(exc).lower():
            return None
        raise
    return rows[0]["run_id"] if rows else None


def resolve_run(wh: Warehouse, run_id: str) -> str:
    """The run whose deliveries a replay of `run_id` completes: itself when it recorded deliveries (a refresh, or
    a load already replayed), else the refresh that followed the load `run_id`, else `run_id` (a load no refresh
    reached, or an unknown id: `to_replay` tells which)."""
    if read_deliveries(wh, run_id):
        return run_id
    return _refresh_after_load(wh, run_id) or run_id


def to_replay(wh: Warehouse, run_id: str, configured: tuple[Sequence[str], Sequence[str]], *,
              include_unknown: bool = False) -> tuple[list[str], list[str], list[str]]:
    """(datagroups, plans, held back) that a replay of `run_id` (already resolved) should trigger."""
    rows = read_deliveries(wh, run_id)
    if not rows:
        if not read_ledger(wh, "run_id = ?", [run_id]):
            raise NothingToReplay(f"no Looker delivery and no load recorded for run {run_id}: check the run id "
                                  "(the Dagster run of the load, or of its looker/refresh asset)")
        return list(configured[0]), list(configured[1]), []  # the load's refresh never reached Looker
    groups = list(dict.fromkeys(r["target"] for r in rows if r["kind"] == DATAGROUP)) or list(configured[0])
    outcome = {t: o for (k, t), o in final_outcomes(rows).items() if k == PLAN}
    for pid in configured[1]:  # a plan the run never reached (it crashed or stopped before it) was not delivered
        outcome.setdefault(str(pid), "failed")
    plans = [p for p, o in outcome.items() if o in ("failed", "skipped") or (o == "unknown" and include_unknown)]
    held = [p for p, o in outcome.items() if o == "unknown" and not include_unknown]
    return groups, plans, held


def replay(wh: Warehouse, client: Any, run_id: str, configured: tuple[Sequence[str], Sequence[str]], *,
           include_unknown: bool = False, new_run_id: str | None = None) -> tuple[DeliveryLog, list[str]]:
    """Replay what `run_id` (a refresh run or a load run) did not deliver; returns (log, plans held back).
    `log.replay_of` is the run replayed (the refresh that served a load, when given the load's id)."""
    target = resolve_run(wh, run_id)
    groups, plans, held = to_replay(wh, target, configured, include_unknown=include_unknown)
    log = DeliveryLog(new_run_id or f"replay-looker-{uuid.uuid4().hex[:12]}", replay_of=target, wh=wh)
    if not plans and not held and all_delivered(wh, target):
        return log, held  # everything was delivered: nothing is sent again, not even a datagroup trigger
    try:
        deliver(client, groups, plans, log)
    finally:
        log.save(wh)
    return log, held


def all_delivered(wh: Warehouse, run_id: str) -> bool:
    rows = read_deliveries(wh, run_id)
    return bool(rows) and all(o == "delivered" for o in final_outcomes(rows).values())
