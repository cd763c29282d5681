"""`$metadata` for one module: an OData v4 EDMX 4.0 document generated from the catalog.

Each resource is an EntityType with its Key and an EntitySet named like the URL segment (`APVendors`);
nested collections are ComplexTypes (Sage registers details with `builder.ComplexType<>()`), so they
appear as `Collection(...)` properties and need no `$expand`. Fields Sage sends beyond the catalog
(`shapes.EXTRA_FIELDS`) and fields added at run time are declared too.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from sage_looker.sage300 import catalog
from sage_looker.sage300.catalog_model import Collection, Resource
from sage_looker.sage300_sim.shapes import (
    EXTRA_COLLECTIONS,
    EXTRA_FIELDS,
    FRAMEWORK_FIELD,
    entity_keys,
    scalar_columns,
)

EDM_TYPES = {
    "text": "Edm.String", "int": "Edm.Int64", "money": "Edm.Decimal", "qty": "Edm.Decimal",
    "rate": "Edm.Decimal", "price": "Edm.Decimal", "number": "Edm.Decimal", "date": "Edm.DateTimeOffset",
    "bool": "Edm.Boolean", "json": "Edm.String",
}
_NON_NULLABLE = {"Edm.Decimal", "Edm.Int64", "Edm.Int32", "Edm.Boolean"}


def namespace(module: str) -> str:
    return f"Sage.CA.SBS.ERP.Sage300.{module}.WebApi.Models"


def singular(name: str) -> str:
    """`Invoices` → `Invoice`, `InvoiceBatches` → `InvoiceBatch` (Sage's model class names)."""
    if name.endswith("ches") or name.endswith("shes"):
        return name[:-2]
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


def entity_type_name(resource: Resource) -> str:
    return singular(resource.name[len(resource.module):])


def _prop(name: str, type_name: str, nullable: bool | None = None) -> str:
    edm = EDM_TYPES.get(type_name, type_name)
    if name.startswith("NumberOf") and edm == "Edm.Int64":
        edm = "Edm.Int32"
    if nullable is None:
        nullable = edm not in _NON_NULLABLE
    extra = ' Scale="Variable"' if edm == "Edm.Decimal" else ""
    null = "" if nullable else ' Nullable="false"'
    return f"        <Property Name={quoteattr(name)} Type={quoteattr(edm)}{null}{extra} />"


def _structure(kind: str, name: str, keys: tuple[str, ...], fields: dict[str, str], colls: dict[str, str],
               framework: bool) -> list[str]:
    out = [f"      <{kind} Name={quoteattr(name)}>"]
    if keys:
        out.append("        <Key>")
        out += [f"          <PropertyRef Name={quoteattr(k)} />" for k in keys]
        out.append("        </Key>")
    for f, t in fields.items():
        out.append(_prop(f, t, nullable=False if f in keys else None))
    if framework:
        out.append(_prop(FRAMEWORK_FIELD, "text"))
    for f, target in colls.items():
        out.append(f'        <Property Name={quoteattr(f)} Type="Collection({target})" Nullable="false" />')
    out.append(f"      </{kind}>")
    return out


def module_metadata(module: str, missing: set[str], added: dict[str, dict[str, str]], framework: bool = True) -> str:
    ns = namespace(module)
    resources = [r for r in catalog.RESOURCES if r.module == module and r.name not in missing]
    entity_types: list[str] = []
    types: list[str] = []
    sets: list[str] = []
    seen: set[str] = set()

    def complex_types(res: Resource, owner: str, children: tuple[Collection, ...], table: str) -> dict[str, str]:
        colls: dict[str, str] = {}
        for c in children:
            tname = singular(c.field)
            if tname in seen:
                tname = f"{owner}{tname}"
            seen.add(tname)
            # Children repeat their parents' keys the way Sage sends them (declared in EXTRA_FIELDS).
            fields = scalar_columns(c.columns)
            fields.update(EXTRA_FIELDS.get(c.table, {}))
            fields.update(added.get(c.table, {}))
            sub = complex_types(res, tname, c.children, c.table)
            types.extend(_structure("ComplexType", tname, (), fields, sub, framework))
            colls[c.field] = f"{ns}.{tname}"
        for field, shape in EXTRA_COLLECTIONS.get(table, {}).items():
            tname = singular(field)
            if tname in seen:
                tname = f"{owner}{tname}"
            seen.add(tname)
            types.extend(_structure("ComplexType", tname, (), shape, {}, framework))
            colls[field] = f"{ns}.{tname}"
        return colls

    for r in resources:
        name = entity_type_name(r)
        seen.add(name)
        fields = scalar_columns(r.columns)
        fields.update(EXTRA_FIELDS.get(r.table, {}))
        fields.update(added.get(r.table, {}))
        keys = entity_keys(r)
        colls = complex_types(r, name, r.children, r.table)
        entity_types += _structure("EntityType", name, keys, fields, colls, framework)
        sets.append(f'        <EntitySet Name="{r.name}" EntityType="{ns}.{name}" />')
    return "\n".join([
        '<?xml version="1.0" encoding="utf-8"?>',
        '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
        "  <edmx:DataServices>",
        f'    <Schema Namespace="{ns}" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
        *entity_types,
        *types,
        "    </Schema>",
        '    <Schema Namespace="Default" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
        '      <EntityContainer Name="Container">',
        *sets,
        "      </EntityContainer>",
        "    </Schema>",
        "  </edmx:DataServices>",
        "</edmx:Edmx>",
    ]) + "\n"
