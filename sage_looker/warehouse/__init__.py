"""Warehouse backends behind one interface (DuckDB, PostgreSQL). No Dagster imports here."""

from sage_looker.warehouse.backend import EnsureResult, SliceHook, SliceResult, TableWrite, Warehouse, open_warehouse
from sage_looker.warehouse.errors import (
    BackendNotAvailableError,
    InvalidSliceError,
    LockTimeoutError,
    SchemaConflictError,
    UnsupportedTypeError,
    WarehouseConfigError,
    WarehouseError,
)
from sage_looker.warehouse.sqlgen import SCHEMA, declared_columns, declared_schema

__all__ = [
    "SCHEMA",
    "BackendNotAvailableError",
    "EnsureResult",
    "InvalidSliceError",
    "LockTimeoutError",
    "SchemaConflictError",
    "SliceHook",
    "SliceResult",
    "TableWrite",
    "UnsupportedTypeError",
    "Warehouse",
    "WarehouseConfigError",
    "WarehouseError",
    "declared_columns",
    "declared_schema",
    "open_warehouse",
]
