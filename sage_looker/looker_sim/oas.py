"""Check recorded requests and simulator responses against Looker's OpenAPI 3 spec.

The spec (not our reading of it) decides whether an operation exists, which query parameters and
body fields it takes, which fields are read-only, and which response fields exist. Used by the tests;
pure functions over the parsed spec document.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from sage_looker.looker_sim.server import RecordedRequest

API_PREFIX = "/api/4.0"


class OpenApiSpec:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.version = doc.get("info", {}).get("version")
        # Literal templates before parameterised ones, so /scheduled_plans/run_once is not {id}.
        self._paths = sorted(
            ((re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", t) + "$"), t) for t in doc["paths"]),
            key=lambda pt: (pt[1].count("{"), pt[1]),
        )

    @classmethod
    def load(cls, path: str | Path) -> "OpenApiSpec":
        path = Path(path)
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        return cls(json.loads(raw))

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = self.doc
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def find(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        """(template, operation) for a request path relative to /api/4.0, or None."""
        for rx, template in self._paths:
            if rx.match(path):
                op = self.doc["paths"][template].get(method.lower())
                if op is not None:
                    return template, op
        return None

    def parameters(self, template: str, op: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
        params = list(self.doc["paths"][template].get("parameters", [])) + list(op.get("parameters", []))
        return {p["name"]: p for p in map(self.resolve, params) if p.get("in") == where}

    def check_request(self, rec: RecordedRequest) -> list[str]:
        """Every way `rec` departs from the spec; empty when it conforms."""
        where = f"{rec.method} {rec.path}"
        if not rec.path.startswith(API_PREFIX + "/"):
            return [f"{where}: outside {API_PREFIX}"]
        found = self.find(rec.method, rec.path[len(API_PREFIX):])
        if found is None:
            return [f"{where}: no such operation in the spec"]
        template, op = found
        problems: list[str] = []
        query = self.parameters(template, op, "query")
        for name in rec.query:
            if name not in query:
                problems.append(f"{where}: query parameter {name!r} not declared by {op['operationId']}")
        for name, p in query.items():
            if p.get("required") and name not in rec.query:
                problems.append(f"{where}: required query parameter {name!r} missing")
        body = op.get("requestBody")
        if body is None:
            if rec.body_fields:
                problems.append(f"{where}: {op['operationId']} takes no body, got {list(rec.body_fields)}")
            return problems
        if not rec.body_fields:
            if body.get("required"):
                problems.append(f"{where}: {op['operationId']} requires a body")
            return problems
        content = body.get("content", {})
        if rec.content_type not in content:
            problems.append(f"{where}: body sent as {rec.content_type!r}, spec accepts {sorted(content)}")
            return problems
        schema = self.resolve(content[rec.content_type].get("schema", {}))
        props = schema.get("properties")
        if props is not None:
            for name in rec.body_fields:
                if name not in props:
                    problems.append(f"{where}: body field {name!r} not in the request schema")
                elif self.resolve(props[name]).get("readOnly") or props[name].get("readOnly"):
                    problems.append(f"{where}: body field {name!r} is read-only")
            for name in schema.get("required", []):
                if name not in rec.body_fields:
                    problems.append(f"{where}: required body field {name!r} missing")
        return problems

    def check_response(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """Is `status` declared, and does `body` use only fields of the declared response schema?"""
        found = self.find(method, path)
        if found is None:
            return [f"{method} {path}: no such operation"]
        _template, op = found
        responses = op.get("responses", {})
        if str(status) not in responses:
            return [f"{method} {path}: status {status} not declared ({sorted(responses)})"]
        content = responses[str(status)].get("content", {}).get("application/json")
        if content is None or body is None:
            return []
        return self._undeclared(self.resolve(content.get("schema", {})), body, f"{method} {path} {status}")

    def _undeclared(self, schema: dict[str, Any], value: Any, where: str) -> list[str]:
        schema = self.resolve(schema)
        if isinstance(value, list) and schema.get("type") == "array":
            return [p for item in value for p in self._undeclared(schema.get("items", {}), item, where + "[]")]
        props = schema.get("properties")
        if not isinstance(value, dict) or props is None:
            return []
        problems = [f"{where}: field {k!r} not in the schema" for k in value if k not in props]
        for k, v in value.items():
            if k in props and isinstance(v, (dict, list)):
                problems += self._undeclared(props[k], v, f"{where}.{k}")
        return problems
