"""A scheduled plan is delivered exactly once, whatever fails around the run_once POST."""

from __future__ import annotations

from collections import Counter

import pytest

from sage_looker.looker import LookerDeliveryError, LookerNotFoundError

RUN_ONCE = "scheduled_plan_run_once_by_id"


def _runs(sim, plan_id: str = "1") -> list:
    return [d for d in sim.deliveries() if d.kind == "scheduled_plan" and d.target_id == plan_id]


def _posts(sim) -> list:
    return [r for r in sim.requests() if r.operation_id == RUN_ONCE]


def test_clean_run_returns_the_copy_from_the_response(sim, client) -> None:
    run = client.run_scheduled_plan_once("1")
    (delivery,) = _runs(sim)
    assert (run.plan_id, run.run_plan_id, run.attempts, run.evidence) == ("1", delivery.run_id, 1, "response")
    assert run.name == "Morning AP aging" and not run.reconciled
    assert run.as_metadata()["evidence"] == "response"


@pytest.mark.parametrize("fault", ["503-after", "502html-after", "500-after", "504-after", "reset-after"])
def test_failure_after_the_server_delivered_is_not_retried(make_sim, make_client, fault: str) -> None:
    sim = make_sim(faults=f"{fault}@{RUN_ONCE}=burst:1")
    run = make_client(sim).run_scheduled_plan_once("1")
    assert len(_runs(sim)) == 1 and len(_posts(sim)) == 1
    assert run.evidence == "listed_copy" and run.run_plan_id == _runs(sim)[0].run_id
    assert run.reconciled and len(run.ambiguous_failures) == 1


def test_timeout_after_the_server_delivered_is_not_retried(make_sim, make_client) -> None:
    sim = make_sim(slow_seconds=0.6, faults=f"slow-after@{RUN_ONCE}=burst:1")
    run = make_client(sim, timeout=0.3).run_scheduled_plan_once("1")
    assert len(_runs(sim)) == 1 and run.evidence == "listed_copy"
    assert "ReadTimeout" in run.ambiguous_failures[0]


def test_server_acting_after_the_client_timed_out_is_caught_by_the_settle_wait(make_sim, make_client) -> None:
    # The request is still being processed when the client gives up; the settle wait lets it land.
    sim = make_sim(slow_seconds=0.6, faults=f"slow@{RUN_ONCE}=burst:1")
    run = make_client(sim, timeout=0.3, delivery_settle_seconds=0.8).run_scheduled_plan_once("1")
    assert len(_runs(sim)) == 1 and run.evidence == "listed_copy"


@pytest.mark.parametrize("fault", ["503", "502html", "reset", "429"])
def test_failure_before_delivery_is_retried_once_checked(make_sim, make_client, fault: str) -> None:
    sim = make_sim(retry_after=0, faults=f"{fault}@{RUN_ONCE}=burst:2")
    # Retrying an unconfirmed run is opted into: this simulator lists run_once copies, so none listed disproves it.
    run = make_client(sim, run_once_retry_unconfirmed=True).run_scheduled_plan_once("1")
    assert len(_runs(sim)) == 1 and len(_posts(sim)) == 3
    assert run.evidence == "response" and run.run_plan_id == _runs(sim)[0].run_id
    # 429 means "not processed": no reconciliation needed; the others were ambiguous and checked.
    assert len(run.ambiguous_failures) == (0 if fault == "429" else 2)


def test_source_last_run_at_is_evidence_when_copies_are_not_listed(make_sim, make_client) -> None:
    sim = make_sim(run_once_copies_listed=False, run_once_touches_source=True, faults=f"503-after@{RUN_ONCE}=burst:1")
    run = make_client(sim).run_scheduled_plan_once("1")
    assert len(_runs(sim)) == 1 and run.evidence == "last_run_at" and run.run_plan_id is None


def test_strict_mode_never_retries_an_unconfirmed_run(make_sim, make_client) -> None:
    sim = make_sim(run_once_copies_listed=False, faults=f"503-after@{RUN_ONCE}=burst:1")
    client = make_client(sim, run_once_retry_unconfirmed=False)
    with pytest.raises(LookerDeliveryError) as info:
        client.run_scheduled_plan_once("1")
    assert info.value.delivered is None and "may or may not" in str(info.value)
    assert len(_runs(sim)) == 1 and len(_posts(sim)) == 1


def _env(sim, **extra: str) -> dict[str, str]:
    return {"LOOKER_BASE_URL": sim.base_url, "LOOKER_CLIENT_ID": sim.client_id,
            "LOOKER_CLIENT_SECRET": sim.client_secret, **extra}


