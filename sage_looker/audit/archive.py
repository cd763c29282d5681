"""The raw page archive: every Sage response body a load read, compressed and content-addressed, plus one
manifest per partition-slice read, so the warehouse rows can be rebuilt later with zero Sage requests.

Layout under the root (`SAGE_LOOKER_ARCHIVE`, a path or an fsspec URL such as `s3://bucket/sage`; default
`$SAGE_LOOKER_HOME/archive`)::

    objects/ab/<sha256 of the raw body>.json.zst|.json.gz     one per distinct body (zstd when installed)
    manifests/<company>/<asset>/<start>_<end>|all/<UTC stamp>-<run id>.json
    manifests/…/<…>.json.committed                               written after the warehouse commit

A manifest lists, in order, every page the client yielded (sha256, URL without credentials, pass number,
rows received, records taken) and which pass the client accepted (`Page.restarted` starts a new pass; the
pages of abandoned passes are kept for the audit but never replayed). Bodies are written as they arrive, so
memory holds one page; the manifest (a few hundred bytes per page) is written once the read is complete.

Objects are verified against their hash on every read. Durability (local roots): every file is fsynced
before its rename, and every directory that gained an entry (the rename, a new `objects/ab/`) is fsynced when
the manifest is written, which is before the slice's ledger row commits: a ledger row never names an object a
power loss could take back. Object stores put whole objects durably themselves.
Secrets: bodies are Sage's JSON (no credentials); URLs are stored as the client yields them, stripped of
userinfo; the archive root itself is never written anywhere (it may carry object-store credentials).
"""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import hashlib
import json
import os
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fsspec
import msgspec
import pyarrow as pa

from sage_looker.home import home_dir
from sage_looker.sage300 import catalog
from sage_looker.sage300.catalog_model import Resource
from sage_looker.sage300.odata import strip_credentials

try:  # zstd when the optional package is there (3-5x faster, ~20 % smaller); gzip is always available
    import zstandard as _zstd
except ImportError:  # pragma: no cover - depends on the environment
    _zstd = None

ENV = "SAGE_LOOKER_ARCHIVE"
FORMAT = 1
_DECODER = msgspec.json.Decoder(float_hook=decimal.Decimal)  # exactly what the transport uses


class ArchiveError(Exception):
    """The archive cannot serve a replay: missing or corrupt object, unknown manifest, inconsistent pages."""


