"""Table schemas: declared on creation, insert by name, new columns added, exact types, never a silent cast."""

from __future__ import annotations

import decimal

import pyarrow as pa
import pytest

from sage_looker.sage300 import catalog
from sage_looker.warehouse import SchemaConflictError, declared_columns
from sage_looker_tests.warehouse.support import D1, D2, INVOICES, LINES, pair, rows, write_pair

D = decimal.Decimal
MONEY = [D("12345678901234.567"), D("0.001"), D("-0.001"), D("9999999999999999.999")]


def _write(wh, inv, ln=None, day=D1, run_id="r"):
    ln = ln if ln is not None else pair("ACME", [day])[1]
    return wh.replace_slice([(INVOICES, inv), (LINES, ln)], companies=["ACME"], start=day, end=day, run_id=run_id)


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, values)


def test_empty_first_partition_creates_tables_with_the_declared_schema(warehouse):
    assert warehouse.table_columns("ap_invoices") == {}
    inv, ln = pair("ACME", [D1])
    result = warehouse.replace_slice([(INVOICES, inv.slice(0, 0)), (LINES, pa.table({}))],
                                     companies=["ACME"], start=D1, end=D1, run_id="empty")
    assert result.tables["ap_invoices"].created and result.rows_inserted == 0
    for table in (INVOICES, LINES):
        columns = warehouse.table_columns(table.name)
        assert columns == declared_columns(table)
        assert list(columns)[:1] == ["company_id"] and list(columns)[-4:] == [
            "_run_id", "_loaded_at", "_source_url", "_record_hash"]
        assert warehouse.read_arrow(f'SELECT count(*) AS n FROM sage300."{table.name}"').to_pylist() == [{"n": 0}]


def test_ensure_tables_creates_every_catalog_table(warehouse):
    tables = catalog.all_tables()
    result = warehouse.ensure_tables(tables)
    assert set(result.created) == {t.name for t in tables}
    assert warehouse.ensure_tables(tables).created == ()  # idempotent
    got = warehouse.read_arrow(
        "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = ?", ["sage300"])
    assert set(got.column("table_name").to_pylist()) == {t.name for t in tables}


def test_money_stays_decimal_and_dates_stay_dates(warehouse):
    inv, ln = pair("ACME", [D1], invoices=4)
    inv = _set(inv, "document_total_including_tax", pa.array(MONEY, pa.decimal128(19, 3)))
    ln = _set(ln, "quantity", pa.array([D("123456789012345.6789"), D("0.0001")] * 4, pa.decimal128(19, 4)))
    _write(warehouse, inv, ln)
    got = warehouse.read_arrow('SELECT document_total_including_tax AS m, batch_date FROM sage300.ap_invoices')
    assert got.schema.field("m").type == pa.decimal128(19, 3) and got.schema.field("batch_date").type == pa.date32()
    assert sorted(got.column("m").to_pylist()) == sorted(MONEY)
    total = warehouse.read_arrow("SELECT sum(document_total_including_tax) AS s FROM sage300.ap_invoices")
    assert total.column("s").to_pylist() == [sum(MONEY)]
    qty = warehouse.read_arrow("SELECT quantity FROM sage300.ap_invoice_lines").column("quantity").to_pylist()
    assert sorted(qty) == sorted([D("123456789012345.6789"), D("0.0001")] * 4)

    info = warehouse.read_arrow(
        "SELECT table_name, column_name, upper(data_type) AS t, numeric_precision AS p, numeric_scale AS s "
        "FROM information_schema.columns WHERE table_schema = ?", ["sage300"]).to_pylist()
    by = {(r["table_name"], r["column_name"]): r for r in info}
    for table in (INVOICES, LINES):
        for name, ctype in table.column_types().items():
            r = by[(table.name, name)]
            if ctype.is_decimal:
                assert (r["p"], r["s"]) == (ctype.arrow.precision, ctype.arrow.scale), name
            if ctype.sql == "DATE":
                assert r["t"] == "DATE", name
    assert not [k for k, r in by.items() if r["t"] in ("DOUBLE", "FLOAT", "REAL", "DOUBLE PRECISION")]


