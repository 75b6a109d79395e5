"""Runs axe-core in the page under test and reports WCAG 2.1 A/AA violations."""

from __future__ import annotations

from functools import cache

from tests.conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page) -> list[str]:
    """One line per violated rule and element; empty when the page passes.

    ``page`` may be a page or a frame. A frame that is still settling (a redirect, a late
    navigation) destroys the script's context; then wait for it to load and run axe again.
    """
    from playwright.sync_api import Error

    for attempt in range(3):
        page.wait_for_load_state()
        try:
            return _run(page)
        except Error as error:
            if "Execution context was destroyed" not in str(error) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _run(page) -> list[str]:  # type: ignore[no-untyped-def]
    # page.evaluate goes through the DevTools protocol, so the page's CSP does not block it.
    page.evaluate(_source())
    found = page.evaluate(
        """async (rules) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: rules}});
            return result.violations.flatMap(v => v.nodes.map(
                n => `${v.id}: ${n.target.join(" ")} (${v.help})`));
        }""",
        RULES,
    )
    return list(found)
