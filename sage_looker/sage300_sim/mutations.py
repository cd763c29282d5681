"""`SageDB`: the store plus the changes a live Sage company goes through while a connector reads it.

Edits keep documents coherent (line → document → batch totals, GL entries still balanced) and move
`DateLastEdited`/`DateLastMaintained` to today, the way Sage marks what changed. Posting goes through
the same code as generation, so a batch posted here lands in GL and the posted ledger like history did.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sage_looker.sage300 import catalog
from sage_looker.sage300_sim import drift, recompute
from sage_looker.sage300_sim.context import CompanyCtx, Party
from sage_looker.sage300_sim.shapes import walk_collections
from sage_looker.sage300_sim.store import Store
from sage_looker.sage300_sim.values import ZERO, money

BATCHES = ("APInvoiceBatches", "APPaymentAndAdjustmentBatches", "ARInvoiceBatches",
           "ARReceiptAndAdjustmentBatches", "GLJournalBatches")
STATUS = {name: catalog.resource(name).status_field for name in BATCHES}


class SageDB(Store):
    def __init__(self, config) -> None:
        super().__init__(config)
        self.ctx: dict[str, CompanyCtx] = {}
        self.generation_seconds = 0.0

    # ------------------------------------------------------------------ lookups

    def batch(self, company: str, resource: str, key: Any) -> dict:
        rec = self.get(company, resource, key)
        if rec is None:
            raise KeyError(f"{resource}({key}) not found in {company}")
        return rec

    def is_posted(self, resource: str, rec: dict) -> bool:
        return rec.get(STATUS[resource]) == "Posted"

    def _open_batch(self, company: str, resource: str, key: Any) -> dict:
        if resource not in BATCHES:
            raise ValueError(f"{resource} is not a batch resource ({', '.join(BATCHES)})")
        rec = self.batch(company, resource, key)
        if self.is_posted(resource, rec):
            raise ValueError(f"{resource}({key}) is posted; Sage only changes open batches")
        return rec

    # ------------------------------------------------------------------ edits

    def edit_batch(self, company: str, resource: str, key: Any, delta: Decimal | str = "10.00") -> dict:
        """Change one line amount of an open batch by `delta`, recompute every total, mark it edited today."""
        delta = Decimal(str(delta))
        with self.lock:
            rec = self._open_batch(company, resource, key)
            ctx = self.ctx[company]
            if resource == "APInvoiceBatches":
                inv = rec["Invoices"][0]
                line = inv["InvoiceDetails"][0]
                ratio = line["TaxTotal"] / line["DistributedAmount"] if line["DistributedAmount"] else ZERO
                net = line["DistributedAmount"] + delta
                line.update(DistributedAmount=net, DistributedAmountBeforeTaxes=net, GLDistributedAmount=net,
                            TaxTotal=money(net * ratio), TaxAmount1=money(net * ratio))
                recompute.ap_totals(ctx, inv)
            elif resource == "ARInvoiceBatches":
                inv = rec["Invoices"][0]
                line = inv["InvoiceDetails"][0]
                base = line["ExtendedAmountWithoutTIP"]
                ratio = line["TaxTotal"] / base if base else ZERO
                net = base + delta
                line.update(ExtendedAmountWithTIP=net, ExtendedAmountWithoutTIP=net, TaxTotal=money(net * ratio),
                            TaxAmount1=money(net * ratio))
                recompute.ar_totals(ctx, inv)
            elif resource == "GLJournalBatches":
                e = rec["JournalHeaders"][0]
                dr = next(x for x in e["JournalDetails"] if x["Amount"] > 0)
                cr = next(x for x in e["JournalDetails"] if x["Amount"] < 0)
                for x, s in ((dr, 1), (cr, -1)):
                    x["Amount"] += s * delta
                    x["SourceCurrencyAmount"] += s * delta
                recompute.gl_totals(rec)
            else:
                entries = rec.get("PaymentsAdjustments") or rec.get("ReceiptsAdjustments")
                recompute.cash_delta(ctx, resource, entries[0], delta)
            recompute.batch_total(resource, rec)
            rec["DateLastEdited"] = self.today
            self.touch(company, resource)
            return rec

    def redate_batch(self, company: str, resource: str, key: Any, new_date: dt.date) -> dict:
        """Change an open batch's (or order's) partition date, as a Sage user may after it was loaded: the
        record keeps its key and moves from one date partition to another; Sage marks it edited today."""
        res = catalog.resource(resource)
        if res.partition_date is None:
            raise ValueError(f"{resource} has no partition date to change")
        with self.lock:
            rec = self._open_batch(company, resource, key) if resource in BATCHES else self.batch(company, resource, key)
            rec[res.partition_date] = new_date
            if "DateLastEdited" in rec:
                rec["DateLastEdited"] = self.today
            self.touch(company, resource)
            return rec

    def update_master(self, company: str, resource: str, key: Any, **fields: Any) -> dict:
        """Change fields of a master record; Sage moves DateLastMaintained to today."""
        with self.lock:
            rec = self.batch(company, resource, key)
            rec.update(fields)
            if "DateLastMaintained" in rec:
                rec["DateLastMaintained"] = self.today
            self.touch(company, resource)
            return rec

    # ------------------------------------------------------------------ posting

    def post_batch(self, company: str, resource: str, key: Any) -> dict:
        """Post an open batch today: subledger batches get a posted GL batch and posted-ledger rows."""
        from sage_looker.sage300_sim.gen_gl import gl_batch, post_gl, post_subledger
        from sage_looker.sage300_sim.generate import GL_BATCH_LABEL, finish_masters, posting_seq, refresh_ledgers

        with self.lock:
            rec = self._open_batch(company, resource, key)
            ctx = self.ctx[company]
            if resource == "GLJournalBatches":
                gl = rec
                rec.update(Status="Posted", ReadyToPost="Yes", OriginalStatus="Posted")
            else:
                for inv in rec.get("Invoices", ()):
                    recompute.ensure_doc(ctx, resource[:2], inv)
                rec[STATUS[resource]] = "Posted"
                rec["PostingSequenceNumber"] = posting_seq(ctx, resource, None)
                entries = post_subledger(ctx, resource, rec)
                for inv in rec.get("Invoices", ()):
                    doc = ctx.docs[(resource[:2], inv["DocumentNumber"])]
                    pool = ctx.pools.setdefault((doc.ledger, doc.party), [])
                    if doc.doc_type != "CreditNote" and doc not in pool:
                        pool.append(doc)
                gl = gl_batch(ctx, self.today, resource[:2], f"{GL_BATCH_LABEL[resource]} {rec['BatchNumber']}",
                              entries, "Posted", self.today)
                self.insert(company, "GLJournalBatches", gl)
                finish_masters(ctx, self.records(company, "APVendors"), self.records(company, "ARCustomers"))
                self.touch(company, "APVendors")
                self.touch(company, "ARCustomers")
            rec["DateLastEdited"] = self.today
            for row in post_gl(ctx, gl, posting_seq(ctx, "GL", None)):
                self.insert(company, "GLPostedTransactions", row)
            refresh_ledgers(self, company)  # posted-document ledgers and fiscal sets follow the posting
            self.touch(company, resource)
            self.touch(company, "GLJournalBatches")
            return rec

    # ------------------------------------------------------------------ inserts and deletes

    def insert_batch(self, company: str, resource: str, batch_date: dt.date | None = None, entries: int = 2) -> dict:
        """A new open batch (or order) dated `batch_date` (default today), generated like history."""
        from sage_looker.sage300_sim import gen_ap, gen_ar, gen_gl, gen_orders
        from sage_looker.sage300_sim.gen_masters import active

        d = batch_date or self.today
        with self.lock:
            ctx = self.ctx[company]
            if resource == "APInvoiceBatches":
                rec = gen_ap.new_ap_invoice_batch(ctx, d, entries, "Open", None, active(ctx.vendors))
            elif resource == "ARInvoiceBatches":
                rec = gen_ar.new_ar_invoice_batch(ctx, d, entries, "Open", None, active(ctx.customers))
            elif resource in ("APPaymentAndAdjustmentBatches", "ARReceiptAndAdjustmentBatches"):
                ledger = resource[:2]
                parties = {p.number: p for p in (ctx.vendors if ledger == "AP" else ctx.customers)}
                chosen = [parties[p] for p in ctx.parties_with_open(ledger)[:entries]]
                if not chosen:
                    raise ValueError(f"no open {ledger} documents to apply a new batch to")
                ccy = chosen[0].currency
                chosen = [p for p in chosen if p.currency == ccy]
                make = gen_ap.new_ap_payment_batch if ledger == "AP" else gen_ar.new_ar_receipt_batch
                rec = make(ctx, d, ccy, chosen, "Open", None)
            elif resource == "GLJournalBatches":
                ctx.gl_specs.clear()
                while not ctx.gl_specs:
                    gen_gl.manual_journals(ctx, d)
                _, _, ledger, desc, ents, _, _ = ctx.gl_specs.pop()
                rec = gen_gl.gl_batch(ctx, d, ledger, desc, ents[:max(1, entries)], "Open", None)
            elif resource == "POPurchaseOrders":
                rec = gen_orders.new_purchase_order(ctx, d, ctx.rng.choice(active(ctx.vendors)))
            elif resource == "OEOrders":
                rec = gen_orders.new_sales_order(ctx, d, ctx.rng.choice(active(ctx.customers)))
            else:
                raise ValueError(f"cannot generate a new {resource}; use insert_record")
            if "DateLastEdited" in rec:
                rec["DateLastEdited"] = self.today
            return self.insert(company, resource, rec)

    def insert_record(self, company: str, resource: str, record: dict) -> dict:
        return self.insert(company, resource, record)

    def delete_batch(self, company: str, resource: str, key: Any) -> dict:
        """Delete an unposted batch (Sage refuses to delete posted ones); its applications are released."""
        with self.lock:
            rec = self._open_batch(company, resource, key)
            ctx = self.ctx[company]
            ledger = resource[:2]
            for entry in rec.get("PaymentsAdjustments", ()) or rec.get("ReceiptsAdjustments", ()):
                for a in entry.get("AppliedPayments", ()) or entry.get("AppliedReceiptsAdjustments", ()):
                    doc = ctx.docs.get((ledger, a["DocumentNumber"]))
                    if doc is not None:
                        doc.open_entered += a.get("PaymentAmount", a.get("CustomerReceiptAmount", ZERO))
            for inv in rec.get("Invoices", ()):
                doc = ctx.docs.pop((ledger, inv["DocumentNumber"]), None)
                target = ctx.docs.get((ledger, inv.get("ApplytoDocument") or ""))
                if doc is not None and target is not None and doc.doc_type == "CreditNote":
                    target.open_entered += doc.total
            return self.remove(company, resource, self.key_of(resource, rec))

    def clear_history(self, company: str, before: dt.date, resources: list[str] | None = None) -> dict[str, int]:
        """Sage's Clear History: drop posted batches dated before `before`. The posted ledger stays."""
        out = {}
        for name in resources or BATCHES:
            date_field = catalog.resource(name).partition_date
            gone = self.remove_where(company, name, lambda r, n=name, f=date_field:
                                     self.is_posted(n, r) and r[f] < before)
            out[name] = len(gone)
        return out

    # ------------------------------------------------------------------ schema and integrity

    def add_field(self, resource: str, field: str, value: Any, company: str | None = None,
                  collection: str | None = None) -> int:
        """Add a field Sage did not send before (an upgrade): on every record, or every item of a nested
        collection given by its table name. `value` may be a callable taking the record."""
        res = catalog.resource(resource)
        table, path = res.table, ()
        if collection:
            table, path = next((t, p) for t, p, _ in walk_collections(res) if collection in (t, p[-1]))
        n = 0
        with self.lock:
            for co in ([company] if company else self.companies):
                for rec in _walk(self.records(co, resource), path):
                    rec[field] = value(rec) if callable(value) else value
                    n += 1
                self.touch(co, resource)
            sample = value({}) if callable(value) else value
            self.added_fields.setdefault(table, {})[field] = _type_name(sample)
        return n

    def add_dangling_reference(self, company: str, resource: str = "APInvoiceBatches") -> dict:
        """Insert an open record naming a vendor, customer, account or item that does not exist."""
        from sage_looker.sage300_sim import gen_ap, gen_ar, gen_orders

        with self.lock:
            ctx = self.ctx[company]
            ghost = Party("ZZ9999", "Unknown party", ctx.currency, "N30", "NOTAX", ZERO, "SRV", "USA")
            d = self.today
            if resource == "APInvoiceBatches":
                rec = gen_ap.new_ap_invoice_batch(ctx, d, 1, "Open", None, [ghost])
            elif resource == "ARInvoiceBatches":
                rec = gen_ar.new_ar_invoice_batch(ctx, d, 1, "Open", None, [ghost])
            elif resource == "POPurchaseOrders":
                rec = gen_orders.new_purchase_order(ctx, d, ghost)
            elif resource == "OEOrders":
                rec = gen_orders.new_sales_order(ctx, d, ctx.customers[0])
                rec["OrderDetails"][0]["Item"] = "ZZ-999/9"
            elif resource == "GLJournalBatches":
                rec = self.insert_batch(company, resource, d, 1)
                rec["JournalHeaders"][0]["JournalDetails"][0]["AccountNumber"] = "999999999"
                self.touch(company, resource)
                return rec
            else:
                raise ValueError(f"no dangling-reference recipe for {resource}")
            if "DateLastEdited" in rec:
                rec["DateLastEdited"] = d
            return self.insert(company, resource, rec)

    # ------------------------------------------------------------------ paging drift (faults)

    def drift_insert(self, company: str, resource: str, matched: list[dict], offset: int, predicate, rng) -> str | None:
        with self.lock:
            return drift.insert_before(self, company, resource, matched, offset, predicate, rng)

    def drift_delete(self, company: str, resource: str, matched: list[dict], offset: int, rng) -> str | None:
        with self.lock:
            return drift.delete_before(self, company, resource, matched, offset, rng)


def _walk(rows: list[dict], path: tuple[str, ...]):
    if not path:
        yield from rows
        return
    for r in rows:
        yield from _walk(r.get(path[0]) or [], path[1:])


def _type_name(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, Decimal):
        return "number"
    if isinstance(v, dt.date):
        return "date"
    return "text"
