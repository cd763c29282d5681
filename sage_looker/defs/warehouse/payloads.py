"""What a Sage asset hands to the warehouse IO manager.

A resource and its nested collections are several Dagster outputs (batch, invoices, lines), but one
warehouse transaction: the root output carries every table and is written first, in one transaction per
slice; the child outputs only confirm what that transaction wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from sage_looker.sage300.catalog_model import Resource


@dataclass(frozen=True)
class Slice:
    """The warehouse rows one read replaces: one company, and for transactions an inclusive date window."""

    company: str
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass
class ResourceLoad:
    resource: Resource
    # One entry per slice: every table of the resource, as read for that slice.
    slices: list[tuple[Slice, dict[str, pa.Table]]] = field(default_factory=list)
    # The audit trail's facts about each slice's read (`audit.ledger.SliceInfo`): the IO manager writes the
    # ledger row in the slice's transaction and runs the shrink guard. A slice without one is written plainly.
    audit: dict[Slice, Any] = field(default_factory=dict)
    # The raw page archive (`audit.archive.PageArchive`) the slices were read into: the IO manager marks
    # their manifests committed there, never in an archive of its own.
    archive: Any = None

    def rows(self) -> dict[str, int]:
        out: dict[str, int] = {t.name: 0 for t in self.resource.tables}
        for _, tables in self.slices:
            for name, tbl in tables.items():
                out[name] = out.get(name, 0) + tbl.num_rows
        return out


@dataclass(frozen=True)
class WrittenWithParent:
    """A child table's output: its rows were committed with the root table's output."""

    table: str
    rows: int


@dataclass(frozen=True)
class ResourceSkipped:
    """The resource does not exist on this Sage version: keep (or create) its empty tables, write nothing."""

    resource: Resource
    reason: str
