"""Shared machinery of the proof tests: warehouse state as counts + exact decimal sums per partition, the
simulator's ground truth in the same shape, natural-key checks, and a summary the closing note can quote.

The summary is JSON under `$SAGE_LOOKER_HOME/proof/` (the real home of the test session, read before any
test changes the environment), printed by `sage_looker_tests/conftest.py` at the end of the session.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sage_looker.sage300 import catalog
from sage_looker.sage300.catalog_model import Table
from sage_looker.sage300_sim.truth import company_truth

PROOF_DIR = Path(os.environ.get("SAGE_LOOKER_HOME") or ".sage_looker").resolve() / "proof"

# {partition date (or "_all"): (rows, {column: Decimal | None})}
State = dict[str, tuple[int, dict[str, Decimal | None]]]


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _columns(wh, names) -> dict[str, dict[str, str]]:
    """{table: {column: type}} for the given sage300 tables, in one query (each call opens the file)."""
    if not names:
        return {}
    rows = wh.read_arrow("SELECT table_name, column_name, data_type FROM information_schema.columns "
                         f"WHERE table_schema = 'sage300' AND table_name IN ({', '.join('?' for _ in names)}) "
                         "ORDER BY table_name, ordinal_position", list(names)).to_pylist()
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        out.setdefault(r["table_name"], {})[r["column_name"]] = r["data_type"]
    return out


@dataclass
class Inspection:
    states: dict[str, State]  # table → its State for the company
    duplicates: dict[str, int]  # table → natural keys present more than once (any company)
    root_keys: set[tuple] | None  # the root table's keys in the window, when asked for


def inspect(wh, tables: list[Table], company: str, keys_of=None) -> Inspection:
    """Counts and exact sums of every DECIMAL column per partition of one company's rows, duplicated natural
    keys, and (`keys_of=(root table, start, end)`) the root table's keys in a window: all in two queries,
    because DuckDB opens the file per call and one query per table would dominate the run time."""
    cols = _columns(wh, [t.name for t in tables])
    parts, params, order = [], [], {}
    for t in tables:
        present = cols.get(t.name)
        if not present:
            continue
        dec = [c for c, typ in present.items() if typ.upper().startswith(("DECIMAL", "NUMERIC"))]
        order[t.name] = dec
        part = f'CAST("{t.partition_column}" AS VARCHAR)' if t.partition_column else "'_all'"
        sums = ", ".join(f'CAST(SUM("{c}") AS VARCHAR)' for c in dec)
        parts.append(f"SELECT '{t.name}' AS t, {part} AS d, COUNT(*) AS n, [{sums}]::VARCHAR[] AS s "
                     f'FROM sage300."{t.name}" WHERE company_id = ? GROUP BY 1, 2')
        params.append(company)
        keys = ", ".join(f'"{c}"' for c in t.key_columns)
        parts.append(f"SELECT '{t.name}', '#dups', (SELECT COUNT(*) FROM (SELECT 1 FROM sage300.\"{t.name}\" "
                     f"GROUP BY {keys} HAVING COUNT(*) > 1)), NULL")
    if keys_of is not None and keys_of[0].name in cols:
        root, start, end = keys_of
        concat = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in root.key_columns if c != "company_id")
        parts.append(f"SELECT '{root.name}', '#keys', COUNT(*), list(concat_ws('|', {concat}))::VARCHAR[] "
                     f'FROM sage300."{root.name}" WHERE company_id = ? AND "{root.partition_column}" BETWEEN ? AND ?')
        params += [company, start, end]
    out = Inspection({t.name: {} for t in tables}, {}, set() if keys_of is not None else None)
    if parts:
        for r in wh.read_arrow(" UNION ALL ".join(parts), params).to_pylist():
            if r["d"] == "#dups":
                if r["n"]:
                    out.duplicates[r["t"]] = r["n"]
            elif r["d"] == "#keys":
                out.root_keys = set(r["s"] or [])
            else:
                out.states[r["t"]][r["d"]] = (r["n"], {c: _dec(v) for c, v in zip(order[r["t"]], r["s"] or [])})
    return out


def snapshot(wh, tables: list[Table], company: str) -> dict[str, State]:
    return inspect(wh, tables, company).states


def truth_states(db, company: str, tables: list[Table]) -> dict[str, State]:
    truth = company_truth(db, company)["tables"]
    return {t.name: {d: (p["rows"], {c: _dec(v) for c, v in p["sums"].items()})
                     for d, p in truth[t.name]["partitions"].items()} for t in tables}


def in_window(state: State, start: dt.date | None, end: dt.date | None) -> State:
    if start is None:
        return dict(state)
    lo, hi = start.isoformat(), end.isoformat()
    return {d: v for d, v in state.items() if lo <= d <= hi}


def outside_window(state: State, start: dt.date | None, end: dt.date | None) -> State:
    inside = in_window(state, start, end)
    return {d: v for d, v in state.items() if d not in inside}


def matches_truth(got: State, expected: State) -> str | None:
    """None when every expected partition has the same rows and sums (no extra partitions); else why not."""
    if set(got) != set(expected):
        return f"partitions differ: extra {sorted(set(got) - set(expected))[:5]}, " \
               f"missing {sorted(set(expected) - set(got))[:5]}"
    for day, (rows, sums) in expected.items():
        got_rows, got_sums = got[day]
        if got_rows != rows:
            return f"{day}: {got_rows} rows, truth {rows}"
        for col, value in sums.items():
            if got_sums.get(col) != value:
                return f"{day} {col}: sum {got_sums.get(col)}, truth {value}"
    return None


def same_state(a: State, b: State) -> bool:
    """Equal counts, and equal sums on the columns both sides have (a load may add columns)."""
    if set(a) != set(b):
        return False
    for day in a:
        if a[day][0] != b[day][0]:
            return False
        common = set(a[day][1]) & set(b[day][1])
        if any(a[day][1][c] != b[day][1][c] for c in common):
            return False
    return True


def root_keys_in_sage(db, res, company: str, start: dt.date, end: dt.date) -> set[str]:
    """The root records' natural keys in the window, spelled as `inspect` spells them."""
    out = set()
    with db.lock:
        for rec in db.records(company, res.name):
            day = rec.get(res.partition_date)
            day = day.date() if isinstance(day, dt.datetime) else day
            if day is not None and start <= day <= end:
                out.add("|".join(str(rec[k]) for k in res.keys))
    return out


