"""The warehouse domain: the connection every asset writes through, the IO manager of the Sage loads and the
raw page archive they read into and replay from.
Loaded by `dg.load_from_defs_folder` (see sage_looker/definitions.py)."""

from __future__ import annotations

import dagster as dg

from sage_looker.defs.settings import current
from sage_looker.defs.warehouse.io_manager import SageWarehouseIOManager
from sage_looker.defs.warehouse.resources import PageArchiveResource, WarehouseResource


@dg.definitions
def warehouse_definitions() -> dg.Definitions:
    settings = current()
    target = settings.resource_target
    return dg.Definitions(resources={
        "warehouse": WarehouseResource(target=target),
        "warehouse_io_manager": SageWarehouseIOManager(target=target),
        "page_archive": PageArchiveResource(root=settings.archive_root),
    })
