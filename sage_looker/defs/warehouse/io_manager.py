"""Our warehouse IO manager (docs/CONTRACTS.md, "Why the slice writer stays our own"). Unlike the stock DuckDB one
(docs/reference/DAGSTER-NOTES.md §1) it replaces each partition slice
of a resource's parent and child tables in one transaction, inserts by column name, evolves the schema,
keeps DECIMAL money, creates tables even for empty partitions, waits for the DuckDB writer lock, and
loads inputs on duckdb 2.x."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl

from sage_looker.audit.ledger import LedgerHook, record_failure
from sage_looker.audit.shrink import PostedRecordsWouldBeDeleted
from sage_looker.defs.sage300.partitions import windows_for_keys
from sage_looker.defs.warehouse.payloads import ResourceLoad, ResourceSkipped, WrittenWithParent
from sage_looker.sage300 import catalog
from sage_looker.sage300.columns import COMPANY_COLUMN
from sage_looker.warehouse import open_warehouse


def _record_failed_write(log, wh, info, exc: BaseException) -> None:
    try:
        record_failure(wh, info, exc)
    except Exception as err:  # never hide the write's own error behind the bookkeeping's
        log.warning(f"could not record the failed write in the load ledger: {type(err).__name__}: {err}")


def _mark_committed(log, archive, info) -> None:
    try:
        archive.mark_committed(info.manifest, info.run_id)
    except Exception as err:  # the ledger already says it committed; the marker only helps without a ledger
        log.warning(f"could not mark archive manifest {info.manifest} committed: {err}")


def write_resource_load(target: str, obj: ResourceLoad, run_id: str, log) -> dict:
    """Write every slice of a resource load (one transaction per slice, ledger row and shrink guard inside);
    returns the output metadata. Used by the IO manager, and by an asset that materializes only some of its
    partitions (a resource missing for one company) and so reports them itself."""
    wh = open_warehouse(target)
    try:
        wh.ensure_tables(obj.resource.tables)
        deleted = inserted = moved = 0
        added: set[str] = set()
        lock_wait = 0.0
        removed: dict[str, int] = {}
        for sl, tables in obj.slices:
            writes = [(t, tables[t.name]) for t in obj.resource.tables]
            info = obj.audit.get(sl)
            # The ledger row and the shrink guard ride in the slice's own transaction.
            hook = LedgerHook(info, tables) if info is not None else None
            try:
                result = wh.replace_slice(
                    writes, companies=[sl.company], start=sl.start, end=sl.end, run_id=run_id,
                    loaded_at=dt.datetime.now(dt.timezone.utc), hook=hook,
                )
            except Exception as exc:
                if info is not None:
                    _record_failed_write(log, wh, info, exc)
                if isinstance(exc, PostedRecordsWouldBeDeleted):
                    raise dg.Failure(description=str(exc), allow_retries=False) from exc
                raise
            if info is not None and info.manifest and info.source == "sage" and obj.archive is not None:
                _mark_committed(log, obj.archive, info)
            for t, r in (hook.removed.items() if hook is not None else ()):
                if r.removed:
                    removed[t] = removed.get(t, 0) + r.removed
            for m in result.moves:
                log.info(f"{obj.resource.path} {m.company} {dict(zip(m.key_names, m.key))} moved from "
                         f"{m.from_date} to {m.to_date}: its old copy was removed")
            deleted += result.rows_deleted
            inserted += result.rows_inserted
            moved += len(result.moves)
            lock_wait += result.lock_wait_seconds
            added.update(f"{w.table}.{c}" for w in result.tables.values() for c in w.columns_added)
        return {
            "warehouse_rows_replaced": deleted,
            "warehouse_rows_inserted": inserted,
            "warehouse_lock_wait_seconds": round(lock_wait, 3),
            "columns_added": ", ".join(sorted(added)) or "none",
            "slices_written": len(obj.slices),
            # records that were in the warehouse and are no longer in Sage (details in the ledger)
            "records_removed": dg.MetadataValue.json(removed),
            # records whose date changed in Sage, removed from their old date (details in the ledger)
            "records_moved": moved,
        }
    finally:
        wh.close()


class SageWarehouseIOManager(dg.ConfigurableIOManager):
    """Writes `sage300.<table>` slices; `target` is a DuckDB path (or, later, a PostgreSQL URL)."""

    target: str

    def handle_output(self, context: dg.OutputContext, obj) -> None:
        if isinstance(obj, WrittenWithParent):
            context.add_output_metadata({"written_with": "parent transaction"})
            return
        if isinstance(obj, ResourceSkipped):
            wh = open_warehouse(self.target)
            try:
                wh.ensure_tables(obj.resource.tables)
            finally:
                wh.close()
            context.add_output_metadata({"skipped": obj.reason})
            return
        if not isinstance(obj, ResourceLoad):
            raise TypeError(f"the Sage warehouse IO manager cannot store {type(obj).__name__}")
        try:
            metadata = write_resource_load(self.target, obj, context.run_id, context.log)
        except Exception as exc:  # only transient errors (another writer's lock) use the step's retries
            from sage_looker.defs.sage300.retries import permanent

            failure = permanent(exc)
            if failure is None:
                raise
            raise failure from exc
        context.add_output_metadata(metadata)

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        key = context.upstream_output.asset_key if context.upstream_output else context.asset_key
        table = catalog.any_table(key.path[-1])
        sql = f'SELECT * FROM sage300."{table.name}"'
        params: list = []
        clauses: list[str] = []
        if context.has_asset_partitions:
            keys = list(context.asset_partition_keys)
            if table.partition_column:
                parts = []
                for w in windows_for_keys(keys):
                    parts.append(f'({COMPANY_COLUMN} = ? AND "{table.partition_column}" BETWEEN ? AND ?)')
                    params += [w.company, w.start, w.end]
                clauses.append("(" + " OR ".join(parts or ["FALSE"]) + ")")
            else:
                clauses.append(f"{COMPANY_COLUMN} IN ({', '.join('?' for _ in keys) or 'NULL'})")
                params += keys
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        wh = open_warehouse(self.target)
        try:
            return pl.from_arrow(wh.read_arrow(sql, params))
        finally:
            wh.close()
