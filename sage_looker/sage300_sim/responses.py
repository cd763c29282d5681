"""Bodies and headers the way Sage (ASP.NET Web API OData on IIS) sends them.

Amounts go out as exact JSON numbers (msgspec with `decimal_format="number"`: never through float),
dates as midnight-UTC strings, errors in Sage's `{"error": {"code", "message": {"lang", "value"}}}`
shape, and the infrastructure failures as the HTML pages IIS / a proxy would send.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from sage_looker.sage300_sim.values import sage_date

_encoder = msgspec.json.Encoder(decimal_format="number")

JSON_TYPE = "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
HTML_TYPE = "text/html"
SERVER_HEADERS = (("Server", "Microsoft-IIS/10.0"), ("X-Powered-By", "ASP.NET"))

# Sage error code → HTTP status (S1: automation keys on the code, not on the status).
STATUS = {
    "Unauthorized": 401, "Forbidden": 403, "ResourceNotFound": 404, "RecordNotFound": 404,
    "InvalidParameters": 400, "InvalidEntityKey": 400, "MethodNotAllowed": 405, "TooManyRequests": 429,
    "SessionError": 500, "DBLinkError": 500, "InternalServerError": 500,
}

IIS_503 = (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n'
    "<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n"
    '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n'
    "<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n"
    "</BODY></HTML>\r\n"
).encode("ascii")

PROXY_502 = (
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
    "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>502 - Web server received an invalid response "
    "while acting as a gateway or proxy server.</title></head>\r\n<body><div id=\"header\"><h1>Server Error</h1>"
    "</div><div id=\"content\"><fieldset><h2>502 - Web server received an invalid response while acting as a "
    "gateway or proxy server.</h2><h3>There is a problem with the page you are looking for, and it cannot be "
    "displayed. When the Web server (while acting as a gateway or proxy) contacted the upstream content server, "
    "it received an invalid response from the content server.</h3></fieldset></div></body></html>\r\n"
).encode("ascii")

FAULT_ERRORS = {
    "5xx": ("InternalServerError", "An error has occurred. Please contact your system administrator."),
    "session": ("SessionError", "Failed to create a Sage 300 session. The session may have expired or the "
                                "maximum number of sessions was reached."),
    "dblink": ("DBLinkError", "Database link error: cannot open the company database."),
    "toomany": ("TooManyRequests", "The server was flooded with too many concurrent requests. Try again later."),
}


def encode(obj: Any) -> bytes:
    return _encoder.encode(obj)


def error_body(code: str, message: str) -> bytes:
    return encode({"error": {"code": code, "message": {"lang": "en-US", "value": message}}})


def to_json(rec: dict, select: set[str] | None = None) -> dict:
    """A JSON-ready copy: dates as Sage strings, nested collections copied, only `select`ed fields."""
    out = {}
    for k, v in rec.items():
        if select is not None and k not in select:
            continue
        t = type(v)
        if t is dt.date:
            out[k] = sage_date(v)
        elif t is list:
            out[k] = [to_json(x) if type(x) is dict else x for x in v]
        else:
            out[k] = v
    return out
