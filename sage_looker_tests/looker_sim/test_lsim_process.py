"""`sage-looker simulate looker` as a separate process: serves, then stops cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import signal
import sys
import threading

import httpx
import pytest

from sage_looker_tests.processes import STOP_BOUND, Child


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stops_on_signal_with_a_connection_open(sig) -> None:
    cmd = [sys.executable, "-m", "sage_looker.cli", "simulate", "looker", "--port", "0",
           "--client-id", "cid", "--client-secret", "s3cret-for-test"]
    with Child(cmd) as child:
        line = child.first_line()
        assert "Looker simulator listening on http://127.0.0.1:" in line, line
        base = line.split(" on ", 1)[1].split("/api/4.0", 1)[0]
        # A keep-alive client holds a connection open across the stop, as a Looker SDK would.
        with httpx.Client(base_url=f"{base}/api/4.0", timeout=30) as api:
            login = api.post("/login", data={"client_id": "cid", "client_secret": "s3cret-for-test"})
            assert login.status_code == 200 and login.json()["access_token"]
            stopped: list[int] = []
            waiter = threading.Thread(target=lambda: stopped.append(child.stop(sig)), daemon=True)
            waiter.start()
            waiter.join(STOP_BOUND + 5)
            assert stopped == [0], f"exit code {stopped}; stderr: {child.stderr()}"
        out = child.proc.stdout.read()
        assert f"stopped on {signal.Signals(sig).name}; " in out and "1 logins" in out, out
        with pytest.raises(httpx.ConnectError):  # the listening socket is closed
            httpx.get(f"{base}/api/4.0/versions", timeout=5)
