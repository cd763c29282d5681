"""A tired IIS ends in a successful night: the Sage asset step is retried (Dagster RetryPolicy) for transient
errors, never for errors a retry cannot fix."""

import datetime as dt

import pytest

from sage_looker.commands.runner import sync

from .conftest import TODAY, make_platform

DAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def no_client_retries(sim, tmp_path, monkeypatch):
    # The client gives up at the first failed request, so only the step's retry can save the run.
    return make_platform(sim, tmp_path, monkeypatch, SAGE300_MAX_RETRIES="0")


def _events(platform, run_id, kind):
    return [e for e in platform.instance.all_logs(run_id)
            if e.dagster_event and e.dagster_event.event_type_value == kind]


def test_a_transient_failure_is_retried_by_the_step_and_the_night_succeeds(no_client_retries):
    p = no_client_retries
    assert sync(p.defs, "SAMINC", DAY, DAY, instance=p.instance).success
    p.sim.set_faults("5xx=burst:1")  # the next data request fails with HTTP 500
    summary = sync(p.defs, "SAMINC", DAY, DAY, masters=False, instance=p.instance)
    assert summary.success, summary.failures
    assert len(_events(p, summary.run_ids[-1], "STEP_UP_FOR_RETRY")) == 1
    assert p.sim.fault_counts()  # the fault really fired


def test_an_error_a_retry_cannot_fix_is_not_retried(no_client_retries):
    p = no_client_retries
    assert sync(p.defs, "SAMINC", DAY, DAY, instance=p.instance).success
    p.sim.config.forbidden_modules = {"*": ["AP"]}  # HTTP 403: the Web API user lost its AP authorization
    summary = sync(p.defs, "SAMINC", DAY, DAY, masters=False, instance=p.instance)
    assert not summary.success
    assert any("HTTP 403" in f for f in summary.failures), summary.failures
    assert _events(p, summary.run_ids[-1], "STEP_UP_FOR_RETRY") == []
