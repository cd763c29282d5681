"""The client secret and access tokens never reach logs (any logger, DEBUG included) or error text."""

from __future__ import annotations

import logging
import traceback

import pytest

from sage_looker.looker import LookerClient, LookerError
from sage_looker.looker.errors import Redactor

RUN_ONCE = "scheduled_plan_run_once_by_id"


def _exercise(sim, client: LookerClient) -> list[BaseException]:
    """A session touching every code path that logs or raises: renewals, 401s, retries, failures."""
    errors: list[BaseException] = []

    def attempt(fn, *args, **kw) -> None:
        try:
            fn(*args, **kw)
        except LookerError as exc:
            errors.append(exc)

    attempt(client.trigger_datagroups)
    sim.revoke_tokens()
    attempt(client.run_scheduled_plan_once, "1")
    sim.set_faults(f"503-after@{RUN_ONCE}=burst:1,502html@validate_project=1.0,429@lookml_model=burst:1")
    attempt(client.run_scheduled_plan_once, "2")
    attempt(client.validate_project)
    attempt(client.lookml_model, "sage_looker")
    sim.set_faults("401@all_datagroups=burst:2,404@test_connection=burst:1")
    attempt(client.all_datagroups)
    attempt(client.test_connection)
    sim.set_faults(f"503@{RUN_ONCE}=1.0")
    attempt(client.run_scheduled_plan_once, "3")
    sim.set_faults("")
    client.logout()
    return errors


def test_secrets_never_in_logs_or_errors(make_sim, make_client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    sim = make_sim(retry_after=0)
    client = make_client(sim, max_retries=1)
    errors = _exercise(sim, client)
    # a failed login with a wrong secret, too
    bad = make_client(sim, client_secret="not-the-right-secret-42")
    try:
        bad.login()
    except LookerError as exc:
        errors.append(exc)

    assert len(errors) >= 5, errors  # the session really failed in several ways
    tokens = sim.state.issued_tokens()
    assert len(tokens) >= 3
    secrets = [sim.client_secret, "not-the-right-secret-42", *tokens]
    texts = [caplog.text, *(r.getMessage() for r in caplog.records)]
    for exc in errors:
        texts += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    texts.append(repr(client.settings))
    blob = "\n".join(texts)
    leaked = [s for s in secrets if s in blob]
    assert not leaked, f"{len(leaked)} secret(s) leaked"
    assert sim.client_id in blob  # errors do name the client id


def test_redactor_scrubs_known_and_credential_shaped_text() -> None:
    r = Redactor("the-client-secret")
    r.add("tok-ABCDEFGHIJKLMNOPQRST")
    text = r.scrub("secret the-client-secret, token tok-ABCDEFGHIJKLMNOPQRST, client_secret=zzz&x=1, Bearer abcdefghijklmnopqrstu")
    assert "the-client-secret" not in text and "tok-ABCDEF" not in text
    assert "zzz" not in text and "abcdefghijklmnopqrstu" not in text
