"""Jobs: one per partitions definition, because a Dagster run holds assets of one partitions definition."""

from __future__ import annotations

import dagster as dg

from sage_looker.audit.replay import SOURCE_TAG
from sage_looker.audit.shrink import ACCEPT_TAG

MASTERS_JOB = "sage300_masters_job"
TRANSACTIONS_JOB = "sage300_transactions_job"

masters_job = dg.define_asset_job(
    MASTERS_JOB,
    selection=dg.AssetSelection.groups("sage300_masters"),
    description="Master data (vendors, customers, GL accounts, items, fiscal calendar) for one company",
)
transactions_job = dg.define_asset_job(
    TRANSACTIONS_JOB,
    selection=dg.AssetSelection.groups("sage300_transactions", "sage300_inventory"),
    description="Transactions and the inventory snapshot for a company × date range",
)

TRANSACTIONS_ONLY_JOB = "sage300_transactions_only_job"
INVENTORY_JOB = "sage300_inventory_snapshot_job"

# Ranges reaching into the past must not include the snapshot (it can only be captured on its day).
transactions_only_job = dg.define_asset_job(
    TRANSACTIONS_ONLY_JOB, selection=dg.AssetSelection.groups("sage300_transactions"),
    description="Transactions for a company × date range (replays and backfills)",
)
inventory_job = dg.define_asset_job(
    INVENTORY_JOB, selection=dg.AssetSelection.groups("sage300_inventory"),
    description="Today's inventory snapshot",
)
REPLAY_JOB = "sage300_replay_from_archive_job"
ACCEPT_DELETIONS_JOB = "sage300_accept_deletions_job"
# Replays and accepted deletions are choices an analyst makes in the launchpad: each is its own job with its
# description, carrying the run tag the assets read, instead of a tag the analyst has to know and type.
replay_job = dg.define_asset_job(
    REPLAY_JOB, selection=dg.AssetSelection.groups("sage300_transactions"),
    run_tags={SOURCE_TAG: "archive"},
    description="Replay: rebuild the chosen company × date partitions from the raw page archive of earlier "
                "loads, with zero Sage requests (Sage is not asked; a partition never loaded fails with the "
                "reason). Use it to re-apply a fix in the flattening or the warehouse without touching Sage.",
)
accept_deletions_job = dg.define_asset_job(
    ACCEPT_DELETIONS_JOB, selection=dg.AssetSelection.groups("sage300_transactions"),
    run_tags={ACCEPT_TAG: "true"},
    description="Re-read the chosen company × date partitions from Sage and accept that records Sage no longer "
                "has are deleted from the warehouse (the ordinary jobs refuse a re-read that shrinks posted data).",
)
ALL_JOBS = [masters_job, transactions_job, transactions_only_job, inventory_job, replay_job, accept_deletions_job]
