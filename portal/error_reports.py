"""What an error page or error e-mail may show of the settings and of a failing frame.

Django's SafeExceptionReporterFilter hides settings whose *names* look secret (KEY, PASS, TOKEN...),
but DATABASE_URL, REDIS_URL and CELERY_BROKER_URL carry passwords inside URLs and their names say only
"URL"; the cache LOCATION and the channel layer's hosts list copy the same URL. So: hide any setting
whose name mentions a URL, a location, a host list or a broker, and, wherever a value is shown,
replace the password in any `scheme://user:password@host` with the substitute.
"""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter

_CREDENTIALS_IN_URL = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^\s/@:]*:)[^\s/@]*(?=@)", re.IGNORECASE)


def scrub_url_credentials(text: str, substitute: str = "********************") -> str:
    return _CREDENTIALS_IN_URL.sub(lambda m: m.group("head") + substitute, text)


class SecretsFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|DSN|BROKER|LOCATION|HOSTS|CONFIG",
        flags=re.IGNORECASE,
    )

    def cleanse_setting(self, key, value):
        return self._scrub(super().cleanse_setting(key, value))

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self._scrub(value))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]

    def _scrub(self, value):
        # type(), not isinstance(): lazy objects (a setting such as the CSRF token) pass for str.
        return scrub_url_credentials(value, self.cleansed_substitute) if type(value) is str else value
