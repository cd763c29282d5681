"""HTTP front of the Looker simulator: routing, auth, fault injection and request recording.

Only the operations the pipeline uses (plus what `looker_sdk` needs to exercise them) exist; every
other path answers 404 with Looker's error shape, as an instance without the feature would.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import socket
import time
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

from sage_looker.looker_sim.faults import Fault
from sage_looker.looker_sim.state import DOCS, ApiError, LookerState

if TYPE_CHECKING:
    from sage_looker.looker_sim.simulator import LookerSimulator

log = logging.getLogger(__name__)

HTML_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway"
            b"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
_REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not found", 409: "Conflict", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # raw path, without the query string
    template: str | None  # spec path template (relative to /api/4.0), None for unknown paths
    operation_id: str | None
    query: dict[str, list[str]]
    body_fields: tuple[str, ...]
    content_type: str | None
    auth_scheme: str | None  # "token", "Bearer" or None
    status: int | None = None  # None: the connection was dropped (injected reset)
    fault: str | None = None
    at: float = 0.0


def _q(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _tests(query: dict[str, list[str]]) -> list[str]:
    # The SDK sends a comma-delimited list; OpenAPI's default style repeats the key; accept JSON too.
    out: list[str] = []
    for raw in query.get("tests", []):
        raw = raw.strip()
        try:
            items = json.loads(raw) if raw.startswith("[") else raw.split(",")
        except ValueError:
            items = raw.split(",")
        out += [str(t).strip() for t in items if str(t).strip()]
    return out


Handler = Callable[[LookerState, dict[str, str], dict[str, list[str]], dict[str, Any]], Any]
# (method, spec template, operationId, handler); every operation but login needs a token.
ROUTES: list[tuple[str, str, str, Handler]] = [
    ("POST", "/login", "login", lambda s, p, q, b: s.login(
        b.get("client_id") or _q(q, "client_id"), b.get("client_secret") or _q(q, "client_secret"))),
    ("GET", "/datagroups", "all_datagroups", lambda s, p, q, b: s.all_datagroups()),
    ("GET", "/datagroups/{datagroup_id}", "datagroup", lambda s, p, q, b: s.datagroup(p["datagroup_id"])),
    ("PATCH", "/datagroups/{datagroup_id}", "update_datagroup",
     lambda s, p, q, b: s.update_datagroup(p["datagroup_id"], b)),
    ("GET", "/scheduled_plans", "all_scheduled_plans", lambda s, p, q, b: s.all_scheduled_plans(
        _q(q, "user_id"), (_q(q, "all_users") or "").lower() == "true")),
    ("POST", "/scheduled_plans/run_once", "scheduled_plan_run_once", lambda s, p, q, b: s.run_once(b)),
    ("GET", "/scheduled_plans/{scheduled_plan_id}", "scheduled_plan",
     lambda s, p, q, b: s.scheduled_plan(p["scheduled_plan_id"])),
    ("POST", "/scheduled_plans/{scheduled_plan_id}/run_once", "scheduled_plan_run_once_by_id",
     lambda s, p, q, b: s.run_once_by_id(p["scheduled_plan_id"], b)),
    ("POST", "/projects/{project_id}/validate", "validate_project",
     lambda s, p, q, b: s.validate_project(p["project_id"])),
    ("GET", "/projects/{project_id}/validate", "project_validation_results",
     lambda s, p, q, b: s.project_validation_results(p["project_id"])),
    ("PUT", "/connections/{connection_name}/test", "test_connection",
     lambda s, p, q, b: s.test_connection(p["connection_name"], _tests(q))),
    ("GET", "/lookml_models/{lookml_model_name}", "lookml_model",
     lambda s, p, q, b: s.lookml_model(p["lookml_model_name"])),
]
_COMPILED = [(m, re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", t) + "$"), t, op, fn)
             for m, t, op, fn in ROUTES]


def _route(method: str, path: str):
    if path == "/api/logout" or path == "/api/4.0/logout":  # the Python SDK logs out without the version
        return "/logout", "logout", {}, None
    if not path.startswith("/api/4.0/"):
        return None, None, {}, None
    rel = path[len("/api/4.0"):]
    for m, rx, template, op, fn in _COMPILED:
        match = rx.match(rel)
        if match and m == method:
            return template, op, {k: unquote(v) for k, v in match.groupdict().items()}, fn
    return None, None, {}, None


def _filter_fields(value: Any, fields: str | None) -> Any:
    if not fields:
        return value
    keep = {f.strip() for f in fields.split(",") if f.strip()}
    if isinstance(value, list):
        return [_filter_fields(item, fields) for item in value]
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k in keep}
    return value


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real server: the client's connection pool is exercised

    @property
    def sim(self) -> "LookerSimulator":
        return self.server.sim  # type: ignore[attr-defined]

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle plus delayed ACKs add ~40 ms a call.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(self.sim.state.now() if timestamp is None else timestamp, usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("looker-sim %s", format % args)

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        sim = self.sim
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip() or None
        body: dict[str, Any] = {}
        try:
            if raw and ctype == "application/x-www-form-urlencoded":
                body = {k: v[-1] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
            elif raw:
                parsed = json.loads(raw)
                body = parsed if isinstance(parsed, dict) else {}
        except ValueError:
            body = {}
        template, op, params, fn = _route(self.command, url.path)
        auth = self.headers.get("Authorization")
        rec = RecordedRequest(self.command, url.path, template, op, query, tuple(body), ctype,
                              auth.split(" ", 1)[0] if auth else None, at=time.time())
        fault = sim.faults.pick(op or "unknown")
        label = fault.kind + ("-after" if fault.after else "") if fault else None
        if fault and fault.kind == "slow":
            if not fault.after:  # the server acts late, possibly after the client has given up
                time.sleep(sim.config.slow_seconds)
        elif fault and not fault.after:
            return self._fail(fault, replace(rec, fault=label))
        status, payload = self._apply(op, fn, params, query, body, auth)
        if fault and fault.kind == "slow" and fault.after:
            time.sleep(sim.config.slow_seconds)
        elif fault and fault.kind != "slow":
            return self._fail(fault, replace(rec, fault=label))
        sim.record(replace(rec, status=status, fault=label))
        self._send(status, None if payload is None else json.dumps(payload).encode())

    def _apply(self, op: str | None, fn: Handler | None, params: dict[str, str],
               query: dict[str, list[str]], body: dict[str, Any], auth: str | None) -> tuple[int, Any]:
        state = self.sim.state
        if op is None or (fn is None and op != "logout"):
            return 404, ApiError(404, "Not found").body()
        try:
            if op == "logout":
                state.logout(auth)
                return 204, None
            if op != "login":
                state.authenticate(auth)
            result = fn(state, params, query, body)  # type: ignore[misc]
        except ApiError as exc:
            return exc.status, exc.body()
        except Exception:  # a simulator bug must show up as a 500, not as a dropped connection
            log.exception("looker-sim: %s failed", op)
            return 500, ApiError(500, "Internal Server Error").body()
        if result is None:
            return 204, None
        return 200, _filter_fields(result, _q(query, "fields"))

    def _fail(self, fault: Fault, rec: RecordedRequest) -> None:
        sim = self.sim
        if fault.kind == "reset":
            sim.record(rec)
            self.close_connection = True  # no status line at all: the client sees the connection drop
            return
        status = fault.status or 500
        sim.record(replace(rec, status=status))
        if fault.kind == "502html":
            return self._send(502, HTML_502, "text/html")
        if status == 401:
            return self._send(401, json.dumps(ApiError(401, "Requires authentication.").body()).encode())
        if status == 422:
            err = ApiError(422, "Validation Failed", [{"field": "id", "code": "invalid", "message": "injected"}])
            return self._send(422, json.dumps(err.body()).encode())
        message = _REASONS.get(status, "Error")
        extra = {"Retry-After": str(sim.config.retry_after)} if status == 429 else None
        self._send(status, json.dumps({"message": message, "documentation_url": DOCS}).encode(), extra=extra)

    def _send(self, status: int, body: bytes | None, ctype: str = "application/json; charset=utf-8",
              extra: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", ctype)
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            if body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): nothing to tell it
            self.close_connection = True


class LookerHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sim: "LookerSimulator") -> None:
        self.sim = sim
        super().__init__(address, RequestHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("looker-sim: connection error from %s", client_address, exc_info=True)
