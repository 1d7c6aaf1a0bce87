"""Accessibility checks with axe-core, the engine behind most automated WCAG testing.

axe is injected with `page.evaluate`, which the content security policy would refuse, so
pages checked here come from a context made with `bypass_csp=True` (the `axe_page` fixture).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA and everything below it. axe's "best-practice" rules are left out: they are
# advice, not conformance failures.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.2 AA rules on the page as it is now and return the violations."""
    page.evaluate(AXE_SOURCE.read_text())
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    results = page.evaluate("options => axe.run(document, options)", options)
    return list(results["violations"])


def describe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """axe's findings as text a person can act on: rule, impact, help and each element."""
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with every violation listed when axe finds any on the page."""
    violations = axe_violations(page)
    assert not violations, describe_violations(page.url, violations)
