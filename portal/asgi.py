"""ASGI entry point: HTTP through Django, websockets through Channels.

Served by uvicorn in the embedded default (`make run`) and by gunicorn with uvicorn workers in
production (`gunicorn portal.asgi:application -k uvicorn_worker.UvicornWorker`).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# Django must be set up before anything imports models (the consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from arena.routing import websocket_urlpatterns  # noqa: E402
from ax_catalog.search import warm_up_at_start  # noqa: E402

# The catalogue's search analyser takes seconds to load: load it before this process serves anything.
warm_up_at_start()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
