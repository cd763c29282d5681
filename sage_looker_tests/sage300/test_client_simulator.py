"""The client against the Sage 300 simulator over real loopback HTTP: exact truth, paging, drift, faults,
budget and concurrency, and every bad input's clear error — with the password never leaking."""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import logging
import time
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from sage_looker.sage300 import catalog
from sage_looker.sage300.budget import RequestBudget
from sage_looker.sage300.client import ReadResult, Sage300Client
from sage_looker.sage300.errors import (
    SageAuthError,
    SageBadResponse,
    SageBudgetExceeded,
    SageDataChanged,
    SageError,
    SagePermissionError,
    SageResourceMissing,
)
from sage_looker.sage300.settings import Sage300Settings
from sage_looker.sage300_sim import SimulatorConfig, run_simulator

TODAY = dt.date(2025, 3, 14)
COMPANIES = ("SAMINC", "SAMLTD")
PASSWORD = "Zq7-Leak-Canary"  # distinctive: any leak is unmistakable


def settings_for(sim, **overrides: Any) -> Sage300Settings:
    base = dict(url=sim.url, user=sim.config.user, password=sim.config.password,
                password_case=sim.config.password_case, max_retries=4, backoff_initial_seconds=0.01,
                backoff_max_seconds=0.1, retry_after_cap_seconds=0.1, timeout_seconds=5,
                max_requests_per_run=100_000)
    base.update(overrides)
    return Sage300Settings(**base)


def logged(sim, expected: int, timeout: float = 5.0) -> list[dict]:
    """The simulator's request log once it holds `expected` entries (it logs just after answering)."""
    deadline = time.monotonic() + timeout
    while sim.request_count() < expected and time.monotonic() < deadline:
        time.sleep(0.005)
    return sim.requests()


@pytest.fixture(scope="module")
def sim():
    with run_simulator(SimulatorConfig(seed=11, days=20, today=TODAY, password=PASSWORD,
                                       password_case="preserve", timeout_seconds=3)) as s:
        yield s


def assert_matches_truth(result: ReadResult, truth: dict, company: str, partitions: set[str] | None = None) -> None:
    """Row counts and exact decimal sums of every table equal the simulator's truth (optionally per partition)."""
    for name, table in result.tables.items():
        t = truth["companies"][company]["tables"][name]
        if partitions is None:
            expected_rows, expected_sums = t["rows"], t["sums"]
        else:
            parts = [p for k, p in t["partitions"].items() if k in partitions]
            expected_rows = sum(p["rows"] for p in parts)
            expected_sums = {}
            for p in parts:
                for col, v in p["sums"].items():
                    if v is not None:
                        expected_sums[col] = expected_sums.get(col, Decimal(0)) + Decimal(v)
                    else:
                        expected_sums.setdefault(col, None)
        assert table.num_rows == expected_rows, (company, name)
        for col, v in expected_sums.items():
            got = pc.sum(table.column(col)).as_py()
            if v is None:
                assert got is None, (company, name, col, got)
            else:
                assert isinstance(got, Decimal) and got == Decimal(v), (company, name, col, got, v)
        key_cols = catalog.table(name).key_columns
        if table.num_rows:
            keys = table.select(list(key_cols)).to_pylist()
            assert len({tuple(k.values()) for k in keys}) == table.num_rows, (company, name, "duplicate keys")


@pytest.mark.parametrize("company", COMPANIES)
def test_every_resource_equals_truth(sim, company):
    truth = sim.truth()
    client = Sage300Client(settings_for(sim))
    for res in catalog.RESOURCES:
        result = client.read_resource(res, company)
        assert set(result.tables) == {t.name for t in res.tables}
        assert_matches_truth(result, truth, company)
        for t in res.tables:
            declared = t.column_types()
            table = result.tables[t.name]
            assert table.schema.names[: len(declared)] == list(declared)
            assert all(table.schema.field(c).type == ct.arrow for c, ct in declared.items())
    client.close()


def test_transaction_window_equals_truth_partitions(sim):
    truth = sim.truth()
    client = Sage300Client(settings_for(sim))
    start, end = TODAY - dt.timedelta(days=6), TODAY - dt.timedelta(days=2)
    days = {(start + dt.timedelta(days=i)).isoformat() for i in range(5)}
    for res in catalog.TRANSACTIONS:
        result = client.read_resource(res, "SAMINC", start, end)
        assert result.stats.odata_filter == (f"{res.partition_date} ge {start}T00:00:00Z and "
                                             f"{res.partition_date} lt {end + dt.timedelta(days=1)}T00:00:00Z")
        assert_matches_truth(result, truth, "SAMINC", partitions=days)
        pd = result.tables[res.table].column(catalog.table(res.table).partition_column)
        assert all(start <= d <= end for d in pd.to_pylist())


