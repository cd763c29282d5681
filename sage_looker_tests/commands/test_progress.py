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
