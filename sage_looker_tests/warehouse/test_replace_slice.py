"""replace_slice semantics: atomic, idempotent, exactly the slice, checked before any SQL."""

from __future__ import annotations

import datetime as dt
import threading

import pyarrow as pa
import pytest

from sage_looker.sage300 import catalog
from sage_looker.warehouse import InvalidSliceError
from sage_looker.warehouse.synthetic import synthetic_table
from sage_looker_tests.warehouse.support import D1, D2, D3, INVOICES, LINES, counts, pair, rows, write_pair

VENDORS = catalog.table("ap_vendors")


def test_parent_and_child_commit_together_or_not_at_all(warehouse, monkeypatch):
    write_pair(warehouse, "ACME", [D1], run_id="old")
    before = rows(warehouse, "ap_invoices"), rows(warehouse, "ap_invoice_lines")
    original = warehouse._insert_rows
    calls: list[str] = []

    def fail_on_child(con, table_name, data):
        calls.append(table_name)
        if table_name == LINES.name:  # the parent's slice is deleted and re-inserted, the child's deleted
            raise RuntimeError("injected failure inserting the child table")
        return original(con, table_name, data)

    monkeypatch.setattr(warehouse, "_insert_rows", fail_on_child)
    inv, ln = pair("ACME", [D1], invoices=3)
    inv = inv.append_column("brand_new_field", pa.array(["x"] * inv.num_rows))  # DDL rolls back too
    with pytest.raises(RuntimeError, match="injected failure"):
        warehouse.replace_slice([(INVOICES, inv), (LINES, ln)], companies=["ACME"], start=D1, end=D1, run_id="new")
    assert calls == [INVOICES.name, LINES.name]
    assert (rows(warehouse, "ap_invoices"), rows(warehouse, "ap_invoice_lines")) == before
    assert "brand_new_field" not in warehouse.table_columns("ap_invoices")

    monkeypatch.setattr(warehouse, "_insert_rows", original)  # the warehouse stays usable
    result = warehouse.replace_slice([(INVOICES, inv), (LINES, ln)], companies=["ACME"], start=D1, end=D1, run_id="new")
    assert result.tables["ap_invoices"].deleted == 2 and result.tables["ap_invoices"].inserted == 3


def test_rewriting_the_same_slice_is_idempotent(warehouse):
    inv, ln = pair("ACME", [D1, D2])
    stamp = dt.datetime(2024, 3, 4, 12, 0, tzinfo=dt.timezone.utc)
    kwargs = dict(companies=["ACME"], start=D1, end=D2, run_id="r", loaded_at=stamp)
    first = warehouse.replace_slice([(INVOICES, inv), (LINES, ln)], **kwargs)
    snapshot = rows(warehouse, "ap_invoices"), rows(warehouse, "ap_invoice_lines")
    second = warehouse.replace_slice([(INVOICES, inv), (LINES, ln)], **kwargs)
    assert (rows(warehouse, "ap_invoices"), rows(warehouse, "ap_invoice_lines")) == snapshot
    assert first.rows_deleted == 0 and first.rows_inserted == inv.num_rows + ln.num_rows == 12
    assert second.rows_deleted == second.rows_inserted == 12


def test_replacing_one_date_or_company_leaves_the_others(warehouse):
    for company in ("ACME", "BETA"):
        for day in (D1, D2, D3):
            write_pair(warehouse, company, [day])
    write_pair(warehouse, "ACME", [D2], run_id="again", invoices=5)
    expected = {(c, d): 2 for c in ("ACME", "BETA") for d in (D1, D2, D3)} | {("ACME", D2): 5}
    assert counts(warehouse, "ap_invoices") == expected
    assert counts(warehouse, "ap_invoice_lines") == {k: 2 * v for k, v in expected.items()}

    # A range is inclusive at both ends: replacing D1..D2 with D1 data only clears D2, keeps D3.
    inv, ln = pair("BETA", [D1], invoices=1)
    warehouse.replace_slice([(INVOICES, inv), (LINES, ln)], companies=["BETA"], start=D1, end=D2, run_id="range")
    expected = expected | {("BETA", D1): 1}
    del expected[("BETA", D2)]
    assert counts(warehouse, "ap_invoices") == expected

    # Several companies in one slice.
    a, b = pair("ACME", [D3], invoices=1), pair("BETA", [D3], invoices=4)
    warehouse.replace_slice(
        [(INVOICES, pa.concat_tables([a[0], b[0]])), (LINES, pa.concat_tables([a[1], b[1]]))],
        companies=["BETA", "ACME"], start=D3, end=D3, run_id="two",
    )
    assert counts(warehouse, "ap_invoices") == expected | {("ACME", D3): 1, ("BETA", D3): 4}


def test_empty_write_clears_the_slice(warehouse):
    write_pair(warehouse, "ACME", [D1, D2])
    inv, ln = pair("ACME", [D1])
    result = warehouse.replace_slice(
        [(INVOICES, inv.slice(0, 0)), (LINES, pa.table({}))], companies=["ACME"], start=D1, end=D1, run_id="empty"
    )
    assert result.tables["ap_invoices"].deleted == 2 and result.tables["ap_invoice_lines"].deleted == 4
    assert result.rows_inserted == 0
    assert counts(warehouse, "ap_invoices") == {("ACME", D2): 2}
    assert counts(warehouse, "ap_invoice_lines") == {("ACME", D2): 4}


