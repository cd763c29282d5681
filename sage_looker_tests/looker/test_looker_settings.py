from __future__ import annotations

import pytest

from sage_looker.looker import LookerConfigError, LookerSettings

GOOD = {
    "LOOKER_BASE_URL": "https://acme.cloud.looker.com/api/4.0/",
    "LOOKER_CLIENT_ID": "abc123",
    "LOOKER_CLIENT_SECRET": "s3cr3t-value-xyz",
    "LOOKER_DATAGROUPS": "sage_looker::sage300_load, 42",
    "LOOKER_SCHEDULED_PLANS": "1,2, 3",
    "LOOKER_PROJECT": "sage_looker",
    "LOOKER_CONNECTION": "sage_looker_warehouse",
    "LOOKER_VERIFY_TLS": "false",
}


def test_from_env_reads_every_variable() -> None:
    s = LookerSettings.from_env(GOOD)
    assert s.base_url == "https://acme.cloud.looker.com"  # the pasted API suffix is dropped
    assert s.api_url == "https://acme.cloud.looker.com/api/4.0"
    assert s.client_id == "abc123" and s.client_secret.get_secret_value() == "s3cr3t-value-xyz"
    assert s.datagroups == ("sage_looker::sage300_load", "42")
    assert s.scheduled_plan_ids == ("1", "2", "3")
    assert (s.lookml_project_id, s.connection_name, s.verify_tls) == ("sage_looker", "sage_looker_warehouse", False)
    assert s.renew_margin_seconds == 300 and s.verify_tls is False
    assert "s3cr3t" not in repr(s) and "s3cr3t" not in str(s.model_dump())


def test_defaults_when_optional_variables_absent() -> None:
    env = {k: GOOD[k] for k in ("LOOKER_BASE_URL", "LOOKER_CLIENT_ID", "LOOKER_CLIENT_SECRET")}
    s = LookerSettings.from_env(env)
    assert s.verify_tls is True and s.datagroups == () and s.scheduled_plan_ids == ()
    assert s.lookml_project_id is None and s.connection_name is None


def test_one_clear_error_per_bad_field_naming_the_variable() -> None:
    env = {"LOOKER_BASE_URL": "acme.looker.com", "LOOKER_CLIENT_SECRET": "hunter2-secret",
           "LOOKER_VERIFY_TLS": "maybe", "LOOKER_DATAGROUPS": "sage_looker::"}
    with pytest.raises(LookerConfigError) as info:
        LookerSettings.from_env(env)
    lines = str(info.value).splitlines()[1:]
    assert len(lines) == 4, lines
    text = str(info.value)
    assert "LOOKER_BASE_URL: must be an http(s) URL" in text
    assert "LOOKER_CLIENT_ID is not set" in text
    assert "LOOKER_VERIFY_TLS:" in text
    assert "LOOKER_DATAGROUPS:" in text
    assert "hunter2" not in text


def test_blank_variables_count_as_unset() -> None:
    with pytest.raises(LookerConfigError, match="LOOKER_CLIENT_SECRET is not set"):
        LookerSettings.from_env({**GOOD, "LOOKER_CLIENT_SECRET": "  "})
