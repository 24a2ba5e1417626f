from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every app may import: errors, API pieces, outbound HTTP, audit log, roles,
    identity verification. It imports no app."""

    name = "core"
    verbose_name = _("공통")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import oidc  # noqa: F401  (registers the identity-provider configuration checks)