def test_insert_is_by_name_whatever_the_column_order(warehouse):
    inv, ln = pair("ACME", [D1], invoices=3)
    shuffled = inv.select(list(reversed(inv.column_names)))
    ln_shuffled = ln.select(sorted(ln.column_names))
    _write(warehouse, shuffled, ln_shuffled)
    cols = ", ".join(f'"{c}"' for c in inv.column_names)
    got = warehouse.read_arrow(f"SELECT {cols} FROM sage300.ap_invoices ORDER BY entry_number")
    assert got.to_pylist() == inv.to_pylist()
    cols = ", ".join(f'"{c}"' for c in ln.column_names)
    got = warehouse.read_arrow(f"SELECT {cols} FROM sage300.ap_invoice_lines ORDER BY entry_number, line_number")
    assert got.to_pylist() == ln.to_pylist()


def test_a_new_column_is_added_and_old_rows_get_null(warehouse):
    write_pair(warehouse, "ACME", [D1])
    inv, ln = pair("ACME", [D2])
    extra = pa.array([D("1.0000000001"), D("-2.5")], pa.decimal128(38, 10))
    result = _write(warehouse, inv.append_column("retainage_amount", extra), ln, day=D2)
    assert result.tables["ap_invoices"].columns_added == ("retainage_amount",)
    assert result.tables["ap_invoice_lines"].columns_added == ()
    columns = warehouse.table_columns("ap_invoices")
    assert list(columns)[-1] == "retainage_amount" and columns["retainage_amount"] == "DECIMAL(38,10)"
    got = rows(warehouse, "ap_invoices")
    assert [r["retainage_amount"] for r in got if r["batch_date"] == D1] == [None, None]
    assert sorted(r["retainage_amount"] for r in got if r["batch_date"] == D2) == sorted(extra.to_pylist())


def test_a_missing_column_gets_null(warehouse):
    inv, ln = pair("ACME", [D1])
    _write(warehouse, inv.drop_columns(["vendor_name", "_source_url", "due_date"]), ln)
    got = rows(warehouse, "ap_invoices")
    assert {(r["vendor_name"], r["_source_url"], r["due_date"]) for r in got} == {(None, None, None)}
    assert sorted(r["vendor_number"] for r in got) == sorted(inv.column("vendor_number").to_pylist())
    assert list(warehouse.table_columns("ap_invoices")) == list(declared_columns(INVOICES))


# A catalog column keeps its declared type: these are errors. (A column of a field the catalog does not
# declare widens instead: test_schema_evolution.py.)
CONFLICTS = {
    "float into money": ("tax_total", pa.array([1.5, 2.25], pa.float64())),
    "wider decimal into money": ("tax_total", pa.array([D("1.5"), D("2")], pa.decimal128(38, 10))),
    "more decimals than money holds": ("tax_total", pa.array([D("1.5"), D("2")], pa.decimal128(19, 4))),
    "text into a date": ("due_date", pa.array(["2024-03-01", "x"])),
    "name differing in case": ("Custom_Note", pa.array(["a", "b"])),
}


@pytest.mark.parametrize("case", list(CONFLICTS))
def test_type_conflicts_are_errors_not_casts(warehouse, case):
    inv, ln = pair("ACME", [D1])
    _write(warehouse, inv.append_column("custom_note", pa.array(["a", "b"])), ln)
    before = rows(warehouse, "ap_invoices"), warehouse.table_columns("ap_invoices")
    name, values = CONFLICTS[case]
    bad = inv.append_column(name, values) if name not in inv.column_names else _set(inv, name, values)
    with pytest.raises(SchemaConflictError, match=name):
        _write(warehouse, bad, ln, run_id="bad")
    assert (rows(warehouse, "ap_invoices"), warehouse.table_columns("ap_invoices")) == before


