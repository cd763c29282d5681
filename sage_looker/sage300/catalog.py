"""The declarative catalog of Sage 300 resources: one entry per resource drives the client's queries,
the flattening into tables, the warehouse schemas and the Dagster assets.

Adding a resource is one entry (in `catalog_masters.py` or `catalog_transactions.py`) plus its name in
MASTERS or TRANSACTIONS below. Field names are Sage's own (PascalCase, as the Web API returns
them); warehouse names are derived from them (`columns.snake`). Traps from the reference are
settled here once: AP spells `DocumentTotalBeforeTaxes`, AR `DocumentTotalBeforeTax`; PO names the
vendor `Vendor`, OE names the item `Item`; GL batch/entry/line numbers are zero-padded strings and GL
batches say `Status` where AP/AR say `BatchStatus`.
"""

from __future__ import annotations

from sage_looker.sage300.catalog_masters import (  # noqa: F401  (re-exported: the catalog is one namespace)
    AP_VENDORS,
    AR_CUSTOMERS,
    GL_ACCOUNTS,
    IC_ITEMS,
    CS_FISCAL_CALENDARS,
    CS_COMPANY_PROFILE,
    AR_POSTED_DOCUMENTS,
    AP_POSTED_DOCUMENTS,
    GL_ACCOUNT_FISCAL_SETS,
)
from sage_looker.sage300.catalog_model import Resource, Table, cols
from sage_looker.sage300.catalog_transactions import (  # noqa: F401
    AP_INVOICE_BATCHES,
    AR_INVOICE_BATCHES,
    AR_RECEIPT_BATCHES,
    AP_PAYMENT_BATCHES,
    GL_JOURNAL_BATCHES,
    GL_POSTED_TRANSACTIONS,
    PO_PURCHASE_ORDERS,
    OE_ORDERS,
)

MASTERS: tuple[Resource, ...] = (
    AP_VENDORS, AR_CUSTOMERS, GL_ACCOUNTS, IC_ITEMS, CS_FISCAL_CALENDARS, CS_COMPANY_PROFILE,
    AR_POSTED_DOCUMENTS, AP_POSTED_DOCUMENTS, GL_ACCOUNT_FISCAL_SETS,
)
TRANSACTIONS: tuple[Resource, ...] = (
    AP_INVOICE_BATCHES, AP_PAYMENT_BATCHES, AR_INVOICE_BATCHES, AR_RECEIPT_BATCHES,
    GL_JOURNAL_BATCHES, GL_POSTED_TRANSACTIONS, PO_PURCHASE_ORDERS, OE_ORDERS,
)
RESOURCES: tuple[Resource, ...] = MASTERS + TRANSACTIONS


def resource(name: str) -> Resource:
    """Look a resource up by Sage name (`APVendors`) or root table name (`ap_vendors`)."""
    for r in RESOURCES:
        if name in (r.name, r.table):
            return r
    raise KeyError(f"no catalog resource named {name!r}")


def all_tables() -> tuple[Table, ...]:
    return tuple(t for r in RESOURCES for t in r.tables)


def table(name: str) -> Table:
    for t in all_tables():
        if t.name == name:
            return t
    raise KeyError(f"no catalog table named {name!r}")


def _check_unique_tables() -> None:
    names = [t.name for t in all_tables()]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"table names used twice: {sorted(dupes)}")


_check_unique_tables()

# ---------------------------------------------------------------- derived from a resource, not read as such

# Sage reports only current item quantities; a daily snapshot of them is the only way to know past stock.
IC_ITEM_SNAPSHOTS = Resource(
    module="IC", name="ICItems", table="ic_item_snapshots", kind="transaction",
    # A snapshot is one row per item per day: the day is part of its identity, so a new day's snapshot is
    # never taken for yesterday's row moving to a new date (warehouse/moves.py).
    keys=("UnformattedItemNumber", "SnapshotDate"), partition_date="SnapshotDate", change_field=None,
    columns=cols(
        text="UnformattedItemNumber ItemNumber Description Category StockingUnitOfMeasure",
        date="SnapshotDate",
        qty="QuantityOnHand QuantityAvailable QuantityCommitted QuantityOnPurchaseOrder QuantityOnSalesOrder",
        price="AverageCost",
    ),
    description="Daily snapshot of item quantities and average cost (from ICItems, captured on the day)",
)
DERIVED: tuple[Resource, ...] = (IC_ITEM_SNAPSHOTS,)


def any_table(name: str) -> Table:
    """A table of the catalog, including derived ones (snapshots)."""
    for r in RESOURCES + DERIVED:
        for t in r.tables:
            if t.name == name:
                return t
    raise KeyError(f"no catalog table named {name!r}")
