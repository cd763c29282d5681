"""What a real Sage server sends beside the catalog's columns, per warehouse table.

The catalog declares every field the simulator serves (names from the SDK sample payloads and the 2016 AR
metadata), so a clean load logs nothing about unknown fields. Beside those, Sage sends its framework
property on every record and children repeat their parents' keys; optional-field and similar lists are
declared in the catalog as JSON columns and in `$metadata` as collections. Fields Sage adds after an upgrade
are simulated at run time (`drift.py`), which is how the client's handling of unknown fields is exercised.
"""

from __future__ import annotations

from sage_looker.sage300.catalog_model import Collection, Resource
from sage_looker.sage300.columns import ColumnType

# Every model and detail carries it (docs/reference/SAGE300-WEB-API.md §3, "framework properties").
FRAMEWORK_FIELD = "UpdateOperation"

EXTRA_FIELDS: dict[str, dict[str, str]] = {
    # Children repeat their parents' keys the way Sage sends them; the catalog knows them as inherited keys.
    "ap_invoices": {"BatchNumber": "int"},
    "ap_invoice_lines": {"BatchNumber": "int", "EntryNumber": "int"},
    "ap_payments": {"BatchNumber": "int"},
    "ap_payment_applications": {"BatchNumber": "int", "EntryNumber": "int"},
    "ap_adjustment_distributions": {"BatchNumber": "int", "EntryNumber": "int", "LineNumber": "int"},
    "ar_invoices": {"BatchNumber": "int"},
    "ar_invoice_lines": {"BatchNumber": "int", "EntryNumber": "int"},
    "ar_invoice_payment_schedules": {"BatchNumber": "int", "EntryNumber": "int"},
    "ar_receipts": {"BatchNumber": "int"},
    "ar_receipt_applications": {"BatchNumber": "int", "EntryNumber": "int"},
    "ar_adjustment_distributions": {"BatchNumber": "int", "EntryNumber": "int", "LineNumber": "int"},
    "gl_journal_entries": {"BatchNumber": "text"},
    "gl_journal_lines": {"BatchNumber": "text", "EntryNumber": "text"},
    "po_purchase_order_lines": {"PurchaseOrderSequenceKey": "int"},
    "oe_order_lines": {"OrderUniquifier": "int"},
}

# Nested collections the catalog does not flatten: field → item shape. Mostly empty lists, as Sage sends.
EXTRA_COLLECTIONS: dict[str, dict[str, dict[str, str]]] = {
    "gl_accounts": {
        "AccountValidCurrencies": {"AccountNumber": "text", "CurrencyCode": "text", "RevaluationSwitch": "text",
                                   "RevaluationCode": "text"},
        "ControlAccountSubledgers": {"AccountNumber": "text", "SubledgerCode": "text"},
    },
    "ic_items": {"ItemUnitsOfMeasure": {"ItemNumber": "text", "UnitOfMeasure": "text", "ConversionFactor": "qty"}},
    "ap_invoices": {"InvoiceOptionalFields": {"OptionalField": "text", "Value": "text"}},
    "ar_invoices": {"InvoiceOptionalFields": {"OptionalField": "text", "Value": "text"}},
    "ap_payment_applications": {"AdjustmentGLDistributions": {"SequenceNumber": "int", "DistributionCode": "text",
                                                              "DistributionAmount": "money"}},
    "ar_receipt_applications": {"AdjustmentGLDistributions": {"SequenceNumber": "int", "DistributionCode": "text",
                                                              "DistributionAmount": "money"}},
    "gl_journal_lines": {"JournalDetailOptionalFields": {"OptionalField": "text", "Value": "text"}},
    "oe_orders": {"OrderOptionalFields": {"OptionalField": "text", "Value": "text"}},
    "oe_order_lines": {"OrderDetailOptionalFields": {"OptionalField": "text", "Value": "text"}},
}

# CSCompanyProfile has no published key; $metadata needs one for a valid EntityType.
ENTITY_KEYS: dict[str, tuple[str, ...]] = {"CSCompanyProfile": ("OrganizationID",)}


def entity_keys(resource: Resource) -> tuple[str, ...]:
    return resource.keys or ENTITY_KEYS.get(resource.name, ())


def scalar_columns(columns: dict[str, ColumnType]) -> dict[str, str]:
    """Catalog columns as type names, without JSON columns: Sage sends those as collections (`$metadata`
    declares them from EXTRA_COLLECTIONS)."""
    return {f: ct.value for f, ct in columns.items() if ct is not ColumnType.JSON}


def walk_collections(resource: Resource):
    """(table name, collection path tuple, Collection) for every nested collection, depth-first."""
    def rec(path: tuple[str, ...], cols: tuple[Collection, ...]):
        for c in cols:
            p = path + (c.field,)
            yield c.table, p, c
            yield from rec(p, c.children)
    yield from rec((), resource.children)


def field_types(resource: Resource, added: dict[str, dict[str, str]] | None = None,
                framework: bool = True) -> dict[str, str]:
    """Top-level scalar fields a resource's records carry, as type names: catalog, extras, run-time adds."""
    out = scalar_columns(resource.columns)
    if framework:
        out[FRAMEWORK_FIELD] = "text"
    out.update(EXTRA_FIELDS.get(resource.table, {}))
    out.update((added or {}).get(resource.table, {}))
    return out


def collection_names(resource: Resource) -> set[str]:
    return {c.field for c in resource.children} | set(EXTRA_COLLECTIONS.get(resource.table, {}))
