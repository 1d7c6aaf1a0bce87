from django.apps import AppConfig


class EntraConfig(AppConfig):
    name = "accounts.entra"
    label = "entra"
    verbose_name = "Microsoft Entra ID sign-in"
    default_auto_field = "django.db.models.BigAutoField"
