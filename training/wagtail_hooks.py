"""Wagtail admin registration for training. The only place these admin pages are registered."""

from wagtail import hooks

from training.viewsets import TrainingViewSetGroup


@hooks.register("register_admin_viewset")
def register_training_viewsets() -> TrainingViewSetGroup:
    return TrainingViewSetGroup()
