"""The redaction filter against real logging and a real Dagster run: no registered secret survives in any
log line, event-log message, step-failure error text or metadata value."""

from __future__ import annotations

import base64
import logging

import dagster as dg
import pytest
from dagster_shared.serdes import serialize_value

from sage_looker.security import redaction

SECRET = "Zq7-SECRET-redact-Mx42"


@pytest.fixture
def installed():
    redaction.install({})
    redaction.register_sage_credentials("WEBAPI", SECRET, "preserve")
    yield
    redaction.clear()


def _forms() -> list[str]:
    basic = base64.b64encode(f"WEBAPI:{SECRET}".encode()).decode()
    return [SECRET, SECRET.upper(), SECRET.lower(), basic]


def test_every_form_is_scrubbed_from_text():
    redaction.register_sage_credentials("webapi", SECRET, "upper")
    try:
        for form in _forms():
            assert redaction.scrub(f"x {form} y") == f"x {redaction.REDACTED} y"
        assert redaction.scrub("Zq7%2D") == "Zq7%2D"  # unrelated text untouched
    finally:
        redaction.clear()


def test_password_equal_to_user_keeps_the_user_id_readable_but_hides_the_basic_token_and_short_values_skip():
    import base64

    redaction.register_sage_credentials("WEBAPI", "webapi")
    token = base64.b64encode(b"WEBAPI:WEBAPI").decode()
    assert redaction.scrub(f"Sage refused user WEBAPI; Authorization: Basic {token}") == \
        "Sage refused user WEBAPI; Authorization: Basic [REDACTED]"
    before = redaction.registered_count()
    redaction.register_secret("abc")
    assert redaction.registered_count() == before


def test_python_logging_records_are_scrubbed(installed, caplog):
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("sage_looker.anything")
    log.warning("login with %s failed", SECRET.lower())
    log.info({"password": SECRET})
    try:
        raise RuntimeError(f"server echoed {SECRET.upper()}")
    except RuntimeError:
        log.exception("boom")
    blob = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert not any(f.lower() in blob.lower() for f in _forms())
    assert blob.count(redaction.REDACTED) >= 3


def test_metadata_and_exceptions_helpers(installed):
    md = redaction.scrub_metadata({"a": dg.MetadataValue.text(f"pw={SECRET}"), "b": dg.MetadataValue.json(
        {"nested": [SECRET, 1]}), "c": 3, "d": dg.MetadataValue.md(f"**{SECRET}**")})
    assert SECRET not in serialize_value(md) and md["c"] == 3
    plain = {"x": "nothing here"}
    assert redaction.scrub_value(plain) is plain  # unchanged values are not copied
    exc = ValueError(f"bad {SECRET}")
    assert SECRET not in str(redaction.scrub_exception(exc))


def test_dagster_event_log_never_stores_a_secret(installed):
    @dg.op
    def leaky(context):
        context.log.info(f"context log {SECRET}")
        logging.getLogger("sage_looker.x").warning("python log %s", SECRET)
        context.add_output_metadata({"leak": SECRET, "json": dg.MetadataValue.json({"k": SECRET})})
        return 1

    @dg.op
    def failing(context, _x):
        raise RuntimeError(f"Sage said {SECRET.upper()} is wrong")

    @dg.job
    def job():
        failing(leaky())

    instance = dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    logs = instance.all_logs(result.run_id)
    blob = "\n".join(serialize_value(e) for e in logs)
    assert redaction.REDACTED in blob
    for form in _forms():
        assert form.lower() not in blob.lower(), form
