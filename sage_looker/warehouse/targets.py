"""What a warehouse target (`SAGE_LOOKER_WAREHOUSE`) implies beyond the connection: which backend it is,
how to show it without its password, how many writer processes it accepts, and libpq's parameters for
tools that cannot take a URL (dbt-postgres). No Dagster, no dbt here.

    backend_of("/data/warehouse.duckdb")                 -> "duckdb"
    backend_of("postgresql://u:pw@db:5432/finance")      -> "postgresql"
    redact("postgresql://u:pw@db:5432/finance")          -> "postgresql://u:***@db:5432/finance"
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sage_looker.security.redaction import redact_target as redact
from sage_looker.warehouse.backend import _split_target
from sage_looker.warehouse.errors import WarehouseConfigError, WarehouseError

DUCKDB = "duckdb"
POSTGRESQL = "postgresql"

# Writer processes per backend (the Dagster pool `warehouse_writer`): a DuckDB file accepts one writer
# process at a time; PostgreSQL takes row locks only, so writers of different slices run side by side.
WRITER_LIMITS = {DUCKDB: 1, POSTGRESQL: 4}
WRITER_LIMIT_ENV = "SAGE_LOOKER_WRITER_POOL_LIMIT"

# Everything libpq reads from a URL that it can also read from the environment (libpq "Environment
# Variables"). A tool handed these variables connects exactly as the URL says, with no password in argv.
LIBPQ_ENV = {
    "host": "PGHOST", "hostaddr": "PGHOSTADDR", "port": "PGPORT", "dbname": "PGDATABASE", "user": "PGUSER",
    "password": "PGPASSWORD", "passfile": "PGPASSFILE", "service": "PGSERVICE", "options": "PGOPTIONS",
    "application_name": "PGAPPNAME", "connect_timeout": "PGCONNECT_TIMEOUT", "client_encoding": "PGCLIENTENCODING",
    "channel_binding": "PGCHANNELBINDING", "sslmode": "PGSSLMODE", "sslnegotiation": "PGSSLNEGOTIATION",
    "sslcompression": "PGSSLCOMPRESSION", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
    "sslrootcert": "PGSSLROOTCERT", "sslcrl": "PGSSLCRL", "sslcrldir": "PGSSLCRLDIR", "sslsni": "PGSSLSNI",
    "requirepeer": "PGREQUIREPEER", "ssl_min_protocol_version": "PGSSLMINPROTOCOLVERSION",
    "ssl_max_protocol_version": "PGSSLMAXPROTOCOLVERSION", "gssencmode": "PGGSSENCMODE",
    "krbsrvname": "PGKRBSRVNAME", "gsslib": "PGGSSLIB", "gssdelegation": "PGGSSDELEGATION",
    "target_session_attrs": "PGTARGETSESSIONATTRS", "load_balance_hosts": "PGLOADBALANCEHOSTS",
    "require_auth": "PGREQUIREAUTH",
}



def backend_of(target: str | os.PathLike) -> str:
    """`duckdb` or `postgresql` (every PostgreSQL spelling) for a target `open_warehouse` accepts."""
    scheme, _ = _split_target(target if isinstance(target, (str, Path)) else str(target))
    return DUCKDB if scheme == DUCKDB else POSTGRESQL


def is_postgres(target: str | os.PathLike) -> bool:
    return backend_of(target) == POSTGRESQL


def has_password(target: str | os.PathLike) -> bool:
    return is_postgres(target) and bool(postgres_conninfo(target).get("password"))


def max_concurrent_writers(target: str | os.PathLike, env: dict[str, str] | None = None) -> int:
    """The `warehouse_writer` pool limit for this backend (SAGE_LOOKER_WRITER_POOL_LIMIT overrides;
    a DuckDB file never gets more than one writer)."""
    backend = backend_of(target)
    raw = (os.environ if env is None else env).get(WRITER_LIMIT_ENV, "").strip()
    if raw and backend != DUCKDB:
        if not raw.isdigit() or int(raw) < 1:
            raise WarehouseConfigError(f"{WRITER_LIMIT_ENV} must be a positive integer, got {raw!r}: set it to the "
                                       "number of concurrent warehouse writers, e.g. 4, or unset it")
        return int(raw)
    return WRITER_LIMITS[backend]


def duckdb_path(target: str | os.PathLike) -> Path:
    """The absolute file of a DuckDB target (a path or `duckdb:///path`)."""
    scheme, location = _split_target(target if isinstance(target, (str, Path)) else str(target))
    if scheme != DUCKDB:
        raise WarehouseError(f"not a DuckDB target: {redact(target)}")
    return Path(location).expanduser().resolve()


def postgres_conninfo(target: str | os.PathLike) -> dict[str, Any]:
    """libpq's parameters of a PostgreSQL target (as psycopg parses the URL, query parameters included)."""
    from psycopg.conninfo import conninfo_to_dict

    scheme, location = _split_target(str(target))
    if scheme == DUCKDB:
        raise WarehouseError(f"not a PostgreSQL target: {redact(target)}")
    try:
        return {k: str(v) for k, v in conninfo_to_dict("postgresql://" + location).items() if v is not None}
    except Exception as exc:  # psycopg.ProgrammingError: the message never contains the password
        raise WarehouseConfigError(f"SAGE_LOOKER_WAREHOUSE: invalid PostgreSQL URL {redact(target)} "
                                   f"({type(exc).__name__}); use postgresql://user@host:5432/db") from None


def libpq_env(target: str | os.PathLike) -> dict[str, str]:
    """The PG* environment variables equivalent to a PostgreSQL target URL (for psql, pg_dump, psycopg2)."""
    info = postgres_conninfo(target)
    unknown = sorted(set(info) - set(LIBPQ_ENV))
    if unknown:
        raise WarehouseError(f"PostgreSQL URL parameters with no libpq environment variable: {', '.join(unknown)}")
    return {LIBPQ_ENV[k]: v for k, v in info.items()}


__all__ = ["DUCKDB", "POSTGRESQL", "WRITER_LIMITS", "backend_of", "duckdb_path", "has_password", "is_postgres", "libpq_env",
           "max_concurrent_writers", "postgres_conninfo", "redact"]
