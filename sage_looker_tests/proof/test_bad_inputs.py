"""Bad configurations and bad server answers: each produces its one clear error, and the warehouse is unchanged.

Configuration problems stop `sage-looker sync` before any run (one `Error:` naming the variable and the fix,
no traceback); bad server answers fail the affected assets of a real Dagster run with the typed Sage error
whose message names the fix. A resource this Sage version lacks (404) is skipped with a warning and the run
succeeds. Before/after every case the warehouse's row counts and exact decimal sums per table, company and
partition are compared: equal (a failed load writes nothing; a successful reload of unchanged data rewrites
the same rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from click.testing import CliRunner

from sage_looker.sage300 import catalog
from sage_looker.sage300_sim import SimulatorConfig, run_simulator

from .conftest import inspect, same_state

TODAY = dt.date(2026, 3, 14)
START = TODAY - dt.timedelta(days=4)
PASSWORD = "Mixed-Case-Pw1"  # the server keeps mixed case (SAGE300_PASSWORD_CASE=preserve)
FAST = {"backoff_initial_seconds": 0.005, "backoff_max_seconds": 0.02, "retry_after_cap_seconds": 0.02}
TABLES = [t for r in catalog.RESOURCES for t in r.tables]


@dataclass(frozen=True)
class Case:
    id: str
    fix: tuple[str, ...]  # what the one error message must say (the fix it names)
    env: dict = field(default_factory=dict)  # None value = unset
    sim: dict = field(default_factory=dict)  # simulator config attributes for the case
    faults: str = ""
    company: str = "SAMINC"
    via_cli: bool = False  # a configuration error: `sage-looker sync` must stop before any run
    succeeds: bool = False  # the 404 case: skipped with a warning, the rest loads
    store_password_with_key: str | None = None


CASES = [
    Case("wrong password", ("HTTP 401", "SAGE300_USER and SAGE300_PASSWORD are right"),
         env={"SAGE300_PASSWORD": "Not-The-Pw9"}),
    Case("lower-case password, preserve mode", ("HTTP 401", "sent exactly as given (SAGE300_PASSWORD_CASE=preserve)"),
         env={"SAGE300_PASSWORD": PASSWORD.lower()}),
    Case("mixed-case password sent upper-cased", ("HTTP 401", "set SAGE300_PASSWORD_CASE=preserve"),
         env={"SAGE300_PASSWORD_CASE": None}),
    Case("no Web API permission for AP", ("HTTP 403", 'give the user\'s AP security group the "Sage 300 Web API" '
                                          "authorization"), sim={"forbidden_modules": {"*": ["AP"]}}),
    Case("unknown company", ("HTTP 401", "the company code 'NOPE' exists (SAGE300_COMPANIES)"),
         env={"SAGE300_COMPANIES": "SAMINC,NOPE"}, company="NOPE"),
    Case("resource missing on this Sage version", ("has no resource PO/POPurchaseOrders", "skipped with a warning"),
         sim={"missing_resources": {"POPurchaseOrders"}}, succeeds=True),
    Case("persistent HTML 502", ("an HTML error page instead of JSON", "try a smaller SAGE300_PAGE_SIZE"),
         faults="html502=1.0"),
    Case("persistent truncated JSON", ("a malformed JSON instead of JSON", "from a truncated response"),
         faults="truncated=1.0"),
    Case("nothing listens at SAGE300_URL", ("Sage 300 is unavailable", "app pool is running"),
         env={"SAGE300_URL": "http://127.0.0.1:9/Sage300WebApi"}),
    Case("SAGE300_URL with the /v1.0 path", ("SAGE300_URL", "must be the Web API base ending before /v1.0"),
         env={"SAGE300_URL": "https://erp.example.com/Sage300WebApi/v1.0/-/SAMINC/AP"}, via_cli=True),
    Case("SAGE300_URL with credentials", ("SAGE300_URL", "must not carry credentials"),
         env={"SAGE300_URL": "https://webapi:pw@erp.example.com/Sage300WebApi"}, via_cli=True),
    Case("page size 0", ("SAGE300_PAGE_SIZE (got '0')", "whole number between 1 and 10000"),
         env={"SAGE300_PAGE_SIZE": "0"}, via_cli=True),
    Case("page size not a number", ("SAGE300_PAGE_SIZE (got 'lots')", "whole number between 1 and 10000"),
         env={"SAGE300_PAGE_SIZE": "lots"}, via_cli=True),
    Case("wrong credentials key", ("SAGE_LOOKER_SECRET_KEY does not decrypt", "credentials set"),
         env={"SAGE300_PASSWORD": None, "SAGE_LOOKER_SECRET_KEY": "the-key-in-use-now-0000"},
         store_password_with_key="the-key-used-to-store-1111", via_cli=True),
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A warehouse holding masters and a few days of SAMINC, loaded without faults."""
    import dagster as dg

    from sage_looker.commands.runner import sync
    from sage_looker.defs.sage300.resources import Sage300Resource

    home = tmp_path_factory.mktemp("bad_inputs")
    mp = pytest.MonkeyPatch()
    with run_simulator(SimulatorConfig(seed=37, days=10, today=TODAY, scale=0.4, password=PASSWORD,
                                       password_case="preserve")) as sim:
        try:
            for k, v in {"SAGE300_URL": sim.url, "SAGE300_USER": "WEBAPI", "SAGE300_PASSWORD": PASSWORD,
                         "SAGE300_PASSWORD_CASE": "preserve", "SAGE300_COMPANIES": "SAMINC,SAMLTD",
                         "SAGE_LOOKER_HOME": str(home), "SAGE_LOOKER_WAREHOUSE": str(home / "warehouse.duckdb"),
                         "SAGE300_START_DATE": (TODAY - dt.timedelta(days=20)).isoformat(),
                         "DAGSTER_HOME": str(home / "dagster_home"), "SAGE300_MAX_RETRIES": "2",
                         "SAGE300_TIMEOUT": "2"}.items():
                mp.setenv(k, v)
            mp.delenv("SAGE_LOOKER_SECRET_KEY", raising=False)
            (home / "dagster_home").mkdir()
            original = Sage300Resource.settings  # milliseconds between retries: persistent faults fail fast
            mp.setattr(Sage300Resource, "settings", lambda self: original(self).model_copy(update=FAST))
            from sage_looker.definitions import build_definitions

            instance = dg.DagsterInstance.ephemeral()
            assert sync(build_definitions(), "SAMINC", START, TODAY, instance=instance).success
            yield sim, home, instance
        finally:
            mp.undo()


