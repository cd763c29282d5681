"""The local instance's event log: Dagster's SQLite storage, writing a batch of asset events in one go.

A year-long range run materializes 8 assets x 365 partitions: ~2,920 ASSET_MATERIALIZATION events. Dagster's
SQLite storage stores each in its own connection and commit to the run's shard, then another connection and
commit to the index shard (asset key row, asset_event_tags): ~48 ms an event, most of a sync's wall time.
With `DAGSTER_EVENT_BATCH_SIZE` set, the run worker hands the events of one output (all partitions of an
asset) to `store_event_batch` in one call, but SQLite's inherits the base class's loop over `store_event`.

`BatchingSqliteEventLogStorage.store_event_batch` writes the same rows - run shard `event_logs`, index shard
`event_logs` mirror, `asset_keys`, `asset_event_tags` - in ONE transaction per shard: same tables, same files
(`$DAGSTER_HOME/history/runs/`), so an existing home's history stays readable and either class can read what
the other wrote. A batch it does not handle (several runs, events other than materializations, observations
and materialization-planned) goes through the stock loop. Dagster flushes a batch at the last event of the
output, so every materialization is stored before the step's next event (success or failure).

Order of commits: the run shard first, then the index shard (two SQLite files: no one transaction spans both,
as with the stock storage). A failure before the run shard's commit leaves neither written and Dagster's
fallback (one `store_event` per event) stores them cleanly; only a failed index COMMIT right after the run
shard's would leave the run's log with those events twice (never the asset index). `base_dir` defaults to
`$DAGSTER_HOME/history/runs/`: every process that opens the instance (webserver, daemon, run workers, the CLI)
has DAGSTER_HOME set, since that is where this yaml lives.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager

import dagster._check as check
import sqlalchemy.exc as db_exc
from dagster import Field, StringSource
from dagster._core.errors import DagsterInvariantViolationError
from dagster._core.events import DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.schema import (
    AssetEventTagsTable,
    AssetKeyTable,
    SqlEventLogStorageTable,
)
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

EVENT_BATCH_ENV = "DAGSTER_EVENT_BATCH_SIZE"
# Events per storage call: the run worker buffers an output's asset events up to this many, then flushes
# (always at the output's last event). A year of one asset is 365; a bigger batch buys nothing more.
DEFAULT_EVENT_BATCH_SIZE = "1000"
BATCHED_TYPES = frozenset({
    DagsterEventType.ASSET_MATERIALIZATION,
    DagsterEventType.ASSET_OBSERVATION,
    DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
})


def batch_event_writes() -> None:
    """Turn the run worker's event batching on for the runs this process executes (an explicit setting wins)."""
    os.environ.setdefault(EVENT_BATCH_ENV, DEFAULT_EVENT_BATCH_SIZE)


def default_base_dir() -> str:
    """Where Dagster's default SQLite instance keeps its event logs: `$DAGSTER_HOME/history/runs/`."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise check.CheckError("BatchingSqliteEventLogStorage: set DAGSTER_HOME (its dagster.yaml names this class) or config base_dir")
    return os.path.join(os.path.abspath(home), "history", "runs", "")


def _batchable(event: EventLogEntry) -> bool:
    dagster_event = event.dagster_event
    return bool(dagster_event and dagster_event.event_type in BATCHED_TYPES and dagster_event.asset_key)


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose `store_event_batch` is one transaction per shard (module docstring)."""

    @classmethod
    def config_type(cls):
        return {"base_dir": Field(StringSource, is_required=False,
                                  description="Default: $DAGSTER_HOME/history/runs/, where the stock storage writes")}

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # ty: ignore[invalid-method-override]
        base_dir = (config_value or {}).get("base_dir") or default_base_dir()
        return cls(base_dir=base_dir, inst_data=inst_data)

    @contextmanager
    def _shard_transaction(self, shard: str) -> Iterator[tuple[Connection, object]]:
        """A connection to one shard with its transaction begun (caller holds `_db_lock`); like `_connect`,
        which cannot be nested because its lock is not reentrant."""
        engine = create_engine(self.conn_string_for_shard(shard), poolclass=NullPool,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        try:
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                transaction = conn.begin()
                try:
                    yield conn, transaction
                finally:
                    if transaction.is_active:  # not committed by the caller: an error
                        transaction.rollback()
        finally:
            engine.dispose()

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        check.sequence_param(events, "events", of_type=EventLogEntry)
        events = list(events)
        if len(events) < 2 or len({e.run_id for e in events}) != 1 or not all(map(_batchable, events)):
            super().store_event_batch(events)  # the stock loop, one store_event per event
            return
        rows = [self._event_to_row(event) for event in events]
        has_tags_table = self.has_table(AssetEventTagsTable.name)
        with self._db_lock, ExitStack() as stack:
            run_conn, run_tx = stack.enter_context(self._shard_transaction(events[0].run_id))
            index_conn, index_tx = stack.enter_context(self._shard_transaction(INDEX_SHARD_NAME))
            run_conn.execute(SqlEventLogStorageTable.insert(), rows)
            event_ids = []
            for row in rows:  # one by one: each mirrored event's storage id is what readers reference
                result = index_conn.execute(SqlEventLogStorageTable.insert().values(**row))
                event_ids.append(result.inserted_primary_key[0])
                result.close()
            if any(event_id is None for event_id in event_ids):
                raise DagsterInvariantViolationError("Cannot store asset event tags for null event id.")
            self._store_tags(index_conn, events, event_ids, has_tags_table)
            self._store_asset_keys(index_conn, events, event_ids)
            run_tx.commit()
            index_tx.commit()

    def _store_tags(self, conn: Connection, events, event_ids, has_tags_table: bool) -> None:
        """`_store_asset_event_tags` for the whole batch, with the table check done once."""
        values = [
            dict(event_id=event_id, asset_key=event.get_dagster_event().asset_key.to_string(), key=key,
                 value=value, event_timestamp=self._event_insert_timestamp(event))
            for event_id, event in zip(event_ids, events)
            for key, value in self._tags_for_asset_event(event).items()
        ]
        if values and has_tags_table:
            conn.execute(AssetEventTagsTable.insert(), values)

    def _store_asset_keys(self, conn: Connection, events, event_ids) -> None:
        """The `asset_keys` rows that `_store_asset_event` per event, in order, leaves behind.

        Each event kind sets a fixed set of columns (materialization: last_materialization, last_run_id,
        last_materialization_timestamp; planned: last_run_id and the timestamp; observation: the timestamp),
        so per asset key the last event of each kind decides its columns; merging their values in event order
        gives what the sequence of inserts/updates gives, serializing one EventLogRecord per key, not per event.
        """
        has_index_cols = self._has_asset_key_index_cols_on_connection(conn)
        last_of_kind: dict[tuple[str, object], int] = {}
        for position, event in enumerate(events):
            last_of_kind[(event.get_dagster_event().asset_key.to_string(), event.dagster_event_type)] = position
        merged: dict[str, dict] = {}
        for position in sorted(last_of_kind.values()):
            event = events[position]
            values = self._get_asset_entry_values(event, event_ids[position], has_index_cols)
            merged.setdefault(event.get_dagster_event().asset_key.to_string(), {}).update(values)
        for asset_key, values in merged.items():
            if not values:
                continue
            try:  # as the stock storage: SQLite aborts the failed statement only, not the transaction
                conn.execute(AssetKeyTable.insert().values(asset_key=asset_key, **values))
            except db_exc.IntegrityError:
                conn.execute(AssetKeyTable.update().values(**values).where(AssetKeyTable.c.asset_key == asset_key))
