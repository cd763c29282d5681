"""Fields a real Sage server sends beyond what the catalog declares, per warehouse table.

The catalog declares what the product loads; Sage sends more (tax detail, framework properties,
optional-field collections that are usually empty). The simulator sends these too, so the client's
handling of unknown fields is exercised, and `$metadata` declares them. Names come from the SDK sample
payloads and the 2016 AR metadata.
"""

from __future__ import annotations

from sage_looker.sage300.catalog_model import Collection, Resource

# Every model and detail carries it (reference §3, "framework properties").
FRAMEWORK_FIELD = "UpdateOperation"

EXTRA_FIELDS: dict[str, dict[str, str]] = {
    "ap_vendors": {"AddressLine3": "text", "AddressLine4": "text", "FaxNumber": "text"},
    "ar_customers": {"AddressLine3": "text", "AddressLine4": "text", "FaxNumber": "text", "WebSite": "text"},
    "gl_accounts": {"UnitOfMeasure": "text", "AllocOffsetAccount": "text", "AllocSourceType": "text",
                    "SpecificCurrency": "text", "AccountGroupSortCode": "text", "AllocationPercentTotal": "money"},
    "ic_items": {"PreferredVendorItem": "text", "Comment1": "text"},
    "cs_company_profile": {"PhoneNumber": "text"},
    "ap_invoice_batches": {"BatchPrintedFlag": "text", "ICTRelated": "text"},
    "ap_invoices": {"BatchNumber": "int", "TaxAuthority1": "text", "TaxClass1": "int", "TaxBase1": "money",
                    "TaxAmount1": "money", "FunctionalDistributionWithTaxTotal": "money",
                    "APVersionCreatedIn": "text"},
    "ap_invoice_lines": {"BatchNumber": "int", "EntryNumber": "int", "GLDistributedAmount": "money",
                         "TaxClass1": "int", "TaxAmount1": "money", "Contract": "text", "Project": "text"},
    "ap_payment_batches": {"ProcessCommandCode": "text"},
    "ap_payments": {"BatchNumber": "int", "TotalPrepayVendorCurrency": "money", "CheckPrintRequired": "text"},
    "ap_payment_applications": {"BatchType": "text", "BatchNumber": "int", "EntryNumber": "int",
                                "DocumentDate": "date"},
    "ar_invoice_batches": {"BatchPrintedFlag": "text"},
    "ar_invoices": {"BatchNumber": "int", "ApplytoDocument": "text", "ShipmentNumber": "text",
                    "TaxAuthority1": "text", "TaxAmount1": "money", "FunctionalAmountDue": "money"},
    "ar_invoice_lines": {"BatchNumber": "int", "EntryNumber": "int", "TaxClass1": "int", "TaxAmount1": "money"},
    "ar_invoice_payment_schedules": {"BatchNumber": "int", "EntryNumber": "int", "FunctionalAmountDue": "money"},
    "ar_receipt_batches": {"DepositSlipPrinted": "text", "BankRateType": "text"},
    "ar_receipts": {"BatchNumber": "int", "TotalCustomerAmountApplied": "money", "CustomerExchangeRate": "rate"},
    "ar_receipt_applications": {"BatchType": "text", "BatchNumber": "int", "EntryNumber": "int"},
    "gl_journal_batches": {"OriginalStatus": "text", "LockBatchSwitch": "text"},
    "gl_journal_entries": {"BatchNumber": "text", "CustomerVendorNumber": "text"},
    "gl_journal_lines": {"BatchNumber": "text", "EntryNumber": "text", "AcctDescription": "text"},
    "gl_posted_transactions": {},
    "po_purchase_orders": {"PurchaseOrderType": "text"},
    "po_purchase_order_lines": {"PurchaseOrderSequenceKey": "int"},
    "oe_orders": {"InvoiceWillBeProduced": "bool"},
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
    out = {f: ct.value for f, ct in resource.columns.items()}
    if framework:
        out[FRAMEWORK_FIELD] = "text"
    out.update(EXTRA_FIELDS.get(resource.table, {}))
    out.update((added or {}).get(resource.table, {}))
    return out


def collection_names(resource: Resource) -> set[str]:
    return {c.field for c in resource.children} | set(EXTRA_COLLECTIONS.get(resource.table, {}))
