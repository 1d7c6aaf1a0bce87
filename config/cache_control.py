"""Keeps pages with someone's information out of every cache: the browser's, a proxy's, a CDN's.

A signed-in person's pages, exports and downloads show names, records and compliance; without a
`Cache-Control` header a shared computer's browser (a school office, a GP surgery) keeps them
on disk, and its Back button shows them to the next person after sign-out. So every response to
a signed-in person, and every response to a POST (which may echo what someone typed back), is
sent with `Cache-Control: private, no-store`. A view that already asked for no-store (Django's
`never_cache`, as Wagtail's admin does) keeps its own, stricter header.

Pages for people who are not signed in (the published guides, the route finder) stay cacheable,
and static files never reach this middleware (WhiteNoise answers them first).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PRIVATE_NO_STORE = "private, no-store"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _personal(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated) or request.method not in SAFE_METHODS


class PrivateNoStoreMiddleware:
    """Sends `Cache-Control: private, no-store` with every response that may hold personal data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _personal(request) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response
