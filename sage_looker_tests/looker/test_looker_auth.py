"""Login, header form, token renewal (proactive and after 401), single-flight re-login, logout."""

from __future__ import annotations

import threading
import time

import pytest

from sage_looker.looker import LookerAuthError, LookerClient


def test_login_sends_a_form_body_never_query_params(sim, client) -> None:
    client.all_datagroups()
    login = [r for r in sim.requests() if r.operation_id == "login"]
    assert len(login) == 1
    assert login[0].content_type == "application/x-www-form-urlencoded"
    assert set(login[0].body_fields) == {"client_id", "client_secret"}
    assert login[0].query == {} and login[0].auth_scheme is None


def test_calls_use_the_token_header_form(sim, client) -> None:
    client.all_datagroups()
    client.lookml_model("sage_looker")
    api_calls = [r for r in sim.requests() if r.operation_id != "login"]
    assert api_calls and all(r.auth_scheme == "token" for r in api_calls)


def test_token_renewed_proactively_before_expiry(make_sim, make_client) -> None:
    sim = make_sim(token_lifetime=2)
    client = make_client(sim)
    client.all_datagroups()
    time.sleep(1.6)  # past 3/4 of the 2 s lifetime (the 5-minute margin is clamped for short tokens)
    client.all_datagroups()
    assert sim.logins() == 2 == client.logins
    assert not [r for r in sim.requests() if r.status == 401], "renewal must happen before the server expires it"


def test_default_margin_renews_five_minutes_before_an_hour_token_expires(sim, settings_for) -> None:
    now = [0.0]
    client = LookerClient(settings_for(sim), clock=lambda: now[0])
    try:
        client.all_datagroups()
        now[0] = 3600 - 300 - 1
        client.all_datagroups()
        assert client.logins == 1
        now[0] = 3600 - 300 + 1
        client.all_datagroups()
        assert client.logins == 2 == sim.logins()
    finally:
        client.close()


def test_token_expiring_mid_run_across_threads_relogs_in_single_flight(make_sim, make_client) -> None:
    # Tokens really last 2 s but are announced as 4 s, so the client (renewing at 3 s) keeps running into
    # expired tokens mid-run: the 401 path, under concurrency, for 10 s.
    sim = make_sim(token_lifetime=2, announced_expires_in=4)
    client = make_client(sim)
    failures: list[BaseException] = []
    calls = [0] * 4
    deadline = time.monotonic() + 10

    def worker(i: int) -> None:
        while time.monotonic() < deadline:
            try:
                client.all_datagroups()
                calls[i] += 1
            except BaseException as exc:  # noqa: BLE001 - any failure fails the test
                failures.append(exc)
            time.sleep(0.005)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert all(n > 50 for n in calls), calls
    unauthorized = [r for r in sim.requests() if r.status == 401]
    assert unauthorized, "the scenario must exercise expiry mid-run"
    # One login per token lifetime (about 2 s), never one per thread: 10 s / 2 s + the first + slack.
    assert sim.logins() == client.logins
    assert 3 <= sim.logins() <= 7, sim.logins()


def test_concurrent_401s_cause_exactly_one_login(sim, client) -> None:
    client.login()
    sim.revoke_tokens()
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def call() -> None:
        barrier.wait()
        try:
            client.all_datagroups()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sim.logins() == 2  # the first login and exactly one re-login


def test_second_401_is_a_clear_auth_error(sim, client) -> None:
    client.login()
    sim.set_faults("401@all_datagroups=burst:2")
    with pytest.raises(LookerAuthError) as info:
        client.all_datagroups()
    message = str(info.value)
    assert sim.client_id in message and "freshly issued token" in message
    assert sim.client_secret not in message
    assert sim.logins() == 2
    assert len([r for r in sim.requests() if r.operation_id == "all_datagroups"]) == 2


def test_bad_credentials_fail_once_naming_the_client_id(sim, make_client) -> None:
    client = make_client(sim, client_secret="wrong-secret-value")
    with pytest.raises(LookerAuthError) as info:
        client.all_datagroups()
    message = str(info.value)
    assert sim.client_id in message and "LOOKER_CLIENT_SECRET" in message
    assert "wrong-secret-value" not in message
    assert len(sim.requests()) == 1  # a 404 from /login is not retried


def test_logout_invalidates_the_token_and_context_manager_logs_out(sim, settings_for) -> None:
    with LookerClient(settings_for(sim)) as client:
        client.all_datagroups()
        assert client.logout() is True
        assert client.logout() is False  # nothing to log out; no login just for that
        client.all_datagroups()  # logs in again
    ops = [(r.operation_id, r.status) for r in sim.requests()]
    assert ops.count(("logout", 204)) == 2
    assert ops.count(("login", 200)) == 2
    assert not [r for r in sim.requests() if r.status == 401]
