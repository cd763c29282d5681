"""Datagroups (lookup, trigger, timestamps never in the future), LookML validation, connection test,
model lookup."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from sage_looker.looker import LookerConfigError, LookerNotFoundError
from sage_looker.looker_sim import LookerSimConfig


def _triggers(sim) -> list:
    return [d for d in sim.deliveries() if d.kind == "datagroup"]


def test_find_datagroup_by_model_and_name_or_id(client) -> None:
    assert client.find_datagroup("sage_looker::sage300_load").id == "1"
    assert client.find_datagroup("2").ref == "sage_looker::finance_daily"
    with pytest.raises(LookerNotFoundError, match=r"'sage_looker::nope' not found; known: sage_looker::sage300_load \(id 1\)"):
        client.find_datagroup("sage_looker::nope")


def test_trigger_sets_both_timestamps_to_now(sim, client) -> None:
    before = int(time.time())
    result = client.trigger_datagroup("sage_looker::sage300_load")
    (delivery,) = _triggers(sim)
    assert delivery.details["stale_before"] == delivery.details["triggered_at"] == result.stale_before
    assert before - 5 <= result.stale_before <= time.time() and not result.clamped
    assert client.find_datagroup("1").stale_before == result.stale_before


def test_timestamps_are_never_in_the_future(sim, client) -> None:
    future = datetime.now(timezone.utc) + timedelta(hours=2)
    result = client.trigger_datagroup("1", at=future)
    assert result.clamped and result.requested_at == pytest.approx(future.timestamp())
    past = client.trigger_datagroup("1", at=time.time() - 3600, trigger=False)
    assert not past.clamped and past.triggered_at is None
    for d in _triggers(sim):
        for key in ("stale_before", "triggered_at"):
            if d.details[key] is not None:
                assert d.details[key] <= d.at, d  # server's clock at receipt
    assert [r.status for r in sim.requests() if r.operation_id == "update_datagroup"] == [200, 200]


def test_server_clock_behind_ours_is_respected(make_sim, make_client) -> None:
    # Looker's clock lags ours by 30 s: "now" must follow Looker's (the login response's Date header),
    # or the simulator, like Looker, rejects the timestamp as being in the future.
    sim = make_sim(clock_offset=-30)
    client = make_client(sim, clock_skew_seconds=0)
    result = client.trigger_datagroup("1")
    assert result.stale_before <= sim.state.now()
    assert [r.status for r in sim.requests() if r.operation_id == "update_datagroup"] == [200]


def test_trigger_datagroups_uses_settings_and_one_lookup(sim, client) -> None:
    results = client.trigger_datagroups()
    assert [r.ref for r in results] == ["sage_looker::sage300_load"]
    assert [r.operation_id for r in sim.requests()].count("all_datagroups") == 1
    assert results[0].as_metadata()["datagroup_id"] == "1"


def test_validate_project_and_cached_results(make_sim, make_client) -> None:
    errors = [{"code": "x", "severity": "error", "kind": "model", "message": "secret table acme.payroll",
               "sanitized_message": "Unknown view", "file_path": "views/ap.view.lkml", "line_number": 3,
               "model_id": "sage_looker", "explore": "ap_aging", "field_name": None, "help_url": None, "params": {}},
              {"code": "w", "severity": "warning", "kind": "style", "message": "m", "sanitized_message": "m"}]
    sim = make_sim(validation_errors=errors)
    client = make_client(sim)
    assert client.project_validation_results() is None  # 204: never validated
    result = client.validate_project()
    assert not result.ok and result.counts == {"error": 1, "warning": 1}
    assert result.issues[0].message == "Unknown view"  # the sanitized message, safe to store
    cached = client.project_validation_results("sage_looker")
    assert cached is not None and cached.stale is False and cached.project_digest == result.project_digest
    assert result.as_metadata()["ok"] is False


def test_clean_validation_is_ok(client) -> None:
    assert client.validate_project("sage_looker").ok


def test_connection_test(make_sim, make_client) -> None:
    config = LookerSimConfig().connections
    config["sage_looker_warehouse"]["failing_tests"] = {"query": "relation does not exist"}
    sim = make_sim(connections=config)
    client = make_client(sim)
    result = client.test_connection()
    assert [r.name for r in result.results] == ["connect", "query"]
    assert not result.ok and result.failed[0].message == "relation does not exist"
    every = client.test_connection("sage_looker_warehouse", tests=None)
    assert len(every.results) > 2
    (rec,) = [r for r in sim.requests() if r.operation_id == "test_connection"][:1]
    assert rec.query == {"tests": ["connect,query"]}


def test_lookml_model_and_existence(client) -> None:
    model = client.lookml_model("sage_looker")
    assert model.project_name == "sage_looker" and "ap_aging" in model.explores
    assert model.allowed_db_connection_names == ("sage_looker_warehouse",)
    assert client.model_exists("sage_looker") and not client.model_exists("no_such_model")


def test_missing_project_or_connection_names_the_variable(sim, make_client) -> None:
    client = make_client(sim, lookml_project_id=None, connection_name=None)
    with pytest.raises(LookerConfigError, match="LOOKER_PROJECT"):
        client.validate_project()
    with pytest.raises(LookerConfigError, match="LOOKER_CONNECTION"):
        client.test_connection()
