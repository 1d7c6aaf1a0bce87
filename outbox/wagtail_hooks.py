"""Wagtail admin registration for the outbox. The only place its admin pages are registered."""

from wagtail import hooks

from outbox.viewsets import OutboxViewSet


@hooks.register("register_admin_viewset")
def register_outbox_viewset() -> OutboxViewSet:
    return OutboxViewSet()
