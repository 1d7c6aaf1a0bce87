"""Wagtail admin registration for organisations. The only place these admin pages are registered."""

from wagtail import hooks

from organisations.viewsets import PartnershipViewSetGroup


@hooks.register("register_admin_viewset")
def register_partnership_viewsets() -> PartnershipViewSetGroup:
    return PartnershipViewSetGroup()
