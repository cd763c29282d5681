"""Randomized fault schedules against the Sage 300 simulator: nothing is lost, nothing is doubled.

Hypothesis draws a fault schedule (1-4 kinds among 5xx, TooManyRequests, SessionError, DBLinkError,
connection resets, timeouts, app-pool recycle windows, HTML 502 pages, truncated JSON, rows inserted and
deleted while paging; each by probability, burst or every-Kth request), a resource, a company, a date window,
a page size and a retry count (low counts make loads fail, so both outcomes below are exercised); one explicit
schedule per kind comes first, so every kind is injected whatever the draws. After each schedule, for every
table touched:

- the load succeeded and the window equals the simulator's ground truth (row counts and exact decimal sums
  per partition; the root table's natural keys exactly), other partitions untouched; or
- the load failed with a typed Sage error and the warehouse is exactly what it was before;
- and no natural key appears twice in any table.

Most schedules drive the client and the warehouse directly (`read_resource` + `replace_slice`: milliseconds
each); a smaller number run the whole Dagster path (`sync`), where each resource's asset must leave its slice
fully old or fully new (SAGE300_MAX_RETRIES=2 there, so some runs fail). `SAGE_LOOKER_FAULT_EXAMPLES`
(default 200) and `SAGE_LOOKER_FAULT_DAGSTER_EXAMPLES` (default 12; `SAGE_LOOKER_LONG=1` multiplies both by
10) set the counts. Derandomized: the same schedules every run, against fixed-seed simulator data.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.errors import SageBadResponse, SageDataChanged, SageUnavailable
from sage_looker.sage300.settings import Sage300Settings
from sage_looker.sage300_sim import SimulatorConfig, run_simulator
from sage_looker.warehouse import WarehouseError, open_warehouse

from .conftest import (
    TRANSACTIONS,
    ProofSummary,
    in_window,
    inspect,
    matches_truth,
    outside_window,
    root_keys_in_sage,
    same_state,
    truth_states,
)

LONG = os.environ.get("SAGE_LOOKER_LONG") == "1"
EXAMPLES = int(os.environ.get("SAGE_LOOKER_FAULT_EXAMPLES") or (2000 if LONG else 200))
DAGSTER_EXAMPLES = int(os.environ.get("SAGE_LOOKER_FAULT_DAGSTER_EXAMPLES") or (120 if LONG else 12))
TODAY = dt.date(2026, 3, 14)
DAYS = 21
COMPANIES = ("SAMINC", "SAMLTD")
# The client gives up on a request after CLIENT_TIMEOUT; a `timeout` fault stalls the server longer.
CLIENT_TIMEOUT = 0.25
STALL = 0.4
# Errors that mean "this load failed cleanly, try again later": anything else fails the proof.
CLEAN = (SageUnavailable, SageBadResponse, SageDataChanged)
FAST = {"backoff_initial_seconds": 0.005, "backoff_max_seconds": 0.05, "retry_after_cap_seconds": 0.02}

# ------------------------------------------------------------------------------------------ schedules

_PARAM = {"toomany": "1", "timeout": str(STALL)}  # Retry-After 1 s is capped by the client; stall > timeout


def _trigger(kind: str) -> st.SearchStrategy[str]:
    # Timeouts cost real seconds each: rarer, shorter bursts, so the CI run stays short.
    p_max, burst_max = (0.08, 2) if kind == "timeout" else (0.35, 6)
    return st.one_of(
        st.integers(1, int(p_max * 100)).map(lambda p: f"{p / 100:g}"),
        st.integers(1, burst_max).map(lambda n: f"burst:{n}"),
        st.integers(2, 9).map(lambda k: f"every:{k}"),
    )


def _item(kind: str) -> st.SearchStrategy[str]:
    if kind == "recycle":
        return st.tuples(st.integers(3, 30), st.sampled_from([0.02, 0.05, 0.1])).map(
            lambda t: f"recycle={t[0]}:{t[1]}")
    param = _PARAM.get(kind)
    return _trigger(kind).map(lambda trig: f"{kind}={trig}" + (f":{param}" if param else ""))


KINDS = ("5xx", "toomany", "session", "dblink", "reset", "timeout", "recycle", "html502", "truncated",
         "insert", "delete")


@st.composite
def fault_schedules(draw) -> str:
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=4, unique=True))
    return ",".join(draw(_item(k)) for k in kinds)


@st.composite
def windows(draw, max_days: int = 6) -> tuple[dt.date, dt.date]:
    start = TODAY - dt.timedelta(days=draw(st.integers(0, DAYS - 1)))
    end = min(TODAY, start + dt.timedelta(days=draw(st.integers(0, max_days - 1))))
    return start, end


def _harvest(sim, summary: ProofSummary, spec: str) -> None:
    """Fault counts reset with every set_faults: collect them first."""
    scheduled = summary.extra.setdefault("kinds_scheduled", {})
    for item in spec.split(","):
        kind = item.partition("=")[0]
        scheduled[kind] = scheduled.get(kind, 0) + 1
    summary.faults.update(sim.fault_counts())
    sim.set_faults("")


# ------------------------------------------------------------------------------- client + warehouse

@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    summary = ProofSummary("fault_schedules_direct")
    with run_simulator(SimulatorConfig(seed=19, days=DAYS, today=TODAY, scale=0.8, timeout_seconds=STALL)) as sim:
        wh = open_warehouse(str(tmp_path_factory.mktemp("direct") / "warehouse.duckdb"))
        tables = [t for r in TRANSACTIONS.values() for t in r.tables]
        wh.ensure_tables(tables)
        # What each company's tables held after the previous schedule: only this test writes here, so the
        # state measured after one schedule is the "before" of the next (one query fewer per schedule).
        known = {c: inspect(wh, tables, c).states for c in COMPANIES}
        try:
            yield sim, wh, summary, known
        finally:
            wh.close()
    if summary.schedules:
        summary.write()
    if summary.schedules >= EXAMPLES:  # a complete run (not one stopped by a failure) injected every kind
        fired = {k.split("-")[0] for k in summary.faults}
        assert fired >= set(KINDS), f"never injected: {set(KINDS) - fired}"



def _check_direct(sim, wh, summary, res, company, start, end, before, loaded: bool) -> dict:
    tables = list(res.tables)
    seen = inspect(wh, tables, company, keys_of=(res.root_table, start, end))
    assert not seen.duplicates, f"duplicated natural keys: {seen.duplicates}"
    summary.key_checks += len(tables)
    after = seen.states
    if not loaded:
        for t in tables:
            assert same_state(after[t.name], before[t.name]), f"{t.name}: a failed load changed the warehouse"
        return after
    truth = truth_states(sim.db, company, tables)
    for t in tables:
        expected = in_window(truth[t.name], start, end)
        problem = matches_truth(in_window(after[t.name], start, end), expected)
        assert problem is None, f"{t.name} {company} {start}..{end}: {problem}"
        assert same_state(outside_window(after[t.name], start, end), outside_window(before[t.name], start, end)), \
            f"{t.name}: partitions outside the window changed"
        summary.rows_checked += sum(rows for rows, _ in expected.values())
        summary.partitions_checked += len(expected)
    assert seen.root_keys == root_keys_in_sage(sim.db, res, company, start, end), \
        f"{res.root_table.name}: natural keys differ from Sage's"
    return after


def _every_kind_alone(test):
    """One explicit schedule per fault kind, on the resource with the most pages, so each kind is injected
    in every run whatever the random draws are (they run before the EXAMPLES generated ones)."""
    for kind in KINDS:
        rate = 0.1 if kind == "timeout" else 0.3  # each timeout costs CLIENT_TIMEOUT of real time
        param = f":{_PARAM[kind]}" if kind in _PARAM else ""
        spec = "recycle=4:0.05" if kind == "recycle" else f"{kind}={rate}{param}"
        test = example(spec=spec, resource="GLPostedTransactions", company="SAMINC",
                       window=(TODAY - dt.timedelta(days=6), TODAY), page_size=5, retries=6)(test)
    return test


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@_every_kind_alone
@given(spec=fault_schedules(), resource=st.sampled_from(sorted(TRANSACTIONS)), company=st.sampled_from(COMPANIES),
       window=windows(max_days=8), page_size=st.integers(4, 10), retries=st.integers(1, 6))
def test_client_and_warehouse_survive_fault_schedules(direct, spec, resource, company, window, page_size, retries):
    sim, wh, summary, known = direct
    res, (start, end) = TRANSACTIONS[resource], window
    note(f"faults={spec!r} {resource} {company} {start}..{end} page_size={page_size} retries={retries}")
    before = known[company]
    settings_ = Sage300Settings(url=sim.url, user=sim.config.user, password=sim.config.password,
                                page_size=page_size, max_retries=retries, timeout_seconds=CLIENT_TIMEOUT,
                                max_requests_per_run=10_000, **FAST)
    summary.schedules += 1
    sim.set_faults(spec)
    try:
        with Sage300Client(settings_) as client:
            result = client.read_resource(res, company, start, end)
    except CLEAN as exc:
        result = None
        summary.failures_by_error[type(exc).__name__] += 1
    finally:
        _harvest(sim, summary, spec)
    loaded = False
    if result is not None:
        try:
            wh.replace_slice([(t, result.tables[t.name]) for t in res.tables], companies=[company],
                             start=start, end=end, run_id=f"proof-{summary.schedules}")
            loaded = True
        except WarehouseError as exc:  # never expected here, but it too must leave the slice intact
            summary.failures_by_error[type(exc).__name__] += 1
    summary.succeeded += loaded
    summary.failed_cleanly += not loaded
    known[company] = {**before, **_check_direct(sim, wh, summary, res, company, start, end, before, loaded)}


# ------------------------------------------------------------------------------------ Dagster path

@pytest.fixture(scope="module")
def dagster_platform(tmp_path_factory):
    import dagster as dg

    from sage_looker.commands.runner import sync
    from sage_looker.defs.sage300.resources import Sage300Resource

    summary = ProofSummary("fault_schedules_dagster")
    home = tmp_path_factory.mktemp("dagster_proof")
    mp = pytest.MonkeyPatch()
    with run_simulator(SimulatorConfig(seed=23, days=DAYS, today=TODAY, scale=0.6, timeout_seconds=STALL)) as sim:
        try:
            for k, v in {"SAGE300_URL": sim.url, "SAGE300_USER": "WEBAPI", "SAGE300_PASSWORD": "WEBAPI",
                         "SAGE300_COMPANIES": ",".join(COMPANIES), "SAGE_LOOKER_HOME": str(home),
                         "SAGE_LOOKER_WAREHOUSE": str(home / "warehouse.duckdb"),
                         "SAGE300_START_DATE": (TODAY - dt.timedelta(days=DAYS + 5)).isoformat(),
                         "DAGSTER_HOME": str(home / "dagster_home"), "SAGE300_PAGE_SIZE": "10",
                         "SAGE300_MAX_RETRIES": "2", "SAGE300_TIMEOUT": str(CLIENT_TIMEOUT),
                         # The set-up and the examples send one simulator ~1,500 requests within a few minutes;
                         # the product's default host budget (1,200 per 10 min, protecting a real IIS) would
                         # make the examples wait out its window (a 10-minute stall, then the hang guard).
                         "SAGE300_HOST_BUDGET": "100000"}.items():
                mp.setenv(k, v)
            (home / "dagster_home").mkdir()
            # Only the waits change (Sage300Settings has no variables for them): the product's settings,
            # with milliseconds instead of seconds between attempts.
            original = Sage300Resource.settings
            mp.setattr(Sage300Resource, "settings", lambda self: original(self).model_copy(update=FAST))
            from sage_looker.definitions import build_definitions

            defs, instance = build_definitions(), dg.DagsterInstance.ephemeral()
            for company in COMPANIES:  # the previous slices every schedule must leave intact when it fails
                assert sync(defs, company, TODAY - dt.timedelta(days=DAYS), TODAY, instance=instance).success
            wh = open_warehouse(str(home / "warehouse.duckdb"))
            tables = [t for r in TRANSACTIONS.values() for t in r.tables]
            known = {c: inspect(wh, tables, c).states for c in COMPANIES}
            yield sim, defs, instance, wh, summary, known
        finally:
            mp.undo()
    if summary.dagster_schedules:
        summary.write()


# Each example is a whole Dagster run under faults (stalls longer than the client timeout among them): the
# examples together need more than the suite's per-test hang guard on a busy 2-core machine.
@pytest.mark.timeout(1800)
@settings(max_examples=DAGSTER_EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=fault_schedules(), company=st.sampled_from(COMPANIES), window=windows(max_days=4))
def test_dagster_runs_leave_every_slice_fully_old_or_fully_new(dagster_platform, spec, company, window):
    from sage_looker.commands.runner import sync

    sim, defs, instance, wh, summary, known = dagster_platform
    start, end = window
    note(f"faults={spec!r} {company} {start}..{end}")
    tables = [t for r in TRANSACTIONS.values() for t in r.tables]
    before = known[company]
    summary.dagster_schedules += 1
    sim.set_faults(spec)
    try:
        run = sync(defs, company, start, end, masters=False, instance=instance)
    finally:
        _harvest(sim, summary, spec)
    summary.succeeded += run.success
    summary.failed_cleanly += not run.success
    for failure in run.failures:  # "step: package.module.ErrorClass: message"
        error = failure.partition(": ")[2].partition(": ")[0].rsplit(".", 1)[-1]
        assert error in {c.__name__ for c in CLEAN}, f"not a clean failure: {failure}"
        summary.failures_by_error[error] += 1
    seen = inspect(wh, tables, company)
    assert not seen.duplicates, f"duplicated natural keys: {seen.duplicates}"
    summary.key_checks += len(tables)
    after, truth = seen.states, truth_states(sim.db, company, tables)
    known[company] = after
    for res in TRANSACTIONS.values():
        is_new, is_old = [], []
        for t in res.tables:
            expected = in_window(truth[t.name], start, end)
            is_new.append(matches_truth(in_window(after[t.name], start, end), expected) is None
                          and same_state(outside_window(after[t.name], start, end),
                                         outside_window(before[t.name], start, end)))
            is_old.append(same_state(after[t.name], before[t.name]))
            summary.rows_checked += sum(rows for rows, _ in expected.values())
            summary.partitions_checked += len(expected)
        # One transaction per resource: its parent and child tables are all new, or all exactly as before.
        assert all(is_new) or all(is_old), \
            f"{res.name}: slice neither fully new {is_new} nor fully old {is_old} after faults={spec!r}"
        if run.success:
            assert all(is_new), f"{res.name}: the run succeeded but the slice is not Sage's data"
