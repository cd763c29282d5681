"""Ground truth for tests: what a correct load of the simulator's current data must contain.

Row counts and exact decimal sums per company, warehouse table and partition date, in the warehouse's
names (catalog table names, `columns.snake(field)` columns). Computed by walking the simulator's own
records — deliberately not through the product's flattener, so tests comparing the two are not circular.

Format::

    {"simulator": {"seed": 42, "today": "2025-03-14", "days": 30, "scale": 1.0, "companies": [...]},
     "companies": {
       "SAMINC": {"functional_currency": "USD",
                  "tables": {"ap_invoices": {"rows": 120, "sums": {"tax_total": "1234.560", ...},
                                             "partitions": {"2025-03-01": {"rows": 4, "sums": {...}}, ...}},
                             "ap_vendors": {"rows": 20, "sums": {...}, "partitions": {"_all": {...}}}}}}}

Sums cover every decimal column the table gets — declared money/qty/rate/price columns, decimal
fields Sage sends beyond the catalog and decimal fields added at run time — as decimal strings at the
column's scale (money "1234.560"); a column with only nulls sums to null, as in SQL. Masters, which
are not partitioned, use the single key "_all".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sage_looker.sage300 import catalog
from sage_looker.sage300.columns import snake
from sage_looker.sage300_sim.shapes import EXTRA_FIELDS

ALL = "_all"
_SCALE = {"money": Decimal("0.001"), "qty": Decimal("0.0001"), "price": Decimal("0.000001"),
          "rate": Decimal("0.0000001")}


def decimal_fields(table_name: str, added: dict[str, dict[str, str]]) -> dict[str, str]:
    t = catalog.table(table_name)
    out = {f: ct.value for f, ct in t.fields.items() if ct.is_decimal}
    for f, typ in {**EXTRA_FIELDS.get(table_name, {}), **added.get(table_name, {})}.items():
        if typ in ("money", "qty", "price", "rate", "number"):
            out[f] = typ
    return out


def _rows(records: list[dict], path: tuple[str, ...]):
    """(root record, row) for every row of the table at `path` below the root."""
    if not path:
        for r in records:
            yield r, r
        return

    def rec(root: dict, obj: dict, rest: tuple[str, ...]):
        for child in obj.get(rest[0]) or ():
            if len(rest) == 1:
                yield root, child
            else:
                yield from rec(root, child, rest[1:])

    for r in records:
        yield from rec(r, r, path)


def _paths(resource) -> list[tuple[str, tuple[str, ...]]]:
    out = [(resource.table, ())]

    def walk(prefix, cols):
        for c in cols:
            out.append((c.table, prefix + (c.field,)))
            walk(prefix + (c.field,), c.children)

    walk((), resource.children)
    return out


def _fmt(v: Decimal | None, typ: str) -> str | None:
    if v is None:
        return None
    q = _SCALE.get(typ)
    return str(v.quantize(q) if q is not None else v)


def company_truth(db, company: str) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    with db.lock:
        for res in catalog.RESOURCES:
            records = db.records(company, res.name)
            part_field = res.partition_date
            for table_name, path in _paths(res):
                fields = decimal_fields(table_name, db.added_fields)
                parts: dict[str, dict[str, Any]] = {}
                for root, row in _rows(records, path):
                    key = root[part_field].isoformat() if part_field and root.get(part_field) else ALL
                    p = parts.get(key)
                    if p is None:
                        p = parts[key] = {"rows": 0, "sums": dict.fromkeys(fields)}
                    p["rows"] += 1
                    sums = p["sums"]
                    for f in fields:
                        v = row.get(f)
                        if v is not None:
                            sums[f] = v if sums[f] is None else sums[f] + v
                total = {"rows": 0, "sums": dict.fromkeys(fields)}
                for p in parts.values():
                    total["rows"] += p["rows"]
                    for f, v in p["sums"].items():
                        if v is not None:
                            total["sums"][f] = v if total["sums"][f] is None else total["sums"][f] + v
                tables[table_name] = {
                    "rows": total["rows"],
                    "sums": {snake(f): _fmt(v, fields[f]) for f, v in total["sums"].items()},
                    "partitions": {
                        k: {"rows": p["rows"], "sums": {snake(f): _fmt(v, fields[f]) for f, v in p["sums"].items()}}
                        for k, p in sorted(parts.items())
                    },
                }
    return {"functional_currency": db.config.currency_of(company), "tables": tables}


def truth(db) -> dict[str, Any]:
    cfg = db.config
    return {
        "simulator": {"seed": cfg.seed, "today": db.today.isoformat(), "days": cfg.days, "scale": cfg.scale,
                      "companies": list(db.companies)},
        "companies": {c: company_truth(db, c) for c in db.companies},
    }
