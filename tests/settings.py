"""The test suite's settings: the portal's own, in the development posture (DJANGO_DEBUG=1).

The suite exercises the embedded defaults (SQLite or the configured services, in-memory layers, eager
Celery, the development identity provider), which production refuses; it must read them as a
developer's machine does. pytest-django still turns settings.DEBUG off while tests run, so pages
behave as in production. Tests of the production posture start their own interpreter with a
production environment (tests/portal/test_checks.py, test_settings.py).
"""

import os

os.environ["DJANGO_DEBUG"] = "1"

from portal.settings import *  # noqa: E402, F403
