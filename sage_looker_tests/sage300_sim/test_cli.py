"""`sage-looker simulate sage300`: --dump-truth, and serving as a separate process driven over HTTP."""

from __future__ import annotations

import json
import signal
import sys
import threading

import httpx
import pytest
from click.testing import CliRunner

from sage_looker.cli import main
from sage_looker.sage300_sim import generate
from sage_looker.sage300_sim.truth import truth
from sage_looker_tests.processes import STOP_BOUND, Child, wait_until
from sage_looker_tests.sage300_sim.conftest import AUTH, HEADERS, config


def test_dump_truth_writes_json_and_exits(tmp_path):
    out = tmp_path / "truth.json"
    result = CliRunner().invoke(main, ["simulate", "sage300", "--days", "4", "--today", "2025-03-14", "--seed", "7",
                                       "--companies", "SAMINC", "--dump-truth", str(out)])
    assert result.exit_code == 0, result.output
    dumped = json.loads(out.read_text())
    expected = json.loads(json.dumps(truth(generate(config(days=4, companies=("SAMINC",))))))
    assert dumped == expected


def _simulate(*args: str) -> Child:
    return Child([sys.executable, "-m", "sage_looker.cli", "simulate", "sage300", "--port", "0", "--days", "3",
                  "--today", "2025-03-14", *args])


def test_serves_in_a_separate_process():
    with _simulate("--faults", "5xx=burst:1", "--forbid", "SAMLTD:GL") as child:
        line = child.first_line()
        assert line.startswith("Sage 300 simulator at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].strip()
        base = url.rsplit("/Sage300WebApi", 1)[0]
        with httpx.Client(auth=AUTH, headers=HEADERS, timeout=30) as c:
            assert c.get(f"{url}/v1.0/-/SAMINC/AP/APVendors").status_code == 500
            assert c.get(f"{url}/v1.0/-/SAMINC/AP/APVendors").status_code == 200
            assert c.get(f"{url}/v1.0/-/SAMLTD/GL/GLAccounts").status_code == 403
        stats = httpx.get(f"{base}/_simulator/stats").json()
        assert stats["requests"] == 3 and stats["fault_counts"] == {"5xx": 1}
        log = httpx.get(f"{base}/_simulator/requests", params={"since": 1}).json()
        assert [e["status"] for e in log] == [200, 403]
        assert httpx.post(f"{base}/_simulator/requests/reset").status_code == 200
        assert httpx.get(f"{base}/_simulator/requests").json() == []
        assert child.stop(signal.SIGTERM) == 0
        assert "stopped on SIGTERM" in child.stderr()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stops_on_signal_with_a_request_in_flight(sig):
    # Every data request sleeps 300 s (a hung IIS worker): the stop must not wait for it.
    with _simulate("--faults", "timeout=1:300") as child:
        url = child.first_line().split(" at ", 1)[1].strip()
        base = url.rsplit("/Sage300WebApi", 1)[0]
        outcome: list[object] = []

        def hung_request() -> None:
            try:
                outcome.append(httpx.get(f"{url}/v1.0/-/SAMINC/AP/APVendors", auth=AUTH, headers=HEADERS,
                                         timeout=600).status_code)
            except httpx.HTTPError as exc:
                outcome.append(exc)

        t = threading.Thread(target=hung_request, daemon=True)
        t.start()
        wait_until(lambda: httpx.get(f"{base}/_simulator/stats").json()["in_flight"] == 1, what="request in flight")
        assert child.stop(sig) == 0  # exits cleanly, not killed
        t.join(STOP_BOUND)
        # The 300-s request ended (released early or cut off) within the bound: nothing waited it out.
        assert outcome, "the in-flight request was still hanging after the simulator stopped"
        assert f"stopped on {signal.Signals(sig).name}" in child.stderr()
        with pytest.raises(httpx.ConnectError):  # the listening socket is closed
            httpx.get(f"{base}/_simulator/stats", timeout=5)
