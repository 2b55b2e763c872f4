"""WCAG 2.1 A/AA checks of a rendered page with axe-core (vendored, see web/static/vendor/VERSIONS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).with_name("axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOWN_TARGETS = 3

_RUN = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return results.violations;
}"""


def check_accessibility(page: Page) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now; use `assert not violations, describe_violations(violations)`."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Run by the devtools protocol, which the page's Content-Security-Policy does not bind; an inline
        # <script> (add_script_tag) it refuses, as it should.
        page.evaluate(AXE.read_text())
    return page.evaluate(_RUN, WCAG_TAGS)


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per rule broken: id, impact, what it asks for, and where (the first few elements)."""
    lines = [f"{len(violations)} WCAG 2.1 A/AA violation(s):"]
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        shown = ", ".join(targets[:SHOWN_TARGETS])
        if len(targets) > SHOWN_TARGETS:
            shown += f" (+{len(targets) - SHOWN_TARGETS} more)"
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']} – {shown}")
    return "\n".join(lines)
