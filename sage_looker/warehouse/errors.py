"""Warehouse errors: one class per failure a caller may want to tell apart, each with one clear message."""

from __future__ import annotations

from sage_looker.errors import ConfigurationError


class WarehouseError(Exception):
    """Base class of every warehouse error."""


class WarehouseConfigError(WarehouseError, ConfigurationError):
    """The warehouse target or a warehouse setting (SAGE_LOOKER_WAREHOUSE, SAGE_LOOKER_WRITER_POOL_LIMIT) is
    unusable: the message names it and the fix, never the password of a URL."""


class InvalidSliceError(WarehouseError, ValueError):
    """Bad slice arguments (company code, dates, run id) or rows outside the slice: raised before any SQL."""


class SchemaConflictError(WarehouseError):
    """Data whose column type the table cannot store without losing information (never cast silently)."""


class UnsupportedTypeError(SchemaConflictError):
    """An Arrow type the warehouse has no lossless SQL column type for."""


class LockTimeoutError(WarehouseError, TimeoutError):
    """Another process held the database lock for longer than the configured timeout."""


class BackendNotAvailableError(WarehouseError, NotImplementedError):
    """The target names a backend this release does not ship yet."""
