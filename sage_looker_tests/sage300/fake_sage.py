"""A tiny in-process fake of the Sage 300 Web API for unit tests (httpx.MockTransport handler).

It serves collections with OData $top/$skip/$count, simple date-window $filter, nextLinks with $skip, a
server-side page cap, scripted faults and a mutation hook called before each collection request.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import msgspec

_ENC = msgspec.json.Encoder(decimal_format="number")
_PATH = re.compile(r"^/Sage300WebApi/v1\.0/-/(?P<company>[^/]+)/(?P<module>[A-Z]{2})/(?P<resource>[A-Za-z0-9]+)$")
_COND = re.compile(r"(\w+) (ge|lt|le|gt|eq) (\S+)")

BASE = "http://sage.test/Sage300WebApi"


def error_body(code: str, message: str) -> bytes:
    return _ENC.encode({"error": {"code": code, "message": {"lang": "en-US", "value": message}}})


@dataclass
class Fault:
    status: int = 500
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    exc: Exception | None = None
    content_type: str = "application/json"


@dataclass
class FakeSage:
    data: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    user: str = "WEBAPI"
    password: str = "SECRETPW"
    max_page: int = 100
    count_as_string: bool = False
    legacy_envelope: bool = False  # odata.count / odata.nextLink without '@'
    next_link_host: str = "http://sage.test"  # reverse proxy: another host in nextLinks
    next_link_mode: str = "skip"  # skip | none | loop_token | loop_skip
    top0_refused: bool = False
    faults: list[Fault] = field(default_factory=list)
    fault_filter: Callable[[httpx.Request], bool] | None = None
    before_page: Callable[["FakeSage", httpx.Request], None] | None = None
    requests: list[httpx.Request] = field(default_factory=list)
    forbidden_modules: set[str] = field(default_factory=set)
    # A reverse proxy serving the API under this prefix (`/sage`): it strips it before IIS, whose nextLinks
    # then name the internal path without it. Requests without the prefix get the proxy's 404 page.
    path_prefix: str = ""
    # Resources answering 404 from the N-th collection request on (a URL that went wrong mid-read).
    missing_after: dict[str, int] = field(default_factory=dict)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def rows(self, company: str, path: str) -> list[dict[str, Any]]:
        return self.data.setdefault((company, path), [])

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.faults and (self.fault_filter is None or self.fault_filter(request)):
            f = self.faults.pop(0)
            if f.exc is not None:
                raise f.exc
            return httpx.Response(f.status, content=f.body, headers={"content-type": f.content_type, **f.headers})
        auth = request.headers.get("authorization", "")
        expected = "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        if auth != expected:
            return httpx.Response(401, content=error_body("Unauthorized", "Invalid user ID or password."),
                                  headers={"content-type": "application/json"})
        if request.headers.get("content-type") != "application/json":
            return httpx.Response(500, content=error_body("InternalServerError", "no content type"))
        path = request.url.path
        if self.path_prefix:
            if not path.startswith(self.path_prefix + "/"):
                return httpx.Response(404, content=b"<html><title>404 Not Found</title></html>",
                                      headers={"content-type": "text/html"})
            path = path[len(self.path_prefix):]
        m = _PATH.match(path)
        if not m:
            return httpx.Response(404, content=b"<html><title>404 Not Found</title></html>",
                                  headers={"content-type": "text/html"})
        company, module, resource = m["company"], m["module"], m["resource"]
        if module in self.forbidden_modules:
            return httpx.Response(403, content=error_body("Forbidden", "Access denied."))
        key = (company, f"{module}/{resource}")
        if resource in self.missing_after:
            self.missing_after[resource] -= 1
            if self.missing_after[resource] < 0:
                return httpx.Response(404, content=error_body("ResourceNotFound", f"Resource {resource} not found."))
        if key not in self.data:
            if module == "CS" or module == "GL":
                # warm-up probes answer with an empty collection
                return self._json({"value": []})
            return httpx.Response(404, content=error_body("ResourceNotFound", f"Resource {resource} not found."))
        q = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        top = int(q.get("$top", self.max_page))
        if top == 0 and self.top0_refused:
            return httpx.Response(400, content=error_body("InvalidParameters", "$top must be positive"))
        if top > 0 and self.before_page:
            self.before_page(self, request)
        rows = self._filtered(self.data[key], q.get("$filter"))
        skip = int(q.get("$skip", 0))
        take = min(top, self.max_page)
        page = rows[skip: skip + take]
        doc: dict[str, Any] = {"@odata.context": "$metadata#" + resource}
        if q.get("$count") == "true":
            n = len(rows)
            doc["odata.count" if self.legacy_envelope else "@odata.count"] = str(n) if self.count_as_string else n
        doc["value"] = page
        more = skip + len(page) < len(rows)
        link = None
        if self.next_link_mode == "skip" and more:
            params = [(k, v) for k, v in parse_qsl(request.url.query.decode()) if k != "$skip"]
            params.append(("$skip", str(skip + len(page))))
            link = self._link(request, params, path)
        elif self.next_link_mode == "loop_token":
            link = self._link(request, [("$skiptoken", "again")], path)
        elif self.next_link_mode == "loop_skip":
            link = self._link(request, [("$top", str(take)), ("$skip", "0")], path)
        if link:
            doc["odata.nextLink" if self.legacy_envelope else "@odata.nextLink"] = link
        return self._json(doc)

    def _link(self, request: httpx.Request, params: list[tuple[str, str]], path: str) -> str:
        from urllib.parse import quote

        qs = "&".join(f"{k}={quote(v, safe='$,()')}" for k, v in params)
        return f"{self.next_link_host}{path}?{qs}"

    @staticmethod
    def _json(doc: dict[str, Any]) -> httpx.Response:
        return httpx.Response(200, content=_ENC.encode(doc), headers={"content-type": "application/json"})

    @staticmethod
    def _filtered(rows: list[dict[str, Any]], flt: str | None) -> list[dict[str, Any]]:
        if not flt:
            return list(rows)
        conds = _COND.findall(flt)
        out = []
        for r in rows:
            ok = True
            for fieldname, op, lit in conds:
                v = str(r.get(fieldname))[:10]
                lit = lit[:10]
                ok = ok and {"ge": v >= lit, "lt": v < lit, "le": v <= lit, "gt": v > lit, "eq": v == lit}[op]
            if ok:
                out.append(r)
        return out
