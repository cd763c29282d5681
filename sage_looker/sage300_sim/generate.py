"""Deterministic generation of a company's history, day by day, then posting in posting-day order.

Entry happens in date order (so a payment can only pick documents posted before its date); posting is
replayed afterwards in posting-day order, which assigns posting sequences, builds one GL batch per
posted subledger batch, and fills the posted ledger from the GL batches that are themselves posted.
"""

from __future__ import annotations

import datetime as dt
import gc
import time

from sage_looker.sage300_sim.config import SimulatorConfig
from sage_looker.sage300_sim.context import DAY, CompanyCtx
from sage_looker.sage300_sim.gen_ap import ap_invoice_batches, ap_payment_batches
from sage_looker.sage300_sim.gen_ar import ar_invoice_batches, ar_receipt_batches
from sage_looker.sage300_sim.gen_docs import ap_adjustment_batch, ar_adjustment_batch
from sage_looker.sage300_sim import gen_ledger
from sage_looker.sage300_sim.gen_gl import entry, gl_batch, manual_journals, post_gl, post_subledger
from sage_looker.sage300_sim.gen_masters import build_masters
from sage_looker.sage300_sim.gen_orders import item_quantities, purchase_orders, sales_orders
from sage_looker.sage300_sim.mutations import SageDB
from sage_looker.sage300_sim.values import ZERO

GL_BATCH_LABEL = {"APInvoiceBatches": "AP invoice batch", "APPaymentAndAdjustmentBatches": "AP payment batch",
                  "ARInvoiceBatches": "AR invoice batch", "ARReceiptAndAdjustmentBatches": "AR receipt batch"}


def generate(config: SimulatorConfig) -> SageDB:
    db = SageDB(config)
    t0 = time.perf_counter()
    # Millions of new long-lived dicts make the cyclic GC rescan them again and again (it doubled the
    # time); the records hold no reference cycles, so pausing it while generating loses nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for company in config.companies:
            ctx = CompanyCtx(config, company)
            build_company(ctx)
            db.load(company, ctx.out)
            ctx.out = {}
            db.ctx[company] = ctx
    finally:
        if was_enabled:
            gc.enable()
    db.generation_seconds = time.perf_counter() - t0
    return db


def build_company(ctx: CompanyCtx) -> None:
    build_masters(ctx)
    d = ctx.start
    while d <= ctx.today:
        ctx.release(d)
        ap_invoice_batches(ctx, d)
        ar_invoice_batches(ctx, d)
        ap_payment_batches(ctx, d)
        ar_receipt_batches(ctx, d)
        ar_adjustment_batch(ctx, d)
        ap_adjustment_batch(ctx, d)
        manual_journals(ctx, d)
        purchase_orders(ctx, d)
        sales_orders(ctx, d)
        d += DAY
    post_subledgers(ctx)
    posted = build_gl(ctx)
    posted.extend(revalue(ctx, posted))
    posted.extend(close_years(ctx, posted))
    for rec in posted:
        ctx.emit("GLPostedTransactions", rec)
    finish_masters(ctx, ctx.out.get("APVendors", []), ctx.out.get("ARCustomers", []))
    for name, rows in gen_ledger.posted_documents(ctx).items():
        ctx.out[name] = rows
    ctx.out["GLAccountFiscalSets"] = gen_ledger.fiscal_sets(ctx, posted, ctx.out.get("GLAccounts", []))
    item_quantities(ctx)


def posting_seq(ctx: CompanyCtx, name: str, day: dt.date | None) -> int:
    """One posting sequence per posting run; generated history posts once a day per batch type."""
    last = ctx.counters.get(f"postday:{name}")
    if day is None or last != day.toordinal():
        ctx.counters[f"postseq:{name}"] = ctx.counters.get(f"postseq:{name}", 0) + 1
        if day is not None:
            ctx.counters[f"postday:{name}"] = day.toordinal()
    return ctx.counters[f"postseq:{name}"]


def post_subledgers(ctx: CompanyCtx) -> None:
    ctx.postings.sort(key=lambda p: (p[0], p[1], p[2], p[3]["BatchNumber"]))
    for day, _, resource, batch in ctx.postings:
        batch["PostingSequenceNumber"] = posting_seq(ctx, resource, day)
        entries = post_subledger(ctx, resource, batch)
        status, posted = ctx.lifecycle(day)
        ctx.gl_specs.append((day, len(ctx.gl_specs), resource[:2],
                             f"{GL_BATCH_LABEL[resource]} {batch['BatchNumber']}", entries, status, posted))
    ctx.postings.clear()


