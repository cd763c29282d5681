"""The ground truth is in warehouse names and agrees with an independent count of what HTTP serves."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from decimal import Decimal

import httpx

from sage_looker.sage300 import catalog
from sage_looker.sage300.columns import snake
from sage_looker_tests.sage300_sim.conftest import fetch_all


def test_truth_format(sim):
    t = sim.truth()
    assert t["simulator"]["today"] == "2025-03-14" and t["simulator"]["companies"] == ["SAMINC", "SAMLTD"]
    tables = t["companies"]["SAMLTD"]["tables"]
    assert t["companies"]["SAMLTD"]["functional_currency"] == "CAD"
    assert set(tables) == {tb.name for tb in catalog.all_tables()}
    for res in catalog.RESOURCES:
        for table in res.tables:
            entry = tables[table.name]
            parts = entry["partitions"]
            if res.kind == "master":
                assert list(parts) == ["_all"]
            else:
                assert parts and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", k) for k in parts)
            assert entry["rows"] == sum(p["rows"] for p in parts.values())
            declared = {snake(f) for f, ct in table.fields.items() if ct.is_decimal}
            assert declared <= set(entry["sums"])
            for col, total in entry["sums"].items():
                if total is not None:
                    assert Decimal(total) == sum(Decimal(p["sums"][col]) for p in parts.values()
                                                 if p["sums"][col] is not None)
    assert re.fullmatch(r"-?\d+\.\d{3}", tables["ap_invoices"]["sums"]["document_total_including_tax"])


def test_truth_matches_raw_http_count(sim, client):
    """Count rows and sum amounts of AR invoice lines from raw HTTP pages, per company and BatchDate."""
    for company in ("SAMINC", "SAMLTD"):
        batches, _ = fetch_all(client, f"{sim.url}/v1.0/-/{company}/AR/ARInvoiceBatches")
        rows: dict[str, int] = defaultdict(int)
        sums: dict[str, Decimal] = defaultdict(Decimal)
        cogs: dict[str, Decimal] = defaultdict(Decimal)
        for b in batches:
            day = b["BatchDate"][:10]
            for inv in b["Invoices"]:
                for line in inv["InvoiceDetails"]:
                    rows[day] += 1
                    sums[day] += line["ExtendedAmountWithTIP"]
                    cogs[day] += line["COGSAmount"]
        truth = sim.truth()["companies"][company]["tables"]["ar_invoice_lines"]
        assert truth["rows"] == sum(rows.values())
        assert set(truth["partitions"]) == set(rows)
        for day, p in truth["partitions"].items():
            assert p["rows"] == rows[day]
            assert Decimal(p["sums"]["extended_amount_with_tip"]) == sums[day]
            assert Decimal(p["sums"]["cogs_amount"]) == cogs[day]
        ledger, _ = fetch_all(client, f"{sim.url}/v1.0/-/{company}/GL/GLPostedTransactions")
        gl = sim.truth()["companies"][company]["tables"]["gl_posted_transactions"]
        assert gl["rows"] == len(ledger)
        assert Decimal(gl["sums"]["journal_transaction_amount"]) == 0  # the whole ledger balances


def test_truth_endpoint_and_after_mutation(fresh_sim):
    s = fresh_sim(days=5)
    over_http = httpx.get(f"{s.base_url}/_simulator/truth").json()
    assert over_http == json.loads(json.dumps(s.truth()))
    day = dt.date(2025, 3, 12)
    before = s.truth()["companies"]["SAMINC"]["tables"]["oe_order_lines"]["partitions"][day.isoformat()]
    order = s.db.insert_batch("SAMINC", "OEOrders", day)
    after = s.truth()["companies"]["SAMINC"]["tables"]["oe_order_lines"]["partitions"][day.isoformat()]
    assert after["rows"] == before["rows"] + len(order["OrderDetails"])
    added = sum(x["ExtendedAmount"] for x in order["OrderDetails"])
    assert Decimal(after["sums"]["extended_amount"]) == Decimal(before["sums"]["extended_amount"]) + added
