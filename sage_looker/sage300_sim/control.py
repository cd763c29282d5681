"""`/_simulator/*`: control and observability endpoints for a simulator running in another process.

No authentication, no faults, not counted in the request log or the concurrency figure.

    GET  /_simulator/health              {"ok": true, "url": ...}
    GET  /_simulator/requests[?since=N]  request log entries with seq > N
    POST /_simulator/requests/reset      clear the log and the max-concurrency mark (also DELETE /requests)
    GET  /_simulator/stats               request count, max concurrency, in flight, faults and their counts
    GET  /_simulator/truth               ground truth (see truth.py)
    GET  /_simulator/faults              current spec and counts
    POST /_simulator/faults              body {"spec": "5xx=0.1"} or the bare spec text
    POST /_simulator/mutate              body {"op": "edit_batch", "company": "SAMINC", ...keyword arguments}
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

from sage_looker.sage300_sim.responses import JSON_TYPE, encode, error_body, to_json

MUTATIONS = {"edit_batch", "redate_batch", "post_batch", "insert_batch", "delete_batch", "clear_history", "add_field",
             "add_dangling_reference", "update_master", "insert_record"}
_DATE_ARGS = {"batch_date", "before", "new_date"}


def handle(h, sim, method: str, path: str, query: str, body: bytes) -> None:
    route = path[len("/_simulator"):].strip("/")
    try:
        status, payload = _route(sim, method, route, query, body)
    except (KeyError, ValueError, TypeError) as e:
        h.send(400, error_body("InvalidParameters", f"{type(e).__name__}: {e}"), JSON_TYPE)
        return
    h.send(status, encode(payload), JSON_TYPE)


def _route(sim, method: str, route: str, query: str, body: bytes) -> tuple[int, Any]:
    if route in ("", "health") and method == "GET":
        return 200, {"ok": True, "url": sim.url, "companies": list(sim.db.companies)}
    if route == "requests" and method == "GET":
        since = int(parse_qs(query).get("since", ["0"])[0])
        return 200, [e for e in sim.requests() if e["seq"] > since]
    if (route == "requests/reset" and method == "POST") or (route == "requests" and method == "DELETE"):
        sim.reset_log()
        return 200, {"ok": True}
    if route == "stats" and method == "GET":
        return 200, {"requests": sim.request_count(), "max_concurrency": sim.max_concurrency(),
                     "in_flight": sim.in_flight(), "faults": sim.faults.spec, "fault_counts": sim.fault_counts(),
                     "generation_seconds": round(sim.db.generation_seconds, 3)}
    if route == "truth" and method == "GET":
        return 200, sim.truth()
    if route == "faults":
        if method == "POST":
            text = body.decode("utf-8").strip()
            spec = json.loads(text).get("spec", "") if text.startswith("{") else text
            sim.set_faults(spec)
        return 200, {"spec": sim.faults.spec, "counts": sim.fault_counts()}
    if route == "mutate" and method == "POST":
        args = json.loads(body or b"{}", parse_float=Decimal)
        op = args.pop("op", None)
        if op not in MUTATIONS:
            raise ValueError(f"unknown op {op!r}; one of {sorted(MUTATIONS)}")
        for k in _DATE_ARGS & set(args):
            args[k] = dt.date.fromisoformat(args[k])
        if isinstance(args.get("key"), list):
            args["key"] = tuple(args["key"])
        result = getattr(sim.db, op)(**args)
        return 200, {"ok": True, "result": _jsonable(result)}
    return 404, {"error": {"code": "ResourceNotFound", "message": {"lang": "en-US",
                                                                   "value": f"no control endpoint {route!r}"}}}


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return to_json(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return v
