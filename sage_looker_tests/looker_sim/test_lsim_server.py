"""The simulator behaves like Looker: auth, error shapes, faults, recording; responses match the spec."""

from __future__ import annotations

import time

import httpx
import pytest
from click.testing import CliRunner

from sage_looker.looker_sim import LookerSimConfig, run_looker_simulator
from sage_looker.looker_sim.cli import looker_sim_command

REQUIRES_AUTH = {"message": "Requires authentication.", "documentation_url": "https://cloud.google.com/looker/docs/"}


def _api(sim) -> httpx.Client:
    return httpx.Client(base_url=sim.base_url + "/api/4.0", timeout=5)


def _login(api: httpx.Client, sim) -> str:
    resp = api.post("/login", data={"client_id": sim.client_id, "client_secret": sim.client_secret})
    assert resp.status_code == 200
    return resp.json()["access_token"]


def test_login_response_shape_and_both_header_forms(sim) -> None:
    with _api(sim) as api:
        body = api.post("/login", data={"client_id": sim.client_id, "client_secret": sim.client_secret}).json()
        assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
        assert (body["token_type"], body["expires_in"], body["refresh_token"]) == ("Bearer", 3600, None)
        for scheme in ("token", "Bearer"):
            assert api.get("/datagroups", headers={"Authorization": f"{scheme} {body['access_token']}"}).status_code == 200
        # Query-parameter credentials still work on Looker (deprecated), so they do here.
        assert api.post("/login", params={"client_id": sim.client_id, "client_secret": sim.client_secret}).status_code == 200
        bad = api.post("/login", data={"client_id": sim.client_id, "client_secret": "nope"})
        assert bad.status_code == 404 and bad.json()["message"] == "Not found"
    assert sim.logins() == 2


def test_401_for_missing_bad_and_expired_tokens() -> None:
    with run_looker_simulator(LookerSimConfig(token_lifetime=1)) as sim, _api(sim) as api:
        token = _login(api, sim)
        assert api.get("/datagroups").status_code == 401
        bad = api.get("/datagroups", headers={"Authorization": "token not-a-token"})
        assert bad.status_code == 401 and bad.json() == REQUIRES_AUTH
        assert api.get("/datagroups", headers={"Authorization": f"token {token}"}).status_code == 200
        time.sleep(1.1)
        expired = api.get("/datagroups", headers={"Authorization": f"token {token}"})
        assert expired.status_code == 401 and expired.json() == REQUIRES_AUTH


def test_logout_invalidates_the_token_on_both_paths(sim) -> None:
    with _api(sim) as api, httpx.Client(base_url=sim.base_url) as root:
        for path in ("/api/4.0/logout", "/api/logout"):  # the Python SDK uses the unversioned one
            token = _login(api, sim)
            auth = {"Authorization": f"Bearer {token}"}
            assert root.delete(path, headers=auth).status_code == 204
            assert api.get("/datagroups", headers=auth).status_code == 401


def test_unknown_ids_and_paths_get_lookers_404(sim) -> None:
    with _api(sim) as api:
        auth = {"Authorization": f"token {_login(api, sim)}"}
        for method, path in [("GET", "/scheduled_plans/77"), ("PATCH", "/datagroups/77"), ("GET", "/lookml_models/x"),
                             ("POST", "/projects/x/validate"), ("PUT", "/connections/x/test"), ("GET", "/nope")]:
            resp = api.request(method, path, headers=auth, json={} if method == "PATCH" else None)
            assert resp.status_code == 404, path
            assert set(resp.json()) == {"message", "documentation_url"}


def test_deliveries_record_triggers_and_runs(sim) -> None:
    with _api(sim) as api:
        auth = {"Authorization": f"token {_login(api, sim)}"}
        now = int(time.time()) - 1
        assert api.patch("/datagroups/1", headers=auth, json={"stale_before": now}).status_code == 200
        future = api.patch("/datagroups/1", headers=auth, json={"triggered_at": now + 3600})
        assert future.status_code == 422 and future.json()["errors"][0]["field"] == "triggered_at"
        first = api.post("/scheduled_plans/1/run_once", headers=auth).json()
        second = api.post("/scheduled_plans/1/run_once", headers=auth, json={"name": "again"}).json()
        assert api.post("/scheduled_plans/1/run_once", headers=auth, json={"id": "9"}).status_code == 422
    deliveries = sim.deliveries()
    assert [(d.kind, d.target_id) for d in deliveries] == [("datagroup", "1"), ("scheduled_plan", "1"), ("scheduled_plan", "1")]
    assert deliveries[0].details["stale_before"] == now and deliveries[0].details["triggered_at"] is None
    assert [d.run_id for d in deliveries[1:]] == [first["id"], second["id"]]  # duplicates are visible


