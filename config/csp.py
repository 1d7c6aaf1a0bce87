"""Lets Wagtail's admin run under our strict content security policy.

Wagtail's admin writes a few inline `<script>` blocks (inline panels, date pickers). Rather
than allow 'unsafe-inline' scripts, this middleware stamps those blocks, on /admin/ pages only,
with the per-request nonce that django-csp puts in the policy. Our own pages never contain
inline scripts, so they never get a nonce and the policy for them stays 'self' only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

ADMIN_PREFIX = "/admin/"
# An opening <script> tag that carries no nonce yet.
SCRIPT_TAG = re.compile(rb"<script(?![^>]*\bnonce=)(?=[\s>])", re.IGNORECASE)


class AdminScriptNonceMiddleware:
    """Must sit after csp.middleware.CSPMiddleware, so it runs first on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(ADMIN_PREFIX)
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and b"<script" in response.content
        ):
            nonce = str(request.csp_nonce).encode()  # type: ignore[attr-defined]
            response.content = SCRIPT_TAG.sub(b'<script nonce="' + nonce + b'"', response.content)
        return response