def build_gl(ctx: CompanyCtx) -> list[dict]:
    """Number GL batches in creation order, then post the posted ones in posting-day order."""
    ctx.gl_specs.sort(key=lambda s: (s[0], s[1]))
    to_post = []
    for created, _, ledger, desc, entries, status, posted in ctx.gl_specs:
        rec = ctx.emit("GLJournalBatches", gl_batch(ctx, created, ledger, desc, entries, status, posted))
        if posted is not None:
            to_post.append((posted, rec))
    ctx.gl_specs.clear()
    to_post.sort(key=lambda p: (p[0], p[1]["BatchNumber"]))
    out: list[dict] = []
    for day, rec in to_post:
        out.extend(post_gl(ctx, rec, posting_seq(ctx, "GL", day)))
    return out


def revalue(ctx: CompanyCtx, posted: list[dict]) -> list[dict]:
    """Period-end GL revaluation of the foreign-currency bank account: a posted GL batch per period end."""
    out: list[dict] = []
    for end, lines in gen_ledger.revaluation_entries(ctx, posted):
        e = entry("GL", "RV", f"Revaluation {end.isoformat()}", lines[0][7], "", end, end, lines)
        rec = ctx.emit("GLJournalBatches", gl_batch(ctx, end, "GL", f"Revaluation {end.isoformat()}", [e], "Posted",
                                                     end + DAY))
        out.extend(post_gl(ctx, rec, posting_seq(ctx, "GL", end + DAY)))
    return out


def close_years(ctx: CompanyCtx, posted: list[dict]) -> list[dict]:
    """Year-end close of the fiscal years that ended: a posted GL batch per year, in the closing period."""
    out: list[dict] = []
    for end, fy, lines in gen_ledger.year_end_entries(ctx, posted):
        e = entry("GL", "CL", f"Year-end close {fy}", f"CLOSE{fy}", "", end, end, lines)
        e["fiscal"] = (fy, gen_ledger.CLOSING_PERIOD)
        rec = ctx.emit("GLJournalBatches", gl_batch(ctx, end, "GL", f"Year-end close {fy}", [e], "Posted",
                                                     end + 7 * DAY))
        out.extend(post_gl(ctx, rec, posting_seq(ctx, "GL", end + 7 * DAY)))
    return out


def finish_masters(ctx: CompanyCtx, vendors: list[dict], customers: list[dict]) -> None:
    """Balances and activity dates from the posted documents and applications."""
    open_by: dict[tuple[str, str], list] = {}
    for doc in ctx.docs.values():
        if doc.posted:
            open_by.setdefault((doc.ledger, doc.party), []).append(doc)

    def last(ledger: str, party: str, *kinds: str) -> dt.date | None:
        dates = [ctx.activity[(ledger, party, k)] for k in kinds if (ledger, party, k) in ctx.activity]
        return max(dates) if dates else None

    for rec in vendors:
        docs = open_by.get(("AP", rec["VendorNumber"]), [])
        rec["BalanceDueInVendorCurrency"] = sum((x.open_posted for x in docs), ZERO)
        rec["BalanceDueInFunctionalCurrency"] = sum((x.func_open_posted for x in docs), ZERO)
        rec["DateOfLastActivity"] = last("AP", rec["VendorNumber"], "invoice", "payment")
    for rec in customers:
        number = rec["CustomerNumber"]
        docs = open_by.get(("AR", number), [])
        # Unapplied cash and prepayments are documents of their own (negative), so they are in `docs`.
        rec["BalanceDueInCustomerCurrency"] = sum((x.open_posted for x in docs), ZERO)
        rec["BalanceDueInFunctionalCurrency"] = sum((x.func_open_posted for x in docs), ZERO)
        rec["NumberOfOpenDocuments"] = sum(1 for x in docs if x.open_posted > 0)
        rec["DateOfLastInvoice"] = last("AR", number, "invoice")
        rec["DateOfLastReceipt"] = last("AR", number, "payment")
        rec["DateOfLastActivity"] = last("AR", number, "invoice", "payment")


def refresh_ledgers(store, company: str) -> None:
    """After a batch is posted at run time: rebuild the posted-document ledgers and the fiscal sets from the
    register and the posted GL, as Sage updates them while posting."""
    ctx = store.ctx[company]
    with store.lock:
        rebuilt = gen_ledger.posted_documents(ctx)
        rebuilt["GLAccountFiscalSets"] = gen_ledger.fiscal_sets(ctx, store.records(company, "GLPostedTransactions"),
                                                                store.records(company, "GLAccounts"))
        for name, rows in rebuilt.items():
            rows.sort(key=store._keyfn[name])
            store.records(company, name)[:] = rows
            store.touch(company, name)
