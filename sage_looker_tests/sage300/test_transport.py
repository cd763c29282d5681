"""Auth and headers, the retry matrix, every error's message, the request budget, the per-host bound."""

from __future__ import annotations

import base64
import logging
import threading
import time
from pathlib import Path

import httpx
import pytest

from sage_looker.sage300.budget import HostLimiter, RequestBudget
from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.errors import (
    SageAuthError,
    SageBadResponse,
    SageBudgetExceeded,
    SageError,
    SagePermissionError,
    SageRequestError,
    SageResourceMissing,
    SageUnavailable,
    is_retryable,
    parse_error_body,
)

from .conftest import PASSWORD, fast_settings
from .fake_sage import BASE, Fault, FakeSage, error_body
from sage_looker_tests.samples import SAGE_SAMPLES as SAMPLES



def _vendors(fake: FakeSage, n: int, company: str = "SAMLTD") -> None:
    fake.rows(company, "AP/APVendors").extend({"VendorNumber": f"V{i:05d}"} for i in range(n))


def _basic(user: str, pw: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()


def test_auth_upper_cases_user_and_password_and_sends_json_headers(fake, make_client):
    fake.password = "SECRETPW"
    _vendors(fake, 3)
    client = make_client(fake, user="webapi", password="SecretPw")
    result = client.read_resource("APVendors", "samltd")
    assert result.tables["ap_vendors"].num_rows == 3
    for req in fake.requests:
        assert req.headers["authorization"] == _basic("WEBAPI", "SECRETPW")
        assert req.headers["content-type"] == "application/json"
        assert req.headers["accept"] == "application/json"
        assert req.method == "GET"


def test_preserve_mode_sends_password_as_given(fake, make_client):
    fake.password = "MixedCase9"
    _vendors(fake, 1)
    ok = make_client(fake, password="MixedCase9", password_case="preserve")
    assert ok.read_resource("APVendors", "SAMLTD").tables["ap_vendors"].num_rows == 1
    assert fake.requests[-1].headers["authorization"] == _basic("WEBAPI", "MixedCase9")
    upper = make_client(fake, password="MixedCase9")  # default upper-cases: refused, and the message says why
    with pytest.raises(SageAuthError, match="SAGE300_PASSWORD_CASE=preserve"):
        upper.read_resource("APVendors", "SAMLTD")


def test_cookies_kept_and_basic_still_sent(make_client):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.headers.get("cookie"), request.headers.get("authorization")))
        return httpx.Response(200, json={"@odata.count": 0, "value": []}, headers={"set-cookie": "ASP.NET_SessionId=abc; Path=/"})

    client = Sage300Client(fast_settings(), transport=httpx.MockTransport(handler))
    client.count("APVendors", "SAMLTD")
    assert seen[0][0] is None and seen[-1][0] == "ASP.NET_SessionId=abc"
    assert all(a and a.startswith("Basic ") for _, a in seen)


@pytest.mark.parametrize("status,code,retry", [
    (500, "InternalServerError", True), (503, None, True), (502, None, True), (429, "TooManyRequests", True),
    (500, "SessionError", True), (500, "DBLinkError", True), (500, "General", True), (504, None, True),
    (400, "General", False), (400, "InvalidParameters", False), (401, "Unauthorized", False),
    (403, "Forbidden", False), (404, "ResourceNotFound", False), (404, "RecordNotFound", False),
    (500, "InvalidParameters", False), (409, "RecordDuplicate", False), (401, "SessionError", False),
])
def test_retry_matrix(status, code, retry):
    assert is_retryable(status, code) is retry


def test_parse_error_bodies():
    assert parse_error_body(error_body("DBLinkError", "db down")) .code == "DBLinkError"
    e = parse_error_body(b'{"odata.error": {"code": "General", "message": {"value": "x"}}}')
    assert (e.code, e.message) == ("General", "x")
    assert parse_error_body(b"Service Unavailable", "text/plain").message == "Service Unavailable"
    h = parse_error_body(b"<html><head><title>502 - Web server received an invalid response</title></head></html>")
    assert h.kind == "html" and h.message.startswith("502")


