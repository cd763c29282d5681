"""The PostgreSQL test server (started by scripts/postgres.sh, URL in SAGE_LOOKER_TEST_PG_URL).

Without a server the PostgreSQL tests skip with the reason — never pass. Each test gets a database of
its own (CREATE DATABASE from template1 takes ~30 ms with the test server's fsync off), so pytest-xdist
workers and tests never see each other's tables and every test finds the `sage300` schema empty.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

ENV_URL = "SAGE_LOOKER_TEST_PG_URL"
ENV_REASON = "SAGE_LOOKER_TEST_PG_SKIP_REASON"


def admin_url() -> str:
    """The server's URL, or skip the test with the reason the server is missing."""
    url = os.environ.get(ENV_URL, "").strip()
    if not url:
        reason = os.environ.get(ENV_REASON) or (
            f"{ENV_URL} is not set; run the tests with scripts/test.sh, or eval \"$(bash scripts/postgres.sh start)\""
        )
        pytest.skip(f"PostgreSQL not available: {reason}")
    return url


def with_database(url: str, dbname: str) -> str:
    return urlsplit(url)._replace(path="/" + dbname).geturl()


@contextmanager
def fresh_database(prefix: str = "slt") -> Iterator[str]:
    """URL of a new empty database, dropped afterwards (connections still open are terminated)."""
    import psycopg

    url = admin_url()
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    try:
        admin = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:  # a URL was given, so a dead server is an error, not a skip
        pytest.fail(f"{ENV_URL} is set but the server does not answer: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(url, name)
    finally:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
