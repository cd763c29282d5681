"""Master data: company profile, fiscal calendar, segmented chart of accounts, vendors, customers, items.

Balances and activity dates on vendors, customers and items are filled in after the transactions
(`finish_masters`), so they agree with the posted documents.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sage_looker.sage300_sim.context import DAY, CompanyCtx, Item, Party
from sage_looker.sage300_sim.values import (
    CITIES,
    CONTACTS,
    STREETS,
    ZERO,
    cents,
    country_of,
    party_name,
    qty,
)

# (account, description, type, normal balance, role, departments, regions, account group)
CHART = (
    ("1000", "Cash - operating", "BalanceSheet", "Debit", "bank", ("100",), ("10",), "10"),
    ("1010", "Cash - foreign currency", "BalanceSheet", "Debit", "bank_fx", ("100",), ("10",), "10"),
    ("1200", "Accounts receivable", "BalanceSheet", "Debit", "ar_control", ("100",), ("10",), "10"),
    ("1300", "Inventory", "BalanceSheet", "Debit", "inventory", ("100",), ("10",), "10"),
    ("1400", "Sales tax recoverable", "BalanceSheet", "Debit", "tax_recoverable", ("100",), ("10",), "10"),
    ("2000", "Accounts payable", "BalanceSheet", "Credit", "ap_control", ("100",), ("10",), "20"),
    ("2100", "Sales tax payable", "BalanceSheet", "Credit", "tax_payable", ("100",), ("10",), "20"),
    ("2200", "Accrued liabilities", "BalanceSheet", "Credit", "accrued", ("100",), ("10",), "20"),
    ("3000", "Retained earnings", "RetainedEarnings", "Credit", "retained", ("100", "200", "300"), ("10",), "30"),
    ("4000", "Product sales", "IncomeStatement", "Credit", "revenue_product", ("200",), ("10", "20"), "40"),
    ("4100", "Service revenue", "IncomeStatement", "Credit", "revenue_service", ("200", "300"), ("10", "20"), "40"),
    ("5000", "Cost of goods sold", "IncomeStatement", "Debit", "cogs", ("300",), ("10", "20"), "50"),
    ("6000", "Salaries and wages", "IncomeStatement", "Debit", "payroll", ("100", "200", "300"), ("10", "20"), "60"),
    ("6100", "Rent", "IncomeStatement", "Debit", "expense", ("100",), ("10", "20"), "60"),
    ("6200", "Utilities", "IncomeStatement", "Debit", "expense", ("100", "300"), ("10",), "60"),
    ("6300", "Office supplies", "IncomeStatement", "Debit", "expense", ("100", "200"), ("10", "20"), "60"),
    ("6400", "Travel", "IncomeStatement", "Debit", "expense", ("200",), ("10", "20"), "60"),
    ("6500", "Professional fees", "IncomeStatement", "Debit", "expense", ("100",), ("10",), "60"),
    ("7000", "Bank charges", "IncomeStatement", "Debit", "bank_charges", ("100",), ("10",), "70"),
    ("7100", "Exchange gain and loss", "IncomeStatement", "Debit", "fx", ("100",), ("10",), "70"),
)
DEPARTMENTS = {"100": "Administration", "200": "Sales", "300": "Operations"}
REGIONS = {"10": "East", "20": "West"}
CATEGORIES = (("A1", "Desks"), ("A2", "Chairs"), ("A3", "Storage"), ("A4", "Lighting"), ("A5", "Accessories"),
              ("A6", "Electronics"))
_ADJ = ("Classic", "Executive", "Compact", "Ergonomic", "Modular", "Deluxe", "Economy", "Premium", "Mobile")
# Terms code → (days to due, discount days, discount %, number of scheduled payments).
TERMS = {"N30": (30, 0, ZERO, 1), "N45": (45, 0, ZERO, 1), "N15": (15, 0, ZERO, 1),
         "2-10": (30, 10, Decimal("2.00"), 1), "3PAY": (90, 0, ZERO, 3)}
TAX = {"USD": ("USDTAX", Decimal("0.0725")), "CAD": ("CADTAX", Decimal("0.13"))}


def foreign_currency(ctx: CompanyCtx) -> str:
    return "USD" if ctx.currency == "CAD" else "CAD"


def build_masters(ctx: CompanyCtx) -> None:
    _company_profile(ctx)
    _fiscal_calendars(ctx)
    _accounts(ctx)
    _vendors(ctx)
    _customers(ctx)
    _items(ctx)


def _company_profile(ctx: CompanyCtx) -> None:
    country = country_of(ctx.currency)
    city, prov, _ = CITIES[country][0]
    suffix = "Ltd." if ctx.currency == "CAD" else "Inc."
    ctx.emit("CSCompanyProfile", {
        **ctx.fw, "OrganizationID": ctx.company, "Name": f"Sample Company {suffix} ({ctx.company})",
        "AddressLine1": "100 Main St.", "City": city, "StateProvince": prov, "Country": country,
        "FunctionalCurrency": ctx.currency, "Multicurrency": "Yes", "RateType": "SP",
        "PhoneNumber": "6045550100",
    })


def _fiscal_calendars(ctx: CompanyCtx) -> None:
    first = int(ctx.period(ctx.start)[0])
    last = int(ctx.period(ctx.today)[0]) + 1
    current = int(ctx.period(ctx.today)[0])
    for year in range(first - 1, last + 1):
        rec = {**ctx.fw, "FiscalYear": str(year), "Active": "Yes" if year >= current - 1 else "No",
               "NumberOfFiscalPeriods": "12"}
        for n, (s, e) in enumerate(ctx.cal.periods(year), start=1):
            rec[f"FiscalPeriod{n}StartDate"] = s
            rec[f"FiscalPeriod{n}EndDate"] = e
        # Only companies with 13 periods use the 13th; Sage sends it empty.
        rec["FiscalPeriod13StartDate"] = None
        rec["FiscalPeriod13EndDate"] = None
        ctx.emit("CSFiscalCalendars", rec)


def _accounts(ctx: CompanyCtx) -> None:
    fx = foreign_currency(ctx)
    closed = str(int(ctx.period(ctx.start)[0]) - 1)
    for acct, desc, typ, normal, role, depts, regions, group in CHART:
        for dept in depts:
            for region in regions:
                unformatted = f"{acct}{dept}{region}"
                description = f"{desc} - {DEPARTMENTS[dept]} {REGIONS[region]}"
                control = role in ("ar_control", "ap_control")
                multi = role in ("bank_fx", "ar_control", "ap_control", "fx")
                ctx.accounts.setdefault(role, []).append(unformatted)
                if typ == "IncomeStatement":
                    ctx.accounts.setdefault("_income", []).append(unformatted)
                ctx.account_desc[unformatted] = description
                ctx.emit("GLAccounts", {
                    **ctx.fw, "UnformattedAccount": unformatted, "AccountNumber": f"{acct}-{dept}-{region}",
                    "Description": description, "AccountType": typ, "NormalBalanceDRCR": normal,
                    "Status": "Active", "PostToAccount": "Detail", "StructureCode": "ACCDR",
                    "AccountGroupCode": group, "AccountSegmentCode1": acct, "AccountSegmentCode2": dept,
                    "AccountSegmentCode3": region, "AccountSegmentCode4": "",
                    "Multicurrency": "Yes" if multi else "No", "DefaultCurrencyCode": ctx.currency,
                    "ControlAccount": "Yes" if control else "No", "QuantitiesAllowed": "No",
                    "AllocationsAllowed": "NoAllocation", "RollupSwitch": "No", "YearLastClosed": closed,
                    "DateCreated": ctx.start - ctx.rng.randint(400, 1500) * DAY,
                    "UnitOfMeasure": "", "AllocOffsetAccount": "", "AllocSourceType": "",
                    "SpecificCurrency": "SpecificCurrencies" if multi else "AllCurrencies",
                    "AccountGroupSortCode": group, "AllocationPercentTotal": Decimal("0.00"),
                    "AccountValidCurrencies": [
                        {**ctx.fw, "AccountNumber": unformatted, "CurrencyCode": c,
                         # the foreign bank balance is revalued at period end (gen_ledger.revaluation_entries)
                         "RevaluationSwitch": "Revalue" if role == "bank_fx" and c == fx else "Donotrevalue",
                         "RevaluationCode": "SP" if role == "bank_fx" and c == fx else ""}
                        for c in ((ctx.currency, fx) if multi else ())
                    ],
                    "ControlAccountSubledgers": [
                        {**ctx.fw, "AccountNumber": unformatted, "SubledgerCode": role[:2].upper()}
                    ] if control else [],
                })
    ctx.banks = {ctx.currency: ("SEATAC" if ctx.currency == "USD" else "TORDOM", ctx.accounts["bank"][0]),
                 fx: (f"{fx}BNK", ctx.accounts["bank_fx"][0])}


def _party(ctx: CompanyCtx, i: int, fx_share: float) -> Party:
    rng = ctx.rng
    currency = foreign_currency(ctx) if rng.random() < fx_share else ctx.currency
    tax_group, tax_rate = TAX[currency] if currency == ctx.currency else ("NOTAX", ZERO)
    return Party(
        number=str(1100 + 5 * i), name=party_name(rng), currency=currency,
        terms=rng.choice(("N30", "N30", "N45", "N15", "2-10")), tax_group=tax_group, tax_rate=tax_rate,
        group="", account_set=currency if currency != ctx.currency else ("USA" if currency == "USD" else "CAN"),
    )


def _address(ctx: CompanyCtx, p: Party) -> dict:
    rng = ctx.rng
    country = country_of(p.currency)
    city, prov, zipc = rng.choice(CITIES[country])
    contact = rng.choice(CONTACTS)
    status_active = rng.random() > 0.04
    p.extra["active"] = status_active
    return {
        "Status": "Active" if status_active else "Inactive",
        "AddressLine1": f"{rng.randint(10, 9999)} {rng.choice(STREETS)}", "AddressLine2": "",
        "AddressLine3": "", "AddressLine4": "",
        "City": city, "StateProvince": prov, "ZipPostalCode": zipc, "Country": country,
        "ContactName": contact, "PhoneNumber": f"{rng.randint(200, 999)}555{rng.randint(1000, 9999)}",
        "FaxNumber": "", "Email": f"{contact.split()[0].lower()}@{p.name.split()[0].lower()}.example.com",
        "InactiveDate": None if status_active else ctx.start - rng.randint(1, 300) * DAY,
        "DateLastMaintained": _maintained(ctx), "StartDate": ctx.start - rng.randint(200, 3000) * DAY,
    }


def _maintained(ctx: CompanyCtx) -> dt.date:
    # Most masters were last touched long ago; a few were edited in the last days (incremental reads).
    if ctx.rng.random() < 0.08:
        return ctx.today - ctx.rng.randint(0, 3) * DAY
    return ctx.start - ctx.rng.randint(0, 400) * DAY


def _delay(ctx: CompanyCtx) -> int:
    """Days a party pays late: most on time, a quarter late enough to fill every aging bucket."""
    return ctx.rng.randint(10, 75) if ctx.rng.random() < 0.25 else 0


def _vendors(ctx: CompanyCtx) -> None:
    n = min(5000, 12 + int(8 * ctx.scale))
    for i in range(n):
        p = _party(ctx, i, 0.2)
        p.group = ctx.rng.choice(("INV", "SRV", "UTL"))
        addr = _address(ctx, p)
        ctx.delays[("AP", p.number)] = _delay(ctx)
        ctx.vendors.append(p)
        ctx.emit("APVendors", {
            **ctx.fw, "VendorNumber": p.number, "ShortName": p.name[:10].upper(), "VendorName": p.name,
            "GroupCode": p.group, "OnHold": "NotOnHold", **addr, "Terms": p.terms, "AccountSet": p.account_set,
            "CurrencyCode": p.currency, "TaxGroup": p.tax_group, "RateType": "SP",
            "DateOfLastActivity": None, "BalanceDueInVendorCurrency": ZERO, "BalanceDueInFunctionalCurrency": ZERO,
        })


def _customers(ctx: CompanyCtx) -> None:
    n = min(5000, 20 + int(12 * ctx.scale))
    for i in range(n):
        p = _party(ctx, i, 0.15)
        if ctx.rng.random() < 0.1:
            p.terms = "3PAY"
        p.group = ctx.rng.choice(("WHL", "RTL", "INT"))
        addr = _address(ctx, p)
        ctx.delays[("AR", p.number)] = _delay(ctx)
        ctx.customers.append(p)
        ctx.emit("ARCustomers", {
            **ctx.fw, "CustomerNumber": p.number, "ShortName": p.name[:10].upper(), "CustomerName": p.name,
            "GroupCode": p.group, "NationalAccount": "", "OnHold": "No", **addr, "WebSite": "",
            "TerritoryCode": ctx.rng.choice(("EAST", "WEST")), "AccountSet": p.account_set,
            "BillingCycle": "BILLMT", "InterestProfile": "INTWHS", "CurrencyCode": p.currency,
            "AccountType": "OpenItem" if ctx.rng.random() < 0.85 else "BalanceForward", "Terms": p.terms,
            "RateType": "SP", "TaxGroup": p.tax_group, "Salesperson1": ctx.rng.choice(("AL", "BK", "CM")),
            "CustomerPriceList": "WHS" if p.group == "WHL" else "RTL", "PrintStatements": "Yes",
            "CreditLimitCustomerCurrency": cents(ctx.rng.choice((10, 25, 50, 100, 250)) * 100_000),
            "DateOfLastActivity": None, "DateOfLastInvoice": None, "DateOfLastReceipt": None,
            "BalanceDueInCustomerCurrency": ZERO, "BalanceDueInFunctionalCurrency": ZERO,
            "NumberOfOpenDocuments": 0,
        })


def _items(ctx: CompanyCtx) -> None:
    n = min(5000, 30 + int(10 * ctx.scale))
    rng = ctx.rng
    for i in range(n):
        cat, cat_name = CATEGORIES[i % len(CATEGORIES)]
        number = f"{cat}-{100 + 5 * (i // len(CATEGORIES)):03d}/0"
        cost = cents(rng.randint(500, 60000))
        item = Item(number=number, unformatted=number.replace("-", "").replace("/", ""),
                    description=f"{rng.choice(_ADJ)} {cat_name.rstrip('s').lower()} {i}", category=cat,
                    cost=cost, price=(cost * Decimal(rng.choice((130, 145, 160, 180))) / 100).quantize(cost),
                    vendor=rng.choice(ctx.vendors).number)
        ctx.items.append(item)
        ctx.emit("ICItems", {
            **ctx.fw, "UnformattedItemNumber": item.unformatted, "ItemNumber": item.number,
            "Description": item.description, "Category": cat, "StructureCode": "LONG", "AccountSetCode": "AVG",
            "Status": "Active", "StockingUnitOfMeasure": "Ea.", "DefaultPriceListCode": "WHS",
            "WeightUnitOfMeasure": "lbs.", "PreferredVendor": item.vendor, "PreferredVendorItem": "",
            "Comment1": "", "StockItem": True, "Sellable": True, "KittingItem": False,
            "DateLastMaintained": _maintained(ctx), "DateInactive": None,
            "QuantityOnHand": qty(rng.randint(20, 400)), "QuantityAvailable": ZERO, "QuantityCommitted": ZERO,
            "QuantityOnPurchaseOrder": ZERO, "QuantityOnSalesOrder": ZERO,
            "UnitWeight": qty(rng.randint(1, 80)), "AverageCost": cost.quantize(Decimal("0.000000")),
            "ItemUnitsOfMeasure": [
                {**ctx.fw, "ItemNumber": item.number, "UnitOfMeasure": "Ea.", "ConversionFactor": qty(1)},
                {**ctx.fw, "ItemNumber": item.number, "UnitOfMeasure": "Box", "ConversionFactor": qty(10)},
            ],
        })


def active(parties: list[Party]) -> list[Party]:
    return [p for p in parties if p.extra.get("active", True)]
