"""The raw page archive: content-addressed compressed bodies, manifests that know the client's passes, and a
rebuild that gives back exactly the tables the original read produced."""

import datetime as dt
import json

import pyarrow as pa
import pytest

from sage_looker.audit.archive import ArchiveError, PageArchive, rebuild_tables
from sage_looker.sage300 import catalog
from sage_looker.sage300.client import Sage300Client
from sage_looker.sage300.settings import Sage300Settings
from sage_looker.sage300_sim import SimulatorConfig, run_simulator

from .conftest import TODAY


@pytest.mark.parametrize("root", ["local", "memory"])
def test_objects_are_content_addressed_compressed_and_verified(tmp_path, root):
    archive = PageArchive(str(tmp_path / "archive") if root == "local" else f"memory://audit-{tmp_path.name}")
    body = json.dumps({"value": [{"BatchNumber": i, "Description": "x" * 40} for i in range(200)]}).encode()
    digest = archive.put(body)
    assert archive.put(body) == digest  # stored once
    objects = [p for p in archive.fs.find(archive._path("objects"))]
    assert len(objects) == 1 and objects[0].endswith((".json.gz", ".json.zst"))
    assert archive.fs.size(objects[0]) < len(body) / 5
    assert archive.get(digest) == body
    with pytest.raises(ArchiveError, match="missing"):
        archive.get("0" * 64)
    # an object whose content no longer matches its name is refused, never served
    path = objects[0]
    other = PageArchive(archive.root)
    codec_body = archive.fs.cat_file(path)
    import gzip
    tampered = body.replace(b"x" * 40, b"y" * 40)
    archive.fs.pipe_file(path, gzip.compress(tampered) if path.endswith(".gz") else codec_body[:-4] + b"oops")
    with pytest.raises(ArchiveError):
        other.get(digest)
    assert str(tmp_path) not in repr(archive)  # the root (maybe an object-store URL with keys) is never shown


def _client(sim, **env) -> Sage300Client:
    values = {"SAGE300_URL": sim.url, "SAGE300_USER": "WEBAPI", "SAGE300_PASSWORD": "WEBAPI",
              "SAGE300_PAGE_SIZE": "6", "SAGE300_MAX_REQUESTS_PER_RUN": "5000", **env}
    return Sage300Client(Sage300Settings.from_env(values))


def _same(a: dict[str, pa.Table], b: dict[str, pa.Table]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].schema == b[name].schema, name
        assert a[name].to_pylist() == b[name].to_pylist(), name


def test_a_read_that_needed_several_passes_is_rebuilt_from_its_accepted_pass_only(tmp_path):
    archive = PageArchive(str(tmp_path / "archive"))
    resource = catalog.resource("APInvoiceBatches")
    start, end = TODAY - dt.timedelta(days=20), TODAY
    with run_simulator(SimulatorConfig(seed=5, days=30, today=TODAY, scale=0.5)) as sim, _client(sim) as client:
        rec = archive.recorder(run_id="r1", asset=resource.table, resource=resource, company="SAMINC",
                               start=start, end=end)

        def on_page(page):
            rec.add(page)
            if page.pass_number == 1 and page.index == 0:  # a batch disappears behind the reader
                with sim.db.lock:
                    sim.db.remove("SAMINC", "APInvoiceBatches", page.records[0]["BatchNumber"])

        result = client.read_resource(resource, "SAMINC", start, end, on_page=on_page)
        location = rec.finish(complete=True, odata_filter=result.stats.odata_filter, rows=result.stats.rows)
        requests = len(sim.requests())
        assert result.stats.passes >= 2
        rebuilt = rebuild_tables(archive, location)
        assert len(sim.requests()) == requests  # the rebuild asks Sage nothing
    manifest = archive.manifest(location)
    assert manifest["accepted_pass"] == result.stats.passes and manifest["passes"] == result.stats.passes
    assert {p["pass"] for p in manifest["pages"]} == set(range(1, result.stats.passes + 1))
    assert sum(p["records"] for p in manifest["pages"] if p["pass"] == manifest["accepted_pass"]) \
        == result.tables[resource.table].num_rows
    assert all("WEBAPI" not in p["url"] for p in manifest["pages"])
    _same(rebuilt, result.tables)


def test_a_tampered_manifest_or_incomplete_read_is_refused(tmp_path):
    archive = PageArchive(str(tmp_path / "archive"))
    resource = catalog.resource("APVendors")
    with run_simulator(SimulatorConfig(seed=5, days=5, today=TODAY, scale=0.3)) as sim, _client(sim) as client:
        rec = archive.recorder(run_id="r1", asset=resource.table, resource=resource, company="SAMINC",
                               start=None, end=None)
        result = client.read_resource(resource, "SAMINC", on_page=rec.add)
        location = rec.finish(complete=True, rows=result.stats.rows)
    _same(rebuild_tables(archive, location), result.tables)
    doc = archive.manifest(location)
    doc["pages"][0]["records"] += 1
    with pytest.raises(ArchiveError, match="records on replay"):
        rebuild_tables(archive, location, doc)
    doc = archive.manifest(location)
    doc["complete"] = False
    with pytest.raises(ArchiveError, match="incomplete"):
        rebuild_tables(archive, location, doc)
