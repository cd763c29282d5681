"""The declarative catalog of Sage 300 resources: one entry per resource drives the client's queries,
the flattening into tables, the warehouse schemas and the Dagster assets.

Adding a resource is one entry here. Field names are Sage's own (PascalCase, as the Web API returns
them); warehouse names are derived from them (`columns.snake`). Traps from the reference are
settled here once: AP spells `DocumentTotalBeforeTaxes`, AR `DocumentTotalBeforeTax`; PO names the
vendor `Vendor`, OE names the item `Item`; GL batch/entry/line numbers are zero-padded strings and GL
batches say `Status` where AP/AR say `BatchStatus`.
"""

from __future__ import annotations

from sage_looker.sage300.catalog_model import Collection, Ref, Resource, Table, cols

_VENDOR = Ref("VendorNumber", "ap_vendors", "VendorNumber")
_CUSTOMER = Ref("CustomerNumber", "ar_customers", "CustomerNumber")

_FISCAL_PERIOD_DATES = " ".join(
    f"FiscalPeriod{n}StartDate FiscalPeriod{n}EndDate" for n in range(1, 14)
)
_TAX_1_5 = " ".join(f"TaxAmount{n}" for n in range(1, 6))

# ---------------------------------------------------------------- master data (partitioned by company)

AP_VENDORS = Resource(
    module="AP", name="APVendors", table="ap_vendors", kind="master",
    keys=("VendorNumber",), change_field="DateLastMaintained",
    columns=cols(
        text="VendorNumber ShortName VendorName GroupCode Status OnHold AddressLine1 AddressLine2 City "
        "StateProvince ZipPostalCode Country ContactName PhoneNumber Email Terms AccountSet CurrencyCode "
        "TaxGroup RateType",
        date="InactiveDate DateLastMaintained StartDate DateOfLastActivity",
        money="BalanceDueInVendorCurrency BalanceDueInFunctionalCurrency",
    ),
    description="AP vendors (vendor master)",
)

AR_CUSTOMERS = Resource(
    module="AR", name="ARCustomers", table="ar_customers", kind="master",
    keys=("CustomerNumber",), change_field="DateLastMaintained",
    columns=cols(
        text="CustomerNumber ShortName CustomerName GroupCode NationalAccount Status OnHold AddressLine1 "
        "AddressLine2 City StateProvince ZipPostalCode Country ContactName PhoneNumber Email TerritoryCode "
        "AccountSet BillingCycle InterestProfile CurrencyCode AccountType Terms RateType TaxGroup "
        "Salesperson1 CustomerPriceList PrintStatements",
        date="InactiveDate DateLastMaintained StartDate DateOfLastActivity DateOfLastInvoice DateOfLastReceipt",
        money="CreditLimitCustomerCurrency BalanceDueInCustomerCurrency BalanceDueInFunctionalCurrency",
        int="NumberOfOpenDocuments",
    ),
    description="AR customers (customer master)",
)

GL_ACCOUNTS = Resource(
    module="GL", name="GLAccounts", table="gl_accounts", kind="master",
    # GL accounts carry only DateCreated: nothing marks an edit, so they are always read in full.
    keys=("UnformattedAccount",), change_field=None,
    columns=cols(
        text="UnformattedAccount AccountNumber Description AccountType NormalBalanceDRCR Status PostToAccount "
        "StructureCode AccountGroupCode AccountSegmentCode1 AccountSegmentCode2 AccountSegmentCode3 "
        "AccountSegmentCode4 Multicurrency DefaultCurrencyCode ControlAccount QuantitiesAllowed "
        "AllocationsAllowed RollupSwitch YearLastClosed",
        date="DateCreated",
    ),
    description="GL chart of accounts with segment codes (account-department-region)",
)

IC_ITEMS = Resource(
    module="IC", name="ICItems", table="ic_items", kind="master",
    keys=("UnformattedItemNumber",), change_field="DateLastMaintained",
    columns=cols(
        text="UnformattedItemNumber ItemNumber Description Category StructureCode AccountSetCode Status "
        "StockingUnitOfMeasure DefaultPriceListCode WeightUnitOfMeasure PreferredVendor",
        bool="StockItem Sellable KittingItem",
        date="DateLastMaintained DateInactive",
        qty="QuantityOnHand QuantityAvailable QuantityCommitted QuantityOnPurchaseOrder QuantityOnSalesOrder "
        "UnitWeight",
        price="AverageCost",
    ),
    description="IC items with category and item-level quantities (totals over locations)",
)

CS_FISCAL_CALENDARS = Resource(
    module="CS", name="CSFiscalCalendars", table="cs_fiscal_calendars", kind="master",
    keys=("FiscalYear",), change_field=None,
    columns=cols(text="FiscalYear Active NumberOfFiscalPeriods", date=_FISCAL_PERIOD_DATES),
    description="Fiscal calendar: period start and end dates per fiscal year",
)

