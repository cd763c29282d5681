"""A throwaway PostgreSQL cluster for tests (initdb in a temp dir, trust auth, TCP on a free port).

Skips when the PostgreSQL server binaries or dbt-postgres are not installed (dbt-postgres is not a project
dependency yet). Runs the server as the `postgres` user when the tests run as root, as PostgreSQL requires.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def temporary_postgres() -> Iterator[dict[str, str]]:
    """Yield the SAGE_LOOKER_PG_* environment of a fresh cluster; stop and delete it afterwards."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed")
    as_user: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser: PostgreSQL refuses to run as root")
        as_user = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="sage_looker_pg_"))
    os.chmod(root, 0o777)
    data, log = root / "data", root / "server.log"
    port = _free_port()
    try:
        subprocess.run([*as_user, initdb, "-D", str(data), "-U", "sage", "--auth=trust", "-E", "UTF8", "--no-sync"],
                       check=True, capture_output=True, text=True)
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "start", "-o",
                        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"],
                       check=True, capture_output=True, text=True)
        yield {"SAGE_LOOKER_PG_HOST": "127.0.0.1", "SAGE_LOOKER_PG_PORT": str(port), "SAGE_LOOKER_PG_USER": "sage",
               "SAGE_LOOKER_PG_PASSWORD": "", "SAGE_LOOKER_PG_DATABASE": "postgres", "SAGE_LOOKER_PG_SSLMODE": "disable"}
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
