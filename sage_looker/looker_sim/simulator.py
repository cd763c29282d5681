"""The simulator's Python API: start it on loopback, inspect what clients did, inject faults."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from sage_looker.looker_sim.config import LookerSimConfig
from sage_looker.looker_sim.faults import FaultInjector
from sage_looker.looker_sim.server import LookerHTTPServer, RecordedRequest
from sage_looker.looker_sim.state import Delivery, LookerState


class LookerSimulator:
    def __init__(self, config: LookerSimConfig | None = None) -> None:
        self.config = config or LookerSimConfig()
        self.state = LookerState(self.config)
        self.faults = FaultInjector(self.config.faults, seed=self.config.seed)
        self._records: list[RecordedRequest] = []
        self._records_lock = threading.Lock()
        self._server: LookerHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "LookerSimulator":
        self._server = LookerHTTPServer((self.config.host, self.config.port), self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="looker-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self) -> int:
        assert self._server is not None, "simulator not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """The instance root, as LOOKER_BASE_URL / LOOKERSDK_BASE_URL expect (no /api/4.0)."""
        return f"http://{self.config.host}:{self.port}"

    @property
    def client_id(self) -> str:
        return self.config.client_id

    @property
    def client_secret(self) -> str:
        return self.config.client_secret

    # ------------------------------------------------------------------ inspection and control
    def record(self, rec: RecordedRequest) -> None:
        with self._records_lock:
            self._records.append(rec)

    def requests(self) -> list[RecordedRequest]:
        with self._records_lock:
            return list(self._records)

    def deliveries(self) -> list[Delivery]:
        return self.state.deliveries()

    def logins(self) -> int:
        """Successful logins so far."""
        return self.state.logins()

    def set_faults(self, spec: str) -> None:
        self.faults.set(spec)

    def revoke_tokens(self) -> None:
        """Invalidate every issued token, as an admin resetting the API key would."""
        self.state.revoke_tokens()


@contextmanager
def run_looker_simulator(config: LookerSimConfig | None = None) -> Iterator[LookerSimulator]:
    sim = LookerSimulator(config).start()
    try:
        yield sim
    finally:
        sim.stop()
