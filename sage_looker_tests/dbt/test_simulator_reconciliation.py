"""End to end without Dagster: the Sage simulator (60 days, two companies, FX documents) → Sage300Client →
warehouse.replace_slice → `dbt build` → marts reconciled to the cent with values computed independently
from the simulator's records (ground_truth.py) and with the simulator's own ledger balances."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa
import pytest

from sage_looker.dbt_project import run_dbt
from sage_looker.sage300 import catalog
from sage_looker_tests.dbt import ground_truth as gt
from sage_looker_tests.dbt.support import rows

# Plain imports, not importorskip: our own module failing to import is a failure, never a skip.
from sage_looker import warehouse as wh_mod
from sage_looker.sage300 import client as client_mod
from sage_looker.sage300.errors import SageResourceMissing
from sage_looker.sage300.settings import Sage300Settings
from sage_looker.sage300_sim import server as sim_mod
from sage_looker.sage300_sim.config import SimulatorConfig

TODAY = dt.date(2026, 3, 31)
START = TODAY - dt.timedelta(days=59)
AS_OF = [dt.date(2026, 3, 10), TODAY]
SNAPSHOT_DAYS = [TODAY - dt.timedelta(days=1), TODAY]


def _snapshot(items: pa.Table, day: dt.date) -> pa.Table:
    cols = catalog.IC_ITEM_SNAPSHOTS.root_table.column_types()
    out = {n: (pa.array([day] * items.num_rows, pa.date32()) if n == "snapshot_date" else items.column(n).cast(t.arrow))
           for n, t in cols.items()}
    out["_source_url"], out["_record_hash"] = items.column("_source_url"), items.column("_record_hash")
    return pa.table(out)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("sim_dbt")
    path = root / "warehouse.duckdb"
    with sim_mod.run_simulator(SimulatorConfig(days=60, today=TODAY, seed=11)) as sim:
        settings = Sage300Settings(url=sim.url, user="WEBAPI", password="WEBAPI", companies=list(sim.config.companies),
                                   page_size=1000, max_requests_per_run=100_000)
        client = client_mod.Sage300Client(settings)
        wh = wh_mod.open_warehouse(path)
        for res in catalog.RESOURCES:
            dated = res.kind == "transaction"
            for co in sim.config.companies:
                try:
                    got = client.read_resource(res, co, START if dated else None, TODAY if dated else None)
                except SageResourceMissing:
                    continue
                wh.replace_slice([(t, got.tables[t.name]) for t in res.tables], companies=[co],
                                 start=START if dated else None, end=TODAY if dated else None, run_id="sim-test")
                if res is catalog.IC_ITEMS:  # the daily snapshot asset's job, done here for two days
                    for day in SNAPSHOT_DAYS:
                        snap = _snapshot(got.tables["ic_items"], day)
                        wh.replace_slice([(catalog.IC_ITEM_SNAPSHOTS.root_table, snap)], companies=[co],
                                         start=day, end=day, run_id="sim-test")
        run = run_dbt(["build"], warehouse=path, target_path=root / "target",
                      vars={"as_of_dates": [d.isoformat() for d in AS_OF]})
        yield sim, path, run


def test_dbt_build_passes_every_test(loaded):
    _, _, run = loaded
    assert run.ok, run.output[-6000:]
    assert not run.failures() and not run.warnings(), [r["unique_id"] for r in run.failures() + run.warnings()]


@pytest.mark.parametrize("ledger", ["AP", "AR"])
@pytest.mark.parametrize("as_of", AS_OF, ids=str)
def test_aging_matches_ground_truth_to_the_cent(loaded, ledger, as_of):
    sim, path, _ = loaded
    party = "vendor_number" if ledger == "AP" else "customer_number"
    mart = "ap_aging" if ledger == "AP" else "ar_aging"
    for co in sim.config.companies:
        want = gt.aging(sim.db, co, ledger, as_of)
        got = {
            (r[0], r[1]): {"open": r[2], "current": r[3], "1-30": r[4], "31-60": r[5], "61-90": r[6], "over_90": r[7]}
            for r in rows(path, f"""select {party}, currency_code, open_amount, bucket_current, bucket_1_30, bucket_31_60,
                                          bucket_61_90, bucket_over_90 from marts.{mart}
                                   where company_id = ? and as_of_date = ? and open_document_count > 0""", [co, as_of])
        }
        assert set(got) == set(want)
        for k, w in want.items():
            assert {b: v for b, v in got[k].items() if v} == {b: v for b, v in w.items() if v}, (co, k)
        assert len(want) > 3  # the comparison is not vacuous


def test_open_balances_match_the_simulators_own_ledger(loaded):
    """As of the simulator's today, open AP per vendor = the vendor's BalanceDueInVendorCurrency (the
    simulator's ledger), in functional currency too; open AR − unapplied cash = BalanceDueInCustomerCurrency."""
    sim, path, _ = loaded
    for co in sim.config.companies:
        ap = {r[0]: (r[1], r[2]) for r in rows(path, """select vendor_number, sum(open_amount), sum(coalesce(functional_open_amount, 0))
                                                        from marts.ap_aging where company_id = ? and as_of_date = ?
                                                        group by 1""", [co, TODAY])}
        for v in sim.db.records(co, "APVendors"):
            src, func = ap.get(v["VendorNumber"], (Decimal(0), Decimal(0)))
            assert src == v["BalanceDueInVendorCurrency"], (co, v["VendorNumber"])
            assert func == v["BalanceDueInFunctionalCurrency"], (co, v["VendorNumber"])
        ar = {r[0]: r[1] for r in rows(path, """select customer_number, sum(balance_after_unapplied) from marts.ar_aging
                                                where company_id = ? and as_of_date = ? group by 1""", [co, TODAY])}
        for c in sim.db.records(co, "ARCustomers"):
            assert ar.get(c["CustomerNumber"], Decimal(0)) == c["BalanceDueInCustomerCurrency"], (co, c["CustomerNumber"])


@pytest.mark.parametrize("as_of", AS_OF, ids=str)
def test_forecast_equals_open_ar_minus_open_ap(loaded, as_of):
    sim, path, _ = loaded
    for co in sim.config.companies:
        ar, ap = gt.open_by_currency(sim.db, co, "AR", as_of), gt.open_by_currency(sim.db, co, "AP", as_of)
        got = {r[0]: (r[1], r[2], r[3]) for r in rows(path, """select currency_code, sum(inflows), sum(outflows), sum(net_flow)
                                                               from marts.cash_flow_forecast where company_id = ? and as_of_date = ?
                                                               group by 1""", [co, as_of])}
        for ccy in set(ar) | set(ap):
            i, o = ar.get(ccy, Decimal(0)), ap.get(ccy, Decimal(0))
            assert got[ccy] == (i, o, i - o), (co, ccy)
        last = rows(path, """select currency_code, cumulative_net_flow from marts.cash_flow_forecast
                             where company_id = ? and as_of_date = ? and week_label = 'beyond'""", [co, as_of])
        assert {c: v for c, v in last} == {c: got[c][2] for c in got}


def test_trial_balance_ties_to_posted_gl(loaded):
    sim, path, _ = loaded
    for co in sim.config.companies:
        want = gt.gl_by_period(sim.db, co)
        got = {(r[0], r[1]): (r[2], r[3]) for r in rows(path, """select fiscal_year, fiscal_period, sum(debits), sum(credits)
                                                                   from marts.gl_trial_balance where company_id = ?
                                                                   group by 1, 2 having sum(transaction_count) > 0""", [co])}
        assert got == want
        assert all(d == c for d, c in got.values())  # debits = credits in every period
        # balance-sheet accounts carry everything ever posted to them into the last period's closing balance
        by_account = gt.gl_by_account(sim.db, co)
        closing = dict(rows(path, """select account_code, closing_balance from marts.gl_trial_balance
                                     where company_id = ? and balance_type = 'balance_sheet'
                                       and account_code not in (select account_code from marts.dim_gl_account
                                                                where account_type = 'RetainedEarnings')
                                       and fiscal_year = (select max(fiscal_year) from marts.gl_trial_balance)
                                       and fiscal_period = 12""", [co]))
        assert len(closing) > 3
        for acct, bal in closing.items():
            assert bal == by_account.get(acct, Decimal(0)), (co, acct)


def test_margin_totals_match_invoiced_lines(loaded):
    sim, path, _ = loaded
    for co in sim.config.companies:
        want = gt.margin(sim.db, co)
        got = {r[0]: (r[1], r[2]) for r in rows(path, """select functional_currency, sum(revenue), sum(cost)
                                                         from marts.margin_by_product_line where company_id = ? group by 1""", [co])}
        assert got == want
        assert sum(v[0] for v in want.values()) > 0


def test_inventory_value_from_snapshots(loaded):
    sim, path, _ = loaded
    for co in sim.config.companies:
        items = sim.db.records(co, "ICItems")
        value = sum(i["QuantityOnHand"] * i["AverageCost"] for i in items)
        got = rows(path, """select snapshot_days, sum(average_inventory_value) from marts.inventory_turnover
                            where company_id = ? and period_start = ? group by 1""", [co, TODAY.replace(day=1)])
        # the same quantities both days, so the average is the day's value (exact, rounded half-up to 0.001)
        assert got == [(2, value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))]