@pytest.mark.parametrize("fault", [
    Fault(500, error_body("InternalServerError", "boom")),
    Fault(503, b"<html><title>Service Unavailable</title></html>", content_type="text/html"),
    Fault(429, error_body("TooManyRequests", "flooded"), headers={"Retry-After": "1"}),
    Fault(500, error_body("SessionError", "session")),
    Fault(500, error_body("DBLinkError", "db")),
    Fault(200, b'{"value": [{"VendorNumber": "V0'),  # truncated JSON
    Fault(200, b"<!DOCTYPE html><html><title>Login</title></html>", content_type="text/html"),
    Fault(exc=httpx.ReadTimeout("slow")),
    Fault(exc=httpx.RemoteProtocolError("peer closed connection without sending complete message body")),
    Fault(exc=httpx.ConnectError("connection reset")),
])
def test_transient_faults_are_retried_without_loss(fake, make_client, fault):
    _vendors(fake, 250)
    fake.faults = [fault, fault]
    fake.fault_filter = lambda r: "APVendors" in r.url.path and "skip" in str(r.url)
    client = make_client(fake)
    result = client.read_resource("APVendors", "SAMLTD")
    assert result.tables["ap_vendors"].num_rows == 250
    assert result.stats.retries == 2


def test_retry_after_is_honoured_and_capped(fake):
    _vendors(fake, 1)
    fake.faults = [Fault(429, error_body("TooManyRequests", "x"), headers={"Retry-After": "0.02"}),
                   Fault(503, b"", headers={"Retry-After": "3600"})]
    slept: list[float] = []
    client = Sage300Client(fast_settings(retry_after_cap_seconds=0.5), transport=fake.transport(), sleep=slept.append)
    client.read_resource("APVendors", "SAMLTD")
    assert slept == [0.02, 0.5]


@pytest.mark.parametrize("status,code,exc,needles", [
    (401, "Unauthorized", SageAuthError, ["Sage 300 Web API", "ADMIN", "AllowWebApiAccessForAdmin",
                                          "upper case", "SAGE300_PASSWORD_CASE=preserve", "'SAMLTD' exists"]),
    (403, "Forbidden", SagePermissionError, ["module AP", '"Sage 300 Web API" authorization', "SAMLTD"]),
    (404, "ResourceNotFound", SageResourceMissing, ["AP/APVendors", "version", "skipped with a warning"]),
    (400, "InvalidParameters", SageRequestError, ["InvalidParameters", "bad $filter", "$metadata"]),
    (409, "RecordDuplicate", SageRequestError, ["RecordDuplicate", "HTTP 409"]),
])
def test_permanent_errors_are_not_retried_and_say_the_fix(fake, make_client, status, code, exc, needles, caplog):
    _vendors(fake, 1)
    fake.faults = [Fault(status, error_body(code, f"bad $filter {PASSWORD}"))]
    fake.fault_filter = lambda r: "APVendors" in r.url.path
    client = make_client(fake, password=PASSWORD)
    fake.password = PASSWORD.upper()
    caplog.set_level(logging.DEBUG)
    with pytest.raises(exc) as ei:
        client.read_resource("APVendors", "SAMLTD")
    text = str(ei.value)
    for needle in needles:
        assert needle in text, (needle, text)
    assert len([r for r in fake.requests if "APVendors" in r.url.path]) == 1  # no retry
    _assert_no_password(text, caplog)


def _assert_no_password(text: str, caplog) -> None:
    for form in (PASSWORD, PASSWORD.upper(), PASSWORD.lower()):
        assert form not in text
        for rec in caplog.records:
            assert form not in rec.getMessage()
            assert "authorization" not in rec.getMessage().lower()


