"""ASGI entry point for servers: load Django, refuse unsafe production settings, then serve.

Served by uvicorn in the embedded default (`make run`) and by gunicorn with the portal's uvicorn worker
in production (`gunicorn portal.asgi:application -k portal.workers.UvicornWorker`).
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup(set_prefix=False)

from portal.checks import refuse_unsafe_start  # noqa: E402

refuse_unsafe_start()

from ax_catalog.search import warm_up_at_start  # noqa: E402

# The catalogue's search analyser takes seconds to load: load it before this process serves anything.
warm_up_at_start()

from portal.routing import application  # noqa: E402

__all__ = ["application"]
