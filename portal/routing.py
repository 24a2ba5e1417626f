"""The ASGI application proper: HTTP through Django, websockets through Channels.

`portal.asgi` serves it after the start-up checks; tests serve it directly (the suite runs with
development services and pytest-django turns DEBUG off, which those checks would rightly refuse).
"""

from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

# Django must be set up before anything imports models (the consumers do).
django_asgi_app = get_asgi_application()

from arena.battles.routing import websocket_urlpatterns  # noqa: E402
from portal.request_log import RequestLog  # noqa: E402
from portal.websocket_origin import SameOriginValidator  # noqa: E402
from portal.websocket_session import WebsocketSession  # noqa: E402

# RequestLog outermost: the request id is set before anything below logs.
application = RequestLog(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": SameOriginValidator(WebsocketSession(URLRouter(websocket_urlpatterns))),
        }
    )
)