def _state(home):
    from sage_looker.warehouse import open_warehouse

    wh = open_warehouse(str(home / "warehouse.duckdb"))
    return {c: inspect(wh, TABLES, c).states for c in ("SAMINC", "SAMLTD")}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_bad_input_gives_its_one_clear_error_and_leaves_the_warehouse_unchanged(loaded, case, monkeypatch):
    from sage_looker.cli import main
    from sage_looker.commands.runner import sync
    from sage_looker.security import credentials

    sim, home, instance = loaded
    before = _state(home)
    assert before["SAMINC"]["ap_invoices"], "the baseline load is missing"
    if case.store_password_with_key:
        monkeypatch.setenv("SAGE_LOOKER_SECRET_KEY", case.store_password_with_key)
        credentials.set_secret("SAGE300_PASSWORD", PASSWORD)
    for k, v in case.env.items():
        if v is None:
            monkeypatch.delenv(k, raising=False)
        else:
            monkeypatch.setenv(k, v)
    saved = {k: getattr(sim.config, k) for k in case.sim}
    for k, v in case.sim.items():
        setattr(sim.config, k, v)
    sim.set_faults(case.faults)
    try:
        if case.via_cli:
            result = CliRunner().invoke(main, ["sync", "--company", case.company, "--start", START.isoformat(),
                                               "--end", TODAY.isoformat()])
            messages = [result.output]
            assert result.exit_code == 1, result.output
            assert result.output.count("Error:") == 1 and "Traceback" not in result.output, result.output
        else:
            from sage_looker.definitions import build_definitions

            run = sync(build_definitions(), case.company, START, TODAY, instance=instance)
            messages = run.failures
            if case.succeeds:
                assert run.success, run.failures
                messages = [e.message or "" for rid in run.run_ids for e in instance.all_logs(rid)
                            if e.level >= 30 and "skipped" in (e.message or "")]
            else:
                assert not run.success
            assert messages, "no error reached the user"
    finally:
        sim.set_faults("")
        for k, v in saved.items():
            setattr(sim.config, k, v)
        if case.store_password_with_key:
            credentials.delete_secret(None)
    print(f"\n[{case.id}] {len(messages)} message(s); first: {messages[0][:400]}")
    for message in messages:
        for fix in case.fix:
            assert fix in message, f"{case.id}: {fix!r} not in: {message}"
        assert PASSWORD not in message and PASSWORD.upper() not in message
    after = _state(home)
    for company in before:
        for table, state in before[company].items():
            assert same_state(after[company][table], state), f"{case.id}: {company} {table} changed"