def test_by_default_an_html_502_after_the_run_is_not_sent_again_where_copies_are_not_listed(make_sim) -> None:
    from sage_looker.looker import LookerClient, LookerSettings

    # Looker recorded the run (the CFO gets the report), the proxy answered an HTML 502, and this instance does
    # not list run_once copies: nothing proves or disproves the delivery.
    sim = make_sim(run_once_copies_listed=False, faults=f"502html-after@{RUN_ONCE}=burst:1")
    settings = LookerSettings.from_env(_env(sim), delivery_settle_seconds=0.05, backoff_initial_seconds=0.01)
    with LookerClient(settings) as client, pytest.raises(LookerDeliveryError, match="may or may not") as info:
        client.run_scheduled_plan_once("1")
    assert info.value.delivered is None
    assert len(_runs(sim)) == 1 and len(_posts(sim)) == 1  # the simulator sent the report exactly once


def test_retrying_unconfirmed_runs_is_an_explicit_choice(make_sim) -> None:
    from sage_looker.looker import LookerClient, LookerSettings

    sim = make_sim(faults=f"502html-after@{RUN_ONCE}=burst:1,503@{RUN_ONCE}=burst:0")
    settings = LookerSettings.from_env(_env(sim, LOOKER_RETRY_UNCONFIRMED_RUNS="true"), delivery_settle_seconds=0.05)
    assert settings.run_once_retry_unconfirmed
    assert not LookerSettings.from_env(_env(sim)).run_once_retry_unconfirmed
    # This instance lists its copies: the listed copy proves the delivery, nothing is sent twice either way.
    with LookerClient(settings) as client:
        assert client.run_scheduled_plan_once("1").evidence == "listed_copy"
    assert len(_runs(sim)) == 1


def test_unknown_outcome_when_the_check_itself_fails_is_not_retried(make_sim, make_client) -> None:
    sim = make_sim(faults=f"503-after@{RUN_ONCE}=burst:1,503@all_scheduled_plans=from:2")
    client = make_client(sim, max_retries=1)
    with pytest.raises(LookerDeliveryError) as info:
        client.run_scheduled_plan_once("1")
    assert info.value.delivered is None
    assert len(_runs(sim)) == 1 and len(_posts(sim)) == 1


def test_gives_up_when_never_delivered(make_sim, make_client) -> None:
    sim = make_sim(faults=f"503@{RUN_ONCE}=1.0")
    with pytest.raises(LookerDeliveryError, match="was not delivered after 3 attempts") as info:
        make_client(sim, max_retries=2, run_once_retry_unconfirmed=True).run_scheduled_plan_once("1")
    assert info.value.delivered is False and not _runs(sim)


def test_unknown_plan_fails_before_anything_is_sent(client, sim) -> None:
    with pytest.raises(LookerNotFoundError):
        client.run_scheduled_plan_once("99")
    assert not _posts(sim)


def test_overrides_are_checked_against_write_scheduled_plan(client, sim) -> None:
    with pytest.raises(ValueError, match="last_run_at"):
        client.run_scheduled_plan_once("1", {"last_run_at": "now"})
    run = client.run_scheduled_plan_once("1", {"name": "AP aging (after load)"})
    assert _runs(sim)[0].details["name"] == "AP aging (after load)" and run.evidence == "response"


def test_all_morning_plans_exactly_once_under_random_faults(make_sim, make_client) -> None:
    faults = (f"503-after@{RUN_ONCE}=0.25,reset-after@{RUN_ONCE}=0.1,503@{RUN_ONCE}=0.2,"
              "502html=0.1,429=0.05,reset@all_scheduled_plans=0.1")
    for seed in range(3):
        sim = make_sim(seed=seed, retry_after=0, faults=faults)
        runs = make_client(sim, max_retries=8, run_once_retry_unconfirmed=True).run_scheduled_plans()
        per_plan = Counter(d.target_id for d in sim.deliveries() if d.kind == "scheduled_plan")
        assert per_plan == {p: 1 for p in ("1", "2", "3", "4", "5")}, (seed, per_plan)
        assert [r.plan_id for r in runs] == ["1", "2", "3", "4", "5"]
        assert any(r.reconciled for r in runs), seed  # the faults must actually bite


def test_reconciliation_matches_overridden_name_and_target(make_sim, make_client) -> None:
    sim = make_sim(faults=f"reset-after@{RUN_ONCE}=burst:1")
    run = make_client(sim).run_scheduled_plan_once("1", {"name": "AP aging (AR board)", "dashboard_id": "12"})
    assert run.evidence == "listed_copy" and len(_runs(sim)) == 1
    assert _runs(sim)[0].details == {**_runs(sim)[0].details, "name": "AP aging (AR board)", "dashboard_id": "12"}
