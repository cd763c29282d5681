"""A record whose date changes in Sage lives under its new date only: parent and child rows, both backends.

Expected values come from the simulator's state (the batch, its invoices and their lines as Sage holds them
after the re-date), never from the code under test."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest

from sage_looker.audit.ledger import LedgerHook, SliceInfo, read_ledger
from sage_looker.sage300 import catalog
from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.settings import Sage300Settings
from sage_looker.sage300_sim import SimulatorConfig, run_simulator

TODAY = dt.date(2026, 3, 14)
AP = catalog.resource("APInvoiceBatches")
CO = "SAMINC"


@pytest.fixture
def sim():  # one per backend: the test changes Sage
    with run_simulator(SimulatorConfig(seed=7, days=12, today=TODAY, scale=0.5)) as s:
        yield s


def _load(sim, wh, start, end, run_id):
    settings = Sage300Settings(url=sim.url, user=sim.config.user, password=sim.config.password)
    with Sage300Client(settings) as client:
        result = client.read_resource(AP, CO, start, end)
    info = SliceInfo(run_id=run_id, asset=AP.table, module="AP", resource=AP.path, company=CO, start=start, end=end)
    hook = LedgerHook(info, result.tables)
    return wh.replace_slice([(t, result.tables[t.name]) for t in AP.tables], companies=[CO], start=start,
                            end=end, run_id=run_id, hook=hook)


def test_a_redated_batch_is_found_once_under_its_new_date_with_its_children(sim, warehouse):
    start, end = TODAY - dt.timedelta(days=6), TODAY
    warehouse.ensure_tables(AP.tables)
    _load(sim, warehouse, start, end, "first")
    # An open batch dated inside the window, moved by its user to another date of the window.
    with sim.db.lock:
        batch = next(b for b in sim.db.records(CO, AP.name)
                     if b["BatchStatus"] != "Posted" and start <= b["BatchDate"] < end)
    old, new, number = batch["BatchDate"], end, batch["BatchNumber"]
    sim.db.redate_batch(CO, AP.name, number, new)
    invoices = len(batch["Invoices"])
    lines = sum(len(i["InvoiceDetails"]) for i in batch["Invoices"])
    assert invoices and lines

    result = _load(sim, warehouse, new, new, "only-the-new-date")

    def rows(table, date_col="batch_date"):
        return warehouse.read_arrow(f'SELECT CAST({date_col} AS VARCHAR) AS d FROM sage300."{table}" '
                                    "WHERE company_id = ? AND batch_number = ?", [CO, number]).to_pylist()

    assert [r["d"] for r in rows("ap_invoice_batches")] == [new.isoformat()]
    assert [r["d"] for r in rows("ap_invoices")] == [new.isoformat()] * invoices
    assert [r["d"] for r in rows("ap_invoice_lines")] == [new.isoformat()] * lines
    assert result.tables["ap_invoice_lines"].moved_out == lines
    moved = [json.loads(r["moved_json"]) for r in read_ledger(warehouse, "run_id = ?", ["only-the-new-date"])]
    assert moved == [[{"company": CO, "key": {"batch_number": number}, "from": old.isoformat(),
                       "to": new.isoformat()}]]
    # No natural key twice anywhere in the company.
    dupes = warehouse.read_arrow("SELECT batch_number, COUNT(*) AS n FROM sage300.ap_invoice_batches "
                                 "WHERE company_id = ? GROUP BY 1 HAVING COUNT(*) > 1", [CO]).to_pylist()
    assert dupes == []


def test_a_record_with_a_nine_column_key_moves_once_on_both_backends(warehouse):
    """gl_posted_transactions' key is nine columns of text, whole numbers and a decimal detail count. Hand-worked:
    day 1 holds keys 0, 1, 2; day 2's write brings key 1 (re-dated to day 2) and a new key 3. Key 1 must be found
    under day 1 exactly once, leave it, and live under day 2 only: day 1 keeps 2 rows, day 2 has 2, 4 in all."""
    from sage_looker.warehouse.synthetic import synthetic_table

    gl = catalog.table("gl_posted_transactions")
    day1, day2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
    warehouse.ensure_tables([gl])

    def rows(offsets, day):
        n = len(offsets)
        data = pa.concat_tables(synthetic_table(gl, 1, company=CO, offset=o) for o in offsets)
        return data.set_column(data.schema.get_field_index(gl.partition_column), gl.partition_column,
                               pa.array([day] * n, pa.date32()))

    warehouse.replace_slice([(gl, rows([0, 1, 2], day1))], companies=[CO], start=day1, end=day1, run_id="d1")
    result = warehouse.replace_slice([(gl, rows([1, 3], day2))], companies=[CO], start=day2, end=day2, run_id="d2")

    assert [m.from_date for m in result.moves] == [day1] and [m.to_date for m in result.moves] == [day2]
    assert dict(zip(result.moves[0].key_names, result.moves[0].key)) == {
        n: v for n, v in rows([1], day2).select(list(gl.key_columns[1:])).to_pylist()[0].items()}
    per_day = warehouse.read_arrow(f"SELECT {gl.partition_column} AS d, COUNT(*) AS n FROM sage300.{gl.name} "
                                   "WHERE company_id = ? GROUP BY 1 ORDER BY 1", [CO]).to_pylist()
    assert [(r["d"], r["n"]) for r in per_day] == [(day1, 2), (day2, 2)]