CS_COMPANY_PROFILE = Resource(
    module="CS", name="CSCompanyProfile", table="cs_company_profile", kind="master",
    # One record per company; its field names are not published, so it is optional and read as-is.
    keys=(), change_field=None, optional=True,
    columns=cols(
        text="OrganizationID Name AddressLine1 City StateProvince Country FunctionalCurrency Multicurrency "
        "RateType",
    ),
    description="Company profile (functional currency); present on some versions only",
)

# ---------------------------------------------------------------- transactions (company × date)

AP_INVOICE_BATCHES = Resource(
    module="AP", name="APInvoiceBatches", table="ap_invoice_batches", kind="transaction",
    keys=("BatchNumber",), partition_date="BatchDate", change_field="DateLastEdited",
    status_field="BatchStatus",
    columns=cols(
        int="BatchNumber NumberOfEntries LastEntryNumber PostingSequenceNumber NumberOfErrors",
        date="BatchDate DateLastEdited",
        text="Description BatchType BatchStatus InvoiceType SourceApplication",
        money="BatchTotal",
    ),
    children=(
        Collection(
            field="Invoices", table="ap_invoices", keys=("EntryNumber",), refs=(_VENDOR,),
            columns=cols(
                int="EntryNumber NumberOfDetails",
                text="VendorNumber VendorName DocumentNumber DocumentType TransactionType OrderNumber PONumber "
                "InvoiceDescription ApplytoDocument AccountSet FiscalYear FiscalPeriod CurrencyCode RateType "
                "Terms OnHold TaxGroup EnteredBy",
                date="DocumentDate AsOfDate PostingDate RateDate DueDate DiscountDate",
                rate="ExchangeRate DiscountPercentage",
                money="DiscountAmountAvailable TaxTotal DocumentTotalBeforeTaxes DocumentTotalIncludingTax "
                "DistributedTotalBeforeTaxes DistributedTotalIncludingTax AmountDue FunctionalAmountDue",
            ),
            children=(
                Collection(
                    field="InvoiceDetails", table="ap_invoice_lines", keys=("LineNumber",),
                    refs=(Ref("GLAccount", "gl_accounts", "UnformattedAccount"),),
                    columns=cols(
                        int="LineNumber",
                        text="DistributionCode DistributionDescription GLAccount ItemNumber UnitOfMeasure Comment",
                        money="DistributedAmount DistributedAmountBeforeTaxes TaxTotal FunctionalDistributedAmount",
                        qty="Quantity",
                        price="Cost",
                    ),
                ),
            ),
        ),
    ),
    description="AP invoice batches → invoices, debit and credit notes → distribution lines",
)

AR_INVOICE_BATCHES = Resource(
    module="AR", name="ARInvoiceBatches", table="ar_invoice_batches", kind="transaction",
    keys=("BatchNumber",), partition_date="BatchDate", change_field="DateLastEdited",
    status_field="BatchStatus",
    columns=cols(
        int="BatchNumber NumberOfEntries LastEntryNumber PostingSequenceNumber NumberOfErrors",
        date="BatchDate DateLastEdited",
        text="Description BatchType BatchStatus DefaultInvoiceType SourceApplication",
        money="BatchTotal",
    ),
    children=(
        Collection(
            field="Invoices", table="ar_invoices", keys=("EntryNumber",), refs=(_CUSTOMER,),
            columns=cols(
                int="EntryNumber NumberOfDetails",
                text="CustomerNumber DocumentNumber DocumentType TransactionType InvoiceType OrderNumber PONumber "
                "InvoiceDescription ApplytoDocument AccountSet FiscalYear FiscalPeriod CurrencyCode RateType Terms TaxGroup "
                "EnteredBy",
                date="DocumentDate AsOfDate PostingDate RateDate DueDate DiscountDate",
                rate="ExchangeRate DiscountPercentage",
                money="DiscountAmountAvailable TaxTotal DocumentTotalBeforeTax DocumentTotalIncludingTax AmountDue",
            ),
            children=(
                Collection(
                    field="InvoiceDetails", table="ar_invoice_lines", keys=("LineNumber",),
                    refs=(Ref("RevenueAccount", "gl_accounts", "UnformattedAccount"),),
                    columns=cols(
                        int="LineNumber",
                        text="ItemNumber DistributionCode Description UnitOfMeasure RevenueAccount InventoryAccount "
                        "COGSAccount",
                        qty="Quantity",
                        price="Price Cost",
                        money="ExtendedAmountWithTIP ExtendedAmountWithoutTIP TaxTotal COGSAmount",
                    ),
                ),
                Collection(
                    field="InvoicePaymentSchedules", table="ar_invoice_payment_schedules",
                    keys=("PaymentNumber",),
                    columns=cols(int="PaymentNumber", date="DueDate DiscountDate", money="AmountDue DiscountAmount"),
                ),
            ),
        ),
    ),
    description="AR invoice batches → invoices, debit and credit notes → lines and payment schedules",
)