def test_raw_tables_match_simulator_truth(loaded):
    """What dbt read is what Sage holds (row counts and amount sums per company), so the marts' inputs are right."""
    sim, path, _ = loaded
    truth = sim.truth()["companies"]
    checks = {"ap_invoices": "document_total_including_tax", "ar_invoices": "document_total_including_tax",
              "ar_receipt_applications": "customer_receipt_amount", "ap_payment_applications": "payment_amount",
              "gl_posted_transactions": "journal_transaction_amount", "oe_order_lines": "extended_amount"}
    for co, t in truth.items():
        for table, col in checks.items():
            [(n, s)] = rows(path, f"select count(*), sum({col}) from sage300.{table} where company_id = ?", [co])
            want = t["tables"][table]
            assert n == want["rows"], (co, table)
            assert (s or Decimal(0)) == Decimal(want["sums"][col] or 0), (co, table)


@pytest.mark.parametrize("as_of", AS_OF, ids=str)
def test_forecast_starts_from_gl_cash_and_carries_open_po_commitments(loaded, as_of):
    """starting_cash = the simulator's posted GL lines on its bank accounts dated ≤ D (the foreign bank account in
    its own currency, the operating account in functional currency); po_commitments = Σ (ordered − received) ×
    unit cost of the lines of open purchase orders dated ≤ D, from the simulator's PO records; projected cash
    after the last week = starting cash + AR − AP − commitments."""
    sim, path, _ = loaded
    for co in sim.config.companies:
        ctx = sim.db.ctx[co]
        cash = {}
        for ccy, (_, acct) in ctx.banks.items():
            multi = acct == ctx.accounts["bank_fx"][0]
            for b in sim.db.records(co, "GLJournalBatches"):
                if b["Status"] != "Posted":
                    continue
                for h in b["JournalHeaders"]:
                    for x in h["JournalDetails"]:
                        if x["AccountNumber"] == acct and x["JournalDate"] <= as_of:
                            key = x["SourceCurrency"] if multi else ctx.currency
                            cash[key] = cash.get(key, Decimal(0)) + (x["SourceCurrencyAmount"] if multi else x["Amount"])
        po = {}
        for h in sim.db.records(co, "POPurchaseOrders"):
            if h["PurchaseOrderDate"] <= as_of and h["Status"] != "Completed":
                for x in h["PurchaseOrderLines"]:
                    open_qty = x["QuantityOrdered"] - x["QuantityReceived"]
                    if open_qty > 0:
                        po[h["CurrencyCode"]] = po.get(h["CurrencyCode"], Decimal(0)) + (open_qty * x["UnitCost"]).quantize(
                            Decimal("0.001"))
        got = {r[0]: r[1:] for r in rows(path, """
            select currency_code, max(starting_cash), sum(po_commitments), sum(inflows) - sum(outflows)
                   - sum(po_commitments) + max(starting_cash), max(case when week_label = 'beyond' then projected_cash end)
            from marts.cash_flow_forecast where company_id = ? and as_of_date = ? group by 1""", [co, as_of])}
        assert any(cash.values()) and (po or as_of != TODAY), (co, po, cash)  # POs older than ~3 weeks are received
        for ccy in set(cash) | set(po):
            start, commitments, want_end, end = got[ccy]
            assert (start, commitments) == (cash.get(ccy, Decimal(0)), po.get(ccy, Decimal(0))), (co, ccy, got[ccy])
            assert end == want_end
