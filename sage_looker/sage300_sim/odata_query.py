"""OData v4 query options as the Sage Web API accepts them: `$filter`, `$select`, `$top`, `$skip`, `$count`.

`$filter` is a small recursive-descent parser compiled into a Python predicate over a record:
`and`/`or`/`not`, parentheses, `eq ne gt ge lt le`, the functions Sage documents (`startswith`,
`endswith`, `substringof`, plus `contains`, `length`, `tolower`, `toupper`), and v4 literals — unquoted
ISO dates and date-times (`2024-12-01`, `2024-12-01T00:00:00Z`), numbers, `'strings'` with `''`
escaping, `true`/`false`, `null`. v3 forms (`datetime'…'`, `99.99m`) are rejected, as a v4 server does.
Comparisons are type-checked against the resource's fields; any error is a `QueryError` (400
InvalidParameters).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote_plus

KNOWN_OPTIONS = {"$filter", "$select", "$top", "$skip", "$count", "$format"}
NUMERIC = {"int", "money", "qty", "rate", "price", "number"}
EDM = {"text": "Edm.String", "int": "Edm.Int64", "date": "Edm.DateTimeOffset", "bool": "Edm.Boolean",
       "null": "null", "datetime": "Edm.DateTimeOffset", "datelit": "Edm.Date"}
_OPS = {"eq": "Equal", "ne": "NotEqual", "gt": "GreaterThan", "ge": "GreaterThanOrEqual", "lt": "LessThan",
        "le": "LessThanOrEqual"}


class QueryError(ValueError):
    """A query Sage would answer with 400 InvalidParameters."""


@dataclass
class QueryOptions:
    filter: str | None = None
    select: list[str] | None = None
    top: int | None = None
    skip: int = 0
    count: bool = False
    # Decoded (name, value) pairs in request order, for building nextLinks.
    pairs: list[tuple[str, str]] | None = None


def parse_query(query: str) -> QueryOptions:
    opts = QueryOptions(pairs=[])
    seen: set[str] = set()
    for part in query.split("&") if query else ():
        if not part:
            continue
        name, _, value = part.partition("=")
        name, value = unquote_plus(name), unquote_plus(value)
        opts.pairs.append((name, value))
        if not name.startswith("$"):
            continue
        if name not in KNOWN_OPTIONS:
            raise QueryError(f"The query parameter '{name}' is not supported.")
        if name in seen:
            raise QueryError(f"Query option '{name}' was specified more than once, but it must be specified "
                             "at most once.")
        seen.add(name)
        if name == "$filter":
            opts.filter = value
        elif name == "$select":
            opts.select = [s.strip() for s in value.split(",")]
            if not all(opts.select):
                raise QueryError(f"Invalid $select '{value}'.")
        elif name in ("$top", "$skip"):
            if not value.isdigit():
                raise QueryError(f"Invalid value '{value}' for {name} query option found. It must be a "
                                 "non-negative integer.")
            setattr(opts, name[1:], int(value))
        elif name == "$count":
            if value not in ("true", "false"):
                raise QueryError(f"'{value}' is not a valid count option.")
            opts.count = value == "true"
        elif name == "$format" and value.split(";")[0] not in ("json", "application/json"):
            raise QueryError(f"The $format '{value}' is not supported.")
    return opts


def check_select(select: list[str] | None, fields: dict[str, str], collections: set[str]) -> None:
    for s in select or ():
        if s != "*" and s not in fields and s not in collections:
            raise QueryError(f"Could not find a property named '{s}' on type for $select.")


# ---------------------------------------------------------------------------------------------- lexer

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})(?![\w:])
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w.])
  | (?P<string>'(?:[^']|'')*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[(),])
""", re.VERBOSE)


