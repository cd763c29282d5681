"""Sage 300 company (org/database) IDs: the one rule every layer checks them by.

Sage names a company database by an ID of 1-6 letters or digits (SAMINC, SAMLTD); the Web API puts it in the
URL path, the warehouse in `company_id` and Dagster in partition keys, so one spelling of the rule serves all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

COMPANY_CODE = re.compile(r"^[A-Z0-9]{1,6}$")


def company_code(company: str) -> str:
    """Upper-cased, validated company ID; raises ValueError on anything else."""
    code = str(company).strip().upper()
    if not COMPANY_CODE.match(code):
        raise ValueError(f"company ID {company!r} must be 1-6 letters or digits (e.g. SAMLTD)")
    return code


def company_codes(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """A comma-separated list (or any iterable) of IDs, upper-cased, blanks and repeats dropped, order kept;
    a ValueError lists every bad ID at once. Empty input gives an empty tuple (the caller decides if that is
    allowed)."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    out: list[str] = []
    bad: list[str] = []
    for item in items:
        code = str(item).strip().upper()
        if not code:
            continue
        if not COMPANY_CODE.match(code):
            bad.append(str(item).strip())
        elif code not in out:
            out.append(code)
    if bad:
        raise ValueError(f"company IDs must be 1-6 letters or digits; bad: {', '.join(map(repr, bad))}")
    return tuple(out)
