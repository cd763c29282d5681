"""Functional amounts the marts compute themselves honour Sage's rate operator with the rate's full 7
decimals. Hand-worked: each expected value below is the arithmetic in its comment, rounded half-up to cents.
The simulator's SAMINC quotes CAD this way (about 1.35 CAD per USD, RateOperator 2)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from sage_looker.dbt_project import run_dbt

CASES = [
    # (source amount, rate, operator, expected functional)
    ("2830.08", "1.3420350", 2, "2108.80"),     # 2830.08 / 1.3420350 = 2108.7983…; at 1.34 it would be 2112.00
    ("-2830.08", "1.3420350", 2, "-2108.80"),   # a credit note: the same, negative
    ("24592.79", "1.3464900", 2, "18264.37"),   # 24592.79 / 1.34649 = 18264.3725…
    ("185.00", "0.7400000", 2, "250.00"),       # 185 / 0.74 = 250
    ("1000.00", "1.3500000", 1, "1350.00"),     # multiply: 1000 × 1.35
    ("700.005", "1.3500000", 1, "945.01"),      # 945.00675 → 945.01
]


def test_functional_amounts_honour_the_rate_operator(built, tmp_path):
    selects = " union all ".join(
        f"select {i} as k, {{{{ to_functional_op('cast({a} as decimal(19, 3))', 'cast({r} as decimal(19, 7))', "
        f"'{op}') }}}} as functional" for i, (a, r, op, _) in enumerate(CASES))
    run = run_dbt(["show", "--inline", selects, "--output", "json", "--limit", "-1"], warehouse=built.copy(tmp_path),
                  target_path=tmp_path / "target")
    assert run.ok, run.output[-3000:]
    shown = json.loads(re.search(r"\{\s*\"show\".*\}", run.output, re.S).group(0))["show"]
    got = {row["k"]: Decimal(str(row["functional"])) for row in shown}
    assert got == {i: Decimal(want) for i, (*_, want) in enumerate(CASES)}
