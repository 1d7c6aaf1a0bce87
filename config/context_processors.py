"""Values every template needs: the partnership's name and the service navigation."""

from django.conf import settings
from django.http import HttpRequest

from accounts.navigation import navigation_for


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "PARTNERSHIP_NAME": settings.PARTNERSHIP_NAME,
        "service_navigation": navigation_for(request),
    }
