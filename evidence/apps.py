from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence of training elsewhere"
    default_auto_field = "django.db.models.BigAutoField"
