"""One variable moves the flow: what a warehouse target implies for dbt, the writer pool and what is shown.
No server needed."""

from __future__ import annotations

import os

import pytest

from sage_looker.dbt_project import PG_PASSWORD_ENV, dbt_env, dbt_target_env
from sage_looker.defs.dbt.assets import dbt_process_env
from sage_looker.warehouse import WarehouseError
from sage_looker.warehouse.targets import backend_of, libpq_env, max_concurrent_writers, redact

URL = "postgresql://loader:s3cr%40t@db.internal:6543/finance?sslmode=verify-full&sslrootcert=/etc/ca.pem"


def test_backend_and_writer_limit_follow_the_target():
    assert backend_of("/data/warehouse.duckdb") == backend_of("duckdb:///w.duckdb") == "duckdb"
    for url in (URL, "postgres://h/db", "postgresql+psycopg://u@h/db"):
        assert backend_of(url) == "postgresql"
        assert max_concurrent_writers(url, env={}) == 4
        assert max_concurrent_writers(url, env={"SAGE_LOOKER_WRITER_POOL_LIMIT": "8"}) == 8
    assert max_concurrent_writers("/w.duckdb", env={"SAGE_LOOKER_WRITER_POOL_LIMIT": "8"}) == 1  # one file, one writer
    with pytest.raises(WarehouseError, match="positive integer"):
        max_concurrent_writers(URL, env={"SAGE_LOOKER_WRITER_POOL_LIMIT": "0"})


def test_dbt_gets_target_and_connection_from_the_url_with_the_password_only_as_a_dbt_secret():
    env = dbt_target_env(URL, base={"SAGE_LOOKER_PG_PASSWORD": "stale"})
    assert env == {
        "SAGE_LOOKER_DBT_TARGET": "postgres", "SAGE_LOOKER_PG_HOST": "db.internal", "SAGE_LOOKER_PG_PORT": "6543",
        "SAGE_LOOKER_PG_USER": "loader", "SAGE_LOOKER_PG_DATABASE": "finance", "SAGE_LOOKER_PG_SSLMODE": "verify-full",
        PG_PASSWORD_ENV: "s3cr@t", "SAGE_LOOKER_PG_PASSWORD": "", "PGSSLROOTCERT": "/etc/ca.pem",
    }
    assert PG_PASSWORD_ENV.startswith("DBT_ENV_SECRET_")  # dbt masks these values in everything it logs
    duck = dbt_env("duckdb:///tmp/w.duckdb", base={"SAGE_LOOKER_DBT_TARGET": "postgres"})
    assert duck["SAGE_LOOKER_DBT_TARGET"] == "duckdb" and duck["SAGE_LOOKER_WAREHOUSE"] == "/tmp/w.duckdb"
    with pytest.raises(WarehouseError, match="keepalives"):
        dbt_target_env("postgresql://h/db?keepalives=1")
    assert libpq_env(URL)["PGPASSWORD"] == "s3cr@t" and libpq_env(URL)["PGHOST"] == "db.internal"


def test_the_dbt_asset_never_puts_the_url_in_its_vars_and_restores_the_environment(monkeypatch):
    from sage_looker.defs.dbt import assets as dbt_assets

    seen = {}

    class FakeInvocation:
        def stream(self):
            return iter(())

    class FakeDbt:
        def cli(self, args, context=None, target_path=None):
            seen["args"] = list(args)
            seen["target_path"] = target_path
            seen["env"] = {k: os.environ.get(k) for k in ("SAGE_LOOKER_DBT_TARGET", PG_PASSWORD_ENV)}
            return FakeInvocation()

    monkeypatch.setenv("SAGE_LOOKER_DBT_TARGET", "duckdb")
    monkeypatch.delenv(PG_PASSWORD_ENV, raising=False)
    asset = dbt_assets.build_dbt_assets(warehouse_path=URL, select="fqn:*")
    fn = asset.op.compute_fn.decorated_fn

    class Ctx:
        has_partition_key_range = has_partition_key = False
        run_id = "0123abcd-run"

    list(fn(Ctx(), FakeDbt(), dbt_assets.DbtBuildConfig(min_date="2026-01-01")))
    assert "s3cr" not in " ".join(seen["args"]) and "warehouse_path" not in " ".join(seen["args"])
    assert seen["env"] == {"SAGE_LOOKER_DBT_TARGET": "postgres", PG_PASSWORD_ENV: "s3cr@t"}
    assert os.environ["SAGE_LOOKER_DBT_TARGET"] == "duckdb" and PG_PASSWORD_ENV not in os.environ
    # Run artifacts go to the state folder under the home, one folder per run, never into the dbt project.
    assert seen["target_path"] == dbt_assets.dbt_state_dir() / "runs" / "0123abcd"

    duck = dbt_assets.build_dbt_assets(warehouse_path="rel/w.duckdb", select="fqn:*")
    list(duck.op.compute_fn.decorated_fn(Ctx(), FakeDbt(), dbt_assets.DbtBuildConfig()))
    assert '"warehouse_path": "/' in seen["args"][-1] and seen["env"]["SAGE_LOOKER_DBT_TARGET"] == "duckdb"


def test_dbt_process_env_restores_on_error(monkeypatch):
    monkeypatch.delenv("SAGE_LOOKER_PG_HOST", raising=False)
    with pytest.raises(RuntimeError), dbt_process_env({"SAGE_LOOKER_PG_HOST": "x"}):
        assert os.environ["SAGE_LOOKER_PG_HOST"] == "x"
        raise RuntimeError
    assert "SAGE_LOOKER_PG_HOST" not in os.environ


def test_redact_hides_every_password_spelling():
    assert redact(URL) == ("postgresql://loader:***@db.internal:6543/finance?sslmode=verify-full"
                           "&sslrootcert=/etc/ca.pem")
    assert redact("postgresql://u:p@ss@h/db") == "postgresql://u:***@h/db"  # an unescaped @ in the password
    assert redact("postgresql://u@h/db?password=x&sslmode=require") == "postgresql://u@h/db?password=***&sslmode=require"
    assert redact("host=h password=x user=u") == "host=h password=*** user=u"
    assert redact("/data/w.duckdb") == "/data/w.duckdb"


def test_the_ui_sees_the_warehouse_url_only_as_an_env_var(monkeypatch, tmp_path):
    import dagster as dg

    from sage_looker.definitions import build_definitions

    monkeypatch.setenv("SAGE_LOOKER_HOME", str(tmp_path))
    monkeypatch.setenv("SAGE_LOOKER_WAREHOUSE", URL)
    # A PostgreSQL warehouse takes the bundled simulators only when asked for by name.
    monkeypatch.setenv("SAGE300_URL", "simulator")
    monkeypatch.setenv("LOOKER_BASE_URL", "simulator")
    defs = build_definitions()
    for key in ("warehouse", "warehouse_io_manager"):  # resource config is shown in the UI; env values are not
        target = defs.resources[key].target
        assert isinstance(target, dg.EnvVar) and target.env_var_name == "SAGE_LOOKER_WAREHOUSE"
    monkeypatch.setenv("SAGE_LOOKER_WAREHOUSE", "postgresql://loader@db.internal/finance")  # nothing to hide
    assert build_definitions().resources["warehouse"].target == "postgresql://loader@db.internal/finance"
