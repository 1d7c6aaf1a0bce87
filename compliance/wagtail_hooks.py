"""Wagtail admin registration for compliance. The only place these admin pages are registered."""

from wagtail import hooks

from compliance.viewsets import RequirementViewSet


@hooks.register("register_admin_viewset")
def register_compliance_viewsets() -> RequirementViewSet:
    return RequirementViewSet()
