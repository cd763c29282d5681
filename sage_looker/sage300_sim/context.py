"""Per-company generation state, kept after generation so mutations continue the same sequences.

Holds the company's random stream, fiscal calendar and rates, the masters the transaction generators
draw from, number sequences (batch numbers with the gaps deleted batches leave, posting sequences)
and the open-item register that payments, receipts and credit notes apply to.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sage_looker.sage300_sim.config import SimulatorConfig
from sage_looker.sage300_sim.shapes import FRAMEWORK_FIELD
from sage_looker.sage300_sim.values import ZERO, FiscalCalendar, RateTable

DAY = dt.timedelta(days=1)


@dataclass
class Doc:
    """An AP or AR document others apply to. `open_entered` counts every entered application (what the
    generator may still apply); `open_posted`/`func_open_posted` only posted ones (the ledger balance)."""

    ledger: str
    number: str
    party: str
    doc_type: str
    currency: str
    rate: Decimal
    date: dt.date
    due: dt.date
    total: Decimal
    func_total: Decimal
    open_entered: Decimal
    open_posted: Decimal = ZERO
    func_open_posted: Decimal = ZERO
    posted: bool = False
    # AR payment schedules: [payment number, due date, amount still open (entered)].
    schedules: list[list[Any]] = field(default_factory=list)
    # Posted changes to the amount due, each on its own date: (date, source amount, functional amount).
    # The document's posting adds its signed total on the document date; every application, credit
    # note, adjustment or apply-document entry adds its own signed change on its own date. The
    # simulator's truth "open as of D" sums the events dated <= D (truth_ledgers.py).
    events: list[tuple[dt.date, Decimal, Decimal]] = field(default_factory=list)
    # Posted-ledger attributes (batch, entry, posting date, fiscal year/period, terms, ...).
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Party:
    number: str
    name: str
    currency: str
    terms: str
    tax_group: str
    tax_rate: Decimal
    group: str
    account_set: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Item:
    number: str          # formatted, e.g. "A1-105/0"
    unformatted: str     # key, e.g. "A11050"
    description: str
    category: str
    cost: Decimal
    price: Decimal
    vendor: str


class CompanyCtx:
    def __init__(self, config: SimulatorConfig, company: str) -> None:
        self.config = config
        self.company = company
        self.currency = config.currency_of(company)
        self.today = config.effective_today
        self.start = self.today - (config.days - 1) * DAY
        self.scale = config.scale
        self.rng = random.Random(f"{config.seed}:{company}")
        self.cal = FiscalCalendar(config.fiscal_year_start_month)
        self.rates = RateTable(self.currency, self.start - 400 * DAY, self.today + 60 * DAY, config.seed)
        self.fw: dict[str, str] = {FRAMEWORK_FIELD: "Unspecified"} if config.framework_fields else {}
        self.counters: dict[str, int] = {}
        self.docs: dict[tuple[str, str], Doc] = {}
        # Payable/receivable documents per (ledger, party), released once their batch is posted.
        self.pools: dict[tuple[str, str], list[Doc]] = {}
        self.pending: dict[dt.date, list[Doc]] = {}
        self.vendors: list[Party] = []
        self.customers: list[Party] = []
        self.items: list[Item] = []
        # Role → unformatted account numbers (e.g. "expense" → ["600010010", ...]); account → description.
        self.accounts: dict[str, list[str]] = {}
        self.account_desc: dict[str, str] = {}
        self.banks: dict[str, tuple[str, str]] = {}
        # (ledger, party) → days it pays after the due date.
        self.delays: dict[tuple[str, str], int] = {}  # currency → (bank code, GL account)
        self.out: dict[str, list[dict]] = {}
        # Batches waiting for their posting day: (day, rank, resource name, record).
        self.postings: list[tuple[dt.date, int, str, dict]] = []
        # GL batches to number in creation order: (created, tiebreak, ledger, description, entries, status,
        # posted day). Posted-ledger detail counters per GLPostedTransactions key prefix.
        self.gl_specs: list[tuple] = []
        self.detail_counts: dict[tuple, int] = {}
        # Posted unapplied cash per customer (source, functional); last activity per (ledger, party, kind).
        self.unapplied: dict[str, tuple[Decimal, Decimal]] = {}
        # Prepayments (AR) released for later Apply Document entries, per customer.
        self.prepaid: dict[str, list[Doc]] = {}
        # GL accounts closed at year end: fiscal years already closed.
        self.closed_years: set[str] = set()
        self.activity: dict[tuple[str, str, str], dt.date] = {}

    # -------------------------------------------------------------- sequences

    def next(self, name: str, start: int = 1, gap_rate: float = 0.0) -> int:
        """Next number of a sequence; `gap_rate` leaves holes like deleted batches do in Sage."""
        n = self.counters.get(name, start - 1) + 1
        if gap_rate and self.rng.random() < gap_rate:
            n += 1
        self.counters[name] = n
        return n

    def count(self, base: float) -> int:
        """How many of something happen today: `base` per day at scale 1, ±40 %."""
        x = base * self.scale * self.rng.uniform(0.6, 1.4)
        n = int(x)
        return n + (1 if self.rng.random() < x - n else 0)

    # -------------------------------------------------------------- lifecycle

    def lifecycle(self, created: dt.date) -> tuple[str, dt.date | None]:
        """Status today of a batch created on `created` and the day it was posted: older batches are
        posted (within two days of entry), the last days' are still open or ready to post."""
        age = (self.today - created).days
        r = self.rng.random()
        if age >= 3:
            return "Posted", created + self.rng.choice((0, 0, 1, 2)) * DAY
        if age >= 1:
            if r < 0.3:
                return "Posted", created + DAY
            return ("ReadyToPost", None) if r < 0.65 else ("Open", None)
        return ("ReadyToPost", None) if r < 0.3 else ("Open", None)

    def last_edited(self, created: dt.date, posted_day: dt.date | None) -> dt.date:
        if posted_day is not None:
            return posted_day
        return created + self.rng.randint(0, (self.today - created).days) * DAY

    def period(self, d: dt.date) -> tuple[str, str]:
        return self.cal.period_of(d)

    def note_activity(self, ledger: str, party: str, kind: str, d: dt.date) -> None:
        k = (ledger, party, kind)
        if k not in self.activity or self.activity[k] < d:
            self.activity[k] = d

    def rate(self, currency: str, d: dt.date) -> Decimal:
        return self.rates.rate(currency, d)

    def emit(self, resource: str, rec: dict) -> dict:
        self.out.setdefault(resource, []).append(rec)
        return rec

    # -------------------------------------------------------------- open items

    def register(self, doc: Doc, payable_from: dt.date | None) -> None:
        """Record a document; it becomes payable the day after `payable_from` (its batch's posting day)."""
        self.docs[(doc.ledger, doc.number)] = doc
        if payable_from is not None and doc.doc_type not in ("CreditNote", "UnappliedCash"):
            self.pending.setdefault(payable_from, []).append(doc)

    def release(self, d: dt.date) -> None:
        """Documents posted before `d` may be paid on `d`."""
        for doc in self.pending.pop(d - DAY, ()):
            if doc.doc_type == "Prepayment":
                self.prepaid.setdefault(doc.party, []).append(doc)
            else:
                self.pools.setdefault((doc.ledger, doc.party), []).append(doc)

    def open_docs(self, ledger: str, party: str) -> list[Doc]:
        pool = self.pools.get((ledger, party), [])
        pool[:] = [x for x in pool if x.open_entered > 0]
        return pool

    def parties_with_open(self, ledger: str) -> list[str]:
        return sorted(p for (lg, p), docs in self.pools.items()
                      if lg == ledger and any(x.open_entered > 0 for x in docs))

    def payers(self, ledger: str, d: dt.date, n: int) -> list[str]:
        """Who pays on `d`: mostly parties with a document due within a week (or overdue), a few early."""
        due, rest = [], []
        horizon = d + 7 * DAY
        for (lg, p), docs in sorted(self.pools.items()):
            if lg != ledger:
                continue
            open_docs = [x for x in docs if x.open_entered > 0]
            if open_docs:
                late = self.delays.get((ledger, p), 0) * DAY
                (due if min(x.due for x in open_docs) + late <= horizon else rest).append(p)
        chosen = self.rng.sample(due, min(n, len(due)))
        if len(chosen) < n and rest and self.rng.random() < 0.3:
            chosen.append(self.rng.choice(rest))
        return sorted(chosen)