def test_exhausted_retries_say_attempts_and_never_leak(fake, make_client, caplog):
    _vendors(fake, 1)
    fake.faults = [Fault(500, error_body("DBLinkError", f"database link lost for {PASSWORD.upper()}"))] * 10
    client = make_client(fake, password=PASSWORD, max_retries=2)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SageUnavailable) as ei:
        client.read_resource("APVendors", "SAMLTD")
    text = str(ei.value)
    assert "3 attempts over" in text and "DBLinkError" in text and "SAGE300_CONCURRENCY" in text
    assert ei.value.attempts == 3
    assert "***" in text
    _assert_no_password(text, caplog)
    assert any("retrying" in r.getMessage() for r in caplog.records)


def test_html_page_persisting_is_a_bad_response(fake, make_client):
    _vendors(fake, 1)
    page = b"<html><head><title>502 - Web server received an invalid response while acting as gateway</title>"
    fake.faults = [Fault(502, page, content_type="text/html")] * 10
    client = make_client(fake, max_retries=1)
    with pytest.raises(SageBadResponse) as ei:
        client.read_resource("APVendors", "SAMLTD")
    text = str(ei.value)
    assert "HTML error page" in text and "HTTP 502" in text and "2 attempts" in text and BASE in text
    assert ei.value.kind == "HTML error page"


def test_malformed_json_sample_gives_clear_error(fake, make_client):
    body = (SAMPLES / "CS/CSCurrencyRateTypes.json").read_bytes()  # shipped malformed (no closing brace)
    fake.faults = [Fault(200, body)] * 10
    fake.fault_filter = lambda r: "CSFiscalCalendars" in r.url.path
    fake.rows("SAMLTD", "CS/CSFiscalCalendars")
    client = make_client(fake, max_retries=1)
    with pytest.raises(SageBadResponse) as ei:
        client.read_resource("CSFiscalCalendars", "SAMLTD")
    text = str(ei.value)
    assert "malformed JSON" in text and "HTTP 200" in text and "CSFiscalCalendars" in text
    assert ei.value.kind == "malformed JSON"


def test_missing_url_is_a_config_error():
    with pytest.raises(SageError, match="SAGE300_URL is empty"):
        Sage300Client(fast_settings(url=None))


def test_budget_fails_before_exceeding(fake, make_client):
    _vendors(fake, 1000)
    client = make_client(fake, max_requests_per_run=5, warm_up=False)
    with pytest.raises(SageBudgetExceeded) as ei:
        client.read_resource("APVendors", "SAMLTD")
    text = str(ei.value)
    assert "limit of 5" in text and "SAGE300_MAX_REQUESTS_PER_RUN" in text
    assert len(fake.requests) <= 5 and client.budget.used <= 5


def test_budget_counts_retries_and_stops_at_limit(fake):
    _vendors(fake, 1)
    fake.faults = [Fault(503, b"")] * 100
    budget = RequestBudget(4)
    client = Sage300Client(fast_settings(max_retries=10), budget, transport=fake.transport())
    with pytest.raises(SageBudgetExceeded, match="4 already used"):
        client.read_resource("APVendors", "SAMLTD")
    assert len(fake.requests) == 4 and budget.used == 4 and budget.left == 0


def test_budget_is_thread_safe():
    budget = RequestBudget(1000)
    errors = []

    def spend():
        for _ in range(300):
            try:
                budget.charge()
            except SageBudgetExceeded:
                errors.append(1)

    threads = [threading.Thread(target=spend) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert budget.used == 1000 and len(errors) == 200


def test_host_limiter_bounds_concurrency_across_clients():
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.01)
        with lock:
            in_flight -= 1
        return httpx.Response(200, json={"@odata.count": 0, "value": []})

    url = "http://limited.test:8080/Sage300WebApi"
    clients = [Sage300Client(fast_settings(url=url, concurrency=2), transport=httpx.MockTransport(handler))
               for _ in range(3)]
    threads = [threading.Thread(target=lambda c=c: [c.count("APVendors", "SAMLTD") for _ in range(5)])
               for c in clients for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert peak == 2
    lim = HostLimiter.for_url(url, 2)
    assert lim.max_in_flight == 2 and lim.in_flight == 0
    assert HostLimiter.for_url("http://LIMITED.test:8080/other", 2) is lim
    assert HostLimiter.for_url("https://limited.test:8080/", 2) is not lim