AR_RECEIPT_BATCHES = Resource(
    module="AR", name="ARReceiptAndAdjustmentBatches", table="ar_receipt_batches", kind="transaction",
    keys=("BatchRecordType", "BatchNumber"), partition_date="BatchDate", change_field="DateLastEdited",
    status_field="BatchStatus",
    columns=cols(
        text="BatchRecordType Description BatchType BatchStatus BankCode DefaultBankCurrency SourceApplication",
        int="BatchNumber NumberOfEntries LastEntryNumber PostingSequenceNumber NumberOfErrors DepositNumber",
        date="BatchDate DateLastEdited DepositDate",
        money="BatchTotal",
    ),
    children=(
        Collection(
            field="ReceiptsAdjustments", table="ar_receipts", keys=("EntryNumber",), refs=(_CUSTOMER,),
            columns=cols(
                int="EntryNumber",
                text="BatchType CustomerNumber CheckReceiptNumber EntryDescription EntryReference "
                "ReceiptTransactionType PaymentCode CustomerCurrencyCode FiscalYear FiscalPeriod DocumentNumber",
                date="ReceiptDateAdjustmentDate PostingDate",
                money="BankReceiptAmount CustomerReceiptAmount CustomerUnappliedAmount FunctionalReceiptAmount",
            ),
            children=(
                Collection(
                    field="AppliedReceiptsAdjustments", table="ar_receipt_applications", keys=("LineNumber",),
                    refs=(_CUSTOMER,),
                    columns=cols(
                        int="LineNumber PaymentNumber",
                        text="CustomerNumber DocumentNumber TransactionType Description Reference",
                        money="CustomerReceiptAmount CustomerDiscountAmountTaken DocumentAmountDue",
                        date="DocumentDate",
                    ),
                ),
            ),
        ),
    ),
    description="AR receipt and adjustment batches → receipts → applications to invoices",
)

AP_PAYMENT_BATCHES = Resource(
    module="AP", name="APPaymentAndAdjustmentBatches", table="ap_payment_batches", kind="transaction",
    keys=("BatchSelector", "BatchNumber"), partition_date="BatchDate", change_field="DateLastEdited",
    status_field="BatchStatus",
    columns=cols(
        text="BatchSelector Description BatchStatus BankCode BankCurrencyCode SourceApplication",
        int="BatchNumber NumberOfEntries LastEntryNumber PostingSequenceNumber NumberOfErrors",
        date="BatchDate DateLastEdited",
        money="BatchTotal",
    ),
    children=(
        Collection(
            field="PaymentsAdjustments", table="ap_payments", keys=("EntryNumber",), refs=(_VENDOR,),
            columns=cols(
                int="EntryNumber",
                text="BatchType CheckNumber VendorNumber EntryDescription VendorPayeeName PaymentTransactionType "
                "EntryReference PaymentCode VendorCurrencyCode FiscalYear FiscalPeriod",
                date="PaymentDateAdjustmentDate PostingDate",
                money="CheckAmountInBankCurrency CheckAmountInVendorCurrency FunctionalPaymentAmount",
            ),
            children=(
                Collection(
                    field="AppliedPayments", table="ap_payment_applications", keys=("LineNumber",),
                    refs=(_VENDOR,),
                    columns=cols(
                        int="LineNumber PaymentNumber",
                        text="VendorNumber PaymentType DocumentNumber",
                        money="PaymentAmount DiscountAmount",
                    ),
                ),
            ),
        ),
    ),
    description="AP payment and adjustment batches → payments → applications to invoices",
)

GL_JOURNAL_BATCHES = Resource(
    module="GL", name="GLJournalBatches", table="gl_journal_batches", kind="transaction",
    # GL batches have no batch date; the creation date is the top-level filterable date.
    keys=("BatchNumber",), partition_date="DateCreated", change_field="DateLastEdited",
    status_field="Status",
    columns=cols(
        text="BatchNumber ActiveSwitch Description SourceLedger JournalBatchType Status Printed ReadyToPost",
        int="PostingSequence NumberOfEntries NumberOfErrors",
        date="DateCreated DateLastEdited",
        money="Debits Credits",
    ),
    children=(
        Collection(
            field="JournalHeaders", table="gl_journal_entries", keys=("EntryNumber",),
            columns=cols(
                text="EntryNumber Originator SourceLedger SourceType FiscalYear FiscalPeriod AutoReversal "
                "Description EnteredBy DocumentNumber",
                int="NumberOfDetails",
                money="Debits Credits",
                date="PostingDate DocumentDate",
            ),
            children=(
                Collection(
                    field="JournalDetails", table="gl_journal_lines", keys=("TransactionNumber",),
                    refs=(Ref("AccountNumber", "gl_accounts", "UnformattedAccount"),),
                    columns=cols(
                        text="TransactionNumber AccountNumber HomeCurrency SourceCurrency Description Reference "
                        "SourceLedger SourceType Comment",
                        money="Amount SourceCurrencyAmount",
                        qty="Quantity",
                        rate="CurrencyRate",
                        date="CurrencyRateDate JournalDate",
                    ),
                ),
            ),
        ),
    ),
    description="GL journal batches → entries → lines (amounts signed: debit +, credit −)",
)