def test_paging_under_server_cap_follows_next_links(sim):
    sim.reset_log()
    truth = sim.truth()
    client = Sage300Client(settings_for(sim, page_size=1000, warm_up=False))
    result = client.read_resource("GLPostedTransactions", "SAMLTD")
    assert_matches_truth(result, truth, "SAMLTD")
    log = [e for e in logged(sim, client.budget.used) if e["resource"] == "GLPostedTransactions"]
    rows = truth["companies"]["SAMLTD"]["tables"]["gl_posted_transactions"]["rows"]
    assert rows > 300 and all(e["rows"] <= 100 for e in log[:-1])
    # pages 2.. come from the server's nextLink ($top reduced by ASP.NET) with our $skip 3 rows back
    assert "$skip=97" in log[1]["query"] and "$top=900" in log[1]["query"]
    assert "$top=0" in log[-1]["query"] and "$count=true" in log[-1]["query"]


def test_small_pages_without_next_link(sim):
    truth = sim.truth()
    client = Sage300Client(settings_for(sim, page_size=25))
    result = client.read_resource("GLJournalBatches", "SAMINC")
    assert_matches_truth(result, truth, "SAMINC")
    assert result.stats.pages >= 4


@pytest.fixture
def fresh_sim():
    with run_simulator(SimulatorConfig(seed=5, days=12, today=TODAY, timeout_seconds=2)) as s:
        yield s


@pytest.mark.parametrize("spec", ["insert=burst:3", "delete=burst:2", "insert=burst:1,delete=burst:2"])
@pytest.mark.parametrize("resource", ["GLPostedTransactions", "GLJournalBatches"])
def test_rows_inserted_or_deleted_while_paging(fresh_sim, spec, resource):
    fresh_sim.set_faults(spec)
    client = Sage300Client(settings_for(fresh_sim, page_size=20))
    result = client.read_resource(resource, "SAMINC")
    counts = fresh_sim.fault_counts()
    fresh_sim.set_faults("")
    assert counts.get("insert", 0) + counts.get("delete", 0) >= 1, counts
    assert result.stats.passes >= 2 or result.stats.shifts >= 1
    assert_matches_truth(result, fresh_sim.truth(), "SAMINC")  # the data as it is after the read


def test_rows_changing_on_every_pass_give_data_changed(fresh_sim):
    fresh_sim.set_faults("insert=every:3")
    try:
        client = Sage300Client(settings_for(fresh_sim, page_size=20, consistency_attempts=2))
        with pytest.raises(SageDataChanged, match="no consistent read after 2 passes"):
            client.read_resource("GLPostedTransactions", "SAMINC")
    finally:
        fresh_sim.set_faults("")


def test_direct_mutations_between_pages(fresh_sim):
    """Inserts, deletes and edits ahead of the reader (Sage only changes open, i.e. recent, batches)."""
    from sage_looker.sage300.flatten import Flattener

    db = fresh_sim.db
    open_batches = [r["BatchNumber"] for r in db.records("SAMLTD", "APInvoiceBatches") if r["BatchStatus"] != "Posted"]
    assert len(open_batches) >= 2
    client = Sage300Client(settings_for(fresh_sim, page_size=4))
    fl = Flattener("APInvoiceBatches", "SAMLTD")
    for page in client.iter_pages("APInvoiceBatches", "SAMLTD"):
        if page.restarted:
            fl = Flattener("APInvoiceBatches", "SAMLTD")
        fl.add_records(page.records, page.url)
        if page.pass_number == 1 and page.index == 0:
            db.insert_batch("SAMLTD", "APInvoiceBatches", TODAY, entries=3)
            db.delete_batch("SAMLTD", "APInvoiceBatches", open_batches[0])
            db.edit_batch("SAMLTD", "APInvoiceBatches", open_batches[1], "12.345")
    assert_matches_truth(ReadResult(fl.to_arrow(), None), fresh_sim.truth(), "SAMLTD")


FAULTS = ["5xx=burst:2", "toomany=burst:2:0.05", "session=burst:2", "dblink=burst:2", "reset=burst:2",
          "html502=burst:2", "truncated=burst:2", "timeout=burst:1:2", "slow=burst:2:0.2", "recycle=4:0.3",
          "5xx=0.2,reset=0.1,truncated=0.1,toomany=0.1:0.01"]


@pytest.mark.parametrize("spec", FAULTS)
def test_each_fault_kind_recovered_without_loss(sim, spec):
    truth = sim.truth()
    sim.set_faults(spec)
    try:
        client = Sage300Client(settings_for(sim, page_size=20, max_retries=6, timeout_seconds=0.8))
        result = client.read_resource("GLJournalBatches", "SAMLTD")
        counts = sim.fault_counts()
    finally:
        sim.set_faults("")
    kind = spec.split("=")[0]
    assert counts.get(kind, 0) >= 1, counts
    assert result.stats.retries >= (0 if kind == "slow" else 1)
    assert_matches_truth(result, truth, "SAMLTD")


