from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Published pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from cms import signals  # noqa: F401  (connects the receivers)
        from cms.services.site_tree import site_tree_after_migrate

        # Once per migrate (and per test-database flush), after every app's tables exist.
        post_migrate.connect(site_tree_after_migrate, sender=self)
