from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxCatalogConfig(AppConfig):
    name = "ax_catalog"
    verbose_name = _("공공 AX 사례")
