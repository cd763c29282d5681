"""A whole demo-like flow with distinctive secrets, then a grep of everything it left behind: zero hits.

The Sage password (mixed case, SAGE300_PASSWORD_CASE=preserve) and the Looker client secret live only in the
encrypted credential store (no SAGE300_PASSWORD / LOOKER_CLIENT_SECRET in the environment), so the flow also
proves the store end to end. The flow: masters + a few days of transactions + the inventory snapshot for both
companies under light Sage faults (retries log warnings), a run that fails (its step-failure text lands in
the event log), dbt build + the Looker refresh job (a Looker 429 is retried), `sage-looker credentials show`.

Then every place a secret could land is searched, case-insensitively, for the password in each case form,
its HTTP Basic token, base64 of each secret, the store's key and every Looker access token issued:
log records at DEBUG (every logger), stdout/stderr (Dagster's console logger, dbt's output), the Dagster
event log and run records, every column of every warehouse table (all schemas), every file under
$SAGE_LOOKER_HOME (warehouse file, Dagster storage, credential store, archive and ledger when present), and
the dbt logs and target files written during the test.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import os
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from sage_looker.sage300_sim import SimulatorConfig, run_simulator

from .conftest import ProofSummary

SAGE_PASSWORD = "Zq7-SECRET-sage-Pw0rdMx"
LOOKER_SECRET = "Zq7-SECRET-looker-Kq93Tz"
STORE_KEY = "Zq7-SECRET-storekey-8c1f0a77d2"
USER = "WEBAPI"
# The PostgreSQL warehouse password, as written in the URL (percent-encoded) and as libpq sends it (decoded).
PG_PASSWORD = "Zq7-SECRET-pg@Pw d8"
PG_PASSWORD_IN_URL = "Zq7-SECRET-pg%40Pw%20d8"


def _needles(tokens: list[str]) -> dict[str, str]:
    b64 = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
    out = {"sage password": SAGE_PASSWORD, "sage Basic token": b64(f"{USER}:{SAGE_PASSWORD}"),
           "sage Basic token (upper)": b64(f"{USER}:{SAGE_PASSWORD.upper()}"),
           "sage password base64": b64(SAGE_PASSWORD), "looker secret": LOOKER_SECRET,
           "looker secret base64": b64(LOOKER_SECRET), "store key": STORE_KEY}
    out.update({f"looker token {i}": t for i, t in enumerate(tokens)})
    out.update({"pg password": PG_PASSWORD, "pg password (url form)": PG_PASSWORD_IN_URL})
    return {k: v.lower() for k, v in out.items()}


def _hits(text: str, needles: dict[str, str], where: str) -> list[str]:
    low = text.lower()
    return [f"{name} in {where}" for name, needle in needles.items() if needle in low]


@contextmanager
def _duckdb():
    yield None


@contextmanager
def _postgres():
    from sage_looker_tests.pgserver import fresh_database

    with fresh_database("secrets") as url:
        # The test server trusts loopback: the password is carried everywhere a real one is, and not checked.
        parts = urlsplit(url)
        user = parts.username or "postgres"
        yield parts._replace(netloc=f"{user}:{PG_PASSWORD_IN_URL}@{parts.hostname}:{parts.port}").geturl()


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_a_whole_flow_leaves_no_secret_anywhere(backend, tmp_path, monkeypatch, caplog, capfd):
    with (_duckdb() if backend == "duckdb" else _postgres()) as pg_url:
        _whole_flow(pg_url, tmp_path, monkeypatch, caplog, capfd)


def _whole_flow(pg_url, tmp_path, monkeypatch, caplog, capfd):
    from dagster_shared.serdes import serialize_value

    from sage_looker.commands.runner import prepare_instance, sync
    from sage_looker.commands.sync_cli import _refresh
    from sage_looker.dbt_project import PROJECT_DIR
    from sage_looker.defs.looker.resources import EMBEDDED_DEFAULTS
    from sage_looker.looker_sim import LookerSimConfig, run_looker_simulator
    from sage_looker.security import credentials
    from sage_looker.security.cli import credentials_group
    from sage_looker.warehouse import open_warehouse

    started = time.time()
    summary = ProofSummary("secrets_scan" if pg_url is None else "secrets_scan_postgresql")
    caplog.set_level(logging.DEBUG)
    today = dt.date.today()
    home = tmp_path / "home"
    with run_simulator(SimulatorConfig(seed=31, days=12, scale=0.4, password=SAGE_PASSWORD,
                                       password_case="preserve", faults="5xx=0.02,reset=0.02,html502=0.02")) as sage, \
            run_looker_simulator(LookerSimConfig(client_secret=LOOKER_SECRET, retry_after=0,
                                                 faults="429@all_datagroups=burst:1")) as looker:
        for var in ("SAGE300_PASSWORD", "LOOKER_CLIENT_SECRET", "SAGE_LOOKER_WAREHOUSE"):
            monkeypatch.delenv(var, raising=False)
        env = {"SAGE300_URL": sage.url, "SAGE300_USER": USER, "SAGE300_PASSWORD_CASE": "preserve",
               "SAGE300_COMPANIES": "SAMINC,SAMLTD", "SAGE_LOOKER_HOME": str(home),
               "SAGE300_START_DATE": (today - dt.timedelta(days=30)).isoformat(),
               "DAGSTER_HOME": str(home / "dagster_home"), "SAGE_LOOKER_SECRET_KEY": STORE_KEY,
               "SAGE_LOOKER_LOG_LEVEL": "DEBUG", "LOOKER_BASE_URL": looker.base_url,
               "LOOKER_CLIENT_ID": looker.client_id, **EMBEDDED_DEFAULTS}
        if pg_url:
            env["SAGE_LOOKER_WAREHOUSE"] = pg_url
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        credentials.set_secret("SAGE300_PASSWORD", SAGE_PASSWORD)
        credentials.set_secret("LOOKER_CLIENT_SECRET", LOOKER_SECRET)

        from sage_looker.definitions import build_definitions

        phase = time.monotonic()
        defs = build_definitions()
        instance = prepare_instance()  # on disk under $SAGE_LOOKER_HOME: its storage files are scanned too
        for company in ("SAMINC", "SAMLTD"):
            run = sync(defs, company, today - dt.timedelta(days=3), today, snapshot_day=today, instance=instance)
            assert run.success, run.failures
        summary.extra["seconds_load"], phase = round(time.monotonic() - phase, 1), time.monotonic()
        assert _refresh(defs, instance), "dbt build + Looker refresh failed"
        summary.extra["seconds_refresh"], phase = round(time.monotonic() - phase, 1), time.monotonic()
        assert looker.deliveries(), "the Looker refresh delivered nothing"
        sage.config.forbidden_modules = {"*": ["AP"]}  # a run that fails: its error text goes to the event log
        failed = sync(defs, "SAMINC", today, today, masters=False, instance=instance)
        sage.config.forbidden_modules = {}
        assert not failed.success and failed.failures
        summary.extra["seconds_failing_run"], phase = round(time.monotonic() - phase, 1), time.monotonic()
        # The resources registered the stored secrets with the redaction the definitions installed: a careless
        # log line quoting them (as a debugging session might add) is scrubbed like everything else.
        from sage_looker.security import redaction

        assert redaction.contains_secret(SAGE_PASSWORD.lower()) and redaction.contains_secret(LOOKER_SECRET)
        logging.getLogger("sage_looker.careless").warning("password=%s secret=%s", SAGE_PASSWORD, LOOKER_SECRET)
        if pg_url:  # libpq's form of the warehouse password (decoded), as a driver message would show it
            assert redaction.contains_secret(PG_PASSWORD)
            logging.getLogger("sage_looker.careless").warning("connecting with password %s", PG_PASSWORD)
        shown = CliRunner().invoke(credentials_group, ["show"])
        assert shown.exit_code == 0 and "SAGE300_PASSWORD      stored" in shown.output
        tokens = looker.state.issued_tokens()
        assert tokens, "no Looker token was issued: the scan would not cover tokens"

    needles = _needles(tokens)
    hits: list[str] = []

    # 1. Log records and process output.
    records = caplog.records
    hits += _hits(caplog.text, needles, "captured log text")
    hits += _hits("\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in records), needles, "log records")
    out, err = capfd.readouterr()
    hits += _hits(out + err + shown.output, needles, "stdout/stderr")
    summary.extra["log_records"] = len(records)
    summary.extra["output_lines"] = (out + err).count("\n")

    # 2. Dagster: every event of every run (messages, metadata, error text and stacks) and the run records.
    events = 0
    for record in instance.get_runs():
        hits += _hits(serialize_value(record), needles, f"run {record.run_id}")
        for entry in instance.all_logs(record.run_id):
            events += 1
            hits += _hits(serialize_value(entry), needles, f"event log of run {record.run_id}")
    assert events > 100
    summary.extra["dagster_runs"] = len(instance.get_runs())
    summary.extra["dagster_events"] = events

    # 3. The warehouse: every column of every table in every schema, as text.
    wh = open_warehouse(pg_url or str(home / "warehouse.duckdb"))
    columns = wh.read_arrow("SELECT table_schema, table_name, column_name FROM information_schema.columns "
                            "WHERE table_catalog = current_database() AND table_schema NOT IN "
                            "('pg_catalog', 'information_schema') ORDER BY 1, 2").to_pylist()
    by_table: dict[tuple[str, str], list[str]] = {}
    for c in columns:
        by_table.setdefault((c["table_schema"], c["table_name"]), []).append(c["column_name"])
    values = 0
    for (schema, table), cols in by_table.items():
        text = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in cols)
        rows = wh.read_arrow(f'SELECT concat_ws(chr(31), {text}) AS x FROM "{schema}"."{table}"').column("x")
        values += len(rows) * len(cols)
        hits += _hits("\n".join(v for v in rows.to_pylist() if v), needles, f"warehouse {schema}.{table}")
    assert values > 10_000 and ("sage300", "ap_invoices") in by_table and ("marts", "ap_aging") in by_table
    summary.extra["warehouse_tables"] = len(by_table)
    summary.extra["warehouse_values"] = values

    # 4. Files: everything under $SAGE_LOOKER_HOME, and what dbt wrote in its project during the test.
    files = [p for p in home.rglob("*") if p.is_file()]
    files += [p for d in ("logs", "target") for p in (PROJECT_DIR / d).rglob("*")
              if p.is_file() and p.stat().st_mtime >= started - 1]
    scanned = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue  # removed meanwhile (a temporary file of a concurrent dbt run)
        scanned += len(data)
        hits += _hits(data.decode("latin-1"), needles, f"file {path}")
    assert (home / credentials.FILE_NAME).exists() and (pg_url or any(p.suffix == ".duckdb" for p in files))
    summary.extra["files_scanned"] = len(files)
    summary.extra["bytes_scanned"] = scanned

    summary.extra["seconds_scan"] = round(time.monotonic() - phase, 1)
    summary.extra["secrets_searched"] = len(needles)
    summary.extra["secrets_found"] = len(hits)
    summary.write()
    assert not hits, f"{len(hits)} secret hit(s): {sorted(set(hits))[:20]}"


def test_the_scanner_finds_a_planted_secret():
    """The scan above is only as good as its matcher: a planted secret in any case form is found."""
    needles = _needles(["tok-abc"])
    basic = base64.b64encode(f"{USER}:{SAGE_PASSWORD}".encode()).decode()
    planted = f"user WEBAPI pw {SAGE_PASSWORD.upper()} auth Basic {basic}"
    assert len(_hits(planted, needles, "planted")) == 2
    assert _hits(os.linesep.join(["nothing", "here"]), needles, "clean") == []


# ------------------------------------------------------------------ the cases found leaking or at risk

@pytest.fixture
def scrubbing():
    from sage_looker.security import redaction

    redaction.clear()
    yield redaction
    redaction.clear()


def test_a_malformed_postgresql_password_is_not_echoed_by_the_error(scrubbing):
    import traceback

    from sage_looker.warehouse import WarehouseError, open_warehouse

    bad = "postgresql://finance:Zq7-SECRET%zz-pg@127.0.0.1:1/finance"  # %zz: libpq cannot decode it
    with pytest.raises(WarehouseError) as info:
        open_warehouse(bad).read_arrow("SELECT 1")
    text = "".join(traceback.format_exception(info.value))
    assert "Zq7-SECRET" not in text and "postgresql://finance:***@127.0.0.1:1/finance" in text
    assert "Percent-encode" in str(info.value)


def test_the_decoded_form_of_a_percent_encoded_database_password_is_redacted(scrubbing, caplog):
    scrubbing.register_from_env({"SAGE_LOOKER_WAREHOUSE": f"postgresql://finance:{PG_PASSWORD_IN_URL}@db/finance"})
    scrubbing.install({})
    try:
        logging.getLogger("sage_looker.careless").warning("libpq: password %s / %s", PG_PASSWORD, PG_PASSWORD_IN_URL)
    finally:
        scrubbing.uninstall()
    assert PG_PASSWORD not in caplog.text and PG_PASSWORD_IN_URL not in caplog.text


def test_a_sage_password_equal_to_the_user_id_still_has_its_basic_token_redacted(scrubbing, caplog):
    token = base64.b64encode(b"WEBAPI:WEBAPI").decode()  # the Authorization header httpx sends
    scrubbing.register_sage_credentials("WEBAPI", "webapi", "upper")
    scrubbing.install({})
    try:
        logging.getLogger("sage_looker.careless").warning("proxy echoed: Authorization: Basic %s", token)
    finally:
        scrubbing.uninstall()
    assert token not in caplog.text and "Authorization: Basic [REDACTED]" in caplog.text


def test_a_looker_url_with_credentials_is_refused_without_echoing_them():
    from sage_looker.defs.looker.resources import LookerResource
    from sage_looker.looker import LookerConfigError

    resource = LookerResource(base_url="https://bob:Zq7-SECRET-urlpw@acme.cloud.looker.com", client_id="abc",
                              client_secret="Zq7-SECRET-looker-x1")
    with pytest.raises(LookerConfigError, match="must not carry credentials") as info:
        resource.settings()
    assert "Zq7-SECRET" not in str(info.value) and "LOOKER_CLIENT_ID" in str(info.value)


def test_credentials_over_plain_http_to_another_host_are_refused_unless_allowed():
    from sage_looker.defs.sage300.resources import sage300_resource_from_env
    from sage_looker.looker import LookerConfigError
    from sage_looker.looker.settings import LookerSettings
    from sage_looker.sage300.errors import SageConfigError
    from sage_looker.sage300.settings import Sage300Settings

    sage = {"SAGE300_URL": "http://erp.acme.example/Sage300WebApi", "SAGE300_USER": "WEBAPI",
            "SAGE300_PASSWORD": "Zq7-SECRET-httppw"}
    for build in (Sage300Settings.from_env, sage300_resource_from_env):  # the client, and the definitions load
        with pytest.raises(SageConfigError, match="SAGE300_ALLOW_INSECURE_HTTP=true") as info:
            build(sage)
        assert "Zq7-SECRET" not in str(info.value)
    assert Sage300Settings.from_env({**sage, "SAGE300_ALLOW_INSECURE_HTTP": "true"}).url.startswith("http://erp")
    assert Sage300Settings.from_env({**sage, "SAGE300_URL": "https://erp.acme.example/Sage300WebApi"})
    assert Sage300Settings.from_env({**sage, "SAGE300_URL": "http://127.0.0.1:8080/Sage300WebApi"})  # this machine

    looker = {"LOOKER_BASE_URL": "http://looker.acme.example:19999", "LOOKER_CLIENT_ID": "abc",
              "LOOKER_CLIENT_SECRET": "Zq7-SECRET-lk"}
    with pytest.raises(LookerConfigError, match="LOOKER_ALLOW_INSECURE_HTTP=true"):
        LookerSettings.from_env(looker)
    assert LookerSettings.from_env({**looker, "LOOKER_ALLOW_INSECURE_HTTP": "true"}).allow_insecure_http
