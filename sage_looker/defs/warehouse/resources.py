"""The warehouse and the raw page archive as Dagster resources (configured once in this folder's
`definitions.py`, shown in the UI's resources view)."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import dagster as dg
from pydantic import PrivateAttr

from sage_looker.audit.archive import PageArchive
from sage_looker.warehouse import open_warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse (for checks and SQL that is not an asset output); `target`: a DuckDB path or a
    PostgreSQL URL (SAGE_LOOKER_WAREHOUSE)."""

    target: str

    @contextmanager
    def open(self):
        wh = open_warehouse(self.target)
        try:
            yield wh
        finally:
            wh.close()


class PageArchiveResource(dg.ConfigurableResource):
    """The raw page archive (`audit/archive.py`): every Sage response body a load read, content-addressed,
    and a manifest per slice read; `replay --from-archive` rebuilds partitions from it with zero Sage requests.
    `root`: a path or an fsspec URL (SAGE_LOOKER_ARCHIVE, default `$SAGE_LOOKER_HOME/archive`). The Sage
    assets read and write through it; the warehouse IO manager marks a slice's manifest committed in the same
    archive (handed over with the load, `ResourceLoad.archive`)."""

    root: str

    _archive: PageArchive | None = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def archive(self) -> PageArchive:
        """One PageArchive per resource instance (its directory-fsync bookkeeping is per object)."""
        with self._lock:
            if self._archive is None:
                self._archive = PageArchive(self.root)
            return self._archive