def test_budget_and_concurrency_never_exceeded(sim):
    sim.reset_log()
    budget = RequestBudget(400)
    client = Sage300Client(settings_for(sim, concurrency=2, page_size=40), budget)
    jobs = [(r, c) for r in catalog.TRANSACTIONS for c in COMPANIES]
    with cf.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda rc: client.read_resource(*rc), jobs))
    assert sum(r.stats.requests for r in results) == budget.used == len(logged(sim, budget.used)) <= 400
    assert sim.max_concurrency() <= 2
    # a tight budget stops the run before the limit, never after
    sim.reset_log()
    tight = Sage300Client(settings_for(sim, page_size=20), RequestBudget(6))
    with pytest.raises(SageBudgetExceeded, match="SAGE300_MAX_REQUESTS_PER_RUN"):
        tight.read_resource("GLPostedTransactions", "SAMINC")
    assert tight.budget.used <= 6 and len(logged(sim, tight.budget.used, timeout=0.2)) <= 6


def _secrets(settings: Sage300Settings) -> list[str]:
    """Every form the password could leak in: as given, cased, and inside the Basic credentials."""
    import base64

    token = base64.b64encode(f"{settings.user}:{settings.wire_password()}".encode()).decode()
    return [PASSWORD, PASSWORD.upper(), PASSWORD.lower(), settings.wire_password(), token]


def _bad(sim, caplog, exc, needles, *, resource="APVendors", company="SAMINC", **overrides):
    caplog.set_level(logging.DEBUG)
    client = Sage300Client(settings_for(sim, max_retries=1, **overrides))
    with pytest.raises(exc) as ei:
        client.read_resource(resource, company)
    text = str(ei.value)
    for needle in needles:
        assert needle in text, (needle, text)
    for secret in _secrets(client.settings):
        assert secret not in text
        assert not [r for r in caplog.records if secret in r.getMessage()]
    return ei.value


def test_wrong_password(sim, caplog):
    _bad(sim, caplog, SageAuthError, ["HTTP 401", "SAGE300_PASSWORD", "AllowWebApiAccessForAdmin"],
         password=PASSWORD + "x")


def test_lower_case_password_in_preserve_mode():
    with run_simulator(SimulatorConfig(seed=1, days=2, today=TODAY, password="WEBAPI")) as s:  # stored upper
        client = Sage300Client(settings_for(s, password="webapi", password_case="preserve"))
        with pytest.raises(SageAuthError, match="sent exactly as given"):
            client.read_resource("APVendors", "SAMINC")
        ok = Sage300Client(settings_for(s, password="webapi", password_case="upper"))
        assert ok.read_resource("APVendors", "SAMINC").tables["ap_vendors"].num_rows > 0


def test_forbidden_module(sim, caplog):
    sim.config.forbidden_modules = {"SAMINC": ["AP"]}
    try:
        err = _bad(sim, caplog, SagePermissionError, ["module AP", '"Sage 300 Web API" authorization', "SAMINC"])
    finally:
        sim.config.forbidden_modules = {}
    assert err.status == 403


def test_missing_resource_and_warm_up_fallback(sim, caplog):
    sim.config.missing_resources = {"CSCompanyProfile"}
    sim.reset_log()
    try:
        err = _bad(sim, caplog, SageResourceMissing, ["CS/CSCompanyProfile", "skipped with a warning"],
                   resource="CSCompanyProfile", company="SAMLTD")
        paths = [e["resource"] for e in logged(sim, 3)]
    finally:
        sim.config.missing_resources = set()
    assert err.status == 404 and paths[:2] == ["CSCompanyProfile", "GLAccounts"]  # warm-up fell back


def test_unknown_company(sim, caplog):
    _bad(sim, caplog, SageAuthError, ["'NOSUCH' exists", "SAGE300_COMPANIES"], company="NOSUCH")


def test_html_502_persisting(sim, caplog):
    sim.set_faults("html502=1")
    try:
        err = _bad(sim, caplog, SageBadResponse, ["HTML error page", "HTTP 502", "2 attempts"])
    finally:
        sim.set_faults("")
    assert err.kind == "HTML error page"


def test_malformed_json_persisting(sim, caplog):
    sim.set_faults("truncated=1")
    try:
        err = _bad(sim, caplog, SageBadResponse, ["malformed JSON", "HTTP 200", "2 attempts"])
    finally:
        sim.set_faults("")
    assert err.kind == "malformed JSON"


def test_password_never_in_any_log_line(sim, caplog):
    caplog.set_level(logging.DEBUG)
    sim.set_faults("5xx=0.3,html502=0.1")
    try:
        client = Sage300Client(settings_for(sim, max_retries=8))
        client.read_resource("ARInvoiceBatches", "SAMINC")
        assert PASSWORD not in repr(client) and PASSWORD not in repr(client.settings)
    finally:
        sim.set_faults("")
    assert caplog.records
    for r in caplog.records:
        msg = r.getMessage()
        assert not [secret for secret in _secrets(client.settings) if secret in msg]


def test_result_tables_are_arrow(sim):
    client = Sage300Client(settings_for(sim))
    res = client.read_resource("ICItems", "SAMINC")
    t = res.tables["ic_items"]
    assert isinstance(t, pa.Table) and t.schema.field("quantity_on_hand").type == pa.decimal128(19, 4)
    assert res.stats.budget_used + res.stats.budget_left == 100_000
    assert all(isinstance(e, SageError) is False for e in res.stats.warnings)
