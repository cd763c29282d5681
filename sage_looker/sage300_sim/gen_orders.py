"""Purchase orders (PO names the vendor `Vendor`) and sales orders (OE names the item `Item`), with
receipt and shipment progress that depends on the order's age. Sales orders mix item lines with
miscellaneous-charge lines that carry no item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sage_looker.sage300_sim.context import DAY, CompanyCtx, Party
from sage_looker.sage300_sim.gen_masters import active
from sage_looker.sage300_sim.values import ZERO, cents, money, qty

MISC_CHARGES = (("HC", "Handling charges"), ("FRT", "Freight"))


def purchase_orders(ctx: CompanyCtx, d: dt.date) -> None:
    vendors = [v for v in active(ctx.vendors) if v.group == "INV"] or active(ctx.vendors)
    for _ in range(ctx.count(2)):
        ctx.emit("POPurchaseOrders", new_purchase_order(ctx, d, ctx.rng.choice(vendors)))


def new_purchase_order(ctx: CompanyCtx, d: dt.date, v: Party) -> dict:
    rng = ctx.rng
    key = ctx.counters["po_key"] = ctx.counters.get("po_key", 1000) + rng.randint(1, 9)
    number = f"PO{ctx.next('po_number', start=1001):06d}"
    age = (ctx.today - d).days
    own = [i for i in ctx.items if i.vendor == v.number] or ctx.items
    lines = []
    for k in range(rng.randint(1, 4)):
        item = rng.choice(own)
        ordered = rng.randint(5, 120)
        received = ordered if age > 14 else (rng.randint(0, ordered) if age > 4 else 0)
        lines.append({
            **ctx.fw, "PurchaseOrderSequenceKey": key, "LineNumber": 1000 * (k + 1), "ItemNumber": item.number,
            "ItemDescription": item.description, "Location": "1", "UnitOfMeasure": "Ea.",
            "QuantityOrdered": qty(ordered), "QuantityReceived": qty(received), "UnitCost": item.cost,
            "ExtendedCost": money(item.cost * ordered),
        })
    done = all(x["QuantityReceived"] == x["QuantityOrdered"] for x in lines)
    some = any(x["QuantityReceived"] for x in lines)
    return {
        **ctx.fw, "PurchaseOrderSequenceKey": key, "PurchaseOrderNumber": number, "Vendor": v.number,
        "VendorName": v.name, "Description": f"Replenishment {d.isoformat()}", "Reference": f"REQ-{key}",
        "Comment": "", "CurrencyCode": v.currency,
        "Status": "Completed" if done else ("PartiallyReceived" if some else "Entered"),
        "PurchaseOrderDate": d, "ExpectedArrivalDate": d + rng.randint(7, 21) * DAY,
        "ExtendedCost": sum((x["ExtendedCost"] for x in lines), ZERO), "PurchaseOrderType": "Active",
        "PurchaseOrderLines": lines,
    }


def sales_orders(ctx: CompanyCtx, d: dt.date) -> None:
    customers = active(ctx.customers)
    for _ in range(ctx.count(4)):
        ctx.emit("OEOrders", new_sales_order(ctx, d, ctx.rng.choice(customers)))


def new_sales_order(ctx: CompanyCtx, d: dt.date, c: Party) -> dict:
    rng = ctx.rng
    key = ctx.counters["oe_uniq"] = ctx.counters.get("oe_uniq", 20000) + rng.randint(1, 12)
    number = ctx.next("oe_number", start=1001)
    age = (ctx.today - d).days
    lines = []
    for k in range(rng.randint(1, 4)):
        item = rng.choice(ctx.items)
        ordered = rng.randint(1, 30)
        shipped = ordered if age > 7 else (rng.randint(0, ordered) if age > 1 else 0)
        lines.append({
            **ctx.fw, "OrderUniquifier": key, "LineNumber": 32 * (k + 1), "LineType": "Item", "Item": item.number,
            "Description": item.description, "Location": "1", "UnitOfMeasure": "Ea.",
            "MiscellaneousChargesCode": "", "QuantityOrdered": qty(ordered), "QuantityShipped": qty(shipped),
            "QuantityBackordered": qty(ordered - shipped if 0 < shipped < ordered else 0),
            "OrderUnitPrice": item.price, "UnitCost": item.cost, "ExtendedAmount": money(item.price * ordered),
            "OrderDetailOptionalFields": [],
        })
    if rng.random() < 0.3:
        code, desc = rng.choice(MISC_CHARGES)
        lines.append({
            **ctx.fw, "OrderUniquifier": key, "LineNumber": 32 * (len(lines) + 1), "LineType": "Miscellaneous",
            "Item": "", "Description": desc, "Location": "", "UnitOfMeasure": "", "MiscellaneousChargesCode": code,
            "QuantityOrdered": qty(0), "QuantityShipped": qty(0), "QuantityBackordered": qty(0),
            "OrderUnitPrice": ZERO, "UnitCost": ZERO, "ExtendedAmount": cents(rng.randint(500, 9000)),
            "OrderDetailOptionalFields": [],
        })
    items = [x for x in lines if x["LineType"] == "Item"]
    shipped_any = any(x["QuantityShipped"] for x in items)
    shipped_all = all(x["QuantityShipped"] == x["QuantityOrdered"] for x in items)
    return {
        **ctx.fw, "OrderUniquifier": key, "OrderNumber": f"ORD{number:012d}", "OrderType": "Active",
        "CustomerNumber": c.number, "CustomerGroupCode": c.group, "OrderReference": f"PO-{rng.randint(1000, 99999)}",
        "OrderDescription": f"Order from {c.name}", "OrderComment": "", "ShipToName": c.name,
        "CurrencyCode": c.currency,
        "LastShipmentNumber": f"SH{number:013d}" if shipped_any else "",
        "LastInvoiceNumber": f"IN{number:013d}" if shipped_all else "",
        "OrderDate": d, "ExpectedShipDate": d + rng.randint(1, 10) * DAY,
        "OrderTotal": sum((x["ExtendedAmount"] for x in lines), ZERO), "InvoiceWillBeProduced": shipped_all,
        "OrderOptionalFields": [], "OrderDetails": lines,
    }


def item_quantities(ctx: CompanyCtx) -> None:
    """Item-level on-order and committed quantities from the open purchase and sales orders."""
    on_po: dict[str, Decimal] = {}
    on_so: dict[str, Decimal] = {}
    for po in ctx.out.get("POPurchaseOrders", ()):
        for x in po["PurchaseOrderLines"]:
            on_po[x["ItemNumber"]] = on_po.get(x["ItemNumber"], ZERO) + x["QuantityOrdered"] - x["QuantityReceived"]
    for so in ctx.out.get("OEOrders", ()):
        for x in so["OrderDetails"]:
            if x["Item"]:
                on_so[x["Item"]] = on_so.get(x["Item"], ZERO) + x["QuantityOrdered"] - x["QuantityShipped"]
    for rec in ctx.out.get("ICItems", ()):
        n = rec["ItemNumber"]
        rec["QuantityOnPurchaseOrder"] = qty(0) + on_po.get(n, ZERO)
        rec["QuantityOnSalesOrder"] = qty(0) + on_so.get(n, ZERO)
        rec["QuantityCommitted"] = rec["QuantityOnSalesOrder"]
        rec["QuantityAvailable"] = rec["QuantityOnHand"] - rec["QuantityCommitted"]