def archive_root(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    root = (env.get(ENV) or "").strip()
    if root:
        return root
    return str(home_dir(env) / "archive")


def _compress(body: bytes) -> tuple[str, bytes]:
    if _zstd is not None:
        return "zst", _zstd.ZstdCompressor(level=6).compress(body)
    return "gz", gzip.compress(body, compresslevel=6, mtime=0)


def _decompress(codec: str, data: bytes) -> bytes:
    if codec == "zst":
        if _zstd is None:
            raise ArchiveError("this archive object is zstd-compressed: pip install zstandard to read it")
        return _zstd.ZstdDecompressor().decompressobj().decompress(data)
    return gzip.decompress(data)


def _stamp(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass
class PageArchive:
    root: str = field(default_factory=archive_root)

    def __post_init__(self) -> None:
        self.fs, self.base = fsspec.core.url_to_fs(self.root)
        self.local = "file" in (self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,))
        self._dirty_dirs: set[str] = set()  # directories with entries not yet fsynced
        self._dirty_lock = threading.Lock()

    def __repr__(self) -> str:  # never the root: an object-store URL may carry credentials
        return f"PageArchive(protocol={self.fs.protocol!r})"

    # ------------------------------------------------------------------ files
    def _path(self, relative: str) -> str:
        return f"{self.base.rstrip('/')}/{relative}"

    def _write(self, relative: str, data: bytes) -> None:
        path = self._path(relative)
        if self.local:
            # Write-then-rename: a reader (or a crash) never sees half an object or half a manifest.
            parent = Path(path).parent
            if not parent.is_dir():
                missing = [d for d in (parent, *parent.parents) if not d.exists()]
                parent.mkdir(parents=True, exist_ok=True)
                with self._dirty_lock:  # their own entries, in their parents
                    self._dirty_dirs.update(str(d.parent) for d in missing)
            tmp = f"{path}.{uuid.uuid4().hex}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())  # the bytes are on disk before the name points at them
            os.replace(tmp, path)
            with self._dirty_lock:
                self._dirty_dirs.add(str(parent))
        else:  # object stores put whole objects atomically
            self.fs.pipe_file(path, data)

    def _read(self, relative: str) -> bytes:
        try:
            return self.fs.cat_file(self._path(relative))
        except FileNotFoundError:
            raise ArchiveError(f"archive file {relative} is missing") from None

    def exists(self, relative: str) -> bool:
        return self.fs.exists(self._path(relative))

    # ------------------------------------------------------------------ objects
    @staticmethod
    def object_name(digest: str, codec: str) -> str:
        return f"objects/{digest[:2]}/{digest}.json.{codec}"

    def put(self, body: bytes) -> str:
        """Store a response body (once: the name is its sha256); returns the digest."""
        digest = hashlib.sha256(body).hexdigest()
        if any(self.exists(self.object_name(digest, c)) for c in ("zst", "gz")):
            return digest
        codec, data = _compress(body)
        self._write(self.object_name(digest, codec), data)
        return digest

    def get(self, digest: str) -> bytes:
        for codec in ("zst", "gz"):
            name = self.object_name(digest, codec)
            if self.exists(name):
                body = _decompress(codec, self._read(name))
                if hashlib.sha256(body).hexdigest() != digest:
                    raise ArchiveError(f"archive object {name} is corrupt (its content does not match its hash)")
                return body
        raise ArchiveError(f"archive object {digest} is missing (neither .zst nor .gz under objects/)")

    # ------------------------------------------------------------------ manifests
    def recorder(self, *, run_id: str, asset: str, resource: Resource, company: str,
                 start: dt.date | None, end: dt.date | None) -> "ManifestRecorder":
        return ManifestRecorder(self, run_id, asset, resource, company, start, end)

    def write_manifest(self, relative: str, manifest: dict[str, Any]) -> None:
        """Write the manifest, then make it and every object written so far durable (the caller commits the
        ledger row naming them next)."""
        self._write(relative, json.dumps(manifest, indent=1, sort_keys=True).encode())
        self.sync()

    def sync(self) -> None:
        """fsync every directory that gained an entry since the last sync (deepest first)."""
        if not self.local:
            return
        with self._dirty_lock:
            dirty, self._dirty_dirs = self._dirty_dirs, set()
        for d in sorted(dirty, key=len, reverse=True):
            try:
                fd = os.open(d, os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def manifest(self, relative: str) -> dict[str, Any]:
        try:
            doc = json.loads(self._read(relative))
        except ValueError as exc:
            raise ArchiveError(f"archive manifest {relative} is not valid JSON: {exc}") from None
        if doc.get("format") != FORMAT:
            raise ArchiveError(f"archive manifest {relative} has format {doc.get('format')!r}, expected {FORMAT}")
        return doc

    def mark_committed(self, relative: str, run_id: str) -> None:
        """The slice read by this manifest is in the warehouse (the ledger says so too; this marker lets a
        replay find committed reads when the warehouse, and its ledger, are gone)."""
        self._write(relative + ".committed", json.dumps({"run_id": run_id}).encode())
        self.sync()

    def committed_manifests(self, company: str, asset: str) -> list[str]:
        """Committed manifests of an asset and company, oldest first (the fallback when there is no ledger)."""
        base = self._path(f"manifests/{company}/{asset}")
        if not self.fs.exists(base):
            return []
        found = [p for p in self.fs.find(base) if p.endswith(".json.committed")]
        prefix = self.base.rstrip("/") + "/"
        names = [p[len(prefix):] if p.startswith(prefix) else p for p in found]
        return sorted((n.removesuffix(".committed") for n in names), key=lambda n: n.rsplit("/", 1)[-1])


class ManifestRecorder:
    """Archives the pages of one slice read as they stream, then writes the manifest."""

    def __init__(self, archive: PageArchive, run_id: str, asset: str, resource: Resource, company: str,
                 start: dt.date | None, end: dt.date | None) -> None:
        self.archive = archive
        self.started = dt.datetime.now(dt.timezone.utc)
        window = f"{start.isoformat()}_{end.isoformat()}" if start is not None and end is not None else "all"
        self.location = f"manifests/{company}/{asset}/{window}/{_stamp(self.started)}-{run_id}.json"
        self.doc: dict[str, Any] = {
            "format": FORMAT, "run_id": run_id, "asset": asset, "resource": resource.path,
            "resource_name": resource.name, "company": company,
            "window": None if start is None else {"start": start.isoformat(), "end": end.isoformat()},
            "started_at": self.started.isoformat(), "pages": [],
        }
        self.accepted_pass = 1
        self.bytes = 0

    def add(self, page: Any) -> None:
        """A `client.Page`: store its body now (bounded memory), remember where it sits in the read."""
        if page.restarted or page.pass_number != self.accepted_pass:
            self.accepted_pass = page.pass_number  # a new consistent pass: earlier pages are superseded
        digest = self.archive.put(page.body)
        self.bytes += len(page.body)
        self.doc["pages"].append({
            "sha256": digest, "url": strip_credentials(page.url), "index": page.index, "pass": page.pass_number,
            "received": page.received, "records": len(page.records), "count": page.count,
            "restarted": bool(page.restarted), "bytes": len(page.body),
        })

    def finish(self, *, complete: bool, odata_filter: str | None = None, rows: Mapping[str, int] | None = None,
               error: BaseException | None = None) -> str:
        pages = self.doc["pages"]
        self.doc.update(
            finished_at=dt.datetime.now(dt.timezone.utc).isoformat(), complete=complete,
            odata_filter=odata_filter, accepted_pass=self.accepted_pass if pages else None,
            passes=max((p["pass"] for p in pages), default=0), rows=dict(rows or {}),
            error_class=type(error).__name__ if error is not None else None,
        )
        self.archive.write_manifest(self.location, self.doc)
        return self.location


def _record_key(res: Resource):
    from sage_looker.sage300.reads import _key_function  # the client's own notion of "the same record"
    return _key_function(res)


def rebuild_tables(archive: PageArchive, location: str, manifest: dict[str, Any] | None = None
                   ) -> dict[str, pa.Table]:
    """The tables the original read produced, from the archived pages of its accepted pass (no Sage request).

    The client hands the flattener each page's records not seen before in the pass (overlap rows and repeats
    dropped by natural key); replaying the accepted pass in order with the same key function reproduces them,
    and each page's count is checked against the manifest."""
    from sage_looker.sage300.flatten import Flattener

    doc = manifest or archive.manifest(location)
    if not doc.get("complete"):
        raise ArchiveError(f"archive manifest {location} records an incomplete read ({doc.get('error_class')})")
    res = catalog.resource(doc["resource_name"])
    flattener = Flattener(res, doc["company"])
    key_of = _record_key(res)
    seen: set[Any] = set()
    for page in _accepted(doc):
        body = archive.get(page["sha256"])
        try:
            rows = _DECODER.decode(body).get("value")
        except (msgspec.DecodeError, AttributeError) as exc:
            raise ArchiveError(f"archived page {page['url']} is not an OData collection: {exc}") from None
        new = []
        for i, rec in enumerate(rows or ()):
            k = key_of(rec) if isinstance(rec, dict) else ("<not an object>", page["index"], i)
            if k not in seen:
                seen.add(k)
                new.append(rec)
        if len(new) != page["records"]:
            raise ArchiveError(f"archive manifest {location}: page {page['index']} gives {len(new)} records on "
                               f"replay but the read took {page['records']}")
        flattener.add_records(new, page["url"])
    tables = flattener.to_arrow()
    expected = doc.get("rows") or {}
    got = {name: t.num_rows for name, t in tables.items()}
    if expected and any(expected.get(n) != got[n] for n in got):
        raise ArchiveError(f"archive manifest {location}: replay gives rows {got}, the load wrote {expected}")
    return tables


def _accepted(doc: dict[str, Any]) -> Iterable[dict[str, Any]]:
    accepted = doc.get("accepted_pass")
    return [p for p in doc["pages"] if p["pass"] == accepted]
