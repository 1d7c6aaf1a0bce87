"""Wagtail admin registration for evaluations. The only place these admin pages are registered."""

from wagtail import hooks

from evaluations.viewsets import EvaluationsViewSetGroup


@hooks.register("register_admin_viewset")
def register_evaluations_viewsets() -> EvaluationsViewSetGroup:
    return EvaluationsViewSetGroup()
