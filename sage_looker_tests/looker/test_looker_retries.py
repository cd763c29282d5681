"""Which failures are retried (429 with Retry-After, 502 incl. HTML, 503, 504, connection errors) and
which never are (other 4xx, 500)."""

from __future__ import annotations

import socket
import time

import pytest

from sage_looker.looker import (
    LookerClient, LookerHTTPError, LookerNotFoundError, LookerUnavailableError, LookerValidationError,
)


def _calls(sim, op: str) -> list:
    return [r for r in sim.requests() if r.operation_id == op]


def test_429_bursts_are_retried_honouring_retry_after(make_sim, settings_for) -> None:
    sim = make_sim(retry_after=1, faults="429@all_datagroups=burst:3")
    waits: list[float] = []
    client = LookerClient(settings_for(sim), sleep=waits.append)
    try:
        assert len(client.all_datagroups()) == 2
    finally:
        client.close()
    assert [r.status for r in _calls(sim, "all_datagroups")] == [429, 429, 429, 200]
    assert len(waits) == 3 and all(1.0 <= w < 1.1 for w in waits), waits  # Retry-After, not the 10 ms backoff


def test_429_retry_after_really_waits(make_sim, make_client) -> None:
    sim = make_sim(retry_after=1, faults="429@all_datagroups=burst:1")
    client = make_client(sim)
    client.login()
    started = time.monotonic()
    client.all_datagroups()
    assert time.monotonic() - started >= 1.0


def test_retry_after_is_capped(make_sim, settings_for) -> None:
    sim = make_sim(retry_after=3600, faults="429@all_datagroups=burst:1")
    waits: list[float] = []
    client = LookerClient(settings_for(sim, retry_after_max_seconds=7), sleep=waits.append)
    try:
        client.all_datagroups()
    finally:
        client.close()
    assert len(waits) == 1 and 7.0 <= waits[0] < 7.1


@pytest.mark.parametrize("kind", ["502html", "502", "503", "504", "reset"])
def test_gateway_errors_and_dropped_connections_are_retried(make_sim, make_client, kind: str) -> None:
    sim = make_sim(faults=f"{kind}@all_datagroups=burst:2")
    client = make_client(sim)
    assert len(client.all_datagroups()) == 2
    assert len(_calls(sim, "all_datagroups")) == 3


def test_read_timeouts_are_retried(make_sim, make_client) -> None:
    sim = make_sim(slow_seconds=0.6, faults="slow@all_datagroups=burst:1")
    client = make_client(sim, timeout=0.3)
    client.login()
    assert len(client.all_datagroups()) == 2


def test_persistent_html_502_gives_a_clear_error_after_retries(make_sim, make_client) -> None:
    sim = make_sim(faults="502html@all_datagroups=1.0")
    client = make_client(sim, max_retries=3)
    with pytest.raises(LookerUnavailableError) as info:
        client.all_datagroups()
    message = str(info.value)
    assert "failed after 4 attempts" in message
    assert "HTML error page ('502 Bad Gateway')" in message and "proxy" in message
    assert "<html>" not in message
    assert info.value.status == 502
    assert len(_calls(sim, "all_datagroups")) == 4


def test_connection_refused_is_retried_then_reported(settings_for, sim) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = settings_for(sim, base_url=f"http://127.0.0.1:{port}", max_retries=2)
    waits: list[float] = []
    client = LookerClient(settings, sleep=waits.append)
    try:
        with pytest.raises(LookerUnavailableError, match="POST /login .* failed after 3 attempts; last error: ConnectError"):
            client.login()
    finally:
        client.close()
    assert len(waits) == 2


@pytest.mark.parametrize("kind,error", [
    ("400", LookerHTTPError), ("403", LookerHTTPError), ("404", LookerNotFoundError), ("409", LookerHTTPError),
    ("422", LookerValidationError), ("500", LookerHTTPError),
])
def test_other_errors_are_never_retried(make_sim, make_client, kind: str, error: type) -> None:
    sim = make_sim(faults=f"{kind}@update_datagroup=burst:1")
    client = make_client(sim)
    with pytest.raises(error) as info:
        client.trigger_datagroup("sage_looker::sage300_load")
    assert not isinstance(info.value, LookerUnavailableError)
    assert info.value.status == int(kind)
    assert len(_calls(sim, "update_datagroup")) == 1


def test_real_404_names_the_operation(client) -> None:
    with pytest.raises(LookerNotFoundError, match=r"GET /scheduled_plans/\{scheduled_plan_id\} \(scheduled_plan\): HTTP 404"):
        client.scheduled_plan("999")


def test_validation_error_lists_the_fields(make_sim, make_client) -> None:
    sim = make_sim(faults="422@update_datagroup=burst:1")
    client = make_client(sim)
    with pytest.raises(LookerValidationError) as info:
        client.trigger_datagroup("1")
    assert info.value.field_errors and info.value.field_errors[0]["field"] == "id"
    assert "id: injected" in str(info.value)


def test_a_non_json_success_page_is_a_clear_error(sim, settings_for) -> None:
    # An SSO proxy answering 200 with its login page in Looker's place.
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/login"):
            return httpx.Response(200, json={"access_token": "t" * 40, "token_type": "Bearer", "expires_in": 3600})
        return httpx.Response(200, html="<html><title>Sign in</title></html>")

    settings = settings_for(sim)
    http = httpx.Client(base_url=settings.api_url, transport=httpx.MockTransport(handler))
    client = LookerClient(settings, http=http)
    with pytest.raises(LookerHTTPError, match="text/html; charset=utf-8, not JSON; is LOOKER_BASE_URL"):
        client.all_datagroups()
    client.close()
