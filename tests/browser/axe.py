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
    """One line per violated rule and element; empty when the page passes."""
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
