"""The simulator process: a stdlib `ThreadingHTTPServer` on loopback (HTTP/1.1 keep-alive, one daemon
thread per connection) so faults can do what real infrastructure does — reset sockets, stall, send
HTML — which a framework would hide.

    with run_simulator(SimulatorConfig(days=30, today=date(2025, 3, 14))) as sim:
        httpx.get(f"{sim.url}/v1.0/-/SAMINC/AP/APVendors", auth=("WEBAPI", "WEBAPI"),
                  headers={"Content-Type": "application/json"})
"""

from __future__ import annotations

import datetime as _dt

import socket
import struct
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sage_looker.sage300_sim import control, data_api
from sage_looker.sage300_sim.config import SimulatorConfig
from sage_looker.sage300_sim.faults import FaultInjector
from sage_looker.sage300_sim.generate import generate
from sage_looker.sage300_sim.mutations import SageDB
from sage_looker.sage300_sim.odata_query import compile_filter
from sage_looker.sage300_sim.responses import JSON_TYPE, SERVER_HEADERS, STATUS, error_body
from sage_looker.sage300_sim.truth import truth as compute_truth


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that give up (timeouts, resets we caused) are normal here, not errors to print.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the second waits for a delayed ACK (40 ms).
    disable_nagle_algorithm = True
    timeout = 300
    sim: "Simulator"

    def setup(self) -> None:
        super().setup()
        self.sim._conn_opened(self.connection)
        self.status_sent: int | None = None
        self._entry: dict[str, Any] | None = None
        self._t0 = 0.0

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.sim._conn_closed(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        self.status_sent = None
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if path == "/_simulator" or path.startswith("/_simulator/"):
            control.handle(self, self.sim, method, path, query, body)
            return
        entry: dict[str, Any] = {"time": time.time(), "method": method, "path": path, "query": query,
                                 "status": None, "company": None, "module": None, "resource": None,
                                 "fault": None, "rows": None}
        self._entry, self._t0 = entry, time.perf_counter()
        self.sim._begin()
        try:
            data_api.handle(self, self.sim, method, path, query, entry)
        except OSError:  # the client went away (e.g. gave up during a `timeout` fault)
            self.close_connection = True
        except Exception:  # a simulator bug must look like a Sage 500, and be visible in the test output
            traceback.print_exc()
            if self.status_sent is None:
                self.send_error_json("InternalServerError", "Unexpected simulator error.")
        finally:
            self._finish_entry()

    def _finish_entry(self) -> None:
        """Log the request before the client can see the outcome, so a test reading the log right after
        its response (or its reset) finds the entry."""
        entry, self._entry = self._entry, None
        if entry is None:
            return
        self.sim._end()
        entry["status"] = self.status_sent
        entry["ms"] = round((time.perf_counter() - self._t0) * 1000, 2)
        self.sim._log_request(entry)

    # ------------------------------------------------------------------ responses

    def send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None,
             server: str | None = None) -> None:
        self.status_sent = status
        try:
            self._write(status, body, ctype, headers, server)
        except OSError:
            self.close_connection = True

    def _write(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None,
               server: str | None) -> None:
        self.send_response_only(status)
        self.send_header("Date", self._server_date())
        for k, v in SERVER_HEADERS:
            if k == "Server" and server:
                v = server
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self._finish_entry()
        self.end_headers()
        self.wfile.write(body)

    def _server_date(self) -> str:
        """IIS's Date header on the simulated company's clock: a real server's HTTP date and the dates Sage
        stamps on records (DateLastEdited) come from the same clock, so a simulator living on a fixed `today`
        sends that day (with the real time of day)."""
        now = _dt.datetime.now(_dt.timezone.utc)
        today = getattr(self.sim.db, "today", None) or now.date()
        return formatdate(_dt.datetime.combine(today, now.timetz()).timestamp(), usegmt=True)

    def send_error_json(self, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        self.send(STATUS.get(code, 500), error_body(code, message), JSON_TYPE, headers=headers)

    def reset_connection(self) -> None:
        """Drop the connection with a TCP RST (SO_LINGER 0), as a crashing worker or a proxy does."""
        self.close_connection = True
        self._finish_entry()
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class Simulator:
    def __init__(self, config: SimulatorConfig | None = None, db: SageDB | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.db = db or generate(self.config)
        self.faults = FaultInjector(self.config.faults, self.config.seed, self.config.timeout_seconds)
        self.stop_event = threading.Event()
        self._lock = threading.Lock()
        self._log: deque[dict] = deque(maxlen=self.config.request_log_limit)
        self._seq = 0
        self._in_flight = 0
        self._max_in_flight = 0
        self._filters: dict[tuple, Any] = {}
        self._conns: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> "Simulator":
        handler = type("SimHandler", (_Handler,), {"sim": self})
        self._server = _Server((self.config.host, self.config.port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sage300-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._lock:
            conns = list(self._conns)
        for c in conns:  # idle keep-alive connections would otherwise outlive the server
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> "Simulator":
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "simulator not started"
        return self._server.server_address[1]

    @property
    def host_port(self) -> str:
        return f"{self.config.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.host_port}"

    @property
    def url(self) -> str:
        """What a client is configured with: `http://127.0.0.1:PORT/Sage300WebApi`."""
        return f"{self.base_url}/Sage300WebApi"

    def company_url(self, company: str, module: str) -> str:
        return f"{self.url}/v1.0/-/{company}/{module}"

    # ------------------------------------------------------------------ observability

    def truth(self) -> dict[str, Any]:
        return compute_truth(self.db)

    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._log]

    def request_count(self) -> int:
        with self._lock:
            return self._seq

    def max_concurrency(self) -> int:
        with self._lock:
            return self._max_in_flight

    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()
            self._seq = 0
            self._max_in_flight = self._in_flight

    def set_faults(self, spec: str | None) -> None:
        self.faults.set(spec)

    def fault_counts(self) -> dict[str, int]:
        return dict(self.faults.counts)

    # ------------------------------------------------------------------ used by the handler

    def compiled_filter(self, res, text: str, fields: dict[str, str], colls: set[str]):
        key = (res.name, text, tuple(fields))
        pred = self._filters.get(key)
        if pred is None:
            pred = compile_filter(text, fields, colls)
            if len(self._filters) > 256:
                self._filters.clear()
            self._filters[key] = pred
        return pred

    def _begin(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _end(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _log_request(self, entry: dict) -> None:
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._log.append(entry)

    def _conn_opened(self, conn: socket.socket) -> None:
        with self._lock:
            self._conns.add(conn)

    def _conn_closed(self, conn: socket.socket) -> None:
        with self._lock:
            self._conns.discard(conn)


@contextmanager
def run_simulator(config: SimulatorConfig | None = None, **overrides: Any) -> Iterator[Simulator]:
    """Generate the data, serve it on a background thread, stop on exit.
    `run_simulator(days=5, faults="5xx=0.1")` is short for passing a SimulatorConfig."""
    if overrides:
        config = (config or SimulatorConfig()).model_copy(update=overrides)
        config = SimulatorConfig.model_validate(config.model_dump())
    sim = Simulator(config)
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()
