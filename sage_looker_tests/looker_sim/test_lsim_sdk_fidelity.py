"""The official looker_sdk (a client we did not write) works against the simulator."""

from __future__ import annotations

import time

import pytest

import looker_sdk  # a dev dependency (pyproject.toml): missing is a failure, never a skip
from looker_sdk import error as sdk_error
from looker_sdk.rtl import api_settings
from looker_sdk.sdk.api40 import models


@pytest.fixture(autouse=True)
def _no_error_doc_fetches(monkeypatch: pytest.MonkeyPatch) -> None:
    # On errors the SDK fetches docs from a CDN with no timeout; nothing may call out during tests.
    monkeypatch.setattr(sdk_error.ErrorDocHelper, "parse_and_lookup", lambda self, *a, **k: ("", ""))


class _Settings(api_settings.ApiSettings):
    """ApiSettings from values in memory: no looker.ini, no environment."""

    def __init__(self, sim) -> None:
        self._sim = sim
        # read_config below replaces file and environment reading, so the default filename is never opened.
        super().__init__(sdk_version="", env_prefix=None)

    def read_config(self) -> api_settings.SettingsConfig:
        return {"base_url": self._sim.base_url, "client_id": self._sim.client_id,
                "client_secret": self._sim.client_secret, "verify_ssl": "false", "timeout": "10"}


def test_sdk_runs_the_pipeline_operations(sim) -> None:
    sdk = looker_sdk.init40(config_settings=_Settings(sim))

    groups = sdk.all_datagroups()
    assert {(g.model_name, g.name) for g in groups} >= {("sage_looker", "sage300_load")}
    now = int(time.time()) - 2
    updated = sdk.update_datagroup("1", models.WriteDatagroup(stale_before=now, triggered_at=now))
    assert updated.stale_before == now and updated.triggered_at == now

    plan = sdk.scheduled_plan("1")
    assert plan.name == "Morning AP aging" and plan.scheduled_plan_destination
    copy = sdk.scheduled_plan_run_once_by_id("1")
    assert copy.run_once and copy.id != "1" and copy.dashboard_id == plan.dashboard_id
    adhoc = sdk.scheduled_plan_run_once(models.WriteScheduledPlan(
        name="ad hoc AR", dashboard_id="12",
        scheduled_plan_destination=[models.ScheduledPlanDestination(type="email", format="wysiwyg_pdf",
                                                                     address="cfo@example.com")]))
    assert adhoc.run_once and adhoc.name == "ad hoc AR"

    validation = sdk.validate_project("sage_looker")
    assert list(validation.errors) == [] and validation.project_digest
    assert sdk.project_validation_results("sage_looker").stale is False

    results = sdk.test_connection("sage_looker_warehouse", tests=models.DelimSequence(["connect", "query"]))
    assert [(r.name, r.status) for r in results] == [("connect", "success"), ("query", "success")]

    model = sdk.lookml_model("sage_looker")
    assert model.project_name == "sage_looker" and "ap_aging" in [e.name for e in model.explores]

    with pytest.raises(sdk_error.SDKError, match="Not found"):
        sdk.scheduled_plan("99")

    sdk.auth.logout()

    kinds = [(d.kind, d.target_id) for d in sim.deliveries()]
    assert kinds == [("datagroup", "1"), ("scheduled_plan", "1"), ("scheduled_plan", "adhoc")]
    records = sim.requests()
    assert sim.logins() == 1
    assert all(r.auth_scheme == "Bearer" for r in records if r.operation_id not in ("login",))
    assert records[-1].path == "/api/logout" and records[-1].status == 204  # the SDK's unversioned logout


def test_sdk_configured_from_environment(sim, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # make sure no stray looker.ini is picked up
    monkeypatch.setenv("LOOKERSDK_BASE_URL", sim.base_url)
    monkeypatch.setenv("LOOKERSDK_CLIENT_ID", sim.client_id)
    monkeypatch.setenv("LOOKERSDK_CLIENT_SECRET", sim.client_secret)
    monkeypatch.setenv("LOOKERSDK_VERIFY_SSL", "false")
    sdk = looker_sdk.init40()
    assert len(sdk.all_datagroups()) == 2
    assert sdk.lookml_model("sage_looker").name == "sage_looker"
    login = [r for r in sim.requests() if r.operation_id == "login"]
    assert login[0].content_type == "application/x-www-form-urlencoded" and login[0].query == {}


def test_sdk_relogs_in_after_its_token_expires(make_short_lived_sim) -> None:
    # The SDK renews 10 s before expiry (its lag_time), so a 12 s token renews after about 2 s.
    sim = make_short_lived_sim(12)
    sdk = looker_sdk.init40(config_settings=_Settings(sim))
    sdk.all_datagroups()
    time.sleep(2.2)
    sdk.all_datagroups()
    assert sim.logins() == 2
    assert not [r for r in sim.requests() if r.status == 401]
