"""Wagtail admin registration for shadowing. The only place these admin pages are registered."""

from wagtail import hooks

from shadowing.viewsets import ShadowingViewSetGroup


@hooks.register("register_admin_viewset")
def register_shadowing_viewsets() -> ShadowingViewSetGroup:
    return ShadowingViewSetGroup()