def tokenize(text: str) -> list[tuple[str, Any, int]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise QueryError(f"Syntax error at position {pos} in '{text}'.")
        kind, raw = m.lastgroup, m.group()
        if kind == "name" and m.end() < len(text) and text[m.end()] == "'":
            raise QueryError(f"Unrecognized literal '{raw}'...' at position {pos}: v4 filters take unquoted "
                             "ISO dates, e.g. 2024-12-01T00:00:00Z.")
        if kind == "string":
            out.append(("string", raw[1:-1].replace("''", "'"), pos))
        elif kind == "number":
            try:
                out.append(("number", Decimal(raw), pos))
            except InvalidOperation:
                raise QueryError(f"Invalid number '{raw}'.") from None
        elif kind == "date":
            try:
                out.append(("datelit", dt.date.fromisoformat(raw), pos))
            except ValueError:
                raise QueryError(f"Invalid date '{raw}'.") from None
        elif kind == "datetime":
            try:
                v = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                raise QueryError(f"Invalid date-time '{raw}'.") from None
            out.append(("datetime", v, pos))
        elif kind != "ws":
            out.append((kind, raw, pos))
        pos = m.end()
    out.append(("end", None, len(text)))
    return out


# ---------------------------------------------------------------------------------------------- parser

# A compiled operand: (type name, getter). Literal getters ignore the record.
Operand = tuple[str, Callable[[dict], Any]]
Predicate = Callable[[dict], bool]


class _Parser:
    def __init__(self, text: str, fields: dict[str, str], collections: set[str]) -> None:
        self.toks = tokenize(text)
        self.i = 0
        self.fields = fields
        self.collections = collections

    def peek(self) -> tuple[str, Any, int]:
        return self.toks[self.i]

    def take(self) -> tuple[str, Any, int]:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, value: str) -> None:
        kind, raw, pos = self.take()
        if raw != value:
            raise QueryError(f"Syntax error: expected '{value}' at position {pos}.")

    def keyword(self, word: str) -> bool:
        kind, raw, _ = self.peek()
        if kind == "name" and raw == word:
            self.i += 1
            return True
        return False

    def parse(self) -> Predicate:
        pred = self.or_expr()
        kind, raw, pos = self.peek()
        if kind != "end":
            raise QueryError(f"Syntax error at position {pos}: unexpected '{raw}'.")
        return pred

    def or_expr(self) -> Predicate:
        parts = [self.and_expr()]
        while self.keyword("or"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else (lambda r, ps=tuple(parts): any(p(r) for p in ps))

    def and_expr(self) -> Predicate:
        parts = [self.unary()]
        while self.keyword("and"):
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda r, ps=tuple(parts): all(p(r) for p in ps))

    def unary(self) -> Predicate:
        if self.keyword("not"):
            inner = self.unary()
            return lambda r: not inner(r)
        if self.peek()[1] == "(" and self.peek()[0] == "punct":
            self.take()
            pred = self.or_expr()
            self.expect(")")
            return pred
        left = self.operand()
        kind, raw, pos = self.peek()
        if kind == "name" and raw in _OPS:
            self.take()
            return _compare(raw, left, self.operand())
        if left[0] == "bool":
            return lambda r, g=left[1]: g(r) is True
        raise QueryError(f"Syntax error at position {pos}: expected a comparison operator.")

    def operand(self) -> Operand:
        kind, raw, pos = self.take()
        if kind in ("string", "number", "datelit", "datetime"):
            t = {"string": "text", "number": "number"}.get(kind, kind)
            return t, (lambda r, v=raw: v)
        if kind != "name":
            raise QueryError(f"Syntax error at position {pos}: unexpected '{raw}'.")
        if raw in ("true", "false"):
            return "bool", (lambda r, v=raw == "true": v)
        if raw == "null":
            return "null", (lambda r: None)
        if self.peek()[1] == "(" and self.peek()[0] == "punct":
            return self.function(raw, pos)
        if raw in self.collections:
            raise QueryError(f"The property '{raw}' is a collection; filter on top-level fields only.")
        if raw not in self.fields:
            raise QueryError(f"Could not find a property named '{raw}' on the resource.")
        return self.fields[raw], (lambda r, f=raw: r.get(f))

    def function(self, name: str, pos: int) -> Operand:
        self.expect("(")
        args = [self.operand()]
        while self.peek()[1] == ",":
            self.take()
            args.append(self.operand())
        self.expect(")")
        texts = [a for a in args if a[0] in ("text", "null")]
        if len(texts) != len(args):
            raise QueryError(f"Function '{name}' takes string arguments.")
        g = [a[1] for a in args]
        two = len(args) == 2
        if name == "startswith" and two:
            return "bool", lambda r: _s(g[0](r)).startswith(_s(g[1](r)))
        if name == "endswith" and two:
            return "bool", lambda r: _s(g[0](r)).endswith(_s(g[1](r)))
        if name == "contains" and two:
            return "bool", lambda r: _s(g[1](r)) in _s(g[0](r))
        if name == "substringof" and two:
            return "bool", lambda r: _s(g[0](r)) in _s(g[1](r))
        if name == "length" and len(args) == 1:
            return "int", lambda r: len(_s(g[0](r)))
        if name in ("tolower", "toupper") and len(args) == 1:
            return "text", (lambda r: _s(g[0](r)).lower()) if name == "tolower" else (lambda r: _s(g[0](r)).upper())
        raise QueryError(f"Unknown function '{name}' with {len(args)} argument(s) at position {pos}.")


def _s(v: Any) -> str:
    return "" if v is None else str(v)


def _family(t: str) -> str:
    if t in NUMERIC:
        return "number"
    if t in ("date", "datelit", "datetime"):
        return "date"
    return t


_MIDNIGHT = dt.time(0, tzinfo=dt.timezone.utc)


def _as_instant(v: Any) -> Any:
    """Sage dates are midnight UTC instants (Edm.DateTimeOffset)."""
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, _MIDNIGHT)
    return v


def _compare(op: str, left: Operand, right: Operand) -> Predicate:
    (lt, lg), (rt, rg) = left, right
    if "null" not in (lt, rt) and _family(lt) != _family(rt):
        raise QueryError("A binary operator with incompatible types was detected. Found operand types "
                         f"'{EDM.get(lt, 'Edm.Decimal')}' and '{EDM.get(rt, 'Edm.Decimal')}' for operator kind "
                         f"'{_OPS[op]}'.")
    if "null" not in (lt, rt) and _family(lt) == "bool" and op not in ("eq", "ne"):
        raise QueryError(f"Operator '{op}' is not defined for Edm.Boolean.")
    instant = "datetime" in (lt, rt)
    cmp = {
        "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "gt": lambda a, b: a > b,
        "ge": lambda a, b: a >= b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
    }[op]

    def pred(r: dict) -> bool:
        a, b = lg(r), rg(r)
        if a is None or b is None:
            return (a is None and b is None) if op == "eq" else (a is None) != (b is None) if op == "ne" else False
        if instant:
            a, b = _as_instant(a), _as_instant(b)
        return cmp(a, b)

    return pred


def compile_filter(text: str, fields: dict[str, str], collections: set[str]) -> Predicate:
    if not text.strip():
        raise QueryError("The $filter expression is empty.")
    return _Parser(text, fields, collections).parse()
