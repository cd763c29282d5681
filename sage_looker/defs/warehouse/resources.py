"""The warehouse as a Dagster resource (for checks and SQL that is not an asset output)."""

from __future__ import annotations

from contextlib import contextmanager

import dagster as dg

from sage_looker.warehouse import open_warehouse


class WarehouseResource(dg.ConfigurableResource):
    target: str

    @contextmanager
    def open(self):
        wh = open_warehouse(self.target)
        try:
            yield wh
        finally:
            wh.close()
