"""The simulator speaks Sage's real shapes: `$metadata` from the catalog, and the SDK sample payloads'
field names appear in what it serves."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sage_looker.sage300 import catalog
from sage_looker.sage300.catalog_model import FRAMEWORK_PROPERTIES
from sage_looker_tests.sage300_sim.conftest import decode, fetch_all
from sage_looker_tests.samples import SAGE_SAMPLES as SAMPLES

EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
EDMX = "{http://docs.oasis-open.org/odata/ns/edmx}"
EDM_TYPES = {"Edm.String", "Edm.Decimal", "Edm.DateTimeOffset", "Edm.Boolean", "Edm.Int64", "Edm.Int32"}


@pytest.mark.parametrize("module", sorted({r.module for r in catalog.RESOURCES}))
def test_metadata_declares_every_catalog_resource(sim, client, module):
    r = client.get(f"{sim.url}/v1.0/-/SAMINC/{module}/$metadata")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(r.content)
    assert root.tag == f"{EDMX}Edmx" and root.get("Version") == "4.0"
    schemas = root.findall(f"{EDMX}DataServices/{EDM}Schema")
    types = {t.get("Name"): t for s in schemas for t in s if t.tag in (f"{EDM}EntityType", f"{EDM}ComplexType")}
    sets = {e.get("Name"): e.get("EntityType") for e in root.iter(f"{EDM}EntitySet")}
    for res in (x for x in catalog.RESOURCES if x.module == module):
        assert res.name in sets
        etype = types[sets[res.name].rsplit(".", 1)[1]]
        assert etype.tag == f"{EDM}EntityType"
        props = {p.get("Name"): p.get("Type") for p in etype.findall(f"{EDM}Property")}
        assert set(res.columns) <= set(props)
        keys = [k.get("Name") for k in etype.findall(f"{EDM}Key/{EDM}PropertyRef")]
        assert tuple(keys) == (res.keys or ("OrganizationID",))
        for field, ctype in res.columns.items():
            want = {"text": "Edm.String", "date": "Edm.DateTimeOffset", "bool": "Edm.Boolean",
                    "json": "Collection("}.get(ctype.value, "Edm.Int" if ctype.value == "int" else "Edm.Decimal")
            assert props[field].startswith(want), (res.name, field, props[field])
        for child in res.children:
            assert props[child.field].startswith("Collection(")
            ctype = types[props[child.field][len("Collection("):-1].rsplit(".", 1)[1]]
            assert ctype.tag == f"{EDM}ComplexType"
            assert set(child.columns) <= {p.get("Name") for p in ctype.findall(f"{EDM}Property")}, child.table
    scalar = {p.get("Type") for t in types.values() for p in t.findall(f"{EDM}Property")
              if not p.get("Type").startswith("Collection(")}
    assert scalar <= EDM_TYPES


def test_metadata_omits_missing_resources_and_honours_permissions(fresh_sim, client):
    s = fresh_sim(days=2, missing_resources={"ICItems"}, forbidden_modules={"*": ["OE"]})
    assert b"ICItems" not in client.get(f"{s.url}/v1.0/-/SAMINC/IC/$metadata").content
    assert client.get(f"{s.url}/v1.0/-/SAMLTD/OE/$metadata").status_code == 403
    bk = client.get(f"{s.url}/v1.0/-/SAMINC/BK/$metadata")
    assert bk.status_code == 200 and ET.fromstring(bk.content) is not None


def _sample_files() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(SAMPLES.glob("*/*.json")):
        name = path.stem.split("_")[0]
        try:
            out.append((catalog.resource(name).name, path))
        except KeyError:
            continue
    return out


def _field_sets(obj: dict, collections) -> list[tuple[str, set[str]]]:
    """(level path, field names) per level of a payload, following the catalog's collections."""
    out = [("", set(obj))]
    for c in collections:
        for item in obj.get(c.field) or []:
            for p, f in _field_sets(item, c.children):
                out.append((f"{c.field}/{p}", f))
    return out


@pytest.mark.parametrize("resource, path", _sample_files(), ids=lambda x: getattr(x, "name", x))
def test_sample_payload_fields_are_served(sim, client, resource, path):
    """Every field of Sage's own sample payload, at every level the catalog flattens (the catalog's
    columns, the parent keys children repeat, tax detail, optional-field collections), appears in the
    simulator's output for that resource."""
    res = catalog.resource(resource)
    sample = json.loads(path.read_text(encoding="utf-8-sig"))
    served = decode(client.get(f"{sim.url}/v1.0/-/SAMINC/{res.path}", params={"$top": "20"}))["value"]
    assert served
    have: dict[str, set[str]] = {}
    for rec in served:
        for level, fields in _field_sets(rec, res.children):
            have.setdefault(level, set()).update(fields)
    for level, fields in _field_sets(sample, res.children):
        declared = set(_table_at(res, level).own_columns)
        assert fields & declared, (path.name, level)  # the sample and the catalog describe the same level
        assert fields <= have[level], (path.name, level, sorted(fields - have[level]))


def _table_at(res, level: str):
    cols, table = res.children, res.root_table
    for part in [p for p in level.split("/") if p]:
        c = next(c for c in cols if c.field == part)
        table, cols = catalog.table(c.table), c.children
    return table


def test_samples_found():
    names = {r for r, _ in _sample_files()}
    assert {"APInvoiceBatches", "ARInvoiceBatches", "GLJournalBatches", "OEOrders", "POPurchaseOrders",
            "ARReceiptAndAdjustmentBatches", "APPaymentAndAdjustmentBatches", "APVendors", "ARCustomers",
            "GLAccounts", "ICItems"} <= names


def _undeclared(obj: dict, table, children, out: dict[str, set[str]]) -> None:
    kids = {c.field: c for c in children}
    for field, value in obj.items():
        if field in kids:
            for item in value or ():
                _undeclared(item, catalog.table(kids[field].table), kids[field].children, out)
        elif field not in table.fields and field not in FRAMEWORK_PROPERTIES and not field.startswith("@"):
            out.setdefault(table.name, set()).add(field)


@pytest.mark.parametrize("company", ["SAMINC", "SAMLTD"])
def test_every_field_the_simulator_serves_is_in_the_catalog(sim, client, company):
    """A clean load of the bundled simulator names no unknown field (issue 9: the demo's output is clean):
    every field it serves, at every level, is a catalog column, a parent key the child repeats, or a Sage
    framework property the flattener drops on purpose. Read over the wire, not from the generator."""
    out: dict[str, set[str]] = {}
    for res in catalog.RESOURCES:
        rows, _ = fetch_all(client, f"{sim.url}/v1.0/-/{company}/{res.path}")
        for rec in rows:
            _undeclared(rec, res.root_table, res.children, out)
    assert out == {}
