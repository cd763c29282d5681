"""PostgreSQL-only behaviour: writers of different companies of one table run at the same time (threads and
processes), a writer SIGKILLed mid-load leaves its partition old, and the load is a bulk COPY."""

from __future__ import annotations

import decimal
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator

import psycopg
import pyarrow as pa
import pytest

from sage_looker.warehouse import Warehouse, open_warehouse
from sage_looker.warehouse.postgres_backend import PostgresWarehouse
from sage_looker_tests.pgserver import fresh_database
from sage_looker_tests.warehouse.support import D1, D2, D3, INVOICES, LINES, counts, pair, rows, write_pair
from sage_looker_tests.warehouse.test_processes import Writer


@pytest.fixture
def target() -> Iterator[str]:
    with fresh_database() as url:
        yield url


def _wait(event: threading.Event, what: str, timeout: float = 120.0) -> None:
    assert event.wait(timeout), f"timed out waiting for {what}"


def _holding(wh: Warehouse, inside: threading.Event, release: threading.Event) -> None:
    """Make `wh` pause inside its transaction, after inserting the child rows, until `release` is set."""
    original = wh._insert_rows

    def insert_then_hold(con, table_name, data):
        n = original(con, table_name, data)
        if table_name == LINES.name:
            inside.set()
            _wait(release, "the release")
        return n

    wh._insert_rows = insert_then_hold


