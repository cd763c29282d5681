"""The contenders of `bench_peer`, each run as its own process so its wall time and peak RSS are its own:

    python -m benchmarks.peer_procs floor URL COMPANY START END OUT.json
    python -m benchmarks.peer_procs dlt   URL COMPANY START END OUT.json WORKDIR
    python -m benchmarks.peer_procs sync  OUT.json -- <sage-looker arguments>
    python -m benchmarks.peer_procs noop  OUT.json
    python -m benchmarks.peer_procs nightly COMPANY DAY REPEATS OUT.json

`floor` is the least any loader can do: sequential GETs of the same pages (one keep-alive connection,
`$top=100`, `$skip`) and an orjson parse of each, nothing kept. `dlt` is dlt's `rest_api` source over the
same resources and windows into DuckDB with the parquet loader (dlt is a benchmark-only dependency, the
`bench` extra). `sync` runs the real `sage-looker` CLI in this process with two timers around the work
that is not Dagster's (reading Sage incl. flattening and archiving; writing the warehouse), so the rest
of the wall time is Dagster's bookkeeping (P2)."""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
import time

PAGE = 100


def _windows(company: str, start: dt.date, end: dt.date):
    """(resource, url, $filter) for every resource the product reads, as the product filters it."""
    from sage_looker.sage300 import catalog, odata

    for r in catalog.MASTERS + catalog.TRANSACTIONS:
        flt = None if r.kind == "master" or not r.partition_date else odata.date_window_filter(
            r.partition_date, start, end)
        yield r, flt


def floor(url: str, company: str, start: dt.date, end: dt.date) -> dict:
    import httpx
    import orjson

    from sage_looker.sage300 import odata

    pages = rows = nbytes = 0
    t0 = time.perf_counter()
    with httpx.Client(auth=("WEBAPI", "WEBAPI"), headers={"Content-Type": "application/json"},
                      timeout=120) as http:
        for r, flt in _windows(company, start, end):
            base = odata.resource_url(url, company, r.path)
            skip = 0
            while True:
                params = {"$top": PAGE, "$skip": skip, "$count": "true"}
                if flt:
                    params["$filter"] = flt
                resp = http.get(base, params=params)
                resp.raise_for_status()
                doc = orjson.loads(resp.content)
                pages += 1
                nbytes += len(resp.content)
                got = len(doc["value"])
                rows += got
                skip += got
                if got < PAGE or skip >= int(doc.get("@odata.count", math.inf)):
                    break
    return {"seconds": time.perf_counter() - t0, "pages": pages, "requests": pages, "records": rows,
            "bytes": nbytes}


def run_dlt(url: str, company: str, start: dt.date, end: dt.date, workdir: str) -> dict:
    import os

    os.environ["DLT_DATA_DIR"] = os.path.join(workdir, "dlt_data")
    os.environ["RUNTIME__LOG_LEVEL"] = "WARNING"
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    os.environ["NORMALIZE__LOADER_FILE_FORMAT"] = "parquet"
    import dlt
    from dlt.sources.rest_api import rest_api_source

    t0 = time.perf_counter()
    resources = []
    for r, flt in _windows(company, start, end):
        params = {"$count": "true"}
        if flt:
            params["$filter"] = flt
        resources.append({"name": r.table, "endpoint": {"path": r.path, "params": params}})
    source = rest_api_source({
        "client": {
            "base_url": f"{url}/v1.0/-/{company}/",
            "auth": {"type": "http_basic", "username": "WEBAPI", "password": "WEBAPI"},
            "headers": {"Content-Type": "application/json"},
            "paginator": {"type": "offset", "limit": PAGE, "offset_param": "$skip", "limit_param": "$top",
                          "total_path": "'@odata.count'"},
        },
        "resource_defaults": {"write_disposition": "replace", "endpoint": {"data_selector": "value"}},
        "resources": resources,
    })
    pipeline = dlt.pipeline(pipeline_name="sage_peer", destination=dlt.destinations.duckdb(
        os.path.join(workdir, "dlt.duckdb")), dataset_name="sage300", pipelines_dir=os.path.join(workdir, "p"))
    info = pipeline.run(source, loader_file_format="parquet")
    seconds = time.perf_counter() - t0
    rows = sum(pipeline.last_trace.last_normalize_info.row_counts.values())
    return {"seconds": seconds, "rows": rows, "failed_jobs": bool(info.has_failed_jobs)}


def run_sync(argv: list[str]) -> dict:
    """The CLI in this process, with timers around Sage reads and warehouse writes (not part of the product)."""
    from sage_looker.defs.warehouse import io_manager
    from sage_looker.sage300.client import Sage300Client

    timers = {"sage_seconds": 0.0, "warehouse_seconds": 0.0, "sage_requests": 0}

    def timed(fn, key):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                out = fn(*a, **kw)
            finally:
                timers[key] += time.perf_counter() - t
            if key == "sage_seconds":
                timers["sage_requests"] += out.stats.requests
            return out
        return wrapper

    Sage300Client.read_resource = timed(Sage300Client.read_resource, "sage_seconds")
    for name in ("write_resource_load", "write_load_slice"):
        if hasattr(io_manager, name):
            setattr(io_manager, name, timed(getattr(io_manager, name), "warehouse_seconds"))
    from sage_looker.cli import main

    t0 = time.perf_counter()
    code = 0
    try:
        main(argv, standalone_mode=False)
    except SystemExit as exc:
        code = int(exc.code or 0)
    timers["seconds"] = time.perf_counter() - t0
    timers["exit_code"] = code
    return timers


def noop() -> dict:
    """Dagster's own floor: a one-asset run that does nothing, on the same kind of instance ($DAGSTER_HOME)."""
    import dagster as dg

    @dg.asset
    def noop_asset() -> None:
        return None

    t0 = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        dg.materialize([noop_asset], instance=instance)
    return {"seconds": time.perf_counter() - t0}


def nightly(company: str, day: dt.date, repeats: int) -> dict:
    """P5 inside one warm process, as a run worker sees it: the one-day sync of every resource (masters run +
    transactions run) vs a no-op one-asset run on the same instance; medians of `repeats`."""
    import statistics

    import dagster as dg

    from sage_looker.commands.runner import prepare_instance, sync
    from sage_looker.definitions import defs

    instance = prepare_instance()

    @dg.asset
    def noop_asset() -> None:
        return None

    first = sync(defs, company, day, day, instance=instance)  # the day's first load; the nightly re-reads it
    assert first.success, first.failures
    dg.materialize([noop_asset], instance=instance)
    runs, noops = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        assert sync(defs, company, day, day, instance=instance).success
        runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        dg.materialize([noop_asset], instance=instance)
        noops.append(time.perf_counter() - t0)
    return {"nightly_s": statistics.median(runs), "noop_s": statistics.median(noops), "runs": runs, "noops": noops}


def main() -> None:
    kind, rest = sys.argv[1], sys.argv[2:]
    t_process = time.perf_counter()
    if kind == "sync":
        out, argv = rest[0], rest[2:]
        result = run_sync(argv)
    elif kind == "noop":
        out = rest[0]
        result = noop()
    elif kind == "nightly":
        company, day, repeats, out = rest[:4]
        result = nightly(company, dt.date.fromisoformat(day), int(repeats))
    else:
        url, company, start, end, out = rest[:5]
        s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        result = floor(url, company, s, e) if kind == "floor" else run_dlt(url, company, s, e, rest[5])
    result["process_seconds"] = time.perf_counter() - t_process
    with open(out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
