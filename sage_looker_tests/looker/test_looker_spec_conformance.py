"""Every request the client makes in a full session conforms to Looker's OpenAPI spec."""

from __future__ import annotations

import time

from sage_looker.looker.endpoints import ALL, WRITE_SCHEDULED_PLAN_FIELDS

RUN_ONCE = "scheduled_plan_run_once_by_id"


def test_endpoint_table_matches_the_spec(oas) -> None:
    for ep in ALL:
        op = oas.doc["paths"].get(ep.template, {}).get(ep.method.lower())
        assert op is not None, ep
        assert op["operationId"] == ep.operation_id, ep
    write = oas.resolve({"$ref": "#/components/schemas/WriteScheduledPlan"})
    assert set(write["properties"]) == WRITE_SCHEDULED_PLAN_FIELDS


def test_every_request_of_a_full_session_conforms(oas, make_sim, make_client) -> None:
    sim = make_sim(token_lifetime=2, announced_expires_in=3, retry_after=0)
    client = make_client(sim, run_once_retry_unconfirmed=True)  # the reset below is retried
    # The post-load sequence, with renewals, a 401 re-login, retries and a reconciled delivery on the way.
    client.login()
    assert client.model_exists("sage_looker") and not client.model_exists("missing")
    client.test_connection()
    client.test_connection(tests=None)
    client.trigger_datagroups()
    client.trigger_datagroup("2", at=time.time() + 60, trigger=False)
    time.sleep(2.1)  # the token expires server-side before the client's renewal point: a 401
    sim.set_faults(f"503-after@{RUN_ONCE}=burst:1,reset@{RUN_ONCE}=burst:1,429@scheduled_plan=burst:1")
    client.run_scheduled_plan_once("1")
    client.run_scheduled_plan_once("2", {"name": "AP aging after load", "require_results": True})
    sim.set_faults("")
    client.run_scheduled_plans(["3", "4", "5"])
    client.project_validation_results()
    client.validate_project()
    client.project_validation_results()
    client.logout()

    records = sim.requests()
    ops = {r.operation_id for r in records}
    assert ops >= {"login", "logout", "all_datagroups", "update_datagroup", "scheduled_plan", "all_scheduled_plans",
                   RUN_ONCE, "validate_project", "project_validation_results", "test_connection", "lookml_model"}
    assert any(r.status == 401 for r in records) and sim.logins() >= 2
    problems = [p for r in records for p in oas.check_request(r)]
    assert not problems, "\n".join(problems)
    for login in (r for r in records if r.operation_id == "login"):
        # The spec still declares client_id/client_secret as query parameters; they must go in the body.
        assert login.query == {} and set(login.body_fields) == {"client_id", "client_secret"}
        assert login.content_type == "application/x-www-form-urlencoded"
    assert all(r.auth_scheme == "token" for r in records if r.operation_id != "login")


def test_checker_catches_departures(oas) -> None:
    from sage_looker.looker_sim import RecordedRequest

    def rec(method, path, query=None, body=(), ctype="application/json"):
        return RecordedRequest(method, path, None, None, query or {}, tuple(body), ctype if body else None, "token")

    assert oas.check_request(rec("PATCH", "/api/4.0/datagroups/1", body=["stale_before"])) == []
    assert "read-only" in oas.check_request(rec("PATCH", "/api/4.0/datagroups/1", body=["id"]))[0]
    assert "not in the request schema" in oas.check_request(rec("PATCH", "/api/4.0/datagroups/1", body=["bogus"]))[0]
    assert "no such operation" in oas.check_request(rec("POST", "/api/4.0/datagroups/1"))[0]
    assert "not declared" in oas.check_request(rec("GET", "/api/4.0/datagroups", {"limit": ["1"]}))[0]
    assert "requires a body" in oas.check_request(rec("PATCH", "/api/4.0/datagroups/1"))[0]
    assert "outside /api/4.0" in oas.check_request(rec("DELETE", "/api/logout"))[0]
