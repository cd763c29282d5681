"""The bundled simulators never feed a warehouse Looker reads: with a PostgreSQL warehouse, an empty SAGE300_URL
or LOOKER_BASE_URL is a configuration error naming the variable; `simulator` asks for one on purpose."""

import pytest

from sage_looker.defs.sage300.config import ConfigError

PG = "postgresql://loader@db.internal/finance"


@pytest.fixture
def env(monkeypatch, tmp_path):
    for var in ("SAGE300_URL", "SAGE300_PASSWORD", "LOOKER_BASE_URL", "LOOKER_CLIENT_ID", "LOOKER_CLIENT_SECRET"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SAGE_LOOKER_HOME", str(tmp_path))
    return monkeypatch


def test_a_real_warehouse_without_sage_or_looker_urls_is_refused_naming_both(env):
    from sage_looker.definitions import build_definitions

    env.setenv("SAGE_LOOKER_WAREHOUSE", PG)
    with pytest.raises(ConfigError) as caught:
        build_definitions()
    message = str(caught.value)
    assert "SAGE300_URL is not set" in message and "LOOKER_BASE_URL is not set" in message
    assert "SAGE300_URL=simulator" in message


def test_a_real_warehouse_with_a_real_sage_still_needs_looker(env):
    from sage_looker.definitions import build_definitions

    env.setenv("SAGE_LOOKER_WAREHOUSE", PG)
    env.setenv("SAGE300_URL", "https://erp.example.com/Sage300WebApi")
    env.setenv("SAGE300_USER", "webapi")
    env.setenv("SAGE300_PASSWORD", "x")
    with pytest.raises(ConfigError) as caught:
        build_definitions()
    assert "LOOKER_BASE_URL is not set" in str(caught.value) and "SAGE300_URL is not set" not in str(caught.value)


def test_the_simulators_by_name_and_the_embedded_duckdb_default_are_allowed(env):
    from sage_looker.definitions import build_definitions

    env.setenv("SAGE_LOOKER_WAREHOUSE", PG)
    env.setenv("SAGE300_URL", "simulator")
    env.setenv("LOOKER_BASE_URL", "simulator")
    defs = build_definitions()
    assert defs.resources["sage300"].url == "simulator"
    env.delenv("SAGE_LOOKER_WAREHOUSE")
    env.delenv("SAGE300_URL")
    env.delenv("LOOKER_BASE_URL")
    assert build_definitions().resources["sage300"].url == ""  # the embedded default: simulator + DuckDB