GL_POSTED_TRANSACTIONS = Resource(
    module="GL", name="GLPostedTransactions", table="gl_posted_transactions", kind="transaction",
    keys=("AccountNumber", "FiscalYear", "FiscalPeriod", "SourceCurrencyCode", "SourceLedgerCode",
          "SourceTypeCode", "PostingSequenceNumber", "DetailCount"),
    # Posted GL has no edit date; the posting sequence only grows, so it marks what is new.
    partition_date="JournalDate", change_field="PostingSequenceNumber", change_kind="sequence",
    refs=(Ref("AccountNumber", "gl_accounts", "UnformattedAccount"),),
    columns=cols(
        text="AccountNumber FiscalYear FiscalPeriod SourceCurrencyCode SourceLedgerCode SourceTypeCode "
        "BatchNumber JournalEntryNumber JournalDetailDescription JournalDetailReference HomeCurrencyCode",
        int="PostingSequenceNumber DetailCount JournalTransactionNumber",
        date="JournalDate DocumentDate",
        money="JournalTransactionAmount SourceCurrencyAmount ReportCurrencyAmount",
        qty="JournalTransactionQuantity",
    ),
    description="Posted GL transactions (the ledger the trial balance is built from)",
)

PO_PURCHASE_ORDERS = Resource(
    module="PO", name="POPurchaseOrders", table="po_purchase_orders", kind="transaction",
    keys=("PurchaseOrderSequenceKey",), partition_date="PurchaseOrderDate", change_field=None,
    refs=(Ref("Vendor", "ap_vendors", "VendorNumber"),),
    columns=cols(
        int="PurchaseOrderSequenceKey",
        text="PurchaseOrderNumber Vendor VendorName Description Reference Comment CurrencyCode Status",
        date="PurchaseOrderDate ExpectedArrivalDate",
        money="ExtendedCost",
    ),
    children=(
        Collection(
            field="PurchaseOrderLines", table="po_purchase_order_lines", keys=("LineNumber",),
            refs=(Ref("ItemNumber", "ic_items", "ItemNumber"),),
            columns=cols(
                int="LineNumber",
                text="ItemNumber ItemDescription Location UnitOfMeasure",
                qty="QuantityOrdered QuantityReceived",
                price="UnitCost",
                money="ExtendedCost",
            ),
        ),
    ),
    description="Purchase orders → lines",
)

OE_ORDERS = Resource(
    module="OE", name="OEOrders", table="oe_orders", kind="transaction",
    keys=("OrderUniquifier",), partition_date="OrderDate", change_field=None,
    refs=(_CUSTOMER,),
    columns=cols(
        int="OrderUniquifier",
        text="OrderNumber OrderType CustomerNumber CustomerGroupCode OrderReference OrderDescription "
        "OrderComment ShipToName CurrencyCode LastShipmentNumber LastInvoiceNumber",
        date="OrderDate ExpectedShipDate",
        money="OrderTotal",
    ),
    children=(
        Collection(
            field="OrderDetails", table="oe_order_lines", keys=("LineNumber",),
            # Miscellaneous-charge lines carry no item; the check skips empty references.
            refs=(Ref("Item", "ic_items", "ItemNumber"),),
            columns=cols(
                int="LineNumber",
                text="LineType Item Description Location UnitOfMeasure MiscellaneousChargesCode",
                qty="QuantityOrdered QuantityShipped QuantityBackordered",
                price="OrderUnitPrice UnitCost",
                money="ExtendedAmount",
            ),
        ),
    ),
    description="Sales orders → lines (revenue and cost for margin)",
)

MASTERS: tuple[Resource, ...] = (
    AP_VENDORS, AR_CUSTOMERS, GL_ACCOUNTS, IC_ITEMS, CS_FISCAL_CALENDARS, CS_COMPANY_PROFILE,
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
    keys=("UnformattedItemNumber",), partition_date="SnapshotDate", change_field=None,
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
