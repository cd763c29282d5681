"""Dagster's SQLite event log under a year-long range run, three ways side by side in one process:

- stock: `SqliteEventLogStorage`, no batching (one connection and commit per event, per shard);
- env var only: the same storage with `DAGSTER_EVENT_BATCH_SIZE` set (its `store_event_batch` just loops);
- batching: `BatchingSqliteEventLogStorage` (sage_looker/defs/event_log_storage.py) with the variable set.

The work: N assets (8, as a sync's transaction resources) x D daily partitions (365) of one company, company x
date MultiPartitions, ONE range run (single-run backfill policy), assets that do nothing, so the time is
Dagster's. Median of --repeats; the ratios and the figures go to benchmarks/results/bench_event_log.json.

    .venv/bin/python -m benchmarks.bench_event_log [--assets 8] [--days 365] [--repeats 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import dagster as dg

from sage_looker.defs.event_log_storage import EVENT_BATCH_ENV

RESULTS = Path(__file__).resolve().parent / "results"
STOCK_YAML = "telemetry:\n  enabled: false\n"
BATCHING_YAML = STOCK_YAML + ("event_log_storage:\n  module: sage_looker.defs.event_log_storage\n"
                              "  class: BatchingSqliteEventLogStorage\n")
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}  # as the CLI: no console echo
VARIANTS = {"stock": (STOCK_YAML, None), "env_var_only": (STOCK_YAML, "1000"), "batching": (BATCHING_YAML, "1000")}


def range_job(assets: int, days: int, start: dt.date = dt.date(2025, 1, 1)):
    partitions = dg.MultiPartitionsDefinition({
        "company": dg.StaticPartitionsDefinition(["SAMINC"]),
        "date": dg.DailyPartitionsDefinition(start_date=start.isoformat(),
                                             end_date=(start + dt.timedelta(days=days)).isoformat()),
    })

    def make(i: int):
        @dg.asset(name=f"resource_{i}", partitions_def=partitions, backfill_policy=dg.BackfillPolicy.single_run())
        def _asset(context) -> dg.MaterializeResult:
            return dg.MaterializeResult(metadata={"partitions": len(context.partition_keys)})
        return _asset

    defs = dg.Definitions(assets=[make(i) for i in range(assets)])
    keys = partitions.get_partition_keys()
    tags = {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
    return defs.resolve_implicit_global_asset_job_def(), tags, len(keys)


def run_variant(yaml_text: str, batch_size: str | None, job, tags) -> tuple[float, int]:
    """Seconds of one range run on a fresh instance; materializations stored."""
    saved = os.environ.pop(EVENT_BATCH_ENV, None)
    try:
        if batch_size:
            os.environ[EVENT_BATCH_ENV] = batch_size
        with tempfile.TemporaryDirectory() as home:
            Path(home, "dagster.yaml").write_text(yaml_text)
            os.environ["DAGSTER_HOME"] = home
            with dg.DagsterInstance.from_config(home) as instance:
                t0 = time.perf_counter()
                result = job.execute_in_process(instance=instance, tags=tags, run_config=QUIET)
                seconds = time.perf_counter() - t0
                assert result.success
                mats = len(result.get_asset_materialization_events())
            return seconds, mats
    finally:
        os.environ.pop(EVENT_BATCH_ENV, None)
        if saved is not None:
            os.environ[EVENT_BATCH_ENV] = saved


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--assets", type=int, default=8)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    job, tags, partitions = range_job(args.assets, args.days)
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    events = {}
    for _ in range(args.repeats):  # interleaved, so machine load falls on every variant alike
        for name, (yaml_text, batch_size) in VARIANTS.items():
            seconds, events[name] = run_variant(yaml_text, batch_size, job, tags)
            times[name].append(seconds)
    median = {name: statistics.median(values) for name, values in times.items()}
    out = {"assets": args.assets, "partitions": partitions, "repeats": args.repeats,
           "materializations": events, "seconds": times, "median_s": median,
           "ratio_stock_over_batching": median["stock"] / median["batching"],
           "ratio_env_var_only_over_batching": median["env_var_only"] / median["batching"],
           "ratio_env_var_only_over_stock": median["env_var_only"] / median["stock"],
           "measured": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    print(f"{args.assets} assets x {partitions} partitions, one range run, median of {args.repeats}:")
    for name in VARIANTS:
        print(f"  {name:13s} {median[name]:7.2f} s  ({events[name]} materializations)")
    print(f"  stock / batching {out['ratio_stock_over_batching']:.1f}x, env var only / batching "
          f"{out['ratio_env_var_only_over_batching']:.1f}x, env var only / stock {out['ratio_env_var_only_over_stock']:.2f}x")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_event_log.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
