"""Two years of simulator history, the last 60 days loaded (as a nightly load would have them), every
document type Sage posts: the marts against the simulator's own document state and GL (truth_ledgers.py,
which replays each document's events and sums the GL batches — not the marts' rules), to the cent, and
dbt's tie-out tests as errors with no warnings.

One module-scoped build (generation, load through the client, `dbt build`) serves every test here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from sage_looker.dbt_project import run_dbt
from sage_looker.sage300 import catalog
from sage_looker.sage300_sim import truth_ledgers as tl
from sage_looker_tests.dbt.support import rows

# Plain imports, not importorskip: our own module failing to import is a failure, never a skip.
from sage_looker import warehouse as wh_mod
from sage_looker.sage300 import client as client_mod
from sage_looker.sage300.errors import SageResourceMissing
from sage_looker.sage300.settings import Sage300Settings
from sage_looker.sage300_sim import server as sim_mod
from sage_looker.sage300_sim.config import SimulatorConfig

TODAY = dt.date(2026, 3, 31)
HISTORY_DAYS = 730
WINDOW_START = TODAY - dt.timedelta(days=59)
AS_OF = [WINDOW_START, WINDOW_START + dt.timedelta(days=25), TODAY - dt.timedelta(days=7), TODAY]
LEDGERS = {"AR": ("ar_aging", "customer_number"), "AP": ("ap_aging", "vendor_number")}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("ledger_tie_out")
    path = root / "warehouse.duckdb"
    with sim_mod.run_simulator(SimulatorConfig(days=HISTORY_DAYS, today=TODAY, seed=23)) as sim:
        settings = Sage300Settings(url=sim.url, user="WEBAPI", password="WEBAPI", companies=list(sim.config.companies),
                                   page_size=1000, max_requests_per_run=100_000)
        client = client_mod.Sage300Client(settings)
        wh = wh_mod.open_warehouse(path)
        for res in catalog.RESOURCES:
            dated = res.kind == "transaction"
            for co in sim.config.companies:
                try:
                    got = client.read_resource(res, co, WINDOW_START if dated else None, TODAY if dated else None)
                except SageResourceMissing:
                    continue
                wh.replace_slice([(t, got.tables[t.name]) for t in res.tables], companies=[co],
                                 start=WINDOW_START if dated else None, end=TODAY if dated else None, run_id="t")
        run = run_dbt(["build"], warehouse=path, target_path=root / "target",
                      vars={"as_of_dates": [d.isoformat() for d in AS_OF]})
        yield sim, path, run


def q(path, sql, *params):
    return rows(path, sql, list(params))


def test_history_has_every_document_type(loaded):
    sim, _, _ = loaded
    for co in sim.config.companies:
        docs = Counter(d.doc_type for d in sim.db.ctx[co].docs.values() if d.posted)
        assert {"Invoice", "CreditNote", "DebitNote", "Prepayment", "UnappliedCash"} <= set(docs), docs
        kinds = Counter(e["ReceiptTransactionType"] for b in sim.db.records(co, "ARReceiptAndAdjustmentBatches")
                        for e in b["ReceiptsAdjustments"])
        assert {"Receipt", "Prepayment", "ApplyDocument", "MiscellaneousReceipt", "Adjustment"} <= set(kinds), kinds
        kinds = Counter(e["PaymentTransactionType"] for b in sim.db.records(co, "APPaymentAndAdjustmentBatches")
                        for e in b["PaymentsAdjustments"])
        assert {"Payment", "Adjustment", "MiscellaneousPayment"} <= set(kinds), kinds
        assert any(len(d.schedules) > 1 for d in sim.db.ctx[co].docs.values() if d.posted)
        # history older than the loaded window: documents the window's batches do not contain
        assert any(d.date < WINDOW_START - dt.timedelta(days=200) and d.open_posted for d in sim.db.ctx[co].docs.values())


def test_dbt_build_has_no_failures_and_no_warnings(loaded):
    _, _, run = loaded
    assert run.ok, run.output[-6000:]
    assert not run.failures() and not run.warnings(), [r["unique_id"] for r in run.failures() + run.warnings()]
    executed = {r["unique_id"].split(".")[2] for r in run.results}
    assert {"assert_subledgers_tie_out", "assert_party_balances_match_sage",
            "assert_applications_match_posted_documents", "assert_trial_balance_matches_posted_gl"} <= executed


@pytest.mark.parametrize("ledger", ["AR", "AP"])
@pytest.mark.parametrize("as_of", AS_OF, ids=str)
def test_aging_per_party_equals_the_simulators_documents(loaded, ledger, as_of):
    sim, path, _ = loaded
    mart, party = LEDGERS[ledger]
    for co in sim.config.companies:
        want = {p: b for p, b in tl.party_balances(sim.db, co, ledger, as_of).items() if b != (0, 0)}
        got = {r[0]: (r[1], r[2]) for r in q(path, f"""
            select {party}, sum(balance_after_unapplied), sum(functional_balance) from marts.{mart}
            where company_id = ? and as_of_date = ? group by 1
            having sum(balance_after_unapplied) <> 0 or sum(functional_balance) <> 0""", co, as_of)}
        assert set(got) == set(want), (co, sorted(set(got) ^ set(want))[:5])
        src_diff = {p: (got[p][0], want[p][0]) for p in want if got[p][0] != want[p][0]}
        assert not src_diff, (co, list(src_diff.items())[:5])
        func_diff = {p: (got[p][1], want[p][1]) for p in want if got[p][1] != want[p][1]}
        assert not func_diff, (co, list(func_diff.items())[:5])


@pytest.mark.parametrize("ledger", ["AR", "AP"])
def test_tie_out_equals_sage_balances_and_the_gl(loaded, ledger):
    sim, path, _ = loaded
    for co in sim.config.companies:
        truth_func = sum((b[1] for b in tl.party_balances(sim.db, co, ledger, TODAY).values()), Decimal(0))
        masters = sim.db.records(co, "ARCustomers" if ledger == "AR" else "APVendors")
        sage_balance = sum((m["BalanceDueInFunctionalCurrency"] for m in masters), Decimal(0))
        posted, pending = tl.control_balance(sim.db, co, ledger)
        got = q(path, """select aging_balance, party_balance, gl_control_balance, gl_pending from marts.subledger_tie_out
                         where company_id = ? and ledger = ? and as_of_date = ? and currency_code is null""",
                co, ledger, TODAY)
        assert got == [(truth_func, sage_balance, posted, pending)], co
        assert truth_func == sage_balance == posted + pending  # the simulator's own books agree


def _control_by_currency(sim, co, ledger, as_of=TODAY):
    """currency → (posted, pending) functional amounts of the control accounts' lines in that source currency
    whose journal entry is dated (DocumentDate) on or before `as_of`, from the simulator's GL batches (signed as
    the subledger)."""
    controls = tl.control_accounts(sim.db, co, ledger)
    sign = -1 if ledger == "AP" else 1
    out = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for b in sim.db.records(co, "GLJournalBatches"):
        for h in b["JournalHeaders"]:
            if h["DocumentDate"] > as_of:
                continue
            for x in h["JournalDetails"]:
                if x["AccountNumber"] in controls:
                    out[x["SourceCurrency"]][0 if b["Status"] == "Posted" else 1] += sign * x["Amount"]
    return out


@pytest.mark.parametrize("ledger", ["AR", "AP"])
def test_tie_out_per_currency_equals_sage_balances_and_the_gl(loaded, ledger):
    """Per company and currency (SAMINC's CAD parties are quoted with a divide rate): the aging, Sage's party
    balances and the control accounts' lines in that currency agree, to the cent."""
    sim, path, _ = loaded
    masters = "ARCustomers" if ledger == "AR" else "APVendors"
    for co in sim.config.companies:
        ccy_of = {m["CustomerNumber" if ledger == "AR" else "VendorNumber"]: m["CurrencyCode"]
                  for m in sim.db.records(co, masters)}
        truth = defaultdict(Decimal)
        for party, (_, func) in tl.party_balances(sim.db, co, ledger, TODAY).items():
            truth[ccy_of[party]] += func
        sage = defaultdict(Decimal)
        for m in sim.db.records(co, masters):
            sage[m["CurrencyCode"]] += m["BalanceDueInFunctionalCurrency"]
        gl = _control_by_currency(sim, co, ledger)
        got = {r[0]: r[1:] for r in q(path, """
            select currency_code, aging_balance, party_balance, gl_control_balance, gl_pending
            from marts.subledger_tie_out
            where company_id = ? and ledger = ? and as_of_date = ? and currency_code is not null""",
            co, ledger, TODAY)}
        assert len(got) == 2, (co, got)  # the functional currency and the foreign one
        for ccy, row in got.items():
            assert row == (truth[ccy], sage[ccy], gl[ccy][0], gl[ccy][1]), (co, ccy, row)
            assert truth[ccy] == sage[ccy] == gl[ccy][0] + gl[ccy][1]  # the simulator's own books agree


@pytest.mark.parametrize("ledger", ["AR", "AP"])
def test_tie_out_holds_on_every_as_of_date(loaded, ledger):
    """On each as-of date in the loaded window (not only today): per company and currency the aging equals the
    simulator's documents as of D and the control accounts' GL lines dated on or before D (posted + unposted);
    Sage's party balances are compared only where they apply (today)."""
    sim, path, _ = loaded
    masters = "ARCustomers" if ledger == "AR" else "APVendors"
    for co in sim.config.companies:
        ccy_of = {m["CustomerNumber" if ledger == "AR" else "VendorNumber"]: m["CurrencyCode"]
                  for m in sim.db.records(co, masters)}
        for as_of in AS_OF:
            truth = defaultdict(Decimal)
            for party, (_, func) in tl.party_balances(sim.db, co, ledger, as_of).items():
                truth[ccy_of[party]] += func
            gl = _control_by_currency(sim, co, ledger, as_of)
            got = {r[0]: r[1:] for r in q(path, """
                select coalesce(currency_code, 'all'), aging_balance, party_balance, gl_control_balance, gl_pending
                from marts.subledger_tie_out where company_id = ? and ledger = ? and as_of_date = ?""",
                co, ledger, as_of)}
            assert set(got) == {"all", *truth}, (co, as_of, got)
            for ccy, (aging, party, posted, pending) in got.items():
                want = sum(truth.values(), Decimal(0)) if ccy == "all" else truth[ccy]
                want_gl = [sum(v[i] for v in gl.values()) for i in (0, 1)] if ccy == "all" else gl[ccy]
                assert (aging, posted, pending) == (want, *want_gl), (co, as_of, ccy)
                assert aging == posted + pending
                assert (party is None) == (as_of != TODAY), (co, as_of, ccy, party)


def test_trial_balance_equals_the_simulators_gl(loaded):
    sim, path, _ = loaded
    for co in sim.config.companies:
        want = {k: v for k, v in tl.account_balances(sim.db, co).items() if k[2] != 13}  # 12-period calendar
        got = {(r[0], r[1], r[2]): r[3] for r in q(path, """
            select account_code, fiscal_year, fiscal_period, closing_balance from marts.gl_trial_balance
            where company_id = ?""", co)}
        missing = {k: v for k, v in want.items() if v and k not in got}
        assert not missing, list(missing.items())[:5]
        diff = {k: (v, want.get(k, Decimal(0))) for k, v in got.items() if v != want.get(k, Decimal(0))}
        assert not diff, list(diff.items())[:5]


def test_year_end_close_posts_to_each_departments_retained_earnings(loaded):
    sim, path, _ = loaded
    for co in sim.config.companies:
        closed = q(path, """select account_code, net_change from marts.gl_trial_balance
                            where company_id = ? and period_label = 'closing' and fiscal_year = 2025
                              and is_retained_earnings and net_change <> 0""", co)
        assert len({a for a, _ in closed}) == 3, closed  # one per department segment: 3000-100/200/300-10
        income_left = q(path, """select count(*) from marts.gl_trial_balance where company_id = ? and fiscal_year = 2025
                                 and fiscal_period = 15 and balance_type = 'income_statement' and closing_balance <> 0""",
                        co)
        assert income_left == [(0,)]
        by_dept: dict[str, Decimal] = defaultdict(Decimal)
        for acct, fy, fp, _, amt in tl.gl_lines(sim.db, co):
            if fy == 2025 and fp <= 12 and acct in sim.db.ctx[co].accounts["_income"]:
                by_dept[acct[4:7]] += amt
        assert {a[4:7]: n for a, n in closed} == dict(by_dept)  # each department's 2025 income, to its account


def _statement_lines():
    """account natural number → (statement line) from the seed the user edits (data, not the model's SQL)."""
    import csv

    from sage_looker.dbt_project import PROJECT_DIR

    with open(PROJECT_DIR / "seeds" / "gl_statement_lines.csv", newline="") as f:
        ranges = [(int(r["account_from"]), int(r["account_to"]), r["statement_line"]) for r in csv.DictReader(f)]
    return lambda acct: next(line for lo, hi, line in ranges if lo <= int(acct[:4]) <= hi)


def _truth_lines(sim, co):
    """(fiscal year, period, line) → year-to-date figure from the simulator's posted GL batches: balance-sheet
    lines their closing balance, income-statement lines Σ periods 1..p without the closing period."""
    line_of = _statement_lines()
    kind = {a["UnformattedAccount"]: a["AccountType"] for a in sim.db.records(co, "GLAccounts")}
    bal = tl.account_balances(sim.db, co)
    out = defaultdict(Decimal)
    for (acct, fy, fp), closing in bal.items():
        income = kind[acct] == "IncomeStatement"
        if income and fp == 15:
            closing = bal[(acct, fy, 14)]
        out[(fy, fp, line_of(acct))] += closing
        if income:
            out[(fy, fp, "Current year earnings")] += bal[(acct, fy, fp)]
    return out, bal, line_of, kind


def test_statements_and_prior_year_comparatives_equal_the_simulators_gl(loaded):
    sim, path, _ = loaded
    for co in sim.config.companies:
        want, *_ = _truth_lines(sim, co)
        got = q(path, """select fiscal_year, fiscal_period, statement_line, ytd_amount, prior_year_ytd_amount
                         from marts.fin_statements where company_id = ? and fiscal_period <> 13""", co)
        assert {r[0] for r in got} >= {2025, 2026}, co  # two fiscal years: comparatives exist
        shown = {(r[0], r[1], r[2]) for r in got}
        missing = [k for k, v in want.items() if v and k[0] in {r[0] for r in got} and k[1] != 13 and k not in shown]
        assert not missing, (co, missing[:5])
        for fy, fp, line, ytd, prior in got:
            assert ytd == want.get((fy, fp, line), 0), (co, fy, fp, line)
            if (fy - 1, fp, line) in want or fy - 1 in {r[0] for r in got}:
                assert prior == want.get((fy - 1, fp, line), 0), (co, fy, fp, line, "prior")
        net_income = q(path, """select sum(reported_ytd_amount) from marts.fin_statements
                                where company_id = ? and fiscal_year = 2025 and fiscal_period = 12
                                  and statement = 'income_statement'""", co)[0][0]
        assert net_income == -want[(2025, 12, "Current year earnings")] != 0


def test_dso_and_dpo_equal_the_simulators_balances(loaded):
    """DSO = AR control closing / period revenue × days; DPO = AP control closing (owed) / period COGS × days,
    from the simulator's GL batches and its fiscal calendar, rounded half-up to 0.1 day; no period after the
    latest as-of date."""
    sim, path, _ = loaded
    for co in sim.config.companies:
        _, bal, line_of, kind = _truth_lines(sim, co)
        ar, ap = tl.control_accounts(sim.db, co, "AR"), tl.control_accounts(sim.db, co, "AP")
        cal = sim.db.ctx[co].cal
        got = q(path, """select fiscal_year, fiscal_period, ar_balance, revenue, dso_days, ap_balance, cogs, dpo_days
                         from marts.working_capital_days where company_id = ?""", co)
        assert len(got) >= 24, co
        assert max((fy, fp) for fy, fp, *_ in got) == tuple(int(x) for x in cal.period_of(max(AS_OF))), co
        checked = 0
        for fy, fp, ar_bal, revenue, dso, ap_bal, cogs, dpo in got:
            def net(line):
                return sum((v - bal.get((a, y, p - 1), Decimal(0)) if p > 1 else v
                            for (a, y, p), v in bal.items() if y == fy and p == fp and kind[a] == "IncomeStatement"
                            and line_of(a) == line), Decimal(0))
            want_ar = sum((v for (a, y, p), v in bal.items() if a in ar and y == fy and p == fp), Decimal(0))
            want_ap = -sum((v for (a, y, p), v in bal.items() if a in ap and y == fy and p == fp), Decimal(0))
            want_rev, want_cogs = -net("Revenue"), net("Cost of goods sold")
            start, end = cal.periods(fy)[fp - 1]
            days = (min(end, max(AS_OF)) - start).days + 1  # the current period counts its days so far
            assert (ar_bal, revenue, ap_bal, cogs) == (want_ar, want_rev, want_ap, want_cogs), (co, fy, fp)
            if want_rev > 0 and want_cogs > 0:
                checked += 1
                assert dso == (want_ar * days / want_rev).quantize(Decimal("0.1"), "ROUND_HALF_UP"), (co, fy, fp)
                assert dpo == (want_ap * days / want_cogs).quantize(Decimal("0.1"), "ROUND_HALF_UP"), (co, fy, fp)
        assert checked >= 20, co


def test_budget_vs_actual_equals_the_simulators_budget_and_gl(loaded):
    """budget = the simulator's Budget1 fiscal-set record, actual = its posted GL batches' net change of the
    period, per income-statement account and period; variance = actual − budget."""
    sim, path, _ = loaded
    for co in sim.config.companies:
        _, bal, _, kind = _truth_lines(sim, co)
        budget = {(fs["AccountNumber"], int(fs["FiscalSetYear"]), n): fs[f"NetPeriod{n}"]
                  for fs in sim.db.records(co, "GLAccountFiscalSets") if fs["FiscalSetDesignator"] == "Budget1"
                  for n in range(1, 13)}
        got = q(path, """select account_code, fiscal_year, fiscal_period, budget_amount, actual_amount, variance
                         from marts.budget_vs_actual where company_id = ?""", co)
        assert sum(1 for r in got if r[3]) >= 100, co
        for acct, fy, fp, b, a, v in got:
            assert kind[acct] == "IncomeStatement"
            want_a = bal.get((acct, fy, fp), Decimal(0)) - (bal.get((acct, fy, fp - 1), Decimal(0)) if fp > 1 else 0)
            assert (b, a, v) == (budget.get((acct, fy, fp), 0), want_a, want_a - budget.get((acct, fy, fp), 0)), (
                co, acct, fy, fp)
        assert {(a, y, p) for a, y, p, *_ in got} >= {k for k, x in budget.items() if x}
