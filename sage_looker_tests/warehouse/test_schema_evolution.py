"""A field Sage adds never wedges a resource: no column while it is null, a column once it carries a value, a
wider column (exact, never a float) when its values change type. Catalog columns keep their declared types.
Expected values are the ones set in the simulator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sage_looker.sage300 import catalog
from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.settings import Sage300Settings
from sage_looker.sage300_sim import SimulatorConfig, run_simulator
from sage_looker.warehouse.errors import SchemaConflictError

TODAY = dt.date(2026, 3, 14)
VENDORS = catalog.resource("APVendors")
CO = "SAMINC"


@pytest.fixture
def sim():
    with run_simulator(SimulatorConfig(seed=3, days=5, today=TODAY, scale=0.3)) as s:
        yield s


def _load(sim, wh, run_id):
    settings = Sage300Settings(url=sim.url, user=sim.config.user, password=sim.config.password)
    with Sage300Client(settings) as client:
        tables = client.read_resource(VENDORS, CO).tables
    wh.replace_slice([(t, tables[t.name]) for t in VENDORS.tables], companies=[CO], start=None, end=None,
                     run_id=run_id)


def _values(wh):
    rows = wh.read_arrow("SELECT vendor_number, retention_limit FROM sage300.ap_vendors WHERE company_id = ? "
                         "ORDER BY vendor_number", [CO]).to_pylist()
    return [r["retention_limit"] for r in rows]


def test_a_new_field_null_first_then_numbers_then_text_keeps_loading(sim, warehouse):
    warehouse.ensure_tables(VENDORS.tables)
    sim.db.add_field("APVendors", "RetentionLimit", None)  # a Sage upgrade: the field exists, empty everywhere
    _load(sim, warehouse, "null")
    assert "retention_limit" not in warehouse.table_columns("ap_vendors")  # no guessed column yet

    sim.db.add_field("APVendors", "RetentionLimit", Decimal("1234.5678"))
    _load(sim, warehouse, "numbers")
    assert warehouse.table_columns("ap_vendors")["retention_limit"].startswith("DECIMAL")
    n = len(sim.db.records(CO, "APVendors"))
    assert _values(warehouse) == [Decimal("1234.5678")] * n

    sim.db.add_field("APVendors", "RetentionLimit", "NO LIMIT")  # later Sage sends text in the same field
    _load(sim, warehouse, "text")
    assert warehouse.table_columns("ap_vendors")["retention_limit"] == "VARCHAR"
    assert _values(warehouse) == ["NO LIMIT"] * n

    sim.db.add_field("APVendors", "RetentionLimit", Decimal("99.5"))  # and numbers again: kept as exact text
    _load(sim, warehouse, "numbers again")
    assert [Decimal(v) for v in _values(warehouse)] == [Decimal("99.5")] * n


def test_a_catalog_column_keeps_its_declared_type(sim, warehouse):
    import pyarrow as pa

    from sage_looker.warehouse.sqlgen import plan_columns

    t = VENDORS.root_table
    existing = warehouse.ensure_tables([t]) and warehouse.table_columns(t.name)
    incoming = pa.schema([pa.field("balance_due_in_vendor_currency", pa.string())])
    with pytest.raises(SchemaConflictError, match="balance_due_in_vendor_currency"):
        plan_columns(t, existing, incoming)