def _in_thread(fn: Callable[[], object]) -> tuple[threading.Thread, dict]:
    out: dict = {}

    def run() -> None:
        try:
            out["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


def _finish(t: threading.Thread, out: dict):
    t.join(60)
    assert not t.is_alive(), "writer thread hung"
    if "error" in out:
        raise out["error"]
    return out["result"]


def test_threads_writing_different_companies_run_at_the_same_time(target):
    open_warehouse(target).ensure_tables([INVOICES, LINES])
    inside, release = threading.Event(), threading.Event()
    slow = open_warehouse(target)
    _holding(slow, inside, release)
    a = _in_thread(lambda: write_pair(slow, "ACME", [D1], run_id="a"))
    _wait(inside, "ACME's transaction")
    began = time.monotonic()
    for company in ("BETA", "CORP"):  # both commit while ACME's transaction is still open
        result = write_pair(open_warehouse(target, lock_timeout=5), company, [D1, D2], run_id=company)
        assert result.lock_wait_seconds < 0.5 and result.rows_inserted == 12
    assert time.monotonic() - began < 5 and a[0].is_alive()
    assert ("ACME", D1) not in counts(open_warehouse(target), "ap_invoices")  # not committed yet
    release.set()
    assert _finish(*a).rows_inserted == 6
    assert counts(open_warehouse(target), "ap_invoice_lines") == {
        ("ACME", D1): 4, ("BETA", D1): 4, ("BETA", D2): 4, ("CORP", D1): 4, ("CORP", D2): 4}


def test_writers_of_the_same_company_take_turns_and_never_duplicate(target):
    write_pair(open_warehouse(target), "ACME", [D1], run_id="old")
    inside, release = threading.Event(), threading.Event()
    slow = open_warehouse(target)
    _holding(slow, inside, release)
    a = _in_thread(lambda: write_pair(slow, "ACME", [D1], run_id="a", invoices=3))
    _wait(inside, "the first writer")
    b = _in_thread(lambda: write_pair(open_warehouse(target), "ACME", [D1, D2], run_id="b", invoices=4))
    time.sleep(0.5)
    assert b[0].is_alive()  # waiting for the (ap_invoices, ACME) advisory lock
    release.set()
    assert _finish(*a).tables["ap_invoices"].deleted == 2
    rb = _finish(*b)
    assert rb.lock_wait_seconds >= 0.4 and rb.tables["ap_invoices"].deleted == 3
    assert counts(open_warehouse(target), "ap_invoices") == {("ACME", D1): 4, ("ACME", D2): 4}


def test_concurrent_schema_evolution_adds_a_column_once_and_widens_it_for_a_new_type(target):
    write_pair(open_warehouse(target), "ACME", [D3])
    inside, release = threading.Event(), threading.Event()
    slow = open_warehouse(target)
    _holding(slow, inside, release)

    def with_extra(company: str, values: pa.Array, run_id: str):
        inv, ln = pair(company, [D1])
        return lambda: open_warehouse(target).replace_slice(
            [(INVOICES, inv.append_column("retainage", values)), (LINES, ln)],
            companies=[company], start=D1, end=D1, run_id=run_id)

    money = pa.array([1, 2], pa.decimal128(19, 3))
    inv, ln = pair("ACME", [D1])
    a = _in_thread(lambda: slow.replace_slice([(INVOICES, inv.append_column("retainage", money)), (LINES, ln)],
                                              companies=["ACME"], start=D1, end=D1, run_id="a"))
    _wait(inside, "the first writer")
    b = _in_thread(with_extra("BETA", pa.array([3, 4], pa.decimal128(10, 2)), "b"))  # fits DECIMAL(19,3)
    c = _in_thread(with_extra("CORP", pa.array(["x", "y"]), "c"))  # text: the extra column becomes exact text
    time.sleep(0.3)
    release.set()
    assert _finish(*a).tables["ap_invoices"].columns_added == ("retainage",)
    assert _finish(*b).tables["ap_invoices"].columns_added == ()
    assert _finish(*c).tables["ap_invoices"].columns_added == ()
    wh = open_warehouse(target)
    assert wh.table_columns("ap_invoices")["retainage"] == "VARCHAR"
    got = wh.read_arrow("SELECT company_id, retainage FROM sage300.ap_invoices WHERE batch_date = ? "
                        "ORDER BY 1, 2", [D1]).to_pylist()
    # b and c commit in either order (b's 3.00 may be widened as 3.000 or sent as text 3.00): same numbers
    exact = [(r["company_id"], r["retainage"] if r["company_id"] == "CORP" else decimal.Decimal(r["retainage"]))
             for r in got]
    assert exact == [("ACME", 1), ("ACME", 2), ("BETA", 3), ("BETA", 4), ("CORP", "x"), ("CORP", "y")]


def test_writer_processes_of_different_companies_hold_their_transactions_at_once(target, tmp_path):
    open_warehouse(target).ensure_tables([INVOICES, LINES])
    release = tmp_path / "release"
    writers = {}
    for company in ("ACME", "BETA", "CORP"):
        ready = tmp_path / f"ready-{company}"
        writers[company] = (Writer(target, company, [D1, D2], "--run-id", company, "--ready", ready,
                                   "--hold-until", release), ready)
    for w, ready in writers.values():
        w.wait_for(ready)  # every process is inside its open transaction at the same moment
    assert all(w.proc.poll() is None for w, _ in writers.values())
    release.write_text("go")
    assert [w.result()["inserted"] for w, _ in writers.values()] == [12, 12, 12]
    assert counts(open_warehouse(target), "ap_invoices") == {
        (c, d): 2 for c in ("ACME", "BETA", "CORP") for d in (D1, D2)}


def _advisory_locks(url: str) -> int:
    with psycopg.connect(url) as con:
        return con.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").fetchone()[0]


def _wait_until(check: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.01)


def test_a_writer_killed_inside_its_transaction_leaves_the_partition_old(target, tmp_path):
    write_pair(open_warehouse(target), "ACME", [D1], run_id="old")
    before = rows(open_warehouse(target), "ap_invoices"), rows(open_warehouse(target), "ap_invoice_lines")
    ready = tmp_path / "ready"
    w = Writer(target, "ACME", [D1], "--run-id", "killed", "--invoices", 5, "--ready", ready,
               "--hold-until", tmp_path / "never")
    w.wait_for(ready)  # parent and child slices deleted and re-inserted, not committed
    os.kill(w.proc.pid, signal.SIGKILL)
    w.proc.wait(60)
    wh = open_warehouse(target, lock_timeout=10)
    assert (rows(wh, "ap_invoices"), rows(wh, "ap_invoice_lines")) == before
    _wait_until(lambda: _advisory_locks(target) == 0, "the dead writer's locks are released")
    assert write_pair(wh, "ACME", [D1], run_id="next").tables["ap_invoices"].deleted == 2


def test_a_writer_killed_mid_copy_leaves_the_partition_old(target, tmp_path):
    write_pair(open_warehouse(target), "ACME", [D1], run_id="old")
    before = counts(open_warehouse(target), "ap_invoice_lines")
    w = Writer(target, "ACME", [D1], "--run-id", "killed", "--invoices", 60_000)

    def copying() -> bool:
        assert w.proc.poll() is None, w.proc.communicate()[1][-2000:]
        with psycopg.connect(target) as con:
            return bool(con.execute(
                "SELECT 1 FROM pg_stat_activity WHERE application_name = 'sage_looker' AND query LIKE 'COPY%' "
                "AND state = 'active' AND datname = current_database()").fetchone())

    _wait_until(copying, "the writer streams its COPY", timeout=120)
    os.kill(w.proc.pid, signal.SIGKILL)
    w.proc.wait(60)
    wh = open_warehouse(target)
    assert counts(wh, "ap_invoice_lines") == before and {r["_run_id"] for r in rows(wh, "ap_invoices")} == {"old"}
    _wait_until(lambda: _advisory_locks(target) == 0, "the dead writer's locks are released")


def test_the_load_is_a_bulk_copy_not_row_by_row(target, monkeypatch):
    statements: list[str] = []
    original = PostgresWarehouse._run

    def counting(con, sql, params=None):
        statements.append(sql)
        return original(con, sql, params)

    monkeypatch.setattr(PostgresWarehouse, "_run", staticmethod(counting))
    wh = open_warehouse(target)
    days = [D1, D2, D3]
    write_pair(wh, "ACME", days, invoices=10)  # creates the tables
    statements.clear()
    write_pair(wh, "ACME", days, invoices=10)
    small = len(statements)
    statements.clear()
    inv, ln = pair("ACME", days, invoices=20_000, lines=3)  # 60k invoices + 180k lines
    began = time.perf_counter()
    result = wh.replace_slice([(INVOICES, inv), (LINES, ln)], companies=["ACME"], start=D1, end=D3, run_id="big")
    seconds = time.perf_counter() - began
    assert result.rows_inserted == 240_000 and result.rows_deleted == 90
    assert len(statements) == small  # the statement count does not grow with the rows
    assert not [s for s in statements if s.lstrip().upper().startswith("INSERT INTO") and "SELECT" not in s]
    rate = result.rows_inserted / seconds
    print(f"PostgreSQL COPY load: {result.rows_inserted:,} rows in {seconds:.2f}s = {rate:,.0f} rows/s")
    assert rate > 20_000, f"{rate:,.0f} rows/s: far below a bulk load (row-by-row INSERT is ~1-5k rows/s)"
