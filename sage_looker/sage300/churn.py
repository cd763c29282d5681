"""Churn behind the reader: the one probe that closes the gap the overlap check and the final count leave.

A delete and an insert behind the reader in the same read (a vendor created while another is removed, a
batch added and another deleted on the same date) leave the positions and the final `$count` unchanged.
Every catalog resource with a change field says when a record last changed: `DateLastEdited` /
`DateLastMaintained` (a calendar date in the server's time zone) or a posting sequence (posted GL rows,
immutable, numbered in posting order). After a pass whose distinct keys equal the final count, the client
asks once more for the records of the same window whose change field is at or after the read's start:

- date fields: on or after the day before the server's date at the start of the read (HTTP `Date` header; the
  day before because Sage stamps the server's local date and the header is UTC), or on or after the latest
  change date read when the server sends no Date header;
- sequence fields: above the highest sequence read.

A probed record that the pass did not read (an insert behind the reader), or read with other content (an edit
after its page), makes the pass dirty and it is re-read (within `consistency_attempts` and the request budget,
else `SageDataChanged`). An insert behind the reader is always in the probe, so a delete+insert pair with an
unchanged count is caught; a lone delete changes the count. Cost: one filtered read of the records changed
since the day before the read (small for history; about the whole window for a read of yesterday).
Not covered: a resource without a change field (full refresh only: `CSFiscalCalendars`, `GLAccounts`,
`CSCompanyProfile`, orders), and changes racing the probe itself (the next read takes them).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
from typing import Any

import msgspec

from sage_looker.sage300 import odata
from sage_looker.sage300.catalog_model import Resource

_ENCODER = msgspec.json.Encoder(decimal_format="number", order="sorted")


def record_hash(rec: Any) -> bytes:
    return hashlib.blake2b(_ENCODER.encode(rec), digest_size=16).digest()


class ChangeWatch:
    """What a pass needs to remember for the probe: a hash per key and the change field's high-water mark."""

    def __init__(self, res: Resource) -> None:
        self.field = res.change_field
        self.sequence = res.change_kind == "sequence"
        self.hashes: dict[Any, bytes] = {}
        self.high: Any = None
        self.server_day: dt.date | None = None

    @property
    def active(self) -> bool:
        return self.field is not None

    def start(self, server_date: str | None) -> None:
        if self.server_day is None and server_date:
            try:
                self.server_day = email.utils.parsedate_to_datetime(server_date).date()
            except (TypeError, ValueError):
                pass

    def reset(self) -> None:
        self.hashes.clear()
        self.high = None

    def add(self, key: Any, rec: Any) -> None:
        self.hashes[key] = record_hash(rec)
        v = rec.get(self.field) if isinstance(rec, dict) else None
        if v is None:
            return
        if self.sequence:
            if isinstance(v, int) and (self.high is None or v > self.high):
                self.high = v
        elif self.high is None or str(v) > str(self.high):
            self.high = v

    def probe_filter(self, flt: str | None) -> str | None:
        """`$filter` of the records changed since the read began (None: nothing to ask)."""
        if self.sequence:
            if self.high is None:
                return None
            cond = f"{self.field} gt {odata.literal(self.high)}"
        else:
            since = self.server_day - dt.timedelta(days=1) if self.server_day else None
            if since is None and self.high is not None:
                since = odata.as_date(self.high)
            if since is None:
                return None
            cond = f"{self.field} ge {odata.literal(since)}"
        return f"({flt}) and {cond}" if flt else cond

    def differences(self, probed: list[dict[str, Any]], key_of) -> list[str]:
        """Probed records the pass missed or read with other content: one description each."""
        out = []
        for rec in probed:
            k = key_of(rec)
            had = self.hashes.get(k)
            if had is None:
                out.append(f"{k} was added")
            elif had != record_hash(rec):
                out.append(f"{k} changed")
        return out
