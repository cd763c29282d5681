"""A separate writer process for the concurrency tests: `python -m sage_looker_tests.warehouse._wh_worker TARGET COMPANY DAYS [options]`.

Writes one replace_slice per day (ap_invoices + ap_invoice_lines). `--started FILE` is created just
before the first write (imports done); `--ready FILE` once the first transaction has inserted the child
rows, i.e. while it holds the database lock; `--hold-until FILE` then keeps that transaction open until
the file exists. Prints a JSON summary on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
from pathlib import Path

from sage_looker.warehouse import open_warehouse
from sage_looker_tests.warehouse.support import LINES, write_pair


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("target")
    p.add_argument("company")
    p.add_argument("days", help="comma-separated ISO dates")
    p.add_argument("--run-id", default="worker")
    p.add_argument("--invoices", type=int, default=2)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--started")
    p.add_argument("--ready")
    p.add_argument("--hold-until")
    p.add_argument("--lock-timeout", type=float, default=60.0)
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    wh = open_warehouse(args.target, lock_timeout=args.lock_timeout)
    insert = wh._insert_rows

    def insert_then_hold(con, table_name, data):
        n = insert(con, table_name, data)
        if table_name == LINES.name:
            if args.ready:
                Path(args.ready).write_text("holding the lock")
            deadline = time.monotonic() + 60
            while args.hold_until and not Path(args.hold_until).exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            args.ready = args.hold_until = None  # hold the first transaction only
        return n

    wh._insert_rows = insert_then_hold
    days = [dt.date.fromisoformat(d) for d in args.days.split(",")]
    waits, inserted = [], 0
    if args.started:
        Path(args.started).write_text("about to write")
    for _ in range(args.rounds):
        for day in days:
            result = write_pair(wh, args.company, [day], run_id=args.run_id, invoices=args.invoices)
            waits.append(result.lock_wait_seconds)
            inserted += result.rows_inserted
    print(json.dumps({"calls": len(waits), "max_lock_wait": max(waits), "inserted": inserted}))


if __name__ == "__main__":
    main()
