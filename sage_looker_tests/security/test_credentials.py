"""The encrypted credential store and `sage-looker credentials`: encrypted at rest, 0600, names only on show,
env vars win, one clear error for a wrong key, and the resources pick stored secrets up."""

from __future__ import annotations

import os
import stat
import sys
import types

import pytest
from click.testing import CliRunner

from sage_looker.security import credentials as store
from sage_looker.security.cli import credentials_group

KEY = "k" * 8 + "-test-key-0123456789"
PASSWORD = "Zq7-SECRET-sage-Cred1"
LOOKER = "Zq7-SECRET-looker-Cred2"


@pytest.fixture
def env(tmp_path, monkeypatch):
    for var in ("SAGE300_PASSWORD", "LOOKER_CLIENT_SECRET", store.KEY_ENV):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SAGE_LOOKER_HOME", str(tmp_path))
    monkeypatch.setenv(store.KEY_ENV, KEY)
    monkeypatch.setitem(sys.modules, "keyring", None)  # no OS keyring unless a test provides one
    return tmp_path


def cli(*args, input=None, env=None):
    return CliRunner().invoke(credentials_group, list(args), input=input, env=env, catch_exceptions=False)


def test_set_show_delete_round_trip(env):
    assert cli("set", "sage", "--stdin", input=PASSWORD + "\n").exit_code == 0
    assert cli("set", "LOOKER_CLIENT_SECRET", "--stdin", input=LOOKER).exit_code == 0
    path = env / store.FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert PASSWORD.encode() not in raw and LOOKER.encode() not in raw and b"SAGE300_PASSWORD" not in raw
    shown = cli("show")
    assert shown.exit_code == 0 and "SAGE300_PASSWORD      stored" in shown.output
    assert PASSWORD not in shown.output and LOOKER not in shown.output
    assert store.stored_secret("SAGE300_PASSWORD") == PASSWORD
    assert store.stored_secret("looker_client_secret") == LOOKER
    assert cli("delete", "sage").exit_code == 0
    assert store.stored_names() == ["LOOKER_CLIENT_SECRET"]
    assert cli("delete", "--all").exit_code == 0 and not path.exists()
    assert store.stored_secret("SAGE300_PASSWORD") is None  # no store: no key needed, nothing stored


def test_environment_variable_wins(env, monkeypatch):
    store.set_secret("SAGE300_PASSWORD", PASSWORD)
    assert store.resolve_secret("SAGE300_PASSWORD") == PASSWORD
    monkeypatch.setenv("SAGE300_PASSWORD", "from-env")
    assert store.resolve_secret("SAGE300_PASSWORD") == "from-env"
    assert "wins" in cli("show").output


def test_wrong_key_is_one_clear_error_without_secrets(env, monkeypatch):
    store.set_secret("SAGE300_PASSWORD", PASSWORD)
    monkeypatch.setenv(store.KEY_ENV, "another-key-entirely-0000")
    with pytest.raises(store.CredentialsError) as caught:
        store.stored_secret("SAGE300_PASSWORD")
    message = str(caught.value)
    assert message.startswith("SAGE_LOOKER_SECRET_KEY does not decrypt") and "credentials set" in message
    result = CliRunner().invoke(credentials_group, ["show"])
    assert result.exit_code == 1 and "Traceback" not in result.output and PASSWORD not in result.output
    assert "SAGE_LOOKER_SECRET_KEY does not decrypt" in result.output
    # `set --overwrite` re-keys the store (the old contents are lost, by design)
    refused = CliRunner().invoke(credentials_group, ["set", "sage", "--stdin"], input="new-pw")
    assert refused.exit_code == 1 and "does not decrypt" in refused.output
    assert cli("set", "sage", "--stdin", "--overwrite", input="new-pw").exit_code == 0
    assert store.stored_secret("SAGE300_PASSWORD") == "new-pw"


def test_missing_short_key_and_damaged_file(env, monkeypatch):
    monkeypatch.delenv(store.KEY_ENV)
    with pytest.raises(store.CredentialsError, match="SAGE_LOOKER_SECRET_KEY is not set.*new-key"):
        store.set_secret("SAGE300_PASSWORD", PASSWORD)
    monkeypatch.setenv(store.KEY_ENV, "short")
    with pytest.raises(store.CredentialsError, match="too short"):
        store.set_secret("SAGE300_PASSWORD", PASSWORD)
    (env / store.FILE_NAME).write_text("{not json")
    monkeypatch.setenv(store.KEY_ENV, KEY)
    with pytest.raises(store.CredentialsError, match="not a readable sage_looker credential store"):
        store.stored_names()
    with pytest.raises(store.CredentialsError, match="not a storable secret"):
        store.set_secret("SAGE300_USER", "x")


