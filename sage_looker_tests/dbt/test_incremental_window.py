"""fct_gl_posted_lines is incremental by the partition window the Dagster glue passes (vars min_date /
max_date): the window's rows are deleted and re-inserted (so source deletions disappear), rows outside
the window are left alone, and a run without a window rebuilds everything."""

from __future__ import annotations

import duckdb

from sage_looker.dbt_project import run_dbt
from sage_looker_tests.dbt.support import rows


def _amounts(path):
    return {(r[0], r[1]): r[2] for r in rows(path, """select account_code, journal_date, amount
                                                       from marts.fct_gl_posted_lines order by 1, 2""")}


def test_window_replaces_only_the_window(built, tmp_path):
    import datetime as dt
    from decimal import Decimal

    path = built.copy(tmp_path)
    con = duckdb.connect(str(path))
    try:
        # in the February window: one line deleted, one line changed; in March (outside): one line changed
        con.execute("delete from sage300.gl_posted_transactions where account_number = '110010010' and journal_date = '2026-02-20'")
        con.execute("update sage300.gl_posted_transactions set journal_transaction_amount = 950 where journal_date = '2026-02-20'")
        con.execute("update sage300.gl_posted_transactions set journal_transaction_amount = 999 where account_number = '600010010' and journal_date = '2026-03-05'")
    finally:
        con.close()
    feb = {"min_date": "2026-02-01", "max_date": "2026-02-28"}
    run = run_dbt(["run", "--select", "fct_gl_posted_lines"], warehouse=path, target_path=tmp_path / "t1", vars=feb)
    assert run.ok, run.output[-3000:]
    got = _amounts(path)
    assert ("110010010", dt.date(2026, 2, 20)) not in got
    assert got[("100010010", dt.date(2026, 2, 20))] == Decimal("950.000")
    assert got[("600010010", dt.date(2026, 3, 5))] == Decimal("250.500")  # outside the window: untouched
    assert got[("100010010", dt.date(2025, 12, 15))] == Decimal("5000.000")
    run = run_dbt(["run", "--select", "fct_gl_posted_lines"], warehouse=path, target_path=tmp_path / "t2")
    assert run.ok, run.output[-3000:]
    assert _amounts(path)[("600010010", dt.date(2026, 3, 5))] == Decimal("999.000")


def test_optional_company_profile_missing_falls_back(built, tmp_path):
    """CSCompanyProfile is optional in Sage: without its table the staging model reads it as empty and the
    functional currency comes from the posted GL's home currency, else var default_functional_currency."""
    path = built.copy(tmp_path)
    con = duckdb.connect(str(path))
    con.execute("drop table sage300.cs_company_profile")
    con.close()
    run = run_dbt(["build", "--select", "stg_sage300__cs_company_profile", "dim_company"], warehouse=path,
                  target_path=tmp_path / "t", vars={"default_functional_currency": "CAD"})
    assert run.ok, run.output[-3000:]
    assert rows(path, "select company_id, functional_currency, functional_currency_source from marts.dim_company order by 1") == [
        ("SAMINC", "USD", "gl_home_currency"), ("SAMLTD", "CAD", "default")]
