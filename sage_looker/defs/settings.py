"""The validated settings one code-location load shares across the domain folders.

`sage_looker.definitions` validates the environment once (every problem at once), then hands the result to
the `definitions.py` of each domain folder through `loading(...)`. A domain folder loaded without it (for
example by `dg check defs`) validates on first use, so no folder reads the environment on its own terms.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from sage_looker.audit.archive import ENV as ARCHIVE_ENV
from sage_looker.audit.archive import archive_root
from sage_looker.defs.embedded import embedded_problems
from sage_looker.defs.looker.resources import looker_resource_from_env
from sage_looker.defs.sage300.config import ConfigError, PlatformConfig, resolve_start_date
from sage_looker.defs.sage300.resources import sage300_resource_from_env
from sage_looker.errors import ConfigurationError
from sage_looker.warehouse.targets import has_password, max_concurrent_writers


@dataclass
class LoadSettings:
    config: PlatformConfig
    sage300: Any
    looker: Any
    # Built once per load: the dbt folder owns these assets and the Looker folder depends on the same object.
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return self.config.warehouse_target

    @property
    def resource_target(self) -> str | dg.EnvVar:
        """The Dagster UI shows resource config: a URL carrying a password is handed over as the EnvVar it came
        from, which the UI shows by name and resolves only inside the run."""
        target = self.target
        if has_password(target) and os.environ.get("SAGE_LOOKER_WAREHOUSE") == target:
            return dg.EnvVar("SAGE_LOOKER_WAREHOUSE")
        return target

    @property
    def archive_root(self) -> str | dg.EnvVar:
        """The raw page archive's root: SAGE_LOOKER_ARCHIVE (an fsspec URL, which may carry credentials, is
        handed over as the EnvVar, shown by name), else `$SAGE_LOOKER_HOME/archive`."""
        root = archive_root()
        if "://" in root and os.environ.get(ARCHIVE_ENV, "").strip() == root:
            return dg.EnvVar(ARCHIVE_ENV)
        return root

    def once(self, name: str, build) -> Any:
        if name not in self.shared:
            self.shared[name] = build()
        return self.shared[name]


def validate_settings() -> LoadSettings:
    """Validate every setting at once: a user fixing their environment sees all problems, not the first.
    Every configuration error of every package is a `ConfigurationError` (sage_looker/errors.py): nothing
    else is caught, so a bug still shows as one."""
    problems, config, sage300, looker = [], None, None, None
    try:
        config = PlatformConfig.from_env()
        config = resolve_start_date(config)  # a missing start date: still check the rest against `config`
    except ConfigurationError as exc:
        problems.append(str(exc))
    try:
        sage300 = sage300_resource_from_env()
    except ConfigurationError as exc:
        problems.append(str(exc))
    try:
        looker = looker_resource_from_env()
    except ConfigurationError as exc:
        problems.append(str(exc))
    if config is not None:
        try:
            embedded = embedded_problems(os.environ, config.warehouse_target)
            if embedded:
                problems.append("the bundled simulators only feed the embedded DuckDB warehouse:\n"
                                + "\n".join(embedded))
            max_concurrent_writers(config.warehouse_target)  # SAGE_LOOKER_WRITER_POOL_LIMIT
            has_password(config.warehouse_target)  # a PostgreSQL URL libpq can read
        except ConfigurationError as exc:  # SAGE_LOOKER_WAREHOUSE itself
            problems.append(str(exc))
    if problems:
        raise ConfigError("\n".join(problems))
    return LoadSettings(config=config, sage300=sage300, looker=looker)


_CURRENT: ContextVar[LoadSettings | None] = ContextVar("sage_looker_load_settings", default=None)


@contextmanager
def loading(settings: LoadSettings) -> Iterator[LoadSettings]:
    token = _CURRENT.set(settings)
    try:
        yield settings
    finally:
        _CURRENT.reset(token)


def current() -> LoadSettings:
    settings = _CURRENT.get()
    if settings is None:  # a domain folder loaded on its own: validate here, and share it for the rest of the load
        settings = validate_settings()
        _CURRENT.set(settings)
    return settings
