"""Catalog entries for master data (partitioned by company). See `catalog.py` for how the catalog is used."""

from __future__ import annotations

from sage_looker.sage300.catalog_model import Resource, cols

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
