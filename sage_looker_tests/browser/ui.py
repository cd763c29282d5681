"""A real `dagster dev` (webserver, daemon, code server) on a free loopback port against a temporary
DAGSTER_HOME and the embedded default (bundled simulators, a DuckDB file), and Debian's Chromium driven by
Playwright's Python driver. Bounds are generous: 2 busy cores."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"  # gitignored; the best screenshot is copied to docs/
START_BOUND = 240.0


def chromium_or_reason() -> tuple[str | None, str]:
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "browser.sh")], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        return None, proc.stderr.strip() or "scripts/browser.sh found no Chromium"
    return proc.stdout.strip().splitlines()[-1], ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DagsterDev:
    def __init__(self, home: Path, env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        dagster_home = home / "dagster_home"
        dagster_home.mkdir(parents=True, exist_ok=True)
        (dagster_home / "dagster.yaml").write_text(
            "telemetry:\n  enabled: false\nconcurrency:\n  runs:\n    max_concurrent_runs: 2\n")
        self.env = {**os.environ, **env, "DAGSTER_HOME": str(dagster_home), "SAGE_LOOKER_HOME": str(home),
                    # The log is a file: unbuffered, so a process stopped by SIGKILL still leaves its last lines.
                    "PYTHONUNBUFFERED": "1"}
        self.log = open(home / "dagster_dev.log", "w")
        # Its own session, so stopping it stops the webserver, daemon and code server it started.
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("dagster")), "dev", "-m", "sage_looker.definitions",
             "-h", "127.0.0.1", "-p", str(self.port)],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_BOUND
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"dagster dev exited {self.proc.returncode}: {self.tail()}")
            try:
                data = self.graphql("{ workspaceOrError { ... on Workspace { locationEntries { name "
                                    "locationOrLoadError { __typename } } } } }")
                entries = data["workspaceOrError"]["locationEntries"]
                if entries and all(e["locationOrLoadError"] for e in entries):
                    kinds = [e["locationOrLoadError"]["__typename"] for e in entries]
                    assert kinds == ["RepositoryLocation"], f"code location failed to load: {self.tail()}"
                    return
            except OSError:
                pass
            time.sleep(1)
        raise AssertionError(f"dagster dev not ready after {START_BOUND:.0f}s: {self.tail()}")

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        req = urllib.request.Request(f"{self.url}/graphql", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            out = json.loads(resp.read())
        assert not out.get("errors"), out["errors"]
        return out["data"]

    def tail(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        self.log.close()
