"""The local Dagster instance's settings: install the shipped `sage_looker/dagster.yaml` into `$DAGSTER_HOME`,
and upgrade a home's copy when, and only when, it is byte-identical to a default shipped earlier.

Used by `sage-looker` (`commands/runner.py:prepare_instance`) and by `make ui`
(`python -m sage_looker.defs.instance_yaml`). A file the user edited is never touched: one log line says what
to add to it to get the current default's event log storage. No Dagster import: it only compares files.

    .venv/bin/python -m sage_looker.defs.instance_yaml [DAGSTER_HOME]
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent.parent / "dagster.yaml"
# sha256 of every earlier shipped sage_looker/dagster.yaml (`git log -p sage_looker/dagster.yaml`): a home
# whose file is one of these was copied by `make ui` or the CLI and never edited. Add the current digest here
# whenever the shipped file changes.
EARLIER_DEFAULTS = frozenset({
    "5d7df67caeac5c2f80595de1741febe820a02d8800f1115fbe55853de065c985",  # b916d9e: pools, runs, telemetry
})
STORAGE_HINT = ("event_log_storage: {module: sage_looker.defs.event_log_storage, "
                "class: BatchingSqliteEventLogStorage}")

log = logging.getLogger(__name__)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def install_instance_yaml(home: Path, shipped: Path = SHIPPED) -> str:
    """Make `home/dagster.yaml` the shipped default unless the user owns it. Returns what was done:
    `created`, `upgraded`, `current` or `kept` (edited by the user: left alone, the hint logged)."""
    target = Path(home) / "dagster.yaml"
    wanted = shipped.read_bytes()
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _write(target, wanted)
        return "created"
    have = target.read_bytes()
    if have == wanted:
        return "current"
    if _digest(have) in EARLIER_DEFAULTS:
        _write(target, wanted)
        log.info("%s was an unedited earlier default: upgraded to the shipped one", target)
        return "upgraded"
    if b"storage:" not in have:  # SQLite storage by default (one that names a storage chose it)
        log.warning("%s is your own, left as is; for faster range runs on this SQLite instance add: %s",
                    target, STORAGE_HINT)
    return "kept"


def _write(target: Path, data: bytes) -> None:
    """Replace atomically: a webserver reading the file meanwhile sees the old or the new one, never half."""
    part = target.with_name(target.name + ".part")
    part.write_bytes(data)
    os.replace(part, target)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    home = argv[0] if argv else os.environ.get("DAGSTER_HOME")
    if not home:
        print("usage: python -m sage_looker.defs.instance_yaml DAGSTER_HOME (or set DAGSTER_HOME)", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    install_instance_yaml(Path(home))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
