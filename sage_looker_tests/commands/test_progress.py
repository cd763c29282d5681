"""The progress line's rate and ETA, on a hand-driven clock (the arithmetic is in the comments)."""

import io
import json
from types import SimpleNamespace

from sage_looker.commands.progress import RunProgress
from sage_looker.defs.sage300.loading import PAGE_EVENT


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def _page(records: int, page: int, left: int):
    body = {"asset": "ap_invoice_batches", "company": "SAMINC", "page": page, "pass": 1, "records": records,
            "count": 250, "restarted": False, "requests_left": left}
    return SimpleNamespace(user_message=f"{PAGE_EVENT} {json.dumps(body)}", dagster_event=None)


def _step(kind: str):
    flags = {"is_step_start": kind == "start", "is_step_success": kind == "success", "is_step_failure": False}
    return SimpleNamespace(user_message="", dagster_event=SimpleNamespace(step_key="sage300_ap_invoice_batches",
                                                                           **flags))


def test_rate_and_eta_follow_the_pages_read_since_the_step_started():
    clock, out = Clock(), io.StringIO()
    progress = RunProgress("SAMINC transactions", out, live=False, total_steps=2, clock=clock)
    clock.now = 1.0
    progress(_step("start"))
    clock.now = 3.0
    progress(_page(100, 1, 1199))  # 100 rows in 2 s = 50 rows/s; (250 - 100) / 50 = ETA 3 s
    clock.now = 5.0
    progress(_page(100, 2, 1198))  # 200 rows in 4 s = 50 rows/s; (250 - 200) / 50 = ETA 1 s
    assert out.getvalue() == "SAMINC transactions\n"  # not a terminal: no line per page
    progress(_step("success"))  # run: 1 step of 2 in 5 s → ETA 5 s for the other
    assert out.getvalue().splitlines()[1:] == [
        "  ap_invoice_batches SAMINC: 2 pages, 200 rows of 250 announced, 1198 requests left, 50 rows/s, ETA 1 s",
        "  step sage300_ap_invoice_batches done (1/2 steps, ETA 5 s)",
    ]


def test_on_a_terminal_each_page_redraws_the_resource_line():
    clock, out = Clock(), io.StringIO()
    progress = RunProgress("run", out, live=True, clock=clock)
    progress(_step("start"))
    clock.now = 2.0
    progress(_page(100, 1, 1199))
    assert out.getvalue().endswith(
        "\r  ap_invoice_batches SAMINC: 1 pages, 100 rows of 250 announced, 1199 requests left, 50 rows/s, "
        "ETA 3 s\x1b[K")


def _displayed(lines: list[str], clock) -> str:
    """The resource line the CLI's progress display prints (not a terminal) after these page lines."""
    out = io.StringIO()
    progress = RunProgress("run", out, live=False, clock=clock)
    for m in lines:
        progress(SimpleNamespace(user_message=m, dagster_event=None))
    progress.close()
    return out.getvalue().splitlines()[1]


def test_page_lines_are_throttled_and_the_last_line_completes_the_counts():
    """PageLog on a hand-driven clock: pages at t = 0, 0.3, 0.6, 1.2, 1.5 s of 100, 100, 100, 100, 40 records.
    Lines: t=0 (first page: 1 page, 100), t=1.2 (>= 1 s after the first: pages 2-4, 300), flush at the end (page 5,
    40). The display sums them: 5 pages, 440 rows, exactly what a line per page gave."""
    from sage_looker.defs.sage300.loading import PageLog

    clock, lines = Clock(), []
    context = SimpleNamespace(log=SimpleNamespace(debug=lambda m: lines.append(m)))
    client = SimpleNamespace(budget=SimpleNamespace(left=1195))
    sl = SimpleNamespace(company="SAMINC")
    pages = PageLog(context, client, "ap_invoice_batches", sl, clock=clock)
    for i, (t, n) in enumerate([(0.0, 100), (0.3, 100), (0.6, 100), (1.2, 100), (1.5, 40)]):
        clock.now = t
        pages(SimpleNamespace(index=i, pass_number=1, records=[{}] * n, count=440, restarted=False))
    pages.flush()
    bodies = [json.loads(m[len(PAGE_EVENT) + 1:]) for m in lines]
    assert [(b["pages"], b["records"], b["page"]) for b in bodies] == [(1, 100, 1), (3, 300, 4), (1, 40, 5)]

    assert _displayed(lines, clock).startswith("  ap_invoice_batches SAMINC: 5 pages, 440 rows of 440 announced")


def test_a_restart_among_throttled_pages_counts_only_the_new_pass():
    """Pages at t = 0 (100 records), 0.2 (100), then Sage's data moves: page at 0.4 restarts the pass (60 records),
    0.5 (50). Lines: t=0 (1 page, 100) and the flush (3 pages, restarted, 60 + 50 = 110). Display: 4 pages,
    rows 110 (the first pass's 200 are discarded, as the reader discards them)."""
    from sage_looker.defs.sage300.loading import PageLog

    clock, lines = Clock(), []
    context = SimpleNamespace(log=SimpleNamespace(debug=lambda m: lines.append(m)))
    pages = PageLog(context, SimpleNamespace(budget=None), "ap_invoice_batches",
                    SimpleNamespace(company="SAMINC"), clock=clock)
    for i, (t, n, restarted) in enumerate([(0.0, 100, False), (0.2, 100, False), (0.4, 60, True), (0.5, 50, False)]):
        clock.now = t
        pages(SimpleNamespace(index=i, pass_number=2 if i >= 2 else 1, records=[{}] * n, count=None,
                              restarted=restarted))
    pages.flush()
    assert _displayed(lines, clock).startswith("  ap_invoice_batches SAMINC: 4 pages, 110 rows")