def test_os_keyring_supplies_the_key_when_the_variable_is_unset(env, monkeypatch):
    vault: dict = {}
    fake = types.SimpleNamespace(get_password=lambda s, u: vault.get((s, u)),
                                 set_password=lambda s, u, v: vault.__setitem__((s, u), v))
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.delenv(store.KEY_ENV)
    store.set_secret("SAGE300_PASSWORD", PASSWORD)
    assert len(vault) == 1 and store.stored_secret("SAGE300_PASSWORD") == PASSWORD


def test_resources_use_stored_secrets_and_register_them_for_redaction(env, monkeypatch):
    from sage_looker.defs.looker.resources import LookerResource, looker_resource_from_env
    from sage_looker.defs.sage300.resources import Sage300Resource, sage300_resource_from_env
    from sage_looker.errors import ConfigurationError
    from sage_looker.security import redaction

    store.set_secret("SAGE300_PASSWORD", PASSWORD)
    store.set_secret("LOOKER_CLIENT_SECRET", LOOKER)
    monkeypatch.setenv("SAGE300_URL", "https://erp.example.com/Sage300WebApi")
    settings = sage300_resource_from_env().settings()
    assert settings.password.get_secret_value() == PASSWORD
    assert Sage300Resource(url="https://erp.example.com/Sage300WebApi", password="explicit").settings() \
        .password.get_secret_value() == "explicit"
    looker_env = {"LOOKER_BASE_URL": "https://acme.cloud.looker.com", "LOOKER_CLIENT_ID": "abc"}
    for k, v in looker_env.items():
        monkeypatch.setenv(k, v)
    assert looker_resource_from_env().settings().client_secret.get_secret_value() == LOOKER
    assert LookerResource(**{"base_url": looker_env["LOOKER_BASE_URL"], "client_id": "abc"}).settings()
    assert redaction.scrub(f"{PASSWORD.lower()} {LOOKER}") == f"{redaction.REDACTED} {redaction.REDACTED}"
    monkeypatch.setenv(store.KEY_ENV, "a-different-key-0000000")
    with pytest.raises(ConfigurationError, match="SAGE300_PASSWORD: SAGE_LOOKER_SECRET_KEY does not decrypt"):
        sage300_resource_from_env()
    monkeypatch.setenv("SAGE300_PASSWORD", "env-wins")  # the store is not even opened
    sage300_resource_from_env()
    assert Sage300Resource(url="https://erp.example.com/Sage300WebApi", password=os.environ["SAGE300_PASSWORD"]) \
        .settings().password.get_secret_value() == "env-wins"
    redaction.clear()


def test_a_store_written_with_other_kdf_parameters_still_opens(env, monkeypatch):
    import json

    # Written by a version with another scrypt cost (a cheaper one here: 2**12), then read by this one.
    monkeypatch.setattr(store, "_SCRYPT", {"n": 2**12, "r": 8, "p": 2})
    assert cli("set", "sage", "--stdin", input=PASSWORD).exit_code == 0
    path = env / store.FILE_NAME
    assert json.loads(path.read_bytes())["kdf"] == {"name": "scrypt", "n": 2**12, "r": 8, "p": 2}
    monkeypatch.undo()  # back to this version's defaults (and its environment)
    monkeypatch.setenv("SAGE_LOOKER_HOME", str(env))
    monkeypatch.setenv(store.KEY_ENV, KEY)
    monkeypatch.setitem(sys.modules, "keyring", None)
    store._derived.clear()
    store._decrypted.clear()
    assert store._SCRYPT["n"] != 2**12
    assert store.stored_secret("SAGE300_PASSWORD") == PASSWORD

    # A file naming a derivation this version cannot use gets one clear error, never a hang or a crash.
    doc = json.loads(path.read_bytes())
    doc["kdf"] = {"name": "scrypt", "n": 2**40, "r": 8, "p": 1}
    path.write_text(json.dumps(doc))
    with pytest.raises(store.CredentialsError, match="key derivation this version cannot use"):
        store.stored_secret("SAGE300_PASSWORD")
