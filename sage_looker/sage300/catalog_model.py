"""The shapes of the resource catalog: a Sage resource, its nested collections, its references."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from sage_looker.sage300.columns import COMPANY_COLUMN, ColumnType, snake

MODULES = ("AP", "AR", "CS", "GL", "IC", "OE", "PO")

# Properties Sage's Web API framework puts on every object, describing how a write is to be applied
# (`UpdateOperation`: Unspecified/Insert/Update/Delete on a PATCH), not business data: dropped on read.
FRAMEWORK_PROPERTIES = frozenset({"UpdateOperation"})


def cols(**by_type: str) -> dict[str, ColumnType]:
    """`cols(text="VendorNumber VendorName", money="BatchTotal")` → {field: ColumnType}."""
    out: dict[str, ColumnType] = {}
    for type_name, fields in by_type.items():
        for name in fields.split():
            if name in out:
                raise ValueError(f"field {name} declared twice")
            out[name] = ColumnType(type_name)
    return out


@dataclass(frozen=True)
class Ref:
    """A field that must name a record of a master table of the same company (the referential check)."""

    field: str
    master_table: str
    master_field: str


@dataclass(frozen=True)
class Collection:
    """A nested (ComplexType) collection flattened into its own child table.

    Each child row carries company_id, every ancestor key and the root's partition date, so a
    partition slice of the child table can be replaced together with its parent's.
    """

    field: str
    table: str
    keys: tuple[str, ...]
    columns: dict[str, ColumnType]
    children: tuple["Collection", ...] = ()
    refs: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Table:
    """A warehouse table derived from a resource or one of its collections."""

    name: str
    resource: "Resource"
    # Sage fields carried from ancestors (keys, partition date) and their types.
    inherited: dict[str, ColumnType]
    own_keys: tuple[str, ...]
    own_columns: dict[str, ColumnType]
    collection: Collection | None
    refs: tuple[Ref, ...]
    parent: "Table | None"

    @property
    def keys(self) -> tuple[str, ...]:
        """Sage fields forming the row's natural key (within a company)."""
        inherited_keys = tuple(k for k in self.inherited if k != self.resource.partition_date)
        return inherited_keys + self.own_keys

    @property
    def fields(self) -> dict[str, ColumnType]:
        return {**self.inherited, **self.own_columns}

    @property
    def key_columns(self) -> tuple[str, ...]:
        return (COMPANY_COLUMN, *(snake(k) for k in self.keys))

    @property
    def partition_column(self) -> str | None:
        return snake(self.resource.partition_date) if self.resource.partition_date else None

    def column_types(self) -> dict[str, ColumnType]:
        """Warehouse column → type, company_id first, in declaration order."""
        out = {COMPANY_COLUMN: ColumnType.TEXT}
        for f, t in self.fields.items():
            out[snake(f)] = t
        return out


@dataclass(frozen=True)
class Resource:
    module: str
    name: str
    table: str
    kind: Literal["master", "transaction"]
    keys: tuple[str, ...]
    columns: dict[str, ColumnType]
    # Top-level, OData-filterable calendar date that partitions a transaction resource.
    partition_date: str | None = None
    # Field whose value moves when a record changes; None means full refresh only.
    change_field: str | None = None
    change_kind: Literal["date", "sequence"] = "date"
    # Batch status field (GL says `Status`, AP/AR say `BatchStatus`) and its posted value.
    status_field: str | None = None
    posted_value: str = "Posted"
    children: tuple[Collection, ...] = ()
    refs: tuple[Ref, ...] = ()
    # Present on some Sage versions only; a 404 skips it with a warning instead of failing the run.
    optional: bool = False
    description: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.module not in MODULES:
            raise ValueError(f"{self.name}: unknown module {self.module}")
        if not self.name.startswith(self.module):
            raise ValueError(f"{self.name}: Sage resource names start with their module code")
        missing = [k for k in self.keys if k not in self.columns]
        if missing:
            raise ValueError(f"{self.name}: key fields {missing} not declared as columns")
        if self.kind == "transaction" and not self.partition_date:
            raise ValueError(f"{self.name}: a transaction resource needs a partition date")
        if self.partition_date and self.columns.get(self.partition_date) is not ColumnType.DATE:
            raise ValueError(f"{self.name}: partition date {self.partition_date} must be a DATE column")
        for t in self.tables:
            names = [snake(f) for f in t.fields]
            dupes = {n for n in names if names.count(n) > 1}
            if dupes or COMPANY_COLUMN in names:
                raise ValueError(f"{t.name}: column name collision {sorted(dupes) or COMPANY_COLUMN}")

    @property
    def path(self) -> str:
        """`AP/APVendors`: the resource's path below the company segment."""
        return f"{self.module}/{self.name}"

    @cached_property
    def root_table(self) -> Table:
        return Table(
            name=self.table,
            resource=self,
            inherited={},
            own_keys=self.keys,
            own_columns=self.columns,
            collection=None,
            refs=self.refs,
            parent=None,
        )

    @cached_property
    def tables(self) -> tuple[Table, ...]:
        """Root table first, then each child table depth-first (the order a loader writes them)."""
        out: list[Table] = [self.root_table]

        def walk(parent: Table, collections: tuple[Collection, ...]) -> None:
            for c in collections:
                inherited = {k: parent.fields[k] for k in parent.keys}
                if self.partition_date:
                    inherited = {self.partition_date: ColumnType.DATE, **inherited}
                own = {f: t for f, t in c.columns.items() if f not in inherited}
                missing = [k for k in c.keys if k not in own]
                if missing:
                    raise ValueError(f"{c.table}: key fields {missing} not declared as columns")
                t = Table(c.table, self, inherited, c.keys, own, c, c.refs, parent)
                out.append(t)
                walk(t, c.children)

        walk(self.root_table, self.children)
        return tuple(out)

    def table_named(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)
