"""Value helpers shared by the generators: exact money, the fiscal calendar, exchange rates, names.

Money never passes through float: amounts are built from integer cents and rounded half-up, the way
Sage rounds to the currency's decimals.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATE_STEP = Decimal("0.0000001")
ZERO = Decimal("0.00")
ONE_RATE = Decimal("1.0000000")


def cents(n: int) -> Decimal:
    """Integer cents → exact amount with two decimals."""
    return Decimal(n).scaleb(-2)


def money(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def qty(n: int) -> Decimal:
    return Decimal(n).quantize(Decimal("0.0000"))


# Sage's RateOperator: how a currency's rate turns a source amount into functional currency. The rate table
# decides it per currency pair; here SAMINC (USD) quotes CAD the way Canadian banks do, as CAD per USD (about
# 1.35), so its CAD amounts are divided by the rate; everything else multiplies. A currency's own
# functional documents carry rate 1, where both operators agree.
MULTIPLY, DIVIDE = 1, 2
DIVIDE_QUOTED = frozenset({"CAD"})


def rate_operator(currency: str) -> int:
    return DIVIDE if currency in DIVIDE_QUOTED else MULTIPLY


def functional(amount: Decimal, rate: Decimal, currency: str) -> Decimal:
    """Source amount in `currency` at its exchange rate, × or ÷ by the currency's rate operator, rounded
    half-up to cents as Sage stores functional amounts."""
    if rate_operator(currency) == DIVIDE:
        return money(amount / rate)
    return money(amount * rate)


def spread(total: Decimal, parts: list[Decimal]) -> list[Decimal]:
    """Round each part, then put the rounding difference on the largest, so the parts sum to `total`."""
    if not parts:
        return []
    out = list(parts)
    diff = total - sum(out, ZERO)
    if diff:
        i = max(range(len(out)), key=lambda k: abs(out[k]))
        out[i] += diff
    return out


_DATE_TEXT: dict[dt.date, str] = {}


def sage_date(d: dt.date | None) -> str | None:
    """Sage serializes calendar dates as midnight UTC: `2019-06-13T00:00:00Z`."""
    if d is None:
        return None
    s = _DATE_TEXT.get(d)
    if s is None:
        s = _DATE_TEXT[d] = d.isoformat() + "T00:00:00Z"
    return s


class FiscalCalendar:
    """Twelve periods per fiscal year, aligned on calendar months from `start_month`.

    A fiscal year is named after the calendar year it ends in (FY2025 = Apr 2024 – Mar 2025 when it
    starts in April); with a January start the name is simply the calendar year.
    """

    def __init__(self, start_month: int = 1) -> None:
        self.start_month = start_month
        self._cache: dict[tuple[int, int], tuple[str, str]] = {}

    def period_of(self, d: dt.date) -> tuple[str, str]:
        key = (d.year, d.month)
        hit = self._cache.get(key)
        if hit is None:
            s = self.start_month
            start_year = d.year if d.month >= s else d.year - 1
            year = start_year if s == 1 else start_year + 1
            hit = self._cache[key] = (str(year), f"{(d.month - s) % 12 + 1:02d}")
        return hit

    def periods(self, fiscal_year: int) -> list[tuple[dt.date, dt.date]]:
        s = self.start_month
        y = fiscal_year if s == 1 else fiscal_year - 1
        out = []
        for i in range(12):
            m0 = s - 1 + i
            start = dt.date(y + m0 // 12, m0 % 12 + 1, 1)
            m1 = m0 + 1
            end = dt.date(y + m1 // 12, m1 % 12 + 1, 1) - dt.timedelta(days=1)
            out.append((start, end))
        return out


class RateTable:
    """Daily spot rates foreign → functional: a deterministic random walk per currency pair."""

    _BASE = {("USD", "CAD"): Decimal("1.3500000"), ("CAD", "USD"): Decimal("1.3500000")}  # CAD/USD: divide

    def __init__(self, functional_ccy: str, start: dt.date, end: dt.date, seed: int) -> None:
        self.functional = functional_ccy
        self._rates: dict[tuple[str, dt.date], Decimal] = {}
        rng = random.Random(f"rates:{seed}:{functional_ccy}")
        for (src, dst), base in self._BASE.items():
            if dst != functional_ccy:
                continue
            level = base
            d = start
            while d <= end:
                self._rates[(src, d)] = level
                step = Decimal(rng.randint(-15, 15)) * Decimal("0.0001") * base
                level = (level + step).quantize(RATE_STEP, rounding=ROUND_HALF_UP)
                d += dt.timedelta(days=1)

    def rate(self, currency: str, d: dt.date) -> Decimal:
        if currency == self.functional:
            return ONE_RATE
        r = self._rates.get((currency, d))
        if r is None:
            known = [k for k in self._rates if k[0] == currency]
            if not known:
                return ONE_RATE
            # Outside the generated window (mutations dated later): nearest known day.
            r = self._rates[min(known, key=lambda k: abs((k[1] - d).days))]
        return r


NAME_FIRST = (
    "Acme", "Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Vandelay", "Gould", "Mueller", "Pacific",
    "Atlantic", "Summit", "Cascade", "Evergreen", "Harbor", "Granite", "Maple", "Cedar", "Aurora", "Lakeside",
    "Redwood", "Prairie", "Sterling", "Beacon", "Orchard", "Falcon", "Pioneer", "Horizon", "Keystone", "Meridian",
)
NAME_LAST = (
    "Manufacturing Ltd.", "Supply Co.", "Industries", "Logistics Inc.", "Office Products", "Electric",
    "Services LLC", "Paper Corp.", "Freight", "Consulting", "Furniture", "Distributors", "Trading", "Hardware",
)
CONTACTS = (
    "Ann Lee", "Raj Patel", "Maria Garcia", "John Smith", "Chen Wei", "Fatima Khan", "Luc Tremblay",
    "Sara Cohen", "Tom Nguyen", "Olga Ivanova", "Kofi Mensah", "Emma Brown",
)
CITIES = {
    "USA": (("Seattle", "WA", "98101"), ("Portland", "OR", "97201"), ("San Francisco", "CA", "94105"),
            ("Chicago", "IL", "60601"), ("Boston", "MA", "02108"), ("Denver", "CO", "80202")),
    "Canada": (("Vancouver", "BC", "V6B 1A1"), ("Toronto", "ON", "M5H 2N2"), ("Calgary", "AB", "T2P 1J9"),
               ("Montreal", "QC", "H3B 2Y5"), ("Ottawa", "ON", "K1P 5J2")),
}
STREETS = ("Main St.", "Front St.", "King St. W", "Harbour Dr.", "Industrial Way", "Market St.", "Pine Ave.")


def party_name(rng: random.Random) -> str:
    return f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_LAST)}"


def country_of(currency: str) -> str:
    return "Canada" if currency == "CAD" else "USA"
