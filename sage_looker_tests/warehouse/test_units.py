"""Backend-independent pieces: target parsing, type rules, SQL text (quoting, placeholders)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from sage_looker.sage300 import catalog
from sage_looker.warehouse import WarehouseError, open_warehouse
from sage_looker.warehouse.duckdb_backend import DuckDBWarehouse
from sage_looker.warehouse.postgres_backend import PostgresWarehouse
from sage_looker.warehouse.slices import Slice
from sage_looker.warehouse.sqlgen import create_table_sql, delete_slice_sql, qmark_to_pyformat, quote_ident
from sage_looker.warehouse.sqltypes import can_store, canonical, sql_type_for
from sage_looker_tests.warehouse.support import D1, D2, INVOICES


@pytest.mark.parametrize("target", ["{p}", "duckdb://{p}"])
def test_paths_and_duckdb_urls_open_duckdb(tmp_path, target):
    path = tmp_path / "w.duckdb"
    wh = open_warehouse(target.format(p=path))
    assert isinstance(wh, DuckDBWarehouse) and wh.path == path.resolve()
    assert isinstance(open_warehouse(path), DuckDBWarehouse)


@pytest.mark.parametrize("url", ["postgresql://u:secret@db:5433/sage", "postgres://u:secret@db:5433/sage",
                                 "postgresql+psycopg://u:secret@db:5433/sage"])
def test_postgresql_urls_open_postgresql_without_connecting(url):
    wh = open_warehouse(url, lock_timeout=5)
    assert isinstance(wh, PostgresWarehouse) and wh.url == "postgresql://u:secret@db:5433/sage"
    assert wh.where == "db:5433/sage" and "secret" not in repr(wh) and wh.lock_timeout == 5


@pytest.mark.parametrize("target", ["mysql://db/x", ":memory:", "duckdb://:memory:", "postgresql://",
                                    "postgresql+asyncpg://db/x", "postgresql://db/x?bogus_option=1"])
def test_unusable_targets_are_refused(target):
    with pytest.raises(WarehouseError) as err:
        open_warehouse(target)
    assert "secret" not in str(err.value)


def test_an_unreachable_postgresql_is_a_clear_error():
    wh = open_warehouse("postgresql://nobody:secret@127.0.0.1:1/none", connect_timeout=2)
    with pytest.raises(WarehouseError, match="cannot connect to PostgreSQL at 127.0.0.1:1/none") as err:
        wh.read_arrow("SELECT 1")
    assert "secret" not in str(err.value)


def test_qmark_placeholders_become_psycopg_placeholders_outside_quotes():
    sql = """SELECT ?, '?%', "a?%b", 5 % 2 -- why?\n FROM t WHERE x = ? /* ? */ AND y = $$?$$"""
    assert qmark_to_pyformat(sql) == (
        """SELECT %s, '?%%', "a?%%b", 5 %% 2 -- why?\n FROM t WHERE x = %s /* ? */ AND y = $$?$$""")


def test_reading_a_missing_warehouse(tmp_path):
    wh = open_warehouse(tmp_path / "none.duckdb")
    assert wh.table_columns("ap_invoices") == {}
    with pytest.raises(WarehouseError, match="no DuckDB warehouse"):
        wh.read_arrow("SELECT 1")
    assert not (tmp_path / "none.duckdb").exists()


def test_type_rules():
    assert canonical("decimal(19, 3)") == "DECIMAL(19,3)"
    assert canonical("TIMESTAMP WITH TIME ZONE") == canonical("timestamptz") == "TIMESTAMPTZ"
    assert canonical("numeric(38,10)") == "DECIMAL(38,10)" and canonical("character varying") == "VARCHAR"
    assert sql_type_for(pa.decimal128(19, 3)) == "DECIMAL(19,3)" and sql_type_for(pa.large_string()) == "VARCHAR"
    assert sql_type_for(pa.dictionary(pa.int32(), pa.string())) == "VARCHAR"
    assert can_store(pa.decimal128(19, 3), "DECIMAL(38,10)") and can_store(pa.decimal128(10, 2), "DECIMAL(19,3)")
    assert not can_store(pa.decimal128(19, 4), "DECIMAL(19,3)")  # loses a decimal
    assert not can_store(pa.decimal128(38, 10), "DECIMAL(19,3)")  # loses integer digits
    assert not can_store(pa.decimal128(19, 3), "DOUBLE") and not can_store(pa.float64(), "DECIMAL(38,10)")
    assert not can_store(pa.decimal128(19, 3), "VARCHAR") and not can_store(pa.string(), "DATE")
    assert can_store(pa.int64(), "BIGINT") and not can_store(pa.int64(), "INTEGER")
    assert not can_store(pa.uint64(), "BIGINT") and can_store(pa.int64(), "DECIMAL(19,0)")
    assert can_store(pa.null(), "DECIMAL(19,3)") and can_store(pa.date32(), "DATE")
    assert can_store(pa.timestamp("us", tz="UTC"), "TIMESTAMP WITH TIME ZONE")
    assert not can_store(pa.timestamp("us"), "TIMESTAMPTZ")


def test_sql_quotes_identifiers_and_binds_values():
    assert quote_ident('we"ird') == '"we""ird"'
    for bad in ("", "a\x00b", "x" * 64):
        with pytest.raises(WarehouseError):
            quote_ident(bad)
    sql, params = delete_slice_sql("sage300", INVOICES, Slice.of(["BETA", "ACME"], D1, D2), param="%s")
    assert sql == ('DELETE FROM "sage300"."ap_invoices" WHERE "company_id" IN (%s, %s) '
                   'AND "batch_date" BETWEEN CAST(%s AS DATE) AND CAST(%s AS DATE)')
    assert params == ["ACME", "BETA", D1, D2]
    vendors = catalog.table("ap_vendors")
    assert delete_slice_sql("sage300", vendors, Slice.of(["ACME"], None, None))[1] == ["ACME"]
    ddl = create_table_sql("sage300", "t", {"company_id": "VARCHAR", "amt": "DECIMAL(19,3)"})
    assert ddl == 'CREATE TABLE IF NOT EXISTS "sage300"."t" ("company_id" VARCHAR, "amt" DECIMAL(19,3))'
    ddl = create_table_sql("sage300", "t", {"x": "DOUBLE", "d": "DATE"}, dialect="postgres")
    assert ddl == 'CREATE TABLE IF NOT EXISTS "sage300"."t" ("x" DOUBLE PRECISION, "d" DATE)'


def test_slice_normalizes_companies_and_keeps_dates_typed():
    sl = Slice.of(("BETA", "ACME", "BETA"), dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert sl.companies == ("ACME", "BETA") and sl.describe() == "ACME,BETA 2024-01-01..2024-01-31"
