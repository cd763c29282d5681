"""On a failed browser flow, keep what the analyst would have seen: a screenshot and the page's text
(artifacts/browser/FAILED-<test>.png / .txt), so a failure on a busy CI machine can be read afterwards."""

from __future__ import annotations

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed and "page" in getattr(item, "funcargs", {}):
        from .ui import ARTIFACTS

        page = item.funcargs["page"]
        try:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"FAILED-{item.name}.png"))
            (ARTIFACTS / f"FAILED-{item.name}.txt").write_text(f"{page.url}\n\n{page.inner_text('body')}")
        except Exception as exc:  # the failure itself is what matters; say why there is no picture
            report.sections.append(("browser artifacts", f"no screenshot: {type(exc).__name__}: {exc}"))
    return report
