"""The whole flow on PostgreSQL equals the whole flow on DuckDB.

The demo's steps (masters + a range of days for both companies through `runner.sync`, today's inventory
snapshot, then the refresh job: dbt build + Looker refresh) run twice against one deterministic simulator:
once with the default DuckDB warehouse, once with `SAGE_LOOKER_WAREHOUSE=postgresql://…` (a fresh database,
and nothing else changed). Then every raw table's row counts and every mart's totals must be equal, the
LookML must validate against PostgreSQL, and the URL's password must appear in no log.

Without a PostgreSQL server (SAGE_LOOKER_TEST_PG_URL, set by scripts/test.sh) the tests skip with the reason.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import time
import uuid
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import dagster as dg
import pytest

from sage_looker.sage300_sim import SimulatorConfig, run_simulator
from sage_looker_tests.defs.conftest import TODAY, make_platform
from sage_looker_tests.pgserver import admin_url, fresh_database

START = TODAY - dt.timedelta(days=20)
COMPANIES = ("SAMINC", "SAMLTD")
RAW, DBT_SCHEMAS = "sage300", ("staging", "intermediate", "marts", "reference")
LINEAGE = {"_run_id", "_loaded_at", "_source_url", "_record_hash"}
NUMERIC = ("DECIMAL", "NUMERIC", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "DOUBLE", "FLOAT", "REAL",
           "UBIGINT", "UINTEGER")
# Two flows (~1 min each on an idle machine) run in the first test's setup.
pytestmark = pytest.mark.timeout(1800)
# The marts the finance dashboards read; each must exist and hold rows on both backends.
FINANCE_MARTS = ("ap_aging", "ar_aging", "cash_flow_forecast", "gl_trial_balance", "margin_by_product_line",
                 "inventory_turnover", "fct_inventory_daily")


@dataclass
class Flow:
    warehouse: str
    home: Path
    raw: dict[str, list] = field(default_factory=dict)
    dbt: dict[str, list] = field(default_factory=dict)
    event_text: str = ""
    output: str = ""
    stdout: str = ""
    writer_slots: int | None = None
    seconds: float = 0.0


@pytest.fixture(scope="module")
def sim():
    with run_simulator(SimulatorConfig(seed=11, days=45, today=TODAY, scale=0.5)) as s:
        yield s


@pytest.fixture(scope="module")
def looker_env():
    """A Looker simulator of this module's own: the embedded one is per process, and other tests in the same
    worker count its deliveries."""
    from sage_looker.defs.looker.resources import EMBEDDED_DEFAULTS
    from sage_looker.looker_sim import LookerSimConfig, run_looker_simulator

    with run_looker_simulator(LookerSimConfig()) as looker:
        yield {**EMBEDDED_DEFAULTS, "LOOKER_BASE_URL": looker.base_url, "LOOKER_CLIENT_ID": looker.client_id,
               "LOOKER_CLIENT_SECRET": looker.config.client_secret}


def _password_url(url: str, password: str) -> str:
    """The test server trusts loopback, so any password connects: it proves where a password would travel."""
    parts = urlsplit(url)
    user = parts.username or "postgres"
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=f"{user}:{password}@{host}").geturl()


def _columns(wh, schema: str) -> dict[str, list[tuple[str, str]]]:
    rows = wh.read_arrow(
        "SELECT table_name, column_name, UPPER(data_type) AS data_type FROM information_schema.columns "
        "WHERE table_schema = ? ORDER BY table_name, ordinal_position", [schema]).to_pylist()
    out: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        out.setdefault(r["table_name"], []).append((r["column_name"], r["data_type"]))
    return out


def _totals(wh, schema: str, lineage: bool) -> dict[str, list]:
    """Per table: rows per company (when it has company_id) with the sum of every numeric column and the
    min/max of every date column, as the same SQL on either backend."""
    out = {}
    for table, cols in sorted(_columns(wh, schema).items()):
        names = {c for c, _ in cols}
        exprs = ["COUNT(*) AS n"]
        for i, (c, t) in enumerate(cols):
            if not lineage and c in LINEAGE:
                continue
            if t.startswith(NUMERIC):
                exprs.append(f'SUM("{c}") AS "sum_{i}"')
            elif t == "DATE":
                exprs.append(f'MIN("{c}") AS "min_{i}", MAX("{c}") AS "max_{i}"')
        by = "company_id" if "company_id" in names else None
        sql = f'SELECT {by + ", " if by else ""}{", ".join(exprs)} FROM "{schema}"."{table}"'
        if by:
            sql += f" GROUP BY {by} ORDER BY {by}"
        out[table] = [{k: _norm(v) for k, v in r.items()} for r in wh.read_arrow(sql).to_pylist()]
    return out


def _norm(v):
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, Decimal)):
        return Decimal(v).normalize() + 0  # 1.500 == 1.5 == 1.50; +0 turns -0 into 0
    return v


def _event_text(instance: dg.DagsterInstance) -> str:
    chunks = []
    for record in instance.get_run_records():
        for entry in instance.all_logs(record.dagster_run.run_id):
            chunks.append(entry.user_message or "")
            if entry.dagster_event is not None:
                chunks.append(repr(entry.dagster_event.event_specific_data))
    return "\n".join(chunks)


def run_demo_flow(sim, looker_env: dict[str, str], home: Path, warehouse: str | None) -> Flow:
    """What `sage-looker demo` does, against `sim`, into `warehouse` (None: the default DuckDB file)."""
    from sage_looker.commands.runner import WRITER_POOL, prepare_instance, sync
    from sage_looker.commands.sync_cli import _print_finance_totals, _refresh
    from sage_looker.warehouse import open_warehouse

    started = time.monotonic()
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(out), redirect_stderr(err):
        env = {**looker_env, **({"SAGE_LOOKER_WAREHOUSE": warehouse} if warehouse else {})}
        platform = make_platform(sim, home, mp, **env)
        instance = prepare_instance()  # the demo's instance ($DAGSTER_HOME), with its writer pool limit
        try:
            for company in COMPANIES:
                summary = sync(platform.defs, company, START, TODAY, snapshot_day=dt.date.today(), instance=instance)
                assert summary.success, (company, summary.failures)
                assert summary.rows.get("ap_invoices", 0) > 0
            assert _refresh(platform.defs, instance), err.getvalue()[-4000:]
            _print_finance_totals(platform.warehouse)
            flow = Flow(platform.warehouse, home)
            wh = open_warehouse(platform.warehouse)
            try:
                flow.raw = _totals(wh, RAW, lineage=False)
                for schema in DBT_SCHEMAS:
                    flow.dbt.update({f"{schema}.{t}": v for t, v in _totals(wh, schema, lineage=True).items()})
            finally:
                wh.close()
            flow.event_text = _event_text(instance)
            flow.writer_slots = instance.event_log_storage.get_concurrency_info(WRITER_POOL).slot_count
        finally:
            instance.dispose()
    flow.stdout = out.getvalue()
    flow.output = flow.stdout + err.getvalue()
    flow.seconds = time.monotonic() - started
    return flow


@pytest.fixture(scope="module")
def password():
    return f"pw-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def pg_flow(sim, looker_env, password, tmp_path_factory):
    admin_url()  # skips with the reason when there is no server
    with fresh_database("flow") as url:
        yield run_demo_flow(sim, looker_env, tmp_path_factory.mktemp("pg_flow"), _password_url(url, password))


@pytest.fixture(scope="module")
def duck_flow(sim, looker_env, tmp_path_factory):
    return run_demo_flow(sim, looker_env, tmp_path_factory.mktemp("duck_flow"), None)


def _assert_same(pg: dict[str, list], duck: dict[str, list], what: str) -> int:
    """Equal totals table by table; returns how many values were compared."""
    assert sorted(pg) == sorted(duck), f"{what}: the backends hold different tables"
    compared = 0
    for table in duck:
        assert len(pg[table]) == len(duck[table]), f"{what} {table}: companies differ"
        for p_row, d_row in zip(pg[table], duck[table]):
            assert p_row.keys() == d_row.keys(), f"{what} {table}"
            for key, d_value in d_row.items():
                p_value = p_row[key]
                if isinstance(d_value, float) or isinstance(p_value, float):  # ratios: summation order differs
                    assert p_value is not None and math.isclose(float(p_value), float(d_value), rel_tol=1e-9), \
                        f"{what} {table} {key}: PostgreSQL {p_value} vs DuckDB {d_value}"
                else:
                    assert p_value == d_value, f"{what} {table} {key} ({p_row.get('company_id')}): " \
                                               f"PostgreSQL {p_value!r} vs DuckDB {d_value!r}"
                compared += 1
    return compared


def test_raw_tables_hold_the_same_rows_on_both_backends(pg_flow, duck_flow):
    assert pg_flow.warehouse.startswith("postgresql://") and duck_flow.warehouse.endswith(".duckdb")
    assert len(duck_flow.raw) >= 20
    for table in ("ap_vendors", "ap_invoices", "ap_invoice_lines", "gl_posted_transactions", "ic_item_snapshots"):
        assert {r["company_id"] for r in duck_flow.raw[table]} == set(COMPANIES), table
    assert _assert_same(pg_flow.raw, duck_flow.raw, "raw") > 500


def test_every_mart_has_the_same_totals_on_both_backends(pg_flow, duck_flow):
    for mart in FINANCE_MARTS:
        rows = duck_flow.dbt[f"marts.{mart}"]
        assert rows and sum(r["n"] for r in rows) > 0, f"marts.{mart} is empty: the comparison would prove nothing"
    assert sum(k.startswith("marts.") for k in duck_flow.dbt) >= 15
    assert _assert_same(pg_flow.dbt, duck_flow.dbt, "dbt") > 300


def test_the_finance_summary_the_demo_prints_is_the_same(pg_flow, duck_flow):
    def summary(flow):  # the totals block `_print_finance_totals` prints last on stdout
        return flow.stdout[flow.stdout.index("AP aging (open"):].splitlines()

    assert any(line.startswith("Cash-flow forecast") for line in summary(duck_flow))
    assert sum(line.startswith("  ") for line in summary(duck_flow)) >= 4  # both companies, AP and forecast
    assert summary(pg_flow) == summary(duck_flow)


def test_lookml_validates_against_postgresql_and_datagroup_sql_runs_on_both(pg_flow, duck_flow):
    from sage_looker.dbt_project import LOOKML_DIR
    from sage_looker.lookml_check import check_datagroup_sql, check_lookml, load_project, warehouse_columns
    from sage_looker.warehouse import open_warehouse

    with warehouse_columns(pg_flow.warehouse) as cols:
        assert check_lookml(LOOKML_DIR, cols) == []
        assert cols("marts.ap_aging") and cols("marts.no_such_mart") is None
    project = load_project(LOOKML_DIR)
    assert any(doc.get("datagroups") for doc in project.models.values())
    for flow in (pg_flow, duck_flow):
        wh = open_warehouse(flow.warehouse)
        try:
            assert check_datagroup_sql(project, wh.read_arrow) == [], flow.warehouse
            assert wh.read_arrow("SELECT MAX(_loaded_at) AS m FROM sage300.gl_posted_transactions").column("m")[0].is_valid
        finally:
            wh.close()


def test_the_writer_pool_follows_the_backend(pg_flow, duck_flow):
    assert duck_flow.writer_slots == 1  # one writer process per DuckDB file
    assert pg_flow.writer_slots == 4


def test_the_password_never_reaches_logs_output_or_dbt_arguments(pg_flow, password):
    assert password in pg_flow.warehouse
    assert "dbt" in pg_flow.event_text and "build" in pg_flow.event_text  # the dbt command line is logged
    assert password not in pg_flow.event_text
    assert password not in pg_flow.output
    assert "postgres" in pg_flow.event_text.lower() or "postgres" in pg_flow.output.lower()


def test_io_manager_inputs_and_warehouse_reads_work_with_a_url(pg_flow, duck_flow):
    """load_input and the `?`-placeholder reads of the checks and the close calendar, on both backends."""
    from sage_looker.defs.sage300.checks import _master_keys
    from sage_looker.defs.sage300.close_calendar import load_periods
    from sage_looker.defs.warehouse.io_manager import SageWarehouseIOManager
    from sage_looker.defs.warehouse.resources import WarehouseResource
    from sage_looker.warehouse import open_warehouse

    daily = dg.DailyPartitionsDefinition(start_date=(TODAY - dt.timedelta(days=60)).isoformat(), end_offset=1)
    parts = dg.MultiPartitionsDefinition({"company": dg.StaticPartitionsDefinition(list(COMPANIES)), "date": daily})
    got = {}
    for flow in (pg_flow, duck_flow):
        io = SageWarehouseIOManager(target=flow.warehouse)
        key_range = dg.PartitionKeyRange(f"SAMINC|{(TODAY - dt.timedelta(days=3)).isoformat()}",
                                         f"SAMINC|{TODAY.isoformat()}")
        ctx = dg.build_input_context(asset_key=dg.AssetKey(["sage300", "ap_invoices"]), asset_partitions_def=parts,
                                     asset_partition_key_range=key_range)
        frame = io.load_input(ctx)
        masters = dg.build_input_context(asset_key=dg.AssetKey(["sage300", "ap_vendors"]), partition_key="SAMLTD",
                                         asset_partitions_def=dg.StaticPartitionsDefinition(list(COMPANIES)))
        vendors = io.load_input(masters)
        wh = open_warehouse(flow.warehouse)
        try:
            keys = _master_keys(wh, "ap_vendors", "VendorNumber", "SAMINC")
        finally:
            wh.close()
        periods = load_periods(WarehouseResource(target=flow.warehouse), "SAMINC")
        got[flow is pg_flow] = (frame.height, sorted(frame["company_id"].unique().to_list()),
                                vendors.height, len(keys or ()), periods)
    assert got[True] == got[False]
    height, companies, vendor_rows, vendor_keys, periods = got[True]
    assert height > 0 and companies == ["SAMINC"] and vendor_rows > 0 and vendor_keys > 0
    assert len(periods) >= 12 and all(isinstance(a, dt.date) for a, _ in periods)
