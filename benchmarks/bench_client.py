"""Client benchmark: rows/s of Sage300Client + Flattener for every transaction resource of one company, next to
a parse-only floor (msgspec and orjson decoding of the very same page bodies, held in memory).

    .venv/bin/python -m benchmarks.bench_client [--days 60] [--scale 20] [--page-size 100] [--profile]

1. live: the client reads from the zero-latency simulator over loopback HTTP while a recording transport keeps
   every response body. The simulator runs in this process, so this figure includes its JSON encoding and
   shares the GIL with it.
2. replay: a fresh client reads the same resources from the recorded bodies (an in-memory httpx transport):
   the client's own cost — paging logic, msgspec parse with Decimal, flatten to Arrow, hashes — and nothing else.
3. floor: msgspec (Decimal, as the client does) and orjson (floats) parse of those same bodies.
`--profile` prints where the replayed read spends its time.
"""

from __future__ import annotations

import argparse
import cProfile
import decimal
import gc
import io
import pstats
import time

import httpx
import msgspec
import orjson

from sage_looker.sage300 import catalog
from sage_looker.sage300.budget import RequestBudget
from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.settings import Sage300Settings
from sage_looker.sage300_sim import SimulatorConfig, run_simulator


class Recorder(httpx.BaseTransport):
    """Passes requests to a real transport and keeps every response (URL → status, headers, body)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.responses: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        resp = self.inner.handle_request(request)
        body = resp.read()
        headers = [(k, v) for k, v in resp.headers.items() if k.lower() not in ("content-length", "transfer-encoding")]
        self.responses[str(request.url)] = (resp.status_code, headers, body)
        return httpx.Response(resp.status_code, headers=headers, content=body)

    def close(self) -> None:
        self.inner.close()


def replay_transport(responses: dict) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        status, headers, body = responses[str(request.url)]
        return httpx.Response(status, headers=headers, content=body)
    return httpx.MockTransport(handle)


def read_all(client: Sage300Client, company: str) -> tuple[int, int, list[tuple[str, int, int, float]]]:
    rows = requests = 0
    per = []
    for res in catalog.TRANSACTIONS:
        t = time.perf_counter()
        result = client.read_resource(res, company)
        n = sum(result.stats.rows.values())
        per.append((res.name, n, result.stats.requests, time.perf_counter() - t))
        rows += n
        requests += result.stats.requests
    return rows, requests, per


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--scale", type=float, default=20.0, help="simulator volume multiplier")
    ap.add_argument("--page-size", type=int, default=100, help="client $top and simulator PageSize")
    ap.add_argument("--company", default="SAMINC")
    ap.add_argument("--profile", action="store_true", help="profile the replayed read")
    args = ap.parse_args(argv)

    cfg = SimulatorConfig(seed=7, days=args.days, scale=args.scale, companies=(args.company,),
                          page_size=args.page_size)
    t0 = time.perf_counter()
    with run_simulator(cfg) as sim:
        setup = time.perf_counter() - t0
        settings = Sage300Settings(url=sim.url, user=cfg.user, password=cfg.password, page_size=args.page_size,
                                   max_requests_per_run=10_000_000, companies=[args.company])
        print(f"simulator: {args.company}, {args.days} days, scale {args.scale:g}, PageSize {args.page_size} "
              f"(generated in {setup:.1f} s)")
        recorder = Recorder()
        live_client = Sage300Client(settings, RequestBudget(settings.max_requests_per_run), transport=recorder)
        t = time.perf_counter()
        rows, requests, per = read_all(live_client, args.company)
        live_s = time.perf_counter() - t
        server_ms = sum(e.get("ms") or 0 for e in sim.requests())
        live_client.close()
    bodies = [body for _, _, body in recorder.responses.values()]
    nbytes = sum(map(len, bodies))

    def replay() -> tuple[int, int, list]:
        c = Sage300Client(settings, RequestBudget(settings.max_requests_per_run),
                          transport=replay_transport(recorder.responses))
        try:
            return read_all(c, args.company)
        finally:
            c.close()

    gc.collect()
    t = time.perf_counter()
    replay_rows, _, replay_per = replay()
    replay_s = time.perf_counter() - t
    assert replay_rows == rows

    dec = msgspec.json.Decoder(float_hook=decimal.Decimal)
    gc.collect()
    t = time.perf_counter()
    for b in bodies:
        dec.decode(b)
    msgspec_s = time.perf_counter() - t
    gc.collect()
    t = time.perf_counter()
    for b in bodies:
        orjson.loads(b)
    orjson_s = time.perf_counter() - t

    print(f"\n{'resource':31} {'rows':>8} {'requests':>8} {'live s':>7} {'replay s':>8}")
    for (name, n, req, sec), (_, _, _, rsec) in zip(per, replay_per):
        print(f"{name:31} {n:8d} {req:8d} {sec:7.2f} {rsec:8.2f}")
    print(f"\n{rows:,} flattened rows (all tables) from {requests} requests, {len(bodies)} distinct bodies, "
          f"{nbytes / 1e6:.1f} MB")
    print(f"live over loopback HTTP     : {live_s:6.2f} s {rows / live_s:11,.0f} rows/s "
          f"(simulator busy {server_ms / 1000:.2f} s of it)")
    print(f"replay: client + flatten    : {replay_s:6.2f} s {rows / replay_s:11,.0f} rows/s")
    print(f"floor: msgspec parse Decimal: {msgspec_s:6.2f} s {rows / msgspec_s:11,.0f} rows/s")
    print(f"floor: orjson parse (floats): {orjson_s:6.2f} s {rows / orjson_s:11,.0f} rows/s")
    print(f"ratio replay / msgspec floor: {replay_s / msgspec_s:.1f}x   (replay / orjson floor: "
          f"{replay_s / orjson_s:.1f}x)")

    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(replay)
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue())


if __name__ == "__main__":
    main()
