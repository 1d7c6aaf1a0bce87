from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from certificates import signals  # noqa: F401
        from certificates.credentials import checks  # noqa: F401  (the deployment check)