def test_narrower_exact_types_are_accepted(warehouse):
    inv, ln = pair("ACME", [D1])
    inv = _set(inv, "tax_total", pa.array([D("1.5"), D("-2.25")], pa.decimal128(10, 2)))
    inv = _set(inv, "number_of_details", pa.array([2, 2], pa.int32()))
    _write(warehouse, inv, ln)
    got = warehouse.read_arrow("SELECT tax_total FROM sage300.ap_invoices ORDER BY 1").column(0).to_pylist()
    assert got == [D("-2.250"), D("1.500")]


def test_odd_column_names_are_quoted_and_values_bound(warehouse):
    odd = ['quote"inside', "percent %s and ?", "semi; DROP TABLE x --"]
    inv, ln = pair("ACME", [D1])
    for i, name in enumerate(odd):
        inv = inv.append_column(name, pa.array([f"v{i}'%?", None]))
    _write(warehouse, inv, ln)
    assert list(warehouse.table_columns("ap_invoices"))[-3:] == odd
    cols = ", ".join('"' + n.replace('"', '""') + '"' for n in odd)
    got = warehouse.read_arrow(f"SELECT {cols}, ? AS p, '100%' AS lit FROM sage300.ap_invoices WHERE company_id = ? "
                               "ORDER BY entry_number", ["x?%s", "ACME"]).to_pylist()
    assert got == [{**{n: f"v{i}'%?" for i, n in enumerate(odd)}, "p": "x?%s", "lit": "100%"},
                   {**{n: None for n in odd}, "p": "x?%s", "lit": "100%"}]


def test_every_loadable_arrow_type_round_trips_exactly_with_nulls(warehouse):
    import datetime as dt

    paris = dt.timezone(dt.timedelta(hours=1))
    extra = {  # name: (values as sent, values as read back)
        "x_bool": (pa.array([True, None]), [True, None]),
        "x_int32": (pa.array([-(2**31), None], pa.int32()), [-(2**31), None]),
        "x_uint32": (pa.array([2**32 - 1, None], pa.uint32()), [2**32 - 1, None]),
        "x_int64": (pa.array([-(2**63), 2**63 - 1]), [-(2**63), 2**63 - 1]),
        "x_float32": (pa.array([0.25, None], pa.float32()), [0.25, None]),
        "x_float64": (pa.array([-1e300, float("inf")]), [-1e300, float("inf")]),
        "x_date64": (pa.array([dt.date(1999, 12, 31), None], pa.date64()), [dt.date(1999, 12, 31), None]),
        "x_ts": (pa.array([dt.datetime(1970, 1, 1, 0, 0, 0, 1), None], pa.timestamp("us")),
                 [dt.datetime(1970, 1, 1, 0, 0, 0, 1), None]),
        "x_ts_tz": (pa.array([dt.datetime(2024, 3, 1, 12, 30, 0, 5000, tzinfo=paris), None], pa.timestamp("ms", tz="+01:00")),
                    [dt.datetime(2024, 3, 1, 11, 30, 0, 5000, tzinfo=dt.timezone.utc), None]),
        "x_dict": (pa.array(["a", None]).dictionary_encode(), ["a", None]),
        "x_large": (pa.array(["é ünïcode \t\n\\ \"'", ""], pa.large_string()), ["é ünïcode \t\n\\ \"'", ""]),
        "x_money": (pa.array([D("-9999999999999999999999999999.9999999999"), D("1E-10")], pa.decimal128(38, 10)),
                    [D("-9999999999999999999999999999.9999999999"), D("1E-10")]),
    }
    inv, ln = pair("ACME", [D1])
    for name, (values, _) in extra.items():
        inv = inv.append_column(name, values)
    _write(warehouse, inv, ln)
    cols = ", ".join(extra)
    got = warehouse.read_arrow(f"SELECT {cols} FROM sage300.ap_invoices ORDER BY entry_number").to_pydict()
    assert got == {name: expected for name, (_, expected) in extra.items()}
