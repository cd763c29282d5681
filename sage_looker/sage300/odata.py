"""OData v4 pieces for the Sage 300 Web API: URLs, literals, date-window filters, envelopes, nextLinks.

- URL: `{url}/v1.0/-/{COMPANY}/{MODULE}/{Resource}` (tenant is always `-` on premises).
- Literals (v4): dates unquoted ISO `2024-12-01T00:00:00Z` (Edm.DateTimeOffset), decimals plain (`1000.00`,
  never the v3 `m` suffix), strings single-quoted with `'` doubled, booleans `true`/`false`.
- A date window is inclusive at both ends: `BatchDate ge 2024-01-01T00:00:00Z and BatchDate lt 2024-01-02T00:00:00Z`
  for the single day 2024-01-01.
- Envelope: `@odata.count`/`odata.count` (number or string), `@odata.nextLink`/`odata.nextLink`.
- nextLink: a reverse proxy may name another host and path prefix; the configured base (up to and including
  `/Sage300WebApi`) wins, only the API path after it and the query are taken from the link.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urljoin, urlsplit, urlunsplit

from sage_looker.sage300.companies import company_code

API_VERSION = "v1.0"
TENANT = "-"
# Characters left readable in query strings (OData punctuation); everything else is percent-encoded.
_SAFE = "$'(),:/-*@;=!~."


def resource_url(base_url: str, company: str, path: str) -> str:
    """`https://h/Sage300WebApi` + `SAMINC` + `AP/APVendors` → `https://h/Sage300WebApi/v1.0/-/SAMINC/AP/APVendors`."""
    module, _, name = path.partition("/")
    if not (module.isalpha() and module.isupper() and len(module) == 2 and name and name.isalnum()):
        raise ValueError(f"resource path {path!r} must look like 'AP/APVendors'")
    return f"{base_url.rstrip('/')}/{API_VERSION}/{TENANT}/{company_code(company)}/{module}/{name}"


def literal(value: Any) -> str:
    """An OData v4 literal. Floats are refused: money never travels as a float."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send non-finite decimal {value}")
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("floats are not accepted in OData literals; pass a decimal.Decimal")
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no OData literal for {type(value).__name__}")


def as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def date_window_filter(field: str, start: dt.date | str | None, end: dt.date | str | None) -> str | None:
    """Filter for calendar dates start..end, both inclusive (`ge start and lt end+1day`); None if unbounded."""
    parts = []
    s = as_date(start) if start is not None else None
    e = as_date(end) if end is not None else None
    if s and e and e < s:
        raise ValueError(f"window end {e} is before its start {s}")
    if s is not None:
        parts.append(f"{field} ge {literal(s)}")
    if e is not None:
        parts.append(f"{field} lt {literal(e + dt.timedelta(days=1))}")
    return " and ".join(parts) or None


def query_string(params: Mapping[str, Any]) -> str:
    """`{'$top': 100, '$filter': "A eq 'x'"}` → `$top=100&$filter=A%20eq%20'x'` (None values dropped)."""
    return "&".join(f"{quote(str(k), safe=_SAFE)}={quote(str(v), safe=_SAFE)}" for k, v in params.items()
                    if v is not None)


def with_query(url: str, params: Mapping[str, Any]) -> str:
    qs = query_string(params)
    return f"{url}?{qs}" if qs else url


def query_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def set_query_params(url: str, **changes: Any) -> str:
    """Replace (or add, or with None remove) query options, keeping the others and their order.

    Keys are given with `_` in place of `$`: `set_query_params(u, _skip=40)` sets `$skip=40`."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    wanted = {("$" + k[1:] if k.startswith("_") else k): v for k, v in changes.items()}
    out: list[tuple[str, Any]] = []
    done: set[str] = set()
    for k, v in pairs:
        if k in wanted:
            if k not in done and wanted[k] is not None:
                out.append((k, wanted[k]))
            done.add(k)
        else:
            out.append((k, v))
    out.extend((k, v) for k, v in wanted.items() if k not in done and v is not None)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query_string(dict(out)) if out else "", ""))


def rebase_next_link(configured_base: str, current_url: str, next_link: str) -> str:
    """Absolute URL to request for a nextLink: the configured base, the link's API path and query.

    IIS behind a reverse proxy writes nextLinks with its own host AND path prefix (a proxy serving
    `https://erp.example.com/sage/Sage300WebApi/…` gets links `http://iis01/Sage300WebApi/…`). Everything up to
    and including `/Sage300WebApi` comes from the configuration; only what follows it in the link (the
    `/v1.0/-/…` path and the query) is taken from the link. A link without `/Sage300WebApi` is cut at its
    `/v1.0/` segment instead. Relative links resolve against the current request URL first."""
    link = urljoin(current_url, next_link)
    link_parts = urlsplit(link)
    base = urlsplit(configured_base)
    path = link_parts.path
    lowered = path.lower()
    marker = lowered.find("/sage300webapi/")
    if marker >= 0:
        tail = path[marker + len("/sage300webapi"):]
    else:
        marker = lowered.find(f"/{API_VERSION}/")
        tail = path[marker:] if marker >= 0 else None
    if tail is None:  # not an API path we recognise: keep it, on the configured host
        new_path = path
    else:
        new_path = base.path.rstrip("/") + tail
    return urlunsplit((base.scheme, base.netloc.rpartition("@")[2], new_path, link_parts.query, ""))


def strip_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query, parts.fragment))


def envelope_next_link(doc: Mapping[str, Any]) -> str | None:
    link = doc.get("@odata.nextLink")
    if link is None:
        link = doc.get("odata.nextLink")
    return str(link) if link else None


def envelope_count(doc: Mapping[str, Any]) -> int | None:
    """`@odata.count` or `odata.count`, as int, whether Sage sent a number or a string."""
    raw = doc.get("@odata.count")
    if raw is None:
        raw = doc.get("odata.count")
    if raw is None or isinstance(raw, bool):
        return None
    try:
        n = decimal.Decimal(str(raw).strip())
    except decimal.InvalidOperation:
        return None
    if not n.is_finite() or n != n.to_integral_value() or n < 0:
        return None
    return int(n)