@dataclass
class ProofSummary:
    """What a proof run did, for the closing note."""

    name: str
    schedules: int = 0
    dagster_schedules: int = 0
    succeeded: int = 0
    failed_cleanly: int = 0
    faults: Counter = field(default_factory=Counter)
    failures_by_error: Counter = field(default_factory=Counter)
    rows_checked: int = 0
    partitions_checked: int = 0
    key_checks: int = 0
    started: float = field(default_factory=time.monotonic)
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"name": self.name, "schedules": self.schedules, "dagster_schedules": self.dagster_schedules,
                "succeeded": self.succeeded, "failed_cleanly": self.failed_cleanly,
                "faults_injected": sum(self.faults.values()), "faults_by_kind": dict(sorted(self.faults.items())),
                "failures_by_error": dict(sorted(self.failures_by_error.items())),
                "rows_checked": self.rows_checked, "partitions_checked": self.partitions_checked,
                "key_checks": self.key_checks, "seconds": round(time.monotonic() - self.started, 1),
                **self.extra}

    def write(self) -> Path:
        PROOF_DIR.mkdir(parents=True, exist_ok=True)
        path = PROOF_DIR / f"{self.name}.json"
        path.write_text(json.dumps(self.as_dict(), indent=1))
        print(f"\n{self.name}: {json.dumps(self.as_dict())}")
        return path


TRANSACTIONS = {r.name: r for r in catalog.TRANSACTIONS}