def test_injected_faults_look_like_the_real_thing(sim) -> None:
    sim.set_faults("429@all_datagroups=burst:1,502html@all_datagroups=burst:1,reset@all_datagroups=burst:1")
    with _api(sim) as api:
        auth = {"Authorization": f"token {_login(api, sim)}"}
        limited = api.get("/datagroups", headers=auth)
        assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
        html = api.get("/datagroups", headers=auth)
        assert html.status_code == 502 and html.headers["content-type"] == "text/html" and "<title>502" in html.text
        with pytest.raises(httpx.RemoteProtocolError):
            api.get("/datagroups", headers=auth)
        assert api.get("/datagroups", headers=auth).status_code == 200
    recorded = [(r.status, r.fault) for r in sim.requests() if r.operation_id == "all_datagroups"]
    assert recorded == [(429, "429"), (502, "502html"), (None, "reset"), (200, None)]


def test_every_response_matches_the_spec(sim, oas) -> None:
    with _api(sim) as api:
        auth = {"Authorization": f"token {_login(api, sim)}"}
        now = int(time.time()) - 1
        calls = [
            ("GET", "/datagroups", None, None), ("GET", "/datagroups/1", None, None),
            ("PATCH", "/datagroups/1", None, {"stale_before": now, "triggered_at": now}),
            ("PATCH", "/datagroups/1", None, {"stale_before": now + 999}),
            ("GET", "/scheduled_plans", None, None), ("GET", "/scheduled_plans", {"all_users": "true"}, None),
            ("GET", "/scheduled_plans/2", None, None), ("POST", "/scheduled_plans/2/run_once", None, None),
            ("POST", "/scheduled_plans/run_once", None, {"name": "x", "dashboard_id": "11"}),
            ("GET", "/projects/sage_looker/validate", None, None), ("POST", "/projects/sage_looker/validate", None, None),
            ("GET", "/projects/sage_looker/validate", None, None),
            ("PUT", "/connections/sage_looker_warehouse/test", None, None), ("GET", "/lookml_models/sage_looker", None, None),
            ("GET", "/lookml_models/nope", None, None), ("DELETE", "/logout", None, None),
        ]
        for method, path, params, body in calls:
            resp = api.request(method, path, params=params, json=body, headers=auth)
            payload = resp.json() if resp.content else None
            assert not oas.check_response(method, path, resp.status_code, payload), (method, path)
    assert oas.check_response("GET", "/datagroups", 200, [{"bogus": 1}])  # the check does bite


def test_fields_parameter_limits_the_response(sim) -> None:
    with _api(sim) as api:
        auth = {"Authorization": f"token {_login(api, sim)}"}
        plans = api.get("/scheduled_plans", params={"fields": "id,name"}, headers=auth).json()
    assert plans and all(set(p) == {"id", "name"} for p in plans)


def test_cli_validates_faults_and_documents_options() -> None:
    runner = CliRunner()
    help_text = runner.invoke(looker_sim_command, ["--help"]).output
    for option in ("--host", "--port", "--client-id", "--client-secret", "--token-lifetime", "--faults"):
        assert option in help_text
    bad = runner.invoke(looker_sim_command, ["--faults", "418=1"])
    assert bad.exit_code == 2 and "unknown kind" in bad.output


def test_routes_are_spec_operations(oas) -> None:
    from sage_looker.looker_sim.server import ROUTES
    from sage_looker.looker_sim.state import WRITE_SCHEDULED_PLAN

    for method, template, operation_id, _ in ROUTES:
        assert oas.doc["paths"][template][method.lower()]["operationId"] == operation_id
    write = oas.resolve({"$ref": "#/components/schemas/WriteScheduledPlan"})
    assert set(write["properties"]) == WRITE_SCHEDULED_PLAN
