"""The same dbt project on PostgreSQL (the `postgres` target): built from the same synthetic raw data, every
mart holds exactly the rows the DuckDB build holds, and the LookML validates against it."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from sage_looker.dbt_project import LOOKML_DIR, run_dbt
from sage_looker.lookml_check import check_lookml, information_schema_lister
from sage_looker_tests.dbt import synthetic
from sage_looker_tests.dbt.pg_cluster import temporary_postgres
from sage_looker_tests.dbt.support import AS_OF_DATES


@pytest.fixture(scope="module")
def pg():
    with temporary_postgres() as env:
        import psycopg

        con = psycopg.connect(host=env["SAGE_LOOKER_PG_HOST"], port=int(env["SAGE_LOOKER_PG_PORT"]),
                              user=env["SAGE_LOOKER_PG_USER"], dbname=env["SAGE_LOOKER_PG_DATABASE"], autocommit=True)
        synthetic.load(lambda sql, params: con.execute(sql, params), param="%s")
        yield env, con
        con.close()


def _norm(row: tuple) -> tuple:
    return tuple(v.normalize() if isinstance(v, Decimal) else v for v in row)


def test_postgres_build_equals_duckdb_build(built, pg, tmp_path):
    env, con = pg
    run = run_dbt(["build"], target_path=tmp_path / "target", vars={"as_of_dates": AS_OF_DATES},
                  env={**env, "SAGE_LOOKER_DBT_TARGET": "postgres"})
    assert run.ok, run.output[-6000:]
    assert not run.failures()
    duck = duckdb.connect(str(built.warehouse), read_only=True)
    try:
        marts = [t for (t,) in duck.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        assert len(marts) >= 15
        for table in marts:
            cols = [c for (c,) in duck.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ? "
                "order by ordinal_position", [table]).fetchall()]
            select = f"select {', '.join(cols)} from marts.{table}"
            want = sorted((_norm(r) for r in duck.execute(select).fetchall()), key=repr)
            got = sorted((_norm(r) for r in con.execute(select).fetchall()), key=repr)
            assert got == want, table
    finally:
        duck.close()
    lister = information_schema_lister(lambda sql, params: con.execute(sql, params).fetchall(), param="%s")
    assert check_lookml(LOOKML_DIR, lister) == []
