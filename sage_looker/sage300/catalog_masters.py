"""Catalog entries for master data (partitioned by company). See `catalog.py` for how the catalog is used."""

from __future__ import annotations

from sage_looker.sage300.catalog_model import Collection, Resource, cols

_FISCAL_PERIOD_DATES = " ".join(
    f"FiscalPeriod{n}StartDate FiscalPeriod{n}EndDate" for n in range(1, 14)
)

# ---------------------------------------------------------------- master data (partitioned by company)

AP_VENDORS = Resource(
    module="AP", name="APVendors", table="ap_vendors", kind="master",
    keys=("VendorNumber",), change_field="DateLastMaintained",
    columns=cols(
        text="VendorNumber ShortName VendorName GroupCode Status OnHold AddressLine1 AddressLine2 City "
        "StateProvince ZipPostalCode Country ContactName PhoneNumber Email Terms AccountSet CurrencyCode "
        "TaxGroup RateType AddressLine3 AddressLine4 FaxNumber",
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
        "Salesperson1 CustomerPriceList PrintStatements AddressLine3 AddressLine4 FaxNumber WebSite",
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
        "AllocationsAllowed RollupSwitch YearLastClosed UnitOfMeasure AllocOffsetAccount AllocSourceType "
        "SpecificCurrency AccountGroupSortCode",
        date="DateCreated",
        money="AllocationPercentTotal",
        # Currencies a multicurrency account accepts, with their revaluation codes: kept whole, as JSON.
        json="AccountValidCurrencies",
    ),
    # Which subledgers post to a control account (AR, AP, …): the tie-outs find the AR/AP control accounts here.
    children=(
        Collection(field="ControlAccountSubledgers", table="gl_account_control_subledgers", keys=("SubledgerCode",),
                   columns=cols(text="SubledgerCode AccountNumber")),
    ),
    description="GL chart of accounts with segment codes (account-department-region)",
)

IC_ITEMS = Resource(
    module="IC", name="ICItems", table="ic_items", kind="master",
    keys=("UnformattedItemNumber",), change_field="DateLastMaintained",
    columns=cols(
        text="UnformattedItemNumber ItemNumber Description Category StructureCode AccountSetCode Status "
        "StockingUnitOfMeasure DefaultPriceListCode WeightUnitOfMeasure PreferredVendor PreferredVendorItem Comment1",
        bool="StockItem Sellable KittingItem",
        date="DateLastMaintained DateInactive",
        qty="QuantityOnHand QuantityAvailable QuantityCommitted QuantityOnPurchaseOrder QuantityOnSalesOrder "
        "UnitWeight",
        price="AverageCost",
        json="ItemUnitsOfMeasure",  # unit conversions, kept whole as JSON
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
        "RateType PhoneNumber",
    ),
    description="Company profile (functional currency); present on some versions only",
)

# ---------------------------------------------------------------- posted ledgers (partitioned by company)
#
# Open items need the whole posted history on any as-of date, not the loaded date window: entry batches
# disappear when history is cleared and older documents fall outside the window. The posted-document
# ledgers are therefore company-partitioned masters, read in full each run (Sage has no delete marker;
# a full read also catches documents paid off since the last run). `LastActivityDate` moves whenever a
# document is applied to, so it is the change field a future incremental merge would key on.
# Amounts are signed as they act on the balance (credit notes, prepayments, unapplied cash negative);
# `...AmountDue` is what is open today, in the party's currency and in functional currency as Sage stores it.

_POSTED_DOCUMENT_TEXT = (
    "DocumentNumber DocumentType TransactionType FiscalYear FiscalPeriod CurrencyCode RateType Terms FullyPaid"
)

AR_POSTED_DOCUMENTS = Resource(
    module="AR", name="ARPostedDocuments", table="ar_posted_documents", kind="master",
    # Field names from Sage's AR $metadata (PostedDocument, AR0036 AROBL).
    keys=("CustomerNumber", "DocumentNumber"), change_field="LastActivityDate",
    columns=cols(
        text="CustomerNumber " + _POSTED_DOCUMENT_TEXT,
        int="BatchNumber EntryNumber RateOperator NumberOfScheduledPayments",
        date="DocumentDate DueDate PostingDate DatePaid LastActivityDate",
        rate="ExchangeRate",
        money="CustomerCurrencyInvoiceAmount CustomerCurrencyAmountDue FunctionalCurrencyInvoiceAmount "
        "FunctionalCurrencyAmountDue",
    ),
    description="AR posted documents (open-item ledger, full history): invoices, notes, prepayments, unapplied cash",
)

AP_POSTED_DOCUMENTS = Resource(
    module="AP", name="APPostedDocuments", table="ap_posted_documents", kind="master",
    # AP0025 APOBL; its Web API names are not published: mirrored from AR's PostedDocument (check AP/$metadata).
    keys=("VendorNumber", "DocumentNumber"), change_field="LastActivityDate",
    columns=cols(
        text="VendorNumber " + _POSTED_DOCUMENT_TEXT,
        int="BatchNumber EntryNumber RateOperator NumberOfScheduledPayments",
        date="DocumentDate DueDate PostingDate DatePaid LastActivityDate",
        rate="ExchangeRate",
        money="VendorCurrencyInvoiceAmount VendorCurrencyAmountDue FunctionalCurrencyInvoiceAmount "
        "FunctionalCurrencyAmountDue",
    ),
    description="AP posted documents (open-item ledger, full history): invoices, notes, prepayments",
)

GL_ACCOUNT_FISCAL_SETS = Resource(
    module="GL", name="GLAccountFiscalSets", table="gl_account_fiscal_sets", kind="master",
    # GL0103 GLAFS: OPENBAL and NETPERD1..15 (13 periods, 14 = adjustment, 15 = closing). Web API names
    # are not published; these follow the view's field descriptions (check GL/$metadata).
    keys=("AccountNumber", "FiscalSetYear", "FiscalSetDesignator", "CurrencyCode", "CurrencyType"),
    change_field=None,
    columns=cols(
        text="AccountNumber FiscalSetYear FiscalSetDesignator CurrencyCode CurrencyType",
        money="OpeningBalance " + " ".join(f"NetPeriod{n}" for n in range(1, 16)),
    ),
    description="GL fiscal-set balances: opening balance and net change per period (actuals, budgets)",
)
