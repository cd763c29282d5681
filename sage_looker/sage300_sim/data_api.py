"""The Sage 300 Web API data endpoints:
`/Sage300WebApi/v1.0/-/{COMPANY}/{MODULE}/{Resource}[(key)]` and `.../{MODULE}/$metadata`.

Checks run in the order a real server applies them: faults in front of the application (IIS, proxy,
flooding), then Basic authentication, the JSON content type (S1: a 500 without it), the company, the
module's "Sage 300 Web API" authorization, the resource, the query options and the record.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import quote, unquote

from sage_looker.sage300 import catalog
from sage_looker.sage300_sim.edmx import module_metadata
from sage_looker.sage300_sim.odata_query import QueryError, QueryOptions, check_select, parse_query
from sage_looker.sage300_sim.responses import (
    FAULT_ERRORS,
    HTML_TYPE,
    IIS_503,
    JSON_TYPE,
    PROXY_502,
    XML_TYPE,
    encode,
    to_json,
)
from sage_looker.sage300_sim.shapes import collection_names, entity_keys, field_types

PREFIX = "/Sage300WebApi/"
SAGE_MODULES = {"AP", "AR", "BK", "CS", "GL", "IC", "MT", "OE", "PO", "TX"}
_ENTITY = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\((.*)\)$")


class ApiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def handle(h, sim, method: str, raw_path: str, query: str, entry: dict) -> None:
    decision = sim.faults.decide()
    if decision.labels:
        entry["fault"] = ",".join(decision.labels)
    if decision.delay:
        sim.stop_event.wait(decision.delay)
    if decision.kind == "reset":
        h.reset_connection()
        entry["status"] = None
        return
    if decision.kind == "recycle":
        return h.send(503, IIS_503, "text/html; charset=us-ascii", server="Microsoft-HTTPAPI/2.0")
    if decision.kind == "html502":
        return h.send(502, PROXY_502, HTML_TYPE)
    if decision.kind in FAULT_ERRORS:
        code, message = FAULT_ERRORS[decision.kind]
        extra = {"Retry-After": f"{decision.retry_after:g}"} if decision.kind == "toomany" else None
        return h.send_error_json(code, message, headers=extra)
    try:
        status, body, ctype = _serve(h, sim, method, raw_path, query, entry)
    except ApiError as e:
        headers = {"WWW-Authenticate": 'Basic realm="Sage300WebApi"'} if e.code == "Unauthorized" else None
        return h.send_error_json(e.code, e.message, headers=headers)
    if decision.kind == "truncated":
        body = body[: max(1, len(body) // 2)]
    h.send(status, body, ctype, headers={"OData-Version": "4.0"})


def _check_auth(h, sim) -> str:
    cfg = sim.config
    header = h.headers.get("Authorization", "")
    user = password = None
    if header[:6].lower() == "basic ":
        try:
            user, _, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
        except ValueError:
            user = None
    if user != cfg.stored_user() or password != cfg.stored_password():
        hint = "" if user is None else f" for user '{user}'"
        raise ApiError("Unauthorized", f"Authentication failed{hint}: invalid user ID or password. Sage 300 user "
                                       "IDs are upper case; passwords are upper case unless mixed-case passwords "
                                       "are enabled.")
    return user


def _serve(h, sim, method: str, raw_path: str, query: str, entry: dict) -> tuple[int, bytes, str]:
    path = unquote(raw_path)
    parts = path[len(PREFIX):].split("/") if path.startswith(PREFIX) else []
    if len(parts) != 5 or parts[0] != "v1.0" or parts[1] != "-":
        raise ApiError("ResourceNotFound", f"No resource was found that matches the request URI '{path}'.")
    _, _, company, module, target = parts
    company = company.upper()
    entry.update(company=company, module=module)
    if method != "GET":
        raise ApiError("MethodNotAllowed", f"The {method} method is not supported by the simulator (read-only).")
    user = _check_auth(h, sim)
    if sim.config.require_content_type and not h.headers.get("Content-Type", "").lower().startswith(
            "application/json"):
        raise ApiError("InternalServerError", "An error has occurred. The request must have the header "
                                              "'Content-Type: application/json'.")
    if not sim.db.has_company(company):
        raise ApiError("Unauthorized", f"Company '{company}' does not exist or user '{user}' does not have "
                                       "access to it.")
    if module not in SAGE_MODULES:
        raise ApiError("ResourceNotFound", f"Module '{module}' was not found.")
    if sim.config.is_forbidden(company, module):
        raise ApiError("Forbidden", f"User '{user}' is not authorized to use the Sage 300 Web API for module "
                                    f"{module} in company {company}.")
    if target == "$metadata":
        entry["resource"] = "$metadata"
        xml = module_metadata(module, sim.config.missing_resources, sim.db.added_fields, sim.config.framework_fields)
        return 200, xml.encode("utf-8"), XML_TYPE
    m = _ENTITY.match(target)
    name = m.group(1) if m else target
    entry["resource"] = name
    try:
        res = catalog.resource(name)
    except KeyError:
        res = None
    # `missing_resources` names a resource (missing for every company) or `COMPANY/Resource` (a company whose
    # database lacks it, e.g. a module not activated there).
    missing = sim.config.missing_resources
    if res is None or res.name != name or res.module != module or name in missing or f"{company}/{name}" in missing:
        raise ApiError("ResourceNotFound", f"The resource '{module}/{name}' was not found.")
    try:
        opts = parse_query(query)
        fields = field_types(res, sim.db.added_fields, sim.config.framework_fields)
        colls = collection_names(res)
        check_select(opts.select, fields, colls)
        predicate = sim.compiled_filter(res, opts.filter, fields, colls) if opts.filter else None
    except QueryError as e:
        raise ApiError("InvalidParameters", str(e)) from None
    base = sim.config.next_link_base or f"http://{h.headers.get('Host') or sim.host_port}"
    context = f"{base}{PREFIX}v1.0/-/{company}/{module}/$metadata#{name}"
    if opts.select and "*" not in opts.select:
        context += f"({','.join(opts.select)})"
    select = set(opts.select) if opts.select and "*" not in opts.select else None
    if m:
        return _entity(sim, res, company, m.group(2), select, context, entry)
    return _collection(sim, res, company, opts, predicate, select, context, base + raw_path, entry)


def _entity(sim, res, company: str, key_text: str, select, context: str, entry: dict):
    key = parse_key(res, key_text, field_types(res, sim.db.added_fields))
    with sim.db.lock:
        rec = sim.db.get(company, res.name, key)
        if rec is None:
            raise ApiError("RecordNotFound", f"Record not found: {res.name}({key_text}).")
        body = {"@odata.context": context + "/$entity", **to_json(rec, select)}
    entry["rows"] = 1
    return 200, encode(body), JSON_TYPE


def _collection(sim, res, company: str, opts: QueryOptions, predicate, select, context: str, self_url: str,
                entry: dict):
    db = sim.db
    with db.lock:
        matched = db.query(company, res.name, opts.filter, predicate)
        if opts.skip > 0:
            kind = sim.faults.drift()
            if kind:
                if kind == "insert":
                    done = db.drift_insert(company, res.name, matched, opts.skip, predicate, sim.faults.drift_rng)
                else:
                    done = db.drift_delete(company, res.name, matched, opts.skip, sim.faults.drift_rng)
                label = kind if done else f"{kind}-skipped"
                sim.faults.note(label)
                entry["fault"] = f"{entry['fault']},{label}" if entry.get("fault") else label
                entry["drift"] = done
                matched = db.query(company, res.name, opts.filter, predicate)
        total = len(matched)
        limit = sim.config.page_size if opts.top is None else min(opts.top, sim.config.page_size)
        page = matched[opts.skip: opts.skip + limit]
        rows = [to_json(r, select) for r in page]
    body: dict = {"@odata.context": context}
    if opts.count:
        body["@odata.count"] = total
    body["value"] = rows
    wanted_more = opts.top is None or opts.top > len(rows)
    if len(rows) == limit and opts.skip + len(rows) < total and wanted_more:
        body["@odata.nextLink"] = _next_link(self_url, opts, len(rows))
    entry["rows"] = len(rows)
    return 200, encode(body), JSON_TYPE


def _next_link(self_url: str, opts: QueryOptions, returned: int) -> str:
    """ASP.NET's next-page link: the same options with `$skip` advanced (and `$top` reduced)."""
    pairs = [(k, v) for k, v in opts.pairs or () if k not in ("$skip", "$top")]
    if opts.top is not None:
        pairs.append(("$top", str(opts.top - returned)))
    pairs.append(("$skip", str(opts.skip + returned)))
    q = "&".join(f"{quote(k, safe='$')}={quote(v, safe=chr(39) + ',:()$')}" for k, v in pairs)
    return f"{self_url}?{q}"


def parse_key(res, text: str, types: dict[str, str]) -> tuple:
    """`'1200'`, `66`, `BatchRecordType='CA',BatchNumber=65` (named in any order, or positional)."""
    names = entity_keys(res)
    segs, buf, quoted = [], "", False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            segs.append(buf)
            buf = ""
        else:
            buf += ch
    segs.append(buf)
    values: dict[str, str] = {}
    for i, seg in enumerate(s.strip() for s in segs):
        name, eq, val = seg.partition("=")
        if eq and not name.strip().startswith("'"):
            values[name.strip()] = val.strip()
        elif i < len(names):
            values[names[i]] = seg
    if set(values) != set(names) or not names:
        raise ApiError("InvalidEntityKey", f"The key '({text})' does not match the key of {res.name}: "
                                           f"{', '.join(names) or 'none'}.")
    out = []
    for n in names:
        v = values[n]
        if len(v) >= 2 and v[0] == v[-1] == "'":
            v = v[1:-1].replace("''", "'")
        if types.get(n) == "int":
            if not v.lstrip("-").isdigit():
                raise ApiError("InvalidEntityKey", f"Key {n} must be a number, got '{v}'.")
            out.append(int(v))
        else:
            out.append(v)
    return tuple(out)

