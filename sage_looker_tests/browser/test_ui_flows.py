"""The analyst's Dagster in a real browser: lineage Sage → dbt → Looker; a company's masters and a company ×
date backfill launched the way the job page launches them (its GraphQL mutation), every day then found in the
warehouse and compared with the simulator's own ledger; an asset page with its column schema and checks.
Skipped with the reason only when no Chromium can be installed (scripts/browser.sh)."""

import datetime as dt
import shutil
import time

import pytest

from sage_looker.sage300 import catalog

from .ui import ARTIFACTS, DagsterDev, chromium_or_reason

SIM_DAYS = 20
LOCATION = "sage_looker.definitions"
LAUNCH = """mutation Launch($p: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $p) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }"""
STATUS = """query S($id: String!) { partitionBackfillOrError(backfillId: $id) {
  ... on PartitionBackfill { status } } }"""
FINAL = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}


@pytest.fixture(scope="module")
def chromium():
    path, reason = chromium_or_reason()
    if not path:
        pytest.skip(f"no Chromium for the browser tests: {reason}")
    return path


@pytest.fixture(scope="module")
def dev(chromium, tmp_path_factory):
    home = tmp_path_factory.mktemp("ui")
    server = DagsterDev(home, {"SAGE300_SIM_DAYS": str(SIM_DAYS)})
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def page(chromium, dev):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 1600, "height": 1000})
        pg.set_default_timeout(60_000)
        yield pg
        browser.close()


def _open(page, dev, path):
    page.goto(dev.url + path)
    skip = page.get_by_role("button", name="Skip")  # the first visit's community dialog
    try:
        skip.click(timeout=5_000)
    except Exception:
        pass


def _job_page_backfill(dev, job: str, partitions: list[str], assets: list[list[str]]) -> str:
    params = {"selector": {"partitionSetName": f"{job}_partition_set",
                           "repositorySelector": {"repositoryLocationName": LOCATION,
                                                  "repositoryName": "__repository__"}},
              "partitionNames": partitions, "assetSelection": [{"path": a} for a in assets],
              "fromFailure": False, "tags": []}
    out = dev.graphql(LAUNCH, {"p": params})["launchPartitionBackfill"]
    assert out["__typename"] == "LaunchBackfillSuccess", out
    return out["backfillId"]


def _wait_backfill(dev, backfill_id: str, bound: float = 420.0) -> str:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        status = dev.graphql(STATUS, {"id": backfill_id})["partitionBackfillOrError"]["status"]
        if status in FINAL:
            return status
        time.sleep(2)
    raise AssertionError(f"backfill {backfill_id} not finished after {bound:.0f}s: {dev.tail()}")


def test_lineage_runs_from_sage_through_dbt_to_looker(page, dev):
    _open(page, dev, "/asset-groups")
    page.get_by_text("Global asset lineage").first.wait_for()
    body = page.inner_text("body")
    for group in ("sage300_transactions", "sage300_masters", "dbt_staging", "marts", "looker"):
        assert group in body
    assert "default" not in body.split()
    page.screenshot(path=str(ARTIFACTS / "lineage.png"))


def test_job_page_backfill_puts_every_day_in_the_warehouse(page, dev):
    from sage_looker.sage300_sim import SimulatorConfig, run_simulator
    from sage_looker.warehouse import open_warehouse

    masters = _job_page_backfill(dev, "sage300_masters_job", ["SAMINC"],
                                 [["sage300", r.root_table.name] for r in catalog.MASTERS])
    assert _wait_backfill(dev, masters) in ("COMPLETED", "COMPLETED_SUCCESS")
    today = dt.date.today()
    days = [today - dt.timedelta(days=n) for n in range(8, 3, -1)]
    keys = [f"SAMINC|{d.isoformat()}" for d in days]
    started = time.monotonic()
    backfill = _job_page_backfill(dev, "sage300_transactions_only_job", keys,
                                  [["sage300", r.root_table.name] for r in catalog.TRANSACTIONS])
    assert _wait_backfill(dev, backfill) in ("COMPLETED", "COMPLETED_SUCCESS")
    print(f"job-page backfill of {len(keys)} days: {time.monotonic() - started:.1f}s")

    with run_simulator(SimulatorConfig(seed=7, days=SIM_DAYS)) as sim:  # the embedded default's data
        truth = sim.truth()["companies"]["SAMINC"]["tables"]
    wh = open_warehouse(str(dev.env["SAGE_LOOKER_HOME"]) + "/warehouse.duckdb")
    try:
        for resource in catalog.TRANSACTIONS:
            t = resource.root_table
            got = {r["d"]: r["n"] for r in wh.read_arrow(
                f'SELECT CAST("{t.partition_column}" AS VARCHAR) AS d, COUNT(*) AS n FROM sage300."{t.name}" '
                "WHERE company_id = 'SAMINC' GROUP BY 1").to_pylist()}
            expected = {d: p["rows"] for d, p in truth[t.name]["partitions"].items()
                        if days[0].isoformat() <= d <= days[-1].isoformat()}
            assert got == expected, f"{t.name}: warehouse rows per day differ from Sage's"
    finally:
        wh.close()
    _open(page, dev, f"/runs/b/{backfill}")
    page.wait_for_timeout(3_000)
    page.screenshot(path=str(ARTIFACTS / "backfill.png"))


def test_asset_page_shows_row_counts_columns_and_checks(page, dev):
    _open(page, dev, "/assets/sage300/ap_invoice_batches")
    page.get_by_text("batch_number").first.wait_for()  # the column schema
    page.wait_for_timeout(2_000)
    page.screenshot(path=str(ARTIFACTS / "asset_page.png"), full_page=True)
    _open(page, dev, "/assets/sage300/ap_invoice_batches?view=checks")
    page.get_by_text("references_exist_in_masters").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "asset_checks.png"))
    shutil.copy(ARTIFACTS / "lineage.png", ARTIFACTS / "best.png")