def test_master_tables_are_sliced_by_company(warehouse):
    for company, n in (("ACME", 3), ("BETA", 2)):
        data = synthetic_table(VENDORS, n, company=company)
        warehouse.replace_slice([(VENDORS, data)], companies=[company], start=None, end=None, run_id="m1")
    warehouse.replace_slice([(VENDORS, synthetic_table(VENDORS, 1, company="ACME"))],
                            companies=["ACME"], start=None, end=None, run_id="m2")
    assert counts(warehouse, "ap_vendors") == {("ACME", None): 1, ("BETA", None): 2}
    with pytest.raises(InvalidSliceError, match="master table"):
        warehouse.replace_slice([(VENDORS, synthetic_table(VENDORS, 1, company="ACME"))],
                                companies=["ACME"], start=D1, end=D1, run_id="m3")


def test_lineage_columns_are_filled(warehouse):
    stamp = dt.datetime(2024, 3, 4, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    inv, ln = pair("ACME", [D1])
    inv = inv.append_column("_run_id", pa.array(["spoofed"] * inv.num_rows))  # the loader's value wins
    warehouse.replace_slice([(INVOICES, inv), (LINES, ln)], companies=["ACME"], start=D1, end=D1,
                            run_id="run-42", loaded_at=stamp)
    for table, source in (("ap_invoices", inv), ("ap_invoice_lines", ln)):
        got = rows(warehouse, table)
        assert {r["_run_id"] for r in got} == {"run-42"}
        assert {r["_loaded_at"] for r in got} == {stamp}
        assert {r["_loaded_at"].utcoffset() for r in got} == {dt.timedelta(0)}
        assert sorted(r["_record_hash"] for r in got) == sorted(source.column("_record_hash").to_pylist())
        assert all(r["_source_url"].startswith("https://sage.example/ACME/") for r in got)


def _outside(case: str):
    inv, ln = pair("ACME", [D1])
    if case == "company":
        inv = inv.set_column(0, "company_id", pa.array(["ACME", "OTHER"] * (inv.num_rows // 2)))
    elif case == "date":
        ln = ln.set_column(ln.schema.get_field_index("batch_date"), "batch_date", pa.array([D2] * ln.num_rows))
    elif case == "null date":
        i = inv.schema.get_field_index("batch_date")
        inv = inv.set_column(i, "batch_date", pa.array([None, D1] * (inv.num_rows // 2), pa.date32()))
    elif case == "no company column":
        inv = inv.drop_columns(["company_id"])
    return inv, ln


@pytest.mark.parametrize("case", ["company", "date", "null date", "no company column"])
def test_rows_outside_the_slice_are_rejected_before_anything_is_deleted(warehouse, case):
    write_pair(warehouse, "ACME", [D1], run_id="kept")
    before = rows(warehouse, "ap_invoices"), rows(warehouse, "ap_invoice_lines")
    inv, ln = _outside(case)
    with pytest.raises(InvalidSliceError):
        warehouse.replace_slice([(INVOICES, inv), (LINES, ln)], companies=["ACME"], start=D1, end=D1, run_id="bad")
    assert (rows(warehouse, "ap_invoices"), rows(warehouse, "ap_invoice_lines")) == before


BAD_ARGS = {
    "bare string": dict(companies="ACME"),
    "lower case": dict(companies=["acme"]),
    "injection": dict(companies=["A'); DROP TABLE sage300.ap_invoices; --"]),
    "too long": dict(companies=["ABCDEFG"]),
    "no company": dict(companies=[]),
    "not a str": dict(companies=[7]),
    "string date": dict(start="2024-03-01"),
    "datetime": dict(start=dt.datetime(2024, 3, 1)),
    "start after end": dict(start=D2, end=D1),
    "half a range": dict(end=None),
    "empty run id": dict(run_id=""),
    "naive loaded_at": dict(loaded_at=dt.datetime(2024, 3, 1)),
    "same table twice": dict(twice=True),
    "no writes": dict(nothing=True),
}


@pytest.mark.parametrize("case", list(BAD_ARGS))
def test_bad_arguments_are_rejected_before_any_sql(warehouse, monkeypatch, case):
    def no_sql(**_):
        raise AssertionError("a connection was opened for invalid input")

    monkeypatch.setattr(warehouse, "_connect", no_sql)
    args = dict(companies=["ACME"], start=D1, end=D1, run_id="r") | BAD_ARGS[case]
    inv, ln = pair("ACME", [D1])
    writes = [(INVOICES, inv), (LINES, ln)] + ([(LINES, ln)] if args.pop("twice", False) else [])
    writes = [] if args.pop("nothing", False) else writes
    with pytest.raises(InvalidSliceError):
        warehouse.replace_slice(writes, **args)


def test_threads_of_one_process_take_turns(open_wh):
    errors: list[BaseException] = []

    def work(company: str) -> None:
        wh = open_wh()
        try:
            for day in (D1, D2, D3):
                write_pair(wh, company, [day], run_id=company)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in ("ACME", "BETA", "CORP")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert counts(open_wh(), "ap_invoices") == {(c, d): 2 for c in ("ACME", "BETA", "CORP") for d in (D1, D2, D3)}
