from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("포털")

    def ready(self) -> None:
        from portal import checks, oidc  # noqa: F401  (register the production-safety checks)
